//! Conversations: create, retrieve, list, update, reply, manage, participants, redaction, tags.

use axum::http::{Method, StatusCode};
use serde_json::{Value as Json, json};
use switchboard::domain::admin::NewAdmin;
use switchboard::domain::data_attribute::NewDataAttribute;
use switchboard::domain::data_attribute::{DataType, Model};
use switchboard::store::Exec;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{contact, tag, workspace_id};

pub fn admin(app: &TestApp) -> String {
    app.workspace.admin_id.clone()
}

/// A user with this email; returns its id.
pub async fn user(app: &TestApp, email: &str) -> String {
    contact(app, json!({"role": "user", "email": email})).await["id"].as_str().unwrap().to_owned()
}

/// `POST /conversations` from the contact; returns the conversation id.
pub async fn start(app: &TestApp, contact_id: &str, body: &str) -> String {
    let (status, message) =
        app.post("/conversations", json!({"from": {"type": "user", "id": contact_id}, "body": body})).await;
    assert_eq!(status, 200, "{message}");
    message["conversation_id"].as_str().unwrap().to_owned()
}

pub async fn part(app: &TestApp, id: &str, body: Json) -> Json {
    let (status, conversation) = app.post(&format!("/conversations/{id}/parts"), body.clone()).await;
    assert_eq!(status, 200, "{body}: {conversation}");
    conversation
}

pub async fn reply(app: &TestApp, id: &str, body: Json) -> Json {
    let (status, conversation) = app.post(&format!("/conversations/{id}/reply"), body.clone()).await;
    assert_eq!(status, 200, "{body}: {conversation}");
    conversation
}

fn last_part(conversation: &Json) -> &Json {
    let parts = conversation["conversation_parts"]["conversation_parts"].as_array().unwrap();
    parts.last().unwrap()
}

/// A conversation data attribute, as `switchboard conversation-attribute create` makes it.
pub async fn conversation_attribute(app: &TestApp, name: &str, data_type: DataType) {
    let ws = workspace_id(app).await;
    let new = NewDataAttribute {
        name: name.into(),
        model: Model::Conversation,
        data_type,
        description: String::new(),
        options: None,
        messenger_writable: false,
    };
    app.store.create_data_attribute(ws, admin(app).parse().unwrap(), &new).await.unwrap();
}

pub async fn sql(app: &TestApp, statement: &str) {
    let mut conn = app.store.conn().await.unwrap();
    match conn.conn() {
        switchboard::store::ConnRef::Sqlite(c) => {
            c.execute_batch(statement).unwrap();
        }
        switchboard::store::ConnRef::Postgres(c) => {
            sqlx::query(sqlx::AssertSqlSafe(statement.to_owned())).execute(c).await.unwrap();
        }
    }
}

backend_test!(create_retrieve_and_list);
async fn create_retrieve_and_list(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let (status, message) = app
        .post(
            "/conversations",
            json!({"from": {"type": "user", "id": joe}, "body": "Hello <there>", "attachment_urls": ["https://x.io/a.png"]}),
        )
        .await;
    assert_eq!(status, 200, "{message}");
    assert_eq!(message["type"], "user_message");
    assert_eq!(message["body"], "Hello <there>");
    assert_eq!(message["message_type"], "inapp");
    let id = message["conversation_id"].as_str().unwrap().to_owned();
    assert_eq!(message["id"], id);

    let (status, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["type"], "conversation");
    assert_eq!(c["id"], id);
    assert_eq!(
        (c["state"].as_str(), c["open"].as_bool(), c["read"].as_bool()),
        (Some("open"), Some(true), Some(false))
    );
    assert_eq!(c["waiting_since"], c["created_at"]);
    assert_eq!(c["snoozed_until"], Json::Null);
    assert_eq!(c["source"]["type"], "conversation");
    assert_eq!(c["source"]["delivered_as"], "customer_initiated");
    assert_eq!(c["source"]["body"], "<p>Hello &lt;there&gt;</p>");
    assert_eq!(
        c["source"]["author"],
        json!({"type": "user", "id": joe, "name": null, "email": "joe@example.com"})
    );
    assert_eq!(c["source"]["attachments"][0]["name"], "a.png");
    assert_eq!(c["source"]["redacted"], false);
    assert_eq!(
        c["contacts"],
        json!({"type": "contact.list", "contacts": [{"type": "contact", "id": joe, "external_id": null}]})
    );
    assert_eq!(c["teammates"], json!({"type": "admin.list", "teammates": [], "admins": []}));
    assert_eq!(c["tags"], json!({"type": "tag.list", "tags": []}));
    assert_eq!(c["first_contact_reply"]["created_at"], c["created_at"]);
    assert_eq!(c["statistics"]["type"], "conversation_statistics");
    assert_eq!(c["statistics"]["first_contact_reply_at"], c["created_at"]);
    assert_eq!(
        c["conversation_parts"],
        json!({"type": "conversation_part.list", "conversation_parts": [], "total_count": 0})
    );
    assert_eq!(c["priority"], "not_priority");
    assert_eq!(c["admin_assignee_id"], Json::Null);
    assert_eq!(c["custom_attributes"], json!({}));

    let (_, plain) = app.get(&format!("/conversations/{id}?display_as=plaintext")).await;
    assert_eq!(plain["source"]["body"], "Hello <there>");
    let (status, body) = app.get(&format!("/conversations/{id}?display_as=xml")).await;
    assert_error(status, &body, 400, "parameter_invalid");

    // By email and user_id; created_at is kept for migrated conversations.
    let ann =
        contact(&app, json!({"role": "user", "email": "ann@example.com", "external_id": "ann-1"})).await;
    let (status, m) = app
        .post("/conversations", json!({"from": {"type": "user", "email": "ANN@example.com"}, "body": "a", "created_at": 1600000000}))
        .await;
    assert_eq!((status.as_u16(), m["created_at"].as_i64()), (200, Some(1600000000)), "{m}");
    let (status, _) =
        app.post("/conversations", json!({"from": {"type": "user", "user_id": "ann-1"}, "body": "b"})).await;
    assert_eq!(status, 200);

    // A visitor (an unknown user_id with type contact) becomes a lead.
    let (status, m) = app
        .post("/conversations", json!({"from": {"type": "contact", "user_id": "visitor-9"}, "body": "hi"}))
        .await;
    assert_eq!(status, 200, "{m}");
    let (_, v) = app.get(&format!("/conversations/{}", m["conversation_id"].as_str().unwrap())).await;
    assert_eq!(v["source"]["author"]["type"], "lead");
    assert_eq!(v["contacts"]["contacts"][0]["external_id"], "visitor-9");

    // Unknown contacts, wrong roles, bad bodies.
    for from in [json!({"type": "user", "id": "123_doesnt_exist"}), json!({"type": "lead", "id": ann["id"]})]
    {
        let (status, body) = app.post("/conversations", json!({"from": from, "body": "x"})).await;
        let error = assert_error(status, &body, 404, "not_found");
        assert_eq!(error["message"], "User Not Found");
    }
    let (status, body) = app.post("/conversations", json!({"from": {"type": "user", "id": joe}})).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) =
        app.post("/conversations", json!({"from": {"type": "admin", "id": joe}, "body": "x"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let urls: Vec<String> = (0..11).map(|i| format!("https://x.io/{i}.png")).collect();
    let (status, body) = app
        .post(
            "/conversations",
            json!({"from": {"type": "user", "id": joe}, "body": "x", "attachment_urls": urls}),
        )
        .await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.post("/conversations", json!({"from": "joe", "body": 5})).await;
    assert_error(status, &body, 400, "parameter_invalid");

    // Newest update first, cursor pages, no parts in the list.
    let (status, page1) = app.get("/conversations?per_page=2").await;
    assert_eq!(status, 200, "{page1}");
    assert_eq!(page1["type"], "conversation.list");
    assert_eq!(page1["total_count"], 4);
    assert_eq!(page1["pages"]["total_pages"], 2);
    assert!(page1["conversations"][0].get("conversation_parts").is_none());
    let cursor = page1["pages"]["next"]["starting_after"].as_str().unwrap();
    let (_, page2) = app.get(&format!("/conversations?per_page=2&starting_after={cursor}")).await;
    assert_eq!(page2["pages"]["page"], 2);
    assert!(page2["pages"].get("next").is_none());
    let mut seen: Vec<Json> =
        page1["conversations"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
    seen.extend(page2["conversations"].as_array().unwrap().iter().map(|c| c["id"].clone()));
    seen.dedup();
    assert_eq!(seen.len(), 4);
    // The migrated conversation is the oldest.
    assert_eq!(page2["conversations"][1]["created_at"], 1600000000);
    for bad in ["per_page=0", "per_page=151", "starting_after=nope"] {
        let (status, body) = app.get(&format!("/conversations?{bad}")).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }

    // Another workspace sees none of it.
    let other = app.other_workspace().await;
    let (status, body) = app.get_as(&other.access_token, &format!("/conversations/{id}")).await;
    assert_error(status, &body, 404, "not_found");
    let (_, list) = app.get_as(&other.access_token, "/conversations").await;
    assert_eq!(list["total_count"], 0);
    for path in ["/conversations/999999", "/conversations/abc"] {
        let (status, body) = app.get(path).await;
        assert_error(status, &body, 404, "not_found");
    }
}

backend_test!(replies_by_admins_and_contacts);
async fn replies_by_admins_and_contacts(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Help").await;
    let me = admin(&app);

    let c = reply(
        &app,
        &id,
        json!({"message_type": "note", "type": "admin", "admin_id": me, "body": "<b>internal</b>"}),
    )
    .await;
    let note = last_part(&c);
    assert_eq!((note["part_type"].as_str(), note["body"].as_str()), (Some("note"), Some("<b>internal</b>")));
    assert_eq!(note["author"]["type"], "admin");
    assert_eq!(note["author"]["id"], me);
    assert_eq!(note["author"]["email"], "owner@example.com");
    assert!(c["waiting_since"].is_i64(), "a note does not answer the contact");

    let c = reply(
        &app,
        &id,
        json!({"message_type": "comment", "type": "admin", "admin_id": me.parse::<i64>().unwrap(), "body": "Hi Joe",
               "attachment_urls": ["https://files.example/report.pdf"]}),
    )
    .await;
    let comment = last_part(&c);
    assert_eq!(
        (comment["part_type"].as_str(), comment["body"].as_str()),
        (Some("comment"), Some("<p>Hi Joe</p>"))
    );
    assert_eq!(comment["attachments"][0]["content_type"], "application/pdf");
    assert_eq!(c["waiting_since"], Json::Null);
    assert_eq!(c["teammates"]["teammates"], json!([{"type": "admin", "id": me}]));
    assert!(c["statistics"]["first_admin_reply_at"].is_i64());
    assert!(c["statistics"]["time_to_admin_reply"].is_i64());
    assert_eq!(c["conversation_parts"]["total_count"], 2);
    assert_eq!(c["statistics"]["count_conversation_parts"], 2);

    // A contact reply sets waiting_since; created_at is honoured.
    let c = reply(&app, &id, json!({"message_type": "comment", "type": "user", "intercom_user_id": joe, "body": "Thanks", "created_at": 4102444800_i64})).await;
    let p = last_part(&c);
    assert_eq!((p["part_type"].as_str(), p["created_at"].as_i64()), (Some("comment"), Some(4102444800)));
    assert_eq!(p["author"]["id"], joe);
    assert_eq!(c["waiting_since"], 4102444800_i64);
    assert_eq!(c["statistics"]["last_contact_reply_at"], 4102444800_i64);

    // Closed, then a contact writes: it re-opens, and the part says so.
    part(&app, &id, json!({"message_type": "close", "type": "admin", "admin_id": me})).await;
    let c = reply(
        &app,
        "last",
        json!({"message_type": "comment", "type": "user", "email": "joe@example.com", "body": "Again"}),
    )
    .await;
    assert_eq!(c["id"], id);
    assert_eq!(last_part(&c)["part_type"], "open");
    assert_eq!((c["state"].as_str(), c["open"].as_bool()), (Some("open"), Some(true)));
    assert_eq!(c["statistics"]["count_reopens"], 1);

    // Errors.
    let cases = [
        (json!({"message_type": "comment", "type": "admin", "body": "x"}), 400, "parameter_not_found"),
        (
            json!({"message_type": "comment", "type": "admin", "admin_id": "999999", "body": "x"}),
            404,
            "admin_not_found",
        ),
        (
            json!({"message_type": "comment", "type": "user", "intercom_user_id": "nobody", "body": "x"}),
            404,
            "not_found",
        ),
        (
            json!({"message_type": "note", "type": "user", "intercom_user_id": joe, "body": "x"}),
            400,
            "parameter_invalid",
        ),
        (json!({"message_type": "comment", "type": "bot", "body": "x"}), 400, "parameter_invalid"),
        (json!({"message_type": "comment", "type": "admin", "admin_id": me}), 400, "parameter_not_found"),
        (
            json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "x", "attachment_urls": ["not a url"]}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "x", "attachment_files": [{"name": "a", "data": "", "content_type": "text/plain"}]}),
            400,
            "parameter_invalid",
        ),
    ];
    for (body, status_code, code) in cases {
        let (status, answer) = app.post(&format!("/conversations/{id}/reply"), body.clone()).await;
        assert_error(status, &answer, status_code, code);
    }
    let ann = user(&app, "ann@example.com").await;
    let (status, body) = app
        .post(
            &format!("/conversations/{id}/reply"),
            json!({"message_type": "comment", "type": "user", "intercom_user_id": ann, "body": "x"}),
        )
        .await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app
        .post(
            "/conversations/last/reply",
            json!({"message_type": "comment", "type": "user", "intercom_user_id": ann, "body": "x"}),
        )
        .await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app
        .post(
            "/conversations/424242/reply",
            json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "x"}),
        )
        .await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(manage_close_snooze_open_assign);
async fn manage_close_snooze_open_assign(app: TestApp) {
    let ws = workspace_id(&app).await;
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Help").await;
    let me = admin(&app);
    let other = app
        .store
        .create_admin(ws, &NewAdmin { email: "b@example.com".into(), name: "B".into(), job_title: None })
        .await
        .unwrap()
        .id;
    let team = app.store.create_team(ws, "Support", &[other]).await.unwrap().id;

    let c = part(&app, &id, json!({"message_type": "assignment", "type": "admin", "admin_id": me, "assignee_id": other.to_string()})).await;
    assert_eq!(c["admin_assignee_id"], other);
    let p = last_part(&c);
    assert_eq!(p["part_type"], "assignment");
    assert_eq!(p["assigned_to"], json!({"type": "admin", "id": other.to_string()}));
    assert_eq!(c["statistics"]["count_assignments"], 1);
    assert!(c["statistics"]["first_assignment_at"].is_i64());
    let c = part(&app, &id, json!({"message_type": "assignment", "type": "team", "admin_id": me, "assignee_id": team, "body": "Over to you"})).await;
    assert_eq!((c["team_assignee_id"].as_i64(), c["admin_assignee_id"].as_i64()), (Some(team), Some(other)));
    assert_eq!(last_part(&c)["body"], "<p>Over to you</p>");

    let c = part(
        &app,
        &id,
        json!({"message_type": "close", "type": "admin", "admin_id": me, "body": "Goodbye :)"}),
    )
    .await;
    assert_eq!((c["state"].as_str(), c["open"].as_bool()), (Some("closed"), Some(false)));
    assert_eq!(last_part(&c)["part_type"], "close");
    assert_eq!(c["statistics"]["last_closed_by_id"], me);
    assert!(c["statistics"]["first_close_at"].is_i64());
    assert!(c["statistics"]["time_to_first_close"].is_i64());

    // Assigning a closed conversation re-opens it; 0 unassigns.
    let c = part(
        &app,
        &id,
        json!({"message_type": "assignment", "type": "admin", "admin_id": me, "assignee_id": "0"}),
    )
    .await;
    assert_eq!(last_part(&c)["part_type"], "assign_and_reopen");
    assert_eq!(last_part(&c)["assigned_to"], json!({"type": "nobody_admin", "id": null}));
    assert_eq!((c["state"].as_str(), c["admin_assignee_id"].as_i64()), (Some("open"), None));
    assert_eq!(c["statistics"]["count_reopens"], 1);
    assert_eq!(c["statistics"]["count_assignments"], 2);

    let until = switchboard::store::now() + 3600;
    let c = part(&app, &id, json!({"message_type": "snoozed", "admin_id": me, "snoozed_until": until})).await;
    assert_eq!(
        (c["state"].as_str(), c["open"].as_bool(), c["snoozed_until"].as_i64()),
        (Some("snoozed"), Some(true), Some(until))
    );
    assert_eq!(last_part(&c)["part_type"], "snoozed");
    // When the time comes, every read sees it open.
    sql(&app, &format!("UPDATE conversations SET snoozed_until = {} WHERE id = {id}", until - 7200)).await;
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!((c["state"].as_str(), c["snoozed_until"].clone()), (Some("open"), Json::Null));
    let (_, list) = app.get("/conversations").await;
    assert_eq!(list["conversations"][0]["state"], "open");
    let (_, found) = app
        .post("/conversations/search", json!({"query": {"field": "state", "operator": "=", "value": "open"}}))
        .await;
    assert_eq!(found["total_count"], 1, "{found}");
    let (_, found) = app
        .post(
            "/conversations/search",
            json!({"query": {"field": "state", "operator": "=", "value": "snoozed"}}),
        )
        .await;
    assert_eq!(found["total_count"], 0);

    let c = part(&app, &id, json!({"message_type": "close", "type": "admin", "admin_id": me})).await;
    assert_eq!(last_part(&c)["body"], Json::Null);
    let c = part(&app, &id, json!({"message_type": "open", "admin_id": me})).await;
    assert_eq!((c["state"].as_str(), last_part(&c)["part_type"].as_str()), (Some("open"), Some("open")));
    assert_eq!(c["statistics"]["count_reopens"], 2);

    let cases = [
        (json!({"message_type": "snoozed", "admin_id": me, "snoozed_until": 1000}), 400, "parameter_invalid"),
        (json!({"message_type": "snoozed", "admin_id": me}), 400, "parameter_not_found"),
        (json!({"message_type": "close", "admin_id": me}), 400, "parameter_not_found"),
        (json!({"message_type": "dance", "admin_id": me}), 400, "parameter_invalid"),
        (json!({"message_type": "open", "admin_id": "999999"}), 404, "admin_not_found"),
        (
            json!({"message_type": "assignment", "type": "team", "admin_id": me, "assignee_id": "999999"}),
            404,
            "team_not_found",
        ),
        (
            json!({"message_type": "assignment", "type": "admin", "admin_id": me, "assignee_id": "999999"}),
            404,
            "admin_not_found",
        ),
        (json!({"message_type": "assignment", "type": "admin", "admin_id": me}), 400, "parameter_not_found"),
    ];
    for (body, status_code, code) in cases {
        let (status, answer) = app.post(&format!("/conversations/{id}/parts"), body.clone()).await;
        assert_error(status, &answer, status_code, code);
    }
    let (status, body) =
        app.post("/conversations/999999/parts", json!({"message_type": "open", "admin_id": me})).await;
    assert_error(status, &body, 404, "not_found");
    // A team of another workspace is no team here.
    let other_ws = app.other_workspace().await;
    let other_ws_id = app.store.workspace_by_code(&other_ws.workspace_id).await.unwrap().id;
    let foreign = app.store.create_team(other_ws_id, "Theirs", &[]).await.unwrap().id;
    let (status, body) = app
        .post(
            &format!("/conversations/{id}/parts"),
            json!({"message_type": "assignment", "type": "team", "admin_id": me, "assignee_id": foreign}),
        )
        .await;
    assert_error(status, &body, 404, "team_not_found");
}

backend_test!(update_read_and_custom_attributes);
async fn update_read_and_custom_attributes(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Help").await;
    conversation_attribute(&app, "issue_type", DataType::String).await;
    conversation_attribute(&app, "seats", DataType::Integer).await;
    let (status, c) = app
        .put(
            &format!("/conversations/{id}"),
            json!({"read": true, "title": "Billing issue", "custom_attributes": {"issue_type": "Billing", "seats": 3}}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!((c["read"].as_bool(), c["title"].as_str()), (Some(true), Some("Billing issue")));
    assert_eq!(c["custom_attributes"], json!({"issue_type": "Billing", "seats": 3}));
    let parts = c["conversation_parts"]["conversation_parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().all(|p| p["part_type"] == "conversation_attribute_updated_by_admin"));
    assert_eq!(c["teammates"]["teammates"], json!([]));
    let (_, c) = app
        .put(
            &format!("/conversations/{id}?display_as=plaintext"),
            json!({"custom_attributes": {"seats": null}}),
        )
        .await;
    assert_eq!(c["custom_attributes"], json!({"issue_type": "Billing"}));

    for body in [
        json!({"custom_attributes": {"nope": 1}}),
        json!({"custom_attributes": {"seats": "three"}}),
        json!({"read": "yes"}),
    ] {
        let (status, answer) = app.put(&format!("/conversations/{id}"), body).await;
        assert_error(status, &answer, 400, "parameter_invalid");
    }
    let (status, body) = app.put("/conversations/999999", json!({"read": true})).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(participants_are_attached_and_detached);
async fn participants_are_attached_and_detached(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let ann = user(&app, "ann@example.com").await;
    let id = start(&app, &joe, "Help").await;
    let me = admin(&app);
    let path = format!("/conversations/{id}/customers");

    let (status, body) =
        app.post(&path, json!({"admin_id": me, "customer": {"intercom_user_id": ann}})).await;
    assert_eq!(status, 200, "{body}");
    // The conversation, as the description's schema has it, and its `customers`, as its example.
    assert_eq!((&body["type"], &body["id"]), (&json!("conversation"), &json!(id)));
    assert_eq!(body["customers"], json!([{"type": "user", "id": joe}, {"type": "user", "id": ann}]));
    assert_eq!(body["contacts"]["contacts"].as_array().unwrap().len(), 2);
    // An unknown email becomes a lead; a participant can add one too.
    let (status, body) = app
        .post(&path, json!({"customer": {"email": "new@example.com", "customer": {"intercom_user_id": joe}}}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["customers"][2]["type"], "lead");
    let lead = body["customers"][2]["id"].as_str().unwrap().to_owned();
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(c["contacts"]["contacts"].as_array().unwrap().len(), 3);
    assert_eq!(last_part(&c)["part_type"], "participant_added");

    let (status, body) =
        app.call(Method::DELETE, &format!("{path}/{lead}"), Some(&json!({"admin_id": me}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((&body["id"], body["customers"].as_array().unwrap().len()), (&json!(id), 2));
    app.call(Method::DELETE, &format!("{path}/{ann}"), Some(&json!({"admin_id": me}))).await;
    let (status, body) =
        app.call(Method::DELETE, &format!("{path}/{joe}"), Some(&json!({"admin_id": me}))).await;
    let error = assert_error(status, &body, 422, "parameter_invalid");
    assert_eq!(error["message"], "Removing the last customer is not allowed");

    let (status, body) =
        app.call(Method::DELETE, &format!("{path}/{ann}"), Some(&json!({"admin_id": me}))).await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.call(Method::DELETE, &format!("{path}/{joe}"), Some(&json!({}))).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) =
        app.post(&path, json!({"admin_id": me, "customer": {"intercom_user_id": "nobody"}})).await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.post(&path, json!({"admin_id": me})).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) = app
        .post(
            "/conversations/999999/customers",
            json!({"admin_id": me, "customer": {"intercom_user_id": ann}}),
        )
        .await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(redaction_overwrites_the_text);
async fn redaction_overwrites_the_text(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "my password is hunter2").await;
    let me = admin(&app);
    let c = reply(
        &app,
        &id,
        json!({"message_type": "comment", "type": "user", "intercom_user_id": joe, "body": "card 4242"}),
    )
    .await;
    let secret = last_part(&c)["id"].as_str().unwrap().to_owned();
    let c = part(
        &app,
        &id,
        json!({"message_type": "assignment", "type": "admin", "admin_id": me, "assignee_id": me}),
    )
    .await;
    let assignment = last_part(&c)["id"].as_str().unwrap().to_owned();

    let (status, c) = app
        .post(
            "/conversations/redact",
            json!({"type": "conversation_part", "conversation_id": id, "conversation_part_id": secret}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    let redacted = &c["conversation_parts"]["conversation_parts"][0];
    assert_eq!(
        (redacted["redacted"].as_bool(), redacted["body"].as_str()),
        (Some(true), Some("<p><i>This message was deleted</i></p>"))
    );
    let (status, c) = app
        .post(
            "/conversations/redact",
            json!({"type": "source", "conversation_id": id.parse::<i64>().unwrap(), "source_id": id}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["source"]["redacted"], true);
    // Gone from storage, and from search.
    let mut conn = app.store.conn().await.unwrap();
    let leftovers: i64 = conn
        .fetch_scalar(&sea_query::Query::select()
            .expr(sea_query::Expr::cust("(SELECT COUNT(*) FROM conversation_parts WHERE body LIKE '%4242%') + (SELECT COUNT(*) FROM conversations WHERE source_body LIKE '%hunter2%') + (SELECT COUNT(*) FROM conversation_words WHERE word = 'hunter2')"))
            .take())
        .await
        .unwrap();
    assert_eq!(leftovers, 0);

    let cases = [
        (
            json!({"type": "conversation_part", "conversation_id": id, "conversation_part_id": assignment}),
            400,
            "conversation_part_not_redactable",
        ),
        (
            json!({"type": "conversation_part", "conversation_id": id, "conversation_part_id": "999999"}),
            404,
            "conversation_part_or_message_not_found",
        ),
        (
            json!({"type": "conversation_part", "conversation_id": "really_123_doesnt_exist", "conversation_part_id": "x"}),
            404,
            "conversation_part_or_message_not_found",
        ),
        (
            json!({"type": "source", "conversation_id": id, "source_id": "999999"}),
            404,
            "conversation_part_or_message_not_found",
        ),
        (json!({"type": "message", "conversation_id": id}), 400, "parameter_invalid"),
        (json!({"type": "source", "conversation_id": id}), 400, "parameter_not_found"),
    ];
    for (body, status_code, code) in cases {
        let (status, answer) = app.post("/conversations/redact", body.clone()).await;
        assert_error(status, &answer, status_code, code);
    }
}

backend_test!(conversation_tags);
async fn conversation_tags(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Help").await;
    let me = admin(&app);
    let vip = tag(&app, "VIP").await;

    let (status, t) = app
        .post(
            &format!("/conversations/{id}/tags"),
            json!({"id": vip.parse::<i64>().unwrap(), "admin_id": me}),
        )
        .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(
        (t["type"].as_str(), t["id"].as_str(), t["name"].as_str()),
        (Some("tag"), Some(vip.as_str()), Some("VIP"))
    );
    assert_eq!(t["applied_by"], json!({"type": "admin", "id": me}));
    assert!(t["applied_at"].is_i64());
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(c["tags"]["tags"][0]["name"], "VIP");

    let (status, t) = app
        .call(Method::DELETE, &format!("/conversations/{id}/tags/{vip}"), Some(&json!({"admin_id": me})))
        .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["id"], vip);
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(c["tags"]["tags"], json!([]));

    let (status, body) = app
        .call(Method::DELETE, &format!("/conversations/{id}/tags/{vip}"), Some(&json!({"admin_id": me})))
        .await;
    assert_error(status, &body, 404, "tag_not_found");
    let (status, body) =
        app.post(&format!("/conversations/{id}/tags"), json!({"id": "999999", "admin_id": me})).await;
    assert_error(status, &body, 404, "tag_not_found");
    let (status, body) = app.post("/conversations/999999/tags", json!({"id": vip, "admin_id": me})).await;
    let error = assert_error(status, &body, 404, "not_found");
    assert_eq!(error["message"], "Conversation not found");
    let (status, body) = app.post(&format!("/conversations/{id}/tags"), json!({"id": vip})).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) =
        app.post(&format!("/conversations/{id}/tags"), json!({"id": vip, "admin_id": "999999"})).await;
    assert_error(status, &body, 404, "admin_not_found");
}

backend_test!(retrieve_shows_the_newest_500_parts);
async fn retrieve_shows_the_newest_500_parts(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Long one").await;
    let me = admin(&app);
    let rows: Vec<String> = (1..=505)
        .map(|i| format!("({id}, 'note', '<p>note {i}</p>', {i}, {i}, {i}, 'admin', {me})"))
        .collect();
    sql(
        &app,
        &format!(
            "INSERT INTO conversation_parts (conversation_id, part_type, body, created_at, updated_at, notified_at, author_type, author_admin_id) VALUES {}",
            rows.join(", ")
        ),
    )
    .await;
    let (status, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(status, 200);
    let parts = c["conversation_parts"]["conversation_parts"].as_array().unwrap();
    assert_eq!((parts.len(), c["conversation_parts"]["total_count"].as_i64()), (500, Some(505)));
    assert_eq!(parts[0]["body"], "<p>note 6</p>");
    assert_eq!(parts[499]["body"], "<p>note 505</p>");

    // Without a token, nothing.
    let request = axum::http::Request::builder()
        .uri(format!("/conversations/{id}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, _, body) = app.send(request).await;
    assert_error(status, &body, 401, "unauthorized");
}

backend_test!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    concurrent_replies_all_count
);
async fn concurrent_replies_all_count(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Busy").await;
    let me = admin(&app);
    let path = format!("/conversations/{id}/reply");
    let send = |n: i32| {
        let body =
            json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": format!("reply {n}")});
        let path = path.clone();
        let app = &app;
        async move { app.post(&path, body).await.0 }
    };
    let statuses = tokio::join!(send(1), send(2), send(3), send(4), send(5), send(6));
    assert_eq!(
        statuses,
        (StatusCode::OK, StatusCode::OK, StatusCode::OK, StatusCode::OK, StatusCode::OK, StatusCode::OK)
    );
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(c["conversation_parts"]["total_count"], 6);
    assert_eq!(c["statistics"]["count_conversation_parts"], 6);
}

/// A request that carries `Intercom-Version: 2.16`.
pub async fn at_2_16(app: &TestApp, method: Method, path: &str, body: Option<&Json>) -> (StatusCode, Json) {
    let mut request = app.request(method, path, body);
    request.headers_mut().insert("intercom-version", "2.16".parse().unwrap());
    let (status, _headers, body) = app.send(request).await;
    (status, body)
}

backend_test!(quick_replies_are_offered_picked_and_returned);
async fn quick_replies_are_offered_picked_and_returned(app: TestApp) {
    let joe = user(&app, "quick@example.com").await;
    let id = start(&app, &joe, "Can I get a refund?").await;
    let (yes, no) = ("a5e1c524-5ddd-4c3e-9328-6bca5d6e3edb", "f4a98af1-be56-4948-a57e-e1a83f8484c6");
    let options = json!([{"text": "Yes", "uuid": yes}, {"text": "No", "uuid": no}]);
    let offer = json!({"message_type": "quick_reply", "type": "admin", "admin_id": admin(&app),
        "reply_options": options, "skip_notifications": true});
    let (status, offered) =
        at_2_16(&app, Method::POST, &format!("/conversations/{id}/reply"), Some(&offer)).await;
    assert_eq!(status, 200, "{offered}");
    let part = last_part(&offered);
    assert_eq!(part["part_type"], "quick_reply");
    assert_eq!(part["body"], Json::Null);
    assert_eq!(part["metadata"], json!({"quick_reply_options": options}));
    assert_eq!(part["state"], "open");
    assert_eq!(
        (part["author"]["from_ai_agent"].clone(), part["author"]["is_ai_answer"].clone()),
        (json!(false), json!(false))
    );
    assert_eq!(offered["statistics"]["first_admin_reply_at"], part["created_at"]);

    let pick = json!({"message_type": "quick_reply", "type": "user", "intercom_user_id": joe,
        "reply_options": [{"text": "Yes", "uuid": yes}]});
    let (status, picked) =
        at_2_16(&app, Method::POST, &format!("/conversations/{id}/reply"), Some(&pick)).await;
    assert_eq!(status, 200, "{picked}");
    let part = last_part(&picked);
    assert_eq!((part["part_type"].clone(), part["body"].clone()), (json!("comment"), json!("<p>Yes</p>")));
    assert_eq!(part["metadata"], json!({"quick_reply_uuid": yes}));

    // Retrieved later, both parts keep their metadata; other parts have none.
    let (_, conversation) = at_2_16(&app, Method::GET, &format!("/conversations/{id}"), None).await;
    let parts = conversation["conversation_parts"]["conversation_parts"].as_array().unwrap();
    assert_eq!(parts[parts.len() - 2]["metadata"]["quick_reply_options"], options);
    assert_eq!(parts[parts.len() - 1]["metadata"]["quick_reply_uuid"], yes);

    // Quick replies need their options; an option needs a UUID; a contact picks one.
    let bare = json!({"message_type": "quick_reply", "type": "admin", "admin_id": admin(&app)});
    let (status, body) = app.post(&format!("/conversations/{id}/reply"), bare).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let bad = json!({"message_type": "quick_reply", "type": "admin", "admin_id": admin(&app),
        "reply_options": [{"text": "Yes", "uuid": "yes"}]});
    let (status, body) = app.post(&format!("/conversations/{id}/reply"), bad).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let both =
        json!({"message_type": "comment", "type": "user", "intercom_user_id": joe, "reply_options": options});
    let (status, body) = app.post(&format!("/conversations/{id}/reply"), both).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let flag = json!({"message_type": "comment", "type": "admin", "admin_id": admin(&app), "body": "x",
        "skip_notifications": "yes"});
    let (status, body) = app.post(&format!("/conversations/{id}/reply"), flag).await;
    assert_error(status, &body, 400, "parameter_invalid");
}

backend_test!(the_2_16_fields_of_a_conversation);
async fn the_2_16_fields_of_a_conversation(app: TestApp) {
    let joe = user(&app, "fields@example.com").await;
    let (status, message) = app
        .post("/conversations", json!({"from": {"type": "user", "id": joe}, "body": "Hi", "brand_id": "42"}))
        .await;
    assert_eq!(status, 200, "{message}");
    let id = message["conversation_id"].as_str().unwrap().to_owned();
    let (_, conversation) = at_2_16(&app, Method::GET, &format!("/conversations/{id}"), None).await;
    assert_eq!(conversation["channel"], json!({"initial": "messenger", "current": "messenger"}));
    assert_eq!(conversation["source"].get("recipients"), Some(&Json::Null), "not an email");
    assert_eq!(conversation["source"].get("reply_to"), Some(&Json::Null));
    assert_eq!(conversation["company"], Json::Null);
    for empty in ["external_references", "monitor_evaluations", "scorecards"] {
        assert_eq!(conversation[empty], json!([]), "{empty}");
    }
    assert_eq!(
        (conversation["sales_agent"].clone(), conversation["sales_agent_participated"].clone()),
        (Json::Null, json!(false))
    );
    let statistics = &conversation["statistics"];
    assert_eq!(
        (statistics["handling_time"].clone(), statistics["adjusted_handling_time"].clone()),
        (json!(0), Json::Null)
    );
    assert_eq!(statistics["assigned_team_first_response_time"], json!([]));

    // handling_time: from the assignment to the close.
    part(&app, &id, json!({"message_type": "assignment", "type": "admin", "admin_id": admin(&app), "assignee_id": admin(&app)})).await;
    sql(
        &app,
        &format!("UPDATE conversations SET first_assignment_at = first_assignment_at - 300 WHERE id = {id}"),
    )
    .await;
    let close = json!({"message_type": "close", "type": "admin", "admin_id": admin(&app)});
    let (status, closed) =
        at_2_16(&app, Method::POST, &format!("/conversations/{id}/parts"), Some(&close)).await;
    assert_eq!(status, 200, "{closed}");
    let handling = closed["statistics"]["handling_time"].as_i64().unwrap();
    assert!((300..310).contains(&handling), "{handling}");
    let parts = closed["conversation_parts"]["conversation_parts"].as_array().unwrap();
    assert_eq!(parts.last().unwrap()["state"], "closed");
    assert_eq!(parts[0]["state"], "open");
    assert_eq!((parts[0]["tags"].clone(), parts[0]["app_package_code"].clone()), (json!([]), Json::Null));
}

backend_test!(update_sets_the_company_and_the_title);
async fn update_sets_the_company_and_the_title(app: TestApp) {
    let joe = user(&app, "company@example.com").await;
    let id = start(&app, &joe, "Hello").await;
    let (status, company) = app.post("/companies", json!({"company_id": "acme", "name": "Acme"})).await;
    assert_eq!(status, 200, "{company}");
    let path = format!("/conversations/{id}");
    let body = json!({"company_id": company["id"], "title": "Refund"});
    let (status, updated) = at_2_16(&app, Method::PUT, &path, Some(&body)).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (updated["company"]["id"].clone(), updated["company"]["name"].clone()),
        (company["id"].clone(), json!("Acme"))
    );
    assert_eq!(updated["title"], "Refund");
    let (_, listed) = at_2_16(&app, Method::GET, "/conversations", None).await;
    assert_eq!(listed["conversations"][0]["company"]["company_id"], "acme");

    // An unknown company is not found; null removes the company.
    let (status, body) = app.put(&path, json!({"company_id": "nope"})).await;
    assert_error(status, &body, 404, "company_not_found");
    let (status, updated) = at_2_16(&app, Method::PUT, &path, Some(&json!({"company_id": null}))).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!((updated["company"].clone(), updated["title"].clone()), (Json::Null, json!("Refund")));

    // include_translations is a flag.
    let (status, _) = app.get(&format!("{path}?include_translations=true")).await;
    assert_eq!(status, 200);
    let (status, body) = app.get(&format!("{path}?include_translations=maybe")).await;
    assert_error(status, &body, 400, "parameter_invalid");
}

backend_test!(assigned_teams_first_response_times);
async fn assigned_teams_first_response_times(app: TestApp) {
    let ws = workspace_id(&app).await;
    let team = app.store.create_team(ws, "Billing", &[]).await.unwrap().id;
    let joe = user(&app, "teams@example.com").await;
    let id = start(&app, &joe, "Help").await;
    let assign =
        json!({"message_type": "assignment", "type": "team", "admin_id": admin(&app), "assignee_id": team});
    let (status, assigned) =
        at_2_16(&app, Method::POST, &format!("/conversations/{id}/parts"), Some(&assign)).await;
    assert_eq!(status, 200, "{assigned}");
    assert_eq!(assigned["statistics"]["assigned_team_first_response_time"], json!([]), "no reply yet");
    let answer =
        json!({"message_type": "comment", "type": "admin", "admin_id": admin(&app), "body": "On it"});
    let (status, replied) =
        at_2_16(&app, Method::POST, &format!("/conversations/{id}/reply"), Some(&answer)).await;
    assert_eq!(status, 200, "{replied}");
    let times = &replied["statistics"]["assigned_team_first_response_time"];
    assert_eq!((times[0]["team_id"].clone(), times[0]["team_name"].clone()), (json!(team), json!("Billing")));
    assert!(times[0]["response_time"].as_i64().is_some_and(|t| (0..5).contains(&t)), "{times}");
    assert_eq!(replied["statistics"]["assigned_team_first_response_time_in_office_hours"], *times);
    let (_, listed) = at_2_16(&app, Method::GET, "/conversations", None).await;
    assert_eq!(listed["conversations"][0]["statistics"]["assigned_team_first_response_time"], *times);
}

backend_test!(search_takes_the_qa_flags);
async fn search_takes_the_qa_flags(app: TestApp) {
    let joe = user(&app, "qa@example.com").await;
    start(&app, &joe, "Hello").await;
    let query = json!({"query": {"field": "open", "operator": "=", "value": true}});
    let path = "/conversations/search?include_monitors=true&include_scorecards=true";
    let (status, found) = at_2_16(&app, Method::POST, path, Some(&query)).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["conversations"][0]["monitor_evaluations"], json!([]));
    assert_eq!(found["conversations"][0]["scorecards"], json!([]));
    let (status, body) = app.post("/conversations/search?include_monitors=1", query).await;
    assert_error(status, &body, 400, "parameter_invalid");
}
