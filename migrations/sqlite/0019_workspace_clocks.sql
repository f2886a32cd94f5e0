-- A workspace's clock (`/_switchboard/clock`): absent, the workspace runs on real time.
-- `frozen_at` set: the clock stands still there. Otherwise the clock runs, shifted from real
-- time by `offset_seconds` (what `advance` on a running clock adds).
CREATE TABLE workspace_clocks (
    workspace_id       BIGINT PRIMARY KEY REFERENCES workspaces(id),
    clock_frozen_at    BIGINT,
    clock_offset       BIGINT NOT NULL DEFAULT 0
);
