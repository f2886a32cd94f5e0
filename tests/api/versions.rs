//! `Intercom-Version`: each response has the fields and types of the version asked for, and a
//! request without the header gets the workspace's default.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use switchboard::api::ApiConfig;
use switchboard::domain::version::Version;

use crate::common::{TestApp, backend_test};
use crate::contact_fixtures::contact;
use crate::conversations::{reply, sql, start, user};

/// A request at a version.
async fn at(app: &TestApp, version: &str, method: Method, path: &str, body: Option<&Value>) -> Value {
    let mut request = app.request(method, path, body);
    request.headers_mut().insert("intercom-version", version.parse().unwrap());
    let (status, _, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK, "{version} {path}: {body}");
    body
}

async fn get_at(app: &TestApp, version: &str, path: &str) -> Value {
    at(app, version, Method::GET, path, None).await
}

fn keys(object: &Value) -> Vec<&str> {
    object.as_object().unwrap().keys().map(String::as_str).collect()
}

fn lacks(object: &Value, fields: &[&str], what: &str) {
    for field in fields {
        assert!(object.get(field).is_none(), "{what} has {field}: {object}");
    }
}

/// Admins' avatars are shown in lists that ask for them.
const LISTED: &str = "/admins?display_avatar=true";

async fn first_admin(app: &TestApp, version: &str) -> Value {
    get_at(app, version, LISTED).await["admins"][0].clone()
}

backend_test!(admins_take_each_versions_avatar_and_fields);
async fn admins_take_each_versions_avatar_and_fields(app: TestApp) {
    let admin = app.workspace.admin_id.clone();
    for version in ["2.7", "2.11", "2.16"] {
        assert_eq!(first_admin(&app, version).await["avatar"], Value::Null, "{version}: no avatar");
    }
    // Intercom's UI sets avatars; the API has no way to.
    sql(&app, &format!("UPDATE admins SET avatar_url = 'https://example.org/a.png' WHERE id = {admin}"))
        .await;
    let url = "https://example.org/a.png";
    let object = json!({"type": "avatar", "image_url": url});

    let at_2_7 = first_admin(&app, "2.7").await;
    assert_eq!(at_2_7["avatar"], url);
    lacks(&at_2_7, &["team_priority_level", "away_status_reason_id", "role"], "2.7 admin");
    assert_eq!(first_admin(&app, "1.0").await, at_2_7, "versions without a description answer as 2.7");

    let at_2_11 = first_admin(&app, "2.11").await;
    assert_eq!(at_2_11["avatar"], object);
    lacks(&at_2_11, &["away_status_reason_id", "role"], "2.11 admin");
    // Without the header: the workspace's default, 2.11.
    assert_eq!(app.get(LISTED).await.1["admins"][0], at_2_11);

    let at_2_14 = first_admin(&app, "2.14").await;
    assert_eq!(at_2_14["avatar"], url);
    lacks(&at_2_14, &["role"], "2.14 admin");
    assert_eq!(first_admin(&app, "2.16").await["avatar"], url);
    // Preview (and its old name) answer the newest shape.
    assert_eq!(first_admin(&app, "Unstable").await, first_admin(&app, "2.16").await);

    // `/me`'s admin_with_app has the avatar object in every version.
    for version in ["2.7", "2.11", "2.14", "2.16"] {
        assert_eq!(get_at(&app, version, "/me").await["avatar"], object, "{version}");
    }
}

backend_test!(contacts_owner_id_is_a_string_from_2_16);
async fn contacts_owner_id_is_a_string_from_2_16(app: TestApp) {
    let owner: i64 = app.workspace.admin_id.parse().unwrap();
    let created = contact(&app, json!({"role": "user", "email": "o@example.com", "owner_id": owner})).await;
    let path = format!("/contacts/{}", created["id"].as_str().unwrap());
    for (version, expected) in [("2.7", json!(owner)), ("2.11", json!(owner)), ("2.15", json!(owner))] {
        let read = get_at(&app, version, &path).await;
        assert_eq!(read["owner_id"], expected, "{version}");
        lacks(&read, &["merge_history"], version);
        assert_eq!(read.get("formatted_phone").is_some(), version != "2.7", "{version}");
    }
    assert_eq!(get_at(&app, "2.16", &path).await["owner_id"], json!(owner.to_string()));
    // Lists are shaped item by item.
    let listed = get_at(&app, "2.16", "/contacts").await;
    assert_eq!(listed["data"][0]["owner_id"], json!(owner.to_string()));
}

backend_test!(conversations_take_each_versions_fields);
async fn conversations_take_each_versions_fields(app: TestApp) {
    let contact_id = user(&app, "c@example.com").await;
    let id = start(&app, &contact_id, "Hello").await;
    reply(
        &app,
        &id,
        json!({"message_type": "comment", "type": "admin", "admin_id": app.workspace.admin_id, "body": "Hi"}),
    )
    .await;
    let path = format!("/conversations/{id}");

    let at_2_7 = get_at(&app, "2.7", &path).await;
    lacks(
        &at_2_7,
        &["linked_objects", "custom_attributes", "ai_agent", "ai_agent_participated", "company"],
        "2.7",
    );
    assert_eq!(at_2_7["admin_assignee_id"], Value::Null);
    assert!(["priority", "not_priority"].contains(&at_2_7["priority"].as_str().unwrap()));

    let at_2_11 = get_at(&app, "2.11", &path).await;
    let statistics = &at_2_11["statistics"];
    lacks(
        statistics,
        &["assigned_team_first_response_time", "handling_time", "adjusted_handling_time"],
        "2.11",
    );
    lacks(&at_2_11, &["company", "channel", "scorecards", "sales_agent"], "2.11 conversation");
    let parts = at_2_11["conversation_parts"]["conversation_parts"].as_array().unwrap();
    assert!(!parts.is_empty());
    for part in parts {
        lacks(
            part,
            &["state", "tags", "metadata", "app_package_code", "email_message_metadata"],
            "2.11 part",
        );
        lacks(&part["author"], &["from_ai_agent", "is_ai_answer"], "2.11 part author");
    }
    let listed = get_at(&app, "2.11", "/conversations").await;
    lacks(
        &listed["conversations"][0],
        &["company", "channel", "scorecards", "sales_agent"],
        "2.11 list item",
    );

    let at_2_14 = get_at(&app, "2.14", &path).await;
    lacks(&at_2_14, &["company", "channel", "scorecards", "sales_agent"], "2.14 conversation");
    assert_eq!(at_2_14["admin_assignee_id"], Value::Null);

    let at_2_16 = get_at(&app, "2.16", &path).await;
    assert_eq!(at_2_16["admin_assignee_id"], 0, "2.16 says 0 for unassigned");
    assert_eq!(at_2_16["team_assignee_id"], 0);
    assert!(["none", "low", "medium", "high", "urgent"].contains(&at_2_16["priority"].as_str().unwrap()));
    lacks(&at_2_16["source"]["author"], &["from_ai_agent", "is_ai_answer"], "2.16 source author");
    // The shape differs; the conversation does not.
    assert!(keys(&at_2_7).len() < keys(&at_2_16).len());
    assert_eq!(at_2_7["id"], at_2_16["id"]);
}

backend_test!(conversation_attributes_are_data_attributes_until_2_16);
async fn conversation_attributes_are_data_attributes_until_2_16(app: TestApp) {
    // 2.7 to 2.15 take `model=conversation`; 2.16 does not.
    for (version, listed) in [("2.7", true), ("2.11", true), ("2.15", true), ("2.16", false)] {
        let all = get_at(&app, version, "/data_attributes").await;
        let models: Vec<&str> =
            all["data"].as_array().unwrap().iter().map(|a| a["model"].as_str().unwrap()).collect();
        assert!(models.contains(&"contact") && models.contains(&"company"));
        assert_eq!(models.contains(&"conversation"), listed, "{version}");
        let conversation = get_at(&app, version, "/data_attributes?model=conversation").await;
        let states =
            conversation["data"].as_array().unwrap().iter().filter(|a| a["full_name"] == "state").count();
        assert_eq!(states, usize::from(listed), "{version}");
    }
}

backend_test!(
    a_request_without_the_header_gets_the_workspace_default,
    ApiConfig { token_cache: Duration::ZERO, ..ApiConfig::default() }
);
async fn a_request_without_the_header_gets_the_workspace_default(app: TestApp) {
    let default = app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap();
    assert_eq!(default.default_version, Version::V2_11);
    // A contact has `formatted_phone` from 2.11 on.
    let created = contact(&app, json!({"role": "user", "email": "d@example.com"})).await;
    let path = format!("/contacts/{}", created["id"].as_str().unwrap());
    assert!(app.get(&path).await.1.get("formatted_phone").is_some(), "2.11's contact");

    // What `switchboard workspace update --api-version 2.7` does.
    let updated = app.store.set_default_version(&app.workspace.workspace_id, Version::V2_7).await.unwrap();
    assert_eq!(serde_json::to_value(&updated).unwrap()["api_version"], "2.7");
    assert!(app.get(&path).await.1.get("formatted_phone").is_none(), "2.7's contact");
    // The header still wins.
    assert!(get_at(&app, "2.11", &path).await.get("formatted_phone").is_some());
    let updated = app.store.set_default_version(&app.workspace.workspace_id, Version::V2_16).await.unwrap();
    assert_eq!(updated.default_version, Version::V2_16);

    // What `switchboard workspace create --api-version 2.7` does.
    let other = app.store.create_workspace_at("Old", "old@example.com", "Old", Version::V2_7).await.unwrap();
    let mut request =
        app.request(Method::POST, "/contacts", Some(&json!({"role": "user", "email": "o@example.com"})));
    let bearer = format!("Bearer {}", other.access_token).parse().unwrap();
    request.headers_mut().insert("authorization", bearer);
    let (_, _, created) = app.send(request).await;
    assert!(created.get("formatted_phone").is_none(), "2.7's contact: {created}");
}

backend_test!(articles_and_teams_take_each_versions_fields);
async fn articles_and_teams_take_each_versions_fields(app: TestApp) {
    let author: i64 = app.workspace.admin_id.parse().unwrap();
    let body = json!({"title": "Versions", "author_id": author, "body": "<p>Hi</p>", "state": "published"});
    let created = at(&app, "2.16", Method::POST, "/articles", Some(&body)).await;
    let path = format!("/articles/{}", created["id"].as_str().unwrap());

    let at_2_7 = get_at(&app, "2.7", &path).await;
    assert!(at_2_7.get("parent_id").is_some() && at_2_7.get("parent_type").is_some());
    lacks(&at_2_7, &["tags", "body_markdown", "has_unpublished_changes", "created_by_id"], "2.7 article");
    lacks(
        &at_2_7["statistics"],
        &["fin_involvements", "fin_resolutions", "fin_resolution_rate"],
        "2.7 statistics",
    );
    for content in at_2_7["translated_content"].as_object().unwrap().values().filter(|c| c.is_object()) {
        lacks(content, &["body_markdown", "audience_ids"], "2.7 translation");
    }
    let at_2_16 = get_at(&app, "2.16", &path).await;
    lacks(&at_2_16, &["parent_id", "parent_type"], "2.16 article (parents are in parent_ids)");
    assert!(at_2_16["parent_ids"].is_array());

    let ws = app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap();
    app.store.create_team(ws.id, "Support", &[author]).await.unwrap();
    for version in ["2.7", "2.11", "2.13"] {
        let team = &get_at(&app, version, "/teams").await["teams"][0];
        assert_eq!(team["name"], "Support");
        lacks(team, &["assignment_limit", "distribution_method"], version);
    }
}
