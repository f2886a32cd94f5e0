//! News: newsfeeds, news items and their assignments to newsfeeds.

use crate::store::backend::rows::table;

table! {
    /// `newsfeeds`: every workspace has the defaults; the operator adds others.
    pub(crate) Newsfeeds => NewsfeedRow {
        Id: i64,
        WorkspaceId: i64,
        Name: String,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}

table! {
    /// `news_items`: `labels` and `reactions` are JSON arrays.
    pub(crate) NewsItems => NewsItemRow {
        Id: i64,
        WorkspaceId: i64,
        Title: String,
        Body: String,
        SenderId: i64,
        State: String,
        Labels: String,
        Reactions: String,
        CoverImageUrl: Option<String>,
        DeliverSilently: bool,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}

table! {
    /// `newsfeed_assignments`: `published_at` is null while the item is a draft.
    pub(crate) NewsfeedAssignments => NewsfeedAssignmentRow {
        NewsItemId: i64,
        NewsfeedId: i64,
        WorkspaceId: i64,
        PublishedAt: Option<i64>,
    }
}
