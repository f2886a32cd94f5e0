//! The benchmarks' baseline: an axum server answering Switchboard's paths with fixed JSON bodies
//! captured from the real server, so each figure can be given as a ratio to "HTTP + JSON on this
//! machine, with no storage" measured in the same run.
//!
//! Usage: switchboard-reference LISTEN_ADDRESS ROUTES.json
//!
//! ROUTES.json: `[{"scenario": "contact_get", "method": "GET", "route": "/contacts/{id}", "body": {...}}]`.
//! Each request does what any JSON API does at least once: route the path, parse the JSON body if
//! there is one, serialize the response. When several scenarios share a method and route (the
//! search variants), the `x-bench-scenario` request header picks the body.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct RouteSpec {
    scenario: String,
    method: String,
    route: String,
    body: Value,
}

/// The bodies one (method, route) can answer, by scenario name; `first` when no header matches.
struct Bodies {
    by_scenario: HashMap<String, Value>,
    first: Value,
}

async fn answer(bodies: Arc<Bodies>, headers: HeaderMap, request_body: Bytes) -> Response {
    if !request_body.is_empty() {
        match serde_json::from_slice::<Value>(&request_body) {
            Ok(parsed) => drop(std::hint::black_box(parsed)),
            Err(_) => return (StatusCode::BAD_REQUEST, "malformed JSON").into_response(),
        }
    }
    let scenario = headers.get("x-bench-scenario").and_then(|v| v.to_str().ok());
    let body = scenario.and_then(|s| bodies.by_scenario.get(s)).unwrap_or(&bodies.first);
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], bytes).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn router(specs: Vec<RouteSpec>) -> Result<Router, String> {
    let mut grouped: Vec<((String, String), Bodies)> = Vec::new();
    for spec in specs {
        let key = (spec.method.to_uppercase(), spec.route);
        match grouped.iter_mut().find(|(k, _)| *k == key) {
            Some((_, bodies)) => {
                bodies.by_scenario.insert(spec.scenario, spec.body);
            }
            None => {
                let by_scenario = HashMap::from([(spec.scenario, spec.body.clone())]);
                grouped.push((key, Bodies { by_scenario, first: spec.body }));
            }
        }
    }
    let mut routes: Vec<(String, MethodRouter)> = Vec::new();
    for ((method, route), bodies) in grouped {
        let method: Method = method.parse().map_err(|_| format!("bad method {method}"))?;
        let filter =
            MethodFilter::try_from(method.clone()).map_err(|_| format!("unsupported method {method}"))?;
        let bodies = Arc::new(bodies);
        let handler =
            on(filter, move |headers: HeaderMap, body: Bytes| answer(bodies.clone(), headers, body));
        match routes.iter_mut().find(|(r, _)| *r == route) {
            Some((_, existing)) => *existing = std::mem::take(existing).merge(handler),
            None => routes.push((route, handler)),
        }
    }
    Ok(routes.into_iter().fold(Router::new(), |router, (route, handler)| router.route(&route, handler)))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, listen, routes_path] = args.as_slice() else {
        return Err("usage: switchboard-reference LISTEN_ADDRESS ROUTES.json".into());
    };
    let text = std::fs::read_to_string(routes_path).map_err(|e| format!("{routes_path}: {e}"))?;
    let specs: Vec<RouteSpec> = serde_json::from_str(&text).map_err(|e| format!("{routes_path}: {e}"))?;
    let app = router(specs)?;
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("{listen}: {e}"))?;
    eprintln!("reference listening on {}", listener.local_addr().map_err(|e| e.to_string())?);
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}
