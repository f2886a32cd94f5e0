//! Articles and their per-locale content.

use crate::store::backend::rows::table;

table! {
    /// `articles`: where an article sits; its texts are in `article_contents`.
    pub(crate) Articles => ArticleRow {
        Id: i64,
        WorkspaceId: i64,
        HelpCenterId: i64,
        ParentId: Option<i64>,
        DefaultLocale: String,
        /// Those of the default locale's content, kept here to order the list by.
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}

table! {
    /// `article_contents`: one row per article and locale.
    pub(crate) ArticleContents => ArticleContentRow {
        ArticleId: i64,
        Locale: String,
        WorkspaceId: i64,
        Title: String,
        Description: String,
        Body: String,
        AuthorId: i64,
        State: String,
        CreatedAt: i64,
        UpdatedAt: i64,
        AiChatbotAvailability: bool,
        AiCopilotAvailability: bool,
        AiSalesAgentAvailability: bool,
        BodyMarkdown: Option<String>,
        CreatedById: Option<i64>,
        UpdatedById: Option<i64>;
        // Lower-cased title, description and body text, for phrase search (written, never read).
        SearchText
    }
}
