//! Input that once made the server answer 500 (found by scripts/schemathesis and by probing
//! PostgreSQL): each is refused as Intercom refuses bad input, on both backends.

use serde_json::json;

use crate::common::{TestApp, assert_error, backend_test};

// PostgreSQL refuses a NUL character in text ("invalid byte sequence for encoding UTF8: 0x00").
backend_test!(a_nul_character_in_a_body_is_refused);
async fn a_nul_character_in_a_body_is_refused(app: TestApp) {
    let (status, body) = app.post("/contacts", json!({"email": "ada\u{0}@example.com"})).await;
    let error = assert_error(status, &body, 400, "parameter_invalid");
    assert_eq!(error["field"], "email", "{body}");

    let (status, body) = app.post("/tags", json!({"name": "v\u{0}ip"})).await;
    assert_error(status, &body, 400, "parameter_invalid");

    let search = json!({"query": {"field": "name", "operator": "=", "value": "a\u{0}"}});
    let (status, body) = app.post("/contacts/search", search).await;
    let error = assert_error(status, &body, 400, "parameter_invalid");
    assert_eq!(error["field"], "query.value", "{body}");

    let (status, body) =
        app.post("/companies", json!({"company_id": "c1", "custom_attributes": {"k\u{0}": "v"}})).await;
    let error = assert_error(status, &body, 400, "parameter_invalid");
    assert_eq!(error["field"], "custom_attributes.k\u{0}", "{body}");

    let (status, body) = app.get("/contacts").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total_count"], 0, "nothing was stored: {body}");
}

backend_test!(a_nul_character_in_a_query_parameter_is_refused);
async fn a_nul_character_in_a_query_parameter_is_refused(app: TestApp) {
    let (status, body) = app.get("/companies?name=acme%00").await;
    let error = assert_error(status, &body, 400, "parameter_invalid");
    assert_eq!(error["field"], "name", "{body}");

    let (status, body) = app.get("/articles/search?phrase=a%00").await;
    assert_error(status, &body, 400, "parameter_invalid");
}

backend_test!(a_nul_character_in_a_path_names_nothing);
async fn a_nul_character_in_a_path_names_nothing(app: TestApp) {
    let (status, body) = app.get("/contacts/a%00b").await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.delete("/conversations/1/tags/a%00").await;
    assert_error(status, &body, 404, "not_found");
}
