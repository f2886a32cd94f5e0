-- 2.14 to 2.16 additions to contacts and conversations: blocking contacts, deleting and
-- merging conversations, side conversations, and conversation attributes managed through the API.

-- `POST /contacts/{id}/block`: a blocked contact's conversations are closed when it is blocked.
ALTER TABLE contacts ADD COLUMN blocked BOOLEAN NOT NULL DEFAULT FALSE;

-- A merged contact asked for by its id (`GET /contacts/{id}`) or by the external id it had
-- (`GET /contacts/find_by_external_id/{id}`) is answered 410 Gone, pointing at the contact it
-- was merged into.
ALTER TABLE contact_merges ADD COLUMN source_external_id TEXT;
CREATE INDEX contact_merges_source_external_id ON contact_merges (source_external_id);
CREATE INDEX contact_merges_source_contact_id ON contact_merges (source_contact_id);

-- `DELETE /conversations/{id}` removes the conversation; its id is kept here for
-- `GET /conversations/deleted`.
CREATE TABLE deleted_conversations (
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    conversation_id  BIGINT NOT NULL,
    metrics_retained BOOLEAN NOT NULL,
    deleted_at       BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, conversation_id)
);

-- `POST /conversations/{id}/merge`: each secondary conversation, closed and linked to the
-- primary it was merged into. A conversation is merged away at most once.
CREATE TABLE conversation_merges (
    secondary_id BIGINT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    primary_id   BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    admin_id     BIGINT,
    merged_at    BIGINT NOT NULL
);
CREATE INDEX conversation_merges_primary ON conversation_merges (primary_id);

-- Side conversations: internal threads a teammate starts from a conversation, and their messages.
CREATE TABLE side_conversations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL
);
CREATE INDEX side_conversations_conversation ON side_conversations (conversation_id, id);

CREATE TABLE side_conversation_parts (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    side_conversation_id BIGINT NOT NULL REFERENCES side_conversations(id) ON DELETE CASCADE,
    admin_id             BIGINT NOT NULL REFERENCES admins(id),
    body                 TEXT NOT NULL,
    created_at           BIGINT NOT NULL
);
CREATE INDEX side_conversation_parts_side ON side_conversation_parts (side_conversation_id, id);

-- Conversation attributes (`/conversations/attributes`, 2.16), kept with the other data
-- attributes (model `conversation`): the 2.16 data type (null: derived from data_type), whether
-- the attribute must be set before a conversation is closed, which teams see it, a string's
-- multiline flag, a relationship's reference (JSON), and a list's options with their ids and
-- archived flags (a JSON array; `options` keeps the labels of the live ones).
ALTER TABLE data_attributes ADD COLUMN conversation_data_type TEXT;
ALTER TABLE data_attributes ADD COLUMN required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE data_attributes ADD COLUMN visible_to_team_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE data_attributes ADD COLUMN multiline BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE data_attributes ADD COLUMN reference TEXT;
ALTER TABLE data_attributes ADD COLUMN list_options TEXT;
