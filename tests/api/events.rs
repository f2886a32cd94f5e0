//! Data events: submit (with de-duplication and metadata rules), list (90-day window,
//! cursor pages), summaries (recorded and imported), merges, and their errors.

use axum::http::Method;
use serde_json::{Value, json};
use switchboard::domain::contact::ContactRef;
use switchboard::store::now;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::contact;

const DAY: i64 = 24 * 60 * 60;

/// `POST /events`, which must be accepted with an empty body.
async fn event(app: &TestApp, body: Value) {
    let (status, answer) = app.post("/events", body.clone()).await;
    assert_eq!(status, 202, "{body}: {answer}");
    assert_eq!(answer, Value::Null, "202 Accepted with an empty body");
}

/// A user with an external id and an email; returns its Intercom id.
async fn user(app: &TestApp, user_id: &str, email: &str) -> String {
    let created = contact(app, json!({"external_id": user_id, "email": email})).await;
    created["id"].as_str().unwrap().to_owned()
}

fn names(list: &Value) -> Vec<&str> {
    list["events"].as_array().unwrap().iter().map(|e| e["event_name"].as_str().unwrap()).collect()
}

backend_test!(events_are_submitted_by_any_identifier_and_listed_newest_first);
async fn events_are_submitted_by_any_identifier_and_listed_newest_first(app: TestApp) {
    let id = user(&app, "314159", "Frodo@Example.com").await;
    let t = now() - 3600;
    event(
        &app,
        json!({"event_name": "invited-friend", "created_at": t, "user_id": "314159",
                       "metadata": {"invite_code": "ADDAFRIEND"}}),
    )
    .await;
    event(&app, json!({"event_name": "Placed.Order", "created_at": t + 10, "email": "frodo@example.com"}))
        .await;
    event(&app, json!({"event_name": "updated-plan", "created_at": t + 20, "id": id})).await;
    // user_id sent as a number, as Intercom's examples sometimes do.
    let (status, _) =
        app.post("/events", json!({"event_name": "x", "created_at": t, "user_id": 314159})).await;
    assert_eq!(status, 202);

    for query in ["user_id=314159", "email=FRODO%40example.com", &format!("intercom_user_id={id}")] {
        let (status, list) = app.get(&format!("/events?type=user&{query}")).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["type"], "event.list");
        // Events of the same second: the later submission first.
        assert_eq!(names(&list), ["updated-plan", "placed-order", "x", "invited-friend"], "{query}");
        assert_eq!(list["pages"]["next"], Value::Null, "one page: no next");
    }
    let (_, list) = app.get("/events?type=user&user_id=314159").await;
    let first = &list["events"][3];
    assert_eq!(first["type"], "event");
    assert!(first["id"].is_string());
    assert_eq!(first["created_at"], t);
    assert_eq!(first["user_id"], "314159");
    assert_eq!(first["email"], "Frodo@Example.com");
    assert_eq!(first["intercom_user_id"], id);
    assert_eq!(first["metadata"], json!({"invite_code": "ADDAFRIEND"}));
    assert!(list["events"][0].get("metadata").is_none(), "no metadata sent, none shown");
}

backend_test!(duplicates_are_accepted_and_stored_once);
async fn duplicates_are_accepted_and_stored_once(app: TestApp) {
    user(&app, "u1", "u1@x.io").await;
    let t = now() - 60;
    event(
        &app,
        json!({"event_name": "placed-order", "created_at": t, "user_id": "u1", "metadata": {"n": 1}}),
    )
    .await;
    // Same contact (named another way), same name (in another case), same time.
    event(
        &app,
        json!({"event_name": "Placed-Order", "created_at": t, "email": "u1@x.io", "metadata": {"n": 2}}),
    )
    .await;
    event(&app, json!({"event_name": "placed-order", "created_at": t + 1, "user_id": "u1"})).await;

    let (_, list) = app.get("/events?type=user&user_id=u1").await;
    assert_eq!(names(&list), ["placed-order", "placed-order"]);
    assert_eq!(list["events"][1]["metadata"], json!({"n": 1}), "the first submission stays");
    let (_, summary) = app.get("/events?type=user&user_id=u1&summary=true").await;
    assert_eq!(summary["events"][0]["count"], 2);
}

backend_test!(metadata_follows_the_documented_types_and_keeps_ten_keys);
async fn metadata_follows_the_documented_types_and_keeps_ten_keys(app: TestApp) {
    user(&app, "u1", "u1@x.io").await;
    let t = now() - 60;
    let metadata = json!({
        "source": "desktop",
        "load": 3.67,
        "contact_date": 1392036272,
        "article": "https://example.org/ab1de.html",
        "rich": {"url": "https://example.org/ab1de.html", "value": "the dude abides"},
        "price": {"amount": 34999, "currency": "eur"},
    });
    event(&app, json!({"event_name": "typed", "created_at": t, "user_id": "u1", "metadata": metadata})).await;
    // Eleven keys: the eleventh is ignored, not refused, even though nested.
    let body = r#"{"event_name": "many", "created_at": CREATED, "user_id": "u1", "metadata":
        {"k01": 1, "k02": 2, "k03": 3, "k04": 4, "k05": 5, "k06": 6, "k07": 7, "k08": 8, "k09": 9, "k10": 10,
         "k11": {"nested": true}}}"#
        .replace("CREATED", &(t + 1).to_string());
    let (status, _, _) = app.send(raw_post(&app, "/events", &body)).await;
    assert_eq!(status, 202);

    let (_, list) = app.get("/events?type=user&user_id=u1").await;
    let many = &list["events"][0]["metadata"];
    assert_eq!(many.as_object().unwrap().len(), 10);
    assert!(many.get("k11").is_none());
    assert_eq!(list["events"][1]["metadata"], metadata);

    for (bad, why) in [
        (json!({"flag": true}), "booleans are not a listed type"),
        (json!({"list": [1, 2]}), "arrays are nested JSON"),
        (json!({"nested": {"a": {"b": 1}}}), "nested objects"),
        (json!({"signup_date": "yesterday"}), "_date keys take Unix timestamps"),
        (json!({"rich": {"url": "not a link", "value": "x"}}), "rich links need an HTTP URI"),
        (json!({"price": {"amount": -5, "currency": "eur"}}), "amounts are positive cents"),
        (json!({"price": {"amount": 5}}), "amounts need a currency"),
    ] {
        let (status, error) = app
            .post("/events", json!({"event_name": "bad", "created_at": t, "user_id": "u1", "metadata": bad}))
            .await;
        let error = assert_error(status, &error, 400, "parameter_invalid");
        assert_eq!(error["field"], "metadata", "{why}");
    }
    let (status, error) = app
        .post("/events", json!({"event_name": "bad", "created_at": t, "user_id": "u1", "metadata": "text"}))
        .await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (_, list) = app.get("/events?type=user&user_id=u1").await;
    assert_eq!(list["events"].as_array().unwrap().len(), 2, "nothing refused was stored");
}

fn raw_post(app: &TestApp, path: &str, body: &str) -> axum::http::Request<axum::body::Body> {
    let mut request = app.request(Method::POST, path, None);
    *request.body_mut() = axum::body::Body::from(body.to_owned());
    request
}

backend_test!(submitting_errors);
async fn submitting_errors(app: TestApp) {
    user(&app, "u1", "u1@x.io").await;
    let lead = contact(&app, json!({"role": "lead", "email": "lead@x.io", "external_id": "lead-1"})).await;
    let lead = lead["id"].as_str().unwrap();
    let t = now();

    let (status, error) = app.post("/events", json!({"created_at": t, "user_id": "u1"})).await;
    assert_eq!(assert_error(status, &error, 400, "parameter_not_found")["field"], "event_name");
    let (status, error) = app.post("/events", json!({"event_name": "e", "user_id": "u1"})).await;
    assert_eq!(assert_error(status, &error, 400, "parameter_not_found")["field"], "created_at");
    let (status, error) = app.post("/events", json!({"event_name": "e", "created_at": t})).await;
    assert_error(status, &error, 400, "parameter_not_found");
    let (status, error) =
        app.post("/events", json!({"event_name": "e", "created_at": t, "user_id": " "})).await;
    assert_error(status, &error, 400, "parameter_not_found");
    let (status, error) =
        app.post("/events", json!({"event_name": "e", "created_at": "now", "user_id": "u1"})).await;
    assert_eq!(assert_error(status, &error, 400, "parameter_invalid")["field"], "created_at");
    let (status, error) =
        app.post("/events", json!({"event_name": "e", "created_at": -1, "user_id": "u1"})).await;
    assert_eq!(assert_error(status, &error, 400, "parameter_invalid")["field"], "created_at");
    let (status, error) =
        app.post("/events", json!({"event_name": " ", "created_at": t, "user_id": "u1"})).await;
    assert_eq!(assert_error(status, &error, 400, "parameter_invalid")["field"], "event_name");
    let long = "a".repeat(256);
    let (status, error) =
        app.post("/events", json!({"event_name": long, "created_at": t, "user_id": "u1"})).await;
    assert_eq!(assert_error(status, &error, 400, "parameter_invalid")["field"], "event_name");
    let (status, _, error) = app.send(raw_post(&app, "/events", r#"{"event_name": "e", "#)).await;
    assert_error(status, &error, 400, "bad_request");

    // Unknown contacts: "Events sent about users that cannot be found will return a 404".
    for who in [
        json!({"user_id": "nobody"}),
        json!({"email": "nobody@x.io"}),
        json!({"id": "5f0000000000000000000000"}),
        // Leads are named by their id only.
        json!({"email": "lead@x.io"}),
        json!({"user_id": "lead-1"}),
    ] {
        let mut body = json!({"event_name": "e", "created_at": t});
        body.as_object_mut().unwrap().extend(who.as_object().unwrap().clone());
        let (status, error) = app.post("/events", body).await;
        assert_eq!(assert_error(status, &error, 404, "not_found")["message"], "User Not Found", "{who}");
    }
    event(&app, json!({"event_name": "lead-event", "created_at": t, "id": lead})).await;
    let (_, list) = app.get(&format!("/events?type=user&intercom_user_id={lead}")).await;
    assert_eq!(names(&list), ["lead-event"]);

    // Another workspace cannot see or write this workspace's contacts.
    let other = app.other_workspace().await;
    let (status, error) = app.get_as(&other.access_token, "/events?type=user&user_id=u1").await;
    assert_error(status, &error, 404, "not_found");
    let (status, error) =
        app.get_as(&other.access_token, &format!("/events?type=user&intercom_user_id={lead}")).await;
    assert_error(status, &error, 404, "not_found");
}

backend_test!(listing_errors);
async fn listing_errors(app: TestApp) {
    user(&app, "u1", "u1@x.io").await;
    for (path, status_code, code) in [
        ("/events?user_id=u1", 400, "parameter_not_found"),
        ("/events?type=lead&user_id=u1", 400, "parameter_invalid"),
        ("/events?type=user", 400, "parameter_not_found"),
        ("/events?type=user&user_id=", 400, "parameter_not_found"),
        ("/events?type=user&user_id=u1&per_page=0", 400, "parameter_invalid"),
        ("/events?type=user&user_id=u1&per_page=x", 400, "parameter_invalid"),
        ("/events?type=user&user_id=u1&summary=maybe", 400, "parameter_invalid"),
        ("/events?type=user&user_id=u1&before=garbage", 400, "parameter_invalid"),
        ("/events?type=user&user_id=nobody", 404, "not_found"),
        ("/events?type=user&email=nobody%40x.io", 404, "not_found"),
        ("/events?type=user&intercom_user_id=nope", 404, "not_found"),
        ("/events?type=user&user_id=nobody&summary=true", 404, "not_found"),
    ] {
        let (status, error) = app.get(path).await;
        assert_error(status, &error, status_code, code);
    }
    let (status, error) = app.get_as("wrong-token", "/events?type=user&user_id=u1").await;
    assert_error(status, &error, 401, "unauthorized");
}

backend_test!(listing_shows_ninety_days_in_cursor_pages);
async fn listing_shows_ninety_days_in_cursor_pages(app: TestApp) {
    let id = user(&app, "u1", "u1@x.io").await;
    let t = now();
    event(&app, json!({"event_name": "ancient", "created_at": t - 91 * DAY, "user_id": "u1"})).await;
    // Two events at the same second: the cursor must not lose or repeat one of them.
    for (name, at) in [("a", t - 89 * DAY), ("b", t - 5), ("c", t - 5), ("d", t - 3), ("e", t - 1)] {
        event(&app, json!({"event_name": name, "created_at": at, "user_id": "u1"})).await;
    }

    let mut seen = Vec::new();
    let mut path = "/events?type=user&user_id=u1&per_page=2".to_owned();
    let mut pages = 0;
    loop {
        let mut request = app.request(Method::GET, &path, None);
        request.headers_mut().insert("host", "switchboard.test:8080".parse().unwrap());
        let (status, _, list) = app.send(request).await;
        assert_eq!(status, 200, "{list}");
        pages += 1;
        assert!(list["events"].as_array().unwrap().len() <= 2);
        seen.extend(names(&list).into_iter().map(str::to_owned));
        let Some(next) = list["pages"]["next"].as_str() else { break };
        assert!(next.starts_with("http://switchboard.test:8080/events?"), "{next}");
        assert!(next.contains(&format!("intercom_user_id={id}")), "{next}");
        path = next.trim_start_matches("http://switchboard.test:8080").to_owned();
    }
    assert_eq!(seen, ["e", "d", "c", "b", "a"], "newest first, no event older than 90 days");
    assert_eq!(pages, 3);

    // Summaries count every event, however old.
    let (status, summary) = app.get("/events?type=user&user_id=u1&summary=true").await;
    assert_eq!(status, 200, "{summary}");
    let names: Vec<&str> =
        summary["events"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["a", "ancient", "b", "c", "d", "e"]);
}

backend_test!(summaries_count_recorded_and_imported_events);
async fn summaries_count_recorded_and_imported_events(app: TestApp) {
    let id = user(&app, "314159", "u1@x.io").await;
    // 2014-01-16T23:02:21Z and 23:12:21Z.
    let (t1, t2) = (1389913341, 1389913941);
    event(&app, json!({"event_name": "placed-order", "created_at": t2, "user_id": "314159"})).await;
    event(&app, json!({"event_name": "placed-order", "created_at": t1, "user_id": "314159"})).await;
    event(&app, json!({"event_name": "invited-friend", "created_at": t1, "user_id": "314159"})).await;

    let (status, summary) = app.get("/events?type=user&user_id=314159&summary=true").await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(
        summary,
        json!({
            "type": "event.summary",
            "email": "u1@x.io",
            "intercom_user_id": id,
            "user_id": "314159",
            "events": [
                {"name": "invited-friend", "first": "2014-01-16T23:02:21.000+00:00",
                 "last": "2014-01-16T23:02:21.000+00:00", "count": 1},
                {"name": "placed-order", "first": "2014-01-16T23:02:21.000+00:00",
                 "last": "2014-01-16T23:12:21.000+00:00", "count": 2},
            ],
        })
    );

    // An imported summary adds to the recorded events; sending it again replaces it.
    let import = |count: i64| {
        json!({"user_id": "314159", "event_summaries":
            {"event_name": "Placed-Order", "count": count, "first": 1300000000, "last": 1350000000}})
    };
    let (status, body) = app.post("/events/summaries", import(5)).await;
    assert_eq!((status.as_u16(), body), (200, Value::Null));
    let (status, _) = app.post("/events/summaries", import(7)).await;
    assert_eq!(status, 200);
    let (status, _) = app
        .post(
            "/events/summaries",
            json!({"user_id": 314159, "event_summaries": {"event_name": "signed-up", "count": 1, "first": t1, "last": t1}}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, summary) = app.get(&format!("/events?type=user&intercom_user_id={id}&summary=true")).await;
    let items = summary["events"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[1]["name"], "placed-order");
    assert_eq!(items[1]["count"], 9);
    assert_eq!(items[1]["first"], "2011-03-13T07:06:40.000+00:00");
    assert_eq!(items[1]["last"], "2014-01-16T23:12:21.000+00:00");
    assert_eq!(items[2]["name"], "signed-up");
    let (_, list) = app.get("/events?type=user&user_id=314159").await;
    assert_eq!(list["events"], json!([]), "imported summaries are not events, and these are old");

    let summary_of = |fields: Value| {
        let mut s = json!({"event_name": "e", "count": 1, "first": t1, "last": t2});
        s.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        json!({"user_id": "314159", "event_summaries": s})
    };
    for (body, code, field) in [
        (
            json!({"event_summaries": {"event_name": "e", "count": 1, "first": t1, "last": t1}}),
            "parameter_not_found",
            "user_id",
        ),
        (json!({"user_id": "314159"}), "parameter_not_found", "event_summaries"),
        (summary_of(json!({"count": 0})), "parameter_invalid", "event_summaries.count"),
        (summary_of(json!({"count": "many"})), "parameter_invalid", "event_summaries.count"),
        (summary_of(json!({"last": t1 - 1})), "parameter_invalid", "event_summaries.last"),
        (summary_of(json!({"first": -5})), "parameter_invalid", "event_summaries.first"),
        (summary_of(json!({"event_name": ""})), "parameter_invalid", "event_summaries.event_name"),
    ] {
        let (status, error) = app.post("/events/summaries", body.clone()).await;
        assert_eq!(assert_error(status, &error, 400, code)["field"], field, "{body}");
    }
    let (status, error) = app
        .post("/events/summaries", json!({"user_id": "nobody", "event_summaries": {"event_name": "e", "count": 1, "first": t1, "last": t1}}))
        .await;
    assert_error(status, &error, 404, "not_found");
}

backend_test!(merging_a_lead_moves_its_events_to_the_user);
async fn merging_a_lead_moves_its_events_to_the_user(app: TestApp) {
    let user_id = user(&app, "u1", "u1@x.io").await;
    let lead = contact(&app, json!({"role": "lead", "name": "Lee"})).await;
    let lead = lead["id"].as_str().unwrap();
    let t = now() - 600;
    event(
        &app,
        json!({"event_name": "viewed-pricing", "created_at": t, "id": lead, "metadata": {"from": "lead"}}),
    )
    .await;
    event(&app, json!({"event_name": "started-trial", "created_at": t + 1, "id": lead})).await;
    event(&app, json!({"event_name": "viewed-pricing", "created_at": t, "user_id": "u1", "metadata": {"from": "user"}}))
        .await;
    event(&app, json!({"event_name": "viewed-pricing", "created_at": t + 2, "user_id": "u1"})).await;
    app.post("/events/summaries", json!({"user_id": "u1", "event_summaries": {"event_name": "imported", "count": 2, "first": 1000, "last": 2000}})).await;
    // The lead's imported summary: written as a merge would find it (no API names a lead here).
    let workspace = crate::contact_fixtures::workspace_id(&app).await;
    let lead_summary = switchboard::domain::event::ImportedSummary {
        event_name: "imported".into(),
        tally: switchboard::domain::event::Tally { count: 3, first: 500, last: 1500 },
    };
    app.store.import_event_summary(workspace, ContactRef::Id(lead), &lead_summary).await.unwrap();

    let (status, merged) = app.post("/contacts/merge", json!({"from": lead, "into": user_id})).await;
    assert_eq!(status, 200, "{merged}");

    let (_, list) = app.get("/events?type=user&user_id=u1").await;
    assert_eq!(names(&list), ["viewed-pricing", "started-trial", "viewed-pricing"]);
    let viewed = &list["events"][2];
    assert_eq!(viewed["metadata"], json!({"from": "user"}), "the user's own copy of a duplicate stays");
    assert!(list["events"].as_array().unwrap().iter().all(|e| e["intercom_user_id"] == user_id.as_str()));
    let (_, summary) = app.get("/events?type=user&user_id=u1&summary=true").await;
    assert_eq!(summary["events"][0]["name"], "imported");
    assert_eq!(summary["events"][0]["count"], 5, "imported summaries add up");
    assert_eq!(summary["events"][0]["first"], "1970-01-01T00:08:20.000+00:00");
    assert_eq!(summary["events"][0]["last"], "1970-01-01T00:33:20.000+00:00");
    assert_eq!(summary["events"][2]["name"], "viewed-pricing");
    assert_eq!(summary["events"][2]["count"], 2);
    let (status, error) = app.get(&format!("/events?type=user&intercom_user_id={lead}")).await;
    assert_error(status, &error, 404, "not_found");

    // Events of a deleted contact go with it.
    let (status, _) = app.delete(&format!("/contacts/{user_id}")).await;
    assert_eq!(status, 200);
    let (status, error) = app.get(&format!("/events?type=user&intercom_user_id={user_id}")).await;
    assert_error(status, &error, 404, "not_found");
}
