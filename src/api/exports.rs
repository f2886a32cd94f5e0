//! Content data export: `/export/content/data`, `/export/content/data/{job}`,
//! `/export/cancel/{job}` and `/download/content/data/{job}`. The jobs are run by the worker
//! of `switchboard serve` (`crate::worker`).

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::extract::{Ctx, Json, Path, Reply};
use super::{AppState, origin};
use crate::domain::export::{DataExport, ExportRange};
use crate::error::ApiResult;
use crate::store::now;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/export/content/data", post(create))
        .route("/export/content/data/{job_identifier}", get(retrieve))
        .route("/export/cancel/{job_identifier}", post(cancel))
        .route("/download/content/data/{job_identifier}", get(download))
}

#[derive(Deserialize)]
struct CreateRequest {
    created_at_after: i64,
    created_at_before: i64,
}

/// operationId: createDataExport
async fn create(ctx: Ctx, headers: HeaderMap, Json(request): Json<CreateRequest>) -> Reply<DataExport> {
    let range = ExportRange::new(request.created_at_after, request.created_at_before)?;
    let job = ctx.store.create_export(ctx.workspace_id, range).await?;
    Ok(Json(job.shown(&origin(&headers), now())))
}

/// operationId: getDataExport
async fn retrieve(ctx: Ctx, headers: HeaderMap, Path(job): Path<String>) -> Reply<DataExport> {
    let job = ctx.store.get_export(ctx.workspace_id, &job).await?;
    Ok(Json(job.shown(&origin(&headers), now())))
}

/// operationId: cancelDataExport
async fn cancel(ctx: Ctx, headers: HeaderMap, Path(job): Path<String>) -> Reply<DataExport> {
    let job = ctx.store.cancel_export(ctx.workspace_id, &job).await?;
    Ok(Json(job.shown(&origin(&headers), now())))
}

/// operationId: downloadDataExport
///
/// The gzip CSV as `application/octet-stream` (what the description asks clients to
/// `Accept`; a client that sends another `Accept`, or none, gets the same bytes). A job that
/// is not completed, or whose download expired, is not found.
async fn download(ctx: Ctx, Path(job): Path<String>) -> ApiResult<Response> {
    let file = ctx.store.export_file(ctx.workspace_id, &job).await?;
    let disposition = format!("attachment; filename=\"{job}.csv.gz\"");
    let mut response = file.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
