//! A search's `total_count` is remembered with the version of the workspace's contacts it was
//! read at (`search::counts`), and a search whose many matches are known is paged by walking
//! the contacts in id order (`ContactSearch::row_condition`). Every answer here is checked
//! against ids and counts made in the test: the first time a query is asked (counted), again
//! (remembered, walked), and after each kind of write that could change it, made through the
//! API, by another store on the same database (another `serve` process), and by restoring a
//! snapshot.

use serde_json::{Value, json};
use switchboard::api::contacts::contact_changes;
use switchboard::domain::contact::ContactChanges;
use switchboard::domain::segment::PersonType;

use crate::common::{TestApp, backend_test};
use crate::contact_fixtures::{attribute, segment, tag, workspace_id};
use crate::search_members::every_page;

/// Asks `query` twice (counted, then remembered) and checks both answers against `expected`
/// (the matching ids in creation order).
async fn answers(app: &TestApp, query: &Value, expected: &[String]) {
    for ask in ["counted", "remembered"] {
        let (ids, totals) = every_page(app, query).await;
        assert_eq!(ids.len(), expected.len(), "{ask}: {query}");
        assert!(ids == expected, "{ask}: {query}: other ids");
        assert!(totals.iter().all(|t| *t == expected.len() as i64), "{ask}: {query}: {totals:?}");
    }
}

/// The first page's total alone.
async fn total(app: &TestApp, query: &Value) -> i64 {
    let (status, body) = app.post("/contacts/search", json!({"query": query})).await;
    assert_eq!(status, 200, "{body}");
    body["total_count"].as_i64().unwrap()
}

backend_test!(a_remembered_count_follows_every_write);
async fn a_remembered_count_follows_every_write(app: TestApp) {
    let ws = workspace_id(&app).await;
    let admin: i64 = app.workspace.admin_id.parse().unwrap();
    attribute(&app, "plan", "string").await;
    attribute(&app, "seats", "integer").await;
    let vip: i64 = tag(&app, "vip").await.parse().unwrap();
    // 6,000 users, above the walk's threshold (5,000 matches): "pro" on nine in ten, seats
    // 0..5999, the tag on seven in eight, "Smith" in every tenth name. Some names are in
    // capitals or hold other letters, and every 300th is "Kİng" with a Kelvin sign, which
    // PostgreSQL's ILIKE folds to "king" (SQLite's LIKE folds ASCII letters alone): a walked
    // page must decide text as the counted one does.
    let name = |i: usize| match i {
        _ if i.is_multiple_of(300) => format!("Ann \u{212A}\u{130}ng {i}"),
        _ if i % 10 == 3 => format!("Ann Smith {i}"),
        _ if i % 9 == 1 => format!("Bo JONES {i}"),
        _ if i % 9 == 2 => format!("Bö Jones {i}"),
        _ => format!("Bo Jones {i}"),
    };
    let changes: Vec<ContactChanges> = (0..6_000)
        .map(|i| {
            let plan = if i % 10 == 0 { "free" } else { "pro" };
            let body = json!({"role": "user", "email": format!("u{i}@x.io"), "name": name(i),
                "custom_attributes": {"plan": plan, "seats": i}});
            contact_changes(body.to_string().as_bytes()).unwrap()
        })
        .collect();
    let mut ids = Vec::new();
    for batch in changes.chunks(1_000) {
        ids.extend(app.store.import_contacts(ws, batch).await.unwrap());
    }
    let tagged = |i: usize| i % 8 != 1;
    let taggings: Vec<(&str, i64)> =
        ids.iter().enumerate().filter(|(i, _)| tagged(*i)).map(|(_, id)| (id.as_str(), vip)).collect();
    app.store.import_contact_tags(ws, admin, &taggings).await.unwrap();
    app.store.refresh_import_statistics().await.unwrap();
    let pro_users = segment(
        &app,
        "Pro",
        PersonType::User,
        json!({"field": "custom_attributes.plan", "operator": "=", "value": "pro"}),
    )
    .await;

    // Six first asks of one query at once: one counts, the others wait for its count and take it.
    let above_99 = json!({"field": "custom_attributes.seats", "operator": ">", "value": 99});
    let ask = || total(&app, &above_99);
    let at_once = tokio::join!(ask(), ask(), ask(), ask(), ask(), ask());
    assert_eq!(<[i64; 6]>::from(at_once), [5_900; 6]);

    let mut live = vec![true; ids.len()];
    let select = |live: &[bool], keep: &dyn Fn(usize) -> bool| -> Vec<String> {
        (0..ids.len()).filter(|i| live[*i] && keep(*i)).map(|i| ids[i].clone()).collect()
    };
    // Two attributes; a text match (trigram candidates on SQLite) beside a date range; a tag
    // beside a standard field; a segment: each is the general path, with more than 5,000
    // matches.
    let two_attributes = json!({"operator": "AND", "value": [
        {"field": "custom_attributes.plan", "operator": "=", "value": "pro"},
        {"field": "custom_attributes.seats", "operator": ">", "value": 100}]});
    let nested = json!({"operator": "AND", "value": [
        {"operator": "OR", "value": [
            {"field": "name", "operator": "~", "value": "jones"},
            {"field": "email", "operator": "~", "value": "u1"},
            {"field": "name", "operator": "~", "value": "kin"}]},
        {"field": "created_at", "operator": ">", "value": 0}]});
    let tag_and_role = json!({"operator": "AND", "value": [
        {"field": "tag_id", "operator": "=", "value": vip.to_string()},
        {"field": "role", "operator": "=", "value": "user"}]});
    let in_segment = json!({"field": "segment_id", "operator": "=", "value": pro_users});
    let pro = |i: usize| !i.is_multiple_of(10);
    let king = |i: usize| app.backend == crate::common::Backend::Postgres && i.is_multiple_of(300);
    let jones = |i: usize| !i.is_multiple_of(300) && i % 10 != 3;
    let jones_or_u1 = |i: usize| jones(i) || format!("u{i}").contains("u1") || king(i);
    answers(&app, &two_attributes, &select(&live, &|i| pro(i) && i > 100)).await;
    answers(&app, &nested, &select(&live, &jones_or_u1)).await;
    answers(&app, &tag_and_role, &select(&live, &tagged)).await;
    answers(&app, &in_segment, &select(&live, &pro)).await;

    // Asked again, a search reads far fewer rows: its count is remembered (one read of the
    // version) and its page walks the first ids (SQLite's steps; PostgreSQL counts none).
    let fresh = json!({"operator": "AND", "value": [
        {"field": "custom_attributes.plan", "operator": "=", "value": "pro"},
        {"field": "custom_attributes.seats", "operator": ">", "value": 50}]});
    let steps = async || {
        let ((status, found), counted) =
            switchboard::store::count_statements(app.post("/contacts/search", json!({"query": fresh}))).await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found["total_count"], select(&live, &|i| pro(i) && i > 50).len());
        counted.sqlite_steps
    };
    let (counted, remembered) = (steps().await, steps().await);
    assert!(
        counted == 0 || remembered * 5 < counted,
        "{counted} SQLite steps counted, {remembered} remembered"
    );

    // Writes through the API: an update that leaves the matches, an archive, a delete, an
    // untagging, a new contact that matches.
    let (status, body) =
        app.put(&format!("/contacts/{}", ids[111]), json!({"custom_attributes": {"seats": 5}})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.post(&format!("/contacts/{}/archive", ids[112]), json!({})).await.0, 200);
    live[112] = false;
    assert_eq!(app.delete(&format!("/contacts/{}", ids[113])).await.0, 200);
    live[113] = false;
    let (status, body) = app.delete(&format!("/contacts/{}/tags/{vip}", ids[114])).await;
    assert_eq!(status, 200, "{body}");
    let seats = |i: usize| if i == 111 { 5 } else { i };
    let expected = select(&live, &|i| pro(i) && seats(i) > 100);
    assert_eq!(total(&app, &two_attributes).await, expected.len() as i64);
    answers(&app, &two_attributes, &expected).await;
    let tagged_now = |i: usize| tagged(i) && i != 114;
    answers(&app, &tag_and_role, &select(&live, &tagged_now)).await;
    answers(&app, &in_segment, &select(&live, &|i| pro(i))).await;

    let (status, body) = app
        .post(
            "/contacts",
            json!({"role": "user", "email": "late@x.io", "name": "Late Jones",
            "custom_attributes": {"plan": "pro", "seats": 900}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let late = body["id"].as_str().unwrap().to_owned();
    let with_late = |mut ids: Vec<String>| {
        ids.push(late.clone());
        ids
    };
    answers(&app, &two_attributes, &with_late(expected.clone())).await;
    answers(&app, &nested, &with_late(select(&live, &jones_or_u1))).await;

    // Another store on the same database (another `serve` process): its writes move the
    // version this one checks.
    let before = total(&app, &nested).await;
    let other = app.other_store().await;
    let body = json!({"role": "user", "email": "other@x.io", "name": "Other Jones"});
    other.import_contacts(ws, &[contact_changes(body.to_string().as_bytes()).unwrap()]).await.unwrap();
    assert_eq!(total(&app, &nested).await, before + 1);

    // A snapshot restored brings the old count back, and a write after it moves it again.
    let (status, body) = app.post("/_switchboard/snapshots", json!({"name": "base"})).await;
    assert_eq!(status, 201, "{body}");
    let at_snapshot = total(&app, &two_attributes).await;
    assert_eq!(app.post(&format!("/contacts/{}/archive", ids[201]), json!({})).await.0, 200);
    assert_eq!(total(&app, &two_attributes).await, at_snapshot - 1);
    let (status, body) = app.post("/_switchboard/snapshots/base/restore", json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(total(&app, &two_attributes).await, at_snapshot);
    assert_eq!(app.post(&format!("/contacts/{}/archive", ids[202]), json!({})).await.0, 200);
    assert_eq!(total(&app, &two_attributes).await, at_snapshot - 1);
    other.close().await;
}
