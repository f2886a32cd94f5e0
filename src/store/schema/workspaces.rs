//! Workspaces, access tokens and rate-limit windows.

use crate::store::backend::rows::table;

table! {
    /// `workspaces`: what Intercom's API calls apps.
    pub(crate) Workspaces => WorkspaceRow {
        Id: i64,
        IdCode: String,
        Name: String,
        Region: String,
        Timezone: String,
        DefaultVersion: String,
        IdentityVerification: bool,
        CreatedAt: i64;
        // The app's secret, the key of webhook signatures: read only where it is needed.
        ClientSecret,
    }
}

table! {
    /// `access_tokens`: only a SHA-256 of each token is kept.
    pub(crate) AccessTokens => AccessTokenRow {
        Id: i64,
        WorkspaceId: i64,
        AdminId: i64,
        TokenHash: String,
        Name: String,
        CreatedAt: i64,
        RevokedAt: Option<i64>,
    }
}

table! {
    /// `rate_limit_windows`: requests per workspace and window, shared by the processes of a
    /// PostgreSQL database.
    pub(crate) RateLimitWindows => RateLimitWindowRow {
        WorkspaceId: i64,
        WindowStart: i64,
        Count: i64,
    }
}

table! {
    /// `workspace_clocks`: a workspace's clock when it is not real time (see `store::clock`).
    pub(crate) WorkspaceClocks => WorkspaceClockRow {
        WorkspaceId: i64,
        ClockFrozenAt: Option<i64>,
        ClockOffset: i64,
    }
}
