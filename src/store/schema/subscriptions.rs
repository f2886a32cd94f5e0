//! Subscription types and contacts' choices.

use crate::store::backend::rows::table;

table! {
    /// `subscription_types`: made with the CLI; `content_types` is comma separated.
    pub(crate) SubscriptionTypes => SubscriptionTypeRow {
        Id: i64,
        WorkspaceId: i64,
        Name: String,
        Description: String,
        Locale: String,
        State: String,
        ConsentType: String,
        ContentTypes: String,
        CreatedAt: i64,
    }
}

table! {
    /// `contact_subscriptions`: a contact's explicit choice about a subscription type.
    pub(crate) ContactSubscriptions => ContactSubscriptionRow {
        ContactId: i64,
        SubscriptionTypeId: i64,
        CreatedAt: i64,
    }
}
