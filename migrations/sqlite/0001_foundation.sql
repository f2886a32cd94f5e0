-- Workspaces ("apps" in Intercom's terms), their admins, access tokens and the admin activity log.
CREATE TABLE workspaces (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    id_code         TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    region          TEXT NOT NULL DEFAULT 'US',
    timezone        TEXT NOT NULL DEFAULT 'UTC',
    default_version TEXT NOT NULL DEFAULT '2.11',
    identity_verification BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL
);

CREATE TABLE admins (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id       BIGINT NOT NULL REFERENCES workspaces(id),
    name               TEXT NOT NULL,
    email              TEXT NOT NULL,
    job_title          TEXT,
    away_mode_enabled  BOOLEAN NOT NULL DEFAULT FALSE,
    away_mode_reassign BOOLEAN NOT NULL DEFAULT FALSE,
    has_inbox_seat     BOOLEAN NOT NULL DEFAULT TRUE,
    email_verified     BOOLEAN NOT NULL DEFAULT TRUE,
    avatar_url         TEXT,
    created_at         BIGINT NOT NULL,
    UNIQUE (workspace_id, email)
);

CREATE TABLE teams (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX teams_workspace ON teams (workspace_id, id);

CREATE TABLE team_admins (
    team_id  BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    admin_id BIGINT NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, admin_id)
);
CREATE INDEX team_admins_admin ON team_admins (admin_id);

CREATE TABLE access_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    admin_id     BIGINT NOT NULL REFERENCES admins(id),
    token_hash   TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

CREATE TABLE activity_logs (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    admin_id     BIGINT NOT NULL REFERENCES admins(id),
    ip           TEXT,
    activity_type TEXT NOT NULL,
    activity_description TEXT NOT NULL,
    metadata     TEXT NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL
);
CREATE INDEX activity_logs_by_time ON activity_logs (workspace_id, created_at, seq);

-- Fixed-window request counters, shared by every server process on the database.
CREATE TABLE rate_limit_windows (
    workspace_id BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, window_start)
);
