-- Messages (`POST /messages`), their WhatsApp deliveries, phone call redirects, and visitors.

-- A message starts a conversation: the conversation holds its body, subject, author and
-- recipients as participants; this row holds what only the message has. Its id is the
-- conversation's (the conversation's `source.id`).
CREATE TABLE messages (
    conversation_id  INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    -- admin_message | user_message
    kind             TEXT NOT NULL,
    -- inapp | email | whatsapp
    message_type     TEXT NOT NULL,
    template         TEXT,
    locale           TEXT,
    -- A JSON array: a WhatsApp template's components, as sent.
    components       TEXT,
    -- A JSON array of {"field": "to" | "cc" | "bcc", "type": "user" | "lead", "id": ...}.
    recipients       TEXT NOT NULL DEFAULT '[]',
    -- `create_conversation_without_contact_reply`: opened in the inbox at once.
    open_without_reply BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL
);

-- A WhatsApp message's delivery, as `GET /messages/status` and `/messages/whatsapp/status`
-- report it. No WhatsApp message leaves Switchboard: a delivery is recorded as `sent`.
CREATE TABLE whatsapp_messages (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    -- The message (and ruleset) it delivers.
    conversation_id     BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    contact_id          BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    whatsapp_message_id TEXT NOT NULL,
    template_name       TEXT NOT NULL,
    status              TEXT NOT NULL,
    error_message       TEXT,
    error_details       TEXT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE UNIQUE INDEX whatsapp_messages_id ON whatsapp_messages (workspace_id, whatsapp_message_id);
CREATE INDEX whatsapp_messages_ruleset ON whatsapp_messages (workspace_id, conversation_id, id);

-- `POST /phone_call_redirects`: the phone a Messenger link was (to be) texted to.
CREATE TABLE phone_call_redirects (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id      BIGINT NOT NULL REFERENCES workspaces(id),
    contact_id        BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    conversation_id   BIGINT REFERENCES conversations(id) ON DELETE SET NULL,
    phone             TEXT NOT NULL,
    custom_attributes TEXT NOT NULL DEFAULT '{}',
    created_at        BIGINT NOT NULL
);
CREATE INDEX phone_call_redirects_contact ON phone_call_redirects (workspace_id, contact_id);

-- Anonymous website visitors, apart from contacts until converted.
CREATE TABLE visitors (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id         TEXT NOT NULL UNIQUE,
    workspace_id      BIGINT NOT NULL REFERENCES workspaces(id),
    user_id           TEXT NOT NULL,
    email             TEXT,
    phone             TEXT,
    name              TEXT,
    pseudonym         TEXT,
    avatar            TEXT,
    owner_id          BIGINT REFERENCES admins(id) ON DELETE SET NULL,
    referrer          TEXT,
    utm_campaign      TEXT,
    utm_content       TEXT,
    utm_medium        TEXT,
    utm_source        TEXT,
    utm_term          TEXT,
    session_count     BIGINT NOT NULL DEFAULT 0,
    last_request_at   BIGINT,
    -- A JSON object, checked against the contact data attributes (a visitor becomes one).
    custom_attributes TEXT NOT NULL DEFAULT '{}',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX visitors_user_id ON visitors (workspace_id, user_id);
CREATE INDEX visitors_public_id ON visitors (workspace_id, public_id);
CREATE INDEX visitors_email ON visitors (workspace_id, lower(email));

-- The contact a WhatsApp number or a redirected phone call names, by its E.164 form.
CREATE INDEX contacts_formatted_phone ON contacts (workspace_id, formatted_phone);
