//! The HTTP layer: routing, the middleware every endpoint shares, one module per resource.

pub mod admins;
pub mod articles;
pub mod brands;
pub mod companies;
pub mod contacts;
pub mod controls;
pub mod conversation_attributes;
pub mod conversations;
pub mod data_attributes;
pub mod events;
pub mod exports;
pub mod extract;
pub mod help_center;
pub mod mcp;
pub mod messages;
pub mod news;
pub mod notes;
pub mod params;
pub mod phone_call_redirects;
mod search;
pub mod segments;
pub mod subscription_types;
pub mod tags;
pub mod teams;
pub mod ticket_types;
pub mod tickets;
mod token_cache;
pub mod uploads;
pub mod visitors;
pub mod webhooks;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tracing::Instrument;

use crate::domain::version::Version;
use crate::error::{ApiError, ErrorCode, REQUEST_ID};
use crate::store::workspaces::rate_limit::RateLimiter;
use crate::store::{CLOCK, Store};
use extract::{Ctx, VERSION};
use token_cache::TokenCache;

/// Settings an operator can change; the defaults suit local use.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Requests per minute per workspace (Intercom's default is 10,000; ours is generous).
    pub rate_limit_per_minute: u64,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a token, once checked, is trusted without asking the database again: the
    /// longest a token revoked by another process keeps working here. Zero checks every request.
    pub token_cache: Duration,
    /// `Host` values `/mcp` answers (names, or `name:port`); empty answers any. Every call
    /// needs a token, so a rebound DNS name gains a page nothing; a list only narrows further.
    pub mcp_allowed_hosts: Vec<String>,
    /// Browser origins (`scheme://host[:port]`) `/mcp` accepts; empty accepts any.
    pub mcp_allowed_origins: Vec<String>,
    /// Whether `/_switchboard/` controls are served (`--controls off`: deployments with real data).
    pub controls: bool,
    /// Requests the journal keeps per workspace (0: none are recorded).
    pub journal_size: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            rate_limit_per_minute: 1_000_000,
            max_body_bytes: 4 * 1024 * 1024,
            token_cache: Duration::from_secs(5),
            mcp_allowed_hosts: Vec::new(),
            mcp_allowed_origins: Vec::new(),
            controls: true,
            journal_size: 1_000,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    limiter: Arc<RateLimiter>,
    tokens: Arc<TokenCache>,
    max_body_bytes: usize,
    controls: Arc<controls::Controls>,
}

impl AppState {
    pub fn new(store: Store, config: &ApiConfig) -> Self {
        AppState {
            store,
            limiter: Arc::new(RateLimiter::new(config.rate_limit_per_minute)),
            tokens: Arc::new(TokenCache::new(config.token_cache)),
            max_body_bytes: config.max_body_bytes,
            controls: Arc::new(controls::Controls::new(config)),
        }
    }
}

/// The whole API, as served by `switchboard serve` and driven in-process by the tests: the
/// REST operations and, at `/mcp`, the MCP server whose tools run them.
pub fn router(state: AppState, config: &ApiConfig) -> Router {
    // The MCP tools call the REST router in process; that inner router has no `/mcp` of its own,
    // nor `request_context`: a tool's REST call is part of the MCP request, under its id and span.
    let rest = build(state.clone(), config, None);
    build(state, config, Some(mcp::service(rest, config))).layer(middleware::from_fn(request_context))
}

fn build(state: AppState, config: &ApiConfig, mcp: Option<mcp::Endpoint>) -> Router {
    let resources = [
        admins::router(),
        teams::router(),
        articles::router(),
        brands::router(),
        help_center::router(),
        news::router(),
        companies::router(),
        contacts::router(),
        conversations::router(),
        conversation_attributes::router(),
        data_attributes::router(),
        events::router(),
        exports::router(),
        messages::router(),
        notes::router(),
        phone_call_redirects::router(),
        segments::router(),
        subscription_types::router(),
        tags::router(),
        ticket_types::router(),
        tickets::router(),
        visitors::router(),
    ];
    let api = resources.into_iter().fold(Router::new(), Router::merge);
    // The controls see the API's requests (not their own, nor /mcp itself: an MCP tool's REST
    // call passes through them as any request does).
    let mut routes =
        if config.controls { controls::observe(api, &state).merge(controls::router()) } else { api };
    // Webhook subscriptions are the workspace's settings, not test controls: served either way,
    // and neither faulted nor recorded.
    routes = routes.merge(webhooks::router());
    if let Some(mcp) = mcp {
        routes = routes.route_service(mcp::PATH, mcp);
    }
    routes
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate))
        // After the authentication layer: an upload's URL is its own credential.
        .merge(uploads::router())
        // The body is read (see `refuse`), up to the body limit, before the answer.
        .fallback(|_: Result<Bytes, BytesRejection>| async { ApiError::route_not_found() })
        .method_not_allowed_fallback(|_: Result<Bytes, BytesRejection>| async { ApiError::route_not_found() })
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("handler panicked");
            ApiError::internal().into_response()
        }))
        .with_state(state)
}

/// The id and span `request_context` gave a request, for work done outside its task (MCP tools).
#[derive(Clone)]
pub(crate) struct RequestId(pub String, pub tracing::Span);

/// Gives each request an id (in the logs, in `X-Request-Id` and in every error body).
async fn request_context(request: Request, next: Next) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let span =
        tracing::info_span!("request", %request_id, method = %request.method(), path = %request.uri().path());
    let started = Instant::now();
    let mut request = request;
    request.extensions_mut().insert(RequestId(request_id.clone(), span.clone()));
    let mut response = REQUEST_ID.scope(request_id.clone(), next.run(request)).instrument(span.clone()).await;
    // An answered error is logged by default, with the id its body shows; a success only at
    // debug level: formatting a line per request costs more than serving a contact from SQLite.
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_millis() as u64;
    span.in_scope(|| {
        if status >= 400 {
            tracing::info!(status, elapsed_ms, "served");
        } else {
            tracing::debug!(status, elapsed_ms, "served");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(HeaderName::from_static("x-request-id"), value);
    }
    response
}

/// Answers a request refused before its handler ran, after reading its body (up to the body
/// limit): hyper closes a keep-alive connection whose request body was left unread, and a
/// client that has meanwhile sent its next request on that connection sees it dropped
/// unanswered (seen with the Python SDK: a bad token on a PUT, then a GET).
async fn refuse(request: Request, error: ApiError, body_limit: usize) -> Response {
    let _ = axum::body::to_bytes(request.into_body(), body_limit).await;
    error.into_response()
}

/// A request an MCP tool sends to the REST router in process, on behalf of the MCP request
/// that was authenticated (and counted against the rate limit) already. Only code in this
/// process can attach it: no header or body of a client becomes a request extension.
#[derive(Clone)]
pub(crate) struct OnBehalfOf(pub Ctx);

/// Resolves the bearer token to its workspace, checks `Intercom-Version` (the workspace's
/// default when absent), counts the request against the workspace's rate limit (in real time)
/// and runs the handler on the workspace's clock.
async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let limit = state.max_body_bytes;
    if let Some(OnBehalfOf(ctx)) = request.extensions_mut().remove::<OnBehalfOf>() {
        let version = match requested_version(request.headers(), ctx.version) {
            Ok(version) => version,
            Err(error) => return refuse(request, error, limit).await,
        };
        let clock = ctx.clock;
        request.extensions_mut().insert(Ctx { version, ..ctx });
        return VERSION.scope(version, CLOCK.scope(clock, next.run(request))).await;
    }
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return refuse(request, ApiError::unauthorized(), limit).await;
    };
    let owner = match state.tokens.get(&token) {
        Some(owner) => owner,
        None => match state.store.authenticate(&token).await {
            Ok(Some(owner)) => {
                state.tokens.put(&token, &owner);
                owner
            }
            Ok(None) => return refuse(request, ApiError::unauthorized(), limit).await,
            Err(err) => return refuse(request, err.into(), limit).await,
        },
    };
    let version = match requested_version(request.headers(), owner.default_version) {
        Ok(version) => version,
        Err(error) => return refuse(request, error, limit).await,
    };
    let status = match state.limiter.hit(&state.store, owner.workspace_id, crate::store::real_now()).await {
        Ok(status) => status,
        Err(err) => return refuse(request, err.into(), limit).await,
    };
    let mut response = if status.exceeded {
        let error = ApiError::new(
            ErrorCode::RateLimitExceeded,
            "You have exceeded the rate limit. Please try again later.",
        );
        refuse(request, error, limit).await
    } else {
        request.extensions_mut().insert(Ctx {
            store: state.store.clone(),
            workspace_id: owner.workspace_id,
            admin_id: owner.admin_id,
            version,
            clock: owner.clock,
        });
        request.extensions_mut().insert(controls::journal::AccessToken(token));
        VERSION.scope(version, CLOCK.scope(owner.clock, next.run(request))).await
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", status.limit.to_string()),
        ("x-ratelimit-remaining", status.remaining.to_string()),
        ("x-ratelimit-reset", status.reset.to_string()),
    ] {
        // A fault's 429 has set its own `X-RateLimit-Remaining`.
        if let Ok(value) = HeaderValue::from_str(&value)
            && !headers.contains_key(name)
        {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    response
}

/// The version `Intercom-Version` asks for, or `default` without the header.
fn requested_version(headers: &HeaderMap, default: Version) -> Result<Version, ApiError> {
    match headers.get("intercom-version").map(|v| v.to_str().unwrap_or("")) {
        None => Ok(default),
        Some(raw) => Version::parse(raw).ok_or_else(|| {
            ApiError::new(
                ErrorCode::IntercomVersionInvalid,
                format!("The requested version '{raw}' could not be found"),
            )
        }),
    }
}

/// `scheme://host` as the client reached us (empty, so the URL is relative, without a Host).
pub(crate) fn origin(headers: &HeaderMap) -> String {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| !h.is_empty()) else {
        return String::new();
    };
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|p| p.to_str().ok())
        .is_some_and(|p| p.split(',').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("https")));
    format!("{}://{host}", if https { "https" } else { "http" })
}
