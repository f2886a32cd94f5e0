//! `/_switchboard/reset` and `/_switchboard/snapshots`: what reset deletes and keeps, restore
//! after new writes, errors, isolation between workspaces, and the table registry.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use switchboard::store::controls::{DERIVED, KEPT, WORKSPACE_DATA};

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{contact, workspace_id};

/// A request with another workspace's token.
async fn call_as(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app.request(method, path, body.as_ref());
    request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (status, _, body) = app.send(request).await;
    (status, body)
}

/// A contact with a tag, a company, a note and a conversation with a reply.
async fn populate(app: &TestApp, email: &str) -> (String, String) {
    let id = contact(app, json!({"email": email, "name": "Ada"})).await["id"].as_str().unwrap().to_owned();
    let (status, tag) = app.post("/tags", json!({"name": format!("vip-{email}")})).await;
    assert_eq!(status, 200, "{tag}");
    let (status, _) = app.post(&format!("/contacts/{id}/tags"), json!({"id": tag["id"]})).await;
    assert_eq!(status, 200);
    let (status, company) =
        app.post("/companies", json!({"company_id": format!("c-{email}"), "name": "Acme"})).await;
    assert_eq!(status, 200, "{company}");
    let (status, _) = app.post(&format!("/contacts/{id}/companies"), json!({"id": company["id"]})).await;
    assert_eq!(status, 200);
    let (status, _) = app.post(&format!("/contacts/{id}/notes"), json!({"body": "Hello"})).await;
    assert_eq!(status, 200);
    let (status, conversation) =
        app.post("/conversations", json!({"from": {"type": "user", "id": id}, "body": "Help"})).await;
    assert_eq!(status, 200, "{conversation}");
    let conversation =
        conversation["conversation_id"].as_str().or(conversation["id"].as_str()).unwrap().to_owned();
    let admin = app.workspace.admin_id.clone();
    let (status, reply) = app
        .post(
            &format!("/conversations/{conversation}/reply"),
            json!({"message_type": "comment", "type": "admin", "admin_id": admin, "body": "On it"}),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    (id, conversation)
}

backend_test!(every_table_is_listed);
async fn every_table_is_listed(app: TestApp) {
    let tables: BTreeSet<String> = app.store.table_names().await.unwrap().into_iter().collect();
    let listed: Vec<&str> = WORKSPACE_DATA
        .iter()
        .map(|o| o.table)
        .chain(KEPT.iter().copied())
        .chain(DERIVED.iter().copied())
        .collect();
    let unlisted: Vec<&String> = tables.iter().filter(|t| !listed.contains(&t.as_str())).collect();
    assert!(
        unlisted.is_empty(),
        "tables in no list of store/controls/mod.rs (add each to WORKSPACE_DATA, or KEPT): {unlisted:?}"
    );
    for owned in WORKSPACE_DATA {
        assert!(tables.contains(owned.table), "{} is listed but not in the database", owned.table);
    }
}

backend_test!(reset_deletes_the_data_and_keeps_admins_teams_and_tokens);
async fn reset_deletes_the_data_and_keeps_admins_teams_and_tokens(app: TestApp) {
    let ws = workspace_id(&app).await;
    app.store.create_team(ws, "Support", &[]).await.unwrap();
    populate(&app, "a@example.com").await;
    let other = app.other_workspace().await;
    let (status, theirs) = call_as(
        &app,
        &other.access_token,
        Method::POST,
        "/contacts",
        Some(json!({"email": "o@example.com"})),
    )
    .await;
    assert_eq!(status, 200, "{theirs}");

    // Another workspace's reset touches nothing here.
    let (status, reset) = call_as(&app, &other.access_token, Method::POST, "/_switchboard/reset", None).await;
    assert_eq!(status, 200, "{reset}");
    assert_eq!(reset["deleted"]["contacts"], 1);
    assert_eq!(app.get("/contacts").await.1["total_count"], 1);
    let body = Some(json!({"email": "o2@example.com"}));
    let (status, _) = call_as(&app, &other.access_token, Method::POST, "/contacts", body).await;
    assert_eq!(status, 200);

    let (status, reset) = app.post("/_switchboard/reset", json!({})).await;
    assert_eq!(status, 200, "{reset}");
    assert_eq!(reset["type"], "reset");
    let deleted = &reset["deleted"];
    for (table, n) in [
        ("contacts", 1),
        ("companies", 1),
        ("tags", 1),
        ("contact_tags", 1),
        ("contact_companies", 1),
        ("notes", 1),
        ("conversations", 1),
        ("conversation_parts", 1),
    ] {
        assert_eq!(deleted[table], n, "{table}: {deleted}");
    }
    assert_eq!(app.get("/contacts").await.1["total_count"], 0);
    assert_eq!(app.get("/companies").await.1["total_count"], 0);
    assert_eq!(app.get("/tags").await.1["data"], json!([]));
    assert_eq!(app.get("/conversations").await.1["conversations"], json!([]));
    // The token still works, and the admin and team are there.
    let (status, me) = app.get("/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "owner@example.com");
    let (_, teams) = app.get("/teams").await;
    assert_eq!(teams["teams"].as_array().unwrap().len(), 1, "{teams}");
    // The other workspace's contact is still there.
    let (_, list) = call_as(&app, &other.access_token, Method::GET, "/contacts", None).await;
    assert_eq!(list["total_count"], 1);
    // A reset workspace is usable at once, and a second reset deletes nothing.
    contact(&app, json!({"email": "a@example.com"})).await;
    let (_, again) = app.post("/_switchboard/reset", json!({})).await;
    assert_eq!(again["deleted"]["contacts"], 1);
    assert_eq!(again["deleted"]["tags"], 0);
}

backend_test!(restore_brings_back_the_workspace_as_it_was);
async fn restore_brings_back_the_workspace_as_it_was(app: TestApp) {
    let (a, conversation) = populate(&app, "a@example.com").await;
    let b = contact(&app, json!({"email": "b@example.com", "name": "Bob"})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let search = json!({"query": {"field": "name", "operator": "~", "value": "o"}});
    let before = [
        app.get(&format!("/contacts/{a}")).await.1,
        app.get(&format!("/contacts/{b}")).await.1,
        app.get(&format!("/conversations/{conversation}")).await.1,
        app.post("/contacts/search", search.clone()).await.1,
        app.get("/tags").await.1,
        app.get("/companies").await.1,
        app.get(&format!("/contacts/{a}/notes")).await.1,
    ];

    assert_eq!(before[0]["id"], a.as_str());
    assert_eq!(before[3]["total_count"], 1, "{}", before[3]);
    let (status, snapshot) = app.post("/_switchboard/snapshots", json!({"name": "base"})).await;
    assert_eq!(status, 201, "{snapshot}");
    assert_eq!(snapshot["name"], "base");
    assert!(snapshot["created_at"].is_i64());
    assert_eq!(snapshot["counts"]["contacts"], 2);
    assert_eq!(snapshot["counts"]["conversation_parts"], 1);

    // Writes after the snapshot: a change, a deletion, new objects.
    let (status, _) = app.put(&format!("/contacts/{a}"), json!({"name": "Changed"})).await;
    assert_eq!(status, 200);
    let (status, _) = app.delete(&format!("/contacts/{b}")).await;
    assert_eq!(status, 200);
    let c = contact(&app, json!({"email": "c@example.com", "name": "Carol"})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = app.post("/tags", json!({"name": "later"})).await;
    assert_eq!(status, 200);
    let (status, _) = app
        .post(
            &format!("/conversations/{conversation}/reply"),
            json!({"message_type": "comment", "type": "user", "intercom_user_id": a, "body": "Thanks"}),
        )
        .await;
    assert_eq!(status, 200);

    let (status, restored) = app.post("/_switchboard/snapshots/base/restore", json!({})).await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["name"], "base");
    let after = [
        app.get(&format!("/contacts/{a}")).await.1,
        app.get(&format!("/contacts/{b}")).await.1,
        app.get(&format!("/conversations/{conversation}")).await.1,
        app.post("/contacts/search", search.clone()).await.1,
        app.get("/tags").await.1,
        app.get("/companies").await.1,
        app.get(&format!("/contacts/{a}/notes")).await.1,
    ];
    for (before, after) in before.iter().zip(&after) {
        assert_eq!(before, after);
    }
    let (status, gone) = app.get(&format!("/contacts/{c}")).await;
    assert_error(status, &gone, 404, "not_found");

    // Objects made after a restore get ids no object had.
    let d = contact(&app, json!({"email": "d@example.com"})).await["id"].as_str().unwrap().to_owned();
    assert!(![&a, &b, &c].contains(&&d), "{d} reused");
    // A snapshot restores as often as asked.
    let (status, _) = app.post("/_switchboard/snapshots/base/restore", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/contacts").await.1["total_count"], 2);
}

backend_test!(snapshots_are_listed_deleted_and_refused_when_wrong);
async fn snapshots_are_listed_deleted_and_refused_when_wrong(app: TestApp) {
    contact(&app, json!({"email": "a@example.com"})).await;
    for name in ["one", "two"] {
        let (status, created) = app.post("/_switchboard/snapshots", json!({"name": name})).await;
        assert_eq!(status, 201, "{created}");
    }
    let (status, list) = app.get("/_switchboard/snapshots").await;
    assert_eq!(status, 200);
    let names: Vec<&str> =
        list["data"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["one", "two"]);
    assert_eq!(list["data"][0]["counts"]["contacts"], 1);

    let (status, error) = app.post("/_switchboard/snapshots", json!({"name": "one"})).await;
    assert_error(status, &error, 409, "conflict");
    for body in [json!({}), json!({"name": 7}), json!({"name": ""}), json!({"name": "a/b"}), json!([1])] {
        let (status, error) = app.post("/_switchboard/snapshots", body.clone()).await;
        assert_eq!(status, 400, "{body}: {error}");
        assert_eq!(error["type"], "error.list");
    }
    let mut malformed = app.request(Method::POST, "/_switchboard/snapshots", None);
    *malformed.body_mut() = "{not json".into();
    let (status, _, error) = app.send(malformed).await;
    assert_eq!(status, 400, "{error}");

    let (status, error) = app.post("/_switchboard/snapshots/nope/restore", json!({})).await;
    assert_error(status, &error, 404, "not_found");
    let (status, error) = app.delete("/_switchboard/snapshots/nope").await;
    assert_error(status, &error, 404, "not_found");

    // Another workspace neither sees nor touches them, and may use the same names.
    let other = app.other_workspace().await;
    let (_, theirs) = call_as(&app, &other.access_token, Method::GET, "/_switchboard/snapshots", None).await;
    assert_eq!(theirs["data"], json!([]));
    let restore = "/_switchboard/snapshots/one/restore";
    let (status, error) = call_as(&app, &other.access_token, Method::POST, restore, None).await;
    assert_error(status, &error, 404, "not_found");
    let (status, error) =
        call_as(&app, &other.access_token, Method::DELETE, "/_switchboard/snapshots/one", None).await;
    assert_error(status, &error, 404, "not_found");
    let body = Some(json!({"name": "one"}));
    let (status, _) = call_as(&app, &other.access_token, Method::POST, "/_switchboard/snapshots", body).await;
    assert_eq!(status, 201);

    let (status, deleted) = app.delete("/_switchboard/snapshots/one").await;
    assert_eq!(status, 200);
    assert_eq!(deleted, json!({"type": "snapshot", "name": "one", "deleted": true}));
    let (_, list) = app.get("/_switchboard/snapshots").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    // A reset keeps snapshots.
    app.post("/_switchboard/reset", json!({})).await;
    let (status, _) = app.post("/_switchboard/snapshots/two/restore", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/contacts").await.1["total_count"], 1);
}

backend_test!(snapshots_are_in_the_database);
async fn snapshots_are_in_the_database(app: TestApp) {
    let a = contact(&app, json!({"email": "a@example.com"})).await;
    let (status, _) = app.post("/_switchboard/snapshots", json!({"name": "kept"})).await;
    assert_eq!(status, 201);
    app.post("/_switchboard/reset", json!({})).await;
    // A second store with pools of its own (another process) finds it and restores it.
    let other = app.other_store().await;
    let ws = workspace_id(&app).await;
    let listed = other.list_snapshots(ws).await.unwrap();
    assert_eq!(listed.len(), 1);
    other.restore_snapshot(ws, "kept").await.unwrap();
    other.close().await;
    let (status, back) = app.get(&format!("/contacts/{}", a["id"].as_str().unwrap())).await;
    assert_eq!(status, 200);
    assert_eq!(back, a);
}

backend_test!(restore_brings_back_files_sections_and_articles);
async fn restore_brings_back_files_sections_and_articles(app: TestApp) {
    let (_, conversation) = populate(&app, "a@example.com").await;
    // A file attached to a reply: stored as bytes.
    let data = base64_json();
    let (status, replied) = app
        .post(
            &format!("/conversations/{conversation}/reply"),
            json!({"message_type": "comment", "type": "admin", "admin_id": app.workspace.admin_id, "body": "File",
                   "attachment_files": [{"content_type": "application/json", "data": data, "name": "f.json"}]}),
        )
        .await;
    assert_eq!(status, 200, "{replied}");
    // A collection whose parent was made after it, and an article in it.
    let (status, first) = app.post("/help_center/collections", json!({"name": "First"})).await;
    assert_eq!(status, 200, "{first}");
    let (status, second) = app.post("/help_center/collections", json!({"name": "Second"})).await;
    assert_eq!(status, 200, "{second}");
    let (first, second) = (first["id"].as_str().unwrap().to_owned(), second["id"].clone());
    let (status, moved) =
        app.put(&format!("/help_center/collections/{first}"), json!({"parent_id": second})).await;
    assert_eq!(status, 200, "{moved}");
    let (status, article) = app
        .post(
            "/articles",
            json!({"title": "How", "author_id": app.workspace.admin_id.parse::<i64>().unwrap(),
                   "parent_id": second, "parent_type": "collection", "state": "published"}),
        )
        .await;
    assert_eq!(status, 200, "{article}");
    let before = [
        app.get(&format!("/conversations/{conversation}")).await.1,
        app.get(&format!("/help_center/collections/{first}")).await.1,
        app.get(&format!("/articles/{}", article["id"].as_str().unwrap())).await.1,
    ];
    let (status, _) = app.post("/_switchboard/snapshots", json!({"name": "files"})).await;
    assert_eq!(status, 201);
    app.post("/_switchboard/reset", json!({})).await;
    let (status, restored) = app.post("/_switchboard/snapshots/files/restore", json!({})).await;
    assert_eq!(status, 200, "{restored}");
    let after = [
        app.get(&format!("/conversations/{conversation}")).await.1,
        app.get(&format!("/help_center/collections/{first}")).await.1,
        app.get(&format!("/articles/{}", article["id"].as_str().unwrap())).await.1,
    ];
    for (before, after) in before.iter().zip(&after) {
        assert_eq!(before, after);
    }
    // The file's bytes are served as before.
    let parts = after[0]["conversation_parts"]["conversation_parts"].as_array().unwrap();
    let url = parts.last().unwrap()["attachments"][0]["url"].as_str().unwrap();
    let path = url.strip_prefix("http://switchboard.test").unwrap();
    let (status, _, body) = app.send_bytes(app.request(Method::GET, path, None)).await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), json!({"test": 1}));
}

fn base64_json() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(br#"{"test": 1}"#)
}
