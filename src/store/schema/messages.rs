//! Messages, their WhatsApp deliveries, and phone call redirects.

use serde_json::{Map, Value as Json};

use crate::store::backend::rows::{JsonColumn, table};

table! {
    /// `messages`: what a message has beyond the conversation it started (same id).
    pub(crate) Messages => MessageRow {
        ConversationId: i64,
        WorkspaceId: i64,
        Kind: String,
        MessageType: String,
        Template: Option<String>,
        Locale: Option<String>,
        /// A JSON array, as sent.
        Components: Option<String>,
        /// A JSON array of `{"field", "type", "id"}`.
        Recipients: String,
        OpenWithoutReply: bool,
        CreatedAt: i64,
    }
}

table! {
    /// `whatsapp_messages`: the delivery of a WhatsApp message to one contact.
    pub(crate) WhatsappMessages => WhatsappMessageRow {
        Id: i64,
        WorkspaceId: i64,
        ConversationId: i64,
        ContactId: Option<i64>,
        WhatsappMessageId: String,
        TemplateName: String,
        Status: String,
        ErrorMessage: Option<String>,
        ErrorDetails: Option<String>,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}

table! {
    /// `phone_call_redirects`: a phone a Messenger link was for.
    pub(crate) PhoneCallRedirects => PhoneCallRedirectRow {
        Id: i64,
        WorkspaceId: i64,
        ContactId: Option<i64>,
        ConversationId: Option<i64>,
        Phone: String,
        CustomAttributes: JsonColumn<Map<String, Json>>,
        CreatedAt: i64,
    }
}
