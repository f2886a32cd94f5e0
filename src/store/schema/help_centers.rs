//! Help centers and their collections.

use crate::store::backend::rows::table;

table! {
    /// `help_centers`: every workspace has at least its default one.
    pub(crate) HelpCenters => HelpCenterRow {
        Id: i64,
        WorkspaceId: i64,
        Identifier: String,
        DisplayName: String,
        WebsiteTurnedOn: bool,
        CustomDomain: Option<String>,
        DefaultLocale: String,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}

table! {
    /// `collections`: a collection with a parent is a section.
    pub(crate) Collections => CollectionRow {
        Id: i64,
        WorkspaceId: i64,
        HelpCenterId: i64,
        ParentId: Option<i64>,
        Name: String,
        Description: String,
        Icon: String,
        SortOrder: i64,
        DefaultLocale: String,
        /// Other locales' `{"name", "description"}`, as a JSON object keyed by locale.
        Translations: String,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}
