use serde_json::{Value, json};

use crate::common::{TestApp, assert_error, backend_test};

async fn collection(app: &TestApp, body: Value) -> Value {
    let (status, created) = app.post("/help_center/collections", body).await;
    assert_eq!(status, 200, "{created}");
    created
}

backend_test!(every_workspace_has_a_default_help_center);
async fn every_workspace_has_a_default_help_center(app: TestApp) {
    let (status, list) = app.get("/help_center/help_centers").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["type"], "list");
    let centers = list["data"].as_array().unwrap();
    assert_eq!(centers.len(), 1);
    let center = &centers[0];
    assert!(center["id"].as_str().is_some_and(|id| id.parse::<i64>().is_ok()), "{center}");
    assert_eq!(center["workspace_id"], app.workspace.workspace_id);
    assert_eq!(center["identifier"], "test-workspace");
    assert_eq!(center["display_name"], "Test Workspace");
    assert_eq!(center["website_turned_on"], false);
    assert_eq!(center["url"], "https://intercom.help/test-workspace");
    assert_eq!(center["custom_domain"], Value::Null);
    assert!(center["created_at"].is_i64() && center["updated_at"].is_i64());

    let (_, again) = app.get("/help_center/help_centers").await;
    assert_eq!(again["data"], list["data"], "made once");
    let (status, found) =
        app.get(&format!("/help_center/help_centers/{}", center["id"].as_str().unwrap())).await;
    assert_eq!(status, 200);
    assert_eq!(&found, center);

    // The SDK pagers ask for page + 1 until a page is empty.
    let (status, past) = app.get("/help_center/help_centers?page=2").await;
    assert_eq!(status, 200);
    assert_eq!(past["data"], json!([]));

    for path in ["/help_center/help_centers/999999", "/help_center/help_centers/abc"] {
        let (status, body) = app.get(path).await;
        let error = assert_error(status, &body, 404, "not_found");
        assert_eq!(error["message"], "Resource Not Found");
    }
    let (status, body) = app.get("/help_center/help_centers?per_page=0").await;
    assert_error(status, &body, 400, "parameter_invalid");

    let other = app.other_workspace().await;
    let (_, theirs) = app.get_as(&other.access_token, "/help_center/help_centers").await;
    assert_ne!(theirs["data"][0]["id"], center["id"]);
    let path = format!("/help_center/help_centers/{}", center["id"].as_str().unwrap());
    let (status, body) = app.get_as(&other.access_token, &path).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(collections_and_sections_are_created_and_retrieved);
async fn collections_and_sections_are_created_and_retrieved(app: TestApp) {
    let created = collection(&app, json!({"name": "Thanks for everything"})).await;
    let (_, centers) = app.get("/help_center/help_centers").await;
    let help_center_id: i64 = centers["data"][0]["id"].as_str().unwrap().parse().unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["workspace_id"], app.workspace.workspace_id);
    assert_eq!(created["name"], "Thanks for everything");
    assert_eq!(created["description"], "");
    assert_eq!(created["icon"], "book-bookmark");
    assert_eq!(created["order"], 1);
    assert_eq!(created["parent_id"], Value::Null);
    assert_eq!(created["help_center_id"], help_center_id);
    assert_eq!(created["default_locale"], "en");
    assert_eq!(
        created["url"],
        format!("https://intercom.help/test-workspace/en/collections/{id}-thanks-for-everything")
    );
    assert_eq!(
        created["translated_content"],
        json!({"type": "group_translated_content",
               "en": {"type": "group_content", "name": "Thanks for everything", "description": ""}})
    );
    assert!(created["created_at"].is_i64());
    assert_eq!(created["created_at"], created["updated_at"]);

    let second = collection(
        &app,
        json!({"name": "Billing", "description": "Money", "help_center_id": help_center_id}),
    )
    .await;
    assert_eq!(second["order"], 2);
    assert_eq!(second["description"], "Money");

    let section = collection(
        &app,
        json!({"name": "Refunds", "parent_id": id, "translated_content": {
            "type": "group_translated_content",
            "fr": {"type": "group_content", "name": "Remboursements", "description": "Argent"},
            "de": null
        }}),
    )
    .await;
    assert_eq!(section["parent_id"], id);
    assert_eq!(section["order"], 1, "first among its siblings");
    assert_eq!(section["help_center_id"], help_center_id);
    assert_eq!(section["translated_content"]["fr"]["name"], "Remboursements");
    assert!(section["translated_content"].get("de").is_none());

    let (status, found) =
        app.get(&format!("/help_center/collections/{}", section["id"].as_str().unwrap())).await;
    assert_eq!(status, 200);
    assert_eq!(found, section);
}

backend_test!(collections_are_updated_and_moved);
async fn collections_are_updated_and_moved(app: TestApp) {
    let top = collection(&app, json!({"name": "Top", "description": "First"})).await;
    let top_id = top["id"].as_str().unwrap();
    let section =
        collection(&app, json!({"name": "Section", "parent_id": top_id.parse::<i64>().unwrap()})).await;
    let section_id = section["id"].as_str().unwrap();
    let path = format!("/help_center/collections/{top_id}");

    let (status, updated) = app
        .put(
            &path,
            json!({"name": "Update collection name",
                   "translated_content": {"fr": {"name": "Nom", "description": "Desc"}}}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["name"], "Update collection name");
    assert_eq!(updated["description"], "First", "untouched fields stay");
    assert_eq!(
        updated["translated_content"]["fr"],
        json!({"type": "group_content", "name": "Nom", "description": "Desc"})
    );
    assert_eq!(updated["translated_content"]["en"]["name"], "Update collection name");
    let (_, again) = app.put(&path, json!({"translated_content": {"fr": {"description": "Autre"}}})).await;
    assert_eq!(
        again["translated_content"]["fr"],
        json!({"type": "group_content", "name": "Nom", "description": "Autre"})
    );

    // A collection cannot go inside itself or one of its sections.
    for parent in [top_id, section_id] {
        let (status, body) = app.put(&path, json!({"parent_id": parent})).await;
        let error = assert_error(status, &body, 400, "parameter_invalid");
        assert_eq!(error["field"], "parent_id");
    }
    // A section moved to the top level is a collection again.
    let (status, moved) =
        app.put(&format!("/help_center/collections/{section_id}"), json!({"parent_id": null})).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["parent_id"], Value::Null);
    assert_eq!(moved["order"], 2);
    let (status, moved) = app.put(&path, json!({"parent_id": section_id})).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["parent_id"], section_id);

    let (status, body) = app.put(&path, json!({"name": ""})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.put(&path, json!({"help_center_id": 999999})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.put("/help_center/collections/999999", json!({"name": "x"})).await;
    let error = assert_error(status, &body, 404, "not_found");
    assert_eq!(error["message"], "Resource Not Found");
}

backend_test!(collection_validation);
async fn collection_validation(app: TestApp) {
    let (status, body) =
        app.post("/help_center/collections", json!({"description": "Missing required parameter"})).await;
    let error = assert_error(status, &body, 400, "parameter_not_found");
    assert_eq!(error["message"], "Name is a required parameter.");
    let cases = [
        (json!({"name": 5}), "name"),
        (json!({"name": "x", "parent_id": "999999"}), "parent_id"),
        (json!({"name": "x", "parent_id": "abc"}), "parent_id"),
        (json!({"name": "x", "help_center_id": 999999}), "help_center_id"),
        (json!({"name": "x", "translated_content": {"xx": {"name": "?"}}}), "translated_content.xx"),
        (json!({"name": "x", "translated_content": {"fr": {"name": 1}}}), "translated_content.fr.name"),
        (
            json!({"name": "x", "translated_content": {"type": "article_translated_content"}}),
            "translated_content.type",
        ),
    ];
    for (body, field) in cases {
        let (status, error) = app.post("/help_center/collections", body.clone()).await;
        let error = assert_error(status, &error, 400, "parameter_invalid");
        assert_eq!(error["field"], field, "{body}");
    }
    let (status, body) = app
        .post(
            "/help_center/collections",
            json!({"name": "x", "translated_content": {"fr": {"description": "d"}}}),
        )
        .await;
    let error = assert_error(status, &body, 400, "parameter_not_found");
    assert_eq!(error["field"], "translated_content.fr.name");
    let (status, body) = app.call(axum::http::Method::POST, "/help_center/collections", None).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (_, list) = app.get("/help_center/collections").await;
    assert_eq!(list["total_count"], 0, "nothing was written");
}

backend_test!(collections_list_by_page);
async fn collections_list_by_page(app: TestApp) {
    for i in 0..5 {
        collection(&app, json!({"name": format!("Collection {i}")})).await;
    }
    let (status, page) = app.get("/help_center/collections?per_page=2").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["type"], "list");
    assert_eq!(page["total_count"], 5);
    assert_eq!(page["pages"], json!({"type": "pages", "page": 1, "per_page": 2, "total_pages": 3}));
    let mut names = Vec::new();
    for n in 1..=4 {
        let (_, page) = app.get(&format!("/help_center/collections?per_page=2&page={n}")).await;
        names.extend(page["data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()));
        if n == 4 {
            assert_eq!(page["data"], json!([]), "past the end");
        }
    }
    // Newest first: same-second updates fall back to the newest id.
    assert_eq!(names, ["Collection 4", "Collection 3", "Collection 2", "Collection 1", "Collection 0"]);
    let (_, default_page) = app.get("/help_center/collections").await;
    assert_eq!(default_page["pages"]["per_page"], 15);
    let (status, body) = app.get("/help_center/collections?page=zero").await;
    assert_error(status, &body, 400, "parameter_invalid");
}

backend_test!(deleting_a_collection_takes_its_sections_and_frees_its_articles);
async fn deleting_a_collection_takes_its_sections_and_frees_its_articles(app: TestApp) {
    let top = collection(&app, json!({"name": "Top"})).await;
    let top_id: i64 = top["id"].as_str().unwrap().parse().unwrap();
    let section = collection(&app, json!({"name": "Section", "parent_id": top_id})).await;
    let section_id: i64 = section["id"].as_str().unwrap().parse().unwrap();
    let author: i64 = app.workspace.admin_id.parse().unwrap();
    let mut articles = Vec::new();
    for parent in [top_id, section_id] {
        let (status, article) =
            app.post("/articles", json!({"title": "In it", "author_id": author, "parent_id": parent})).await;
        assert_eq!(status, 200, "{article}");
        articles.push(article["id"].as_str().unwrap().to_owned());
    }

    let other = app.other_workspace().await;
    let theirs = OtherClient { app: &app, token: &other.access_token };
    let (status, body) =
        theirs.call(axum::http::Method::DELETE, &format!("/help_center/collections/{top_id}"), None).await;
    assert_error(status, &body, 404, "not_found");

    let (status, deleted) = app.delete(&format!("/help_center/collections/{top_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(deleted, json!({"id": top_id.to_string(), "object": "collection", "deleted": true}));
    for id in [top_id, section_id] {
        let (status, body) = app.get(&format!("/help_center/collections/{id}")).await;
        assert_error(status, &body, 404, "not_found");
    }
    for id in &articles {
        let (status, article) = app.get(&format!("/articles/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(article["parent_id"], Value::Null);
        assert_eq!(article["parent_type"], Value::Null);
        assert_eq!(article["parent_ids"], json!([]));
    }
    let (status, body) = app.delete(&format!("/help_center/collections/{top_id}")).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(another_workspaces_collections_are_invisible);
async fn another_workspaces_collections_are_invisible(app: TestApp) {
    let mine = collection(&app, json!({"name": "Mine"})).await;
    let id = mine["id"].as_str().unwrap();
    let other = app.other_workspace().await;
    let (status, body) = app.get_as(&other.access_token, &format!("/help_center/collections/{id}")).await;
    assert_error(status, &body, 404, "not_found");
    let (_, list) = app.get_as(&other.access_token, "/help_center/collections").await;
    assert_eq!(list["total_count"], 0);
    let (_, centers) = app.get("/help_center/help_centers").await;
    let my_center = centers["data"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = app.get_as(&other.access_token, "/help_center/help_centers").await;
    assert_eq!(status, 200);
    let other_app = OtherClient { app: &app, token: &other.access_token };
    let (status, body) =
        other_app.post("/help_center/collections", json!({"name": "x", "parent_id": id})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) =
        other_app.post("/help_center/collections", json!({"name": "x", "help_center_id": my_center})).await;
    assert_error(status, &body, 400, "parameter_invalid");
}

/// Requests with another workspace's token.
pub struct OtherClient<'a> {
    pub app: &'a TestApp,
    pub token: &'a str,
}

impl OtherClient<'_> {
    pub async fn call(
        &self,
        method: axum::http::Method,
        path: &str,
        body: Option<Value>,
    ) -> (axum::http::StatusCode, Value) {
        let (mut parts, body) = self.app.request(method, path, body.as_ref()).into_parts();
        parts.headers.insert("authorization", format!("Bearer {}", self.token).parse().unwrap());
        let (status, _, body) = self.app.send(axum::http::Request::from_parts(parts, body)).await;
        (status, body)
    }

    pub async fn post(&self, path: &str, body: Value) -> (axum::http::StatusCode, Value) {
        self.call(axum::http::Method::POST, path, Some(body)).await
    }
}

backend_test!(the_default_help_center_and_its_locales);
async fn the_default_help_center_and_its_locales(app: TestApp) {
    let (status, list) =
        crate::conversations::at_2_16(&app, axum::http::Method::GET, "/help_center/help_centers", None).await;
    assert_eq!(status, 200, "{list}");
    let center = &list["data"][0];
    assert_eq!((center["default"].clone(), center["locales"].clone()), (json!(true), json!(["en"])));
    let path = format!("/help_center/help_centers/{}", center["id"].as_str().unwrap());
    let (_, found) = crate::conversations::at_2_16(&app, axum::http::Method::GET, &path, None).await;
    assert_eq!(found["default"], true);
}
