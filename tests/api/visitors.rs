//! Visitors: made through `POST /_switchboard/visitors`, read, updated and converted.

use serde_json::{Value as Json, json};

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{attribute, contact};

async fn visitor(app: &TestApp, body: Json) -> Json {
    let (status, created) = app.post("/_switchboard/visitors", body).await;
    assert_eq!(status, 200, "{created}");
    created
}

backend_test!(visitors_are_made_read_and_updated);
async fn visitors_are_made_read_and_updated(app: TestApp) {
    attribute(&app, "paid_subscriber", "boolean").await;
    attribute(&app, "monthly_spend", "float").await;
    let made =
        visitor(&app, json!({"user_id": "v-1", "referrer": "https://www.google.com/", "utm_source": "ad"}))
            .await;
    assert_eq!((made["type"].as_str(), made["user_id"].as_str()), (Some("visitor"), Some("v-1")));
    assert_eq!(made["anonymous"], true);
    assert_eq!(made["email"], "", "none yet, as Intercom shows it");
    assert_eq!(made["app_id"], app.workspace.workspace_id);
    assert_eq!(made["tags"], json!({"type": "tag.list", "tags": []}));
    assert_eq!(made["referrer"], "https://www.google.com/");
    let generated = visitor(&app, json!({})).await;
    assert_eq!(generated["user_id"].as_str().unwrap().len(), 36, "a UUID");

    let (status, found) = app.get("/visitors?user_id=v-1").await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found, made);
    for version in ["2.11", "2.16"] {
        let (status, _) = app.at_version(version).get("/visitors?user_id=v-1").await;
        assert_eq!(status, 200);
    }

    let (status, updated) = app
        .put(
            "/visitors",
            json!({"id": made["id"], "name": "Gareth Bale",
            "custom_attributes": {"paid_subscriber": true, "monthly_spend": 155.5}}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["name"], "Gareth Bale");
    assert_eq!(updated["custom_attributes"], json!({"paid_subscriber": true, "monthly_spend": 155.5}));
    let (status, updated) =
        app.put("/visitors", json!({"user_id": "v-1", "custom_attributes": {"monthly_spend": 9.0}})).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        updated["custom_attributes"],
        json!({"paid_subscriber": true, "monthly_spend": 9.0}),
        "merged"
    );
    assert_eq!(updated["name"], "Gareth Bale");
    let (_, cleared) = app.put("/visitors", json!({"user_id": "v-1", "name": null})).await;
    assert_eq!(cleared["name"], Json::Null);
    assert_eq!(app.get("/visitors?user_id=v-1").await.1["custom_attributes"]["monthly_spend"], 9.0);
}

backend_test!(visitor_errors);
async fn visitor_errors(app: TestApp) {
    let made = visitor(&app, json!({"user_id": "v-2"})).await;
    let (status, error) = app.get("/visitors?user_id=fail").await;
    assert_eq!(assert_error(status, &error, 404, "not_found")["message"], "Visitor Not Found");
    let (status, error) = app.get("/visitors").await;
    assert_error(status, &error, 400, "parameter_not_found");
    let (status, error) = app.put("/visitors", json!({"user_id": "fail", "name": "Christian Fail"})).await;
    assert_eq!(assert_error(status, &error, 404, "not_found")["message"], "Visitor Not Found");
    let (status, error) = app.put("/visitors", json!({"name": "Nobody"})).await;
    assert_error(status, &error, 400, "parameter_not_found");
    let (status, _) =
        app.put("/visitors", json!({"id": made["id"], "user_id": "someone-else", "name": "x"})).await;
    assert_eq!(status, 404, "id and user_id name different visitors");
    let (status, _) = app
        .put("/visitors", json!({"user_id": "v-2", "custom_attributes": {"undefined_attribute": 1}}))
        .await;
    assert!(status.is_client_error());
    let (status, error) = app.put("/visitors", json!({"user_id": "v-2", "name": 5})).await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (status, _) = app.post("/_switchboard/visitors", json!({"user_id": "v-2"})).await;
    assert_eq!(status, 400, "user_id is unique");
    let (status, _) = app.post("/_switchboard/visitors", json!({"email": "not an email"})).await;
    assert_eq!(status, 400);
    let (status, _) = app.post("/_switchboard/visitors", json!({"unknown": 1})).await;
    assert_eq!(status, 400);
    // Another workspace's visitors are not there.
    let other = app.other_workspace().await;
    let (status, _) = app.get_as(&other.access_token, "/visitors?user_id=v-2").await;
    assert_eq!(status, 404);
    assert_eq!(app.get("/visitors?user_id=v-2").await.1["name"], Json::Null, "refused updates wrote nothing");
}

backend_test!(visitors_convert_into_new_contacts);
async fn visitors_convert_into_new_contacts(app: TestApp) {
    attribute(&app, "plan", "string").await;
    visitor(
        &app,
        json!({"user_id": "v-3", "name": "Vee", "phone": "+15550100000", "utm_campaign": "spring",
        "custom_attributes": {"plan": "pro"}}),
    )
    .await;
    let (status, user) = app
        .post(
            "/visitors/convert",
            json!({"visitor": {"user_id": "v-3"}, "user": {"email": "foo@bar.com"}, "type": "user"}),
        )
        .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!((user["type"].as_str(), user["role"].as_str()), (Some("contact"), Some("user")));
    assert_eq!((user["email"].as_str(), user["name"].as_str()), (Some("foo@bar.com"), Some("Vee")));
    assert_eq!(user["custom_attributes"]["plan"], "pro");
    assert_eq!(user["utm_campaign"], "spring");
    let (status, _) = app.get("/visitors?user_id=v-3").await;
    assert_eq!(status, 404, "the visitor is gone");
    let (status, found) = app.get(&format!("/contacts/{}", user["id"].as_str().unwrap())).await;
    assert_eq!(status, 200);
    assert_eq!(found["email"], "foo@bar.com");

    visitor(&app, json!({"user_id": "v-4", "email": "lead@bar.com"})).await;
    let (status, lead) = app
        .post(
            "/visitors/convert",
            json!({"visitor": {"email": "lead@bar.com"}, "user": {"user_id": "ext-4"}, "type": "lead"}),
        )
        .await;
    assert_eq!(status, 200, "{lead}");
    assert_eq!((lead["role"].as_str(), lead["external_id"].as_str()), (Some("lead"), Some("ext-4")));
    assert_eq!(lead["email"], "lead@bar.com");
    for version in ["2.11", "2.16"] {
        let made = visitor(&app, json!({})).await;
        let (status, _) = app
            .at_version(version)
            .post(
                "/visitors/convert",
                json!({"visitor": {"id": made["id"]}, "user": {"email": "x@y.io"}, "type": "lead"}),
            )
            .await;
        assert_eq!(status, 200);
    }
}

backend_test!(visitors_merge_into_existing_contacts);
async fn visitors_merge_into_existing_contacts(app: TestApp) {
    attribute(&app, "plan", "string").await;
    attribute(&app, "seats", "integer").await;
    let existing = contact(
        &app,
        json!({"email": "known@bar.com", "name": "Known", "custom_attributes": {"plan": "free"}}),
    )
    .await;
    let id = existing["id"].as_str().unwrap();
    visitor(
        &app,
        json!({"user_id": "v-5", "name": "Anon", "phone": "+15550101111",
        "custom_attributes": {"plan": "pro", "seats": 3}}),
    )
    .await;
    let (status, merged) = app
        .post("/visitors/convert", json!({"visitor": {"user_id": "v-5"}, "user": {"id": id}, "type": "user"}))
        .await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["id"], id);
    assert_eq!(merged["name"], "Known", "the contact's own values stay");
    assert_eq!(merged["phone"], "+15550101111", "what it lacked is filled");
    assert_eq!(merged["custom_attributes"], json!({"plan": "free", "seats": 3}));
    // By email: the user with it.
    visitor(&app, json!({"user_id": "v-6"})).await;
    let (status, by_email) = app
        .post(
            "/visitors/convert",
            json!({"visitor": {"user_id": "v-6"}, "user": {"email": "KNOWN@bar.com"}, "type": "user"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(by_email["id"], id);
    // A lead named as a user becomes one.
    let lead = contact(&app, json!({"role": "lead", "external_id": "lead-7"})).await;
    visitor(&app, json!({"user_id": "v-7"})).await;
    let (_, promoted) = app
        .post(
            "/visitors/convert",
            json!({"visitor": {"user_id": "v-7"}, "user": {"user_id": "lead-7"}, "type": "user"}),
        )
        .await;
    assert_eq!((promoted["id"].clone(), promoted["role"].as_str()), (lead["id"].clone(), Some("user")));
    // A contact without an email gets the visitor's; another user's email is left alone.
    let bare = contact(&app, json!({"role": "lead", "external_id": "lead-9"})).await;
    visitor(&app, json!({"user_id": "v-9", "email": "v9@bar.com"})).await;
    let (_, filled) = app
        .post(
            "/visitors/convert",
            json!({"visitor": {"user_id": "v-9"}, "user": {"id": bare["id"]}, "type": "lead"}),
        )
        .await;
    assert_eq!(filled["email"], "v9@bar.com", "{filled}");
    let bare = contact(&app, json!({"role": "lead", "external_id": "lead-10"})).await;
    visitor(&app, json!({"user_id": "v-10", "email": "known@bar.com"})).await;
    let (status, kept) = app
        .post(
            "/visitors/convert",
            json!({"visitor": {"user_id": "v-10"}, "user": {"id": bare["id"]}, "type": "user"}),
        )
        .await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!((kept["role"].as_str(), kept.get("email")), (Some("user"), None));

    // Errors: nothing is converted or deleted.
    visitor(&app, json!({"user_id": "v-8"})).await;
    let cases = [
        (json!({"visitor": {"user_id": "nobody"}, "user": {"email": "a@b.io"}, "type": "user"}), 404),
        (json!({"visitor": {"user_id": "v-8"}, "user": {"id": "nobody"}, "type": "user"}), 404),
        (json!({"visitor": {"user_id": "v-8"}, "user": {"email": "a@b.io"}, "type": "admin"}), 400),
        (json!({"visitor": {"user_id": "v-8"}, "user": {"email": "a@b.io"}}), 400),
        (json!({"visitor": {"user_id": "v-8"}, "type": "user"}), 400),
        (json!({"user": {"email": "a@b.io"}, "type": "user"}), 400),
        (json!({"visitor": {"user_id": "v-8"}, "user": {"name": "no identifier"}, "type": "user"}), 400),
        (json!({"visitor": "v-8", "user": {"email": "a@b.io"}, "type": "user"}), 400),
    ];
    for (body, expected) in cases {
        let (status, error) = app.post("/visitors/convert", body.clone()).await;
        assert_eq!(status, expected, "{body}: {error}");
        assert_eq!(error["type"], "error.list");
    }
    let (status, _) = app.get("/visitors?user_id=v-8").await;
    assert_eq!(status, 200);
    // Another workspace can neither convert this visitor nor merge into its contacts.
    let other = app.other_workspace().await;
    let request = app.request(
        axum::http::Method::POST,
        "/visitors/convert",
        Some(&json!({"visitor": {"user_id": "v-8"}, "user": {"email": "a@b.io"}, "type": "user"})),
    );
    let mut request = request;
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    let (status, _, _) = app.send(request).await;
    assert_eq!(status, 404);
}

backend_test!(visitors_convert_to_users_found_by_any_identifier);
async fn visitors_convert_to_users_found_by_any_identifier(app: TestApp) {
    let known = contact(&app, json!({"email": "k@bar.com", "external_id": "ext-k"})).await;
    for (n, user) in [
        (1, json!({"id": known["id"]})),
        (2, json!({"user_id": "ext-k"})),
        (3, json!({"email": "K@bar.com"})),
        (4, json!({"user_id": "ext-unknown", "email": "k@bar.com"})),
    ] {
        visitor(&app, json!({"user_id": format!("vk-{n}"), "email": "k@bar.com"})).await;
        let body = json!({"visitor": {"user_id": format!("vk-{n}")}, "user": user, "type": "user"});
        let (status, merged) = app.post("/visitors/convert", body).await;
        assert_eq!(status, 200, "{n}: {merged}");
        assert_eq!(merged["id"], known["id"], "{n}");
    }
    // A new user does not take the visitor's email from the user who has it.
    visitor(&app, json!({"user_id": "vk-5", "email": "k@bar.com"})).await;
    let body = json!({"visitor": {"user_id": "vk-5"}, "user": {"user_id": "ext-new"}, "type": "user"});
    let (status, made) = app.post("/visitors/convert", body).await;
    assert_eq!(status, 200, "{made}");
    assert_ne!(made["id"], known["id"]);
    assert_eq!(made["external_id"], "ext-new");
}

backend_test!(visitors_name_their_last_request_as_documented);
async fn visitors_name_their_last_request_as_documented(app: TestApp) {
    let made = visitor(&app, json!({"user_id": "vr-1"})).await;
    let (status, read) = app.get("/visitors?user_id=vr-1").await;
    assert_eq!(status, 200, "{read}");
    assert!(read.get("last_request_at").is_none(), "{read}");
    assert!(read.get("las_request_at").is_none_or(|v| v.is_i64()), "{read}");
    assert_eq!(read["id"], made["id"]);
}
