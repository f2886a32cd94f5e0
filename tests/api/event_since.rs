//! `GET /events`' `pages.since`: the link a client polls for the events that came after the
//! newest one it was shown.

use serde_json::{Value, json};
use switchboard::store::now;

use crate::common::{TEST_HOST, TestApp, assert_error, backend_test};
use crate::contact_fixtures::contact;

async fn event(app: &TestApp, user_id: &str, name: &str, created_at: i64) {
    let body = json!({"event_name": name, "created_at": created_at, "user_id": user_id});
    let (status, answer) = app.post("/events", body).await;
    assert_eq!(status, 202, "{answer}");
}

fn names(list: &Value) -> Vec<&str> {
    list["events"].as_array().unwrap().iter().map(|e| e["event_name"].as_str().unwrap()).collect()
}

async fn follow(app: &TestApp, link: &Value) -> Value {
    let (status, list) = app.get(link.as_str().unwrap()).await;
    assert_eq!(status, 200, "{link}: {list}");
    list
}

backend_test!(since_links_to_the_events_after_the_newest_shown);
async fn since_links_to_the_events_after_the_newest_shown(app: TestApp) {
    let intercom_id = contact(&app, json!({"external_id": "u1"})).await["id"].as_str().unwrap().to_owned();
    let t = now() - 3600;
    event(&app, "u1", "first", t).await;
    event(&app, "u1", "second", t + 10).await;

    let (status, list) = app.get("/events?type=user&user_id=u1").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(names(&list), ["second", "first"]);
    let since = &list["pages"]["since"];
    let millis = (t + 10) * 1000 + 1;
    assert_eq!(
        since.as_str().unwrap(),
        format!(
            "http://{TEST_HOST}/events?type=user&intercom_user_id={intercom_id}&per_page=15&since={millis}"
        )
    );

    // Nothing new yet: an empty page that keeps the same link.
    let polled = follow(&app, since).await;
    assert_eq!(names(&polled), Vec::<&str>::new());
    assert_eq!(&polled["pages"]["since"], since);

    // New events, paged by `next` within the newer ones; the first page links past the newest.
    event(&app, "u1", "third", t + 20).await;
    event(&app, "u1", "fourth", t + 30).await;
    let since_one = since.as_str().unwrap().replace("per_page=15", "per_page=1");
    let (_, polled) = app.get(&since_one).await;
    assert_eq!(names(&polled), ["fourth"]);
    assert!(polled["pages"]["since"].as_str().unwrap().ends_with(&format!("since={}", (t + 30) * 1000 + 1)));
    let older = follow(&app, &polled["pages"]["next"]).await;
    assert_eq!(names(&older), ["third"]);
    assert_eq!(older["pages"]["next"], Value::Null, "the events before `since` are not listed");
    assert_eq!(older["pages"]["since"], Value::Null, "only a first page knows the newest event");

    // Milliseconds inside a second round up to the next whole second.
    let (_, list) = app.get(&format!("/events?type=user&user_id=u1&since={}", (t + 20) * 1000)).await;
    assert_eq!(names(&list), ["fourth", "third"]);
    let (_, list) = app.get(&format!("/events?type=user&user_id=u1&since={}", (t + 20) * 1000 + 1)).await;
    assert_eq!(names(&list), ["fourth"]);

    for bad in ["soon", "-1", "1.5"] {
        let (status, body) = app.get(&format!("/events?type=user&user_id=u1&since={bad}")).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
}
