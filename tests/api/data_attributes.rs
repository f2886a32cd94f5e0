//! Data attributes: the built-in and custom attributes of contacts, companies and conversations.

use serde_json::{Value, json};
use switchboard::domain::segment::PersonType;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{contact, segment};

backend_test!(lists_built_in_and_custom_attributes);
async fn lists_built_in_and_custom_attributes(app: TestApp) {
    let (status, created) = app
        .post(
            "/data_attributes",
            json!({"name": "Mithril Shirt", "model": "company", "data_type": "string", "description": "Shiny"}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert!(created["id"].is_i64(), "data attribute ids are integers");
    assert_eq!(created["type"], "data_attribute");
    assert_eq!(created["name"], "Mithril Shirt");
    assert_eq!(created["full_name"], "custom_attributes.Mithril Shirt");
    assert_eq!(created["label"], "Mithril Shirt");
    assert_eq!(created["description"], "Shiny");
    assert_eq!(created["data_type"], "string");
    assert_eq!(created["api_writable"], true);
    assert_eq!(created["ui_writable"], false);
    assert_eq!(created["messenger_writable"], false);
    assert_eq!(created["custom"], true);
    assert_eq!(created["archived"], false);
    assert_eq!(created["admin_id"], app.workspace.admin_id);
    assert_eq!(created["model"], "company");
    assert!(created["created_at"].is_i64());

    let (status, companies) = app.get("/data_attributes?model=company").await;
    assert_eq!(status, 200);
    assert_eq!(companies["type"], "list");
    let data = companies["data"].as_array().unwrap();
    assert!(data.iter().all(|a| a["model"] == "company"));
    let plan = data.iter().find(|a| a["full_name"] == "plan.name").unwrap();
    assert_eq!(plan["name"], "name");
    assert_eq!(plan["custom"], false);
    assert!(plan.get("id").is_none(), "built-in attributes have no id");
    assert_eq!(data.last().unwrap()["id"], created["id"]);

    let (_, contacts) = app.get("/data_attributes?model=contact").await;
    let names: Vec<&str> =
        contacts["data"].as_array().unwrap().iter().map(|a| a["full_name"].as_str().unwrap()).collect();
    for builtin in ["email", "name", "created_at", "location.country", "unsubscribed_from_emails"] {
        assert!(names.contains(&builtin), "{builtin}");
    }
    let (_, conversations) = app.get("/data_attributes?model=conversation").await;
    assert!(conversations["data"].as_array().unwrap().iter().any(|a| a["full_name"] == "state"));
    let (_, all) = app.get("/data_attributes").await;
    let count = |v: &Value| v["data"].as_array().unwrap().len();
    assert_eq!(count(&all), count(&companies) + count(&contacts) + count(&conversations));
    let (status, error) = app.get("/data_attributes?model=ticket").await;
    assert_error(status, &error, 400, "parameter_invalid");
}

backend_test!(every_data_type_and_list_options);
async fn every_data_type_and_list_options(app: TestApp) {
    for (data_type, shown) in [
        ("string", "string"),
        ("integer", "integer"),
        ("float", "float"),
        ("boolean", "boolean"),
        ("date", "date"),
        ("datetime", "date"),
    ] {
        let (status, created) = app
            .post(
                "/data_attributes",
                json!({"name": format!("a_{data_type}"), "model": "contact", "data_type": data_type}),
            )
            .await;
        assert_eq!(status, 200, "{created}");
        assert_eq!(created["data_type"], shown);
    }
    let (status, list) = app
        .post(
            "/data_attributes",
            json!({"name": "tier", "model": "contact", "data_type": "string", "options": [{"value": "gold"}, "silver"], "messenger_writable": true}),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["options"], json!(["gold", "silver"]));
    assert_eq!(list["data_type"], "string");
    // The official SDKs send list attributes as data_type "options".
    let (status, sized) = app
        .post("/data_attributes", json!({"name": "size", "model": "contact", "data_type": "options", "options": [{"value": "S"}, {"value": "M"}]}))
        .await;
    assert_eq!(status, 200, "{sized}");
    assert_eq!((&sized["data_type"], &sized["options"]), (&json!("string"), &json!(["S", "M"])));
    let (status, error) = app
        .post("/data_attributes", json!({"name": "bare", "model": "contact", "data_type": "options"}))
        .await;
    assert_error(status, &error, 400, "parameter_invalid");
    assert_eq!(list["messenger_writable"], true);
    // List values are checked on contacts.
    let (status, _) =
        app.post("/contacts", json!({"email": "t@x.io", "custom_attributes": {"tier": "gold"}})).await;
    assert_eq!(status, 200);
    let (status, error) =
        app.post("/contacts", json!({"email": "u@x.io", "custom_attributes": {"tier": "bronze"}})).await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (status, c) = app
        .post(
            "/contacts",
            json!({"email": "v@x.io", "custom_attributes": {"a_integer": 3, "a_float": 2.5, "a_boolean": false, "a_date": 1700000000, "a_string": "s"}}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
}

backend_test!(documented_create_errors);
async fn documented_create_errors(app: TestApp) {
    app.post("/data_attributes", json!({"name": "The One Ring", "model": "company", "data_type": "string"}))
        .await;
    let cases = [
        (
            json!({"name": "The One Ring", "model": "contact", "data_type": "integer"}),
            "You already have 'The One Ring' in your company data. To save this as new people data, use a different name.",
        ),
        (
            json!({"name": "the one ring", "model": "company", "data_type": "string"}),
            "You already have 'The One Ring' in your company data. To save this as new company data, use a different name.",
        ),
        (
            json!({"name": "!nv@l!d n@me", "model": "company", "data_type": "string"}),
            "Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens",
        ),
        (
            json!({"name": "The Second Ring", "model": "company", "data_type": "mithril"}),
            "Data Type isn't an option",
        ),
        (
            json!({"description": "Just a plain old ring", "options": [{"value": "1-10"}], "archived": false}),
            "The Data Attribute model field must be either contact or company",
        ),
        (
            json!({"name": "x", "model": "conversation", "data_type": "string"}),
            "The Data Attribute model field must be either contact or company",
        ),
        (
            json!({"name": "ring size", "model": "contact", "data_type": "string", "options": [{"value": "1-10"}]}),
            "You must have at least two options on a list type data attribute",
        ),
        (
            json!({"name": "Email", "model": "contact", "data_type": "string"}),
            "'Email' is one of our standard attributes for your people data. To save this as new people data, use a different name.",
        ),
    ];
    for (body, message) in cases {
        let (status, error) = app.post("/data_attributes", body.clone()).await;
        let error = assert_error(status, &error, 400, "parameter_invalid");
        assert_eq!(error["message"], message, "{body}");
    }
    let (status, error) =
        app.post("/data_attributes", json!({"model": "contact", "data_type": "string"})).await;
    assert_error(status, &error, 400, "parameter_not_found");
    let (status, error) = app
        .post(
            "/data_attributes",
            json!({"name": "n", "model": "contact", "data_type": "integer", "options": ["a", "b"]}),
        )
        .await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (_, list) = app.get("/data_attributes?model=contact").await;
    assert!(list["data"].as_array().unwrap().iter().all(|a| a["custom"] == false), "nothing was created");
}

backend_test!(updates_and_archiving);
async fn updates_and_archiving(app: TestApp) {
    let (_, ring) = app
        .post("/data_attributes", json!({"name": "ring", "model": "contact", "data_type": "string"}))
        .await;
    let path = format!("/data_attributes/{}", ring["id"]);
    let (status, updated) = app
        .put(&path, json!({"description": "Just a plain old ring", "options": [{"value": "1-10"}, {"value": "11-20"}], "archived": false}))
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["description"], "Just a plain old ring");
    assert_eq!(updated["options"], json!(["1-10", "11-20"]));
    assert_eq!(updated["name"], "ring");

    for (body, message) in [
        (json!({"options": {"value": "1-10"}}), "Options isn't an array"),
        (
            json!({"options": [{"value": "1-10"}]}),
            "You must have at least two options on a list type data attribute",
        ),
    ] {
        let (status, error) = app.put(&path, body).await;
        let error = assert_error(status, &error, 400, "parameter_invalid");
        assert_eq!(error["message"], message);
    }
    let (status, error) = app.put(&path, json!({"data_type": "integer"})).await;
    let error = assert_error(status, &error, 400, "parameter_invalid");
    assert_eq!(error["field"], "data_type");
    for missing in ["/data_attributes/999999", "/data_attributes/x"] {
        let (status, error) = app.put(missing, json!({"description": "x"})).await;
        let error = assert_error(status, &error, 404, "field_not_found");
        assert_eq!(error["message"], "We couldn't find that data attribute to update");
    }

    // A segment filters on it: archiving is refused.
    segment(
        &app,
        "Ring bearers",
        PersonType::User,
        json!({"field": "custom_attributes.ring", "operator": "=", "value": "1-10"}),
    )
    .await;
    let (status, error) =
        app.put(&path, json!({"description": "Trying to archieve", "archived": true})).await;
    let error = assert_error(status, &error, 422, "data_invalid");
    assert_eq!(error["message"], "The Data Attribute you are trying to archive has a dependant object");

    let (_, other) = app
        .post("/data_attributes", json!({"name": "old", "model": "contact", "data_type": "integer"}))
        .await;
    let c = contact(&app, json!({"email": "o@x.io", "custom_attributes": {"old": 1}})).await;
    let (status, archived) =
        app.put(&format!("/data_attributes/{}", other["id"]), json!({"archived": true})).await;
    assert_eq!(status, 200);
    assert_eq!(archived["archived"], true);
    let (_, list) = app.get("/data_attributes?model=contact").await;
    assert!(!list["data"].as_array().unwrap().iter().any(|a| a["name"] == "old"));
    let (_, with_archived) = app.get("/data_attributes?model=contact&include_archived=true").await;
    assert!(
        with_archived["data"].as_array().unwrap().iter().any(|a| a["name"] == "old" && a["archived"] == true)
    );
    // Archived attributes keep their values but take no new ones.
    let id = c["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/contacts/{id}")).await.1["custom_attributes"]["old"], 1);
    let (status, error) = app.put(&format!("/contacts/{id}"), json!({"custom_attributes": {"old": 2}})).await;
    assert_error(status, &error, 400, "parameter_invalid");
    let other_ws = app.other_workspace().await;
    assert_eq!(
        app.get_as(&other_ws.access_token, "/data_attributes?model=contact").await.1["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["custom"] == true)
            .count(),
        0
    );
}
