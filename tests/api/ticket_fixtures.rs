//! Ticket types, attributes and tickets for the ticket search, links, tags and jobs tests.

use axum::http::header;
use serde_json::{Value as Json, json};

use crate::common::TestApp;

/// A ticket type of `category` (Customer, Back-office, Tracker); its id.
pub async fn ticket_type(app: &TestApp, name: &str, category: &str) -> String {
    let (status, body) =
        app.post("/ticket_types", json!({"name": name, "category": category, "description": name})).await;
    assert_eq!(status, 200, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// An attribute of a ticket type; its id.
pub async fn ticket_attribute(app: &TestApp, type_id: &str, name: &str, data_type: &str) -> String {
    let mut body = json!({"name": name, "description": name, "data_type": data_type});
    if data_type == "list" {
        body["list_items"] = json!("low,high");
    }
    let (status, body) = app.post(&format!("/ticket_types/{type_id}/attributes"), body).await;
    assert_eq!(status, 200, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// A ticket of `type_id` for `contact`, titled `title`, with `attributes` besides.
pub async fn ticket(app: &TestApp, type_id: &str, contact: &str, title: &str, attributes: Json) -> Json {
    let mut all = json!({"_default_title_": title, "_default_description_": format!("About {title}")});
    all.as_object_mut().unwrap().extend(attributes.as_object().cloned().unwrap_or_default());
    let (status, body) = app
        .post(
            "/tickets",
            json!({"ticket_type_id": type_id, "contacts": [{"id": contact}], "ticket_attributes": all}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

pub fn id(object: &Json) -> String {
    object["id"].as_str().unwrap().to_owned()
}

/// `POST path` as another workspace (its token).
pub async fn post_as(app: &TestApp, token: &str, path: &str, body: Json) -> (axum::http::StatusCode, Json) {
    let mut request = app.request(axum::http::Method::POST, path, Some(&body));
    request.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    let (status, _, body) = app.send(request).await;
    (status, body)
}
