//! `/_switchboard/requests` (the request journal) and `--controls off`.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};
use switchboard::api::ApiConfig;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::contact;

async fn journal(app: &TestApp, query: &str) -> Vec<Value> {
    let (status, list) = app.get(&format!("/_switchboard/requests{query}")).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["type"], "list");
    list["data"].as_array().unwrap().clone()
}

backend_test!(the_journal_records_requests_newest_first);
async fn the_journal_records_requests_newest_first(app: TestApp) {
    let made = contact(&app, json!({"email": "j@x.io", "name": "Journal"})).await;
    let id = made["id"].as_str().unwrap();
    let (status, missing) = app.get("/contacts/nope").await;
    assert_eq!(status, 404);
    app.get("/contacts?per_page=5").await;

    let entries = journal(&app, "").await;
    assert_eq!(entries.len(), 3, "{entries:?}");
    let (list, not_found, created) = (&entries[0], &entries[1], &entries[2]);
    assert_eq!(list["path"], "/contacts");
    assert_eq!(list["query"], "per_page=5");
    assert_eq!(list["response_body"]["type"], "list");

    assert_eq!(not_found["status"], 404);
    assert_eq!(not_found["query"], Value::Null);
    assert_eq!(not_found["request_id"], missing["request_id"]);
    assert_eq!(not_found["response_body"], missing);

    assert_eq!(created["type"], "request");
    assert_eq!(created["method"], "POST");
    assert_eq!(created["path"], "/contacts");
    assert_eq!(created["status"], 200);
    assert_eq!(created["request_body"], json!({"email": "j@x.io", "name": "Journal"}));
    assert_eq!(created["response_body"]["id"], id);
    assert!(created["at"].as_i64().unwrap() > 1_600_000_000);
    assert!(created["duration_ms"].as_f64().unwrap() >= 0.0);
    assert!(
        created["id"].as_str().unwrap().parse::<u64>().unwrap()
            < list["id"].as_str().unwrap().parse().unwrap()
    );
    assert_eq!(created["request_id"].as_str().unwrap().len(), 36);

    // The controls themselves are never recorded; clearing forgets the rest.
    let (status, cleared) = app.delete("/_switchboard/requests").await;
    assert_eq!(status, 200);
    assert_eq!(cleared["deleted"], 3);
    assert_eq!(journal(&app, "").await, Vec::<Value>::new());
}

backend_test!(the_journal_never_holds_the_token);
async fn the_journal_never_holds_the_token(app: TestApp) {
    let token = app.token.clone();
    contact(&app, json!({"email": "t@x.io", "name": token.clone()})).await;
    app.get(&format!("/contacts?starting_after={token}")).await;
    app.get(&format!("/contacts/{token}")).await;
    let entries = journal(&app, "").await;
    assert_eq!(entries.len(), 3);
    let all = serde_json::to_string(&entries).unwrap();
    assert!(!all.contains(&token), "{all}");
    assert!(!all.to_lowercase().contains("authorization"), "{all}");
    assert!(all.contains("[redacted]"));
}

backend_test!(the_journal_is_filtered_and_limited);
async fn the_journal_is_filtered_and_limited(app: TestApp) {
    let id = contact(&app, json!({"email": "l@x.io"})).await["id"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        app.get(&format!("/contacts/{id}")).await;
    }
    app.get("/contacts/missing").await;
    app.get("/me").await;

    assert_eq!(journal(&app, "?method=post").await.len(), 1);
    assert_eq!(journal(&app, "?method=GET").await.len(), 5);
    assert_eq!(journal(&app, "?path=/contacts/{id}").await.len(), 4);
    assert_eq!(journal(&app, &format!("?path=/contacts/{id}")).await.len(), 3);
    assert_eq!(journal(&app, "?status=404").await.len(), 1);
    assert_eq!(journal(&app, "?status=200&path=/contacts/{id}").await.len(), 3);
    let limited = journal(&app, "?limit=2").await;
    assert_eq!(limited.len(), 2);
    assert_eq!(limited[0]["path"], "/me");

    for bad in ["?limit=0", "?limit=many", "?status=ok"] {
        let (status, body) = app.get(&format!("/_switchboard/requests{bad}")).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
}

backend_test!(the_journal_records_faulted_answers);
async fn the_journal_records_faulted_answers(app: TestApp) {
    let (status, _) =
        app.post("/_switchboard/faults", json!({"path": "/me", "status": 429, "count": 1})).await;
    assert_eq!(status, 201);
    let (_, refused) = app.get("/me").await;
    let entries = journal(&app, "").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["status"], 429);
    assert_eq!(entries[0]["response_body"], refused);
}

backend_test!(another_workspace_sees_none_of_the_journal);
async fn another_workspace_sees_none_of_the_journal(app: TestApp) {
    app.get("/me").await;
    let other = app.other_workspace().await;
    app.get_as(&other.access_token, "/admins").await;
    let (status, theirs) = app.get_as(&other.access_token, "/_switchboard/requests").await;
    assert_eq!(status, 200);
    let theirs = theirs["data"].as_array().unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["path"], "/admins");
    let ours = journal(&app, "").await;
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0]["path"], "/me");
}

backend_test!(the_journal_keeps_the_last_requests, ApiConfig { journal_size: 3, ..ApiConfig::default() });
async fn the_journal_keeps_the_last_requests(app: TestApp) {
    for page in 1..=5 {
        app.get(&format!("/admins?page={page}")).await;
    }
    let entries = journal(&app, "?limit=10").await;
    let queries: Vec<_> = entries.iter().map(|e| e["query"].as_str().unwrap()).collect();
    assert_eq!(queries, ["page=5", "page=4", "page=3"]);
}

backend_test!(a_journal_of_size_zero_records_nothing, ApiConfig { journal_size: 0, ..ApiConfig::default() });
async fn a_journal_of_size_zero_records_nothing(app: TestApp) {
    app.get("/me").await;
    assert_eq!(journal(&app, "").await, Vec::<Value>::new());
}

backend_test!(
    with_controls_off_every_control_is_not_found,
    ApiConfig { controls: false, ..ApiConfig::default() }
);
async fn with_controls_off_every_control_is_not_found(app: TestApp) {
    for (method, path, body) in [
        (Method::GET, "/_switchboard/requests", None),
        (Method::DELETE, "/_switchboard/requests", None),
        (Method::GET, "/_switchboard/faults", None),
        (Method::POST, "/_switchboard/faults", Some(json!({"status": 500}))),
        (Method::DELETE, "/_switchboard/faults", None),
        (Method::DELETE, "/_switchboard/faults/1", None),
        (Method::POST, "/_switchboard/reset", Some(json!({}))),
    ] {
        let (status, body) = app.call(method.clone(), path, body.as_ref()).await;
        let error = assert_error(status, &body, 404, "not_found");
        assert!(error["message"].as_str().unwrap().contains("check your path"), "{method} {path}: {body}");
    }
    // Without a token too, and the API itself is served.
    let request = Request::builder().uri("/_switchboard/requests").body(Body::empty()).unwrap();
    assert_eq!(app.send(request).await.0, 404);
    assert_eq!(app.get("/me").await.0, 200);
}
