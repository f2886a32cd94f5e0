//! What 2.16 adds to admins: away status reasons, the activity log's search and event types.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use switchboard::domain::activity_log::EVENT_TYPES;
use switchboard::domain::away_status_reason::DEFAULTS;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::workspace_id;

async fn get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    app.at_version("2.16").get(path).await
}

async fn post(app: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
    app.at_version("2.16").post(path, body).await
}

async fn away(app: &TestApp, reason: Value) -> (StatusCode, Value) {
    let body =
        json!({"away_mode_enabled": true, "away_mode_reassign": false, "away_status_reason_id": reason});
    app.at_version("2.16").put(&format!("/admins/{}/away", app.workspace.admin_id), body).await
}

backend_test!(away_status_reasons_are_the_workspaces_settings);
async fn away_status_reasons_are_the_workspaces_settings(app: TestApp) {
    let (status, list) = get(&app, "/away_status_reasons").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["type"], "list");
    let data = list["data"].as_array().unwrap();
    assert_eq!(data.len(), DEFAULTS.len());
    assert_eq!(data[0]["type"], "away_status_reason");
    assert_eq!((&data[0]["emoji"], &data[0]["label"]), (&json!("☕"), &json!("On a break")));
    assert_eq!((&data[0]["order"], &data[0]["deleted"]), (&json!(1), &json!(false)));
    assert!(data[0]["created_at"].is_i64() && data[0]["updated_at"].is_i64());
    // Listing again writes nothing new.
    assert_eq!(get(&app, "/away_status_reasons").await.1, list);

    // The operator adds one and deletes another (`switchboard away-status-reason ...`).
    let ws = workspace_id(&app).await;
    let added = app.store.create_away_status_reason(ws, "Focus time", "🎧").await.unwrap();
    assert_eq!(added.order, DEFAULTS.len() as i64 + 1);
    assert!(app.store.create_away_status_reason(ws, "Focus time", "").await.is_err(), "labels are unique");
    assert!(app.store.create_away_status_reason(ws, " ", "").await.is_err());
    let lunch: i64 = data[1]["id"].as_str().unwrap().parse().unwrap();
    app.store.delete_away_status_reason(ws, lunch).await.unwrap();
    let (_, list) = get(&app, "/away_status_reasons").await;
    assert_eq!(list["data"].as_array().unwrap().len(), DEFAULTS.len() + 1, "deleted ones are listed");
    assert_eq!(list["data"][1]["deleted"], true);
    assert_eq!(list["data"][DEFAULTS.len()]["label"], "Focus time");

    // Away mode takes a reason of the workspace that is not deleted.
    let (status, admin) = away(&app, json!(added.id)).await;
    assert_eq!(status, 200, "{admin}");
    assert_eq!(admin["away_status_reason_id"], added.id);
    let (status, error) = away(&app, json!(lunch)).await;
    let error = assert_error(status, &error, 400, "parameter_invalid");
    assert_eq!(error["message"], "Away status reason is deleted");
    let (status, error) = away(&app, json!(999_999)).await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (status, error) = away(&app, json!("later")).await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (_, me) = get(&app, &format!("/admins/{}", app.workspace.admin_id)).await;
    assert_eq!(me["away_status_reason_id"], added.id, "a refused change changes nothing");

    // Another workspace has its own reasons, and cannot use these.
    let other = app.other_workspace().await;
    let (_, theirs) = app.at_version("2.16").get_as(&other.access_token, "/away_status_reasons").await;
    assert_eq!(theirs["data"].as_array().unwrap().len(), DEFAULTS.len());
    assert_ne!(theirs["data"][0]["id"], list["data"][0]["id"]);
    let body =
        json!({"away_mode_enabled": true, "away_mode_reassign": false, "away_status_reason_id": added.id});
    let mut request =
        app.at_version("2.16").request(Method::PUT, &format!("/admins/{}/away", other.admin_id), Some(&body));
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    let (status, _, error) = app.send(request).await;
    assert_error(status, &error, 400, "parameter_invalid");
}

backend_test!(a_workspace_may_require_a_reason_to_go_away);
async fn a_workspace_may_require_a_reason_to_go_away(app: TestApp) {
    let ws = workspace_id(&app).await;
    let path = format!("/admins/{}/away", app.workspace.admin_id);
    let bare = json!({"away_mode_enabled": true, "away_mode_reassign": false});
    assert_eq!(app.at_version("2.16").put(&path, bare.clone()).await.0, 200, "not required by default");

    app.store.set_away_status_reason_required(ws, true).await.unwrap();
    let (status, error) = app.at_version("2.16").put(&path, bare.clone()).await;
    let error = assert_error(status, &error, 400, "away_status_reason_mandatory");
    assert_eq!(error["message"], "Away status reason is mandatory");
    let back = json!({"away_mode_enabled": false, "away_mode_reassign": false});
    assert_eq!(app.at_version("2.16").put(&path, back).await.0, 200, "coming back needs no reason");
    let reason = app.store.create_away_status_reason(ws, "Focus time", "🎧").await.unwrap();
    let (status, admin) = away(&app, json!(reason.id)).await;
    assert_eq!(status, 200, "{admin}");
    // The log names the reason as Intercom does.
    let (_, logs) = post(&app, "/admins/activity_logs/search", json!({"created_at_after": 0})).await;
    assert_eq!(logs["activity_logs"][0]["metadata"]["away_status_reason"], "🎧 Focus time");

    app.store.set_away_status_reason_required(ws, false).await.unwrap();
    assert_eq!(app.at_version("2.16").put(&path, bare).await.0, 200);
    // Another workspace's setting is its own.
    let other = app.other_workspace().await;
    let body = json!({"away_mode_enabled": true, "away_mode_reassign": false});
    app.store.set_away_status_reason_required(ws, true).await.unwrap();
    let mut request =
        app.request(axum::http::Method::PUT, &format!("/admins/{}/away", other.admin_id), Some(&body));
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    assert_eq!(app.send(request).await.0, 200);
}

backend_test!(activity_log_event_types_are_listed);
async fn activity_log_event_types_are_listed(app: TestApp) {
    let (status, list) = get(&app, "/admins/activity_log_event_types").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["type"], "activity_log_event_type.list");
    assert_eq!(list["event_types"].as_array().unwrap().len(), EVENT_TYPES.len());
    assert!(list["event_types"].as_array().unwrap().contains(&json!("admin_away_mode_change")));
}

backend_test!(activity_logs_are_searched_by_time_and_type);
async fn activity_logs_are_searched_by_time_and_type(app: TestApp) {
    let me = &app.workspace.admin_id;
    for i in 0..5 {
        let body = json!({"away_mode_enabled": i % 2 == 0, "away_mode_reassign": false});
        assert_eq!(app.put(&format!("/admins/{me}/away"), body).await.0, 200);
    }
    let ws = workspace_id(&app).await;
    let new = switchboard::domain::admin::NewAdmin {
        email: "b@example.com".into(),
        name: "B".into(),
        job_title: None,
    };
    app.store.create_admin(ws, &new).await.unwrap();

    let (status, all) = post(&app, "/admins/activity_logs/search", json!({"created_at_after": 0})).await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["type"], "activity_log.list");
    let total = all["activity_logs"].as_array().unwrap().len();
    assert!(total >= 6, "{all}");
    assert_eq!((&all["pages"]["page"], &all["pages"]["total_pages"]), (&json!(1), &json!(1)));

    let away_only = json!({"created_at_after": 0, "event_types": ["admin_away_mode_change"], "per_page": 2});
    let (_, first) = post(&app, "/admins/activity_logs/search", away_only.clone()).await;
    let logs = first["activity_logs"].as_array().unwrap();
    assert_eq!(logs.len(), 2);
    assert!(logs.iter().all(|l| l["activity_type"] == "admin_away_mode_change"));
    assert_eq!(first["pages"]["total_pages"], 3);
    let mut last = away_only.clone();
    last["page"] = json!(3);
    let (_, third) = post(&app, "/admins/activity_logs/search", last).await;
    assert_eq!(third["activity_logs"].as_array().unwrap().len(), 1);
    let mut past = away_only;
    past["page"] = json!(4);
    assert_eq!(post(&app, "/admins/activity_logs/search", past).await.1["activity_logs"], json!([]));

    let (_, none) =
        post(&app, "/admins/activity_logs/search", json!({"created_at_after": 0, "created_at_before": 1}))
            .await;
    assert_eq!(none["activity_logs"], json!([]));
    let (_, other_type) = post(
        &app,
        "/admins/activity_logs/search",
        json!({"created_at_after": 0, "event_types": ["app_name_change"]}),
    )
    .await;
    assert_eq!(other_type["activity_logs"], json!([]));

    // Another workspace's log is its own.
    let other = app.other_workspace().await;
    let mut request = app.at_version("2.16").request(
        Method::POST,
        "/admins/activity_logs/search",
        Some(&json!({"created_at_after": 0, "event_types": ["admin_away_mode_change"]})),
    );
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    let (_, _, theirs) = app.send(request).await;
    assert_eq!(theirs["activity_logs"], json!([]));
}

backend_test!(activity_log_searches_are_checked);
async fn activity_log_searches_are_checked(app: TestApp) {
    let path = "/admins/activity_logs/search";
    let (status, error) = post(&app, path, json!({})).await;
    let error = assert_error(status, &error, 400, "parameter_not_found");
    assert_eq!(error["field"], "created_at_after");
    for (body, field) in [
        (json!({"created_at_after": "x"}), "created_at_after"),
        (json!({"created_at_after": 0, "event_types": ["nope"]}), "event_types"),
        (json!({"created_at_after": 0, "event_types": "admin_logout"}), "event_types"),
        (json!({"created_at_after": 0, "per_page": 251}), "per_page"),
        (json!({"created_at_after": 0, "per_page": 0}), "per_page"),
        (json!({"created_at_after": 0, "page": 0}), "page"),
        // page × per_page past any offset a database takes: refused, not a 500.
        (json!({"created_at_after": 0, "page": i64::MAX}), "page"),
        (json!({"created_at_after": 0, "page": 1_000_001, "per_page": 250}), "page"),
    ] {
        let (status, error) = post(&app, path, body.clone()).await;
        let error = assert_error(status, &error, 400, "parameter_invalid");
        assert_eq!(error["field"], field, "{body}");
    }
}

backend_test!(every_documented_activity_type_is_searchable);
async fn every_documented_activity_type_is_searchable(app: TestApp) {
    // Types from the description's enum beyond the ones Intercom's own list examples show.
    for kind in ["macro_creation", "series_update", "workspace_deletion_request"] {
        assert!(EVENT_TYPES.contains(&kind), "{kind}");
        let body = json!({"created_at_after": 0, "event_types": [kind]});
        let (status, list) = post(&app, "/admins/activity_logs/search", body).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["activity_logs"], json!([]));
    }
    let (_, list) =
        post(&app, "/admins/activity_logs/search", json!({"created_at_after": 0, "page": 1_000_000})).await;
    assert_eq!(list["activity_logs"], json!([]), "{list}");
}
