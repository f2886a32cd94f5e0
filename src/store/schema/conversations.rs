//! Conversations, their parts, participants, tags and words, and the assignment rules.

use serde_json::{Map, Value as Json};

use crate::store::backend::rows::{JsonColumn, table};

table! {
    /// `conversations`: the conversation, its source message, state and statistics.
    pub(crate) Conversations => ConversationRow {
        Id: i64,
        WorkspaceId: i64,
        CreatedAt: i64,
        UpdatedAt: i64,
        Title: Option<String>,
        State: String,
        Read: bool,
        Priority: String,
        WaitingSince: Option<i64>,
        SnoozedUntil: Option<i64>,
        AdminAssigneeId: Option<i64>,
        TeamAssigneeId: Option<i64>,
        CustomAttributes: JsonColumn<Map<String, Json>>,
        SourceType: String,
        SourceDeliveredAs: String,
        SourceSubject: String,
        SourceBody: Option<String>,
        SourceUrl: Option<String>,
        SourceRedacted: bool,
        /// A JSON array of part attachments.
        SourceAttachments: String,
        SourceAuthorType: String,
        SourceAuthorAdminId: Option<i64>,
        SourceAuthorContactId: Option<i64>,
        TimeToAssignment: Option<i64>,
        TimeToAdminReply: Option<i64>,
        TimeToFirstClose: Option<i64>,
        TimeToLastClose: Option<i64>,
        MedianTimeToReply: Option<i64>,
        FirstContactReplyAt: Option<i64>,
        FirstAssignmentAt: Option<i64>,
        FirstAdminReplyAt: Option<i64>,
        FirstCloseAt: Option<i64>,
        LastAssignmentAt: Option<i64>,
        LastAssignmentAdminReplyAt: Option<i64>,
        LastContactReplyAt: Option<i64>,
        LastAdminReplyAt: Option<i64>,
        LastCloseAt: Option<i64>,
        LastClosedById: Option<i64>,
        CountReopens: i64,
        CountAssignments: i64,
        CountConversationParts: i64,
        /// A JSON array of seconds (`median_time_to_reply`).
        ReplyTimes: String,
        CompanyId: Option<i64>,
        /// A JSON array of team assignments and their response times.
        TeamResponses: String;
        BrandId,
    }
}

table! {
    /// `conversation_contacts`: the participants.
    pub(crate) ConversationContacts => ConversationContactRow {
        ConversationId: i64,
        ContactId: i64,
        AddedAt: i64,
    }
}

table! {
    /// `conversation_parts`: every reply, note and change of a conversation.
    pub(crate) ConversationParts => PartRow {
        Id: i64,
        ConversationId: i64,
        PartType: String,
        Body: Option<String>,
        CreatedAt: i64,
        UpdatedAt: i64,
        NotifiedAt: i64,
        AuthorType: String,
        AuthorAdminId: Option<i64>,
        AuthorContactId: Option<i64>,
        AssignedToType: Option<String>,
        AssignedToId: Option<i64>,
        /// A JSON array of part attachments.
        Attachments: String,
        Redacted: bool,
        State: String,
        /// A JSON object (`conversation_part_metadata`).
        Metadata: String,
    }
}

table! {
    /// `conversation_tags`: the workspace's tags applied to a conversation.
    pub(crate) ConversationTags => ConversationTagRow {
        ConversationId: i64,
        TagId: i64,
        AppliedAt: i64,
        AppliedBy: Option<i64>,
    }
}

table! {
    /// `conversation_words`: the words of each source body, for `source.body` searches.
    pub(crate) ConversationWords => ConversationWordRow {
        ConversationId: i64,
        Word: String,
    }
}

table! {
    /// `assignment_rules`: the workspace's rules document.
    pub(crate) AssignmentRules => AssignmentRulesRow {
        WorkspaceId: i64,
        Rules: String,
        UpdatedAt: i64,
    }
}

table! {
    /// `assignment_turns`: the admin of each team who was assigned last (round robin).
    pub(crate) AssignmentTurns => AssignmentTurnRow {
        WorkspaceId: i64,
        TeamId: i64,
        LastAdminId: i64,
    }
}

table! {
    /// `deleted_conversations`: the ids `DELETE /conversations/{id}` removed.
    pub(crate) DeletedConversations => DeletedConversationRow {
        WorkspaceId: i64,
        ConversationId: i64,
        MetricsRetained: bool,
        DeletedAt: i64,
    }
}

table! {
    /// `conversation_merges`: each conversation merged away, and the primary it went into.
    pub(crate) ConversationMerges => ConversationMergeRow {
        SecondaryId: i64,
        PrimaryId: i64,
        AdminId: Option<i64>,
        MergedAt: i64,
    }
}

table! {
    /// `side_conversations`: internal threads started from a conversation.
    pub(crate) SideConversations => SideConversationRow {
        Id: i64,
        ConversationId: i64,
        CreatedAt: i64,
    }
}

table! {
    /// `side_conversation_parts`: the messages of a side conversation.
    pub(crate) SideConversationParts => SideConversationPartRow {
        Id: i64,
        SideConversationId: i64,
        AdminId: i64,
        Body: String,
        CreatedAt: i64,
    }
}
