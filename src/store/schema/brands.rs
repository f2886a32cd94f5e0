//! Brands and the sender email addresses (email settings) of a workspace.

use crate::store::backend::rows::table;

table! {
    /// `brands`: each workspace has one default brand, made on first use.
    pub(crate) Brands => BrandRow {
        Id: i64,
        WorkspaceId: i64,
        Name: String,
        IsDefault: bool,
        HelpCenterId: Option<i64>,
        DefaultEmailId: Option<i64>,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}

table! {
    /// `email_settings`: a sender address of a brand.
    pub(crate) EmailSettings => EmailSettingRow {
        Id: i64,
        WorkspaceId: i64,
        Email: String,
        BrandId: i64,
        Verified: bool,
        ForwardingEnabled: bool,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}
