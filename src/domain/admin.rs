use serde::Serialize;

use super::ids;
use super::pages::listed;
use super::workspace::App;

/// The `admin` object.
#[derive(Debug, Clone, Serialize)]
pub struct Admin {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub name: String,
    pub email: String,
    pub job_title: String,
    pub away_mode_enabled: bool,
    pub away_mode_reassign: bool,
    /// Why the admin is away (2.14), as `PUT /admins/{id}/away` set it.
    pub away_status_reason_id: Option<i64>,
    pub has_inbox_seat: bool,
    pub team_ids: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar: Option<Avatar>,
    /// The admin's role (2.16): Switchboard has no roles, so none is assigned.
    pub role: Option<serde_json::Value>,
    #[serde(skip)]
    pub email_verified: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Avatar {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub image_url: Option<String>,
}

impl Avatar {
    pub fn new(image_url: Option<String>) -> Avatar {
        Avatar { kind: "avatar", image_url }
    }
}

/// `GET /me`: the admin the token belongs to, with its workspace (`admin_with_app`).
#[derive(Debug, Serialize)]
pub struct AdminWithApp {
    #[serde(flatten)]
    pub admin: Admin,
    pub email_verified: bool,
    pub app: App,
}

listed!(Admin: "admin.list", "admins");

/// What `PUT /admins/{id}/away` changes.
#[derive(Debug, Clone, Copy)]
pub struct AwayMode {
    pub enabled: bool,
    pub reassign: bool,
    /// Kept only while away: an admin who comes back has no away reason.
    pub reason_id: Option<i64>,
}

/// An admin to add to a workspace (`switchboard admin create`, and a workspace's first admin).
#[derive(Debug, Clone)]
pub struct NewAdmin {
    pub email: String,
    pub name: String,
    pub job_title: Option<String>,
}
