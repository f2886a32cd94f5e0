use serde::Serialize;

use crate::domain::clock::Clock;
use crate::domain::version::Version;

/// A workspace, which Intercom's API calls an "app".
#[derive(Debug, Clone, Serialize)]
pub struct App {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id_code: String,
    pub name: String,
    pub created_at: i64,
    pub secure: bool,
    pub identity_verification: bool,
    pub timezone: String,
    pub region: String,
}

/// A workspace as the operator's commands print it (`id_code` as `workspace_id`).
#[derive(Debug, Clone, Serialize)]
pub struct Workspace {
    #[serde(skip)]
    pub id: i64,
    #[serde(rename = "workspace_id")]
    pub id_code: String,
    pub name: String,
    pub region: String,
    pub timezone: String,
    /// What a request without `Intercom-Version` gets.
    #[serde(rename = "api_version")]
    pub default_version: Version,
    pub identity_verification: bool,
    pub created_at: i64,
}

impl Workspace {
    pub fn app(&self) -> App {
        App {
            kind: "app",
            id_code: self.id_code.clone(),
            name: self.name.clone(),
            created_at: self.created_at,
            secure: self.identity_verification,
            identity_verification: self.identity_verification,
            timezone: self.timezone.clone(),
            region: self.region.clone(),
        }
    }
}

/// What `workspace create` hands back to the operator.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedWorkspace {
    pub workspace_id: String,
    pub admin_id: String,
    pub access_token: String,
    /// The app's secret: the key of its webhooks' `X-Hub-Signature`.
    pub client_secret: String,
}

/// Who a request's token speaks for.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub workspace_id: i64,
    pub admin_id: i64,
    pub default_version: Version,
    /// The workspace's clock, as loaded with the token (see `store::now`).
    pub clock: Clock,
}

/// An access token as `token list` shows it: never the token itself.
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub admin_id: i64,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}
