-- Contacts (users and leads) and what they point at: tags, notes, companies, segments,
-- subscription types, and the workspace's data attributes.

CREATE TABLE contacts (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id                TEXT NOT NULL UNIQUE,
    workspace_id             BIGINT NOT NULL REFERENCES workspaces(id),
    role                     TEXT NOT NULL,
    external_id              TEXT,
    email                    TEXT,
    email_domain             TEXT,
    phone                    TEXT,
    formatted_phone          TEXT,
    name                     TEXT,
    avatar                   TEXT,
    owner_id                 BIGINT REFERENCES admins(id),
    has_hard_bounced         BOOLEAN NOT NULL DEFAULT FALSE,
    marked_email_as_spam     BOOLEAN NOT NULL DEFAULT FALSE,
    unsubscribed_from_emails BOOLEAN NOT NULL DEFAULT FALSE,
    archived                 BOOLEAN NOT NULL DEFAULT FALSE,
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL,
    signed_up_at             BIGINT,
    last_seen_at             BIGINT,
    last_replied_at          BIGINT,
    last_contacted_at        BIGINT,
    last_email_opened_at     BIGINT,
    last_email_clicked_at    BIGINT,
    language_override        TEXT,
    browser                  TEXT,
    browser_version          TEXT,
    browser_language         TEXT,
    os                       TEXT,
    location_country         TEXT,
    location_region          TEXT,
    location_city            TEXT,
    location_country_code    TEXT,
    location_continent_code  TEXT,
    android_app_name         TEXT,
    android_app_version      TEXT,
    android_device           TEXT,
    android_os_version       TEXT,
    android_sdk_version      TEXT,
    android_last_seen_at     BIGINT,
    ios_app_name             TEXT,
    ios_app_version          TEXT,
    ios_device               TEXT,
    ios_os_version           TEXT,
    ios_sdk_version          TEXT,
    ios_last_seen_at         BIGINT,
    utm_campaign             TEXT,
    utm_content              TEXT,
    utm_medium               TEXT,
    utm_source               TEXT,
    utm_term                 TEXT,
    referrer                 TEXT,
    -- A JSON object, checked against data_attributes on every write.
    custom_attributes        TEXT NOT NULL DEFAULT '{}'
);
-- Listing and cursor pages: live contacts of a workspace in id order.
CREATE INDEX contacts_list ON contacts (workspace_id, archived, id);
CREATE UNIQUE INDEX contacts_external_id ON contacts (workspace_id, external_id);
-- Intercom lets leads share an email; users must not.
CREATE UNIQUE INDEX contacts_user_email ON contacts (workspace_id, lower(email)) WHERE role = 'user';
-- Search: equality (emails compare without case) and date ranges.
CREATE INDEX contacts_email ON contacts (workspace_id, lower(email));
CREATE INDEX contacts_email_domain ON contacts (workspace_id, lower(email_domain));
CREATE INDEX contacts_name ON contacts (workspace_id, name);
CREATE INDEX contacts_phone ON contacts (workspace_id, phone);
CREATE INDEX contacts_owner ON contacts (workspace_id, owner_id);
CREATE INDEX contacts_created_at ON contacts (workspace_id, created_at);
CREATE INDEX contacts_updated_at ON contacts (workspace_id, updated_at);
CREATE INDEX contacts_signed_up_at ON contacts (workspace_id, signed_up_at);
CREATE INDEX contacts_last_seen_at ON contacts (workspace_id, last_seen_at);

-- Substring search (~ !~ ^ $) on name, email and phone: a trigram index kept in sync by
-- triggers. LIKE on it folds case like the rest of search.
CREATE VIRTUAL TABLE contacts_fts USING fts5(
    name, email, phone, content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, name, email, phone) VALUES (new.id, new.name, new.email, new.phone);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, email, phone)
        VALUES ('delete', old.id, old.name, old.email, old.phone);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, email, phone ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, email, phone)
        VALUES ('delete', old.id, old.name, old.email, old.phone);
    INSERT INTO contacts_fts (rowid, name, email, phone) VALUES (new.id, new.name, new.email, new.phone);
END;

CREATE TABLE tags (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
-- "Names are case insensitive."
CREATE UNIQUE INDEX tags_name ON tags (workspace_id, lower(name));

CREATE TABLE contact_tags (
    contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    tag_id     BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    applied_at BIGINT NOT NULL,
    applied_by BIGINT REFERENCES admins(id),
    PRIMARY KEY (contact_id, tag_id)
);
CREATE INDEX contact_tags_tag ON contact_tags (tag_id, contact_id);

CREATE TABLE notes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    contact_id   BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    admin_id     BIGINT NOT NULL REFERENCES admins(id),
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX notes_contact ON notes (contact_id, created_at, id);

-- The columns the company object needs; the companies resource extends this table.
CREATE TABLE companies (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id         TEXT NOT NULL UNIQUE,
    workspace_id      BIGINT NOT NULL REFERENCES workspaces(id),
    company_id        TEXT NOT NULL,
    name              TEXT,
    plan              TEXT,
    size              BIGINT,
    website           TEXT,
    industry          TEXT,
    monthly_spend     DOUBLE PRECISION NOT NULL DEFAULT 0,
    session_count     BIGINT NOT NULL DEFAULT 0,
    remote_created_at BIGINT,
    last_request_at   BIGINT,
    custom_attributes TEXT NOT NULL DEFAULT '{}',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (workspace_id, company_id)
);

CREATE TABLE contact_companies (
    contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (contact_id, company_id)
);
CREATE INDEX contact_companies_company ON contact_companies (company_id, contact_id);

CREATE TABLE company_tags (
    company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    tag_id     BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    applied_at BIGINT NOT NULL,
    applied_by BIGINT REFERENCES admins(id),
    PRIMARY KEY (company_id, tag_id)
);
CREATE INDEX company_tags_tag ON company_tags (tag_id, company_id);

-- Saved contact searches: `query` is a search-language JSON query, compiled like a search.
CREATE TABLE segments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id    TEXT NOT NULL UNIQUE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    person_type  TEXT NOT NULL,
    query        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX segments_workspace ON segments (workspace_id, id);

CREATE TABLE subscription_types (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id),
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    locale        TEXT NOT NULL,
    state         TEXT NOT NULL,
    consent_type  TEXT NOT NULL,
    -- Comma-separated: email, sms_message.
    content_types TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX subscription_types_workspace ON subscription_types (workspace_id, id);

-- A contact's explicit choice: opted in to an opt-in type, or out of an opt-out type.
CREATE TABLE contact_subscriptions (
    contact_id           BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    subscription_type_id BIGINT NOT NULL REFERENCES subscription_types(id) ON DELETE CASCADE,
    created_at           BIGINT NOT NULL,
    PRIMARY KEY (contact_id, subscription_type_id)
);

-- Custom data attributes; the built-in ones are a table in the code.
CREATE TABLE data_attributes (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id       BIGINT NOT NULL REFERENCES workspaces(id),
    model              TEXT NOT NULL,
    name               TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    data_type          TEXT NOT NULL,
    -- A JSON array of strings for list attributes.
    options            TEXT,
    messenger_writable BOOLEAN NOT NULL DEFAULT FALSE,
    archived           BOOLEAN NOT NULL DEFAULT FALSE,
    admin_id           BIGINT REFERENCES admins(id),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
-- One name per workspace across models, as Intercom answers "You already have 'X' in your company data".
CREATE UNIQUE INDEX data_attributes_name ON data_attributes (workspace_id, lower(name));
