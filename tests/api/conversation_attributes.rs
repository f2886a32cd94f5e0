//! Conversation attributes (2.16): create, list, retrieve, update, archive, a list's options,
//! and conversations' `custom_attributes` checked against them.

use serde_json::{Value as Json, json};
use switchboard::domain::data_attribute::conversation::{AttributeType, NewConversationAttribute};

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::workspace_id;
use crate::conversations::{admin, part, start, user};

async fn create(app: &TestApp, body: Json) -> Json {
    let (status, created) = app.post("/conversations/attributes", body.clone()).await;
    assert_eq!(status, 200, "{body}: {created}");
    created
}

fn labels(attribute: &Json) -> Vec<(String, bool)> {
    attribute["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["label"].as_str().unwrap().to_owned(), o["archived"].as_bool().unwrap()))
        .collect()
}

backend_test!(attributes_are_created_listed_updated_and_archived);
async fn attributes_are_created_listed_updated_and_archived(app: TestApp) {
    let app = app.at_version("2.16");
    let ws = workspace_id(&app).await;
    let team = app.store.create_team(ws, "Billing", &[]).await.unwrap();
    let string = create(
        &app,
        json!({"name": "api_test_attr", "data_type": "string", "description": "Created via API test",
               "multiline": true, "required": false, "visible_to_team_ids": [team.id.to_string()]}),
    )
    .await;
    assert_eq!(string["type"], "conversation_attribute");
    assert_eq!(string["data_type"], "string");
    assert_eq!(string["multiline"], true);
    assert_eq!(string["visible_to_team_ids"], json!([team.id.to_string()]));
    assert_eq!(string["admin_id"], admin(&app));
    assert!(string.get("options").is_none() && string.get("reference").is_none());
    let id = string["id"].as_i64().unwrap();

    let list = create(
        &app,
        json!({"name": "Tier", "data_type": "list", "options": [{"label": "Gold"}, {"label": "Silver"}]}),
    )
    .await;
    assert_eq!(labels(&list), vec![("Gold".into(), false), ("Silver".into(), false)]);
    assert!(list["options"][0]["id"].as_str().unwrap().len() == 36);
    assert!(list.get("multiline").is_none());
    let relation = create(&app, json!({"name": "Order", "data_type": "relationship", "reference": {"type": "one", "object_type_id": "Order"}})).await;
    assert_eq!(relation["reference"], json!({"type": "one", "object_type_id": "Order"}));
    for data_type in ["integer", "decimal", "boolean", "datetime", "files"] {
        let created = create(&app, json!({"name": format!("a_{data_type}"), "data_type": data_type})).await;
        assert_eq!(created["data_type"], data_type);
    }

    let (status, listed) = app.get("/conversations/attributes").await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["type"], "list");
    assert_eq!(listed["data"].as_array().unwrap().len(), 8);
    let (status, one) = app.get(&format!("/conversations/attributes/{id}")).await;
    assert_eq!((status.as_u16(), one["name"].clone()), (200, json!("api_test_attr")));

    let (status, updated) = app
        .put(&format!("/conversations/attributes/{id}"), json!({"name": "api_test_renamed", "description": "Updated", "required": true, "multiline": false, "visible_to_team_ids": []}))
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (
            updated["name"].clone(),
            updated["description"].clone(),
            updated["required"].clone(),
            updated["multiline"].clone()
        ),
        (json!("api_test_renamed"), json!("Updated"), json!(true), json!(false))
    );
    assert_eq!(updated["visible_to_team_ids"], json!([]));

    let (status, archived) = app.delete(&format!("/conversations/attributes/{id}")).await;
    assert_eq!((status.as_u16(), archived["archived"].clone()), (200, json!(true)));
    let (_, listed) = app.get("/conversations/attributes").await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 7);
    let (_, listed) = app.get("/conversations/attributes?include_archived=true").await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 8);

    // Up to 2.15 the same attributes are data attributes of model conversation.
    let (status, old) = app.at_version("2.11").get("/data_attributes?model=conversation").await;
    assert_eq!(status, 200);
    let tier = old["data"].as_array().unwrap().iter().find(|a| a["name"] == "Tier").unwrap().clone();
    assert_eq!(
        (tier["data_type"].clone(), tier["options"].clone()),
        (json!("string"), json!(["Gold", "Silver"]))
    );
}

backend_test!(attribute_requests_are_checked);
async fn attribute_requests_are_checked(app: TestApp) {
    let app = app.at_version("2.16");
    let (status, body) =
        app.post("/conversations/attributes", json!({"name": "x", "data_type": "invalid_type"})).await;
    let error = assert_error(status, &body, 422, "parameter_invalid");
    assert_eq!(
        error["message"],
        "data_type 'invalid_type' is not valid. Allowed types: string, integer, list, decimal, boolean, datetime, relationship, files"
    );
    for bad in [
        json!({"data_type": "string"}),
        json!({"name": "x"}),
        json!({"name": 5, "data_type": "string"}),
        json!({"name": "a.b", "data_type": "string"}),
        json!({"name": "x", "data_type": "list", "options": [{"label": "only one"}]}),
        json!({"name": "x", "data_type": "list"}),
        json!({"name": "x", "data_type": "list", "options": [{"label": "a"}, {"label": "a"}]}),
        json!({"name": "x", "data_type": "string", "options": [{"label": "a"}, {"label": "b"}]}),
        json!({"name": "x", "data_type": "integer", "multiline": true}),
        json!({"name": "x", "data_type": "relationship"}),
        json!({"name": "x", "data_type": "relationship", "reference": {"type": "several"}}),
        json!({"name": "x", "data_type": "string", "required": "yes"}),
        json!({"name": "x", "data_type": "string", "visible_to_team_ids": "1"}),
    ] {
        let (status, body) = app.post("/conversations/attributes", bad.clone()).await;
        assert_error(status, &body, 422, "parameter_invalid");
        let _ = bad;
    }
    let (status, body) = app
        .post(
            "/conversations/attributes",
            json!({"name": "x", "data_type": "string", "visible_to_team_ids": ["999"]}),
        )
        .await;
    assert_error(status, &body, 404, "team_not_found");
    create(&app, json!({"name": "plan", "data_type": "string"})).await;
    let (status, body) =
        app.post("/conversations/attributes", json!({"name": "Plan", "data_type": "integer"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.post("/conversations/attributes", json!(["not", "an", "object"])).await;
    assert_eq!(status.as_u16(), 400, "{body}");

    for path in ["/conversations/attributes/999999", "/conversations/attributes/abc"] {
        let (status, body) = app.get(path).await;
        assert_error(status, &body, 404, "conversation_attribute_not_found");
        let (status, body) = app.put(path, json!({"description": "x"})).await;
        assert_error(status, &body, 404, "conversation_attribute_not_found");
        let (status, body) = app.delete(path).await;
        assert_error(status, &body, 404, "conversation_attribute_not_found");
    }
    let plan = create(&app, json!({"name": "plan2", "data_type": "string"})).await;
    let path = format!("/conversations/attributes/{}", plan["id"]);
    for bad in [
        json!({"data_type": "integer"}),
        json!({"name": "plan"}),
        json!({"reference": {"type": "one"}}),
        json!({"required": 1}),
    ] {
        let (status, body) = app.put(&path, bad.clone()).await;
        assert!(matches!(status.as_u16(), 400 | 422), "{bad}: {body}");
        assert_eq!(body["errors"][0]["code"], "parameter_invalid", "{bad}: {body}");
    }

    // Another workspace's attribute is not found here.
    let created = app.other_workspace().await;
    let other = app.store.workspace_by_code(&created.workspace_id).await.unwrap().id;
    let new = NewConversationAttribute {
        name: "theirs".into(),
        description: String::new(),
        data_type: AttributeType::String,
        required: false,
        visible_to_team_ids: vec![],
        multiline: false,
        options: vec![],
        reference: None,
    };
    let theirs = app
        .store
        .create_conversation_attribute(other, created.admin_id.parse().unwrap(), &new)
        .await
        .unwrap();
    let (status, body) = app.get(&format!("/conversations/attributes/{}", theirs.id)).await;
    assert_error(status, &body, 404, "conversation_attribute_not_found");
    let (status, body) = app.delete(&format!("/conversations/attributes/{}", theirs.id)).await;
    assert_error(status, &body, 404, "conversation_attribute_not_found");
}

backend_test!(list_options_are_added_renamed_and_archived);
async fn list_options_are_added_renamed_and_archived(app: TestApp) {
    let app = app.at_version("2.16");
    let list = create(
        &app,
        json!({"name": "Tier", "data_type": "list", "options": [{"label": "1"}, {"label": "2"}]}),
    )
    .await;
    let base = format!("/conversations/attributes/{}/options", list["id"]);
    let (status, added) = app.post(&base, json!({"label": "High"})).await;
    assert_eq!(status, 200, "{added}");
    assert_eq!(labels(&added), vec![("1".into(), false), ("2".into(), false), ("High".into(), false)]);
    let first = added["options"][0]["id"].as_str().unwrap().to_owned();

    // A conversation holding the option's label keeps it through a rename.
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Hi").await;
    let (status, c) =
        app.put(&format!("/conversations/{id}"), json!({"custom_attributes": {"Tier": "1"}})).await;
    assert_eq!(status, 200, "{c}");
    let (status, renamed) = app.put(&format!("{base}/{first}"), json!({"label": "Renamed"})).await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["options"][0], json!({"id": first, "label": "Renamed", "archived": false}));
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(c["custom_attributes"]["Tier"], "Renamed");

    let (status, archived) = app.delete(&format!("{base}/{first}")).await;
    assert_eq!(status, 200, "{archived}");
    assert_eq!(
        labels(&archived),
        vec![("Renamed".into(), true), ("2".into(), false), ("High".into(), false)]
    );
    // An archived option is no value for new writes; the live ones are.
    let (status, body) =
        app.put(&format!("/conversations/{id}"), json!({"custom_attributes": {"Tier": "Renamed"}})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, _) =
        app.put(&format!("/conversations/{id}"), json!({"custom_attributes": {"Tier": "High"}})).await;
    assert_eq!(status, 200);
    let second = archived["options"][1]["id"].as_str().unwrap().to_owned();
    let (status, body) = app.delete(&format!("{base}/{second}")).await;
    assert_eq!(
        assert_error(status, &body, 422, "parameter_invalid")["message"],
        "A list attribute must have at least 2 active options"
    );

    for (bad, message) in [
        (json!({}), "label is required"),
        (json!({"label": 3}), "label must be a string"),
        (json!({"label": "x", "colour": "red"}), "only 'label' is accepted"),
        (json!({"label": "High"}), "The attribute already has an option labelled 'High'"),
        // Bodies that are no object name no label: the documented 422, not a 400.
        (json!("High"), "label is required"),
        (json!(["High"]), "label is required"),
        (json!(null), "label is required"),
    ] {
        let (status, body) = app.post(&base, bad.clone()).await;
        assert_eq!(assert_error(status, &body, 422, "parameter_invalid")["message"], message, "{bad}");
    }
    let (status, body) = app.put(&format!("{base}/{second}"), json!(42)).await;
    assert_eq!(assert_error(status, &body, 422, "parameter_invalid")["message"], "label is required");
    let (status, body) = app.put(&format!("{base}/not-an-option"), json!({"label": "x"})).await;
    assert_eq!(
        assert_error(status, &body, 404, "conversation_attribute_not_found")["message"],
        "List option not found"
    );
    let (status, body) = app.delete(&format!("{base}/not-an-option")).await;
    assert_error(status, &body, 404, "conversation_attribute_not_found");
    let (status, body) = app.post("/conversations/attributes/999999/options", json!({"label": "x"})).await;
    assert_eq!(
        assert_error(status, &body, 404, "conversation_attribute_not_found")["message"],
        "Conversation attribute not found"
    );
    let string = create(&app, json!({"name": "note", "data_type": "string"})).await;
    let (status, body) =
        app.post(&format!("/conversations/attributes/{}/options", string["id"]), json!({"label": "x"})).await;
    assert_eq!(
        assert_error(status, &body, 422, "parameter_invalid")["message"],
        "Options can only be managed on list attributes"
    );
}

backend_test!(conversation_values_follow_the_definitions);
async fn conversation_values_follow_the_definitions(app: TestApp) {
    let app = app.at_version("2.16");
    let seats = create(&app, json!({"name": "seats", "data_type": "integer", "required": true})).await;
    create(&app, json!({"name": "spend", "data_type": "decimal"})).await;
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Hi").await;
    let (status, body) =
        app.put(&format!("/conversations/{id}"), json!({"custom_attributes": {"seats": "many"}})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) =
        app.put(&format!("/conversations/{id}"), json!({"custom_attributes": {"nope": 1}})).await;
    assert_error(status, &body, 400, "parameter_invalid");

    // A required attribute must have a value before an admin closes the conversation.
    let close = json!({"message_type": "close", "type": "admin", "admin_id": admin(&app)});
    let (status, body) = app.post(&format!("/conversations/{id}/parts"), close.clone()).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, c) = app
        .put(&format!("/conversations/{id}"), json!({"custom_attributes": {"seats": 3, "spend": 2.5}}))
        .await;
    assert_eq!(status, 200, "{c}");
    part(&app, &id, close).await;

    // Renaming the attribute carries the value along.
    let (status, _) =
        app.put(&format!("/conversations/attributes/{}", seats["id"]), json!({"name": "licences"})).await;
    assert_eq!(status, 200);
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(c["custom_attributes"], json!({"licences": 3, "spend": 2.5}));
}
