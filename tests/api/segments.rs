//! Segments: made by the operator, listed with counts, and computed by the search compiler.

use serde_json::json;
use switchboard::domain::segment::PersonType;
use switchboard::store::StoreError;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{attribute, contact, segment, workspace_id};

backend_test!(membership_counts_and_search_agree);
async fn membership_counts_and_search_agree(app: TestApp) {
    attribute(&app, "plan", "string").await;
    let a = contact(&app, json!({"email": "a@acme.test", "custom_attributes": {"plan": "pro"}})).await;
    let b = contact(&app, json!({"email": "b@other.test", "custom_attributes": {"plan": "pro"}})).await;
    let lead = contact(&app, json!({"role": "lead", "email": "l@acme.test"})).await;
    let (a, b, lead) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap(), lead["id"].as_str().unwrap());
    let acme = segment(
        &app,
        "Acme",
        PersonType::User,
        json!({"field": "email", "operator": "$", "value": "@acme.test"}),
    )
    .await;
    let pro = segment(
        &app,
        "Pro",
        PersonType::User,
        json!({"operator": "AND", "value": [{"field": "custom_attributes.plan", "operator": "=", "value": "pro"}]}),
    )
    .await;
    let leads = segment(
        &app,
        "Acme leads",
        PersonType::Contact,
        json!({"field": "email", "operator": "~", "value": "acme"}),
    )
    .await;

    let (status, list) = app.get("/segments?include_count=true").await;
    assert_eq!(status, 200);
    assert_eq!(list["type"], "segment.list");
    let counts: Vec<(String, i64)> = list["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_owned(), s["count"].as_i64().unwrap()))
        .collect();
    assert_eq!(counts, [("Acme".into(), 1), ("Pro".into(), 2), ("Acme leads".into(), 1)]);
    let (_, plain) = app.get("/segments").await;
    assert!(plain["segments"][0].get("count").is_none());
    assert_eq!(plain["segments"][0]["type"], "segment");
    assert_eq!(plain["segments"][0]["person_type"], "user");
    assert_eq!(plain["segments"][2]["person_type"], "contact");

    for (segment_id, expected) in [(&acme, vec![a]), (&pro, vec![a, b]), (&leads, vec![lead])] {
        let (_, found) = app
            .post(
                "/contacts/search",
                json!({"query": {"field": "segment_id", "operator": "=", "value": segment_id}}),
            )
            .await;
        let ids: Vec<&str> =
            found["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(ids, expected);
        let (_, one) = app.get(&format!("/segments/{segment_id}?include_count=true")).await;
        assert_eq!(one["count"], expected.len());
    }
    let member_of = |body: serde_json::Value| -> Vec<String> {
        body["data"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
    };
    let (status, of_a) = app.get(&format!("/contacts/{a}/segments")).await;
    assert_eq!(status, 200);
    assert_eq!(of_a["type"], "list");
    assert_eq!(member_of(of_a), ["Acme", "Pro"]);
    assert_eq!(member_of(app.get(&format!("/contacts/{b}/segments")).await.1), ["Pro"]);
    assert_eq!(member_of(app.get(&format!("/contacts/{lead}/segments")).await.1), ["Acme leads"]);

    // Membership follows the data at once.
    app.put(&format!("/contacts/{b}"), json!({"email": "b@acme.test"})).await;
    assert_eq!(member_of(app.get(&format!("/contacts/{b}/segments")).await.1), ["Acme", "Pro"]);
    assert_eq!(app.get(&format!("/segments/{acme}?include_count=true")).await.1["count"], 2);
    // Archived contacts are in no segment.
    app.post(&format!("/contacts/{a}/archive"), json!({})).await;
    assert_eq!(member_of(app.get(&format!("/contacts/{a}/segments")).await.1), Vec::<String>::new());
    assert_eq!(app.get(&format!("/segments/{pro}?include_count=true")).await.1["count"], 1);
}

backend_test!(segment_errors);
async fn segment_errors(app: TestApp) {
    for path in ["/segments/000000000000000000000000", "/segments/x"] {
        let (status, error) = app.get(path).await;
        let error = assert_error(status, &error, 404, "not_found");
        assert_eq!(error["message"], "Resource Not Found");
    }
    let (status, error) = app.get("/segments?include_count=yes").await;
    assert_error(status, &error, 400, "parameter_invalid");
    // A segment's query is checked like a search; segments do not nest.
    let ws = workspace_id(&app).await;
    for query in [
        json!({"field": "nope", "operator": "=", "value": 1}),
        json!({"field": "segment_id", "operator": "=", "value": "abc"}),
        json!({"field": "created_at", "operator": "!=", "value": 1}),
    ] {
        let made = app.store.create_segment(ws, "Bad", PersonType::User, &query).await;
        assert!(matches!(made, Err(StoreError::Rejected(_))), "{query}");
    }
    assert_eq!(app.get("/segments").await.1["segments"], json!([]));
    let other = app.other_workspace().await;
    let id =
        segment(&app, "Mine", PersonType::User, json!({"field": "role", "operator": "=", "value": "user"}))
            .await;
    assert_eq!(app.get_as(&other.access_token, &format!("/segments/{id}")).await.0, 404);
    assert_eq!(app.get_as(&other.access_token, "/segments").await.1["segments"], json!([]));
}
