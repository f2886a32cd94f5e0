//! Notes on contacts.

use serde_json::json;
use switchboard::domain::admin::NewAdmin;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{contact, workspace_id};

backend_test!(notes_are_written_listed_and_retrieved);
async fn notes_are_written_listed_and_retrieved(app: TestApp) {
    let c = contact(&app, json!({"email": "n@x.io"})).await["id"].as_str().unwrap().to_owned();
    let (status, note) = app.post(&format!("/contacts/{c}/notes"), json!({"body": "Hello"})).await;
    assert_eq!(status, 200, "{note}");
    assert_eq!(note["type"], "note");
    assert_eq!(note["body"], "<p>Hello</p>");
    assert_eq!(note["contact"], json!({"type": "contact", "id": c}));
    assert_eq!(note["author"]["type"], "admin");
    assert_eq!(note["author"]["id"], app.workspace.admin_id);
    assert_eq!(note["author"]["email"], "owner@example.com");
    assert!(note["created_at"].is_i64());
    let note_id = note["id"].as_str().unwrap();

    // Written by another admin of the workspace, named by a number.
    let ws = workspace_id(&app).await;
    let new = NewAdmin { email: "second@example.com".into(), name: "Second".into(), job_title: None };
    let second = app.store.create_admin(ws, &new).await.unwrap().id;
    let (status, by_second) =
        app.post(&format!("/contacts/{c}/notes"), json!({"body": "<b>Bold</b>", "admin_id": second})).await;
    assert_eq!(status, 200);
    assert_eq!(by_second["body"], "<b>Bold</b>");
    assert_eq!(by_second["author"]["name"], "Second");

    let (status, list) = app.get(&format!("/contacts/{c}/notes")).await;
    assert_eq!(status, 200);
    assert_eq!(list["type"], "list");
    assert_eq!(list["total_count"], 2);
    assert_eq!(list["data"][0]["id"], by_second["id"], "newest first");
    assert_eq!(list["pages"]["type"], "pages");
    let (_, page) = app.get(&format!("/contacts/{c}/notes?per_page=1&page=2")).await;
    assert_eq!(page["data"][0]["id"], note_id);
    let (_, past) = app.get(&format!("/contacts/{c}/notes?per_page=1&page=3")).await;
    assert_eq!(past["data"], json!([]));
    let (status, found) = app.get(&format!("/notes/{note_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(found, note);
    assert_eq!(app.get(&format!("/contacts/{c}")).await.1["notes"]["total_count"], 2);
}

backend_test!(note_errors);
async fn note_errors(app: TestApp) {
    let c = contact(&app, json!({"email": "n@x.io"})).await["id"].as_str().unwrap().to_owned();
    let (status, error) =
        app.post(&format!("/contacts/{c}/notes"), json!({"body": "Hi", "admin_id": 123})).await;
    let error = assert_error(status, &error, 404, "not_found");
    assert_eq!(error["message"], "Resource Not Found");
    let (status, error) = app.post("/contacts/123/notes", json!({"body": "Hi"})).await;
    let error = assert_error(status, &error, 404, "not_found");
    assert_eq!(error["message"], "User Not Found");
    let (status, error) = app.post(&format!("/contacts/{c}/notes"), json!({})).await;
    let error = assert_error(status, &error, 400, "parameter_not_found");
    assert_eq!(error["field"], "body");
    let (status, error) = app.post(&format!("/contacts/{c}/notes"), json!({"body": " "})).await;
    assert_error(status, &error, 400, "parameter_invalid");
    for path in ["/notes/999999", "/notes/x"] {
        let (status, error) = app.get(path).await;
        assert_error(status, &error, 404, "not_found");
    }
    assert_eq!(app.get(&format!("/contacts/{c}/notes")).await.1["total_count"], 0);
    // Another workspace's admin is not an author here, and its notes are not readable.
    let other = app.other_workspace().await;
    let (status, _) =
        app.post(&format!("/contacts/{c}/notes"), json!({"body": "x", "admin_id": other.admin_id})).await;
    assert_eq!(status, 404);
    let (_, note) = app.post(&format!("/contacts/{c}/notes"), json!({"body": "mine"})).await;
    let (status, _) =
        app.get_as(&other.access_token, &format!("/notes/{}", note["id"].as_str().unwrap())).await;
    assert_eq!(status, 404);
}

backend_test!(notes_are_about_a_contact_not_a_company);
async fn notes_are_about_a_contact_not_a_company(app: TestApp) {
    let c = contact(&app, json!({"email": "nc@x.io"})).await["id"].as_str().unwrap().to_owned();
    let (status, note) = app.post(&format!("/contacts/{c}/notes"), json!({"body": "Hi"})).await;
    assert_eq!(status, 200, "{note}");
    assert_eq!(note["company"], serde_json::Value::Null);
    let new = json!({"company_id": "noted"});
    let (status, company) =
        crate::conversations::at_2_16(&app, axum::http::Method::POST, "/companies", Some(&new)).await;
    assert_eq!(status, 200, "{company}");
    assert_eq!(company["notes"], json!({"type": "note.list", "notes": []}));
}
