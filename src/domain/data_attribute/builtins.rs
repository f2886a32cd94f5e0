//! The built-in attributes of contacts, companies and conversations, as Intercom lists them.

use super::{DataAttribute, DataType, Model};

/// A built-in attribute: (full name, label, description, type, writable through the API).
type Builtin = (&'static str, &'static str, &'static str, DataType, bool);

const CONTACT_BUILTINS: &[Builtin] = {
    use DataType::*;
    &[
        ("id", "ID", "The Intercom defined id representing the contact", String, false),
        (
            "external_id",
            "External ID",
            "A unique identifier for the contact which is given to Intercom",
            String,
            true,
        ),
        ("role", "Role", "The role of the contact: user or lead", String, true),
        ("name", "Name", "The contact's name", String, true),
        ("email", "Email", "The contact's email", String, true),
        ("email_domain", "Email domain", "The domain of the contact's email", String, false),
        ("phone", "Phone", "The contact's phone number", String, true),
        ("formatted_phone", "Formatted phone", "The contact's phone number in E.164 format", String, false),
        ("avatar", "Avatar", "An image URL containing the avatar of the contact", String, true),
        ("owner_id", "Owner", "The admin assigned account ownership of the contact", Integer, true),
        ("created_at", "Created at", "The time the contact was added to Intercom", Date, false),
        ("updated_at", "Updated at", "The last time the contact was updated", Date, false),
        ("signed_up_at", "Signed up", "The time the contact signed up", Date, true),
        ("last_seen_at", "Last seen", "The last time the contact was seen", Date, true),
        ("last_replied_at", "Last replied", "The last time the contact messaged in", Date, false),
        ("last_contacted_at", "Last contacted", "The last time the contact was messaged", Date, false),
        (
            "last_email_opened_at",
            "Last opened email",
            "The last time the contact opened an email",
            Date,
            false,
        ),
        (
            "last_email_clicked_at",
            "Last clicked on link in email",
            "The last time the contact clicked a link in an email",
            Date,
            false,
        ),
        (
            "unsubscribed_from_emails",
            "Unsubscribed from emails",
            "Whether the contact is unsubscribed from emails",
            Boolean,
            true,
        ),
        (
            "marked_email_as_spam",
            "Marked email as spam",
            "Whether the contact marked an email as spam",
            Boolean,
            false,
        ),
        (
            "has_hard_bounced",
            "Has hard bounced",
            "Whether an email sent to the contact hard bounced",
            Boolean,
            false,
        ),
        (
            "language_override",
            "Language override",
            "The language the Messenger uses for the contact",
            String,
            false,
        ),
        ("browser", "Browser", "The browser the contact uses", String, false),
        ("browser_version", "Browser version", "The version of the browser the contact uses", String, false),
        ("browser_language", "Browser language", "The language of the contact's browser", String, false),
        ("os", "OS", "The operating system the contact uses", String, false),
        ("location.country", "Country", "The country the contact is in", String, false),
        ("location.region", "Region", "The region the contact is in", String, false),
        ("location.city", "City", "The city the contact is in", String, false),
        ("android_app_name", "Android app name", "The Android app the contact uses", String, false),
        (
            "android_app_version",
            "Android app version",
            "The version of the Android app the contact uses",
            String,
            false,
        ),
        ("android_device", "Android device", "The Android device the contact uses", String, false),
        ("android_os_version", "Android OS version", "The Android version the contact uses", String, false),
        (
            "android_sdk_version",
            "Android SDK version",
            "The Android SDK version the contact uses",
            String,
            false,
        ),
        (
            "android_last_seen_at",
            "Android last seen",
            "The last time the contact used the Android app",
            Date,
            false,
        ),
        ("ios_app_name", "iOS app name", "The iOS app the contact uses", String, false),
        ("ios_app_version", "iOS app version", "The version of the iOS app the contact uses", String, false),
        ("ios_device", "iOS device", "The iOS device the contact uses", String, false),
        ("ios_os_version", "iOS version", "The iOS version the contact uses", String, false),
        ("ios_sdk_version", "iOS SDK version", "The iOS SDK version the contact uses", String, false),
        ("ios_last_seen_at", "iOS last seen", "The last time the contact used the iOS app", Date, false),
    ]
};

/// The spec's example list for `model=company`.
const COMPANY_BUILTINS: &[Builtin] = {
    use DataType::*;
    &[
        ("name", "Company name", "The name of a company", String, true),
        ("company_id", "Company ID", "A number identifying a company", String, false),
        (
            "last_request_at",
            "Company last seen",
            "The last day anyone from a company visited your site or app",
            Date,
            false,
        ),
        ("remote_created_at", "Company created at", "The day a company was added to Intercom", Date, true),
        ("user_count", "People", "The number of people in a company", Integer, false),
        (
            "session_count",
            "Company web sessions",
            "All visits from anyone in a company to your product's site or app",
            Integer,
            false,
        ),
        (
            "plan.name",
            "Plan",
            "A specific plan or level within your product that companies have signed up to",
            String,
            false,
        ),
        ("monthly_spend", "Monthly Spend", "The monthly revenue you receive from a company", Float, true),
        (
            "size",
            "Company size",
            "The number of people employed in this company, expressed as a single number",
            Integer,
            true,
        ),
        (
            "industry",
            "Company industry",
            "The category or domain this company belongs to e.g. 'ecommerce' or 'SaaS'",
            String,
            true,
        ),
        (
            "website",
            "Company website",
            "The web address for the company's primary marketing site",
            String,
            true,
        ),
        ("id", "ID", "The Intercom defined id representing the company", String, false),
        ("created_at", "Created at", "The time the company was added to Intercom", Date, false),
        ("updated_at", "Updated at", "The last time the company was updated", Date, false),
        ("plan.id", "Plan ID", "The Intercom defined id representing the plan", String, false),
        ("app_id", "App ID", "The Intercom defined id representing the app", String, false),
    ]
};

const CONVERSATION_BUILTINS: &[Builtin] = {
    use DataType::*;
    &[
        ("id", "ID", "The id representing the conversation", String, false),
        ("title", "Title", "The title given to the conversation", String, false),
        ("created_at", "Created at", "The time the conversation was created", Date, false),
        ("updated_at", "Updated at", "The last time the conversation was updated", Date, false),
        ("state", "State", "Whether the conversation is open, closed or snoozed", String, false),
        ("open", "Open", "Whether the conversation is open", Boolean, false),
        ("read", "Read", "Whether the last part of the conversation was read", Boolean, false),
        ("priority", "Priority", "Whether the conversation is priority or not_priority", String, false),
        (
            "waiting_since",
            "Waiting since",
            "Since when the contact has been waiting for a reply",
            Date,
            false,
        ),
        ("snoozed_until", "Snoozed until", "When a snoozed conversation reopens", Date, false),
        ("admin_assignee_id", "Admin assignee", "The admin the conversation is assigned to", Integer, false),
        ("team_assignee_id", "Team assignee", "The team the conversation is assigned to", Integer, false),
        ("source.type", "Source type", "The type of the conversation's first message", String, false),
        ("source.delivered_as", "Source delivered as", "How the first message was delivered", String, false),
        ("source.subject", "Source subject", "The subject of the first message", String, false),
        ("source.body", "Source body", "The body of the first message", String, false),
        ("source.author.id", "Source author ID", "The id of the first message's author", String, false),
        ("source.author.type", "Source author type", "The type of the first message's author", String, false),
        ("source.url", "Source URL", "The URL where the conversation was started", String, false),
    ]
};

/// The built-in attributes of `model`.
pub fn builtins(model: Model) -> Vec<DataAttribute> {
    let table = match model {
        Model::Contact => CONTACT_BUILTINS,
        Model::Company => COMPANY_BUILTINS,
        Model::Conversation => CONVERSATION_BUILTINS,
    };
    table
        .iter()
        .map(|&(full_name, label, description, data_type, api_writable)| DataAttribute {
            id: None,
            kind: "data_attribute",
            name: full_name.rsplit('.').next().unwrap_or(full_name).to_owned(),
            full_name: full_name.to_owned(),
            label: label.to_owned(),
            description: description.to_owned(),
            data_type,
            options: None,
            api_writable,
            ui_writable: false,
            messenger_writable: true,
            custom: false,
            archived: false,
            admin_id: None,
            created_at: None,
            updated_at: None,
            model,
        })
        .collect()
}
