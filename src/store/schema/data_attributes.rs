//! Custom data attributes.

use crate::store::backend::rows::table;

table! {
    /// `data_attributes`: a workspace's custom attributes (`options` is a JSON array).
    pub(crate) DataAttributes => DataAttributeRow {
        Id: i64,
        WorkspaceId: i64,
        Model: String,
        Name: String,
        Description: String,
        DataType: String,
        Options: Option<String>,
        MessengerWritable: bool,
        Archived: bool,
        AdminId: Option<i64>,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}
