use serde::Serialize;
use serde_json::Value;

use super::error::Rejection;
use super::pages::listed;
use super::str_enum::str_enum;

str_enum! {
    /// The activity types Switchboard records (a subset of the description's enum).
    pub enum ActivityType {
        AdminAwayModeChange => "admin_away_mode_change",
        AdminProvisioned => "admin_provisioned",
        AppPackageTokenRegeneration => "app_package_token_regeneration",
    }
}

/// Every activity type Intercom logs (`GET /admins/activity_log_event_types`): the values
/// `POST /admins/activity_logs/search` filters by. The enum of `activity_log.activity_type`
/// in the 2.16 description, in its order.
pub const EVENT_TYPES: [&str; 114] = [
    "admin_conversation_assignment_limit_change",
    "admin_ticket_assignment_limit_change",
    "admin_avatar_change",
    "admin_away_mode_change",
    "admin_deletion",
    "admin_deprovisioned",
    "admin_impersonation_end",
    "admin_impersonation_start",
    "admin_impersonation_consent_approved",
    "admin_impersonation_consent_revoked",
    "admin_invite_change",
    "admin_invite_creation",
    "admin_invite_deletion",
    "admin_login_failure",
    "admin_login_success",
    "admin_logout",
    "admin_occupancy_setting_change",
    "admin_occupancy_state_change",
    "admin_password_reset_request",
    "admin_password_reset_success",
    "admin_permission_change",
    "admin_provisioned",
    "admin_two_factor_auth_change",
    "admin_unauthorized_sign_in_method",
    "app_admin_join",
    "app_authentication_method_change",
    "app_data_deletion",
    "app_data_export",
    "app_google_sso_domain_change",
    "app_identity_verification_change",
    "app_name_change",
    "app_outbound_address_change",
    "app_package_installation",
    "app_package_token_regeneration",
    "app_package_uninstallation",
    "app_team_creation",
    "app_team_deletion",
    "app_team_membership_modification",
    "app_timezone_change",
    "app_webhook_creation",
    "app_webhook_deletion",
    "articles_in_messenger_enabled_change",
    "automatic_away_mode_setting_change",
    "bulk_delete",
    "bulk_export",
    "campaign_deletion",
    "campaign_state_change",
    "conversation_deletion_schedule_creation",
    "conversation_deletion_schedule_deletion",
    "conversation_deletion_schedule_state_change",
    "conversation_deletion_schedule_update",
    "conversation_part_deletion",
    "conversation_pdf_export",
    "conversation_topic_change",
    "conversation_topic_creation",
    "conversation_topic_deletion",
    "content_redaction_rule_creation",
    "content_redaction_rule_deletion",
    "content_redaction_rule_update",
    "csv_import_completion",
    "csv_import_creation",
    "custom_authentication_token_creation",
    "help_center_settings_change",
    "inbound_conversations_change",
    "inbox_access_change",
    "macro_creation",
    "macro_deletion",
    "macro_update",
    "macro_usage_export",
    "malicious_domains_setting_change",
    "message_deletion",
    "message_state_change",
    "messenger_api_secret_creation",
    "messenger_api_secret_deletion",
    "messenger_look_and_feel_change",
    "messenger_search_required_change",
    "messenger_spaces_change",
    "oauth_token_revocation",
    "office_hours_change",
    "role_change",
    "role_creation",
    "role_deletion",
    "ruleset_activation_title_preview",
    "ruleset_creation",
    "ruleset_deletion",
    "search_browse_enabled_change",
    "search_browse_required_change",
    "seat_change",
    "seat_revoke",
    "security_settings_change",
    "series_creation",
    "series_deletion",
    "series_settings_update",
    "series_status_change",
    "series_update",
    "strip_inbound_email_links_change",
    "temporary_expectation_change",
    "team_assignment_limit_change",
    "trusted_domains_setting_change",
    "unassign_unsnoozed_at_capacity_setting_change",
    "unassign_unsnoozed_when_away_setting_change",
    "upfront_email_collection_change",
    "allowed_attachment_filetypes_setting_change",
    "attach_uploads_inline_setting_change",
    "teammate_gifs_setting_change",
    "user_camera_attachments_setting_change",
    "user_conversation_attachments_setting_change",
    "user_file_attachments_setting_change",
    "user_gifs_setting_change",
    "user_media_attachments_setting_change",
    "user_voice_notes_setting_change",
    "welcome_message_change",
    "workspace_deletion_request",
    "hide_csat_from_agents_setting_change",
];

/// `activity_log_event_type.list`.
#[derive(Debug, Clone, Serialize)]
pub struct EventTypeList {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub event_types: Vec<&'static str>,
}

impl EventTypeList {
    pub fn all() -> Self {
        EventTypeList { kind: "activity_log_event_type.list", event_types: EVENT_TYPES.to_vec() }
    }
}

/// An activity to record, written in the same transaction as the change it describes.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub admin_id: i64,
    pub activity_type: ActivityType,
    pub description: String,
    pub metadata: Value,
}

/// Where a page of the log starts: strictly older than this entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogPosition {
    pub created_at: i64,
    pub seq: i64,
}

/// `GET /admins/activity_logs`: entries created in a range, newest first, from a position.
#[derive(Debug, Clone)]
pub struct LogQuery {
    pub created_at_after: i64,
    pub created_at_before: Option<i64>,
    pub after: Option<LogPosition>,
    pub limit: u64,
}

/// `POST /admins/activity_logs/search`: entries created in a range, of some types, newest
/// first, one numbered page.
#[derive(Debug, Clone)]
pub struct LogSearch {
    pub created_at_after: i64,
    pub created_at_before: Option<i64>,
    /// Empty: every type.
    pub event_types: Vec<String>,
    pub page: u64,
    pub per_page: u64,
}

impl LogSearch {
    /// Refuses a type that is not one of [`EVENT_TYPES`].
    pub fn check_event_types(types: &[String]) -> Result<(), Rejection> {
        match types.iter().find(|t| !EVENT_TYPES.contains(&t.as_str())) {
            Some(unknown) => Err(Rejection::invalid(
                "event_types",
                format!(
                    "{unknown} is not an activity log event type (see GET /admins/activity_log_event_types)"
                ),
            )),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityLog {
    pub id: String,
    pub performed_by: PerformedBy,
    pub metadata: Value,
    pub created_at: i64,
    pub activity_type: String,
    pub activity_description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PerformedBy {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub email: String,
    /// Left out when unknown: the description's `ip` is a string, never null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

listed!(ActivityLog: "activity_log.list", "activity_logs");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_types_are_listed_types() {
        assert!(ActivityType::ALL.iter().all(|t| EVENT_TYPES.contains(&t.as_str())));
        assert!(LogSearch::check_event_types(&["app_name_change".into()]).is_ok());
        assert_eq!(
            LogSearch::check_event_types(&["nope".into()]).unwrap_err().field.as_deref(),
            Some("event_types")
        );
    }
}
