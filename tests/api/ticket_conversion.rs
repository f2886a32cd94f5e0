//! `POST /tickets/{id}/change_type` (2.16) and `POST /conversations/{id}/convert`, with their
//! documented errors.

use serde_json::{Value as Json, json};

use crate::common::{TestApp, assert_error, backend_test};
use crate::conversations::{admin, reply, start, user};
use crate::ticket_fixtures::{id, post_as, ticket, ticket_attribute, ticket_type};

/// The states of `category` (Customer, Back-office, Tracker) by their category: `(id, category)`.
async fn states(app: &TestApp, category: &str) -> Vec<(String, String)> {
    let (status, body) = app.at_version("2.16").get("/ticket_states").await;
    assert_eq!(status, 200, "{body}");
    let types = app.at_version("2.16").get("/ticket_types").await.1;
    let type_ids: Vec<&Json> = types["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["category"] == category)
        .map(|t| &t["id"])
        .collect();
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["ticket_types"]["data"].as_array().unwrap().iter().any(|t| type_ids.contains(&&t["id"]))
        })
        .map(|s| (id(s), s["category"].as_str().unwrap().to_owned()))
        .collect()
}

fn state<'a>(states: &'a [(String, String)], category: &str) -> &'a str {
    &states.iter().find(|(_, c)| c == category).unwrap().0
}

backend_test!(a_ticket_changes_type_within_its_category);
async fn a_ticket_changes_type_within_its_category(app: TestApp) {
    let v2 = app.at_version("2.16");
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    ticket_attribute(&app, &bug, "component", "string").await;
    ticket_attribute(&app, &bug, "size", "integer").await;
    let question = ticket_type(&app, "Question", "Customer").await;
    ticket_attribute(&app, &question, "component", "string").await;
    ticket_attribute(&app, &question, "size", "string").await;
    let chore = ticket_type(&app, "Chore", "Back-office").await;
    let t = id(&ticket(&app, &bug, &joe, "Login broken", json!({"component": "login", "size": 3})).await);
    let customer = states(&app, "Customer").await;
    let in_progress = state(&customer, "in_progress");
    let path = format!("/tickets/{t}/change_type");

    let (status, changed) = v2
        .post(&path, json!({"ticket_type_id": question, "ticket_state_id": in_progress, "ticket_attributes": {"size": "L"}}))
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["ticket_type"]["id"], question.as_str(), "{changed}");
    assert_eq!(changed["ticket_state"]["id"], in_progress, "{changed}");
    // Title and component match by name and type; size changed type, so the request's value.
    assert_eq!(
        changed["ticket_attributes"],
        json!({"_default_title_": "Login broken", "_default_description_": "About Login broken", "component": "login", "size": "L"}),
        "{changed}"
    );
    assert_eq!(
        changed["ticket_parts"]["ticket_parts"].as_array().unwrap().last().unwrap()["ticket_state"],
        "in_progress"
    );
    assert!(changed["previous_ticket_state_id"].is_string(), "{changed}");

    // The documented refusals.
    let bad = |body: Json| {
        let path = path.clone();
        let v2 = &v2;
        async move { v2.post(&path, body).await }
    };
    let (status, body) = bad(json!({"ticket_state_id": in_progress})).await;
    let error = assert_error(status, &body, 400, "parameter_not_found");
    assert_eq!(error["message"], "ticket_type_id is a required parameter");
    let (status, body) = bad(json!({"ticket_type_id": bug})).await;
    let error = assert_error(status, &body, 400, "parameter_not_found");
    assert_eq!(error["message"], "ticket_state_id is a required parameter");
    let (status, body) = bad(json!({"ticket_type_id": question, "ticket_state_id": in_progress})).await;
    let error = assert_error(status, &body, 400, "parameter_invalid");
    assert_eq!(error["message"], "Cannot change to the same ticket type");
    let back_office = states(&app, "Back-office").await;
    let (status, body) =
        bad(json!({"ticket_type_id": bug, "ticket_state_id": state(&back_office, "submitted")})).await;
    let error = assert_error(status, &body, 400, "parameter_invalid");
    assert_eq!(error["message"], "Ticket custom state doesn't belong to the new ticket type");
    let (status, body) =
        bad(json!({"ticket_type_id": chore, "ticket_state_id": state(&back_office, "submitted")})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) =
        bad(json!({"ticket_type_id": bug, "ticket_state_id": in_progress, "ticket_attributes": {"Priority": "high"}}))
            .await;
    let error = assert_error(status, &body, 400, "parameter_invalid");
    assert_eq!(error["message"], "Extra attributes provided that are not found on ticket type: Priority");
    let (status, body) = bad(json!({"ticket_type_id": "999999", "ticket_state_id": in_progress})).await;
    assert!(status.is_client_error(), "{body}");
    // Nothing of the refused changes was written.
    let (_, now) = v2.get(&format!("/tickets/{t}")).await;
    assert_eq!(now["ticket_type"]["id"], question.as_str());

    for missing in ["999999", "nope"] {
        let (status, body) = v2
            .post(
                &format!("/tickets/{missing}/change_type"),
                json!({"ticket_type_id": bug, "ticket_state_id": in_progress}),
            )
            .await;
        assert_error(status, &body, 404, "not_found");
    }
    let other = app.other_workspace().await;
    let (status, body) = post_as(
        &v2,
        &other.access_token,
        &path,
        json!({"ticket_type_id": bug, "ticket_state_id": in_progress}),
    )
    .await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(a_conversation_becomes_a_ticket);
async fn a_conversation_becomes_a_ticket(app: TestApp) {
    let me = admin(&app);
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let chore = ticket_type(&app, "Chore", "Back-office").await;
    let conversation = start(&app, &joe, "My invoice is wrong").await;
    reply(
        &app,
        &conversation,
        json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "Looking"}),
    )
    .await;
    let path = format!("/conversations/{conversation}/convert");

    let (status, body) = app.post(&path, json!({"ticket_type_id": chore})).await;
    let error = assert_error(status, &body, 400, "parameter_invalid");
    assert_eq!(error["message"], "Ticket type is not a customer ticket type");
    let (status, body) = app.post(&path, json!({})).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) = app.post(&path, json!({"ticket_type_id": bug, "attributes": {"nope": 1}})).await;
    assert_error(status, &body, 400, "parameter_invalid");

    let (status, converted) =
        app.post(&path, json!({"ticket_type_id": bug, "attributes": {"_default_title_": "Invoice"}})).await;
    assert_eq!(status, 200, "{converted}");
    assert_eq!(
        (converted["type"].as_str(), converted["id"].as_str()),
        (Some("ticket"), Some(conversation.as_str()))
    );
    assert_eq!(converted["ticket_attributes"]["_default_title_"], "Invoice", "{converted}");
    assert_eq!(converted["contacts"]["contacts"][0]["id"], joe.as_str(), "{converted}");
    let parts = converted["ticket_parts"]["ticket_parts"].as_array().unwrap();
    assert!(parts.iter().any(|p| p["body"].as_str().is_some_and(|b| b.contains("Looking"))), "{converted}");
    let (_, shown) = app.at_version("2.16").get(&format!("/tickets/{conversation}")).await;
    assert_eq!(shown["ticket_state"]["category"], "submitted", "{shown}");
    let query = json!({"query": {"field": "contact_ids", "operator": "=", "value": joe}});
    assert_eq!(app.post("/tickets/search", query).await.1["total_count"], 1);

    let (status, body) = app.post(&path, json!({"ticket_type_id": bug})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    for missing in ["999999", "nope"] {
        let (status, body) =
            app.post(&format!("/conversations/{missing}/convert"), json!({"ticket_type_id": bug})).await;
        assert_error(status, &body, 404, "not_found");
    }
    let other = app.other_workspace().await;
    let second = start(&app, &joe, "Another one").await;
    let (status, body) = post_as(
        &app,
        &other.access_token,
        &format!("/conversations/{second}/convert"),
        json!({"ticket_type_id": bug}),
    )
    .await;
    assert_error(status, &body, 404, "not_found");
}
