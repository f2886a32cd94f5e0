//! A search that is one membership alone (a tag, or filters on one custom attribute) is counted
//! from the membership's index and, when it has many members, paged by walking the workspace's
//! contacts and probing the index (`contacts::reads::members_page`). Its answers are checked
//! against the same membership beside a filter that matches every contact, which takes the
//! general path, on both sides of the walk's threshold, with archived members and another
//! workspace's tag. Text matches on custom strings (`attributes::match_values`, rewritten as
//! the values they match where an attribute has few) are checked against counts made here.

use serde_json::{Value, json};
use switchboard::api::contacts::contact_changes;
use switchboard::domain::contact::ContactChanges;

use crate::common::{TestApp, backend_test};
use crate::contact_fixtures::{attribute, tag, workspace_id};

/// The cities: "ondo" is in three of them, in three cases, and `_` in one.
const CITIES: [&str; 5] = ["London", "Londonderry", "Paris", "lONDON", "Ondo_x"];

/// Every page of a search, followed by its cursor: the ids in order, and each page's total.
pub async fn every_page(app: &TestApp, query: &Value) -> (Vec<String>, Vec<i64>) {
    let (mut ids, mut totals) = (Vec::new(), Vec::new());
    let mut pagination = json!({"per_page": 150});
    loop {
        let (status, body) =
            app.post("/contacts/search", json!({"query": query, "pagination": pagination})).await;
        assert_eq!(status, 200, "{query}: {body}");
        totals.push(body["total_count"].as_i64().unwrap());
        ids.extend(body["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        match body["pages"]["next"]["starting_after"].as_str() {
            Some(cursor) => pagination = json!({"per_page": 150, "starting_after": cursor}),
            None => return (ids, totals),
        }
    }
}

/// `query` alone (a lone membership) and beside `role = user` (every contact here is a user):
/// the same ids in the same order, the same total on every page.
async fn same_as_general_path(app: &TestApp, query: Value) -> usize {
    let general =
        json!({"operator": "AND", "value": [query, {"field": "role", "operator": "=", "value": "user"}]});
    let (ids, totals) = every_page(app, &query).await;
    let (expected, expected_totals) = every_page(app, &general).await;
    assert_eq!(ids, expected, "{query}");
    assert!(totals.iter().all(|t| *t == expected.len() as i64), "{query}: {totals:?}");
    assert_eq!(expected_totals[0], expected.len() as i64, "{query}");
    ids.len()
}

backend_test!(a_lone_membership_counts_and_pages_like_any_search);
async fn a_lone_membership_counts_and_pages_like_any_search(app: TestApp) {
    let ws = workspace_id(&app).await;
    let admin: i64 = app.workspace.admin_id.parse().unwrap();
    attribute(&app, "plan", "string").await;
    attribute(&app, "seats", "integer").await;
    attribute(&app, "office_city", "string").await;
    attribute(&app, "code", "string").await;
    let vip: i64 = tag(&app, "vip").await.parse().unwrap();
    // 6,000 users: "pro" on nine in ten, the tag on seven in eight (both above the walk's
    // threshold of 5,000 members), seats 0..5999 (few members: below it), a city of five
    // (few distinct values: a text match is rewritten as the values it matches) and a code
    // each (6,000 distinct values: it is not).
    let changes: Vec<ContactChanges> = (0..6_000)
        .map(|i| {
            let plan = if i % 10 == 0 { "free" } else { "pro" };
            let body = json!({"role": "user", "email": format!("u{i}@x.io"),
                "custom_attributes": {"plan": plan, "seats": i, "office_city": CITIES[i % CITIES.len()],
                    "code": format!("c{i}")}});
            contact_changes(body.to_string().as_bytes()).unwrap()
        })
        .collect();
    let mut ids = Vec::new();
    for batch in changes.chunks(1_000) {
        ids.extend(app.store.import_contacts(ws, batch).await.unwrap());
    }
    let taggings: Vec<(&str, i64)> =
        ids.iter().enumerate().filter(|(i, _)| i % 8 != 1).map(|(_, id)| (id.as_str(), vip)).collect();
    app.store.import_contact_tags(ws, admin, &taggings).await.unwrap();
    // As `switchboard import` does after a load (PostgreSQL plans by its statistics).
    app.store.refresh_import_statistics().await.unwrap();
    // Archived members are neither counted nor listed: some in the first page, some later.
    for i in [0, 2, 3, 150, 5_990] {
        assert_eq!(app.post(&format!("/contacts/{}/archive", ids[i]), json!({})).await.0, 200);
    }

    let tagged =
        same_as_general_path(&app, json!({"field": "tag_id", "operator": "=", "value": vip.to_string()}))
            .await;
    assert_eq!(tagged, 5_250 - 5);
    let pro = same_as_general_path(
        &app,
        json!({"field": "custom_attributes.plan", "operator": "=", "value": "pro"}),
    )
    .await;
    assert_eq!(pro, 5_400 - 2);
    // Below the threshold: the members drive.
    let range = same_as_general_path(
        &app,
        json!({"operator": "AND", "value": [
        {"field": "custom_attributes.seats", "operator": ">", "value": 5_900},
        {"field": "custom_attributes.seats", "operator": "<=", "value": 5_995}]}),
    )
    .await;
    assert_eq!(range, 95 - 1);
    same_as_general_path(
        &app,
        json!({"field": "custom_attributes.seats", "operator": "IN", "value": [1, 2, 3]}),
    )
    .await;

    // Text matches on custom strings, against a count made here (`~` ignores ASCII case).
    let archived = [0, 2, 3, 150, 5_990];
    let expected =
        |keep: &dyn Fn(usize) -> bool| (0..6_000).filter(|i| !archived.contains(i) && keep(*i)).count();
    let has = |i: usize, part: &str| CITIES[i % CITIES.len()].to_ascii_lowercase().contains(part);
    for (query, count) in [
        (
            json!({"field": "custom_attributes.office_city", "operator": "~", "value": "ondo"}),
            expected(&|i| has(i, "ondo")),
        ),
        (
            json!({"field": "custom_attributes.office_city", "operator": "!~", "value": "ondo"}),
            expected(&|i| !has(i, "ondo")),
        ),
        (
            json!({"field": "custom_attributes.office_city", "operator": "^", "value": "lon"}),
            expected(&|i| CITIES[i % CITIES.len()].to_ascii_lowercase().starts_with("lon")),
        ),
        (
            json!({"field": "custom_attributes.office_city", "operator": "~", "value": "o_x"}),
            expected(&|i| has(i, "o_x")),
        ),
        (json!({"field": "custom_attributes.office_city", "operator": "~", "value": "berlin"}), 0),
        (
            json!({"field": "custom_attributes.office_city", "operator": "!~", "value": "berlin"}),
            expected(&|_| true),
        ),
        (
            json!({"field": "custom_attributes.code", "operator": "~", "value": "599"}),
            expected(&|i| format!("c{i}").contains("599")),
        ),
    ] {
        assert_eq!(same_as_general_path(&app, query.clone()).await, count, "{query}");
    }

    // Another workspace's tag names none of this workspace's contacts, and none of its own.
    let other = app.other_workspace().await;
    let (status, theirs) = app.post_as(&other.access_token, "/tags", json!({"name": "vip"})).await;
    assert_eq!(status, 200, "{theirs}");
    let theirs = theirs["id"].as_str().unwrap();
    let (_, body) = app
        .post("/contacts/search", json!({"query": {"field": "tag_id", "operator": "=", "value": theirs}}))
        .await;
    assert_eq!(body["total_count"], 0);
    assert_eq!(body["data"], json!([]));
}
