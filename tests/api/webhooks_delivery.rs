//! Webhook delivery: retries and their end, redelivery, paging of deliveries, leases taken
//! over, and two workers on one database sending each notification once.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;
use switchboard::store::webhooks::deliveries::RetryPolicy;
use switchboard::webhooks::WebhookWorker;
use tokio::sync::watch;

use crate::common::{TestApp, assert_error, backend_test, eventually};
use crate::webhooks::{Receiver, WAIT, start_worker, subscribe};

backend_test!(a_failing_receiver_is_retried_then_given_up_and_redelivered);
async fn a_failing_receiver_is_retried_then_given_up_and_redelivered(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.answer(500);
    // Retries after about 100 ms, then 200, 400, ...: given up once past 1.5 s.
    let _worker = start_worker(&app.store, 100, 1_500);
    let id = subscribe(&app, &receiver, &["contact.user.created"]).await;
    let path = format!("/_switchboard/webhooks/{id}/deliveries");
    eventually(WAIT, "the ping failed", async || app.get(&path).await.1["data"][0]["status"] == "failed")
        .await;
    let pings = receiver.got();
    assert!(pings.len() >= 3, "retried: {} attempts", pings.len());
    let attempts: Vec<i64> = pings.iter().map(|p| p.json["delivery_attempts"].as_i64().unwrap()).collect();
    assert_eq!(attempts, (1..=pings.len() as i64).collect::<Vec<_>>());
    assert!(pings.iter().all(|p| p.json["id"] == pings[0].json["id"]), "one notification");
    assert!(pings.iter().all(|p| p.json["first_sent_at"] == pings[0].json["first_sent_at"]));
    let (_, deliveries) = app.get(&path).await;
    let delivery = &deliveries["data"][0];
    assert_eq!(delivery["response_code"], 500);
    assert_eq!(delivery["attempts"], pings.len() as i64);
    assert_eq!(delivery["next_attempt_at"], serde_json::Value::Null);

    // Fixed, and redelivered by hand.
    receiver.answer(200);
    let notification = delivery["notification_id"].as_str().unwrap();
    let (status, again) = app.post(&format!("{path}/{notification}/redeliver"), json!({})).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["status"], "pending");
    eventually(WAIT, "redelivered", async || app.get(&path).await.1["data"][0]["status"] == "delivered")
        .await;
    assert_eq!(receiver.got().len(), pings.len() + 1);

    let (status, body) = app.post(&format!("{path}/notif_nope/redeliver"), json!({})).await;
    assert_error(status, &body, 404, "not_found");
    let other = app.other_workspace().await;
    let mut request =
        app.request(axum::http::Method::POST, &format!("{path}/{notification}/redeliver"), Some(&json!({})));
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    let (status, _, body) = app.send(request).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(a_refused_connection_is_retried);
async fn a_refused_connection_is_retried(app: TestApp) {
    // Nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let body = json!({"url": format!("http://127.0.0.1:{port}/hook"), "topics": ["ping"]});
    let (_, created) = app.post("/_switchboard/webhooks", body).await;
    let path = format!("/_switchboard/webhooks/{}/deliveries", created["id"].as_str().unwrap());
    let _worker = start_worker(&app.store, 60_000, 3_600_000);
    eventually(WAIT, "an attempt made", async || app.get(&path).await.1["data"][0]["attempts"] == 1).await;
    eventually(WAIT, "the attempt written", async || {
        app.get(&path).await.1["data"][0]["status"] == "pending"
    })
    .await;
    let (_, deliveries) = app.get(&path).await;
    let delivery = &deliveries["data"][0];
    assert_eq!(delivery["response_code"], serde_json::Value::Null);
    assert!(delivery["response_excerpt"].as_str().unwrap().starts_with("no answer"), "{delivery}");
    let next = delivery["next_attempt_at"].as_i64().unwrap();
    let now = switchboard::store::real_now();
    assert!((now + 30..=now + 80).contains(&next), "retried in about a minute: {next} vs {now}");
}

backend_test!(deliveries_are_listed_newest_first_a_page_at_a_time);
async fn deliveries_are_listed_newest_first_a_page_at_a_time(app: TestApp) {
    let receiver = Receiver::start().await;
    let id = subscribe(&app, &receiver, &["company.created"]).await;
    for n in 0..4 {
        app.post("/companies", json!({"company_id": format!("c{n}")})).await;
    }
    let path = format!("/_switchboard/webhooks/{id}/deliveries?per_page=2");
    let (status, first) = app.get(&path).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    let after = first["pages"]["next"]["starting_after"].as_str().unwrap();
    let (_, second) = app.get(&format!("{path}&starting_after={after}")).await;
    let after = second["pages"]["next"]["starting_after"].as_str().unwrap();
    let (_, last) = app.get(&format!("{path}&starting_after={after}")).await;
    let topics = |page: &serde_json::Value| -> Vec<String> {
        page["data"].as_array().unwrap().iter().map(|d| d["topic"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(topics(&first), ["company.created", "company.created"]);
    assert_eq!(topics(&second), ["company.created", "company.created"]);
    assert_eq!(topics(&last), ["ping"]);
    assert_eq!(last["pages"]["next"], serde_json::Value::Null);
    let id = |d: &serde_json::Value| d["id"].as_str().unwrap().parse::<i64>().unwrap();
    assert!(id(&first["data"][0]) > id(&first["data"][1]), "newest first: {first}");
    let (status, body) = app.get(&format!("{path}&starting_after=zzz")).await;
    assert_error(status, &body, 400, "parameter_invalid");
}

backend_test!(a_claim_left_by_a_dead_worker_is_taken_over_after_its_lease);
async fn a_claim_left_by_a_dead_worker_is_taken_over_after_its_lease(app: TestApp) {
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, &["ping"]).await;
    // A worker claims the ping for 300 ms and dies before sending it.
    let claimed = app.store.claim_deliveries(10, 300).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(app.store.claim_deliveries(10, 300).await.unwrap().is_empty(), "held by its lease");
    let _worker = start_worker(&app.store, 100, 60_000);
    receiver.item("ping").await;
    assert_eq!(receiver.got()[0].json["delivery_attempts"], 2, "the dead worker's attempt counts");
}

backend_test!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    two_workers_send_each_notification_once
);
async fn two_workers_send_each_notification_once(app: TestApp) {
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, &["contact.lead.created"]).await;
    let second = app.other_store().await;
    let mut workers: Vec<watch::Sender<bool>> = Vec::new();
    for store in [&app.store, &second] {
        let (stop, stopped) = watch::channel(false);
        let worker = WebhookWorker {
            poll: Duration::from_millis(5),
            retry: RetryPolicy { base_ms: 100, max_ms: 60_000 },
            ..WebhookWorker::default()
        };
        tokio::spawn(worker.run(store.clone(), stopped));
        workers.push(stop);
    }
    const N: usize = 40;
    for n in 0..N {
        let (status, _) = app.post("/contacts", json!({"role": "lead", "name": format!("lead {n}")})).await;
        assert_eq!(status, 200);
    }
    eventually(WAIT, "every lead sent", async || receiver.items("contact.lead.created").len() >= N).await;
    // Late duplicates would arrive within a poll or two.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for got in receiver.got() {
        *seen.entry(got.json["id"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    assert_eq!(seen.len(), N + 1, "every lead and the ping");
    assert!(seen.values().all(|n| *n == 1), "each sent once: {seen:?}");
    drop(workers);
    second.close().await;
}

backend_test!(a_429_holds_back_the_endpoints_other_deliveries);
async fn a_429_holds_back_the_endpoints_other_deliveries(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.answer(429);
    let id = subscribe(&app, &receiver, &["company.created"]).await;
    for n in 0..2 {
        app.post("/companies", json!({"company_id": format!("c{n}")})).await;
    }
    // One send at a time: the ping goes first, is refused with a 429, and the rest wait too.
    let (stop, stopped) = watch::channel(false);
    let worker = WebhookWorker {
        poll: Duration::from_millis(20),
        retry: RetryPolicy { base_ms: 60_000, max_ms: 3_600_000 },
        concurrency: 1,
        ..WebhookWorker::default()
    };
    tokio::spawn(worker.run(app.store.clone(), stopped));
    let path = format!("/_switchboard/webhooks/{id}/deliveries");
    eventually(WAIT, "the ping answered", async || app.get(&path).await.1["data"][2]["response_code"] == 429)
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.got().len(), 1, "nothing else was sent to that endpoint");
    let (_, deliveries) = app.get(&path).await;
    let now = switchboard::store::real_now();
    for delivery in deliveries["data"].as_array().unwrap() {
        assert_eq!(delivery["status"], "pending", "{delivery}");
        assert!(delivery["next_attempt_at"].as_i64().unwrap() >= now + 40, "{delivery}");
    }
    drop(stop);
}

backend_test!(a_delivery_is_timed_by_the_workspace_clock);
async fn a_delivery_is_timed_by_the_workspace_clock(app: TestApp) {
    let frozen = 1_700_000_000;
    let (status, _) = app.put("/_switchboard/clock", json!({"now": frozen, "frozen": true})).await;
    assert_eq!(status, 200);
    let receiver = Receiver::start().await;
    let _worker = start_worker(&app.store, 60_000, 3_600_000);
    let id = subscribe(&app, &receiver, &["contact.user.created"]).await;
    let path = format!("/_switchboard/webhooks/{id}/deliveries");
    eventually(WAIT, "the ping delivered", async || {
        app.get(&path).await.1["data"][0]["status"] == "delivered"
    })
    .await;
    let (_, deliveries) = app.get(&path).await;
    let delivery = &deliveries["data"][0];
    assert_eq!((&delivery["first_sent_at"], &delivery["delivered_at"]), (&json!(frozen), &json!(frozen)));
    assert_eq!(delivery["response_code"], 200);
    assert_eq!(receiver.got()[0].json["first_sent_at"], frozen);
}
