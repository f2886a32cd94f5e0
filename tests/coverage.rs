//! The coverage table: which operations of Intercom's descriptions (spec/intercom-*.yaml) the
//! router serves, per version and tag, written to docs/coverage.md.
//!
//! An operation is served when a request for its method and path, sent without a token, reaches
//! one of the router's routes: authentication is a route layer, so a routed request answers
//! 401 while an unrouted one falls through to the 404 fallback. The route it reached must also
//! have the operation's path (`/contacts/search` must not count because `/contacts/{id}` took
//! it), which a route layer of this test reads from axum's `MatchedPath`.
//!
//! `UPDATE_COVERAGE=1 cargo test --test coverage` rewrites docs/coverage.md; without it the
//! test fails when that file is stale. `bash scripts/coverage` prints the table instead
//! (through `COVERAGE_REPORT`, see [`write_report`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use switchboard::api::{self, ApiConfig, AppState};
use switchboard::store::backend::Store;
use tower::ServiceExt;

/// The descriptions, oldest first, as `spec/intercom-<name>.yaml`.
const VERSIONS: [&str; 11] =
    ["2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14", "2.15", "2.16", "preview"];
const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];
const MATCHED_PATH: &str = "x-coverage-matched-path";

struct Operation {
    method: String,
    path: String,
    tag: String,
    served: bool,
}

struct Description {
    version: &'static str,
    operations: Vec<Operation>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every operation of one description, in the description's order, not yet probed.
fn operations(path: &Path) -> Vec<Operation> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec: serde_norway::Value =
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let paths = spec["paths"].as_mapping().expect("paths");
    let mut found = Vec::new();
    for (path, item) in paths {
        let path = path.as_str().expect("a path is a string");
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let tag = operation["tags"][0].as_str().unwrap_or("(untagged)");
            found.push(Operation {
                method: method.to_uppercase(),
                path: path.to_owned(),
                tag: tag.to_owned(),
                served: false,
            });
        }
    }
    found
}

/// `/contacts/{contact_id}/tags/{id}` → `/contacts/{}/tags/{}`: descriptions and routes name
/// their parameters differently.
fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_parameter = true;
                out.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if !in_parameter => out.push(c),
            _ => {}
        }
    }
    out
}

/// The path with each parameter filled with a plausible value.
fn concrete(path: &str) -> String {
    template(path).replace("{}", "123")
}

/// Sends the reached route's path back in a header, for [`serves`].
async fn report_matched_path(request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let mut response = next.run(request).await;
    if let Some(value) = matched.and_then(|m| HeaderValue::from_str(&m).ok()) {
        response.headers_mut().insert(MATCHED_PATH, value);
    }
    response
}

async fn serves(router: &Router, operation: &Operation) -> bool {
    let request = Request::builder()
        .method(Method::from_bytes(operation.method.as_bytes()).unwrap())
        .uri(concrete(&operation.path))
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let matched = response.headers().get(MATCHED_PATH).and_then(|v| v.to_str().ok()).map(template);
    match response.status() {
        StatusCode::UNAUTHORIZED => matched.as_deref() == Some(template(&operation.path).as_str()),
        StatusCode::NOT_FOUND => false,
        other => panic!("{} {}: {other} without a token", operation.method, operation.path),
    }
}

/// The whole API, on a database that stays empty: requests without a token read nothing.
async fn probed_router(dir: &Path) -> Router {
    let store = Store::connect(&format!("sqlite://{}", dir.join("coverage.db").display())).await.unwrap();
    let config = ApiConfig::default();
    api::router(AppState::new(store, &config), &config).route_layer(middleware::from_fn(report_matched_path))
}

async fn probe_all() -> Vec<Description> {
    let dir = tempfile::tempdir().unwrap();
    let router = probed_router(dir.path()).await;
    let mut descriptions = Vec::new();
    for version in VERSIONS {
        let mut operations = operations(&root().join(format!("spec/intercom-{version}.yaml")));
        for operation in &mut operations {
            operation.served = serves(&router, operation).await;
        }
        descriptions.push(Description { version, operations });
    }
    descriptions
}

fn display_version(version: &str) -> &str {
    if version == "preview" { "Preview" } else { version }
}

fn count(operations: &[&Operation]) -> String {
    let served = operations.iter().filter(|o| o.served).count();
    format!("{served} / {}", operations.len())
}

/// One version's section: served / described per tag, and what is not served.
fn section(description: &Description) -> String {
    let mut tags: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for operation in &description.operations {
        tags.entry(&operation.tag).or_default().push(operation);
    }
    let all: Vec<&Operation> = description.operations.iter().collect();
    let mut out = format!("## {}\n\n", display_version(description.version));
    out += &format!("{} operations served.\n\n", count(&all));
    out += "| Tag | Served / described | Not served |\n| --- | --- | --- |\n";
    for (tag, operations) in tags {
        let missing: Vec<String> =
            operations.iter().filter(|o| !o.served).map(|o| format!("`{} {}`", o.method, o.path)).collect();
        out += &format!("| {tag} | {} | {} |\n", count(&operations), missing.join(", "));
    }
    out
}

fn document(descriptions: &[Description]) -> String {
    let mut out = String::from(
        "# Coverage: the operations Switchboard serves\n\n\
         Generated from the router and Intercom's descriptions (`spec/intercom-*.yaml`) by `tests/coverage.rs`:\n\
         an operation is served when the router routes its method and path. Print it with\n\
         `bash scripts/coverage [--version 2.16]`; regenerate this file with\n\
         `UPDATE_COVERAGE=1 cargo test --test coverage`.\n\n\
         | Version | Served / described |\n| --- | --- |\n",
    );
    for description in descriptions {
        let all: Vec<&Operation> = description.operations.iter().collect();
        out += &format!("| {} | {} |\n", display_version(description.version), count(&all));
    }
    for description in descriptions {
        out += "\n";
        out += &section(description);
    }
    out
}

/// For `scripts/coverage`: writes to `COVERAGE_REPORT` the table of `COVERAGE_VERSION` (every
/// version when unset), or with `COVERAGE_FORMAT=served` that version's served operations, one
/// `METHOD /path` a line as the description spells the path.
fn write_report(descriptions: &[Description], destination: &str) {
    let version = std::env::var("COVERAGE_VERSION").ok().map(|v| v.to_lowercase());
    let chosen: Vec<&Description> =
        descriptions.iter().filter(|d| version.as_deref().is_none_or(|v| v == d.version)).collect();
    assert!(!chosen.is_empty(), "no description for version {version:?}; known: {VERSIONS:?}");
    let report = match std::env::var("COVERAGE_FORMAT").as_deref() {
        Ok("served") => chosen
            .iter()
            .flat_map(|d| d.operations.iter().filter(|o| o.served))
            .map(|o| format!("{} {}\n", o.method, o.path))
            .collect::<String>(),
        _ if version.is_some() => section(chosen[0]),
        _ => document(descriptions),
    };
    std::fs::write(destination, report).unwrap();
}

#[tokio::test]
async fn coverage_table_is_current() {
    let descriptions = probe_all().await;
    if let Ok(destination) = std::env::var("COVERAGE_REPORT") {
        write_report(&descriptions, &destination);
        return;
    }
    let generated = document(&descriptions);
    let committed_path = root().join("docs/coverage.md");
    if std::env::var("UPDATE_COVERAGE").as_deref() == Ok("1") {
        std::fs::write(&committed_path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/coverage.md is stale: the router or spec/ changed. Regenerate it with\n\
         UPDATE_COVERAGE=1 cargo test --test coverage\nand commit it."
    );
}

#[tokio::test]
async fn served_means_routed_with_that_method_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let router = probed_router(dir.path()).await;
    let operation = |method: &str, path: &str| Operation {
        method: method.to_owned(),
        path: path.to_owned(),
        tag: String::new(),
        served: false,
    };
    assert!(serves(&router, &operation("GET", "/me")).await);
    assert!(serves(&router, &operation("GET", "/contacts/{contact_id}/tags")).await);
    assert!(!serves(&router, &operation("DELETE", "/me")).await, "a method the path lacks");
    assert!(!serves(&router, &operation("GET", "/nowhere")).await, "an unrouted path");
    // Routed, but by `/contacts/{id}`: not an operation of its own.
    assert!(!serves(&router, &operation("GET", "/contacts/search")).await);
}
