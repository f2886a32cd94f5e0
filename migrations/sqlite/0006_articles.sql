-- Help centers, their collections (a collection with a parent is a section) and articles, whose
-- content is kept per locale so that each translation has its own state, author and timestamps.
CREATE TABLE help_centers (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id      BIGINT NOT NULL REFERENCES workspaces(id),
    identifier        TEXT NOT NULL,
    display_name      TEXT NOT NULL,
    website_turned_on BOOLEAN NOT NULL DEFAULT FALSE,
    custom_domain     TEXT,
    default_locale    TEXT NOT NULL DEFAULT 'en',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (workspace_id, identifier)
);

CREATE TABLE collections (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id   BIGINT NOT NULL REFERENCES workspaces(id),
    help_center_id BIGINT NOT NULL REFERENCES help_centers(id),
    -- Deleting a collection deletes its sections with it.
    parent_id      BIGINT REFERENCES collections(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    icon           TEXT NOT NULL,
    sort_order     BIGINT NOT NULL,
    default_locale TEXT NOT NULL,
    -- Other locales' {"name", "description"}, as a JSON object keyed by locale.
    translations   TEXT NOT NULL DEFAULT '{}',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX collections_by_update ON collections (workspace_id, updated_at, id);
CREATE INDEX collections_by_parent ON collections (parent_id);

CREATE TABLE articles (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id   BIGINT NOT NULL REFERENCES workspaces(id),
    help_center_id BIGINT NOT NULL REFERENCES help_centers(id),
    -- An article whose collection is deleted stands alone (as in Intercom).
    parent_id      BIGINT REFERENCES collections(id) ON DELETE SET NULL,
    default_locale TEXT NOT NULL,
    -- Those of the default locale's content, kept here to order the list by.
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX articles_by_update ON articles (workspace_id, updated_at, id);
CREATE INDEX articles_by_help_center ON articles (workspace_id, help_center_id, updated_at, id);
CREATE INDEX articles_by_parent ON articles (parent_id);

CREATE TABLE article_contents (
    article_id   BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    locale       TEXT NOT NULL,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    author_id    BIGINT NOT NULL REFERENCES admins(id),
    state        TEXT NOT NULL,
    -- Lower-cased title, description and body text (no HTML), for phrase search.
    search_text  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (article_id, locale)
);
