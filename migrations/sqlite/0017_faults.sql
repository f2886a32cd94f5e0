-- Faults injected for tests and development (`/_switchboard/faults`): a matching request of the
-- workspace gets the fault instead of running. In the database, so that every process serving
-- the workspace applies them and `remaining` is counted down once across all of them.
CREATE TABLE faults (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    method          TEXT,
    path            TEXT,
    status          BIGINT,
    error_code      TEXT,
    delay_ms        BIGINT,
    -- How many requests it was made for, and how many it still fails (NULL: every one).
    count           BIGINT,
    remaining       BIGINT,
    probability     DOUBLE PRECISION NOT NULL DEFAULT 1,
    drop_connection BOOLEAN NOT NULL DEFAULT FALSE,
    applied         BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
);
CREATE INDEX faults_workspace ON faults (workspace_id, id);
