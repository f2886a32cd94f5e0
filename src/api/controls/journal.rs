//! `/_switchboard/requests`: the workspace's recent requests and their answers.
//!
//! The journal is kept in this process's memory, not in the database: recording a request
//! costs a lock, a push and a copy of its bodies into buffers the journal reuses, where a row
//! per request would add a write to every read. Behind a load balancer each process shows the requests it
//! served. It holds the last `journal_size` requests per workspace (`--journal-size`), and at
//! most [`BODY_BYTES_MAX`] of their bodies.
//!
//! No header is recorded, and the workspace's access token is replaced wherever else it shows
//! (path, query, bodies) with `[redacted]`.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::faults::{self, Dropped};
use crate::api::AppState;
use crate::api::extract::{Ctx, Json, Query, Reply, body_error};
use crate::domain::fault::path_matches;
use crate::domain::pages::List;
use crate::error::{ApiError, REQUEST_ID};
use crate::store::now;

/// How many requests a listing shows when `limit` is not given.
const DEFAULT_LIMIT: usize = 100;

const REDACTED: &str = "[redacted]";

pub fn router() -> Router<AppState> {
    Router::new().route("/_switchboard/requests", get(list).delete(clear))
}

/// The access token a request was authenticated with, for the journal to redact.
#[derive(Clone)]
pub(crate) struct AccessToken(pub(crate) String);

struct Entry {
    id: u64,
    at: i64,
    method: Method,
    path: String,
    query: Option<String>,
    /// `None`: a fault dropped the connection.
    status: Option<u16>,
    duration_ms: f64,
    request_id: Option<String>,
    request_body: Vec<u8>,
    /// `None` when the answer is not JSON (it is not recorded).
    response_body: Option<Vec<u8>>,
}

/// A buffer above this size is not reused: one large body does not keep its size in the slot.
const REUSE_MAX: usize = 64 * 1024;

/// `buffer` holding `bytes`, in its own allocation when it has room.
fn refill(mut buffer: Vec<u8>, bytes: &[u8]) -> Vec<u8> {
    if buffer.capacity() > REUSE_MAX {
        buffer = Vec::new();
    }
    buffer.clear();
    buffer.extend_from_slice(bytes);
    buffer
}

/// The most bytes of bodies a workspace's journal keeps: the oldest requests go first beyond
/// it, so that large answers (a search page is ~100 KB) do not hold `journal_size` times their
/// size in memory (1,000 pages: 100 MB, per workspace).
pub(crate) const BODY_BYTES_MAX: usize = 32 * 1024 * 1024;

impl Entry {
    fn body_bytes(&self) -> usize {
        self.request_body.len() + self.response_body.as_ref().map_or(0, Vec::len)
    }
}

/// A workspace's requests, oldest first, and the bytes of their bodies.
#[derive(Default)]
struct Recent {
    entries: VecDeque<Entry>,
    body_bytes: usize,
}

impl Recent {
    fn pop_oldest(&mut self) -> Option<Entry> {
        let oldest = self.entries.pop_front()?;
        self.body_bytes -= oldest.body_bytes();
        Some(oldest)
    }
}

pub struct Journal {
    capacity: usize,
    next_id: AtomicU64,
    workspaces: Mutex<HashMap<i64, Recent>>,
}

impl Journal {
    pub(crate) fn is_off(&self) -> bool {
        self.capacity == 0
    }

    pub fn new(capacity: usize) -> Self {
        Journal { capacity, next_id: AtomicU64::new(1), workspaces: Mutex::default() }
    }

    /// Adds `entry` with copies of its bodies. Once the workspace's journal is full, the
    /// copies go into the buffers of the entry it drops, so recording allocates nothing for
    /// them: keeping each answer's own allocation alive for a thousand requests cost the
    /// allocator more than the copy does (BENCHMARKS.md).
    fn push(&self, workspace_id: i64, mut entry: Entry, request_body: &[u8], response_body: Option<&[u8]>) {
        let mut workspaces = self.workspaces.lock().unwrap_or_else(|e| e.into_inner());
        let recent = workspaces.entry(workspace_id).or_default();
        let mut evicted = if recent.entries.len() >= self.capacity { recent.pop_oldest() } else { None };
        // Beyond the byte budget, older requests go too (all of them, for one larger than it).
        let bytes = request_body.len() + response_body.map_or(0, <[u8]>::len);
        let mut over_budget = Vec::new();
        while recent.body_bytes + bytes > BODY_BYTES_MAX
            && let Some(old) = recent.pop_oldest()
        {
            over_budget.push(old);
        }
        let (request_buffer, response_buffer) = match &mut evicted {
            Some(old) => {
                (std::mem::take(&mut old.request_body), old.response_body.take().unwrap_or_default())
            }
            None => (Vec::new(), Vec::new()),
        };
        entry.request_body = refill(request_buffer, request_body);
        entry.response_body = response_body.map(|body| refill(response_buffer, body));
        recent.body_bytes += entry.body_bytes();
        recent.entries.push_back(entry);
        drop(workspaces);
        // The rest of the oldest entries is freed after the lock is released.
        drop(evicted);
        drop(over_budget);
    }

    /// Forgets the workspace's requests; how many there were.
    pub(crate) fn clear(&self, workspace_id: i64) -> usize {
        let mut workspaces = self.workspaces.lock().unwrap_or_else(|e| e.into_inner());
        let removed = workspaces.remove(&workspace_id);
        drop(workspaces);
        removed.map_or(0, |recent| recent.entries.len())
    }
}

/// Records the request and its answer. The request body is read here (within the body limit,
/// refused as the handler would refuse it) and handed on; a JSON answer's body is collected
/// and handed on as the same shared bytes, and copied into the journal.
pub(crate) async fn record(
    state: &AppState,
    workspace_id: i64,
    mut request: Request,
    next: Next,
) -> Response {
    let journal = &state.controls.journal;
    let started = Instant::now();
    // Nothing after the journal reads the token: it is taken, not copied.
    let token = request.extensions_mut().remove::<AccessToken>().map(|t| t.0).unwrap_or_default();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let (request_body, response) = if has_body(&request) {
        let (parts, body) = request.into_parts();
        match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
            Ok(bytes) => {
                let request = Request::from_parts(parts, Body::from(bytes.clone()));
                (bytes, faults::apply(state, workspace_id, request, next).await)
            }
            Err(rejection) => (Bytes::new(), body_error(rejection).into_response()),
        }
    } else {
        (Bytes::new(), faults::apply(state, workspace_id, request, next).await)
    };
    let (response, status, response_body) = if response.extensions().get::<Dropped>().is_some() {
        (response, None, None)
    } else if is_json(&response) {
        let status = response.status().as_u16();
        let (parts, body) = response.into_parts();
        match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => (Response::from_parts(parts, Body::from(bytes.clone())), Some(status), Some(bytes)),
            Err(err) => {
                tracing::error!(error = %err, "answer could not be read for the journal");
                (ApiError::internal().into_response(), Some(500), None)
            }
        }
    } else {
        let status = response.status().as_u16();
        (response, Some(status), None)
    };
    let entry = Entry {
        id: journal.next_id.fetch_add(1, Ordering::Relaxed),
        at: now(),
        method,
        path: redact_str(path, &token),
        query: query.map(|q| redact_str(q, &token)),
        status,
        duration_ms: (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0,
        request_id: REQUEST_ID.try_with(Clone::clone).ok(),
        request_body: Vec::new(),
        response_body: None,
    };
    let request_body = redact(&request_body, &token);
    let response_body = response_body.as_deref().map(|body| redact(body, &token));
    journal.push(workspace_id, entry, &request_body, response_body.as_deref());
    response
}

/// Whether the request may have a body (not one known to be empty).
fn has_body(request: &Request) -> bool {
    http_body::Body::size_hint(request.body()).exact() != Some(0)
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn redact_str(text: String, token: &str) -> String {
    if token.is_empty() || !text.contains(token) { text } else { text.replace(token, REDACTED) }
}

/// The bytes as they are unless the token is in them. The search is on the bytes: no UTF-8
/// check of a body that, nearly always, does not hold the token.
fn redact<'a>(bytes: &'a [u8], token: &str) -> Cow<'a, [u8]> {
    if token.is_empty() || memchr::memmem::find(bytes, token.as_bytes()).is_none() {
        return Cow::Borrowed(bytes);
    }
    Cow::Owned(redact_str(String::from_utf8_lossy(bytes).into_owned(), token).into_bytes())
}

#[derive(Deserialize)]
struct Filters {
    method: Option<String>,
    path: Option<String>,
    status: Option<String>,
    limit: Option<String>,
}

/// A recorded request as the listing shows it.
#[derive(Serialize)]
struct Recorded {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    at: i64,
    method: String,
    path: String,
    query: Option<String>,
    status: Option<u16>,
    duration_ms: f64,
    request_id: Option<String>,
    request_body: Value,
    response_body: Value,
}

/// A body as JSON when it is JSON, else as text; nothing is `null`.
fn body_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filters): Query<Filters>,
) -> Reply<List<Recorded>> {
    let journal = &state.controls.journal;
    let status = match filters.status.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<u16>()
                .map_err(|_| ApiError::invalid("status", "status must be an HTTP status code such as 404"))?,
        ),
    };
    let limit = match filters.limit.as_deref() {
        None | Some("") => DEFAULT_LIMIT,
        Some(raw) => raw.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::invalid(
                "limit",
                format!("limit must be an integer from 1 to {}", journal.capacity.max(1)),
            )
        })?,
    };
    let method = filters.method.filter(|m| !m.is_empty());
    let path = filters.path.filter(|p| !p.is_empty());
    let workspaces = journal.workspaces.lock().unwrap_or_else(|e| e.into_inner());
    let recorded = workspaces
        .get(&ctx.workspace_id)
        .into_iter()
        .flat_map(|recent| recent.entries.iter().rev())
        .filter(|e| method.as_deref().is_none_or(|m| e.method.as_str().eq_ignore_ascii_case(m)))
        .filter(|e| path.as_deref().is_none_or(|p| path_matches(p, &e.path)))
        .filter(|e| status.is_none_or(|s| e.status == Some(s)))
        .take(limit)
        .map(|e| Recorded {
            kind: "request",
            id: e.id.to_string(),
            at: e.at,
            method: e.method.to_string(),
            path: e.path.clone(),
            query: e.query.clone(),
            status: e.status,
            duration_ms: e.duration_ms,
            request_id: e.request_id.clone(),
            request_body: body_value(&e.request_body),
            response_body: e.response_body.as_deref().map_or(Value::Null, body_value),
        })
        .collect();
    Ok(Json(List::new(recorded)))
}

async fn clear(State(state): State<AppState>, ctx: Ctx) -> Reply<Value> {
    let deleted = state.controls.journal.clear(ctx.workspace_id);
    Ok(Json(json!({"type": "request.list", "deleted": deleted})))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64) -> Entry {
        Entry {
            id,
            at: 0,
            method: Method::GET,
            path: "/contacts".into(),
            query: None,
            status: Some(200),
            duration_ms: 0.0,
            request_id: None,
            request_body: Vec::new(),
            response_body: None,
        }
    }

    fn ids(journal: &Journal) -> Vec<u64> {
        let workspaces = journal.workspaces.lock().unwrap();
        workspaces[&1].entries.iter().map(|e| e.id).collect()
    }

    #[test]
    fn the_journal_keeps_its_last_requests_within_a_byte_budget() {
        let journal = Journal::new(5);
        for id in 0..7 {
            journal.push(1, entry(id), b"{}", Some(b"{}"));
        }
        assert_eq!(ids(&journal), [2, 3, 4, 5, 6], "by count");

        // Each answer a third of the budget: the oldest go until the new one fits.
        let third = vec![b'x'; BODY_BYTES_MAX / 3];
        for id in 7..10 {
            journal.push(1, entry(id), b"", Some(&third));
        }
        assert_eq!(ids(&journal), [7, 8, 9]);
        journal.push(1, entry(10), b"{}", Some(&third));
        assert_eq!(ids(&journal), [8, 9, 10]);
        let bytes = journal.workspaces.lock().unwrap()[&1].body_bytes;
        assert_eq!(bytes, 3 * third.len() + 2);

        // One larger than the budget is kept alone.
        journal.push(1, entry(11), b"", Some(&vec![b'y'; BODY_BYTES_MAX + 1]));
        assert_eq!(ids(&journal), [11]);
        journal.push(1, entry(12), b"{}", None);
        assert_eq!(ids(&journal), [12]);
        assert_eq!(journal.clear(1), 1);
    }
}
