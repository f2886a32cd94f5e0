//! Helpers for the company tests: companies and attachments through the API, and many
//! companies at once through plain SQL (for the scroll and the 10,000 limit).
#![allow(dead_code)] // shared by several test modules

use sea_query::{Expr, ExprTrait, Query};
use serde_json::{Value as Json, json};
use switchboard::store::Exec;

use crate::common::TestApp;
use crate::contact_fixtures::contact;

/// `POST /companies`, which must succeed.
pub async fn company(app: &TestApp, body: Json) -> Json {
    let (status, created) = app.post("/companies", body.clone()).await;
    assert_eq!(status, 200, "create {body}: {created}");
    created
}

/// A user contact; returns its id.
pub async fn user(app: &TestApp, email: &str) -> String {
    contact(app, json!({"email": email})).await["id"].as_str().unwrap().to_owned()
}

/// `POST /contacts/{contact}/companies`, which must succeed; returns the company.
pub async fn attach(app: &TestApp, contact: &str, company: &str) -> Json {
    let (status, body) = app.post(&format!("/contacts/{contact}/companies"), json!({"id": company})).await;
    assert_eq!(status, 200, "attach: {body}");
    body
}

/// A company with one contact, so that the lists show it; returns the company's id.
pub async fn listed_company(app: &TestApp, company_id: &str, contact: &str) -> String {
    let id = company(app, json!({"company_id": company_id, "name": company_id})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    attach(app, contact, &id).await;
    id
}

async fn contact_row_id(app: &TestApp, contact: &str) -> i64 {
    let mut conn = app.store.conn().await.unwrap();
    conn.fetch_scalar(
        &Query::select().column("id").from("contacts").and_where(Expr::col("public_id").eq(contact)).take(),
    )
    .await
    .unwrap()
}

/// Inserts `n` companies named `{prefix}-{i}` in the workspace `ws`, attached to `contact`
/// when given; returns their API ids in creation order.
pub async fn bulk_companies(
    app: &TestApp,
    ws: i64,
    prefix: &str,
    n: usize,
    contact: Option<&str>,
) -> Vec<String> {
    let contact = match contact {
        Some(c) => Some(contact_row_id(app, c).await),
        None => None,
    };
    let now = switchboard::store::now();
    let mut public_ids = Vec::with_capacity(n);
    let mut conn = app.store.conn().await.unwrap();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let mut insert = Query::insert();
        insert.into_table("companies").columns([
            "public_id",
            "workspace_id",
            "company_id",
            "name",
            "created_at",
            "updated_at",
        ]);
        let mut chunk_ids = Vec::new();
        for i in chunk {
            let public_id = format!("{:08x}{:016x}", now as u32, rand::random::<u64>());
            insert.values_panic([
                public_id.clone().into(),
                ws.into(),
                format!("{prefix}-{i}").into(),
                format!("{prefix}-{i}").into(),
                now.into(),
                now.into(),
            ]);
            chunk_ids.push(public_id);
        }
        let ids: Vec<(i64,)> = conn.fetch_all(&insert.returning_col("id").take()).await.unwrap();
        if let Some(contact) = contact {
            let mut attach = Query::insert();
            attach.into_table("contact_companies").columns(["contact_id", "company_id", "created_at"]);
            for (id,) in &ids {
                attach.values_panic([contact.into(), (*id).into(), now.into()]);
            }
            conn.execute(&attach).await.unwrap();
        }
        public_ids.extend(chunk_ids);
    }
    public_ids
}
