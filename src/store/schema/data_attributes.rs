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
        /// Conversation attributes only: 2.16's type (null: derived), `required`, the teams
        /// that see it (a JSON array), a string's `multiline`, a relationship's `reference`
        /// (JSON) and a list's options with ids (a JSON array; `options` has the live labels).
        ConversationDataType: Option<String>,
        Required: bool,
        VisibleToTeamIds: String,
        Multiline: bool,
        Reference: Option<String>,
        ListOptions: Option<String>,
    }
}
