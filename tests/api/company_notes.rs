//! Notes about companies (2.16): `GET|POST /companies/{id}/notes`.

use serde_json::{Value, json};

use crate::common::{TestApp, assert_error, backend_test};
use crate::company_fixtures::company;

async fn company_id(app: &TestApp, name: &str) -> String {
    company(app, json!({"company_id": name, "name": name})).await["id"].as_str().unwrap().to_owned()
}

backend_test!(company_notes_are_written_and_listed);
async fn company_notes_are_written_and_listed(app: TestApp) {
    let app = app.at_version("2.16");
    let acme = company_id(&app, "acme").await;
    let path = format!("/companies/{acme}/notes");
    let (status, note) = app.post(&path, json!({"body": "Renewal due"})).await;
    assert_eq!(status, 200, "{note}");
    assert_eq!(note["type"], "note");
    assert_eq!(note["body"], "<p>Renewal due</p>");
    assert_eq!(note["company"], json!({"type": "company", "id": acme}));
    assert_eq!(note["contact"], Value::Null);
    assert_eq!(note["author"]["id"], app.workspace.admin_id);
    let (status, second) =
        app.post(&path, json!({"body": "<b>Signed</b>", "admin_id": app.workspace.admin_id})).await;
    assert_eq!(status, 200, "{second}");

    let (status, list) = app.get(&path).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["type"], "list");
    assert_eq!(list["total_count"], 2);
    assert_eq!(list["data"][0]["id"], second["id"], "newest first");
    let (_, page) = app.get(&format!("{path}?per_page=1&page=2")).await;
    assert_eq!(page["data"][0]["id"], note["id"]);
    assert_eq!(app.get(&format!("{path}?per_page=1&page=3")).await.1["data"], json!([]));
    let (status, found) = app.get(&format!("/notes/{}", note["id"].as_str().unwrap())).await;
    assert_eq!(status, 200);
    assert_eq!(found, note);

    // Another company's notes are its own.
    let other = company_id(&app, "globex").await;
    assert_eq!(app.get(&format!("/companies/{other}/notes")).await.1["total_count"], 0);
}

backend_test!(company_note_errors);
async fn company_note_errors(app: TestApp) {
    let app = app.at_version("2.16");
    let acme = company_id(&app, "acme").await;
    let path = format!("/companies/{acme}/notes");
    for unknown in ["/companies/nope/notes"] {
        let (status, error) = app.post(unknown, json!({"body": "x"})).await;
        let error = assert_error(status, &error, 404, "company_not_found");
        assert_eq!(error["message"], "Company Not Found");
        let (status, error) = app.get(unknown).await;
        assert_error(status, &error, 404, "company_not_found");
    }
    let (status, error) = app.post(&path, json!({"body": "x", "admin_id": "123"})).await;
    let error = assert_error(status, &error, 404, "not_found");
    assert_eq!(error["message"], "Resource Not Found");
    let (status, error) = app.post(&path, json!({})).await;
    let error = assert_error(status, &error, 400, "parameter_not_found");
    assert_eq!(error["field"], "body");
    let (status, error) = app.post(&path, json!({"body": 5})).await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (status, error) = app.post(&path, json!({"body": "  "})).await;
    assert_error(status, &error, 400, "parameter_invalid");
    assert_eq!(app.get(&path).await.1["total_count"], 0, "nothing was written");

    // Another workspace can neither read nor write this company's notes.
    let other = app.other_workspace().await;
    let (status, error) = app.get_as(&other.access_token, &path).await;
    assert_error(status, &error, 404, "company_not_found");
    let (status, _) = app.post(&path, json!({"body": "x", "admin_id": other.admin_id})).await;
    assert_eq!(status, 404);
}
