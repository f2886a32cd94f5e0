-- Snapshots of a workspace's data (`/_switchboard/snapshots`): one row per snapshot and one
-- per table it copied, the rows as JSON. Kept in the database, so they survive a restart and
-- are shared by the processes of one PostgreSQL database.
CREATE TABLE snapshots (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    counts       TEXT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE snapshot_tables (
    snapshot_id BIGINT NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    table_name  TEXT NOT NULL,
    columns     TEXT NOT NULL,
    row_count   BIGINT NOT NULL,
    data        TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, position)
);

-- Reset, snapshots and restore select a workspace's rows of every table of its data. Notes had
-- no index leading with workspace_id (the other such tables are reached through their parent).
CREATE INDEX notes_workspace ON notes (workspace_id);
CREATE INDEX content_exports_workspace ON content_exports (workspace_id);
