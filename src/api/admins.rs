//! Admins: `/me`, `/admins`, `/admins/{id}`, `/admins/{id}/away`, `/admins/activity_logs` (and
//! its search and event types), `/away_status_reasons`.

use axum::Router;
use axum::routing::{get, post, put};
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Json, Path, Query, Reply};
use super::params::{self, MAX_PAGE_NUMBER, pair_position};
use crate::domain::activity_log::{ActivityLog, EventTypeList, LogPosition, LogQuery, LogSearch};
use crate::domain::admin::{Admin, AdminWithApp, AwayMode};
use crate::domain::away_status_reason::AwayStatusReason;
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::pages::{CursorPages, List, NamedList, NumberedPages, PagesOnly, cursor};
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(identify))
        .route("/admins", get(list))
        .route("/admins/activity_logs", get(list_activity_logs))
        .route("/admins/activity_logs/search", post(search_activity_logs))
        .route("/admins/activity_log_event_types", get(list_event_types))
        .route("/away_status_reasons", get(list_away_status_reasons))
        .route("/admins/{admin_id}", get(retrieve))
        .route("/admins/{admin_id}/away", put(set_away))
}

/// operationId: identifyAdmin
async fn identify(ctx: Ctx) -> Reply<AdminWithApp> {
    let admin = ctx.store.get_admin(ctx.workspace_id, ctx.admin_id).await?;
    let workspace = ctx.store.workspace_by_id(ctx.workspace_id).await?;
    Ok(Json(AdminWithApp { email_verified: admin.email_verified, admin, app: workspace.app() }))
}

#[derive(Deserialize)]
struct ListParams {
    #[serde(default)]
    display_avatar: Option<String>,
}

/// operationId: listAdmins
async fn list(ctx: Ctx, Query(params): Query<ListParams>) -> Reply<NamedList<Admin>> {
    let display_avatar = params::flag("display_avatar", params.display_avatar.as_deref())?;
    let mut admins = ctx.store.list_admins(ctx.workspace_id).await?;
    if !display_avatar {
        admins.iter_mut().for_each(|a| a.avatar = None);
    }
    Ok(Json(NamedList::new(admins)))
}

/// operationId: retrieveAdmin
async fn retrieve(ctx: Ctx, Path(admin_id): Path<String>) -> Reply<Admin> {
    let id = ids::parse_numeric(&admin_id).ok_or(Missing::Admin)?;
    let admin = ctx.store.get_admin(ctx.workspace_id, id).await?;
    Ok(Json(Admin { avatar: None, ..admin }))
}

#[derive(Deserialize)]
struct AwayRequest {
    away_mode_enabled: bool,
    away_mode_reassign: bool,
    away_status_reason_id: Option<i64>,
}

/// operationId: setAwayAdmin
async fn set_away(ctx: Ctx, Path(admin_id): Path<String>, Json(body): Json<AwayRequest>) -> Reply<Admin> {
    let id = ids::parse_numeric(&admin_id).ok_or(Missing::AdminForAdminId)?;
    let away = AwayMode {
        enabled: body.away_mode_enabled,
        reassign: body.away_mode_reassign,
        reason_id: body.away_status_reason_id,
    };
    let admin = ctx.store.set_admin_away(ctx.workspace_id, id, ctx.admin_id, away).await?;
    Ok(Json(Admin { avatar: None, ..admin }))
}

#[derive(Deserialize)]
struct ActivityLogParams {
    created_at_after: Option<String>,
    created_at_before: Option<String>,
    per_page: Option<String>,
    starting_after: Option<String>,
}

const DEFAULT_LOG_PAGE: i64 = 20;
const MAX_LOG_PAGE: i64 = 250;

// An activity log cursor ends at the `created_at/seq` of the last log served.
pair_position!(LogPosition { created_at, seq }, '/');

fn timestamp_param(name: &str, raw: &str) -> ApiResult<i64> {
    raw.trim().parse::<i64>().map_err(|_| ApiError::invalid(name, format!("{name} must be a UNIX timestamp")))
}

/// operationId: listActivityLogs
async fn list_activity_logs(
    ctx: Ctx,
    Query(params): Query<ActivityLogParams>,
) -> Reply<NamedList<ActivityLog, PagesOnly<CursorPages>>> {
    let after = params.created_at_after.as_deref().ok_or_else(|| ApiError::missing("created_at_after"))?;
    let created_at_after = timestamp_param("created_at_after", after)?;
    let created_at_before = params
        .created_at_before
        .as_deref()
        .map(|raw| timestamp_param("created_at_before", raw))
        .transpose()?;
    let per_page = match params.per_page.as_deref() {
        None => DEFAULT_LOG_PAGE,
        Some(raw) => raw.parse::<i64>().ok().filter(|n| (1..=MAX_LOG_PAGE).contains(n)).ok_or_else(|| {
            ApiError::invalid("per_page", format!("per_page must be between 1 and {MAX_LOG_PAGE}"))
        })?,
    };
    let (page, position) = cursor::resume(params.starting_after.as_deref())
        .map_err(|_| ApiError::invalid("starting_after", "starting_after is not a valid cursor"))?;
    let query = LogQuery { created_at_after, created_at_before, after: position, limit: per_page as u64 + 1 };
    let (mut logs, total) = ctx.store.list_activity_logs(ctx.workspace_id, &query).await?;
    let has_more = logs.len() as i64 > per_page;
    logs.truncate(per_page as usize);
    let next = logs.last().filter(|_| has_more).map(|(_, last)| cursor::encode(page, last));
    let pages = PagesOnly { pages: CursorPages::new(page, per_page, total, next) };
    Ok(Json(NamedList::with(logs.into_iter().map(|(log, _)| log).collect(), pages)))
}

#[derive(Deserialize)]
struct SearchRequest {
    created_at_after: i64,
    created_at_before: Option<i64>,
    #[serde(default)]
    event_types: Vec<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// operationId: searchActivityLogs
async fn search_activity_logs(
    ctx: Ctx,
    Json(body): Json<SearchRequest>,
) -> Reply<NamedList<ActivityLog, PagesOnly<NumberedPages>>> {
    let page = match body.page {
        None => 1,
        Some(page) if (1..=MAX_PAGE_NUMBER as i64).contains(&page) => page as u64,
        Some(_) => {
            return Err(ApiError::invalid(
                "page",
                format!("page must be an integer between 1 and {MAX_PAGE_NUMBER}"),
            ));
        }
    };
    let per_page = match body.per_page {
        None => DEFAULT_LOG_PAGE as u64,
        Some(n) if (1..=MAX_LOG_PAGE).contains(&n) => n as u64,
        Some(_) => {
            return Err(ApiError::invalid(
                "per_page",
                format!("per_page must be between 1 and {MAX_LOG_PAGE}"),
            ));
        }
    };
    LogSearch::check_event_types(&body.event_types)?;
    let search = LogSearch {
        created_at_after: body.created_at_after,
        created_at_before: body.created_at_before,
        event_types: body.event_types,
        page,
        per_page,
    };
    let (logs, total) = ctx.store.search_activity_logs(ctx.workspace_id, &search).await?;
    Ok(Json(NamedList::with(logs, PagesOnly { pages: NumberedPages::new(page, per_page, total) })))
}

/// operationId: listActivityLogEventTypes
async fn list_event_types(_: Ctx) -> Reply<EventTypeList> {
    Ok(Json(EventTypeList::all()))
}

/// operationId: listAwayStatusReasons
async fn list_away_status_reasons(ctx: Ctx) -> Reply<List<AwayStatusReason>> {
    Ok(Json(List::new(ctx.store.list_away_status_reasons(ctx.workspace_id).await?)))
}
