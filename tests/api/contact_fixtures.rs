//! Helpers for the contact tests: contacts, attributes, segments, subscription types and
//! companies made through the API, the store or (for what no API writes yet) plain SQL.
#![allow(dead_code)] // shared by several test modules

use sea_query::{Expr, ExprTrait, Query, Value};
use serde_json::{Value as Json, json};
use switchboard::domain::segment::PersonType;
use switchboard::domain::subscription::ConsentType;
use switchboard::domain::subscription::NewSubscriptionType;
use switchboard::store::Exec;

use crate::common::TestApp;

pub async fn workspace_id(app: &TestApp) -> i64 {
    app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap().id
}

/// `POST /contacts`, which must succeed.
pub async fn contact(app: &TestApp, body: Json) -> Json {
    let (status, created) = app.post("/contacts", body.clone()).await;
    assert_eq!(status, 200, "create {body}: {created}");
    created
}

/// `POST /data_attributes` for the contact model, which must succeed.
pub async fn attribute(app: &TestApp, name: &str, data_type: &str) -> Json {
    let (status, created) =
        app.post("/data_attributes", json!({"name": name, "model": "contact", "data_type": data_type})).await;
    assert_eq!(status, 200, "{created}");
    created
}

/// `POST /tags` by name; returns the tag's id.
pub async fn tag(app: &TestApp, name: &str) -> String {
    let (status, tag) = app.post("/tags", json!({"name": name})).await;
    assert_eq!(status, 200, "{tag}");
    tag["id"].as_str().unwrap().to_owned()
}

pub async fn tag_contact(app: &TestApp, contact: &str, tag_id: &str) {
    let (status, body) = app.post(&format!("/contacts/{contact}/tags"), json!({"id": tag_id})).await;
    assert_eq!(status, 200, "{body}");
}

/// A segment, as `switchboard segment create` makes it.
pub async fn segment(app: &TestApp, name: &str, person_type: PersonType, query: Json) -> String {
    let ws = workspace_id(app).await;
    app.store.create_segment(ws, name, person_type, &query).await.unwrap().id
}

/// A subscription type, as `switchboard subscription-type create` makes it.
pub async fn subscription_type(app: &TestApp, name: &str, consent: ConsentType) -> String {
    let ws = workspace_id(app).await;
    let new = NewSubscriptionType {
        name: name.into(),
        description: format!("About {name}"),
        locale: "en".into(),
        state: "live".into(),
        consent_type: consent,
        content_types: vec!["email".into()],
    };
    app.store.create_subscription_type(ws, &new).await.unwrap().id.to_string()
}

async fn contact_row_id(app: &TestApp, contact: &str) -> i64 {
    let mut conn = app.store.conn().await.unwrap();
    conn.fetch_scalar(
        &Query::select().column("id").from("contacts").and_where(Expr::col("public_id").eq(contact)).take(),
    )
    .await
    .unwrap()
}

/// Sets columns the API does not write (the Messenger's: location, browser, devices...).
pub async fn set_columns(app: &TestApp, contact: &str, values: Vec<(&'static str, Value)>) {
    let id = contact_row_id(app, contact).await;
    let mut conn = app.store.conn().await.unwrap();
    let mut update = Query::update();
    update.table("contacts").and_where(Expr::col("id").eq(id));
    for (column, value) in values {
        update.value(column, value);
    }
    conn.execute(&update).await.unwrap();
}

/// A company attached to the contact (the companies API comes later); returns its API id.
pub async fn company_for(app: &TestApp, contact: &str, company_id: &str, name: &str) -> String {
    let ws = workspace_id(app).await;
    let contact = contact_row_id(app, contact).await;
    let public_id = format!("{:024x}", rand::random::<u64>());
    let mut conn = app.store.conn().await.unwrap();
    let now = switchboard::store::now();
    let id: i64 = conn
        .fetch_scalar(
            &Query::insert()
                .into_table("companies")
                .columns(["public_id", "workspace_id", "company_id", "name", "created_at", "updated_at"])
                .values_panic([
                    public_id.clone().into(),
                    ws.into(),
                    company_id.into(),
                    name.into(),
                    now.into(),
                    now.into(),
                ])
                .returning_col("id")
                .take(),
        )
        .await
        .unwrap();
    conn.execute(
        &Query::insert()
            .into_table("contact_companies")
            .columns(["contact_id", "company_id", "created_at"])
            .values_panic([contact.into(), id.into(), now.into()])
            .take(),
    )
    .await
    .unwrap();
    public_id
}
