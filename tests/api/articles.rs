use axum::http::Method;
use serde_json::{Value, json};
use switchboard::domain::admin::NewAdmin;

use crate::common::{TestApp, assert_error, backend_test};
use crate::help_center::OtherClient;

fn me(app: &TestApp) -> i64 {
    app.workspace.admin_id.parse().unwrap()
}

async fn add_admin(app: &TestApp, email: &str) -> i64 {
    let ws = app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap();
    let new = NewAdmin { email: email.into(), name: "Writer".into(), job_title: None };
    app.store.create_admin(ws.id, &new).await.unwrap().id
}

async fn create(app: &TestApp, body: Value) -> Value {
    let (status, article) = app.post("/articles", body).await;
    assert_eq!(status, 200, "{article}");
    article
}

async fn collection(app: &TestApp, body: Value) -> i64 {
    let (status, created) = app.post("/help_center/collections", body).await;
    assert_eq!(status, 200, "{created}");
    created["id"].as_str().unwrap().parse().unwrap()
}

backend_test!(creates_an_article_with_translations);
async fn creates_an_article_with_translations(app: TestApp) {
    let translator = add_admin(&app, "translator@example.com").await;
    let parent = collection(&app, json!({"name": "Getting started"})).await;
    let article = create(
        &app,
        json!({
            "title": "Thanks for everything",
            "description": "Description of the Article",
            "body": "Body of the Article",
            "author_id": me(&app),
            "state": "published",
            "parent_id": parent,
            "parent_type": "collection",
            "translated_content": {
                "type": "article_translated_content",
                "fr": {"type": "article_content", "title": "Merci pour tout", "description": "Description de l'article",
                       "body": "Corps de l'article", "author_id": translator.to_string(), "state": "published"},
                "de": {"title": "Danke"}
            }
        }),
    )
    .await;
    let id = article["id"].as_str().unwrap().to_owned();
    assert!(id.parse::<i64>().is_ok());
    assert_eq!(article["type"], "article");
    assert_eq!(article["workspace_id"], app.workspace.workspace_id);
    assert_eq!(article["parent_id"], parent);
    assert_eq!(article["parent_type"], "collection");
    assert_eq!(article["parent_ids"], json!([parent]));
    assert_eq!(
        article["statistics"],
        json!({"type": "article_statistics", "views": 0, "conversions": 0, "conversations": 0, "reactions": 0,
               "happy_reaction_percentage": 0.0, "neutral_reaction_percentage": 0.0, "sad_reaction_percentage": 0.0})
    );
    assert_eq!(article["title"], "Thanks for everything");
    assert_eq!(article["description"], "Description of the Article");
    assert_eq!(article["body"], r#"<p class="no-margin">Body of the Article</p>"#);
    assert_eq!(article["author_id"], me(&app));
    assert_eq!(article["state"], "published");
    assert!(article["created_at"].is_i64());
    assert_eq!(article["created_at"], article["updated_at"]);
    assert_eq!(
        article["url"],
        format!("https://intercom.help/test-workspace/en/articles/{id}-thanks-for-everything")
    );
    assert_eq!(article["default_locale"], "en");

    let translated = &article["translated_content"];
    assert_eq!(translated["type"], "article_translated_content");
    assert_eq!(translated.as_object().unwrap().len(), 4, "type, en, fr, de: {translated}");
    assert_eq!(translated["en"]["type"], "article_content");
    assert_eq!(translated["en"]["title"], "Thanks for everything");
    assert_eq!(translated["en"]["url"], article["url"]);
    let fr = &translated["fr"];
    assert_eq!(fr["title"], "Merci pour tout");
    assert_eq!(fr["body"], r#"<p class="no-margin">Corps de l'article</p>"#);
    assert_eq!(fr["author_id"], translator);
    assert_eq!(fr["state"], "published");
    assert_eq!(fr["url"], format!("https://intercom.help/test-workspace/fr/articles/{id}-merci-pour-tout"));
    let de = &translated["de"];
    assert_eq!(de["author_id"], me(&app), "a translation defaults to the article's author");
    assert_eq!(de["state"], "draft");
    assert_eq!(de["url"], Value::Null, "drafts have no URL");
    assert_eq!(de["description"], "");

    let (status, found) = app.get(&format!("/articles/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(found, article);
}

backend_test!(the_default_locale_may_come_from_translated_content);
async fn the_default_locale_may_come_from_translated_content(app: TestApp) {
    let article = create(
        &app,
        json!({"translated_content": {"en": {"title": "From en", "author_id": me(&app), "body": "<p>Hi</p>"}},
               "title": "Top level wins"}),
    )
    .await;
    assert_eq!(article["title"], "Top level wins");
    assert_eq!(article["body"], r#"<p class="no-margin">Hi</p>"#);
    assert_eq!(article["state"], "draft");
    assert_eq!(article["url"], Value::Null);
    assert_eq!(article["parent_id"], Value::Null);
    assert_eq!(article["parent_type"], Value::Null);
    assert_eq!(article["parent_ids"], json!([]));
}

backend_test!(create_validation);
async fn create_validation(app: TestApp) {
    let other = app.other_workspace().await;
    let author = me(&app);
    let (status, body) = app
        .post(
            "/articles",
            json!({"title": "Thanks for everything", "description": "Description of the Article",
                   "body": "Body of the Article", "state": "published"}),
        )
        .await;
    let error = assert_error(status, &body, 400, "parameter_not_found");
    assert_eq!(
        error["message"],
        "author_id must be in the main body or default locale translated_content object"
    );
    let (status, body) = app.post("/articles", json!({"author_id": author})).await;
    let error = assert_error(status, &body, 400, "parameter_not_found");
    assert_eq!(error["field"], "title");

    let section_parent = collection(&app, json!({"name": "Top"})).await;
    let section = collection(&app, json!({"name": "Section", "parent_id": section_parent})).await;
    let invalid = [
        (json!({"title": "t", "author_id": 999999}), "author_id"),
        (json!({"title": "t", "author_id": other.admin_id}), "author_id"),
        (json!({"title": "t", "author_id": "abc"}), "author_id"),
        (json!({"title": 5, "author_id": author}), "title"),
        (json!({"title": " ", "author_id": author}), "title"),
        (json!({"title": "t", "author_id": author, "state": "live"}), "state"),
        (json!({"title": "t", "author_id": author, "parent_id": 999999}), "parent_id"),
        (
            json!({"title": "t", "author_id": author, "parent_id": section, "parent_type": "collection"}),
            "parent_type",
        ),
        (
            json!({"title": "t", "author_id": author, "parent_id": section_parent, "parent_type": "section"}),
            "parent_type",
        ),
        (
            json!({"title": "t", "author_id": author, "parent_id": section, "parent_type": "folder"}),
            "parent_type",
        ),
        (
            json!({"title": "t", "author_id": author, "translated_content": {"xx": {"title": "?"}}}),
            "translated_content.xx",
        ),
        (
            json!({"title": "t", "author_id": author, "translated_content": {"fr": "Bonjour"}}),
            "translated_content.fr",
        ),
        (
            json!({"title": "t", "author_id": author, "translated_content": {"fr": {"title": "f", "state": "x"}}}),
            "translated_content.fr.state",
        ),
        (
            json!({"title": "t", "author_id": author, "translated_content": {"fr": {"title": "f", "author_id": 999999}}}),
            "translated_content.fr.author_id",
        ),
    ];
    for (body, field) in invalid {
        let (status, error) = app.post("/articles", body.clone()).await;
        let error = assert_error(status, &error, 400, "parameter_invalid");
        assert_eq!(error["field"], field, "{body}");
    }
    let missing = [
        (
            json!({"title": "t", "author_id": author, "translated_content": {"fr": {"body": "b"}}}),
            "translated_content.fr.title",
        ),
        (json!({"title": "t", "author_id": author, "parent_type": "collection"}), "parent_id"),
    ];
    for (body, field) in missing {
        let (status, error) = app.post("/articles", body.clone()).await;
        let error = assert_error(status, &error, 400, "parameter_not_found");
        assert_eq!(error["field"], field, "{body}");
    }
    let request = app.request(Method::POST, "/articles", None);
    let (parts, _) = request.into_parts();
    let (status, _, body) = app.send(axum::http::Request::from_parts(parts, "{\"title\": ".into())).await;
    assert_error(status, &body, 400, "bad_request");

    let (_, list) = app.get("/articles").await;
    assert_eq!(list["total_count"], 0, "no rejected request wrote anything");
}

backend_test!(updates_change_only_what_they_name);
async fn updates_change_only_what_they_name(app: TestApp) {
    let writer = add_admin(&app, "writer@example.com").await;
    let top = collection(&app, json!({"name": "Top"})).await;
    let section = collection(&app, json!({"name": "Section", "parent_id": top})).await;
    let article = create(
        &app,
        json!({"title": "Original", "description": "Keep me", "author_id": me(&app),
               "translated_content": {"fr": {"title": "Originale"}}}),
    )
    .await;
    let path = format!("/articles/{}", article["id"].as_str().unwrap());

    let (status, updated) = app
        .put(
            &path,
            json!({"title": "Christmas is here!", "body": "<p>New gifts in store for the jolly season</p>"}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["title"], "Christmas is here!");
    assert_eq!(updated["body"], r#"<p class="no-margin">New gifts in store for the jolly season</p>"#);
    assert_eq!(updated["description"], "Keep me");
    assert_eq!(updated["state"], "draft", "omitting state leaves it unchanged");
    assert_eq!(
        updated["translated_content"]["fr"], article["translated_content"]["fr"],
        "other locales untouched"
    );

    let (_, published) = app
        .put(
            &path,
            json!({"state": "published", "author_id": writer.to_string(),
                   "translated_content": {"fr": {"state": "published"}, "es": {"title": "Hola", "author_id": writer}}}),
        )
        .await;
    assert_eq!(published["state"], "published");
    assert_eq!(published["author_id"], writer);
    assert_eq!(published["title"], "Christmas is here!");
    assert!(published["url"].as_str().unwrap().ends_with("-christmas-is-here"));
    assert_eq!(published["translated_content"]["fr"]["state"], "published");
    assert_eq!(published["translated_content"]["fr"]["title"], "Originale");
    assert_eq!(published["translated_content"]["fr"]["author_id"], me(&app));
    assert_eq!(published["translated_content"]["es"]["author_id"], writer);

    // parent_id arrives as a string in update_article_request_body.
    let (_, moved) =
        app.put(&path, json!({"parent_id": section.to_string(), "parent_type": "section"})).await;
    assert_eq!(moved["parent_id"], section);
    assert_eq!(moved["parent_type"], "section");
    assert_eq!(moved["parent_ids"], json!([section]));
    let (status, body) = app.put(&path, json!({"parent_type": "collection"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (_, moved) = app.put(&path, json!({"parent_id": top})).await;
    assert_eq!(moved["parent_type"], "collection");
    let (_, alone) = app.put(&path, json!({"parent_id": null})).await;
    assert_eq!(alone["parent_id"], Value::Null);
    assert_eq!(alone["parent_type"], Value::Null);

    let (_, same) = app.put(&path, json!({})).await;
    assert_eq!(same, alone, "an empty update changes nothing");

    let rejected = [
        json!({"author_id": 999999}),
        json!({"title": ""}),
        json!({"parent_id": 999999}),
        json!({"translated_content": {"it": {"body": "no title"}}}),
    ];
    for body in rejected {
        let (status, error) = app.put(&path, body.clone()).await;
        assert_eq!(status, 400, "{body}: {error}");
    }
    let (_, unchanged) = app.get(&path).await;
    assert_eq!(unchanged, alone, "rejected updates wrote nothing");

    for missing in ["/articles/999999", "/articles/abc"] {
        let (status, body) = app.put(missing, json!({"title": "Christmas is here!"})).await;
        let error = assert_error(status, &body, 404, "not_found");
        assert_eq!(error["message"], "Resource Not Found");
    }
}

backend_test!(deletes_articles);
async fn deletes_articles(app: TestApp) {
    let article = create(
        &app,
        json!({"title": "Doomed", "author_id": me(&app), "translated_content": {"fr": {"title": "Condamné"}}}),
    )
    .await;
    let id = article["id"].as_str().unwrap();
    let (status, deleted) = app.delete(&format!("/articles/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(deleted, json!({"id": id, "object": "article", "deleted": true}));
    let (status, body) = app.get(&format!("/articles/{id}")).await;
    let error = assert_error(status, &body, 404, "not_found");
    assert_eq!(error["message"], "Resource Not Found");
    let (status, body) = app.delete(&format!("/articles/{id}")).await;
    assert_error(status, &body, 404, "not_found");
    let (_, list) = app.get("/articles").await;
    assert_eq!(list["total_count"], 0);
}

backend_test!(lists_articles_by_page);
async fn lists_articles_by_page(app: TestApp) {
    let mut ids = Vec::new();
    for i in 0..5 {
        let article = create(&app, json!({"title": format!("Article {i}"), "author_id": me(&app)})).await;
        ids.push(article["id"].as_str().unwrap().to_owned());
    }
    let (status, first) = app.get("/articles?per_page=2").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["type"], "list");
    assert_eq!(first["total_count"], 5);
    assert_eq!(first["pages"], json!({"type": "pages", "page": 1, "per_page": 2, "total_pages": 3}));
    assert_eq!(first["data"][0]["translated_content"]["type"], "article_translated_content");
    let mut seen = Vec::new();
    for page in 1..=4 {
        let (_, listed) = app.get(&format!("/articles?page={page}&per_page=2")).await;
        assert_eq!(listed["pages"]["page"], page);
        let data = listed["data"].as_array().unwrap();
        if page == 4 {
            assert!(data.is_empty(), "pages past the end are empty");
        }
        seen.extend(
            data.iter().map(|a| (a["updated_at"].as_i64().unwrap(), a["id"].as_str().unwrap().to_owned())),
        );
    }
    // Most recently updated first (ids break ties within a second).
    let mut expected = seen.clone();
    expected
        .sort_by(|a, b| b.0.cmp(&a.0).then(b.1.parse::<i64>().unwrap().cmp(&a.1.parse::<i64>().unwrap())));
    assert_eq!(seen, expected);
    assert_eq!(seen.len(), 5);
    let (_, default_page) = app.get("/articles").await;
    assert_eq!(default_page["pages"]["per_page"], 15);
    for bad in ["/articles?page=0", "/articles?per_page=251", "/articles?per_page=x"] {
        let (status, body) = app.get(bad).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
}

backend_test!(another_workspaces_articles_are_invisible);
async fn another_workspaces_articles_are_invisible(app: TestApp) {
    let article =
        create(&app, json!({"title": "Secret plans", "author_id": me(&app), "state": "published"})).await;
    let path = format!("/articles/{}", article["id"].as_str().unwrap());
    let other = app.other_workspace().await;
    let theirs = OtherClient { app: &app, token: &other.access_token };
    for method in [Method::GET, Method::DELETE] {
        let (status, body) = theirs.call(method, &path, None).await;
        assert_error(status, &body, 404, "not_found");
    }
    let (status, body) = theirs.call(Method::PUT, &path, Some(json!({"title": "Mine now"}))).await;
    assert_error(status, &body, 404, "not_found");
    let (_, list) = app.get_as(&other.access_token, "/articles").await;
    assert_eq!(list["total_count"], 0);
    let (_, found) = app.get_as(&other.access_token, "/articles/search?phrase=secret").await;
    assert_eq!(found["total_count"], 0);
    // Their admin cannot author here, nor can ours there.
    let (status, body) = theirs.post("/articles", json!({"title": "x", "author_id": me(&app)})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (_, still) = app.get(&path).await;
    assert_eq!(still["title"], "Secret plans");
}

backend_test!(searches_articles);
async fn searches_articles(app: TestApp) {
    let author = me(&app);
    let started = create(
        &app,
        json!({"title": "Getting started", "description": "Your first steps", "author_id": author,
               "body": "<p>Install the <b>app</b> and sign in.</p>", "state": "published"}),
    )
    .await;
    let billing = create(
        &app,
        json!({"title": "Billing", "description": "Pay 50% less", "author_id": author,
               "body": "Invoices, refunds and getting your money back", "state": "draft",
               "translated_content": {"fr": {"title": "Facturation", "body": "Remboursements rapides", "state": "published"}}}),
    )
    .await;
    let ids = |found: &Value| -> Vec<String> {
        found["data"]["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let id = |a: &Value| a["id"].as_str().unwrap().to_owned();

    let (status, found) = app.get("/articles/search?phrase=GETTING").await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["type"], "list");
    assert_eq!(found["total_count"], 2);
    assert_eq!(found["pages"], json!({"type": "pages", "page": 1, "per_page": 10, "total_pages": 1}));
    assert_eq!(found["data"]["highlights"], json!([]));
    assert_eq!(found["data"]["articles"][0]["statistics"]["type"], "article_statistics");

    let (_, found) = app.get("/articles/search?phrase=getting&state=published").await;
    assert_eq!(ids(&found), vec![id(&started)]);
    let (_, found) = app.get("/articles/search?phrase=getting&state=draft").await;
    assert_eq!(ids(&found), vec![id(&billing)]);
    let (_, found) = app.get("/articles/search?state=all").await;
    assert_eq!(found["total_count"], 2);
    let (_, found) = app.get("/articles/search?phrase=install%20the%20app").await;
    assert_eq!(ids(&found), vec![id(&started)], "body text matches across tags");
    let (_, found) = app.get("/articles/search?phrase=class").await;
    assert_eq!(found["total_count"], 0, "markup is not searched");
    let (_, found) = app.get("/articles/search?phrase=50%25").await;
    assert_eq!(ids(&found), vec![id(&billing)]);
    let (_, found) = app.get("/articles/search?phrase=%25").await;
    assert_eq!(ids(&found), vec![id(&billing)], "wildcards are literal");
    let (_, found) = app.get("/articles/search?phrase=_").await;
    assert_eq!(found["total_count"], 0);
    let (_, found) = app.get("/articles/search?phrase=rembourse&state=published").await;
    assert_eq!(ids(&found), vec![id(&billing)], "translations are searched");

    let (_, centers) = app.get("/help_center/help_centers").await;
    let center = centers["data"][0]["id"].as_str().unwrap();
    let (_, found) = app.get(&format!("/articles/search?phrase=getting&help_center_id={center}")).await;
    assert_eq!(found["total_count"], 2);
    let (_, found) = app.get("/articles/search?phrase=getting&help_center_id=999999").await;
    assert_eq!(found["total_count"], 0);

    let (_, found) = app.get("/articles/search?phrase=getting&highlight=true&state=published").await;
    let highlights = &found["data"]["highlights"];
    assert_eq!(
        highlights,
        &json!([{
            "article_id": id(&started),
            "highlighted_title": [{"type": "highlight", "text": "Getting"}, {"type": "plain", "text": " started"}],
            "highlighted_summary": []
        }])
    );
    let (_, found) = app.get("/articles/search?phrase=rembourse&highlight=true").await;
    assert_eq!(
        found["data"]["highlights"][0]["highlighted_summary"],
        json!([[{"type": "highlight", "text": "Rembourse"}, {"type": "plain", "text": "ments rapides"}]]),
        "highlights come from the locale that matched"
    );
    assert_eq!(
        found["data"]["highlights"][0]["highlighted_title"],
        json!([{"type": "plain", "text": "Facturation"}])
    );

    let (_, paged) = app.get("/articles/search?per_page=1&page=2").await;
    assert_eq!(paged["data"]["articles"].as_array().unwrap().len(), 1);
    assert_eq!(paged["pages"]["total_pages"], 2);
    for bad in ["state=live", "highlight=maybe", "help_center_id=abc", "per_page=0"] {
        let (status, body) = app.get(&format!("/articles/search?{bad}")).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
}

backend_test!(ai_availability_is_kept_per_locale);
async fn ai_availability_is_kept_per_locale(app: TestApp) {
    let at_2_16 = crate::conversations::at_2_16;
    let new = json!({"title": "Fin", "author_id": me(&app), "ai_copilot_availability": false, "audience_ids": [],
        "scheduled_publish_at": null,
        "translated_content": {"fr": {"title": "Fin", "ai_chatbot_availability": false}}});
    let (status, article) = at_2_16(&app, Method::POST, "/articles", Some(&new)).await;
    assert_eq!(status, 200, "{article}");
    assert_eq!(
        (article["ai_chatbot_availability"].clone(), article["ai_copilot_availability"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(article["ai_sales_agent_availability"], true);
    assert_eq!(article["translated_content"]["fr"]["ai_chatbot_availability"], false);
    assert_eq!(article["translated_content"]["fr"]["ai_copilot_availability"], true);
    assert_eq!(article["tags"], json!({"type": "tag.list", "tags": []}));
    assert_eq!(
        (article["body_markdown"].clone(), article["has_unpublished_changes"].clone()),
        (Value::Null, json!(false))
    );
    assert_eq!(article["statistics"]["fin_resolutions"], 0);

    let path = format!("/articles/{}", article["id"].as_str().unwrap());
    let (status, updated) = app.put(&path, json!({"ai_sales_agent_availability": false})).await;
    assert_eq!(status, 200, "{updated}");
    let (_, found) = at_2_16(&app, Method::GET, &path, None).await;
    assert_eq!(
        (found["ai_sales_agent_availability"].clone(), found["ai_copilot_availability"].clone()),
        (json!(false), json!(false))
    );

    // No audiences, no scheduling here: refused, never dropped.
    let (status, body) = app.put(&path, json!({"audience_ids": [1]})).await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.put(&path, json!({"scheduled_publish_at": "2099-01-01T00:00:00Z"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.put(&path, json!({"ai_chatbot_availability": "yes"})).await;
    assert_eq!(status, 400, "{body}");
}

backend_test!(a_markdown_body_is_kept_beside_its_html);
async fn a_markdown_body_is_kept_beside_its_html(app: TestApp) {
    let at_2_16 = crate::conversations::at_2_16;
    let new =
        json!({"title": "Markdown", "author_id": me(&app), "body_markdown": "# Hello\n\nA **bold** move.\n"});
    let (status, article) = at_2_16(&app, Method::POST, "/articles", Some(&new)).await;
    assert_eq!(status, 200, "{article}");
    assert_eq!(article["body_markdown"], "# Hello\n\nA **bold** move.\n");
    assert_eq!(article["body"], "<h1>Hello</h1>\n<p class=\"no-margin\">A <strong>bold</strong> move.</p>\n");
    let path = format!("/articles/{}", article["id"].as_str().unwrap());

    // An HTML body replaces the markdown; both at once are refused.
    let (status, body) = app.put(&path, json!({"body": "<p>x</p>", "body_markdown": "x"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, updated) = at_2_16(&app, Method::PUT, &path, Some(&json!({"body": "<p>Plain</p>"}))).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["body_markdown"], Value::Null);
    let translated = json!({"translated_content": {"fr": {"title": "Bonjour", "body_markdown": "*Salut*"}}});
    let (_, updated) = at_2_16(&app, Method::PUT, &path, Some(&translated)).await;
    assert_eq!(updated["translated_content"]["fr"]["body_markdown"], "*Salut*");
    assert_eq!(updated["translated_content"]["fr"]["body"], "<p class=\"no-margin\"><em>Salut</em></p>\n");
}

backend_test!(contents_know_who_made_and_changed_them);
async fn contents_know_who_made_and_changed_them(app: TestApp) {
    let at_2_16 = crate::conversations::at_2_16;
    let new = json!({"title": "Who", "author_id": me(&app)});
    let (status, article) = at_2_16(&app, Method::POST, "/articles", Some(&new)).await;
    assert_eq!(status, 200, "{article}");
    assert_eq!(
        (article["created_by_id"].clone(), article["updated_by_id"].clone()),
        (json!(me(&app)), json!(me(&app)))
    );
    let path = format!("/articles/{}", article["id"].as_str().unwrap());
    let change = json!({"translated_content": {"de": {"title": "Wer"}}});
    let (status, updated) = at_2_16(&app, Method::PUT, &path, Some(&change)).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["translated_content"]["de"]["created_by_id"], me(&app));
    assert_eq!(updated["translated_content"]["de"]["updated_by_id"], me(&app));
}
