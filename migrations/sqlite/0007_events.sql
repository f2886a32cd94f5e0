-- Data events: what a contact did and when, with up to 10 metadata keys; and the event
-- summaries imported through POST /events/summaries.

CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    contact_id   BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    event_name   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    -- A JSON object in the order the keys were sent, or NULL when none were.
    metadata     TEXT
);
-- De-duplication: one event per (workspace, contact, name, time); also serves the
-- per-name summaries.
CREATE UNIQUE INDEX events_dedup ON events (workspace_id, contact_id, event_name, created_at);
-- Listing: a contact's recent events, newest first.
CREATE INDEX events_list ON events (workspace_id, contact_id, created_at, id);

-- One imported summary per (contact, event name); sending it again replaces it.
CREATE TABLE event_summaries (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    contact_id   BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    event_name   TEXT NOT NULL,
    count        BIGINT NOT NULL,
    first_at     BIGINT NOT NULL,
    last_at      BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, contact_id, event_name)
);
