//! The typed index of custom attributes (`custom_attribute_values`, kept by triggers) follows
//! every write of the JSON it indexes: contact creates, updates, merges and deletes, company
//! and conversation writes, ticket writes (their `ticket_attributes`), reset and restore. After each step the whole index is compared
//! with what the JSON says, and searches (which read only the index) answer from it.

use sea_query::{Expr, Query};
use serde_json::{Value as Json, json};
use switchboard::store::Exec;

use crate::common::{Backend, TestApp, backend_test};
use crate::contact_fixtures::{attribute, contact};
use crate::conversations::start;

/// The index as the JSON columns say it should be, one row per non-null value.
fn derived(backend: Backend) -> String {
    let tables = [
        ("contacts", 1, "id", "custom_attributes"),
        ("companies", 2, "id", "custom_attributes"),
        ("conversations", 3, "id", "custom_attributes"),
        ("tickets", 4, "conversation_id", "ticket_attributes"),
    ];
    let select = |(table, model, id, json): (&str, i32, &str, &str)| match backend {
        Backend::Sqlite => format!(
            "SELECT o.workspace_id, {model}, o.{id}, j.key, \
             CASE WHEN j.type IN ('integer', 'real') THEN j.value END, \
             CASE WHEN j.type IN ('text', 'array', 'object') THEN j.value END, \
             CASE j.type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END \
             FROM {table} AS o, json_each(o.{json}) AS j WHERE j.type <> 'null'"
        ),
        Backend::Postgres => format!(
            "SELECT o.workspace_id, {model}::smallint, o.{id}, e.key, \
             CASE jsonb_typeof(e.value) WHEN 'number' THEN (e.value #>> '{{}}')::numeric END, \
             CASE jsonb_typeof(e.value) WHEN 'string' THEN e.value #>> '{{}}' \
             WHEN 'array' THEN e.value::text WHEN 'object' THEN e.value::text END, \
             CASE jsonb_typeof(e.value) WHEN 'boolean' THEN (e.value #>> '{{}}')::boolean END \
             FROM {table} AS o, jsonb_each(o.{json}::jsonb) AS e WHERE jsonb_typeof(e.value) <> 'null'"
        ),
    };
    tables.into_iter().map(select).collect::<Vec<_>>().join(" UNION ALL ")
}

/// Rows in the index and not in the JSON, plus rows in the JSON and not in the index.
pub(crate) async fn differences(app: &TestApp) -> i64 {
    let index = "SELECT workspace_id, model, object_id, name, num_value, text_value, bool_value \
                 FROM custom_attribute_values";
    let sql = format!(
        "(WITH derived AS ({}) SELECT \
         (SELECT COUNT(*) FROM (SELECT * FROM derived EXCEPT {index}) AS missing) + \
         (SELECT COUNT(*) FROM ({index} EXCEPT SELECT * FROM derived) AS extra))",
        derived(app.backend)
    );
    let mut conn = app.store.conn().await.unwrap();
    conn.fetch_scalar(&Query::select().expr(Expr::cust(sql)).take()).await.unwrap()
}

async fn indexed_rows(app: &TestApp) -> i64 {
    let mut conn = app.store.conn().await.unwrap();
    let count = Query::select().expr(Expr::cust("COUNT(*)")).from("custom_attribute_values").take();
    conn.fetch_scalar(&count).await.unwrap()
}

async fn ok(app: &TestApp, (status, body): (axum::http::StatusCode, Json)) -> Json {
    assert!(status.is_success(), "{status}: {body}");
    assert_eq!(differences(app).await, 0, "the index differs from the JSON");
    body
}

async fn search(app: &TestApp, field: &str, operator: &str, value: Json) -> Vec<String> {
    let query = json!({"query": {"field": format!("custom_attributes.{field}"), "operator": operator, "value": value}});
    let (status, body) = app.post("/contacts/search", query).await;
    assert_eq!(status, 200, "{body}");
    let mut ids: Vec<String> =
        body["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

backend_test!(the_index_follows_every_write);
async fn the_index_follows_every_write(app: TestApp) {
    for (name, data_type) in
        [("plan", "string"), ("seats", "integer"), ("score", "float"), ("vip", "boolean")]
    {
        attribute(&app, name, data_type).await;
    }
    let tier = json!({"name": "tier", "model": "company", "data_type": "string"});
    ok(&app, app.post("/data_attributes", tier).await).await;
    let spend = json!({"name": "spend", "data_type": "decimal"});
    ok(&app, app.at_version("2.16").post("/conversations/attributes", spend).await).await;

    let ann = contact(
        &app,
        json!({"role": "user", "email": "ann@x.io",
               "custom_attributes": {"plan": "pro", "seats": 3, "score": 2.5, "vip": true}}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lead =
        contact(&app, json!({"role": "lead", "custom_attributes": {"plan": "free", "seats": 7}})).await;
    let bob =
        contact(&app, json!({"role": "user", "email": "bob@x.io", "custom_attributes": {"plan": "pro"}}))
            .await;
    assert_eq!(differences(&app).await, 0);
    assert_eq!(indexed_rows(&app).await, 7);

    let changes = json!({"custom_attributes": {"seats": 4, "vip": null}});
    ok(&app, app.put(&format!("/contacts/{ann}"), changes).await).await;
    assert_eq!(search(&app, "seats", "=", json!(4)).await, vec![ann.clone()]);
    assert!(search(&app, "vip", "=", json!(true)).await.is_empty());

    ok(&app, app.post("/contacts/merge", json!({"from": lead["id"], "into": ann})).await).await;
    ok(&app, app.delete(&format!("/contacts/{}", bob["id"].as_str().unwrap())).await).await;
    assert_eq!(search(&app, "plan", "=", json!("pro")).await, vec![ann.clone()]);

    let company = json!({"company_id": "c1", "name": "C", "custom_attributes": {"tier": "gold"}});
    ok(&app, app.post("/companies", company).await).await;
    ok(
        &app,
        app.post("/companies", json!({"company_id": "c1", "custom_attributes": {"tier": "silver"}})).await,
    )
    .await;
    let conversation = start(&app, &ann, "Hi").await;
    let spend = json!({"custom_attributes": {"spend": 1.5}});
    ok(&app, app.put(&format!("/conversations/{conversation}"), spend).await).await;
    let filled = indexed_rows(&app).await;

    ok(&app, app.post("/_switchboard/snapshots", json!({"name": "base"})).await).await;
    ok(&app, app.post("/_switchboard/reset", json!({})).await).await;
    assert_eq!(indexed_rows(&app).await, 0);
    ok(&app, app.post("/_switchboard/snapshots/base/restore", json!({})).await).await;
    assert_eq!(indexed_rows(&app).await, filled);
    assert_eq!(search(&app, "score", ">", json!(2)).await, vec![ann.clone()]);
    assert_eq!(search(&app, "plan", "~", json!("PR")).await, vec![ann]);
}

async fn ticket_search(app: &TestApp, field: &str, operator: &str, value: Json) -> Vec<String> {
    let query = json!({"field": format!("ticket_attribute.{field}"), "operator": operator, "value": value});
    let body = ok(app, app.post("/tickets/search", json!({"query": query})).await).await;
    let mut ids: Vec<String> =
        body["tickets"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

backend_test!(the_index_follows_every_ticket_write);
async fn the_index_follows_every_ticket_write(app: TestApp) {
    use crate::ticket_fixtures::{id, ticket, ticket_attribute, ticket_type};
    let joe = crate::conversations::user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    ticket_attribute(&app, &bug, "component", "string").await;
    ticket_attribute(&app, &bug, "severity", "integer").await;
    ticket_attribute(&app, &bug, "urgent", "boolean").await;
    let t1 =
        id(&ticket(&app, &bug, &joe, "Login", json!({"component": "login", "severity": 3, "urgent": true}))
            .await);
    let t2 = id(&ticket(&app, &bug, &joe, "Billing", json!({"component": "billing"})).await);
    assert_eq!(differences(&app).await, 0, "after creates");
    let before = indexed_rows(&app).await;
    assert!(before >= 7, "{before} rows");
    assert_eq!(ticket_search(&app, "component", "=", json!("login")).await, vec![t1.clone()]);
    assert_eq!(ticket_search(&app, "severity", ">", json!(2)).await, vec![t1.clone()]);
    assert_eq!(ticket_search(&app, "urgent", "=", json!(true)).await, vec![t1.clone()]);
    assert_eq!(ticket_search(&app, "_default_title_", "~", json!("bill")).await, vec![t2.clone()]);

    let update = json!({"ticket_attributes": {"component": "billing", "severity": null}});
    ok(&app, app.put(&format!("/tickets/{t1}"), update).await).await;
    let mut both = vec![t1.clone(), t2.clone()];
    both.sort();
    assert_eq!(ticket_search(&app, "component", "=", json!("billing")).await, both);
    assert_eq!(ticket_search(&app, "severity", ">", json!(2)).await, Vec::<String>::new());
    assert_eq!(ticket_search(&app, "severity", "!=", json!(3)).await, both);

    ok(&app, app.post("/_switchboard/snapshots", json!({"name": "tickets"})).await).await;
    ok(&app, app.delete(&format!("/tickets/{t2}")).await).await;
    assert_eq!(ticket_search(&app, "component", "=", json!("billing")).await, vec![t1.clone()]);
    ok(&app, app.post("/_switchboard/snapshots/tickets/restore", json!({})).await).await;
    assert_eq!(ticket_search(&app, "component", "=", json!("billing")).await, both);
    ok(&app, app.post("/_switchboard/reset", json!({})).await).await;
    assert_eq!(indexed_rows(&app).await, 0);
}
