//! Tickets: create, retrieve, update, reply, delete, at 2.11 and 2.16.

use axum::http::Method;
use serde_json::{Value, json};
use switchboard::domain::admin::NewAdmin;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{contact, workspace_id};
use crate::ticket_types::{ticket_type, type_attribute};

/// A ticket of the type for the contact, which must be created.
async fn ticket(app: &TestApp, type_id: &str, contact_id: &str) -> Value {
    let (status, created) = app
        .post(
            "/tickets",
            json!({"ticket_type_id": type_id, "contacts": [{"id": contact_id}],
                   "ticket_attributes": {"_default_title_": "Broken", "_default_description_": "It fails"}}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    created
}

/// The state of `category` among the ticket's type's states.
fn state_id(ticket: &Value, category: &str) -> String {
    ticket["ticket_type"]["ticket_states"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["category"] == category)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

backend_test!(a_ticket_is_created_and_retrieved_in_both_shapes);
async fn a_ticket_is_created_and_retrieved_in_both_shapes(app: TestApp) {
    let v16 = app.at_version("2.16");
    let type_id = ticket_type(&app, "Bug", "Customer").await;
    let c = contact(&app, json!({"email": "t@x.io", "external_id": "u-1"})).await;
    let c_id = c["id"].as_str().unwrap();
    let created = ticket(&v16, &type_id, c_id).await;
    assert_eq!(created["type"], "ticket");
    assert_eq!(created["ticket_id"], "1");
    assert_eq!(created["category"], "Customer");
    assert_eq!(
        created["ticket_attributes"],
        json!({"_default_title_": "Broken", "_default_description_": "It fails"})
    );
    assert_eq!(created["ticket_state"]["category"], "submitted");
    assert_eq!(created["ticket_state"]["internal_label"], "Submitted");
    assert_eq!(created["ticket_type"]["id"], type_id);
    assert_eq!(created["contacts"]["contacts"][0]["id"], c_id);
    assert_eq!(created["contacts"]["contacts"][0]["external_id"], "u-1");
    assert_eq!(
        (created["admin_assignee_id"].clone(), created["team_assignee_id"].clone()),
        (json!(0), json!(0))
    );
    assert_eq!(created["open"], true);
    assert!(created.get("snoozed_until").is_none());
    assert_eq!(created["is_shared"], false);
    assert_eq!(created["previous_ticket_state_id"], Value::Null);
    assert_eq!(created["linked_objects"]["total_count"], 0);
    let parts = &created["ticket_parts"];
    assert_eq!(parts["type"], "ticket_part.list");
    assert_eq!(parts["total_count"], 1);
    assert_eq!(parts["ticket_parts"][0]["part_type"], "ticket_state_updated_by_admin");
    assert_eq!(parts["ticket_parts"][0]["ticket_state"], "submitted");
    assert_eq!(parts["ticket_parts"][0]["author"]["id"], app.workspace.admin_id);

    let id = created["id"].as_str().unwrap();
    let (status, got) = v16.get(&format!("/tickets/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(got["id"], id);
    // 2.11: the state is its category, the labels beside it, assignees are strings.
    let (status, old) = app.at_version("2.11").get(&format!("/tickets/{id}")).await;
    assert_eq!(status, 200, "{old}");
    assert_eq!(old["ticket_state"], "submitted");
    assert_eq!(old["ticket_state_internal_label"], "Submitted");
    assert_eq!(old["ticket_state_external_label"], "Submitted");
    assert_eq!(old["admin_assignee_id"], "0");
    assert!(old.get("previous_ticket_state_id").is_none());
    assert!(got.get("ticket_state_internal_label").is_none());

    // Numbers follow on; a ticket made by email finds the contact, or makes a lead.
    let (status, second) = v16
        .post(
            "/tickets",
            json!({"ticket_type_id": type_id.parse::<i64>().unwrap(), "contacts": [{"email": "new@x.io"}]}),
        )
        .await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["ticket_id"], "2");
    let (_, lead) =
        app.get(&format!("/contacts/{}", second["contacts"]["contacts"][0]["id"].as_str().unwrap())).await;
    assert_eq!((lead["role"].clone(), lead["email"].clone()), (json!("lead"), json!("new@x.io")));

    // Tickets are not conversations in listings and searches.
    let (_, conversations) = app.get("/conversations").await;
    assert_eq!(conversations["conversations"], json!([]), "{conversations}");
    let (_, found) = app
        .post("/conversations/search", json!({"query": {"field": "created_at", "operator": ">", "value": 0}}))
        .await;
    assert_eq!(found["total_count"], 0, "{found}");
}

backend_test!(ticket_creation_checks_everything_and_writes_nothing_on_error);
async fn ticket_creation_checks_everything_and_writes_nothing_on_error(app: TestApp) {
    let type_id = ticket_type(&app, "Bug", "Customer").await;
    type_attribute(&app, &type_id, json!({"name": "count", "description": "", "data_type": "integer"})).await;
    type_attribute(
        &app,
        &type_id,
        json!({"name": "Steps", "description": "", "data_type": "string", "required_to_create": true}),
    )
    .await;
    let c = contact(&app, json!({"email": "t@x.io"})).await;
    let c_id = c["id"].as_str().unwrap();
    let body = |attributes: Value| json!({"ticket_type_id": type_id, "contacts": [{"id": c_id}], "ticket_attributes": attributes});
    for (attributes, code, message) in [
        (json!({"Steps": "s", "nope": 1}), "parameter_invalid", "'nope' does not exist"),
        (json!({"Steps": "s", "count": "three"}), "parameter_invalid", "'count' must be an integer"),
        // The description's answer (enqueue's example; creating checks the same).
        (json!({"count": 3}), "parameter_invalid", "Missing required ticket attributes"),
    ] {
        let (status, answer) = app.post("/tickets", body(attributes)).await;
        let error = assert_error(status, &answer, 400, code);
        assert!(error["message"].as_str().unwrap().contains(message), "{error}");
    }
    let (status, answer) = app.post("/tickets", json!({"contacts": [{"id": c_id}]})).await;
    assert_error(status, &answer, 400, "parameter_not_found");
    let (status, answer) = app.post("/tickets", json!({"ticket_type_id": type_id})).await;
    assert_error(status, &answer, 400, "parameter_not_found");
    let (status, answer) = app
        .post("/tickets", json!({"ticket_type_id": type_id, "contacts": [{"id": c_id}, {"email": "b@x.io"}]}))
        .await;
    assert_error(status, &answer, 400, "parameter_invalid");
    let (status, answer) =
        app.post("/tickets", json!({"ticket_type_id": "999999", "contacts": [{"id": c_id}]})).await;
    assert_error(status, &answer, 404, "not_found");
    let (status, answer) = app
        .post("/tickets", json!({"ticket_type_id": type_id, "contacts": [{"id": "000000000000000000000000"}], "ticket_attributes": {"Steps": "s"}}))
        .await;
    assert_error(status, &answer, 404, "not_found");
    let (status, answer) = app
        .post(
            "/tickets",
            json!({"ticket_type_id": type_id, "contacts": [{"id": c_id}], "ticket_attributes": {"Steps": "s"},
                                  "assignment": {"admin_assignee_id": "999999"}}),
        )
        .await;
    assert_error(status, &answer, 404, "admin_not_found");
    let (status, answer) = app
        .post(
            "/tickets",
            json!({"ticket_type_id": type_id, "contacts": [{"id": c_id}], "ticket_attributes": {"Steps": "s"},
                                  "conversation_to_link_id": "999999"}),
        )
        .await;
    assert_error(status, &answer, 404, "not_found");
    // Nothing was written: the next ticket is number 1, and no conversation row is left over.
    let (_, first) = app.post("/tickets", body(json!({"Steps": "s", "count": 2}))).await;
    assert_eq!(first["ticket_id"], "1", "{first}");
    assert_eq!(first["ticket_attributes"]["count"], 2);
    let (_, contact_now) = app.get(&format!("/contacts/{c_id}")).await;
    assert!(contact_now["id"].is_string());

    // Another workspace's type is not found; an archived type takes no tickets.
    let other = app.other_workspace().await;
    let mut request = app.request(Method::POST, "/tickets", Some(&body(json!({"Steps": "s"}))));
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    let (status, _, answer) = app.send(request).await;
    assert_error(status, &answer, 404, "not_found");
    app.put(&format!("/ticket_types/{type_id}"), json!({"archived": true})).await;
    let (status, answer) = app.post("/tickets", body(json!({"Steps": "s"}))).await;
    assert_error(status, &answer, 400, "parameter_invalid");
}

backend_test!(updates_move_the_ticket_and_each_change_is_a_part);
async fn updates_move_the_ticket_and_each_change_is_a_part(app: TestApp) {
    let v16 = app.at_version("2.16");
    let type_id = ticket_type(&app, "Bug", "Customer").await;
    type_attribute(
        &app,
        &type_id,
        json!({"name": "Priority", "description": "", "data_type": "list", "list_items": "Low,High"}),
    )
    .await;
    let c = contact(&app, json!({"email": "t@x.io"})).await;
    let created = ticket(&v16, &type_id, c["id"].as_str().unwrap()).await;
    let id = created["id"].as_str().unwrap();
    let ws = workspace_id(&app).await;
    let second = app
        .store
        .create_admin(
            ws,
            &NewAdmin { email: "second@example.com".into(), name: "Second".into(), job_title: None },
        )
        .await
        .unwrap()
        .id;
    let in_progress = state_id(&created, "in_progress");
    let submitted = state_id(&created, "submitted");
    let (status, updated) = v16
        .put(
            &format!("/tickets/{id}"),
            json!({"ticket_state_id": in_progress, "ticket_attributes": {"Priority": "High", "_default_title_": "Still broken"},
                   "admin_id": app.workspace.admin_id, "assignee_id": second.to_string(), "is_shared": true}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["ticket_state"]["id"], in_progress);
    assert_eq!(updated["previous_ticket_state_id"], submitted);
    assert_eq!(updated["ticket_attributes"]["Priority"], "High");
    assert_eq!(updated["ticket_attributes"]["_default_title_"], "Still broken");
    assert_eq!(updated["admin_assignee_id"], second);
    assert_eq!(updated["is_shared"], true);
    let parts = updated["ticket_parts"]["ticket_parts"].as_array().unwrap();
    let kinds: Vec<&str> = parts.iter().map(|p| p["part_type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "ticket_state_updated_by_admin",
            "ticket_attribute_updated_by_admin",
            "ticket_attribute_updated_by_admin",
            "ticket_state_updated_by_admin",
            "assignment"
        ]
    );
    assert_eq!(parts[3]["previous_ticket_state"], "submitted");
    assert_eq!(parts[3]["ticket_state"], "in_progress");
    assert_eq!(parts[2]["updated_attribute_data"]["value"]["label"], "High");
    assert_eq!(parts[4]["assigned_to"], json!({"type": "admin", "id": second.to_string()}));

    // Snooze, close, reopen; a team as assignee; 0 unassigns.
    // Teams and admins are numbered apart: a team whose id no admin has.
    let mut team = 0;
    for name in ["Billing", "Sales", "Support"] {
        team = app.store.create_team(ws, name, &[]).await.unwrap().id;
    }
    let until = switchboard::store::now() + 3600;
    let (_, snoozed) =
        v16.put(&format!("/tickets/{id}"), json!({"snoozed_until": until, "assignee_id": team})).await;
    assert_eq!(snoozed["snoozed_until"], until);
    assert_eq!(snoozed["team_assignee_id"], team);
    let (_, closed) = v16.put(&format!("/tickets/{id}"), json!({"open": false})).await;
    assert_eq!(closed["open"], false);
    assert!(closed.get("snoozed_until").is_none());
    let (_, opened) = v16.put(&format!("/tickets/{id}"), json!({"open": true, "assignee_id": "0"})).await;
    assert_eq!(opened["open"], true);
    assert_eq!(
        (opened["admin_assignee_id"].clone(), opened["team_assignee_id"].clone()),
        (json!(0), json!(0))
    );
    let kinds: Vec<&str> = opened["ticket_parts"]["ticket_parts"].as_array().unwrap()[5..]
        .iter()
        .map(|p| p["part_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["snoozed", "assignment", "close", "open", "assignment"]);

    // 2.11 names the state by its category, and the assignment in its own object.
    let v11 = app.at_version("2.11");
    let (status, old) = v11
        .put(&format!("/tickets/{id}"), json!({"state": "resolved", "assignment": {"admin_id": app.workspace.admin_id, "assignee_id": second.to_string()}}))
        .await;
    assert_eq!(status, 200, "{old}");
    assert_eq!(old["ticket_state"], "resolved");
    assert_eq!(old["admin_assignee_id"], second.to_string());
}

backend_test!(update_errors_are_intercoms);
async fn update_errors_are_intercoms(app: TestApp) {
    let v16 = app.at_version("2.16");
    let type_id = ticket_type(&app, "Bug", "Customer").await;
    let tracker = ticket_type(&app, "Outage", "Tracker").await;
    let c = contact(&app, json!({"email": "t@x.io"})).await;
    let created = ticket(&v16, &type_id, c["id"].as_str().unwrap()).await;
    let id = created["id"].as_str().unwrap();
    let (_, tracker_type) = v16.get(&format!("/ticket_types/{tracker}")).await;
    let tracker_state = tracker_type["ticket_states"]["data"][1]["id"].as_str().unwrap().to_owned();
    for state in [json!(0), json!(tracker_state), json!("abc")] {
        let (status, body) = v16.put(&format!("/tickets/{id}"), json!({"ticket_state_id": state})).await;
        let error = assert_error(status, &body, 400, "ticket_state_id_invalid");
        assert_eq!(
            error["message"],
            "Ticket state id is not valid or is not associated with the ticket type"
        );
    }
    let (status, body) =
        v16.put(&format!("/tickets/{id}"), json!({"admin_id": 999999, "assignee_id": "1"})).await;
    let error = assert_error(status, &body, 404, "assignee_not_found");
    assert_eq!(error["message"], "Assignee not found");
    let (status, body) = v16
        .put(&format!("/tickets/{id}"), json!({"admin_id": app.workspace.admin_id, "assignee_id": "999999"}))
        .await;
    assert_error(status, &body, 404, "assignee_not_found");
    let (status, body) =
        v16.put(&format!("/tickets/{id}"), json!({"ticket_attributes": {"nope": "x"}})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = v16.put(&format!("/tickets/{id}"), json!({"snoozed_until": 10})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = v16.put(&format!("/tickets/{id}"), json!({"state": "open"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    // Nothing of a refused update stays.
    let (_, same) = v16.get(&format!("/tickets/{id}")).await;
    assert_eq!(same["ticket_parts"]["total_count"], 1);
    for path in ["/tickets/999999", "/tickets/abc"] {
        let (status, body) = v16.get(path).await;
        assert_error(status, &body, 404, "ticket_not_found");
        let (status, body) = v16.put(path, json!({"open": false})).await;
        assert_error(status, &body, 404, "ticket_not_found");
    }
    // A conversation is no ticket; another workspace's ticket is not found.
    let (_, conversation) =
        app.post("/conversations", json!({"from": {"type": "user", "id": c["id"]}, "body": "Hi"})).await;
    let conversation_id = conversation["conversation_id"].as_str().unwrap();
    let (status, body) = v16.get(&format!("/tickets/{conversation_id}")).await;
    assert_error(status, &body, 404, "ticket_not_found");
    let other = app.other_workspace().await;
    let (status, body) = v16.get_as(&other.access_token, &format!("/tickets/{id}")).await;
    assert_error(status, &body, 404, "ticket_not_found");
}

backend_test!(replies_are_ticket_parts);
async fn replies_are_ticket_parts(app: TestApp) {
    let v16 = app.at_version("2.16");
    let type_id = ticket_type(&app, "Bug", "Customer").await;
    let back_office = ticket_type(&app, "Internal", "Back-office").await;
    let c = contact(&app, json!({"email": "t@x.io"})).await;
    let c_id = c["id"].as_str().unwrap();
    let created = ticket(&v16, &type_id, c_id).await;
    let id = created["id"].as_str().unwrap();
    let admin = app.workspace.admin_id.clone();
    let (status, note) = v16
        .post(
            &format!("/tickets/{id}/reply"),
            json!({"message_type": "note", "type": "admin", "admin_id": admin, "body": "Looking"}),
        )
        .await;
    assert_eq!(status, 200, "{note}");
    assert_eq!(note["type"], "ticket_part");
    assert_eq!(note["part_type"], "note");
    assert_eq!(note["body"], "<p>Looking</p>");
    assert_eq!(note["author"]["type"], "admin");
    // A contact's reply re-opens a closed ticket, and is a comment.
    v16.put(&format!("/tickets/{id}"), json!({"open": false})).await;
    let (status, comment) = v16
        .post(
            &format!("/tickets/{id}/reply"),
            json!({"message_type": "comment", "type": "user", "intercom_user_id": c_id, "body": "Thanks"}),
        )
        .await;
    assert_eq!(status, 200, "{comment}");
    let (_, reopened) = v16.get(&format!("/tickets/{id}")).await;
    assert_eq!(reopened["open"], true);
    assert_eq!(
        (comment["part_type"].clone(), comment["author"]["type"].clone()),
        (json!("comment"), json!("user"))
    );
    let (status, quick) = app
        .at_version("2.11")
        .post(
            &format!("/tickets/{id}/reply"),
            json!({"message_type": "quick_reply", "type": "admin", "admin_id": admin,
                   "reply_options": [{"text": "Yes", "uuid": "0df48b85-9a93-4c66-a167-753eff0baaec"}]}),
        )
        .await;
    assert_eq!(status, 200, "{quick}");
    assert_eq!(quick["part_type"], "quick_reply");
    let (_, got) = v16.get(&format!("/tickets/{id}")).await;
    assert_eq!(got["ticket_parts"]["total_count"], 5);

    // Documented errors.
    let other_ticket = ticket(&v16, &back_office, c_id).await;
    let other_id = other_ticket["id"].as_str().unwrap();
    let (status, body) = v16
        .post(
            &format!("/tickets/{other_id}/reply"),
            json!({"message_type": "comment", "type": "user", "intercom_user_id": c_id, "body": "x"}),
        )
        .await;
    let error = assert_error(status, &body, 400, "parameter_mismatch");
    assert_eq!(error["message"], "User replies are not allowed on Backoffice tickets");
    let (status, body) = v16
        .post(
            "/tickets/999999/reply",
            json!({"message_type": "comment", "type": "user", "intercom_user_id": c_id, "body": "x"}),
        )
        .await;
    let error = assert_error(status, &body, 404, "not_found");
    assert_eq!(error["message"], "Resource Not Found");
    let (status, body) = v16
        .post(
            &format!("/tickets/{id}/reply"),
            json!({"message_type": "comment", "type": "admin", "admin_id": "999999", "body": "x"}),
        )
        .await;
    assert_error(status, &body, 404, "admin_not_found");
    let (status, body) = v16
        .post(
            &format!("/tickets/{id}/reply"),
            json!({"message_type": "comment", "type": "admin", "admin_id": admin}),
        )
        .await;
    assert_error(status, &body, 400, "parameter_not_found");
    let stranger = contact(&app, json!({"email": "s@x.io"})).await;
    let (status, body) = v16
        .post(&format!("/tickets/{id}/reply"), json!({"message_type": "comment", "type": "user", "intercom_user_id": stranger["id"], "body": "x"}))
        .await;
    assert_error(status, &body, 400, "parameter_invalid");
}

backend_test!(deleting_a_ticket_removes_it);
async fn deleting_a_ticket_removes_it(app: TestApp) {
    let v16 = app.at_version("2.16");
    let type_id = ticket_type(&app, "Bug", "Customer").await;
    let c = contact(&app, json!({"email": "t@x.io"})).await;
    let created = ticket(&v16, &type_id, c["id"].as_str().unwrap()).await;
    let id = created["id"].as_str().unwrap();
    let other = app.other_workspace().await;
    let mut request = v16.request(Method::DELETE, &format!("/tickets/{id}"), None);
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    let (status, _, body) = v16.send(request).await;
    assert_error(status, &body, 404, "ticket_not_found");
    let (status, deleted) = v16.delete(&format!("/tickets/{id}")).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted, json!({"id": id, "object": "ticket", "deleted": true}));
    let (status, body) = v16.get(&format!("/tickets/{id}")).await;
    assert_error(status, &body, 404, "ticket_not_found");
    let (status, body) = v16.delete(&format!("/tickets/{id}")).await;
    assert_error(status, &body, 404, "ticket_not_found");
    let (status, _) = v16.get(&format!("/conversations/{id}")).await;
    assert_eq!(status, 404);
    // A ticket is a conversation: its id is listed as deleted, its metrics retained ("The ticket
    // will still appear in reporting").
    let (status, list) = v16.get("/conversations/deleted").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total_count"], 1, "{list}");
    assert_eq!(
        (list["conversations"][0]["id"].as_str(), list["conversations"][0]["metrics_retained"].as_bool()),
        (Some(id), Some(true)),
        "{list}"
    );
}

backend_test!(concurrent_creates_take_consecutive_numbers);
async fn concurrent_creates_take_consecutive_numbers(app: TestApp) {
    let type_id = ticket_type(&app, "Bug", "Customer").await;
    let c = contact(&app, json!({"email": "many@x.io"})).await;
    let c_id = c["id"].as_str().unwrap().to_owned();
    let app = std::sync::Arc::new(app);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (app, type_id, c_id) = (app.clone(), type_id.clone(), c_id.clone());
        calls.spawn(
            async move { ticket(&app, &type_id, &c_id).await["ticket_id"].as_str().unwrap().to_owned() },
        );
    }
    let mut numbers = Vec::new();
    while let Some(number) = calls.join_next().await {
        numbers.push(number.unwrap().parse::<i64>().unwrap());
    }
    numbers.sort();
    assert_eq!(numbers, (1..=8).collect::<Vec<_>>());
}
