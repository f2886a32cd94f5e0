//! Requests whose client hangs up mid-write: hyper drops the handler's future wherever it
//! is waiting, and the connection it held goes back to the pool.

use std::time::Duration;

use axum::http::Method;
use serde_json::json;
use switchboard::store::StoreError;

use crate::common::{Backend, TestApp, backend_test, eventually};
use crate::contact_fixtures::{contact, workspace_id};

backend_test!(writes_after_abandoned_updates_are_committed);
/// Updates dropped while their transaction was starting leave no pooled connection inside
/// it: the writes that follow are committed when answered. (sqlx 0.9.0 forgot a `BEGIN`
/// whose answer had not come back yet; the next statements on that connection ran inside
/// that transaction, answered 200 and were lost when it ended.)
async fn writes_after_abandoned_updates_are_committed(app: TestApp) {
    let target = contact(&app, json!({"email": "target@example.com"})).await;
    let path = format!("/contacts/{}", target["id"].as_str().unwrap());
    let mut abandoned = 0;
    for n in 0..40 {
        let body = json!({"name": format!("Renamed {n}")});
        abandoned += usize::from(app.abandon(app.request(Method::PUT, &path, Some(&body))).await);
    }
    // On SQLite an update may well finish within that one poll.
    if app.backend == Backend::Postgres {
        assert!(abandoned > 0, "no update was still waiting when dropped");
    }
    // The writes below are to run on the dropped connections.
    eventually(Duration::from_secs(10), "back in the pool", async || app.connections_idle()).await;

    let mut created = Vec::new();
    for n in 0..40 {
        created.push(contact(&app, json!({"email": format!("after-{n}@example.com")})).await);
    }
    let other = app.other_store().await;
    let workspace = workspace_id(&app).await;
    for c in &created {
        let id = c["id"].as_str().unwrap();
        match other.get_contact(workspace, id).await {
            Ok(found) => assert_eq!(found.email.as_deref(), c["email"].as_str()),
            Err(StoreError::NotFound(_)) => panic!("answered create {} is not committed", c["email"]),
            Err(err) => panic!("{err}"),
        }
    }
    other.close().await;
}

backend_test!(reads_after_abandoned_searches_answer_their_own_rows);
/// Searches dropped while their statements ran leave no pooled connection mid-exchange: every
/// read after them answers its own rows, not what a dropped statement left unread.
async fn reads_after_abandoned_searches_answer_their_own_rows(app: TestApp) {
    let mut ids = Vec::new();
    for n in 0..20 {
        let c =
            contact(&app, json!({"email": format!("read-{n}@example.com"), "name": format!("Reader {n}")}))
                .await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    let search = json!({"query": {"field": "name", "operator": "~", "value": "Reader"}});
    let mut abandoned = 0;
    for _ in 0..40 {
        abandoned +=
            usize::from(app.abandon(app.request(Method::POST, "/contacts/search", Some(&search))).await);
    }
    if app.backend == Backend::Postgres {
        assert!(abandoned > 0, "no search was still waiting when dropped");
    }
    eventually(Duration::from_secs(10), "back in the pool", async || app.connections_idle()).await;

    for _ in 0..2 {
        for (n, id) in ids.iter().enumerate() {
            let (status, body) = app.get(&format!("/contacts/{id}")).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["email"], format!("read-{n}@example.com"));
        }
    }
}
