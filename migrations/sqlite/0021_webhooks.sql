-- Webhooks: each workspace's app secret (the key of `X-Hub-Signature`), its subscriptions, the
-- outbox of notifications (written in the transaction of the change that causes them) and one
-- delivery per notification and subscription, which the workers of `serve` claim with a lease.
ALTER TABLE workspaces ADD COLUMN client_secret TEXT;
UPDATE workspaces SET client_secret = lower(hex(randomblob(20))) WHERE client_secret IS NULL;

CREATE TABLE webhook_subscriptions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    url          TEXT NOT NULL,
    -- A JSON array of topic names.
    topics       TEXT NOT NULL,
    api_version  TEXT NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   BIGINT NOT NULL
);
CREATE INDEX webhook_subscriptions_workspace ON webhook_subscriptions (workspace_id, id);

CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    public_id    TEXT NOT NULL,
    topic        TEXT NOT NULL,
    -- The item as the newest API version renders it; shaped for a subscription's version when sent.
    item         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX notifications_public ON notifications (workspace_id, public_id);

-- Times in milliseconds of real time (`*_ms`): backoff and leases keep real time, whatever the
-- workspace's clock says. While a delivery is `delivering`, `next_attempt_ms` is its lease's end.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    notification_id  BIGINT NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    subscription_id  BIGINT NOT NULL,
    status           TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    queued_ms        BIGINT NOT NULL,
    next_attempt_ms  BIGINT NOT NULL,
    first_sent_at    BIGINT,
    delivered_at     BIGINT,
    response_code    BIGINT,
    response_excerpt TEXT,
    duration_ms      BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_ms)
    WHERE status IN ('pending', 'delivering');
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);
CREATE INDEX webhook_deliveries_notification ON webhook_deliveries (notification_id);
