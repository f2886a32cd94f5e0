//! Notes about contacts and companies.

use crate::store::backend::rows::table;

table! {
    /// `notes`: a note an admin wrote about a contact or (2.16) a company; exactly one is set.
    pub(crate) Notes => NoteRow {
        Id: i64,
        WorkspaceId: i64,
        ContactId: Option<i64>,
        CompanyId: Option<i64>,
        AdminId: i64,
        Body: String,
        CreatedAt: i64,
    }
}
