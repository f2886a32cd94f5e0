//! What every endpoint shares: authentication, error bodies, versions, rate limits, limits.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;
use switchboard::api::ApiConfig;

use crate::common::{Backend, TestApp, assert_error, backend_test};

backend_test!(tokens_are_required_and_checked);
async fn tokens_are_required_and_checked(app: TestApp) {
    let no_token = Request::builder().uri("/me").body(Body::empty()).unwrap();
    let (status, _, body) = app.send(no_token).await;
    let error = assert_error(status, &body, 401, "unauthorized");
    assert_eq!(error["message"], "Access Token Invalid");
    for header in ["Bearer nope", "Basic abc", "Bearer", ""] {
        let request =
            Request::builder().uri("/admins").header("authorization", header).body(Body::empty()).unwrap();
        let (status, _, body) = app.send(request).await;
        assert_error(status, &body, 401, "unauthorized");
    }
    let lowercase = Request::builder()
        .uri("/me")
        .header("authorization", format!("bearer {}", app.token))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(lowercase).await.0, 200);
}

backend_test!(revoked_tokens_stop_working, ApiConfig { token_cache: Duration::ZERO, ..ApiConfig::default() });
async fn revoked_tokens_stop_working(app: TestApp) {
    let ws = app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap();
    let admin_id: i64 = app.workspace.admin_id.parse().unwrap();
    let token = app.store.create_token(ws.id, admin_id, "ci").await.unwrap();
    assert_eq!(app.get_as(&token, "/me").await.0, 200);
    let listed = app.store.list_tokens(ws.id).await.unwrap();
    assert_eq!(listed.len(), 2);
    app.store.revoke_token(ws.id, listed[1].id).await.unwrap();
    let (status, body) = app.get_as(&token, "/me").await;
    assert_error(status, &body, 401, "unauthorized");
    assert_eq!(app.get("/me").await.0, 200, "the other token still works");
}

backend_test!(
    revoked_tokens_stop_working_once_the_cache_expires,
    ApiConfig { token_cache: Duration::from_millis(500), ..ApiConfig::default() }
);
async fn revoked_tokens_stop_working_once_the_cache_expires(app: TestApp) {
    let ws = app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap();
    let admin_id: i64 = app.workspace.admin_id.parse().unwrap();
    let token = app.store.create_token(ws.id, admin_id, "ci").await.unwrap();
    assert_eq!(app.get_as(&token, "/me").await.0, 200);
    let listed = app.store.list_tokens(ws.id).await.unwrap();
    app.store.revoke_token(ws.id, listed[1].id).await.unwrap();
    assert_eq!(app.get_as(&token, "/me").await.0, 200, "still trusted from the cache");
    // Time itself is the condition here: outlive the 500 ms the token is cached for.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (status, body) = app.get_as(&token, "/me").await;
    assert_error(status, &body, 401, "unauthorized");
}

backend_test!(unknown_routes_and_methods_are_not_found);
async fn unknown_routes_and_methods_are_not_found(app: TestApp) {
    let (status, body) = app.get("/no/such/thing").await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.call(Method::DELETE, "/me", None).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(malformed_bodies_are_bad_requests);
async fn malformed_bodies_are_bad_requests(app: TestApp) {
    let path = format!("/admins/{}/away", app.workspace.admin_id);
    for raw in ["{", "not json", "[1,", "{\"away_mode_enabled\": true,}", "\u{0}"] {
        let mut request = app.request(Method::PUT, &path, None);
        *request.body_mut() = Body::from(raw);
        let (status, _, body) = app.send(request).await;
        assert_error(status, &body, 400, "bad_request");
    }
    let (status, body) = app.put(&path, json!([true, false])).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.put(&path, json!("string")).await;
    assert_error(status, &body, 400, "parameter_invalid");
}

backend_test!(huge_bodies_are_refused, ApiConfig { max_body_bytes: 1024, ..ApiConfig::default() });
async fn huge_bodies_are_refused(app: TestApp) {
    let path = format!("/admins/{}/away", app.workspace.admin_id);
    let padding = "x".repeat(10_000);
    let body = json!({"away_mode_enabled": true, "away_mode_reassign": true, "padding": padding});
    let (status, body) = app.put(&path, body).await;
    assert_error(status, &body, 413, "request_too_large");
    let (_, admin) = app.get(&format!("/admins/{}", app.workspace.admin_id)).await;
    assert_eq!(admin["away_mode_enabled"], false);
}

backend_test!(intercom_versions);
async fn intercom_versions(app: TestApp) {
    for version in [
        "1.0", "2.6", "2.7", "2.11", "2.12", "2.13", "2.14", "2.15", "2.16", "Unstable", "Preview", "preview",
    ] {
        let mut request = app.request(Method::GET, "/me", None);
        request.headers_mut().insert("intercom-version", version.parse().unwrap());
        assert_eq!(app.send(request).await.0, 200, "version {version}");
    }
    for version in ["2.99", "2.17", "latest", "3", ""] {
        let mut request = app.request(Method::GET, "/me", None);
        request.headers_mut().insert("intercom-version", version.parse().unwrap());
        let (status, _, body) = app.send(request).await;
        assert_error(status, &body, 400, "intercom_version_invalid");
    }
}

// 6 a minute is one request per 10-second window.
backend_test!(
    rate_limits_are_reported_and_enforced,
    ApiConfig { rate_limit_per_minute: 6, ..ApiConfig::default() }
);
async fn rate_limits_are_reported_and_enforced(app: TestApp) {
    let (status, headers, _) = app.send(app.request(Method::GET, "/me", None)).await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-ratelimit-limit"], "6");
    let reset: i64 = headers["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
    assert!(reset > switchboard::store::now() - 1);
    // Three quick requests cross at most one window boundary, so one of them is refused.
    let mut refused = None;
    for _ in 0..3 {
        let (status, headers, body) = app.send(app.request(Method::GET, "/me", None)).await;
        if status == 429 {
            refused = Some((headers, body));
            break;
        }
    }
    let (headers, body) = refused.expect("a request over the limit is refused");
    assert_error(axum::http::StatusCode::TOO_MANY_REQUESTS, &body, 429, "rate_limit_exceeded");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    // Another workspace has its own budget.
    let other = app.other_workspace().await;
    assert_eq!(app.get_as(&other.access_token, "/me").await.0, 200);
}

backend_test!(processes_share_one_rate_limit_on_postgres);
async fn processes_share_one_rate_limit_on_postgres(app: TestApp) {
    use switchboard::store::workspaces::rate_limit::RateLimiter;
    let ws = app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap();
    // Two servers' limiters, 10 requests per window; one fixed time keeps them in one window.
    let (first, second) = (RateLimiter::new(60), RateLimiter::new(60));
    let now = switchboard::store::now();
    for _ in 0..6 {
        first.hit(&app.store, ws.id, now).await.unwrap();
    }
    // Outlive the limiter's 100 ms sync interval, so that its next hit adds these to the row.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let status = first.hit(&app.store, ws.id, now).await.unwrap();
    assert_eq!(status.remaining, 3, "a process's own requests count exactly");
    let status = second.hit(&app.store, ws.id, now).await.unwrap();
    let expected = if app.backend == Backend::Postgres { 2 } else { 9 };
    assert_eq!(status.remaining, expected);
    for _ in 0..3 {
        second.hit(&app.store, ws.id, now).await.unwrap();
    }
    let status = second.hit(&app.store, ws.id, now).await.unwrap();
    assert_eq!(status.exceeded, app.backend == Backend::Postgres);
}

backend_test!(every_response_has_a_request_id);
async fn every_response_has_a_request_id(app: TestApp) {
    let (_, headers, _) = app.send(app.request(Method::GET, "/me", None)).await;
    assert_eq!(headers["x-request-id"].len(), 36);
    let (_, headers, body) = app.send(app.request(Method::GET, "/nowhere", None)).await;
    assert_eq!(headers["x-request-id"].to_str().unwrap(), body["request_id"]);
}

backend_test!(the_first_workspace_is_created_once);
async fn the_first_workspace_is_created_once(app: TestApp) {
    // The test app already made a workspace, so `serve` would not make another.
    let created = app.store.create_first_workspace("Default", "a@example.com", "A").await.unwrap();
    assert!(created.is_none());
}
