//! The companies scroll and the 10,000 limit of the page-numbered lists.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{Value, json};
use switchboard::domain::error::Missing;
use switchboard::store::{StoreError, now};

use crate::common::{TestApp, assert_error, backend_test};
use crate::company_fixtures::{bulk_companies, user};
use crate::contact_fixtures::workspace_id;

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

backend_test!(a_scroll_serves_every_listed_company_once);
async fn a_scroll_serves_every_listed_company_once(app: TestApp) {
    let ws = workspace_id(&app).await;
    let (a, b) = (user(&app, "a@x.test").await, user(&app, "b@x.test").await);
    let mut expected = bulk_companies(&app, ws, "a", 1500, Some(&a)).await;
    expected.extend(bulk_companies(&app, ws, "b", 1100, Some(&b)).await);
    bulk_companies(&app, ws, "unlisted", 30, None).await;

    let (status, first) = app.get("/companies/scroll").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["type"], "list");
    assert_eq!((first.get("pages"), &first["total_count"]), (None, &Value::Null));
    let param = first["scroll_param"].as_str().unwrap().to_owned();
    assert_eq!(first["data"][0]["type"], "company");

    // Only one scroll per workspace while this one is open.
    let (status, body) = app.get("/companies/scroll").await;
    let err = assert_error(status, &body, 400, "scroll_exists");
    assert_eq!(err["message"], "scroll already exists for this workspace");

    let mut seen = ids(&first);
    let mut calls = 1;
    loop {
        let (status, page) = app.get(&format!("/companies/scroll?scroll_param={param}")).await;
        assert_eq!(status, 200, "{page}");
        calls += 1;
        if page["data"].as_array().unwrap().is_empty() {
            assert!(page.get("scroll_param").is_none(), "the ended scroll has no param: {page}");
            break;
        }
        assert_eq!(page["scroll_param"], json!(param), "the param stays the same");
        seen.extend(ids(&page));
    }
    assert_eq!(calls, 2600 / 100 + 1);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no company twice");
    assert_eq!(unique, expected.iter().collect(), "every listed company, and only those");

    // The ended scroll's param is gone, and a new scroll may open.
    let (status, body) = app.get(&format!("/companies/scroll?scroll_param={param}")).await;
    let err = assert_error(status, &body, 404, "not_found");
    assert_eq!(err["message"], "scroll parameter not found");
    let (status, again) = app.get("/companies/scroll").await;
    assert_eq!(status, 200);
    assert_ne!(again["scroll_param"], json!(param));
}

backend_test!(an_unused_scroll_expires_after_a_minute);
async fn an_unused_scroll_expires_after_a_minute(app: TestApp) {
    let ws = workspace_id(&app).await;
    let u = user(&app, "u@x.test").await;
    bulk_companies(&app, ws, "c", 250, Some(&u)).await;

    // Read before the first page, so that a second ticking over between the steps below
    // cannot stretch a 59-second gap to 60.
    let start = now();
    let (_, first) = app.get("/companies/scroll").await;
    let param = first["scroll_param"].as_str().unwrap().to_owned();
    // Within the minute it goes on, and each use starts the minute again.
    let page = app.store.scroll_companies(ws, Some(&param), start + 59).await.unwrap();
    assert_eq!(page.companies.len(), 100);
    let page = app.store.scroll_companies(ws, Some(&param), start + 59 + 59).await.unwrap();
    assert_eq!(page.companies.len(), 50);
    // A minute unused: gone, for every server process (the state is in the database).
    let expired = app.store.scroll_companies(ws, Some(&param), start + 59 + 59 + 61).await;
    assert!(matches!(expired, Err(StoreError::NotFound(Missing::Scroll))), "{:?}", expired.err());
    let (status, body) = app.get(&format!("/companies/scroll?scroll_param={param}")).await;
    assert_error(status, &body, 404, "not_found");

    // An expired scroll does not block a new one.
    let stale = app.store.scroll_companies(ws, None, now() - 120).await.unwrap();
    assert!(stale.param.is_some());
    let (status, fresh) = app.get("/companies/scroll").await;
    assert_eq!(status, 200, "{fresh}");
    assert!(fresh["scroll_param"].is_string());

    let (status, body) = app.get("/companies/scroll?scroll_param=made-up").await;
    assert_error(status, &body, 404, "not_found");
    let other = app.other_workspace().await;
    let (status, body) = app
        .get_as(
            &other.access_token,
            &format!("/companies/scroll?scroll_param={}", fresh["scroll_param"].as_str().unwrap()),
        )
        .await;
    assert_error(status, &body, 404, "not_found");
    let (status, theirs) = app.get_as(&other.access_token, "/companies/scroll").await;
    assert_eq!(status, 200, "a scroll is per workspace: {theirs}");
    assert_eq!(theirs["data"], json!([]));
    assert!(theirs.get("scroll_param").is_none(), "nothing to scroll: ended at once");
}

backend_test!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    concurrent_calls_with_one_param_never_serve_a_page_twice
);
async fn concurrent_calls_with_one_param_never_serve_a_page_twice(app: TestApp) {
    let app = Arc::new(app);
    let ws = workspace_id(&app).await;
    let u = user(&app, "u@x.test").await;
    let expected = bulk_companies(&app, ws, "c", 1000, Some(&u)).await;
    let (_, first) = app.get("/companies/scroll").await;
    let param = first["scroll_param"].as_str().unwrap().to_owned();
    let mut seen = ids(&first);
    // Twelve calls at once for the nine pages left (and the end): each page goes to one.
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (app, path) = (app.clone(), format!("/companies/scroll?scroll_param={param}"));
        calls.spawn(async move { app.get(&path).await });
    }
    while let Some(result) = calls.join_next().await {
        let (status, page) = result.unwrap();
        match status.as_u16() {
            200 => seen.extend(ids(&page)),
            // Calls that come after the end find the scroll closed.
            _ => {
                assert_error(status, &page, 404, "not_found");
            }
        };
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no company twice");
    assert_eq!(unique, expected.iter().collect());
}

backend_test!(lists_stop_at_10000_companies);
async fn lists_stop_at_10000_companies(app: TestApp) {
    let ws = workspace_id(&app).await;
    let mut contacts = Vec::new();
    for i in 0..11 {
        contacts.push(user(&app, &format!("u{i}@x.test")).await);
    }
    for (i, contact) in contacts.iter().enumerate() {
        bulk_companies(&app, ws, &format!("c{i}"), 910, Some(contact)).await;
    }
    // 11 * 910 = 10,010 listed companies. Page 167 of 60 starts at 9,960: 40 are left of the
    // 10,000; any page after that is refused, as companies remain that it cannot reach.
    let (status, page) = app.post("/companies/list?per_page=60&page=167", json!({})).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total_count"], 10_010);
    assert_eq!(page["data"].as_array().unwrap().len(), 40);
    let (status, body) = app.post("/companies/list?per_page=60&page=168", json!({})).await;
    let err = assert_error(status, &body, 400, "bad_request");
    assert_eq!(err["message"], "page limit reached, please use scroll API");
    let (status, body) = app.get("/companies?per_page=50&page=201").await;
    assert_error(status, &body, 400, "bad_request");
    let (status, body) = app.post("/companies/list?per_page=60&page=300", json!({})).await;
    assert_error(status, &body, 400, "bad_request");
}
