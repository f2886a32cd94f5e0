//! Notes about contacts.

use crate::store::backend::rows::table;

table! {
    /// `notes`: a note an admin wrote about a contact.
    pub(crate) Notes => NoteRow {
        Id: i64,
        WorkspaceId: i64,
        ContactId: i64,
        AdminId: i64,
        Body: String,
        CreatedAt: i64,
    }
}
