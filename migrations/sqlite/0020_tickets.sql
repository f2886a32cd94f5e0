-- Tickets. A ticket is a conversation row (its contacts, assignees, open/snoozed state, parts,
-- tags and timestamps live there, so the part model is the conversations' own) extended by a
-- `tickets` row with its type, state and attributes. A conversation converted to a ticket keeps
-- its id; a ticket created with `POST /tickets` gets a new conversation row.

-- `/ticket_types`: a workspace's ticket types. `category` is Customer | Back-office | Tracker.
CREATE TABLE ticket_types (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    category     TEXT NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    icon         TEXT NOT NULL DEFAULT '',
    is_internal  BOOLEAN NOT NULL DEFAULT FALSE,
    archived     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX ticket_types_workspace ON ticket_types (workspace_id, id);

-- A type's attributes; `_default_title_` and `_default_description_` are made with the type
-- (`is_default`). `input_options` is the JSON object the API takes and returns.
CREATE TABLE ticket_type_attributes (
    id                              INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id                    BIGINT NOT NULL REFERENCES workspaces(id),
    ticket_type_id                  BIGINT NOT NULL REFERENCES ticket_types(id) ON DELETE CASCADE,
    name                            TEXT NOT NULL,
    description                     TEXT NOT NULL DEFAULT '',
    data_type                       TEXT NOT NULL,
    input_options                   TEXT NOT NULL DEFAULT '{}',
    sort_order                      BIGINT NOT NULL,
    required_to_create              BOOLEAN NOT NULL DEFAULT FALSE,
    required_to_create_for_contacts BOOLEAN NOT NULL DEFAULT FALSE,
    visible_on_create               BOOLEAN NOT NULL DEFAULT TRUE,
    visible_to_contacts             BOOLEAN NOT NULL DEFAULT TRUE,
    is_default                      BOOLEAN NOT NULL DEFAULT FALSE,
    archived                        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at                      BIGINT NOT NULL,
    updated_at                      BIGINT NOT NULL
);
-- A name is unique within its type: the index decides a race between two creates.
CREATE UNIQUE INDEX ticket_type_attributes_name ON ticket_type_attributes (ticket_type_id, name);

-- `/ticket_states`: a workspace's states, made with Intercom's defaults on first use.
-- `category` is submitted | in_progress | waiting_on_customer | resolved; `ticket_category`
-- is the ticket category (Customer | Back-office | Tracker) whose types use the state.
CREATE TABLE ticket_states (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    ticket_category TEXT NOT NULL,
    category        TEXT NOT NULL,
    internal_label  TEXT NOT NULL,
    external_label  TEXT NOT NULL,
    sort_order      BIGINT NOT NULL,
    archived        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX ticket_states_label
    ON ticket_states (workspace_id, ticket_category, internal_label);

-- The ticket part of a conversation row. `ticket_number` is the `ticket_id` the inbox shows
-- (a per-workspace sequence); `ticket_attributes` a JSON object checked against the type.
CREATE TABLE tickets (
    conversation_id          BIGINT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    workspace_id             BIGINT NOT NULL REFERENCES workspaces(id),
    ticket_number            BIGINT NOT NULL,
    ticket_type_id           BIGINT NOT NULL REFERENCES ticket_types(id),
    category                 TEXT NOT NULL,
    ticket_state_id          BIGINT NOT NULL REFERENCES ticket_states(id),
    previous_ticket_state_id BIGINT REFERENCES ticket_states(id),
    ticket_attributes        TEXT NOT NULL DEFAULT '{}',
    is_shared                BOOLEAN NOT NULL DEFAULT FALSE,
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL
);
CREATE UNIQUE INDEX tickets_number ON tickets (workspace_id, ticket_number);
-- Search and listing: newest update first, and the filters the description names.
CREATE INDEX tickets_list ON tickets (workspace_id, updated_at, conversation_id);
CREATE INDEX tickets_created_at ON tickets (workspace_id, created_at);
CREATE INDEX tickets_state ON tickets (workspace_id, ticket_state_id);
CREATE INDEX tickets_type ON tickets (workspace_id, ticket_type_id);
CREATE INDEX tickets_category ON tickets (workspace_id, category);

-- Linked objects: a ticket and the conversations or tickets linked to it (a tracker ticket
-- and its customer tickets). Stored once per pair; either side lists the other.
CREATE TABLE ticket_links (
    ticket_id    BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    linked_id    BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, linked_id)
);
CREATE INDEX ticket_links_linked ON ticket_links (linked_id, ticket_id);

-- `POST /tickets/enqueue`: the request, validated, waiting for the worker of `switchboard serve`
-- (`GET /jobs/status/{job_id}`). In the database so that it survives a restart.
CREATE TABLE ticket_jobs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id   BIGINT NOT NULL REFERENCES workspaces(id),
    job_identifier TEXT NOT NULL UNIQUE,
    admin_id       BIGINT,
    status         TEXT NOT NULL,
    request        TEXT NOT NULL,
    ticket_id      BIGINT REFERENCES conversations(id) ON DELETE SET NULL,
    error          TEXT,
    lease_until    BIGINT,
    attempts       BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX ticket_jobs_queue ON ticket_jobs (id) WHERE status IN ('pending', 'running');
