//! Tags: the workspace's tags, POST /tags in all its forms, and a contact's tags.

use serde_json::{Value, json};
use switchboard::domain::segment::PersonType;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{company_for, contact, segment, tag, tag_contact};

backend_test!(tags_are_created_found_renamed_and_listed);
async fn tags_are_created_found_renamed_and_listed(app: TestApp) {
    let (status, created) = app.post("/tags", json!({"name": "Independent"})).await;
    assert_eq!(status, 200);
    assert_eq!(created["type"], "tag");
    assert_eq!(created["name"], "Independent");
    let id = created["id"].as_str().unwrap();
    assert!(id.parse::<i64>().is_ok(), "numeric ids travel as strings");
    assert!(created.get("applied_at").is_none());
    // Names are case insensitive: the same tag comes back.
    let (_, again) = app.post("/tags", json!({"name": "independent"})).await;
    assert_eq!(again, created);
    let (status, renamed) = app.post("/tags", json!({"name": "Freelance", "id": id})).await;
    assert_eq!(status, 200);
    assert_eq!(renamed, json!({"type": "tag", "id": id, "name": "Freelance"}));
    let (_, found) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(found, renamed);
    tag(&app, "Second").await;
    let (status, list) = app.get("/tags").await;
    assert_eq!(status, 200);
    assert_eq!(list["type"], "list");
    let names: Vec<&str> =
        list["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Freelance", "Second"]);

    let (status, error) = app.post("/tags", json!({"name": "second", "id": id})).await;
    assert_error(status, &error, 400, "parameter_invalid");
    for body in [json!({"test": "invalid"}), json!({"name": "  "}), json!({"name": 7})] {
        let (status, error) = app.post("/tags", body).await;
        assert_error(status, &error, 400, "parameter_invalid");
    }
    for path in ["/tags/999999", "/tags/abc"] {
        let (status, error) = app.get(path).await;
        let error = assert_error(status, &error, 404, "not_found");
        assert_eq!(error["message"], "Resource Not Found");
    }
    let (status, error) = app.post("/tags", json!({"name": "x", "id": "999999"})).await;
    assert_error(status, &error, 404, "not_found");
    let other = app.other_workspace().await;
    let (status, _) = app.get_as(&other.access_token, &format!("/tags/{id}")).await;
    assert_eq!(status, 404);
}

backend_test!(contacts_are_tagged_and_untagged);
async fn contacts_are_tagged_and_untagged(app: TestApp) {
    let c = contact(&app, json!({"email": "t@x.io"})).await;
    let id = c["id"].as_str().unwrap();
    let vip = tag(&app, "vip").await;
    let (status, applied) = app.post(&format!("/contacts/{id}/tags"), json!({"id": vip})).await;
    assert_eq!(status, 200);
    assert_eq!(applied["id"], vip);
    assert_eq!(applied["name"], "vip");
    assert!(applied["applied_at"].is_i64());
    assert_eq!(applied["applied_by"], json!({"type": "admin", "id": app.workspace.admin_id}));
    // Numeric ids are accepted, and tagging twice changes nothing.
    let (status, _) =
        app.post(&format!("/contacts/{id}/tags"), json!({"id": vip.parse::<i64>().unwrap()})).await;
    assert_eq!(status, 200);
    let (status, list) = app.get(&format!("/contacts/{id}/tags")).await;
    assert_eq!(status, 200);
    assert_eq!(list["type"], "list");
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["data"][0]["applied_at"], applied["applied_at"]);

    let (status, error) = app.post(&format!("/contacts/{id}/tags"), json!({"id": "999999"})).await;
    let error = assert_error(status, &error, 404, "not_found");
    assert_eq!(error["message"], "Resource Not Found");
    let (status, error) = app.post(&format!("/contacts/{id}/tags"), json!({})).await;
    assert_error(status, &error, 400, "parameter_not_found");

    let (status, removed) = app.delete(&format!("/contacts/{id}/tags/{vip}")).await;
    assert_eq!(status, 200);
    assert_eq!(removed["id"], vip);
    assert_eq!(removed["applied_at"], applied["applied_at"]);
    assert_eq!(app.get(&format!("/contacts/{id}/tags")).await.1["data"], json!([]));
    assert_eq!(app.get(&format!("/contacts/{id}")).await.1["tags"]["total_count"], 0);
    let (status, error) = app.delete(&format!("/contacts/{id}/tags/999999")).await;
    assert_error(status, &error, 404, "not_found");
}

backend_test!(post_tags_tags_users_and_companies);
async fn post_tags_tags_users_and_companies(app: TestApp) {
    let a = contact(&app, json!({"email": "a@x.io"})).await["id"].as_str().unwrap().to_owned();
    let b = contact(&app, json!({"email": "b@x.io"})).await["id"].as_str().unwrap().to_owned();
    let (status, t) = app.post("/tags", json!({"name": "Beta", "users": [{"id": a}, {"id": b}]})).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["name"], "Beta");
    let (_, found) = app
        .post("/contacts/search", json!({"query": {"field": "tag_id", "operator": "=", "value": t["id"]}}))
        .await;
    assert_eq!(found["total_count"], 2);
    // One unknown user: nothing is tagged.
    let (status, error) =
        app.post("/tags", json!({"name": "Gamma", "users": [{"id": a}, {"id": "123"}]})).await;
    let error = assert_error(status, &error, 404, "not_found");
    assert_eq!(error["message"], "User Not Found");
    let names: Vec<Value> =
        app.get("/tags").await.1["data"].as_array().unwrap().iter().map(|t| t["name"].clone()).collect();
    assert_eq!(names, [json!("Beta")]);

    let company = company_for(&app, &a, "c-9", "Acme").await;
    let (status, t) =
        app.post("/tags", json!({"name": "Enterprise", "companies": [{"company_id": "c-9"}]})).await;
    assert_eq!(status, 200, "{t}");
    let (_, companies) = app.get(&format!("/contacts/{a}/companies")).await;
    assert_eq!(companies["companies"][0]["tags"]["tags"][0]["name"], "Enterprise");
    let (status, _) =
        app.post("/tags", json!({"name": "Enterprise", "companies": [{"id": company, "untag": true}]})).await;
    assert_eq!(status, 200);
    let (_, companies) = app.get(&format!("/contacts/{a}/companies")).await;
    assert_eq!(companies["companies"][0]["tags"]["tags"], json!([]));
    let (status, error) =
        app.post("/tags", json!({"name": "Enterprise", "companies": [{"company_id": "123"}]})).await;
    let error = assert_error(status, &error, 404, "company_not_found");
    assert_eq!(error["message"], "Company Not Found");
}

backend_test!(deleting_a_tag);
async fn deleting_a_tag(app: TestApp) {
    let c = contact(&app, json!({"email": "d@x.io"})).await["id"].as_str().unwrap().to_owned();
    let used = tag(&app, "used").await;
    let free = tag(&app, "free").await;
    tag_contact(&app, &c, &free).await;
    segment(&app, "Seg 1", PersonType::User, json!({"field": "tag_id", "operator": "=", "value": used}))
        .await;
    let (status, error) = app.delete(&format!("/tags/{used}")).await;
    let error = assert_error(status, &error, 400, "tag_has_dependent_objects");
    assert_eq!(error["message"], "Unable to delete Tag with dependent objects. Segments: Seg 1.");
    let (status, body) = app.delete(&format!("/tags/{free}")).await;
    assert_eq!(status, 200);
    assert_eq!(body, Value::Null, "an empty body");
    assert_eq!(app.get(&format!("/tags/{free}")).await.0, 404);
    assert_eq!(app.get(&format!("/contacts/{c}/tags")).await.1["data"], json!([]));
    let (status, error) = app.delete(&format!("/tags/{free}")).await;
    assert_error(status, &error, 404, "not_found");
}
