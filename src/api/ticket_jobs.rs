//! `POST /tickets/enqueue` and `GET /jobs/status/{job_id}` (2.16): a ticket created by the
//! worker of `switchboard serve` (`crate::worker`) after the request is checked here.

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde_json::{Map, Value};

use super::extract::{Ctx, Json, Path, Reply, parse_json};
use super::{AppState, origin};
use crate::domain::ticket::requests::CreateBody;
use crate::domain::ticket_job::Job;

pub fn router() -> Router<AppState> {
    Router::new().route("/tickets/enqueue", post(enqueue)).route("/jobs/status/{job_id}", get(status))
}

/// operationId: enqueueCreateTicket
///
/// "We attempt to perform a best-effort validation on inputs before tasks are enqueued": the
/// request is checked as `POST /tickets` checks it, down to a trial creation that is rolled
/// back, so a job fails only if the workspace changes before the worker runs it.
async fn enqueue(ctx: Ctx, headers: HeaderMap, Json(raw): Json<Map<String, Value>>) -> Reply<Job> {
    let request = Value::Object(raw);
    let new = parse_json::<CreateBody>(request.to_string().as_bytes())?.check()?;
    ctx.store.check_new_ticket(ctx.workspace_id, ctx.admin_id, &new).await?;
    let job = ctx.store.enqueue_ticket(ctx.workspace_id, ctx.admin_id, &request).await?;
    Ok(Json(job.shown(&origin(&headers))))
}

/// operationId: jobsStatus
async fn status(ctx: Ctx, headers: HeaderMap, Path(job): Path<String>) -> Reply<Job> {
    let job = ctx.store.get_ticket_job(ctx.workspace_id, job.trim()).await?;
    Ok(Json(job.shown(&origin(&headers))))
}
