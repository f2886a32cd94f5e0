//! Contacts (users and leads).

use serde_json::{Map, Value as Json};

use crate::store::backend::rows::{JsonColumn, table};

table! {
    /// `contacts`: a user or a lead of a workspace (`blocked`: `POST /contacts/{id}/block`).
    pub(crate) Contacts => ContactRow {
        Id: i64,
        PublicId: String,
        WorkspaceId: i64,
        Role: String,
        ExternalId: Option<String>,
        Email: Option<String>,
        EmailDomain: Option<String>,
        Phone: Option<String>,
        FormattedPhone: Option<String>,
        Name: Option<String>,
        Avatar: Option<String>,
        OwnerId: Option<i64>,
        HasHardBounced: bool,
        MarkedEmailAsSpam: bool,
        UnsubscribedFromEmails: bool,
        Archived: bool,
        CreatedAt: i64,
        UpdatedAt: i64,
        SignedUpAt: Option<i64>,
        LastSeenAt: Option<i64>,
        LastRepliedAt: Option<i64>,
        LastContactedAt: Option<i64>,
        LastEmailOpenedAt: Option<i64>,
        LastEmailClickedAt: Option<i64>,
        LanguageOverride: Option<String>,
        Browser: Option<String>,
        BrowserVersion: Option<String>,
        BrowserLanguage: Option<String>,
        Os: Option<String>,
        LocationCountry: Option<String>,
        LocationRegion: Option<String>,
        LocationCity: Option<String>,
        LocationCountryCode: Option<String>,
        LocationContinentCode: Option<String>,
        AndroidAppName: Option<String>,
        AndroidAppVersion: Option<String>,
        AndroidDevice: Option<String>,
        AndroidOsVersion: Option<String>,
        AndroidSdkVersion: Option<String>,
        AndroidLastSeenAt: Option<i64>,
        IosAppName: Option<String>,
        IosAppVersion: Option<String>,
        IosDevice: Option<String>,
        IosOsVersion: Option<String>,
        IosSdkVersion: Option<String>,
        IosLastSeenAt: Option<i64>,
        UtmCampaign: Option<String>,
        UtmContent: Option<String>,
        UtmMedium: Option<String>,
        UtmSource: Option<String>,
        UtmTerm: Option<String>,
        Referrer: Option<String>,
        /// Checked against the workspace's data attributes on every write.
        CustomAttributes: JsonColumn<Map<String, Json>>;
        EmailVerified,
        Blocked,
    }
}

table! {
    /// `contact_merges`: the contacts merged into a contact (`merge_history`), with the
    /// external id each had (a lookup by it is answered 410 Gone).
    pub(crate) ContactMerges => ContactMergeRow {
        ContactId: i64,
        SourceContactId: String,
        SourceRole: String,
        MergedAt: i64;
        SourceExternalId,
    }
}
