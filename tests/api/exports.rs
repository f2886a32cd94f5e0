//! Content data export: jobs, the worker's runs, the gzip CSV, one active job per workspace.

use std::io::Read;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use switchboard::domain::export::COLUMNS;
use switchboard::store::now;

use crate::common::{TEST_HOST, TestApp, assert_error, backend_test};
use crate::conversations::{admin, reply, sql, start, user};

const LEASE: i64 = 60;

async fn create(app: &TestApp, after: i64, before: i64) -> Value {
    let (status, job) = app
        .post("/export/content/data", json!({"created_at_after": after, "created_at_before": before}))
        .await;
    assert_eq!(status, 200, "{job}");
    job
}

fn job_id(job: &Value) -> String {
    job["job_identifier"].as_str().unwrap().to_owned()
}

/// The download's status, content type and (gunzipped) CSV lines.
async fn download(app: &TestApp, job: &str) -> (StatusCode, String, Vec<Vec<String>>) {
    let mut request = app.request(Method::GET, &format!("/download/content/data/{job}"), None);
    request.headers_mut().insert("accept", "application/octet-stream".parse().unwrap());
    let (status, headers, bytes) = app.send_bytes(request).await;
    let content_type =
        headers.get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    if status != 200 {
        return (status, content_type, Vec::new());
    }
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).expect("gzip");
    let rows = text.lines().map(|line| line.split(',').map(str::to_owned).collect()).collect();
    (status, content_type, rows)
}

fn column(rows: &[Vec<String>], row: usize, name: &str) -> String {
    let index = COLUMNS.iter().position(|c| *c == name).unwrap();
    rows[row][index].clone()
}

backend_test!(an_export_runs_and_its_file_is_downloaded);
async fn an_export_runs_and_its_file_is_downloaded(app: TestApp) {
    let ann = user(&app, "ann@example.com").await;
    let bob = user(&app, "bob@example.com").await;
    let first = start(&app, &ann, "Where is my order?").await;
    let second = start(&app, &bob, "Hello").await;
    reply(
        &app,
        &first,
        json!({"message_type": "comment", "type": "admin", "admin_id": admin(&app), "body": "Looking"}),
    )
    .await;
    reply(
        &app,
        &first,
        json!({"message_type": "comment", "type": "user", "intercom_user_id": ann, "body": "Thanks"}),
    )
    .await;

    let at = now();
    let job = create(&app, at - 3600, at + 3600).await;
    assert_eq!(job["status"], "pending");
    assert_eq!((&job["download_url"], &job["download_expires_at"]), (&json!(""), &json!("")));
    let id = job_id(&job);
    assert_eq!(id.len(), 16);

    // One active job per workspace.
    let (status, error) =
        app.post("/export/content/data", json!({"created_at_after": 0, "created_at_before": at})).await;
    let error = assert_error(status, &error, 429, "rate_limit_exceeded");
    assert_eq!(error["message"], "Exceeded rate limit of 1 pending message data export jobs");
    let (_, pending) = app.get(&format!("/export/content/data/{id}")).await;
    assert_eq!(pending["status"], "pending");
    let (status, error) = app.get(&format!("/download/content/data/{id}")).await;
    assert_error(status, &error, 404, "not_found");

    assert!(app.store.run_next_export(LEASE).await.unwrap());
    assert!(!app.store.run_next_export(LEASE).await.unwrap(), "nothing left to run");
    let (status, done) = app.get(&format!("/export/content/data/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(done["status"], "completed");
    assert_eq!(done["download_url"], format!("http://{TEST_HOST}/download/content/data/{id}"));
    let expires: i64 = done["download_expires_at"].as_str().unwrap().parse().unwrap();
    assert!((expires - now() - 2 * 24 * 3600).abs() < 60, "two days: {expires}");

    let (status, content_type, rows) = download(&app, &id).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/octet-stream");
    assert_eq!(rows[0], COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    assert_eq!(rows.len(), 3, "a row per message and recipient: {rows:?}");
    assert_eq!(column(&rows, 1, "user_id"), ann);
    assert_eq!(column(&rows, 1, "email"), "ann@example.com");
    assert_eq!(column(&rows, 1, "ruleset_id"), first);
    assert_eq!(column(&rows, 1, "content_type"), "Chat");
    assert_eq!(column(&rows, 1, "company_id"), "-1");
    assert_eq!(column(&rows, 1, "series_id"), "-1");
    assert!(column(&rows, 1, "first_reply").parse::<i64>().is_ok(), "ann replied");
    assert_eq!(column(&rows, 2, "user_id"), bob);
    assert_eq!(column(&rows, 2, "ruleset_id"), second);
    assert_eq!(column(&rows, 2, "first_reply"), "", "bob did not reply");
    // Any Accept gets the same bytes.
    let (status, _, _) = download(&app, &id).await;
    assert_eq!(status, 200);

    // The job is done: another may start; its file stays downloadable.
    let next = create(&app, at - 10, at).await;
    assert_ne!(job_id(&next), id);
    assert_eq!(download(&app, &id).await.0, 200);

    // Another workspace sees none of it.
    let other = app.other_workspace().await;
    for path in [format!("/export/content/data/{id}"), format!("/download/content/data/{id}")] {
        let (status, error) = app.get_as(&other.access_token, &path).await;
        assert_error(status, &error, 404, "not_found");
    }
}

backend_test!(a_range_with_nothing_is_no_data_and_ranges_are_inclusive);
async fn a_range_with_nothing_is_no_data_and_ranges_are_inclusive(app: TestApp) {
    let ann = user(&app, "ann@example.com").await;
    let conversation = start(&app, &ann, "Old question").await;
    sql(&app, &format!("UPDATE conversations SET created_at = 1000 WHERE id = {conversation}")).await;

    let empty = create(&app, 1001, 2000).await;
    assert!(app.store.run_next_export(LEASE).await.unwrap());
    let (_, empty) = app.get(&format!("/export/content/data/{}", job_id(&empty))).await;
    assert_eq!(empty["status"], "no_data");
    assert_eq!(empty["download_url"], "");
    let (status, error) = app.get(&format!("/download/content/data/{}", job_id(&empty))).await;
    assert_error(status, &error, 404, "not_found");

    let both_ends = create(&app, 1000, 1000).await;
    assert!(app.store.run_next_export(LEASE).await.unwrap());
    let (status, _, rows) = download(&app, &job_id(&both_ends)).await;
    assert_eq!(status, 200);
    assert_eq!(rows.len(), 2);
    assert_eq!(column(&rows, 1, "ruleset_id"), conversation);
    assert_eq!(column(&rows, 1, "received_at"), "1000");
}

backend_test!(created_at_before_covers_its_whole_day);
async fn created_at_before_covers_its_whole_day(app: TestApp) {
    const DAY: i64 = 86_400;
    let ann = user(&app, "ann@example.com").await;
    let evening = start(&app, &ann, "Late question").await;
    sql(&app, &format!("UPDATE conversations SET created_at = {} WHERE id = {evening}", 10 * DAY + DAY - 1))
        .await;
    let next_day = start(&app, &ann, "Next day").await;
    sql(&app, &format!("UPDATE conversations SET created_at = {} WHERE id = {next_day}", 11 * DAY)).await;

    // Until day 10 (its midnight, as a date picker sends it): all of day 10, nothing of day 11.
    let job = create(&app, 0, 10 * DAY).await;
    assert!(app.store.run_next_export(LEASE).await.unwrap());
    let (status, _, rows) = download(&app, &job_id(&job)).await;
    assert_eq!(status, 200);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(column(&rows, 1, "ruleset_id"), evening);
}

backend_test!(export_requests_are_checked);
async fn export_requests_are_checked(app: TestApp) {
    let (status, error) = app.post("/export/content/data", json!({"created_at_after": 10})).await;
    let error = assert_error(status, &error, 400, "parameter_not_found");
    assert_eq!(error["field"], "created_at_before");
    let (status, error) = app
        .post("/export/content/data", json!({"created_at_after": "yesterday", "created_at_before": 5}))
        .await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (status, error) =
        app.post("/export/content/data", json!({"created_at_after": 20, "created_at_before": 10})).await;
    let error = assert_error(status, &error, 400, "parameter_invalid");
    assert_eq!(error["field"], "created_at_before");
    let mut request = app.request(Method::POST, "/export/content/data", None);
    *request.body_mut() = axum::body::Body::from("{not json");
    let (status, _, error) = app.send(request).await;
    assert_error(status, &error, 400, "bad_request");
    // None of these made a job: a valid one is accepted.
    create(&app, 0, 10).await;

    for path in ["/export/content/data/nope", "/download/content/data/nope"] {
        let (status, error) = app.get(path).await;
        assert_error(status, &error, 404, "not_found");
    }
    let (status, error) = app.post("/export/cancel/nope", json!({})).await;
    assert_error(status, &error, 404, "not_found");
}

backend_test!(a_canceled_job_is_not_run_and_frees_the_workspace);
async fn a_canceled_job_is_not_run_and_frees_the_workspace(app: TestApp) {
    let at = now();
    let id = job_id(&create(&app, at - 60, at).await);
    let (status, canceled) = app.post(&format!("/export/cancel/{id}"), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        canceled,
        json!({"job_identifier": id, "status": "canceled", "download_url": "", "download_expires_at": ""})
    );
    assert!(!app.store.run_next_export(LEASE).await.unwrap());
    assert_eq!(app.post(&format!("/export/cancel/{id}"), json!({})).await.1["status"], "canceled");

    // Canceled while a worker runs it: the worker's result is dropped.
    let running = job_id(&create(&app, at - 60, at).await);
    let claimed = app.store.claim_export(LEASE).await.unwrap().expect("a job to claim");
    assert_eq!(app.get(&format!("/export/content/data/{running}")).await.1["status"], "in_progress");
    assert_eq!(app.post(&format!("/export/cancel/{running}"), json!({})).await.1["status"], "canceled");
    assert!(!app.store.run_export(&claimed, LEASE).await.unwrap());
    assert_eq!(app.get(&format!("/export/content/data/{running}")).await.1["status"], "canceled");

    // A finished job is answered as it is.
    let done = job_id(&create(&app, at - 60, at).await);
    app.store.run_next_export(LEASE).await.unwrap();
    assert_eq!(app.post(&format!("/export/cancel/{done}"), json!({})).await.1["status"], "no_data");

    let other = app.other_workspace().await;
    let request = app.request(Method::POST, &format!("/export/cancel/{done}"), Some(&json!({})));
    let mut request = request;
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    let (status, _, error) = app.send(request).await;
    assert_error(status, &error, 404, "not_found");
}

backend_test!(a_job_whose_worker_died_is_run_again_then_fails);
async fn a_job_whose_worker_died_is_run_again_then_fails(app: TestApp) {
    let ann = user(&app, "ann@example.com").await;
    start(&app, &ann, "Hi").await;
    let at = now();
    let id = job_id(&create(&app, at - 60, at + 60).await);
    // A worker claimed it and died: its lease lapses (here at once), and the next run redoes it.
    let dead = app.store.claim_export(-1).await.unwrap().unwrap();
    assert_eq!(dead.attempt, 1);
    assert!(app.store.run_next_export(LEASE).await.unwrap());
    assert_eq!(app.get(&format!("/export/content/data/{id}")).await.1["status"], "completed");
    // The dead worker's late result does not overwrite the finished job.
    assert!(!app.store.run_export(&dead, LEASE).await.unwrap());

    // A job whose workers keep dying fails after three attempts.
    let doomed = job_id(&create(&app, at - 60, at + 60).await);
    for attempt in 1..=3 {
        assert_eq!(app.store.claim_export(-1).await.unwrap().unwrap().attempt, attempt);
    }
    assert!(app.store.claim_export(LEASE).await.unwrap().is_none());
    assert_eq!(app.get(&format!("/export/content/data/{doomed}")).await.1["status"], "failed");
    create(&app, at - 60, at).await;
}

backend_test!(expired_downloads_are_gone);
async fn expired_downloads_are_gone(app: TestApp) {
    let ann = user(&app, "ann@example.com").await;
    start(&app, &ann, "Hi").await;
    let at = now();
    let id = job_id(&create(&app, at - 60, at + 60).await);
    app.store.run_next_export(LEASE).await.unwrap();
    assert_eq!(download(&app, &id).await.0, 200);
    sql(
        &app,
        &format!("UPDATE content_exports SET download_expires_at = {} WHERE job_identifier = '{id}'", at - 1),
    )
    .await;
    let (status, error) = app.get(&format!("/download/content/data/{id}")).await;
    assert_error(status, &error, 404, "not_found");
    let (_, job) = app.get(&format!("/export/content/data/{id}")).await;
    assert_eq!((&job["status"], &job["download_url"]), (&json!("completed"), &json!("")));
    assert_eq!(app.store.expire_export_files().await.unwrap(), 1);
    assert_eq!(app.store.expire_export_files().await.unwrap(), 0);
}
