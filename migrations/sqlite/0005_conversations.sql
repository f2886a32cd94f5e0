-- Conversations: the source message and current state in one row, every later message or
-- action a part, participants, tags, and the words of the source body for search.
-- Statistics live in columns so that search can filter on them.

CREATE TABLE conversations (
    id                              INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id                    BIGINT NOT NULL REFERENCES workspaces(id),
    created_at                      BIGINT NOT NULL,
    updated_at                      BIGINT NOT NULL,
    title                           TEXT,
    -- open | closed | snoozed; a snooze whose snoozed_until has passed reads as open.
    state                           TEXT NOT NULL,
    read                            BOOLEAN NOT NULL DEFAULT FALSE,
    priority                        TEXT NOT NULL DEFAULT 'not_priority',
    waiting_since                   BIGINT,
    snoozed_until                   BIGINT,
    admin_assignee_id               BIGINT REFERENCES admins(id),
    team_assignee_id                BIGINT REFERENCES teams(id),
    -- A JSON object, checked against the conversation data attributes on every write.
    custom_attributes               TEXT NOT NULL DEFAULT '{}',
    source_type                     TEXT NOT NULL,
    source_delivered_as             TEXT NOT NULL,
    source_subject                  TEXT NOT NULL DEFAULT '',
    source_body                     TEXT,
    source_url                      TEXT,
    source_redacted                 BOOLEAN NOT NULL DEFAULT FALSE,
    -- A JSON array of part_attachment objects.
    source_attachments              TEXT NOT NULL DEFAULT '[]',
    -- user | lead | admin: who wrote the source (resolved to a name and email when read).
    source_author_type              TEXT NOT NULL,
    source_author_admin_id          BIGINT REFERENCES admins(id),
    source_author_contact_id        BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    time_to_assignment              BIGINT,
    time_to_admin_reply             BIGINT,
    time_to_first_close             BIGINT,
    time_to_last_close              BIGINT,
    median_time_to_reply            BIGINT,
    first_contact_reply_at          BIGINT,
    first_assignment_at             BIGINT,
    first_admin_reply_at            BIGINT,
    first_close_at                  BIGINT,
    last_assignment_at              BIGINT,
    last_assignment_admin_reply_at  BIGINT,
    last_contact_reply_at           BIGINT,
    last_admin_reply_at             BIGINT,
    last_close_at                   BIGINT,
    last_closed_by_id               BIGINT REFERENCES admins(id),
    count_reopens                   BIGINT NOT NULL DEFAULT 0,
    count_assignments               BIGINT NOT NULL DEFAULT 0,
    count_conversation_parts        BIGINT NOT NULL DEFAULT 0,
    -- A JSON array of seconds: each admin reply to a waiting contact (median_time_to_reply).
    reply_times                     TEXT NOT NULL DEFAULT '[]'
);
-- Listing and search pages: newest update first.
CREATE INDEX conversations_list ON conversations (workspace_id, updated_at, id);
CREATE INDEX conversations_created_at ON conversations (workspace_id, created_at);
CREATE INDEX conversations_state ON conversations (workspace_id, state, snoozed_until);
CREATE INDEX conversations_waiting_since ON conversations (workspace_id, waiting_since);
CREATE INDEX conversations_admin_assignee ON conversations (workspace_id, admin_assignee_id);
CREATE INDEX conversations_team_assignee ON conversations (workspace_id, team_assignee_id);
CREATE INDEX conversations_source_contact ON conversations (source_author_contact_id);

CREATE TABLE conversation_contacts (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    contact_id      BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    added_at        BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, contact_id)
);
CREATE INDEX conversation_contacts_contact ON conversation_contacts (contact_id, conversation_id);

CREATE TABLE conversation_parts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id   BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    part_type         TEXT NOT NULL,
    body              TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    notified_at       BIGINT NOT NULL,
    -- admin | bot | user | lead
    author_type       TEXT NOT NULL,
    author_admin_id   BIGINT REFERENCES admins(id),
    author_contact_id BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    -- admin | team | nobody_admin, for assignment parts.
    assigned_to_type  TEXT,
    assigned_to_id    BIGINT,
    attachments       TEXT NOT NULL DEFAULT '[]',
    redacted          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX conversation_parts_conversation ON conversation_parts (conversation_id, id);
-- teammate_ids search and the teammates list.
CREATE INDEX conversation_parts_admin ON conversation_parts (author_admin_id, conversation_id);
CREATE INDEX conversation_parts_contact ON conversation_parts (author_contact_id);

CREATE TABLE conversation_tags (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    tag_id          BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    applied_at      BIGINT NOT NULL,
    applied_by      BIGINT REFERENCES admins(id),
    PRIMARY KEY (conversation_id, tag_id)
);
CREATE INDEX conversation_tags_tag ON conversation_tags (tag_id, conversation_id);

-- The words of each source body: `source.body = "support"` matches a word, not the text.
CREATE TABLE conversation_words (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    word            TEXT NOT NULL,
    PRIMARY KEY (conversation_id, word)
);
CREATE INDEX conversation_words_word ON conversation_words (word, conversation_id);

-- The operator's assignment rules (a JSON document, see src/domain/assignment_rules.rs).
CREATE TABLE assignment_rules (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
    rules        TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- Round-robin turns: the admin of each team who was assigned last.
CREATE TABLE assignment_turns (
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id),
    team_id       BIGINT NOT NULL REFERENCES teams(id),
    last_admin_id BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, team_id)
);
