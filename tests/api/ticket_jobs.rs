//! `POST /tickets/enqueue` and `GET /jobs/status/{job_id}` (2.16): checked at once, created
//! by the worker, readable before and after; a job whose worker died is run once by the next,
//! from the database (a restart).

use serde_json::{Value as Json, json};

use crate::common::{TestApp, assert_error, backend_test};
use crate::conversations::{sql, user};
use crate::ticket_fixtures::{post_as, ticket_attribute, ticket_type};

const LEASE: i64 = 60;

fn request(type_id: &str, contact: &str) -> Json {
    json!({
        "ticket_type_id": type_id,
        "contacts": [{"id": contact}],
        "ticket_attributes": {"_default_title_": "Queued", "_default_description_": "Later"},
        "skip_notifications": true,
    })
}

async fn status(app: &TestApp, job: &str) -> Json {
    let (status, body) = app.get(&format!("/jobs/status/{job}")).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn tickets(app: &TestApp) -> i64 {
    let query = json!({"query": {"field": "category", "operator": "=", "value": "request"}});
    app.post("/tickets/search", query).await.1["total_count"].as_i64().unwrap()
}

backend_test!(an_enqueued_ticket_is_made_by_the_worker);
async fn an_enqueued_ticket_is_made_by_the_worker(app: TestApp) {
    let v2 = app.at_version("2.16");
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;

    let (code, job) = v2.post("/tickets/enqueue", request(&bug, &joe)).await;
    assert_eq!(code, 200, "{job}");
    assert_eq!((job["type"].as_str(), job["status"].as_str()), (Some("job"), Some("pending")), "{job}");
    assert_eq!(job["resource_type"], "ticket");
    assert_eq!(job["resource_id"], Json::Null);
    let job_id = job["id"].as_str().unwrap().to_owned();
    assert!(job["url"].as_str().unwrap().ends_with(&format!("/jobs/status/{job_id}")), "{job}");
    assert_eq!(status(&v2, &job_id).await["status"], "pending");
    assert_eq!(tickets(&app).await, 0);

    assert!(app.store.run_next_ticket_job(LEASE).await.unwrap());
    assert!(!app.store.run_next_ticket_job(LEASE).await.unwrap(), "nothing left to run");
    let done = status(&v2, &job_id).await;
    assert_eq!(done["status"], "success", "{done}");
    let ticket = done["resource_id"].as_str().unwrap();
    assert!(done["resource_url"].as_str().unwrap().ends_with(&format!("/tickets/{ticket}")), "{done}");
    let (code, shown) = v2.get(&format!("/tickets/{ticket}")).await;
    assert_eq!(code, 200, "{shown}");
    assert_eq!(shown["ticket_attributes"]["_default_title_"], "Queued", "{shown}");
    assert_eq!(shown["contacts"]["contacts"][0]["id"], joe.as_str(), "{shown}");

    // Unknown jobs, and another workspace's, are not found.
    let (code, body) = v2.get("/jobs/status/nope").await;
    assert_error(code, &body, 404, "job_not_found");
    let other = app.other_workspace().await;
    let mut request = v2.request(axum::http::Method::GET, &format!("/jobs/status/{job_id}"), None);
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    let (code, _, body) = v2.send(request).await;
    assert_error(code, &body, 404, "job_not_found");
}

backend_test!(enqueue_checks_the_request_first);
async fn enqueue_checks_the_request_first(app: TestApp) {
    let v2 = app.at_version("2.16");
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let severity = ticket_attribute(&app, &bug, "severity", "integer").await;
    let (code, body) = v2
        .put(&format!("/ticket_types/{bug}/attributes/{severity}"), json!({"required_to_create": true}))
        .await;
    assert_eq!(code, 200, "{body}");

    let (code, body) = v2.post("/tickets/enqueue", json!({"contacts": [{"id": joe}]})).await;
    assert_error(code, &body, 400, "parameter_not_found");
    let (code, body) = v2.post("/tickets/enqueue", json!({"ticket_type_id": bug})).await;
    assert_error(code, &body, 400, "parameter_not_found");
    // A required attribute missing, an unknown one, a wrong type: nothing is queued.
    let (code, body) = v2.post("/tickets/enqueue", request(&bug, &joe)).await;
    let error = assert_error(code, &body, 400, "parameter_invalid");
    assert_eq!(error["message"], "Missing required ticket attributes", "{body}");
    let mut unknown = request(&bug, &joe);
    unknown["ticket_attributes"]["severity"] = json!(2);
    unknown["ticket_attributes"]["nope"] = json!("x");
    let (code, body) = v2.post("/tickets/enqueue", unknown).await;
    assert_error(code, &body, 400, "parameter_invalid");
    let mut wrong = request(&bug, &joe);
    wrong["ticket_attributes"]["severity"] = json!("high");
    let (code, body) = v2.post("/tickets/enqueue", wrong).await;
    assert_error(code, &body, 400, "parameter_invalid");
    let mut good = request(&bug, &joe);
    good["ticket_attributes"]["severity"] = json!(2);
    let (code, body) =
        v2.post("/tickets/enqueue", json!({"ticket_type_id": "999999", "contacts": [{"id": joe}]})).await;
    assert!(code.is_client_error(), "{body}");
    let mut nobody = good.clone();
    nobody["contacts"] = json!([{"id": "nobody"}]);
    let (code, body) = v2.post("/tickets/enqueue", nobody).await;
    assert!(code.is_client_error(), "{body}");
    assert!(!app.store.run_next_ticket_job(LEASE).await.unwrap(), "no job was queued");

    // Another workspace's type is not one of this workspace's.
    let other = app.other_workspace().await;
    let (code, body) = post_as(&v2, &other.access_token, "/tickets/enqueue", good).await;
    assert!(code.is_client_error(), "{body}");
}

backend_test!(a_job_whose_worker_died_is_run_once_after_a_restart);
async fn a_job_whose_worker_died_is_run_once_after_a_restart(app: TestApp) {
    let v2 = app.at_version("2.16");
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let job = v2.post("/tickets/enqueue", request(&bug, &joe)).await.1["id"].as_str().unwrap().to_owned();

    // A worker claims it and dies: its lease holds, so nobody else runs it meanwhile.
    let claimed = app.store.claim_ticket_job(LEASE).await.unwrap().expect("a job to claim");
    assert!(!app.store.run_next_ticket_job(LEASE).await.unwrap());
    assert_eq!(status(&v2, &job).await["status"], "pending");
    // Its lease lapses; another process on the same database takes the job over.
    drop(claimed);
    sql(&app, "UPDATE ticket_jobs SET lease_until = 0").await;
    let restarted = app.other_store().await;
    assert!(restarted.run_next_ticket_job(LEASE).await.unwrap());
    assert_eq!(status(&v2, &job).await["status"], "success");
    assert_eq!(tickets(&app).await, 1);
    assert!(!restarted.run_next_ticket_job(LEASE).await.unwrap());
}

backend_test!(a_job_the_rules_now_refuse_fails);
async fn a_job_the_rules_now_refuse_fails(app: TestApp) {
    let v2 = app.at_version("2.16");
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let job = v2.post("/tickets/enqueue", request(&bug, &joe)).await.1["id"].as_str().unwrap().to_owned();
    let (code, body) = app.delete(&format!("/contacts/{joe}")).await;
    assert_eq!(code, 200, "{body}");
    assert!(app.store.run_next_ticket_job(LEASE).await.unwrap());
    let failed = status(&v2, &job).await;
    assert_eq!(
        (failed["status"].as_str(), &failed["resource_id"]),
        (Some("failed"), &Json::Null),
        "{failed}"
    );
    assert_eq!(tickets(&app).await, 0);
}
