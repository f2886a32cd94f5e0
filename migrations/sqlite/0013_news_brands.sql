-- News (newsfeeds, news items and their places on newsfeeds), and a workspace's brands and sender
-- email addresses. Newsfeeds, brands and email settings are made by the operator (Intercom makes
-- them in its UI); each workspace gets its default newsfeeds and brand on first use.
CREATE TABLE newsfeeds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE INDEX newsfeeds_workspace ON newsfeeds (workspace_id, id);

CREATE TABLE news_items (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    sender_id        BIGINT NOT NULL REFERENCES admins(id),
    state            TEXT NOT NULL,
    -- JSON arrays of strings, kept in the order sent.
    labels           TEXT NOT NULL DEFAULT '[]',
    reactions        TEXT NOT NULL DEFAULT '[]',
    cover_image_url  TEXT,
    deliver_silently BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX news_items_workspace ON news_items (workspace_id, id);

-- A news item's place on a newsfeed; published_at is null while the item is a draft.
CREATE TABLE newsfeed_assignments (
    news_item_id BIGINT NOT NULL REFERENCES news_items(id) ON DELETE CASCADE,
    newsfeed_id  BIGINT NOT NULL REFERENCES newsfeeds(id),
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    published_at BIGINT,
    PRIMARY KEY (news_item_id, newsfeed_id)
);
-- A newsfeed's items, newest publication first.
CREATE INDEX newsfeed_assignments_feed ON newsfeed_assignments (newsfeed_id, published_at, news_item_id);

CREATE TABLE brands (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    name             TEXT NOT NULL,
    is_default       BOOLEAN NOT NULL DEFAULT FALSE,
    help_center_id   BIGINT REFERENCES help_centers(id),
    -- The brand's default sender address (an email_settings row of the workspace).
    default_email_id BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE INDEX brands_workspace ON brands (workspace_id, id);
-- One default brand per workspace, even when two requests make it at once.
CREATE UNIQUE INDEX brands_one_default ON brands (workspace_id) WHERE is_default;

CREATE TABLE email_settings (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id       BIGINT NOT NULL REFERENCES workspaces(id),
    email              TEXT NOT NULL,
    brand_id           BIGINT NOT NULL REFERENCES brands(id),
    verified           BOOLEAN NOT NULL DEFAULT TRUE,
    forwarding_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    UNIQUE (workspace_id, email)
);
CREATE INDEX email_settings_workspace ON email_settings (workspace_id, id);
