//! Webhooks: subscriptions over HTTP, the `ping`, every wired topic's item, the signature.
//! Deliveries go to a real receiver (an HTTP server in the test) from a delivery worker run on
//! the test's store.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use switchboard::api::ApiConfig;
use switchboard::store::Store;
use switchboard::store::webhooks::deliveries::RetryPolicy;
use switchboard::webhooks::WebhookWorker;
use tokio::sync::watch;

use crate::common::{TestApp, assert_error, backend_test, eventually};

/// How long a test waits for a delivery.
pub const WAIT: Duration = Duration::from_secs(15);

/// What the receiver got: one POST.
#[derive(Debug, Clone)]
pub struct Received {
    pub signature: String,
    pub user_agent: String,
    pub content_type: String,
    pub body: Bytes,
    pub json: Value,
}

/// An HTTP server that records each notification and answers `status`.
#[derive(Clone, Default)]
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let receiver = Receiver { url, status: Arc::new(AtomicU16::new(200)), ..Receiver::default() };
        let app = axum::Router::new().route("/hook", post(receive)).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// The items of the notifications of `topic` received so far.
    pub fn items(&self, topic: &str) -> Vec<Value> {
        self.got()
            .into_iter()
            .filter(|r| r.json["topic"] == topic)
            .map(|r| r.json["data"]["item"].clone())
            .collect()
    }

    /// Waits for a notification of `topic` and returns its item.
    pub async fn item(&self, topic: &str) -> Value {
        eventually(WAIT, &format!("sent {topic}"), async || !self.items(topic).is_empty()).await;
        self.items(topic).remove(0)
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    receiver.got.lock().unwrap().push(Received {
        signature: header("x-hub-signature"),
        user_agent: header("user-agent"),
        content_type: header("content-type"),
        body,
        json,
    });
    StatusCode::from_u16(receiver.status.load(Ordering::SeqCst)).unwrap()
}

/// A delivery worker on `store`, retrying after `base_ms` for `max_ms`; stops when dropped.
pub fn start_worker(store: &Store, base_ms: u64, max_ms: i64) -> watch::Sender<bool> {
    let (stop, stopped) = watch::channel(false);
    let worker = WebhookWorker {
        poll: Duration::from_millis(20),
        timeout: Duration::from_secs(2),
        retry: RetryPolicy { base_ms, max_ms },
        ..WebhookWorker::default()
    };
    tokio::spawn(worker.run(store.clone(), stopped));
    stop
}

/// The subscription's id, after subscribing the receiver to `topics`.
pub async fn subscribe(app: &TestApp, receiver: &Receiver, topics: &[&str]) -> String {
    let (status, created) =
        app.post("/_switchboard/webhooks", json!({"url": receiver.url, "topics": topics})).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

fn hmac_sha1_hex(key: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

backend_test!(subscriptions_are_created_listed_and_deleted);
async fn subscriptions_are_created_listed_and_deleted(app: TestApp) {
    let receiver = Receiver::start().await;
    let body = json!({"url": receiver.url, "topics": ["contact.user.created", "company.created"], "api_version": "2.7"});
    let (status, created) = app.post("/_switchboard/webhooks", body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["type"], "webhook_subscription");
    assert_eq!(created["topics"], json!(["contact.user.created", "company.created"]));
    assert_eq!(created["api_version"], "2.7");
    assert_eq!(created["active"], true);
    let id = created["id"].as_str().unwrap();

    let (status, list) = app.get("/_switchboard/webhooks").await;
    assert_eq!(status, 200);
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
    assert!(!list.to_string().contains(&app.workspace.client_secret), "the secret is not shown");
    let (status, one) = app.get(&format!("/_switchboard/webhooks/{id}")).await;
    assert_eq!((status.as_u16(), &one["url"]), (200, &json!(receiver.url)));

    // Another workspace sees none of it.
    let other = app.other_workspace().await;
    let (status, body) = app.get_as(&other.access_token, &format!("/_switchboard/webhooks/{id}")).await;
    assert_error(status, &body, 404, "not_found");
    let (_, theirs) = app.get_as(&other.access_token, "/_switchboard/webhooks").await;
    assert_eq!(theirs["data"], json!([]));

    let (status, deleted) = app.delete(&format!("/_switchboard/webhooks/{id}")).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["deleted"], true);
    let (status, body) = app.get(&format!("/_switchboard/webhooks/{id}")).await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.delete(&format!("/_switchboard/webhooks/{id}")).await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.get("/_switchboard/webhooks/nope").await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(bad_subscriptions_are_refused);
async fn bad_subscriptions_are_refused(app: TestApp) {
    for (body, field) in [
        (json!({"url": "ftp://example.com/", "topics": ["ping"]}), "url"),
        (json!({"url": "not a url", "topics": ["ping"]}), "url"),
        (json!({"url": 7, "topics": ["ping"]}), "url"),
        (json!({"url": "http://example.com/", "topics": []}), "topics"),
        (json!({"url": "http://example.com/", "topics": "ping"}), "topics"),
        (json!({"url": "http://example.com/", "topics": ["ping"], "api_version": "0.1"}), "api_version"),
        (json!({"url": "http://example.com/", "topics": ["ping"], "secret": "x"}), "secret"),
    ] {
        let (status, error) = app.post("/_switchboard/webhooks", body.clone()).await;
        let error = assert_error(status, &error, 400, "parameter_invalid");
        assert_eq!(error["field"], field, "{body}");
    }
    let (status, error) = app.post("/_switchboard/webhooks", json!({"topics": ["ping"]})).await;
    assert_error(status, &error, 400, "parameter_not_found");
    let body =
        json!({"url": "https://example.com/", "topics": ["contact.user.created", "contact.user.exploded"]});
    let (status, error) = app.post("/_switchboard/webhooks", body).await;
    let error = assert_error(status, &error, 400, "parameter_invalid");
    assert!(error["message"].as_str().unwrap().contains("contact.user.exploded"), "{error}");
    let (_, list) = app.get("/_switchboard/webhooks").await;
    assert_eq!(list["data"], json!([]), "nothing was created");
}

backend_test!(a_new_subscription_is_pinged_with_a_signed_notification);
async fn a_new_subscription_is_pinged_with_a_signed_notification(app: TestApp) {
    let receiver = Receiver::start().await;
    let _worker = start_worker(&app.store, 100, 60_000);
    let id = subscribe(&app, &receiver, &["contact.user.created"]).await;
    let ping = receiver.item("ping").await;
    assert_eq!(ping["type"], "ping");
    let got = receiver.got().remove(0);
    let secret = &app.workspace.client_secret;
    assert_eq!(got.signature, format!("sha1={}", hmac_sha1_hex(secret, &got.body)));
    assert!(got.user_agent.starts_with("Switchboard-Webhooks/"), "{}", got.user_agent);
    assert_eq!(got.content_type, "application/json");
    let event = &got.json;
    assert_eq!(event["type"], "notification_event");
    assert!(event["id"].as_str().unwrap().starts_with("notif_"), "{event}");
    assert_eq!(event["app_id"], app.workspace.workspace_id);
    assert_eq!(event["data"]["type"], "notification_event_data");
    assert_eq!(event["delivery_attempts"], 1);
    for field in ["created_at", "first_sent_at", "delivered_at"] {
        assert!(event[field].is_i64(), "{field} in {event}");
    }
    for field in ["links", "self", "delivery_status"] {
        assert!(event.get(field).is_some(), "{field} in {event}");
    }

    // The delivery is listed, delivered.
    let path = format!("/_switchboard/webhooks/{id}/deliveries");
    eventually(WAIT, "the ping marked delivered", async || {
        app.get(&path).await.1["data"][0]["status"] == "delivered"
    })
    .await;
    let (_, deliveries) = app.get(&path).await;
    let delivery = &deliveries["data"][0];
    assert_eq!(delivery["notification_id"], event["id"]);
    assert_eq!(delivery["topic"], "ping");
    assert_eq!(delivery["response_code"], 200);
    assert!(delivery["duration_ms"].is_i64(), "{delivery}");
    assert_eq!(delivery["next_attempt_at"], Value::Null);
}

backend_test!(every_wired_topic_fires_with_its_item);
async fn every_wired_topic_fires_with_its_item(app: TestApp) {
    let receiver = Receiver::start().await;
    let _worker = start_worker(&app.store, 100, 60_000);
    let topics: Vec<&str> = switchboard::domain::webhook::TOPICS.iter().map(|t| t.name).collect();
    subscribe(&app, &receiver, &topics).await;

    let (_, user) = app.post("/contacts", json!({"email": "u@example.com", "external_id": "u-1"})).await;
    let user_id = user["id"].as_str().unwrap();
    assert_eq!(receiver.item("contact.user.created").await["id"], user_id);
    let (_, lead) = app.post("/contacts", json!({"role": "lead", "name": "Lea"})).await;
    let lead_id = lead["id"].as_str().unwrap();
    let item = receiver.item("contact.lead.created").await;
    assert_eq!(
        (&item["type"], &item["id"], &item["role"]),
        (&json!("contact"), &json!(lead_id), &json!("lead"))
    );

    app.put(&format!("/contacts/{user_id}"), json!({"email": "new@example.com"})).await;
    assert_eq!(receiver.item("contact.email.updated").await["email"], "new@example.com");
    assert_eq!(receiver.item("contact.user.updated").await["id"], user_id);
    app.put(&format!("/contacts/{lead_id}"), json!({"name": "Lea B"})).await;
    assert_eq!(receiver.item("contact.lead.updated").await["name"], "Lea B");

    let (_, tag) = app.post("/tags", json!({"name": "VIP"})).await;
    let tag_id = tag["id"].as_str().unwrap();
    app.post(&format!("/contacts/{user_id}/tags"), json!({"id": tag_id})).await;
    let item = receiver.item("contact.tag.created").await;
    assert_eq!(item["type"], "contact_tag");
    assert_eq!((&item["tag"]["id"], &item["contact"]["id"]), (&json!(tag_id), &json!(user_id)));
    app.delete(&format!("/contacts/{user_id}/tags/{tag_id}")).await;
    assert_eq!(receiver.item("contact.tag.deleted").await["tag"]["name"], "VIP");

    app.post(&format!("/contacts/{user_id}/archive"), json!({})).await;
    assert_eq!(receiver.item("contact.archived").await["id"], user_id);
    app.post(&format!("/contacts/{user_id}/unarchive"), json!({})).await;
    assert_eq!(receiver.item("contact.unarchived").await["id"], user_id);

    let (_, company) = app.post("/companies", json!({"company_id": "acme", "name": "Acme"})).await;
    let company_id = company["id"].as_str().unwrap();
    assert_eq!(receiver.item("company.created").await["id"], company_id);
    app.put(&format!("/companies/{company_id}"), json!({"name": "Acme Inc"})).await;
    assert_eq!(receiver.item("company.updated").await["name"], "Acme Inc");
    app.delete(&format!("/companies/{company_id}")).await;
    assert_eq!(receiver.item("company.deleted").await, json!({"type": "company", "id": company_id}));

    let at = switchboard::store::now();
    let (status, _) = app
        .post(
            "/events",
            json!({"event_name": "ordered", "created_at": at, "user_id": "u-1", "metadata": {"n": 2}}),
        )
        .await;
    assert_eq!(status, 202);
    let item = receiver.item("event.created").await;
    assert_eq!((&item["event_name"], &item["intercom_user_id"]), (&json!("ordered"), &json!(user_id)));
    assert_eq!(item["metadata"]["n"], 2);

    let (_, other_lead) = app.post("/contacts", json!({"role": "lead", "email": "l2@example.com"})).await;
    let (status, merged) =
        app.post("/contacts/merge", json!({"from": other_lead["id"], "into": user_id})).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(receiver.item("contact.merged").await["id"], user_id);

    app.put(&format!("/contacts/{lead_id}"), json!({"role": "user", "email": "lea@example.com"})).await;
    assert_eq!(receiver.item("contact.lead.signed_up").await["role"], "user");

    app.delete(&format!("/contacts/{user_id}")).await;
    assert_eq!(
        receiver.item("contact.deleted").await,
        json!({"type": "contact", "id": user_id, "external_id": "u-1"})
    );
}

backend_test!(items_take_the_shape_of_the_subscriptions_version);
async fn items_take_the_shape_of_the_subscriptions_version(app: TestApp) {
    let old = Receiver::start().await;
    let new = Receiver::start().await;
    let _worker = start_worker(&app.store, 100, 60_000);
    for (receiver, version) in [(&old, "2.7"), (&new, "2.16")] {
        let body = json!({"url": receiver.url, "topics": ["contact.user.created"], "api_version": version});
        assert_eq!(app.post("/_switchboard/webhooks", body).await.0, 201);
    }
    app.post("/contacts", json!({"email": "v@example.com"})).await;
    let (old, new) = (old.item("contact.user.created").await, new.item("contact.user.created").await);
    let mut expected_old = new.clone();
    switchboard::domain::version::shape(switchboard::domain::version::Version::V2_7, &mut expected_old);
    assert_eq!(old, expected_old);
    assert_ne!(old, new, "2.7 and 2.16 differ for a contact");
}

backend_test!(a_write_that_fails_records_nothing);
async fn a_write_that_fails_records_nothing(app: TestApp) {
    let receiver = Receiver::start().await;
    let id = subscribe(&app, &receiver, &["contact.user.created", "contact.user.updated"]).await;
    assert_eq!(app.post("/contacts", json!({"email": "a@example.com"})).await.0, 200);
    let (status, _) = app.post("/contacts", json!({"email": "a@example.com"})).await;
    assert_eq!(status, 409);
    let (status, _) = app.post("/contacts", json!({"role": "user"})).await;
    assert_eq!(status, 400);
    let (status, _) = app.put("/contacts/nobody", json!({"name": "x"})).await;
    assert_eq!(status, 404);
    let (_, deliveries) = app.get(&format!("/_switchboard/webhooks/{id}/deliveries")).await;
    let topics: Vec<&str> =
        deliveries["data"].as_array().unwrap().iter().map(|d| d["topic"].as_str().unwrap()).collect();
    assert_eq!(topics, ["contact.user.created", "ping"], "newest first, and only what was written");
}

backend_test!(workspaces_are_notified_of_their_own_writes_only);
async fn workspaces_are_notified_of_their_own_writes_only(app: TestApp) {
    let mine = Receiver::start().await;
    let _worker = start_worker(&app.store, 100, 60_000);
    let id = subscribe(&app, &mine, &["contact.user.created"]).await;
    let other = app.other_workspace().await;
    let mut request =
        app.request(axum::http::Method::POST, "/contacts", Some(&json!({"email": "o@example.com"})));
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    assert_eq!(app.send(request).await.0, 200);
    app.post("/contacts", json!({"email": "m@example.com"})).await;
    let item = mine.item("contact.user.created").await;
    assert_eq!(item["email"], "m@example.com");
    assert_eq!(mine.items("contact.user.created").len(), 1);
    // Their token cannot list or redeliver my subscription's deliveries.
    let (status, body) =
        app.get_as(&other.access_token, &format!("/_switchboard/webhooks/{id}/deliveries")).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(
    subscriptions_stay_served_with_controls_off,
    ApiConfig { controls: false, ..ApiConfig::default() }
);
async fn subscriptions_stay_served_with_controls_off(app: TestApp) {
    let receiver = Receiver::start().await;
    let id = subscribe(&app, &receiver, &["ping"]).await;
    assert_eq!(app.get(&format!("/_switchboard/webhooks/{id}/deliveries")).await.0, 200);
    let (status, body) = app.get("/_switchboard/faults").await;
    assert_error(status, &body, 404, "not_found");
}
