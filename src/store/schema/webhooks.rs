//! Webhooks: subscriptions, the outbox of notifications, and their deliveries.

use crate::store::backend::rows::table;

table! {
    /// `webhook_subscriptions`: where a workspace's notifications of some topics are sent.
    pub(crate) WebhookSubscriptions => WebhookSubscriptionRow {
        Id: i64,
        WorkspaceId: i64,
        Url: String,
        /// A JSON array of topic names.
        Topics: String,
        ApiVersion: String,
        Active: bool,
        CreatedAt: i64,
    }
}

table! {
    /// `notifications`: the outbox, one row per notification, written with its cause.
    pub(crate) Notifications => NotificationRow {
        Id: i64,
        WorkspaceId: i64,
        PublicId: String,
        Topic: String,
        /// The item as the newest version renders it, as JSON text.
        Item: String,
        CreatedAt: i64,
    }
}

table! {
    /// `webhook_deliveries`: one notification to one subscription (times `*_ms` are real time).
    pub(crate) WebhookDeliveries => WebhookDeliveryRow {
        Id: i64,
        WorkspaceId: i64,
        NotificationId: i64,
        SubscriptionId: i64,
        Status: String,
        Attempts: i64,
        /// When it was queued (or redelivered): retries stop a retry window after it.
        QueuedMs: i64,
        /// When it is next due; while `delivering`, when its worker's lease ends.
        NextAttemptMs: i64,
        FirstSentAt: Option<i64>,
        DeliveredAt: Option<i64>,
        ResponseCode: Option<i64>,
        ResponseExcerpt: Option<String>,
        DurationMs: Option<i64>,
    }
}
