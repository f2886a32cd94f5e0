//! The workspace clock (`/_switchboard/clock`): what it shows in timestamps and time rules,
//! its changes and their errors, and that it is the workspace's own.

use serde_json::{Value, json};
use switchboard::store::real_now;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::contact;
use crate::conversations::{admin, part, start, user};

const DAY: i64 = 24 * 60 * 60;
/// 2023-11-14T22:13:20Z.
const T: i64 = 1_700_000_000;

async fn set_clock(app: &TestApp, body: Value) -> Value {
    let (status, clock) = app.put("/_switchboard/clock", body.clone()).await;
    assert_eq!(status, 200, "{body}: {clock}");
    clock
}

backend_test!(a_frozen_clock_shows_in_timestamps);
async fn a_frozen_clock_shows_in_timestamps(app: TestApp) {
    let (status, clock) = app.get("/_switchboard/clock").await;
    assert_eq!(status, 200);
    assert_eq!(clock["frozen"], false);
    assert!((clock["now"].as_i64().unwrap() - real_now()).abs() <= 2, "{clock}");

    assert_eq!(set_clock(&app, json!({"now": T})).await, json!({"now": T, "frozen": true}));
    assert_eq!(app.get("/_switchboard/clock").await.1, json!({"now": T, "frozen": true}));
    let c = contact(&app, json!({"email": "clock@example.com"})).await;
    let id = c["id"].as_str().unwrap().to_owned();
    assert_eq!((c["created_at"].as_i64(), c["updated_at"].as_i64()), (Some(T), Some(T)));
    let joe = user(&app, "joe@example.com").await;
    let conversation = start(&app, &joe, "Hello").await;
    let (_, shown) = app.get(&format!("/conversations/{conversation}")).await;
    assert_eq!(shown["created_at"], T, "{shown}");

    // Advancing a frozen clock moves it, and it stays frozen there.
    assert_eq!(set_clock(&app, json!({"advance": 90})).await, json!({"now": T + 90, "frozen": true}));
    let (status, updated) = app.put(&format!("/contacts/{id}"), json!({"name": "Later"})).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!((updated["created_at"].as_i64(), updated["updated_at"].as_i64()), (Some(T), Some(T + 90)));

    // Back to real time.
    let clock = set_clock(&app, json!({"frozen": false})).await;
    assert_eq!(clock["frozen"], false);
    assert!((clock["now"].as_i64().unwrap() - real_now()).abs() <= 2, "{clock}");
    let later = contact(&app, json!({"email": "real@example.com"})).await;
    assert!((later["created_at"].as_i64().unwrap() - real_now()).abs() <= 2, "{later}");
}

backend_test!(a_running_clock_can_be_shifted_stopped_and_set);
async fn a_running_clock_can_be_shifted_stopped_and_set(app: TestApp) {
    // On a running clock, `advance` shifts it: it keeps running, a day ahead.
    let clock = set_clock(&app, json!({"advance": DAY})).await;
    assert_eq!(clock["frozen"], false);
    assert!((clock["now"].as_i64().unwrap() - (real_now() + DAY)).abs() <= 2, "{clock}");
    let c = contact(&app, json!({"email": "ahead@example.com"})).await;
    assert!((c["created_at"].as_i64().unwrap() - (real_now() + DAY)).abs() <= 2, "{c}");

    // `frozen: true` stops it where it shows.
    let stopped = set_clock(&app, json!({"frozen": true})).await;
    assert_eq!(stopped["frozen"], true);
    assert!((stopped["now"].as_i64().unwrap() - (real_now() + DAY)).abs() <= 2, "{stopped}");

    // `now` with `frozen: false` sets a running clock.
    let running = set_clock(&app, json!({"now": T, "frozen": false})).await;
    assert_eq!(running["frozen"], false);
    assert!((running["now"].as_i64().unwrap() - T).abs() <= 2, "{running}");
    let c = contact(&app, json!({"email": "then@example.com"})).await;
    assert!((c["created_at"].as_i64().unwrap() - T).abs() <= 2, "{c}");
}

backend_test!(snoozes_end_by_the_workspace_clock);
async fn snoozes_end_by_the_workspace_clock(app: TestApp) {
    set_clock(&app, json!({"now": T})).await;
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Help").await;
    let me = admin(&app);
    // "In the future" is judged by the workspace's clock: an hour after T is, though past in real time.
    let c =
        part(&app, &id, json!({"message_type": "snoozed", "admin_id": me, "snoozed_until": T + 3600})).await;
    assert_eq!((c["state"].as_str(), c["snoozed_until"].as_i64()), (Some("snoozed"), Some(T + 3600)));
    set_clock(&app, json!({"advance": 3599})).await;
    assert_eq!(app.get(&format!("/conversations/{id}")).await.1["state"], "snoozed");
    set_clock(&app, json!({"advance": 2})).await;
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!((c["state"].as_str(), c["snoozed_until"].clone()), (Some("open"), Value::Null));
    let (status, error) = app
        .post(
            &format!("/conversations/{id}/parts"),
            json!({"message_type": "snoozed", "admin_id": me, "snoozed_until": T}),
        )
        .await;
    assert_error(status, &error, 400, "parameter_invalid");
}

backend_test!(the_event_window_follows_the_clock);
async fn the_event_window_follows_the_clock(app: TestApp) {
    set_clock(&app, json!({"now": T})).await;
    contact(&app, json!({"external_id": "u1", "email": "u1@example.com"})).await;
    for (name, at) in [("old", T - 100 * DAY), ("recent", T - 10 * DAY)] {
        let (status, answer) =
            app.post("/events", json!({"event_name": name, "created_at": at, "user_id": "u1"})).await;
        assert_eq!(status, 202, "{answer}");
    }
    let names = |list: &Value| -> Vec<String> {
        list["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event_name"].as_str().unwrap().to_owned())
            .collect()
    };
    // Both are years old in real time; the window is the 90 days before the workspace's now.
    let (status, list) = app.get("/events?type=user&user_id=u1").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(names(&list), ["recent"]);
    set_clock(&app, json!({"advance": -20 * DAY})).await;
    assert_eq!(names(&app.get("/events?type=user&user_id=u1").await.1), ["recent", "old"]);
    set_clock(&app, json!({"advance": 101 * DAY})).await;
    assert!(names(&app.get("/events?type=user&user_id=u1").await.1).is_empty());
}

backend_test!(a_clock_is_the_workspace_own);
async fn a_clock_is_the_workspace_own(app: TestApp) {
    let other = app.other_workspace().await;
    set_clock(&app, json!({"now": T})).await;
    let (status, theirs) = app.get_as(&other.access_token, "/_switchboard/clock").await;
    assert_eq!(status, 200);
    assert_eq!(theirs["frozen"], false);
    assert!((theirs["now"].as_i64().unwrap() - real_now()).abs() <= 2, "{theirs}");
    let (_, me) = app.get_as(&other.access_token, "/me").await;
    assert!((me["app"]["created_at"].as_i64().unwrap() - real_now()).abs() <= 60, "{me}");
    let (_, mine) = app.get("/_switchboard/clock").await;
    assert_eq!(mine["now"], T);
}

backend_test!(bad_clock_changes_are_refused);
async fn bad_clock_changes_are_refused(app: TestApp) {
    for (body, code) in [
        (json!({}), "parameter_not_found"),
        (json!({"now": "tomorrow"}), "parameter_invalid"),
        (json!({"now": 1.5}), "parameter_invalid"),
        (json!({"now": -1}), "parameter_invalid"),
        (json!({"now": 253_402_300_800_i64}), "parameter_invalid"),
        (json!({"advance": "60"}), "parameter_invalid"),
        (json!({"now": T, "advance": 60}), "parameter_invalid"),
        (json!({"advance": 60, "frozen": true}), "parameter_invalid"),
        (json!({"frozen": "no"}), "parameter_invalid"),
        (json!({"speed": 2}), "parameter_invalid"),
        (json!([1]), "parameter_invalid"),
    ] {
        let (status, error) = app.put("/_switchboard/clock", body.clone()).await;
        assert_error(status, &error, 400, code);
    }
    set_clock(&app, json!({"now": 10})).await;
    let (status, error) = app.put("/_switchboard/clock", json!({"advance": -11})).await;
    assert_error(status, &error, 400, "parameter_invalid");
    // Nothing refused was written.
    assert_eq!(app.get("/_switchboard/clock").await.1, json!({"now": 10, "frozen": true}));
    let request = app.request(axum::http::Method::PUT, "/_switchboard/clock", None);
    let (parts, _) = request.into_parts();
    let broken = axum::http::Request::from_parts(parts, axum::body::Body::from("{\"now\": "));
    let (status, _, error) = app.send(broken).await;
    assert_error(status, &error, 400, "bad_request");
    let mut unauthenticated = app.request(axum::http::Method::GET, "/_switchboard/clock", None);
    unauthenticated.headers_mut().remove("authorization");
    let (status, _, error) = app.send(unauthenticated).await;
    assert_error(status, &error, 401, "unauthorized");
}

backend_test!(background_work_runs_on_its_workspace_clock);
async fn background_work_runs_on_its_workspace_clock(app: TestApp) {
    set_clock(&app, json!({"now": T})).await;
    let joe = user(&app, "joe@example.com").await;
    start(&app, &joe, "Export me").await;
    let (status, job) = app
        .post("/export/content/data", json!({"created_at_after": T - 10, "created_at_before": T + 10}))
        .await;
    assert_eq!(status, 200, "{job}");
    let id = job["job_identifier"].as_str().unwrap().to_owned();
    // Run outside any request, as the worker of `serve` does; its lease keeps real time.
    assert!(app.store.run_next_export(60).await.unwrap());
    let (_, done) = app.get(&format!("/export/content/data/{id}")).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["download_expires_at"], (T + 2 * DAY).to_string());
    set_clock(&app, json!({"advance": 2 * DAY + 1})).await;
    let (_, expired) = app.get(&format!("/export/content/data/{id}")).await;
    assert_eq!(expired["download_url"], "", "{expired}");
}

backend_test!(rate_limits_keep_real_time);
async fn rate_limits_keep_real_time(app: TestApp) {
    set_clock(&app, json!({"now": T})).await;
    let (status, headers, _) = app.send(app.request(axum::http::Method::GET, "/me", None)).await;
    assert_eq!(status, 200);
    let reset: i64 = headers["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
    assert!(reset >= real_now() && reset <= real_now() + 60, "reset {reset}");
}

backend_test!(every_process_on_the_database_reads_the_clock);
async fn every_process_on_the_database_reads_the_clock(app: TestApp) {
    set_clock(&app, json!({"now": T})).await;
    // Another process's store: the clock comes with the token's owner, from the database.
    let other = app.other_store().await;
    let owner = other.authenticate(&app.token).await.unwrap().unwrap();
    assert_eq!(owner.clock.frozen_at, Some(T));
    set_clock(&app, json!({"frozen": false})).await;
    let owner = other.authenticate(&app.token).await.unwrap().unwrap();
    assert_eq!(owner.clock, switchboard::domain::clock::Clock::REAL);
}

backend_test!(changes_at_once_all_apply);
async fn changes_at_once_all_apply(app: TestApp) {
    set_clock(&app, json!({"now": T})).await;
    let advance = async || app.put("/_switchboard/clock", json!({"advance": 1})).await.0;
    let statuses = tokio::join!(advance(), advance(), advance(), advance(), advance(), advance());
    assert_eq!(<[_; 6]>::from(statuses).map(|s| s.as_u16()), [200; 6]);
    assert_eq!(app.get("/_switchboard/clock").await.1, json!({"now": T + 6, "frozen": true}));
}
