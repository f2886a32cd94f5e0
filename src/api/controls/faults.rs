//! `/_switchboard/faults`: errors, delays and dropped connections on demand.
//!
//! Faults are rows in the database, so every process serving the workspace applies them. Each
//! process keeps the workspace's active faults in memory and reads them again at most every
//! [`REFRESH`] (at once after a change made through this process): a workspace without faults
//! costs a request a map lookup, not a query. A fault that matches is claimed by one
//! conditional `UPDATE` before it is applied, so a `count` holds across processes and a fault
//! deleted through another process stops at once.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use serde_json::{Map, Value, json};

use crate::api::extract::{Ctx, Id, Json, Reply};
use crate::api::{AppState, refuse};
use crate::domain::fault::{self, Fault};
use crate::domain::pages::List;
use crate::error::{ApiResult, REQUEST_ID};
use crate::store::Store;

/// The longest another process takes to apply a fault made through this one.
pub const REFRESH: Duration = Duration::from_secs(1);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/_switchboard/faults", get(list).post(create).delete(delete_all))
        .route("/_switchboard/faults/{id}", delete(delete_one))
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<Response> {
    let spec = fault::parse(&body)?;
    let fault = ctx.store.create_fault(ctx.workspace_id, &spec).await?;
    state.controls.faults.forget(ctx.workspace_id);
    Ok((StatusCode::CREATED, Json(fault)).into_response())
}

async fn list(ctx: Ctx) -> Reply<List<Fault>> {
    Ok(Json(List::new(ctx.store.list_faults(ctx.workspace_id).await?)))
}

async fn delete_all(State(state): State<AppState>, ctx: Ctx) -> Reply<Value> {
    let deleted = ctx.store.delete_faults(ctx.workspace_id).await?;
    state.controls.faults.forget(ctx.workspace_id);
    Ok(Json(json!({"type": "fault.list", "deleted": deleted})))
}

async fn delete_one(State(state): State<AppState>, ctx: Ctx, Id(id): Id) -> Reply<Value> {
    ctx.store.delete_fault(ctx.workspace_id, id).await?;
    state.controls.faults.forget(ctx.workspace_id);
    Ok(Json(json!({"type": "fault", "id": id.to_string(), "deleted": true})))
}

/// Each workspace's active faults as this process last read them.
#[derive(Default)]
pub struct FaultCache {
    workspaces: Mutex<HashMap<i64, Cached>>,
}

struct Cached {
    faults: Arc<Vec<Fault>>,
    read_at: Instant,
}

impl FaultCache {
    /// The workspace's active faults, read again when older than [`REFRESH`].
    async fn of(&self, store: &Store, workspace_id: i64) -> Arc<Vec<Fault>> {
        let now = Instant::now();
        {
            let mut workspaces = self.workspaces.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(cached) = workspaces.get_mut(&workspace_id) {
                if now.duration_since(cached.read_at) < REFRESH {
                    return cached.faults.clone();
                }
                // Requests meanwhile use what was read; this one reads again.
                cached.read_at = now;
            }
        }
        match store.active_faults(workspace_id).await {
            Ok(faults) => {
                let faults = Arc::new(faults);
                let cached = Cached { faults: faults.clone(), read_at: now };
                self.workspaces.lock().unwrap_or_else(|e| e.into_inner()).insert(workspace_id, cached);
                faults
            }
            Err(err) => {
                tracing::warn!(error = %err, "faults could not be read; serving without them");
                Arc::default()
            }
        }
    }

    /// Reads the workspace's faults again at its next request.
    pub(crate) fn forget(&self, workspace_id: i64) {
        self.workspaces.lock().unwrap_or_else(|e| e.into_inner()).remove(&workspace_id);
    }
}

/// Applies the first matching fault that is drawn (`probability`) and claimed (`count`), or
/// runs the request.
pub(crate) async fn apply(state: &AppState, workspace_id: i64, request: Request, next: Next) -> Response {
    let faults = state.controls.faults.of(&state.store, workspace_id).await;
    if faults.is_empty() {
        return next.run(request).await;
    }
    let (method, path) = (request.method().as_str(), request.uri().path());
    let matching = faults.iter().filter(|f| f.matches(method, path));
    for fault in matching.filter(|f| f.probability >= 1.0 || rand::random::<f64>() < f.probability) {
        let id = fault.id.parse().unwrap_or_default();
        match state.store.claim_fault(workspace_id, id).await {
            Ok(true) => return inflict(fault, request, next, state.max_body_bytes).await,
            Ok(false) => state.controls.faults.forget(workspace_id),
            Err(err) => return refuse(request, err.into(), state.max_body_bytes).await,
        }
    }
    next.run(request).await
}

async fn inflict(fault: &Fault, request: Request, next: Next, body_limit: usize) -> Response {
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms as u64)).await;
    }
    let fault_id = HeaderValue::from_str(&fault.id).ok();
    let mut response = if fault.drop_connection {
        let _ = axum::body::to_bytes(request.into_body(), body_limit).await;
        dropped()
    } else if let Some((status, code)) = fault.error() {
        let _ = axum::body::to_bytes(request.into_body(), body_limit).await;
        error(status, &code)
    } else {
        next.run(request).await
    };
    if let Some(id) = fault_id {
        response.headers_mut().insert(HeaderName::from_static("x-switchboard-fault"), id);
    }
    response
}

/// An `error.list` as Intercom answers `status` with `code`. A 429 says no request is left in
/// the window (the other `X-RateLimit-*` headers are the workspace's own, added by the caller).
fn error(status: u16, code: &str) -> Response {
    let message = match status {
        429 => "You have exceeded the rate limit. Please try again later.",
        401 => "Access Token Invalid",
        404 => "Resource Not Found",
        500..=599 => "An internal error occurred (injected fault)",
        _ => "The request was refused (injected fault)",
    };
    let body = json!({
        "type": "error.list",
        "request_id": REQUEST_ID.try_with(Clone::clone).ok(),
        "errors": [{"code": code, "message": message}],
    });
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-ratelimit-remaining"), HeaderValue::from_static("0"));
    }
    response
}

/// Marks an answer whose connection is to be dropped: the journal does not read its body.
#[derive(Clone, Copy)]
pub(crate) struct Dropped;

/// An answer whose body fails at once: the server closes the connection without answering.
fn dropped() -> Response {
    let mut response = Response::new(Body::new(FailingBody));
    response.extensions_mut().insert(Dropped);
    response
}

struct FailingBody;

impl http_body::Body for FailingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other("connection dropped by a fault"))))
    }
}
