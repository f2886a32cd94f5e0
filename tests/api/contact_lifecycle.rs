//! Contacts in 2.14–2.16: lookup by external id (410 once merged), blocking, merge history.

use axum::http::Method;
use serde_json::json;
use switchboard::domain::contact::{ContactChanges, Role};

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::contact;
use crate::conversations::{admin, part, start};

fn at_216(app: &TestApp) -> TestApp {
    app.at_version("2.16")
}

backend_test!(find_by_external_id_finds_users_only_and_points_merged_ids_at_the_survivor);
async fn find_by_external_id_finds_users_only_and_points_merged_ids_at_the_survivor(app: TestApp) {
    let app = at_216(&app);
    let user = contact(&app, json!({"role": "user", "external_id": "u-1", "email": "u@example.com"})).await;
    let (status, found) = app.get("/contacts/find_by_external_id/u-1").await;
    assert_eq!(status, 200, "{found}");
    assert_eq!((found["id"].clone(), found["external_id"].clone()), (user["id"].clone(), json!("u-1")));
    assert!(found.get("merge_history").is_none());
    let (status, found) = app.get("/contacts/find_by_external_id/u-1?include_merge_history=true").await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["merge_history"], json!([]));

    // Leads are not looked up; unknown ids are not found.
    contact(&app, json!({"role": "lead", "external_id": "l-1"})).await;
    let (status, body) = app.get("/contacts/find_by_external_id/l-1").await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.get("/contacts/find_by_external_id/nobody").await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.get("/contacts/find_by_external_id/u-1?include_merge_history=maybe").await;
    assert_error(status, &body, 400, "parameter_invalid");

    // A lead merged into the user: its external id is gone, with a link to the user.
    let lead = contact(&app, json!({"role": "lead", "external_id": "l-2"})).await;
    let (status, merged) = app.post("/contacts/merge", json!({"from": lead["id"], "into": user["id"]})).await;
    assert_eq!(status, 200, "{merged}");
    let request = app.request(Method::GET, "/contacts/find_by_external_id/l-2", None);
    let (status, headers, body) = app.send(request).await;
    let error = assert_error(status, &body, 410, "contact_merged");
    assert!(error["message"].as_str().unwrap().contains("Link"));
    let link = headers.get("link").unwrap().to_str().unwrap();
    assert_eq!(link, format!("</contacts/{}>; rel=\"canonical\"", user["id"].as_str().unwrap()));
    // So is its own id; before 2.16 both are simply not found.
    let lead_path = format!("/contacts/{}", lead["id"].as_str().unwrap());
    let (status, headers, body) = app.send(app.request(Method::GET, &lead_path, None)).await;
    assert_error(status, &body, 410, "contact_merged");
    assert_eq!(headers.get("link").unwrap().to_str().unwrap(), link);
    for path in [lead_path.as_str(), "/contacts/find_by_external_id/l-2"] {
        let (status, body) = app.at_version("2.15").get(path).await;
        assert_error(status, &body, 404, "not_found");
    }

    // Another workspace's user is not found.
    let other = app.other_workspace().await;
    let (status, body) = app.get_as(&other.access_token, "/contacts/find_by_external_id/u-1").await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(merge_history_pages_through_the_merged_contacts);
async fn merge_history_pages_through_the_merged_contacts(app: TestApp) {
    let app = at_216(&app);
    let user = contact(&app, json!({"role": "user", "email": "keeper@example.com"})).await;
    let user_id = user["id"].as_str().unwrap();
    let (status, empty) = app.get(&format!("/contacts/{user_id}/merge_history")).await;
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty, json!({"type": "list", "data": [], "has_more": false}));

    let mut leads = Vec::new();
    for _ in 0..3 {
        let lead = contact(&app, json!({"role": "lead"})).await;
        let (status, body) = app.post("/contacts/merge", json!({"from": lead["id"], "into": user_id})).await;
        assert_eq!(status, 200, "{body}");
        leads.push(lead["id"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut path = format!("/contacts/{user_id}/merge_history?per_page=2&order=asc");
    loop {
        let (status, page) = app.get(&path).await;
        assert_eq!(status, 200, "{page}");
        for item in page["data"].as_array().unwrap() {
            assert_eq!(item["type"], "merge_history");
            assert_eq!(item["source_contact_role"], "lead");
            assert!(item["merged_at"].is_i64());
            seen.push(item["source_contact_id"].as_str().unwrap().to_owned());
        }
        if page["has_more"] == false {
            assert!(page.get("next_cursor").is_none());
            break;
        }
        let cursor = page["next_cursor"].as_str().unwrap();
        path = format!("/contacts/{user_id}/merge_history?per_page=2&order=asc&cursor={cursor}");
    }
    seen.sort();
    leads.sort();
    assert_eq!(seen, leads);
    let (_, newest) = app.get(&format!("/contacts/{user_id}/merge_history?order=desc")).await;
    assert_eq!(newest["data"].as_array().unwrap().len(), 3);

    let lead = contact(&app, json!({"role": "lead"})).await;
    let (status, body) = app.get(&format!("/contacts/{}/merge_history", lead["id"].as_str().unwrap())).await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.get("/contacts/nope/merge_history").await;
    assert_error(status, &body, 404, "not_found");
    for bad in ["per_page=0", "per_page=151", "order=sideways", "cursor=garbage"] {
        let (status, body) = app.get(&format!("/contacts/{user_id}/merge_history?{bad}")).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
    let other = app.other_workspace().await;
    let (status, body) = app.get_as(&other.access_token, &format!("/contacts/{user_id}/merge_history")).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(blocking_a_contact_closes_its_conversations);
async fn blocking_a_contact_closes_its_conversations(app: TestApp) {
    let app = at_216(&app);
    let user = contact(&app, json!({"role": "user", "email": "spam@example.com", "external_id": "s"})).await;
    let user_id = user["id"].as_str().unwrap();
    let open = start(&app, user_id, "Buy now").await;
    let closed = start(&app, user_id, "Again").await;
    part(&app, &closed, json!({"message_type": "close", "type": "admin", "admin_id": admin(&app)})).await;
    let bystander = contact(&app, json!({"role": "user", "email": "ok@example.com"})).await;
    let untouched = start(&app, bystander["id"].as_str().unwrap(), "Hello").await;

    let (status, blocked) = app.post(&format!("/contacts/{user_id}/block"), json!({})).await;
    assert_eq!(status, 200, "{blocked}");
    assert_eq!(blocked, json!({"type": "contact", "id": user_id, "external_id": "s", "blocked": true}));

    let (_, c) = app.get(&format!("/conversations/{open}")).await;
    assert_eq!(c["state"], "closed");
    let parts = c["conversation_parts"]["conversation_parts"].as_array().unwrap();
    assert_eq!(parts.last().unwrap()["part_type"], "close");
    assert_eq!(parts.last().unwrap()["author"]["id"], admin(&app));
    let (_, c) = app.get(&format!("/conversations/{closed}")).await;
    assert_eq!(
        c["conversation_parts"]["total_count"], 1,
        "an already closed conversation gets no second close"
    );
    let (_, c) = app.get(&format!("/conversations/{untouched}")).await;
    assert_eq!(c["state"], "open");

    // Blocking again answers the same; unknown and foreign contacts are not found.
    let (status, again) = app.post(&format!("/contacts/{user_id}/block"), json!({})).await;
    assert_eq!((status.as_u16(), again["blocked"].clone()), (200, json!(true)));
    let (status, body) = app.post("/contacts/nope/block", json!({})).await;
    assert_error(status, &body, 404, "not_found");
    let ws = app.store.workspace_by_code(&app.other_workspace().await.workspace_id).await.unwrap().id;
    let lead = ContactChanges { role: Some(Role::Lead), ..Default::default() };
    let foreign = app.store.create_contact(ws, &lead).await.unwrap();
    let (status, body) = app.post(&format!("/contacts/{}/block", foreign.id), json!({})).await;
    assert_error(status, &body, 404, "not_found");
}
