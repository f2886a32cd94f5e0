//! Admins, their team memberships, teams and the activity log.

use crate::store::backend::rows::table;

table! {
    /// `admins`: the teammates of a workspace.
    pub(crate) Admins => AdminRow {
        Id: i64,
        WorkspaceId: i64,
        Name: String,
        Email: String,
        JobTitle: Option<String>,
        AwayModeEnabled: bool,
        AwayModeReassign: bool,
        HasInboxSeat: bool,
        EmailVerified: bool,
        AvatarUrl: Option<String>,
        CreatedAt: i64,
        AwayStatusReasonId: Option<i64>,
    }
}

table! {
    /// `teams`: groups of admins, made by the operator.
    pub(crate) Teams => TeamRow {
        Id: i64,
        WorkspaceId: i64,
        Name: String,
        CreatedAt: i64,
    }
}

table! {
    /// `team_admins`: which admins are in which team.
    pub(crate) TeamAdmins => TeamAdminRow {
        TeamId: i64,
        AdminId: i64,
    }
}

table! {
    /// `activity_logs`: what admins did, in the order it happened (`seq`).
    pub(crate) ActivityLogs => ActivityLogRow {
        Seq: i64,
        Id: String,
        WorkspaceId: i64,
        AdminId: i64,
        Ip: Option<String>,
        ActivityType: String,
        ActivityDescription: String,
        /// A JSON object, as text on both backends.
        Metadata: String,
        CreatedAt: i64,
    }
}

table! {
    /// `away_status_reasons`: why an admin is away; the workspace's defaults and the operator's own.
    pub(crate) AwayStatusReasons => AwayStatusReasonRow {
        Id: i64,
        WorkspaceId: i64,
        Label: String,
        Emoji: String,
        SortOrder: i64,
        Deleted: bool,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}

table! {
    /// `away_status_settings`: whether a workspace's admins must give a reason to go away.
    pub(crate) AwayStatusSettings => AwayStatusSettingsRow {
        WorkspaceId: i64,
        ReasonRequired: bool,
    }
}
