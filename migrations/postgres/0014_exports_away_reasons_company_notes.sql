-- Content data exports, away status reasons, and notes about companies.

-- `POST /export/content/data`: a job that a worker of `switchboard serve` runs. The finished
-- gzip CSV is kept in the row (`file`) until `download_expires_at`, so that any process on
-- the same database can serve it.
CREATE TABLE content_exports (
    id                  BIGSERIAL PRIMARY KEY,
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    job_identifier      TEXT NOT NULL UNIQUE,
    status              TEXT NOT NULL,
    created_at_after    BIGINT NOT NULL,
    created_at_before   BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    -- While in_progress: when the worker's claim lapses (a killed worker's job is then redone).
    lease_until         BIGINT,
    attempts            BIGINT NOT NULL DEFAULT 0,
    row_count           BIGINT,
    completed_at        BIGINT,
    download_expires_at BIGINT,
    file                BYTEA
);
-- One active job per workspace: the index is the arbiter when two requests race.
CREATE UNIQUE INDEX content_exports_active ON content_exports (workspace_id)
    WHERE status IN ('pending', 'in_progress');
-- The worker's queue and its clean-up of expired files.
CREATE INDEX content_exports_queue ON content_exports (id) WHERE status IN ('pending', 'in_progress');
CREATE INDEX content_exports_expiring ON content_exports (download_expires_at) WHERE file IS NOT NULL;

-- `GET /away_status_reasons`: a workspace's reasons (defaults, plus what an operator adds).
CREATE TABLE away_status_reasons (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    label        TEXT NOT NULL,
    emoji        TEXT NOT NULL,
    sort_order   BIGINT NOT NULL,
    deleted      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX away_status_reasons_label ON away_status_reasons (workspace_id, label);
-- Whether away mode needs a reason (`away_status_reason_mandatory`); no row: it does not.
CREATE TABLE away_status_settings (
    workspace_id    BIGINT PRIMARY KEY REFERENCES workspaces(id),
    reason_required BOOLEAN NOT NULL
);

-- A note is about a contact or (2.16) a company.
ALTER TABLE notes ALTER COLUMN contact_id DROP NOT NULL;
ALTER TABLE notes ADD COLUMN company_id BIGINT REFERENCES companies(id) ON DELETE CASCADE;
CREATE INDEX notes_company ON notes (company_id, created_at, id);
