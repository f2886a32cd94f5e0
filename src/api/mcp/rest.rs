//! The REST router, called in process on behalf of an MCP request.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, Method, Request, header};
use serde_json::Value;
use tower::ServiceExt;
use tracing::Instrument;

use super::Caller;
use crate::api::OnBehalfOf;
use crate::api::extract::{JsonValue, KEEP_VALUE};
use crate::error::{ApiError, REQUEST_ID};

/// A REST answer: its status and JSON body (`null` when empty).
#[derive(Debug, Clone)]
pub(super) struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// An error answered before any operation ran (a tool's own argument check), in the
    /// `error.list` shape every REST error has.
    pub async fn refused(error: ApiError, caller: &Caller) -> Answer {
        use axum::response::IntoResponse;
        let response = match &caller.request_id {
            Some(id) => REQUEST_ID.sync_scope(id.clone(), || error.into_response()),
            None => error.into_response(),
        };
        Answer::read(response).await
    }

    async fn read(response: axum::response::Response) -> Answer {
        let status = response.status().as_u16();
        let (mut parts, body) = response.into_parts();
        // A handler's JSON answer carries its value (`KEEP_VALUE`); any other answer (an error,
        // a fault) is read back from its bytes.
        if let Some(JsonValue(value)) = parts.extensions.remove::<JsonValue>() {
            return Answer { status, body: value };
        }
        let body = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) if bytes.is_empty() => Value::Null,
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        Answer { status, body }
    }
}

/// Headers of the MCP request passed on: URLs an answer holds are built from them.
const FORWARDED: [HeaderName; 2] = [header::HOST, HeaderName::from_static("x-forwarded-proto")];

#[derive(Clone)]
pub(super) struct Rest {
    router: Router,
}

impl Rest {
    pub fn new(router: Router) -> Rest {
        Rest { router }
    }

    /// The router the tools call (for asking it which routes it has).
    pub fn router(&self) -> axum::Router {
        self.router.clone()
    }

    pub async fn get(&self, caller: &Caller, path: &str) -> Answer {
        self.send(caller, Method::GET, path, None, None).await
    }

    /// Runs `method path` (the path may carry a query) with `body` as the caller, in `version`
    /// (the caller's own when `None`).
    pub async fn send(
        &self,
        caller: &Caller,
        method: Method,
        path: &str,
        body: Option<&Value>,
        version: Option<&str>,
    ) -> Answer {
        let mut builder = Request::builder().method(method.clone()).uri(path);
        for name in FORWARDED {
            if let Some(value) = caller.headers.get(&name) {
                builder = builder.header(name, value);
            }
        }
        if let Some(version) = version {
            builder = builder.header("intercom-version", version);
        }
        let body = match body {
            Some(body) => Body::from(body.to_string()),
            None => Body::empty(),
        };
        let request = match builder.header(header::CONTENT_TYPE, "application/json").body(body) {
            Ok(request) => request,
            Err(_) => {
                let error = ApiError::invalid("path", "path is not a valid request path");
                return Answer::refused(error, caller).await;
            }
        };
        let mut request = request;
        request.extensions_mut().insert(OnBehalfOf(caller.ctx.clone()));
        // The router has no `request_context` of its own (see `api::router`): the call runs
        // under the MCP request's id and span, which rmcp's task for the tool does not carry.
        let call = KEEP_VALUE.scope((), self.router.clone().oneshot(request)).instrument(caller.span.clone());
        let response = match &caller.request_id {
            Some(id) => REQUEST_ID.scope(id.clone(), call).await,
            None => call.await,
        };
        let response = match response {
            Ok(response) => response,
            Err(never) => match never {},
        };
        // The MCP answer is a 200 whatever the tool's result: the error is logged here, as
        // `request_context` logs a REST request's.
        let status = response.status().as_u16();
        if status >= 400 {
            caller.span.in_scope(|| tracing::info!(status, %method, path, "served in process"));
        }
        Answer::read(response).await
    }
}
