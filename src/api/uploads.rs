//! `GET /_switchboard/attachments/{token}`: the bytes of a file sent as `attachment_files`,
//! at the `url` its part attachment shows. Not an Intercom operation, and served without a
//! bearer token: like Intercom's attachment URLs, the URL (its random token) is what grants
//! access, so that a browser can show an image from it.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::AppState;
use crate::domain::upload::URL_PATH;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new().route(&format!("{URL_PATH}/{{token}}"), get(serve))
}

async fn serve(State(state): State<AppState>, Path(token): Path<String>) -> ApiResult<Response> {
    let file = state.store.part_upload(token.trim()).await?;
    let disposition =
        format!("inline; filename*=UTF-8''{}", utf8_percent_encode(&file.name, NON_ALPHANUMERIC));
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_str(&file.content_type).ok()),
        (header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).ok()),
        // The sender chose the media type: never let a browser run it as this server's page.
        (header::X_CONTENT_TYPE_OPTIONS, Some(HeaderValue::from_static("nosniff"))),
        (header::CONTENT_SECURITY_POLICY, Some(HeaderValue::from_static("sandbox"))),
    ];
    let mut response = file.data.into_response();
    for (name, value) in headers {
        if let Some(value) = value {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}
