-- Files sent as `attachment_files` (base64) on conversation replies: their bytes, served at
-- the part attachment's `url` (`/_switchboard/attachments/{token}/{name}`) to whoever holds
-- it, as Intercom's attachment URLs are. Redacting or deleting the part deletes them.
CREATE TABLE part_uploads (
    token        TEXT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    part_id      BIGINT NOT NULL REFERENCES conversation_parts(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX part_uploads_part ON part_uploads (part_id);
