//! Tags and taggings.

use crate::store::backend::rows::table;

table! {
    /// `tags`: names compare without case within a workspace.
    pub(crate) Tags => TagRow {
        Id: i64,
        WorkspaceId: i64,
        Name: String,
        CreatedAt: i64,
    }
}

table! {
    /// `contact_tags`: a tag applied to a contact, when and by whom.
    pub(crate) ContactTags => ContactTagRow {
        ContactId: i64,
        TagId: i64,
        AppliedAt: i64,
        AppliedBy: Option<i64>,
    }
}

table! {
    /// `company_tags`: a tag applied to a company, when and by whom.
    pub(crate) CompanyTags => CompanyTagRow {
        CompanyId: i64,
        TagId: i64,
        AppliedAt: i64,
        AppliedBy: Option<i64>,
    }
}
