//! Ticket types, their attributes, and ticket states.

use serde_json::{Value, json};

use crate::common::{TestApp, assert_error, backend_test};

/// A new ticket type of `category`; its id.
pub async fn ticket_type(app: &TestApp, name: &str, category: &str) -> String {
    let (status, created) = app.post("/ticket_types", json!({"name": name, "category": category})).await;
    assert_eq!(status, 200, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

/// A new attribute of the type; the attribute.
pub async fn type_attribute(app: &TestApp, type_id: &str, body: Value) -> Value {
    let (status, created) = app.post(&format!("/ticket_types/{type_id}/attributes"), body).await;
    assert_eq!(status, 200, "{created}");
    created
}

backend_test!(ticket_types_are_created_with_the_default_attributes);
async fn ticket_types_are_created_with_the_default_attributes(app: TestApp) {
    let app = app.at_version("2.16");
    let (status, created) = app
        .post(
            "/ticket_types",
            json!({"name": "Bug Report", "description": "Report bugs", "category": "Back-office", "icon": "🐞"}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["type"], "ticket_type");
    assert_eq!(created["name"], "Bug Report");
    assert_eq!(created["description"], "Report bugs");
    assert_eq!(created["category"], "Back-office");
    assert_eq!(created["icon"], "🐞");
    assert_eq!(created["archived"], false);
    assert_eq!(created["is_internal"], false);
    assert_eq!(created["workspace_id"], app.workspace.workspace_id);
    let attributes = created["ticket_type_attributes"]["ticket_type_attributes"].as_array().unwrap();
    let names: Vec<&str> = attributes.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["_default_title_", "_default_description_"]);
    assert_eq!(attributes[0]["default"], true);
    assert_eq!(attributes[0]["input_options"], json!({"multiline": false}));
    assert_eq!(attributes[1]["input_options"], json!({"multiline": true}));
    assert_eq!(attributes[1]["order"], 1);
    let states: Vec<&str> = created["ticket_states"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["category"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["submitted", "in_progress", "waiting_on_customer", "resolved"]);

    // Defaults: a Customer type with the 🎟️ icon.
    let (_, plain) = app.post("/ticket_types", json!({"name": "Question"})).await;
    assert_eq!((plain["category"].clone(), plain["icon"].clone()), (json!("Customer"), json!("🎟️")));

    let id = created["id"].as_str().unwrap();
    let (status, got) = app.get(&format!("/ticket_types/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(got["id"], id);
    let (status, list) = app.get("/ticket_types").await;
    assert_eq!(status, 200);
    assert_eq!(list["type"], "list");
    assert_eq!(list["data"].as_array().unwrap().len(), 2);

    let (status, updated) = app
        .put(
            &format!("/ticket_types/{id}"),
            json!({"name": "Bug Report 2", "archived": true, "is_internal": true}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!((updated["name"].clone(), updated["archived"].clone()), (json!("Bug Report 2"), json!(true)));
    assert_eq!(updated["is_internal"], true);
    assert_eq!(updated["description"], "Report bugs", "what the update leaves out stays");

    // 2.11 shows no states on a type.
    let (_, old) = app.at_version("2.11").get(&format!("/ticket_types/{id}")).await;
    assert!(old.get("ticket_states").is_none(), "{old}");
}

backend_test!(ticket_type_requests_are_checked);
async fn ticket_type_requests_are_checked(app: TestApp) {
    let (status, body) = app.post("/ticket_types", json!({"description": "no name"})).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) = app.post("/ticket_types", json!({"name": "  "})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.post("/ticket_types", json!({"name": "X", "category": "Sales"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.get("/ticket_types/999999").await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.get("/ticket_types/abc").await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.put("/ticket_types/999999", json!({"name": "Y"})).await;
    assert_error(status, &body, 404, "not_found");

    // Another workspace's type is not found.
    let id = ticket_type(&app, "Mine", "Customer").await;
    let other = app.other_workspace().await;
    let (status, body) = app.get_as(&other.access_token, &format!("/ticket_types/{id}")).await;
    assert_error(status, &body, 404, "not_found");
    let (_, list) = app.get_as(&other.access_token, "/ticket_types").await;
    assert_eq!(list["data"], json!([]));
}

backend_test!(attributes_of_every_data_type_are_created_and_updated);
async fn attributes_of_every_data_type_are_created_and_updated(app: TestApp) {
    let app = app.at_version("2.16");
    let id = ticket_type(&app, "Bug", "Customer").await;
    let created = type_attribute(
        &app,
        &id,
        json!({"name": "Steps", "description": "How to reproduce", "data_type": "string", "multiline": true,
               "required_to_create": true, "visible_to_contacts": false}),
    )
    .await;
    assert_eq!(created["type"], "ticket_type_attribute");
    assert_eq!(created["data_type"], "string");
    assert_eq!(created["input_options"], json!({"multiline": true}));
    assert_eq!(created["order"], 2);
    assert_eq!(created["required_to_create"], true);
    assert_eq!(created["required_to_create_for_contacts"], false);
    assert_eq!(created["visible_on_create"], true);
    assert_eq!(created["visible_to_contacts"], false);
    assert_eq!(created["default"], false);
    assert_eq!(created["ticket_type_id"], id.parse::<i64>().unwrap());

    let list = type_attribute(
        &app,
        &id,
        json!({"name": "Priority", "description": "", "data_type": "list", "list_items": "Low, High"}),
    )
    .await;
    let options = list["input_options"]["list_options"].as_array().unwrap();
    assert_eq!(options.len(), 2);
    assert_eq!(options[1]["label"], "High");
    assert!(options[1]["id"].as_str().unwrap().len() > 10);
    let files = type_attribute(
        &app,
        &id,
        json!({"name": "Photos", "description": "", "data_type": "files", "allow_multiple_values": true}),
    )
    .await;
    assert_eq!(files["input_options"], json!({"allow_multiple_values": true}));
    for data_type in ["integer", "decimal", "boolean", "datetime"] {
        let made =
            type_attribute(&app, &id, json!({"name": data_type, "description": "d", "data_type": data_type}))
                .await;
        assert_eq!(made["data_type"], data_type);
        assert_eq!(made["input_options"], json!({}));
    }

    // Updating: a list keeps the ids of the items it keeps and archives the others.
    let list_id = list["id"].as_str().unwrap();
    let (status, updated) = app
        .put(
            &format!("/ticket_types/{id}/attributes/{list_id}"),
            json!({"description": "How urgent", "list_items": "High,Urgent", "required_to_create": true}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["description"], "How urgent");
    assert_eq!(updated["required_to_create"], true);
    let options = updated["input_options"]["list_options"].as_array().unwrap();
    assert_eq!(options.len(), 3);
    assert_eq!(options[0]["archived"], true);
    assert_eq!(options[1]["id"], list["input_options"]["list_options"][1]["id"]);
    let (status, archived) =
        app.put(&format!("/ticket_types/{id}/attributes/{list_id}"), json!({"archived": true})).await;
    assert_eq!(status, 200);
    assert_eq!(archived["archived"], true);

    let (_, whole) = app.get(&format!("/ticket_types/{id}")).await;
    assert_eq!(whole["ticket_type_attributes"]["ticket_type_attributes"].as_array().unwrap().len(), 9);
}

backend_test!(attribute_requests_are_checked);
async fn attribute_requests_are_checked(app: TestApp) {
    let id = ticket_type(&app, "Bug", "Customer").await;
    let path = format!("/ticket_types/{id}/attributes");
    for (body, code) in [
        (json!({"description": "d", "data_type": "string"}), "parameter_not_found"),
        (json!({"name": "a", "data_type": "string"}), "parameter_not_found"),
        (json!({"name": "a", "description": "d"}), "parameter_not_found"),
        (json!({"name": "a", "description": "d", "data_type": "colour"}), "parameter_invalid"),
        (json!({"name": "a", "description": "d", "data_type": "list"}), "parameter_not_found"),
        (
            json!({"name": "a", "description": "d", "data_type": "list", "list_items": " , "}),
            "parameter_invalid",
        ),
        (
            json!({"name": "a", "description": "d", "data_type": "integer", "multiline": true}),
            "parameter_invalid",
        ),
        (
            json!({"name": "a", "description": "d", "data_type": "string", "list_items": "x"}),
            "parameter_invalid",
        ),
        (
            json!({"name": "a", "description": "d", "data_type": "string", "allow_multiple_values": true}),
            "parameter_invalid",
        ),
        (json!({"name": "_default_title_", "description": "d", "data_type": "string"}), "parameter_invalid"),
    ] {
        let (status, answer) = app.post(&path, body.clone()).await;
        assert_error(status, &answer, 400, code);
    }
    let (status, body) = app
        .post(
            "/ticket_types/999999/attributes",
            json!({"name": "a", "description": "d", "data_type": "string"}),
        )
        .await;
    assert_error(status, &body, 404, "not_found");

    let made =
        type_attribute(&app, &id, json!({"name": "count", "description": "d", "data_type": "integer"})).await;
    let made_id = made["id"].as_str().unwrap();
    let (status, body) = app.put(&format!("{path}/{made_id}"), json!({"data_type": "string"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) =
        app.put(&format!("{path}/{made_id}"), json!({"name": "_default_description_"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.put(&format!("{path}/999999"), json!({"description": "x"})).await;
    assert_error(status, &body, 404, "not_found");
    // The default attributes keep their name and are never archived.
    let (_, whole) = app.get(&format!("/ticket_types/{id}")).await;
    let title =
        whole["ticket_type_attributes"]["ticket_type_attributes"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = app.put(&format!("{path}/{title}"), json!({"archived": true})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, ok) = app.put(&format!("{path}/{title}"), json!({"required_to_create": true})).await;
    assert_eq!((status.as_u16(), ok["required_to_create"].clone()), (200, json!(true)));
}

backend_test!(every_workspace_has_the_default_ticket_states);
async fn every_workspace_has_the_default_ticket_states(app: TestApp) {
    let app = app.at_version("2.16");
    let back_office = ticket_type(&app, "Internal", "Back-office").await;
    let (status, list) = app.get("/ticket_states").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["type"], "list");
    let states = list["data"].as_array().unwrap();
    assert_eq!(states.len(), 12, "four states for each of three categories");
    let labels: Vec<(&str, &str)> = states[..4]
        .iter()
        .map(|s| (s["internal_label"].as_str().unwrap(), s["external_label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        labels,
        [
            ("Submitted", "Submitted"),
            ("In progress", "In progress"),
            ("Waiting on customer", "Waiting on you"),
            ("Resolved", "Resolved")
        ]
    );
    assert_eq!(states[0]["type"], "ticket_state");
    assert_eq!(states[0]["archived"], false);
    // Each state lists the types of its category.
    let with_type: Vec<&Value> = states
        .iter()
        .filter(|s| {
            s["ticket_types"]["data"].as_array().unwrap().iter().any(|t| t["id"] == back_office.as_str())
        })
        .collect();
    assert_eq!(with_type.len(), 4);
    assert_eq!(with_type[0]["ticket_types"]["data"][0]["category"], "Back-office");

    // A type's states are those of its category, and the same on every read.
    let (_, got) = app.get(&format!("/ticket_types/{back_office}")).await;
    let ids: Vec<&Value> = with_type.iter().map(|s| &s["id"]).collect();
    let type_ids: Vec<&Value> =
        got["ticket_states"]["data"].as_array().unwrap().iter().map(|s| &s["id"]).collect();
    assert_eq!(ids, type_ids);
    let (_, again) = app.get("/ticket_states").await;
    assert_eq!(again["data"].as_array().unwrap().len(), 12);

    let other = app.other_workspace().await;
    let (_, theirs) = app.get_as(&other.access_token, "/ticket_states").await;
    assert_eq!(theirs["data"].as_array().unwrap().len(), 12);
    assert_ne!(theirs["data"][0]["id"], list["data"][0]["id"], "each workspace has its own");
}
