//! Snapshots kept in several chunks per table: a restore puts back every table of the
//! workspace's data, and the typed index of custom attributes, exactly as they were.

use serde_json::json;
use switchboard::store::controls::{WORKSPACE_DATA, set_chunk_rows};
use switchboard::store::{ConnRef, Exec};

use crate::common::{TestApp, backend_test};
use crate::contact_fixtures::{attribute, company_for, contact, tag, tag_contact};

/// Every row of `table`, as text, sorted.
async fn rows(app: &TestApp, table: &str) -> Vec<String> {
    let mut conn = app.store.conn().await.unwrap();
    match conn.conn() {
        ConnRef::Sqlite(c) => {
            let mut columns = c.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid").unwrap();
            let columns: Vec<String> =
                columns.query_map([table], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
            let text =
                columns.iter().map(|c| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || ',' || ");
            let mut stmt = c.prepare(&format!("SELECT {text} FROM {table} ORDER BY 1")).unwrap();
            stmt.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
        }
        ConnRef::Postgres(c) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT t::text FROM {table} t ORDER BY 1")))
                .fetch_all(c)
                .await
                .unwrap()
        }
    }
}

async fn all_rows(app: &TestApp) -> Vec<(&'static str, Vec<String>)> {
    let mut all = Vec::new();
    for table in WORKSPACE_DATA.iter().map(|o| o.table).chain(["custom_attribute_values"]) {
        all.push((table, rows(app, table).await));
    }
    all
}

backend_test!(a_snapshot_of_many_chunks_restores_exactly);
async fn a_snapshot_of_many_chunks_restores_exactly(app: TestApp) {
    // Two rows a chunk: every table below spans several. Other tests running meanwhile only
    // take their snapshots in smaller chunks.
    set_chunk_rows(2);
    attribute(&app, "seats", "integer").await;
    let vip = tag(&app, "vip").await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let body = json!({"email": format!("p{i}@example.com"), "name": format!("Person {i}"),
            "custom_attributes": {"seats": i}});
        let id = contact(&app, body).await["id"].as_str().unwrap().to_owned();
        tag_contact(&app, &id, &vip).await;
        company_for(&app, &id, &format!("c{i}"), "Acme").await;
        let (status, _) = app.post(&format!("/contacts/{id}/notes"), json!({"body": "Hello"})).await;
        assert_eq!(status, 200);
        let (status, conversation) =
            app.post("/conversations", json!({"from": {"type": "user", "id": id}, "body": "Help"})).await;
        assert_eq!(status, 200, "{conversation}");
        ids.push(id);
    }
    let before = all_rows(&app).await;

    let (status, snapshot) = app.post("/_switchboard/snapshots", json!({"name": "base"})).await;
    assert_eq!(status, 201, "{snapshot}");
    assert_eq!(snapshot["counts"]["contacts"], 7);
    assert_eq!(snapshot["counts"]["contact_companies"], 7);

    // Changes after it, then the restore.
    let (status, _) = app.delete(&format!("/contacts/{}", ids[0])).await;
    assert_eq!(status, 200);
    let (status, _) =
        app.put(&format!("/contacts/{}", ids[1]), json!({"custom_attributes": {"seats": 40}})).await;
    assert_eq!(status, 200);
    contact(&app, json!({"email": "later@example.com"})).await;
    let (status, restored) = app.post("/_switchboard/snapshots/base/restore", json!({})).await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(all_rows(&app).await, before);

    // And after a reset.
    let (status, _) = app.post("/_switchboard/reset", json!({})).await;
    assert_eq!(status, 200);
    let (status, _) = app.post("/_switchboard/snapshots/base/restore", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(all_rows(&app).await, before);
    let search = json!({"query": {"field": "custom_attributes.seats", "operator": ">", "value": 4}});
    let (status, found) = app.post("/contacts/search", search).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["total_count"], 2, "{found}");
}
