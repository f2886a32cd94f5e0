//! `POST /_switchboard/fixtures` with ticket types and tickets: types with their attributes,
//! tickets by the document's keys with attributes, state, assignee and replies, through the
//! ticket endpoints' own checks, all or nothing.

use serde_json::{Value, json};

use crate::common::{TestApp, assert_error, backend_test};

const PATH: &str = "/_switchboard/fixtures";

/// Two contacts, a company, a Customer type with a list attribute, a Back-office type, and a
/// ticket of each.
fn document(admin_id: &str) -> Value {
    json!({
        "companies": {"acme": {"company_id": "acme-1", "name": "Acme"}},
        "contacts": {
            "ada": {"email": "ada@example.com", "companies": ["acme"]},
            "bob": {"email": "bob@example.com"}
        },
        "ticket_types": {
            "bug": {
                "name": "Bug",
                "description": "Something is broken",
                "attributes": {
                    "component": {"description": "Where", "data_type": "list", "list_items": "API,Web"},
                    "severity": {"description": "How bad", "data_type": "integer"}
                }
            },
            "chore": {"name": "Chore", "category": "Back-office"}
        },
        "tickets": {
            "export": {
                "ticket_type": "bug",
                "contact": "ada",
                "company": "acme",
                "created_at": 1_600_000_000,
                "ticket_attributes": {
                    "_default_title_": "Export fails",
                    "_default_description_": "The CSV is empty",
                    "component": "API",
                    "severity": 2
                },
                "assignment": {"admin_assignee_id": admin_id},
                "state": "in_progress",
                "parts": [
                    {"type": "admin", "message_type": "comment", "body": "Looking."},
                    {"type": "user", "message_type": "comment", "body": "Thanks."},
                    {"type": "admin", "message_type": "note", "body": "Found it."}
                ]
            },
            "cleanup": {
                "ticket_type": "chore",
                "contact": "bob",
                "ticket_attributes": {"_default_title_": "Clean up"},
                "open": false
            }
        }
    })
}

/// How many ticket types and tickets the workspace has.
async fn holdings(app: &TestApp) -> (usize, i64) {
    let (status, types) = app.get("/ticket_types").await;
    assert_eq!(status, 200, "{types}");
    let query = json!({"query": {"field": "created_at", "operator": ">", "value": 0}});
    let (status, found) = app.post("/tickets/search", query).await;
    assert_eq!(status, 200, "{found}");
    (types["data"].as_array().unwrap().len(), found["total_count"].as_i64().unwrap())
}

backend_test!(a_document_loads_ticket_types_and_tickets_by_key);
async fn a_document_loads_ticket_types_and_tickets_by_key(app: TestApp) {
    let admin = app.workspace.admin_id.as_str();
    let (status, loaded) = app.post(PATH, document(admin)).await;
    assert_eq!(status, 201, "{loaded}");
    assert_eq!(holdings(&app).await, (2, 2));

    let bug = loaded["ticket_types"]["bug"].as_str().unwrap();
    let (status, bug_type) = app.get(&format!("/ticket_types/{bug}")).await;
    assert_eq!(status, 200, "{bug_type}");
    assert_eq!((&bug_type["name"], &bug_type["category"]), (&json!("Bug"), &json!("Customer")));
    let attributes = bug_type["ticket_type_attributes"]["ticket_type_attributes"].as_array().unwrap();
    let names: Vec<&str> = attributes.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["_default_title_", "_default_description_", "component", "severity"], "{bug_type}");
    let component = attributes.iter().find(|a| a["name"] == "component").unwrap();
    assert_eq!(component["data_type"], "list", "{component}");

    let export = loaded["tickets"]["export"].as_str().unwrap();
    let (status, ticket) = app.at_version("2.16").get(&format!("/tickets/{export}")).await;
    assert_eq!(status, 200, "{ticket}");
    assert_eq!(ticket["ticket_type"]["id"], bug);
    assert_eq!(ticket["contacts"]["contacts"][0]["id"], loaded["contacts"]["ada"]);
    assert_eq!(ticket["created_at"], 1_600_000_000);
    assert_eq!(ticket["ticket_attributes"]["component"], "API");
    assert_eq!(ticket["ticket_attributes"]["severity"], 2);
    assert_eq!(ticket["ticket_state"]["category"], "in_progress");
    assert_eq!(ticket["admin_assignee_id"].to_string().trim_matches('"'), admin);
    let parts = ticket["ticket_parts"]["ticket_parts"].as_array().unwrap();
    let kinds: Vec<&str> = parts.iter().map(|p| p["part_type"].as_str().unwrap()).collect();
    assert!(
        kinds.ends_with(&["comment", "comment", "note", "ticket_state_updated_by_admin"]),
        "replies, then the state: {kinds:?}"
    );
    let by_contact = parts.iter().filter(|p| p["author"]["type"] == "user").count();
    assert_eq!(by_contact, 1, "{parts:?}");

    let cleanup = loaded["tickets"]["cleanup"].as_str().unwrap();
    let (status, ticket) = app.get(&format!("/tickets/{cleanup}")).await;
    assert_eq!(status, 200, "{ticket}");
    assert_eq!(ticket["category"], "Back-office");
    assert_eq!(ticket["open"], false);
    assert_eq!(ticket["ticket_type"]["id"], loaded["ticket_types"]["chore"]);
}

backend_test!(a_document_with_a_bad_ticket_loads_nothing);
async fn a_document_with_a_bad_ticket_loads_nothing(app: TestApp) {
    let admin = app.workspace.admin_id.as_str();
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("/tickets/export/ticket_type", json!("feature"), "parameter_invalid", "tickets.export.ticket_type"),
        ("/tickets/export/contact", json!("carol"), "parameter_invalid", "tickets.export.contact"),
        ("/tickets/export/company", json!("globex"), "parameter_invalid", "tickets.export.company"),
        ("/tickets/export/contact", Value::Null, "parameter_not_found", "tickets.export.contact"),
        ("/tickets/export/ticket_type_id", json!("1"), "parameter_invalid", "tickets.export.ticket_type_id"),
        (
            "/tickets/export/ticket_attributes/component",
            json!("Mobile"),
            "parameter_invalid",
            "tickets.export",
        ),
        ("/tickets/export/state", json!("shouting"), "parameter_invalid", "tickets.export.state"),
        (
            "/tickets/export/parts/2/message_type",
            json!("close"),
            "parameter_invalid",
            "tickets.export.parts[2].message_type",
        ),
        ("/tickets/export/parts/1/contact", json!("bob"), "parameter_invalid", "tickets.export.parts[1]"),
        (
            "/tickets/cleanup/parts",
            json!([{"type": "user", "message_type": "comment", "body": "Me?"}]),
            "parameter_mismatch",
            "tickets.cleanup.parts[0]",
        ),
        (
            "/ticket_types/bug/attributes/component/data_type",
            json!("colour"),
            "parameter_invalid",
            "ticket_types.bug.attributes.component.data_type",
        ),
        (
            "/ticket_types/bug/attributes/severity/description",
            Value::Null,
            "parameter_not_found",
            "ticket_types.bug.attributes.severity.description",
        ),
        ("/ticket_types/chore/category", json!("Chores"), "parameter_invalid", "ticket_types.chore.category"),
        ("/ticket_types/chore/attributes", json!([]), "parameter_invalid", "ticket_types.chore.attributes"),
    ];
    for (pointer, value, code, field) in cases {
        let mut doc = document(admin);
        let (parent, last) = pointer.rsplit_once('/').unwrap();
        match (doc.pointer_mut(parent).unwrap(), value) {
            (Value::Object(map), Value::Null) => {
                map.remove(last);
            }
            (Value::Object(map), value) => {
                map.insert(last.to_owned(), value);
            }
            (Value::Array(items), value) => items[last.parse::<usize>().unwrap()] = value,
            (other, _) => panic!("{pointer}: {other}"),
        }
        let (status, error) = app.post(PATH, doc).await;
        let error = assert_error(status, &error, 400, code);
        let reported = error["field"].as_str().unwrap_or_default();
        assert!(reported.starts_with(field), "{pointer}: {error}");
        let object = field.split('.').take(2).collect::<Vec<_>>().join(".");
        assert!(error["message"].as_str().unwrap().starts_with(&object), "{pointer}: {error}");
        assert_eq!(holdings(&app).await, (0, 0), "{pointer} left something behind");
        let (_, contacts) = app.get("/contacts").await;
        assert_eq!(contacts["data"], json!([]), "{pointer} left contacts behind");
    }
}
