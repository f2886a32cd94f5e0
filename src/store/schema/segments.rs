//! Segments.

use crate::store::backend::rows::table;

table! {
    /// `segments`: a saved contact or company query (`query` is its search-language JSON).
    pub(crate) Segments => SegmentRow {
        Id: i64,
        PublicId: String,
        WorkspaceId: i64,
        Name: String,
        PersonType: String,
        Query: String,
        CreatedAt: i64,
        UpdatedAt: i64,
        Model: String,
    }
}
