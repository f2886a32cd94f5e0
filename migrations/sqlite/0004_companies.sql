-- Companies: plans, the indexes listings and scrolls need, segments on the company model,
-- scroll state shared by every server process, and `last_request_at` kept from contacts.

-- A workspace's plans, by name: what `plan` names on a company, with a stable id to show.
CREATE TABLE plans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);

-- `POST /companies/list`: by last_request_at either way (NULLs last when descending, first
-- when ascending: one index read forwards or backwards), ties by id.
CREATE INDEX companies_last_request ON companies (workspace_id, last_request_at, id);
-- Scrolls walk a workspace's companies in id order.
CREATE INDEX companies_workspace ON companies (workspace_id, id);
-- `GET /companies?name=`.
CREATE INDEX companies_name ON companies (workspace_id, name);

-- A segment selects contacts (of its person type) or companies.
ALTER TABLE segments ADD COLUMN model TEXT NOT NULL DEFAULT 'contact';

-- At most one open scroll per workspace; `last_id` is the last company served.
CREATE TABLE company_scrolls (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
    param        TEXT NOT NULL UNIQUE,
    last_id      BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

-- A company makes requests through its contacts: its last_request_at is the latest
-- last_seen_at of any contact it has had, kept here whoever writes contacts.
CREATE TRIGGER companies_last_request_on_attach AFTER INSERT ON contact_companies
WHEN (SELECT last_seen_at FROM contacts WHERE id = new.contact_id) IS NOT NULL
BEGIN
    UPDATE companies SET last_request_at = (SELECT last_seen_at FROM contacts WHERE id = new.contact_id)
    WHERE id = new.company_id
      AND (last_request_at IS NULL
           OR last_request_at < (SELECT last_seen_at FROM contacts WHERE id = new.contact_id));
END;
CREATE TRIGGER companies_last_request_on_seen AFTER UPDATE OF last_seen_at ON contacts
WHEN new.last_seen_at IS NOT NULL
BEGIN
    UPDATE companies SET last_request_at = new.last_seen_at
    WHERE id IN (SELECT company_id FROM contact_companies WHERE contact_id = new.id)
      AND (last_request_at IS NULL OR last_request_at < new.last_seen_at);
END;
