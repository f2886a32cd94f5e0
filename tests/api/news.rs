use axum::http::Method;
use serde_json::{Value, json};
use switchboard::domain::admin::NewAdmin;

use crate::common::{TestApp, assert_error, backend_test};

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

async fn workspace_id(app: &TestApp) -> i64 {
    app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap().id
}

fn owner(app: &TestApp) -> i64 {
    app.workspace.admin_id.parse().unwrap()
}

/// The ids of the workspace's newsfeeds, in their order.
async fn newsfeed_ids(app: &TestApp) -> Vec<i64> {
    let (status, list) = app.get("/news/newsfeeds").await;
    assert_eq!(status, 200, "{list}");
    list["data"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().parse().unwrap()).collect()
}

async fn create(app: &TestApp, body: Value) -> Value {
    let (status, item) = app.post("/news/news_items", body).await;
    assert_eq!(status, 200, "{item}");
    item
}

fn path(item: &Value) -> String {
    format!("/news/news_items/{}", item["id"].as_str().unwrap())
}

backend_test!(news_items_are_created_retrieved_updated_and_deleted);
async fn news_items_are_created_retrieved_updated_and_deleted(app: TestApp) {
    let feeds = newsfeed_ids(&app).await;
    let published_at = now() - 3600;
    let item = create(
        &app,
        json!({
            "title": "Halloween is here!",
            "body": "<p>New costumes in store for this spooky season</p>",
            "labels": ["Product", "Update", "New"],
            "sender_id": owner(&app),
            "deliver_silently": true,
            "reactions": ["😆", "😅"],
            "state": "live",
            "newsfeed_assignments": [{"newsfeed_id": feeds[0], "published_at": published_at}],
        }),
    )
    .await;
    assert_eq!(item["type"], "news-item");
    assert!(item["id"].as_str().unwrap().parse::<i64>().is_ok(), "{item}");
    assert_eq!(item["workspace_id"], app.workspace.workspace_id);
    assert_eq!(item["title"], "Halloween is here!");
    assert_eq!(item["body"], "<p>New costumes in store for this spooky season</p>");
    assert_eq!(item["sender_id"], owner(&app));
    assert_eq!(item["state"], "live");
    assert_eq!(item["labels"], json!(["New", "Product", "Update"]), "sorted, as Intercom answers");
    assert_eq!(item["reactions"], json!(["😆", "😅"]), "in the order sent");
    assert_eq!(item["deliver_silently"], true);
    assert_eq!(item["cover_image_url"], Value::Null);
    assert_eq!(
        item["newsfeed_assignments"],
        json!([{"newsfeed_id": feeds[0], "published_at": published_at}])
    );
    assert!(item["created_at"].is_i64() && item["updated_at"].is_i64());

    let (status, found) = app.get(&path(&item)).await;
    assert_eq!(status, 200);
    assert_eq!(found, item);

    // Absent fields are left as they are; assignments sent replace the item's.
    let (status, updated) = app
        .put(
            &path(&item),
            json!({
                "title": "Christmas is here!",
                "sender_id": owner(&app).to_string(),
                "reactions": ["😝", null],
                "cover_image_url": "https://example.com/cover.png",
                "newsfeed_assignments": [{"newsfeed_id": feeds[0]}, {"newsfeed_id": feeds[1]}],
            }),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["title"], "Christmas is here!");
    assert_eq!(updated["body"], item["body"]);
    assert_eq!(updated["labels"], item["labels"]);
    assert_eq!(updated["deliver_silently"], true);
    assert_eq!(updated["reactions"], json!(["😝", null]));
    assert_eq!(updated["cover_image_url"], "https://example.com/cover.png");
    let assignments = updated["newsfeed_assignments"].as_array().unwrap();
    assert_eq!(assignments[0], json!({"newsfeed_id": feeds[0], "published_at": published_at}), "kept");
    assert!(assignments[1]["published_at"].as_i64().unwrap() >= now() - 5, "published now: {updated}");

    // A draft is on its newsfeeds without a publish date; set live again, it is published now.
    let (status, draft) = app.put(&path(&item), json!({"state": "draft", "cover_image_url": null})).await;
    assert_eq!(status, 200, "{draft}");
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["cover_image_url"], Value::Null);
    assert_eq!(
        draft["newsfeed_assignments"],
        json!([{"newsfeed_id": feeds[0], "published_at": null}, {"newsfeed_id": feeds[1], "published_at": null}])
    );
    let (_, live) = app.put(&path(&item), json!({"state": "live"})).await;
    for a in live["newsfeed_assignments"].as_array().unwrap() {
        assert!(a["published_at"].as_i64().unwrap() >= now() - 5, "{live}");
    }
    // Assignments sent with a draft are kept without their dates.
    let (_, draft) = app
        .put(
            &path(&item),
            json!({"state": "draft", "newsfeed_assignments": [{"newsfeed_id": feeds[1], "published_at": 5}]}),
        )
        .await;
    assert_eq!(draft["newsfeed_assignments"], json!([{"newsfeed_id": feeds[1], "published_at": null}]));

    let (status, deleted) = app.delete(&path(&item)).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted, json!({"id": item["id"], "object": "news-item", "deleted": true}));
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let body = (method == Method::PUT).then(|| json!({"title": "Gone"}));
        let (status, body) = app.call(method, &path(&item), body.as_ref()).await;
        let error = assert_error(status, &body, 404, "not_found");
        assert_eq!(error["message"], "Resource Not Found");
    }
}

backend_test!(a_draft_is_the_default_and_only_a_title_and_sender_are_needed);
async fn a_draft_is_the_default_and_only_a_title_and_sender_are_needed(app: TestApp) {
    let item = create(&app, json!({"title": "We have news", "sender_id": owner(&app)})).await;
    assert_eq!(item["state"], "draft");
    assert_eq!(item["body"], "");
    assert_eq!(item["labels"], json!([]));
    assert_eq!(item["reactions"], json!([]));
    assert_eq!(item["deliver_silently"], false);
    assert_eq!(item["newsfeed_assignments"], json!([]));

    // Another teammate may send it.
    let ws = workspace_id(&app).await;
    let new = NewAdmin { email: "writer@example.com".into(), name: "Writer".into(), job_title: None };
    let writer = app.store.create_admin(ws, &new).await.unwrap().id;
    let (status, updated) = app.put(&path(&item), json!({"sender_id": writer})).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["sender_id"], writer);
}

backend_test!(news_item_requests_are_checked);
async fn news_item_requests_are_checked(app: TestApp) {
    let feeds = newsfeed_ids(&app).await;
    let sender = owner(&app);
    let other = app.other_workspace().await;
    let (_, their_feeds) = app.get_as(&other.access_token, "/news/newsfeeds").await;
    let their_feed: i64 = their_feeds["data"][0]["id"].as_str().unwrap().parse().unwrap();
    let cases = [
        (json!({"sender_id": sender}), 400, "parameter_not_found"),
        (json!({"title": "News"}), 400, "parameter_not_found"),
        (json!({"title": "  ", "sender_id": sender}), 400, "parameter_invalid"),
        (json!({"title": "News", "sender_id": 999999}), 404, "admin_not_found"),
        (json!({"title": "News", "sender_id": other.admin_id}), 404, "admin_not_found"),
        (json!({"title": "News", "sender_id": "abc"}), 400, "parameter_invalid"),
        (json!({"title": 7, "sender_id": sender}), 400, "parameter_invalid"),
        (json!({"title": "News", "sender_id": sender, "state": "published"}), 400, "parameter_invalid"),
        (json!({"title": "News", "sender_id": sender, "labels": "New"}), 400, "parameter_invalid"),
        (json!({"title": "News", "sender_id": sender, "labels": [""]}), 400, "parameter_invalid"),
        (json!({"title": "News", "sender_id": sender, "reactions": [1]}), 400, "parameter_invalid"),
        (json!({"title": "News", "sender_id": sender, "deliver_silently": "yes"}), 400, "parameter_invalid"),
        (
            json!({"title": "News", "sender_id": sender, "cover_image_url": "https://example.com/a.gif"}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"title": "News", "sender_id": sender, "newsfeed_assignments": [{"newsfeed_id": 999999}]}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"title": "News", "sender_id": sender, "newsfeed_assignments": [{"newsfeed_id": their_feed}]}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"title": "News", "sender_id": sender, "state": "live",
                   "newsfeed_assignments": [{"newsfeed_id": feeds[0], "published_at": now() + 3600}]}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"title": "News", "sender_id": sender,
                   "newsfeed_assignments": [{"newsfeed_id": feeds[0]}, {"newsfeed_id": feeds[0]}]}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"title": "News", "sender_id": sender, "newsfeed_assignments": [{"published_at": 5}]}),
            400,
            "parameter_not_found",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = app.post("/news/news_items", body.clone()).await;
        assert_error(got, &answer, status, code);
    }
    let request = app.request(Method::POST, "/news/news_items", None);
    let request =
        axum::http::Request::from_parts(request.into_parts().0, axum::body::Body::from("{\"title\":"));
    let (status, _, body) = app.send(request).await;
    assert_error(status, &body, 400, "bad_request");

    // Nothing was written.
    let (_, list) = app.get("/news/news_items").await;
    assert_eq!(list["total_count"], 0, "{list}");

    // An update is checked the same way, and changes nothing when refused.
    let item = create(&app, json!({"title": "News", "sender_id": sender})).await;
    for (body, status, code) in [
        (json!({"title": ""}), 400, "parameter_invalid"),
        (json!({"sender_id": 999999}), 404, "admin_not_found"),
        (
            json!({"title": "Changed", "newsfeed_assignments": [{"newsfeed_id": their_feed}]}),
            400,
            "parameter_invalid",
        ),
    ] {
        let (got, answer) = app.put(&path(&item), body).await;
        assert_error(got, &answer, status, code);
    }
    let (_, found) = app.get(&path(&item)).await;
    assert_eq!(found, item);

    for bad in ["/news/news_items/abc", "/news/news_items/0", "/news/news_items/999999"] {
        let (status, body) = app.get(bad).await;
        assert_error(status, &body, 404, "not_found");
    }
}

backend_test!(news_items_are_listed_by_page_and_kept_to_their_workspace);
async fn news_items_are_listed_by_page_and_kept_to_their_workspace(app: TestApp) {
    let mut ids = Vec::new();
    for i in 0..3 {
        let item = create(&app, json!({"title": format!("News {i}"), "sender_id": owner(&app)})).await;
        ids.push(item["id"].clone());
    }
    let (status, first) = app.get("/news/news_items?per_page=2").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["type"], "list");
    assert_eq!(first["total_count"], 3);
    assert_eq!(first["pages"]["page"], 1);
    assert_eq!(first["pages"]["per_page"], 2);
    assert_eq!(first["pages"]["total_pages"], 2);
    let listed: Vec<Value> = first["data"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect();
    assert_eq!(listed, ids[..2]);
    let (_, second) = app.get("/news/news_items?per_page=2&page=2").await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second["data"][0]["id"], ids[2]);
    assert!(second["pages"].get("next").is_none(), "{second}");
    let (_, past) = app.get("/news/news_items?per_page=2&page=3").await;
    assert_eq!(past["data"], json!([]));
    let (_, default) = app.get("/news/news_items").await;
    assert_eq!(default["pages"]["per_page"], 10);
    for bad in ["/news/news_items?per_page=0", "/news/news_items?page=x"] {
        let (status, body) = app.get(bad).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }

    let other = app.other_workspace().await;
    let (_, theirs) = app.get_as(&other.access_token, "/news/news_items").await;
    assert_eq!(theirs["total_count"], 0);
    let path = format!("/news/news_items/{}", ids[0].as_str().unwrap());
    let (status, body) = app.get_as(&other.access_token, &path).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(every_workspace_has_the_default_newsfeeds_and_the_operator_adds_others);
async fn every_workspace_has_the_default_newsfeeds_and_the_operator_adds_others(app: TestApp) {
    let (status, list) = app.get("/news/newsfeeds").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total_count"], 2);
    let names: Vec<&str> =
        list["data"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["User Feed", "Visitor Feed"]);
    let feed = &list["data"][0];
    assert_eq!(feed["type"], "newsfeed");
    assert!(feed["created_at"].is_i64() && feed["updated_at"].is_i64());
    let (_, again) = app.get("/news/newsfeeds").await;
    assert_eq!(again["data"], list["data"], "made once");

    let ws = workspace_id(&app).await;
    let beta = app.store.create_newsfeed(ws, "Beta testers").await.unwrap();
    assert!(app.store.create_newsfeed(ws, "Beta testers").await.is_err(), "names are unique");
    assert!(app.store.create_newsfeed(ws, " ").await.is_err());
    let (_, page) = app.get("/news/newsfeeds?per_page=2&page=2").await;
    assert_eq!(page["total_count"], 3);
    assert_eq!(page["data"][0]["name"], "Beta testers");
    assert_eq!(page["data"][0]["id"], beta.id.to_string());

    let (status, found) = app.get(&format!("/news/newsfeeds/{}", beta.id)).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found, page["data"][0]);
    for bad in ["/news/newsfeeds/999999", "/news/newsfeeds/abc", "/news/newsfeeds/999999/items"] {
        let (status, body) = app.get(bad).await;
        assert_error(status, &body, 404, "not_found");
    }
    let other = app.other_workspace().await;
    for path in [format!("/news/newsfeeds/{}", beta.id), format!("/news/newsfeeds/{}/items", beta.id)] {
        let (status, body) = app.get_as(&other.access_token, &path).await;
        assert_error(status, &body, 404, "not_found");
    }
}

backend_test!(a_newsfeed_lists_its_live_items_newest_first);
async fn a_newsfeed_lists_its_live_items_newest_first(app: TestApp) {
    let feeds = newsfeed_ids(&app).await;
    let (a, b) = (feeds[0], feeds[1]);
    let item = |title: &str, state: &str, assignments: Value| json!({"title": title, "sender_id": owner(&app), "state": state, "newsfeed_assignments": assignments});
    let t = now() - 1000;
    let old = create(&app, item("Old", "live", json!([{"newsfeed_id": a, "published_at": t}]))).await;
    create(&app, item("Draft", "draft", json!([{"newsfeed_id": a}]))).await;
    create(&app, item("Elsewhere", "live", json!([{"newsfeed_id": b}]))).await;
    let both = create(
        &app,
        item("Both", "live", json!([{"newsfeed_id": a, "published_at": t + 10}, {"newsfeed_id": b}])),
    )
    .await;
    let new = create(&app, item("New", "live", json!([{"newsfeed_id": a, "published_at": t + 20}]))).await;

    let (status, list) = app.get(&format!("/news/newsfeeds/{a}/items")).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total_count"], 3);
    assert_eq!(list["pages"]["per_page"], 20);
    assert_eq!(list["data"], json!([new, both, old]));

    let (_, first) = app.get(&format!("/news/newsfeeds/{a}/items?per_page=2")).await;
    assert_eq!(first["data"], json!([new, both]));
    assert_eq!(first["pages"]["total_pages"], 2);
    let (_, second) = app.get(&format!("/news/newsfeeds/{a}/items?per_page=2&page=2")).await;
    assert_eq!(second["data"], json!([old]));

    // Set back to draft, an item leaves the feed; deleted, it is gone.
    app.put(&path(&new), json!({"state": "draft"})).await;
    app.delete(&path(&both)).await;
    let (_, list) = app.get(&format!("/news/newsfeeds/{a}/items")).await;
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["data"][0]["id"], old["id"]);
}

backend_test!(news_answers_in_each_version_s_shape);
async fn news_answers_in_each_version_s_shape(app: TestApp) {
    // Every answer is checked against the requested version's description: 2.16 describes the
    // lists as `paginated_response`, and drops the 2.11 `required` lists.
    let feeds = newsfeed_ids(&app).await;
    for version in ["2.11", "2.14", "2.16"] {
        let app = app.at_version(version);
        let body = json!({"title": "Versioned", "sender_id": owner(&app), "state": "live",
                          "newsfeed_assignments": [{"newsfeed_id": feeds[1]}]});
        let item = create(&app, body).await;
        let (status, _) = app.put(&path(&item), json!({"labels": ["Fixed"]})).await;
        assert_eq!(status, 200);
        for read in ["/news/news_items".to_owned(), path(&item), "/news/newsfeeds".to_owned()] {
            let (status, body) = app.get(&read).await;
            assert_eq!(status, 200, "{version} {read}: {body}");
        }
        let (_, feed) = app.get(&format!("/news/newsfeeds/{}", feeds[1])).await;
        assert_eq!(feed["name"], "Visitor Feed");
        let (_, live) = app.get(&format!("/news/newsfeeds/{}/items", feeds[1])).await;
        assert_eq!(live["data"][0]["id"], item["id"], "{version}");
        let (status, _) = app.delete(&path(&item)).await;
        assert_eq!(status, 200);
    }
}
