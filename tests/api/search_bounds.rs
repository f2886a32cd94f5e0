//! Where a search comparison starts and stops: conversations' `>` and `<` include the value
//! ("Greater (or equal) than", "Lower (or equal) than"); contacts' stay strict ("Greater than").
//! Contacts' date fields take only the operators the descriptions allow them.

use serde_json::{Value as Json, json};

use crate::common::{TestApp, assert_error, backend_test};
use crate::conversations::{admin, start, user};

async fn count(app: &TestApp, path: &str, query: Json) -> i64 {
    let (status, body) = app.post(path, json!({"query": query})).await;
    assert_eq!(status, 200, "{query}: {body}");
    body["total_count"].as_i64().unwrap()
}

backend_test!(conversation_comparisons_include_the_value);
async fn conversation_comparisons_include_the_value(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Hello").await;
    let (_, conversation) = app.get(&format!("/conversations/{id}")).await;
    let created_at = conversation["created_at"].as_i64().unwrap();
    let parts = conversation["statistics"]["count_conversation_parts"].as_i64().unwrap();

    let search = |field: &'static str, operator: &'static str, value: i64| {
        count(&app, "/conversations/search", json!({"field": field, "operator": operator, "value": value}))
    };
    assert_eq!(search("created_at", ">", created_at).await, 1);
    assert_eq!(search("created_at", "<", created_at).await, 1);
    assert_eq!(search("created_at", ">", created_at + 1).await, 0);
    assert_eq!(search("created_at", "<", created_at - 1).await, 0);
    assert_eq!(search("statistics.count_conversation_parts", ">", parts).await, 1);
    assert_eq!(search("statistics.count_conversation_parts", "<", parts).await, 1);
    assert_eq!(search("statistics.count_conversation_parts", ">", parts + 1).await, 0);
}

backend_test!(contact_comparisons_stay_strict);
async fn contact_comparisons_stay_strict(app: TestApp) {
    let owner: i64 = admin(&app).parse().unwrap();
    let (status, created) =
        app.post("/contacts", json!({"role": "user", "email": "ann@example.com", "owner_id": owner})).await;
    assert_eq!(status, 200, "{created}");
    let search = |operator: &'static str, value: i64| {
        count(&app, "/contacts/search", json!({"field": "owner_id", "operator": operator, "value": value}))
    };
    assert_eq!(search(">", owner).await, 0);
    assert_eq!(search("<", owner).await, 0);
    assert_eq!(search(">", owner - 1).await, 1);
    assert_eq!(search("<", owner + 1).await, 1);
}

// Every description (2.7 to 2.16, Preview) says of contacts search: "The `!=`, `>=`, `<=`, `IN`
// and `NIN` operators are not supported on Date fields and return an error"; conversations
// search lists `= != IN NIN` for "All" types.
backend_test!(contact_dates_take_only_the_documented_operators);
async fn contact_dates_take_only_the_documented_operators(app: TestApp) {
    for (operator, value) in
        [("!=", json!(1)), ("IN", json!([1])), ("NIN", json!([1])), (">=", json!(1)), ("<=", json!(1))]
    {
        let query = json!({"field": "signed_up_at", "operator": operator, "value": value});
        let (status, body) = app.post("/contacts/search", json!({"query": query})).await;
        let error = assert_error(status, &body, 400, "parameter_invalid");
        assert!(error["message"].as_str().unwrap().ends_with("supported operators: =, <, >"), "{error}");
    }
    for (operator, value) in [("!=", json!(1)), ("IN", json!([1])), ("NIN", json!([1]))] {
        let query = json!({"field": "created_at", "operator": operator, "value": value});
        assert_eq!(count(&app, "/conversations/search", query).await, 0);
    }
}
