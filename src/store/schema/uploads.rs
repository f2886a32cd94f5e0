//! Files sent as `attachment_files`.

use crate::store::backend::rows::table;

table! {
    /// `part_uploads`: a reply's file, served at its attachment's URL by `token`.
    pub(crate) PartUploads => PartUploadRow {
        Token: String,
        WorkspaceId: i64,
        PartId: i64,
        Name: String,
        ContentType: String,
        Data: Vec<u8>,
        CreatedAt: i64,
    }
}
