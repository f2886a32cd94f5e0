//! `/_switchboard/faults`: errors, delays and dropped connections on demand.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use switchboard::api::{self, ApiConfig, AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

use crate::common::{TestApp, assert_error, backend_test, eventually};
use crate::contact_fixtures::contact;

async fn fault(app: &TestApp, body: Value) -> Value {
    let (status, fault) = app.post("/_switchboard/faults", body).await;
    assert_eq!(status, 201, "{fault}");
    fault
}

async fn contact_count(app: &TestApp) -> i64 {
    let (status, list) = app.get("/contacts").await;
    assert_eq!(status, 200, "{list}");
    list["total_count"].as_i64().unwrap()
}

backend_test!(a_fault_with_a_count_fails_that_many_requests);
async fn a_fault_with_a_count_fails_that_many_requests(app: TestApp) {
    let id = contact(&app, json!({"email": "f@x.io"})).await["id"].as_str().unwrap().to_owned();
    let made =
        fault(&app, json!({"method": "get", "path": "/contacts/{id}", "status": 500, "count": 2})).await;
    assert_eq!(made["type"], "fault");
    assert_eq!(made["method"], "GET");
    assert_eq!((made["count"].as_i64(), made["remaining"].as_i64()), (Some(2), Some(2)));
    assert_eq!(made["probability"], 1.0);
    assert_eq!(made["drop_connection"], false);

    let path = format!("/contacts/{id}");
    for _ in 0..2 {
        let (status, body) = app.get(&path).await;
        assert_error(status, &body, 500, "server_error");
    }
    let (status, body) = app.get(&path).await;
    assert_eq!(status, 200, "{body}");

    let (_, list) = app.get("/_switchboard/faults").await;
    assert_eq!(list["type"], "list");
    assert_eq!(list["data"][0]["remaining"], 0);
    assert_eq!(list["data"][0]["applied"], 2);
}

backend_test!(a_faulted_write_writes_nothing);
async fn a_faulted_write_writes_nothing(app: TestApp) {
    fault(&app, json!({"method": "POST", "path": "/contacts", "status": 503})).await;
    let before = contact_count(&app).await;
    let (status, body) = app.post("/contacts", json!({"email": "nothing@x.io"})).await;
    assert_error(status, &body, 503, "service_unavailable");
    assert_eq!(contact_count(&app).await, before);
}

backend_test!(a_rate_limit_fault_has_the_rate_limit_headers);
async fn a_rate_limit_fault_has_the_rate_limit_headers(app: TestApp) {
    let made = fault(&app, json!({"path": "/me", "status": 429, "count": 1})).await;
    let (status, headers, body) = app.send(app.request(Method::GET, "/me", None)).await;
    assert_error(status, &body, 429, "rate_limit_exceeded");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert!(headers["x-ratelimit-limit"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    assert!(headers["x-ratelimit-reset"].to_str().unwrap().parse::<i64>().unwrap() > 0);
    assert_eq!(headers["x-switchboard-fault"], made["id"].as_str().unwrap());
    let (status, _) = app.get("/me").await;
    assert_eq!(status, 200);
}

backend_test!(a_delay_alone_delays_a_normal_answer);
async fn a_delay_alone_delays_a_normal_answer(app: TestApp) {
    fault(&app, json!({"path": "/me", "delay_ms": 300, "count": 1})).await;
    let started = Instant::now();
    let (status, me) = app.get("/me").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["type"], "admin");
    assert!(started.elapsed() >= Duration::from_millis(300));
    // A delay with an error: the error, late.
    fault(&app, json!({"path": "/admins", "delay_ms": 200, "status": 502})).await;
    let started = Instant::now();
    let (status, body) = app.get("/admins").await;
    assert_error(status, &body, 502, "server_error");
    assert!(started.elapsed() >= Duration::from_millis(200));
}

backend_test!(paths_with_placeholders_and_methods_choose_the_requests);
async fn paths_with_placeholders_and_methods_choose_the_requests(app: TestApp) {
    let id = contact(&app, json!({"email": "p@x.io"})).await["id"].as_str().unwrap().to_owned();
    fault(
        &app,
        json!({"method": "PUT", "path": "/contacts/{contact_id}", "error_code": "contact_not_found"}),
    )
    .await;
    let (status, body) = app.put(&format!("/contacts/{id}"), json!({"name": "Changed"})).await;
    assert_error(status, &body, 404, "contact_not_found");
    // Another method, another path, a longer path: untouched.
    assert_eq!(app.get(&format!("/contacts/{id}")).await.0, 200);
    assert_eq!(app.get("/contacts").await.0, 200);
    assert_eq!(app.get(&format!("/contacts/{id}/tags")).await.0, 200);
    let (_, found) = app.get(&format!("/contacts/{id}")).await;
    assert_ne!(found["name"], "Changed");
}

backend_test!(probability_zero_never_applies_and_one_always_does);
async fn probability_zero_never_applies_and_one_always_does(app: TestApp) {
    let never = fault(&app, json!({"path": "/me", "status": 500, "probability": 0, "count": 1})).await;
    for _ in 0..20 {
        assert_eq!(app.get("/me").await.0, 200);
    }
    let (_, list) = app.get("/_switchboard/faults").await;
    assert_eq!(list["data"][0]["id"], never["id"]);
    assert_eq!(list["data"][0]["remaining"], 1);

    fault(&app, json!({"path": "/admins", "status": 500, "probability": 1})).await;
    for _ in 0..5 {
        assert_eq!(app.get("/admins").await.0, 500);
    }
}

backend_test!(faults_are_deleted_one_or_all);
async fn faults_are_deleted_one_or_all(app: TestApp) {
    let one = fault(&app, json!({"path": "/me", "status": 500})).await;
    fault(&app, json!({"path": "/admins", "status": 500})).await;
    assert_eq!(app.get("/me").await.0, 500);
    let id = one["id"].as_str().unwrap();
    let (status, deleted) = app.delete(&format!("/_switchboard/faults/{id}")).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted, json!({"type": "fault", "id": id, "deleted": true}));
    assert_eq!(app.get("/me").await.0, 200);
    assert_eq!(app.get("/admins").await.0, 500);

    let (status, body) = app.delete(&format!("/_switchboard/faults/{id}")).await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.delete("/_switchboard/faults/nope").await;
    assert_error(status, &body, 404, "not_found");

    let (status, cleared) = app.delete("/_switchboard/faults").await;
    assert_eq!(status, 200);
    assert_eq!(cleared["deleted"], 1);
    assert_eq!(app.get("/admins").await.0, 200);
    assert_eq!(app.get("/_switchboard/faults").await.1["data"], json!([]));
}

backend_test!(fault_bodies_are_checked);
async fn fault_bodies_are_checked(app: TestApp) {
    for (body, field) in [
        (json!({}), "status"),
        (json!({"status": 200}), "status"),
        (json!({"status": "500"}), "status"),
        (json!({"status": 500, "colour": "red"}), "colour"),
        (json!({"status": 500, "count": 0}), "count"),
        (json!({"status": 500, "count": 1.5}), "count"),
        (json!({"status": 500, "probability": 2}), "probability"),
        (json!({"status": 500, "method": "BREW"}), "method"),
        (json!({"status": 500, "path": 7}), "path"),
        (json!({"status": 500, "path": "/_switchboard/faults"}), "path"),
        (json!({"status": 500, "drop_connection": true}), "drop_connection"),
        (json!({"delay_ms": -1}), "delay_ms"),
        (json!({"error_code": "has spaces"}), "error_code"),
    ] {
        let (status, error) = app.post("/_switchboard/faults", body.clone()).await;
        let code = if field == "status" && body.as_object().unwrap().is_empty() {
            "parameter_not_found"
        } else {
            "parameter_invalid"
        };
        let error = assert_error(status, &error, 400, code);
        assert_eq!(error["field"], field, "{body}");
    }
    let request = Request::builder()
        .method(Method::POST)
        .uri("/_switchboard/faults")
        .header("authorization", format!("Bearer {}", app.token))
        .body(Body::from("{not json"))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    assert_error(status, &body, 400, "bad_request");
    assert_eq!(app.get("/_switchboard/faults").await.1["data"], json!([]));
}

backend_test!(another_workspace_neither_sees_nor_gets_the_faults);
async fn another_workspace_neither_sees_nor_gets_the_faults(app: TestApp) {
    let made = fault(&app, json!({"status": 500})).await;
    let other = app.other_workspace().await;
    let (status, list) = app.get_as(&other.access_token, "/_switchboard/faults").await;
    assert_eq!(status, 200);
    assert_eq!(list["data"], json!([]));
    assert_eq!(app.get_as(&other.access_token, "/me").await.0, 200);
    let mut delete =
        app.request(Method::DELETE, &format!("/_switchboard/faults/{}", made["id"].as_str().unwrap()), None);
    delete.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    assert_eq!(app.send(delete).await.0, 404);
    // The fault applies to everything of this workspace but its controls.
    assert_eq!(app.get("/me").await.0, 500);
    assert_eq!(app.get("/_switchboard/faults").await.0, 200);
}

backend_test!(a_count_holds_across_processes);
async fn a_count_holds_across_processes(app: TestApp) {
    let config = ApiConfig::default();
    let second = api::router(AppState::new(app.other_store().await, &config), &config);
    fault(&app, json!({"path": "/me", "status": 500, "count": 3})).await;
    let mut statuses = Vec::new();
    for i in 0..6 {
        let status = if i % 2 == 0 {
            app.get("/me").await.0.as_u16()
        } else {
            second.clone().oneshot(app.request(Method::GET, "/me", None)).await.unwrap().status().as_u16()
        };
        statuses.push(status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 500).count(), 3, "{statuses:?}");
    assert_eq!(&statuses[3..], [200, 200, 200]);
    // A fault made through one process applies in the other within a second (it reads the
    // workspace's faults again at most that often); one deleted stops there at once.
    fault(&app, json!({"path": "/admins", "status": 500})).await;
    let admins =
        async || second.clone().oneshot(app.request(Method::GET, "/admins", None)).await.unwrap().status();
    eventually(Duration::from_secs(5), "faulted in the other process", async || admins().await == 500).await;
    app.delete("/_switchboard/faults").await;
    assert_eq!(admins().await, 200);
}

backend_test!(a_dropped_connection_gets_no_answer);
async fn a_dropped_connection_gets_no_answer(app: TestApp) {
    fault(&app, json!({"path": "/me", "drop_connection": true, "count": 1})).await;
    // In process: the answer's body fails.
    let config = ApiConfig::default();
    let router = api::router(AppState::new(app.store.clone(), &config), &config);
    let response = router.oneshot(app.request(Method::GET, "/me", None)).await.unwrap();
    assert!(response.into_body().collect().await.is_err());

    // Over a connection: closed with nothing sent.
    fault(&app, json!({"path": "/me", "drop_connection": true, "count": 1})).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(switchboard::serve(listener, app.store.clone(), ApiConfig::default(), async {
        let _ = stopped.await;
    }));
    let raw = |token: &str| {
        format!(
            "GET /me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        )
    };
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(raw(&app.token).as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await.unwrap();
    assert!(read.is_err() || answer.is_empty(), "answered: {}", String::from_utf8_lossy(&answer));
    // The next connection is answered.
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(raw(&app.token).as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer));
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
