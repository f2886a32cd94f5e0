//! Contacts: create, retrieve, update, delete, archive, list, merge, and their errors.

use serde_json::{Value, json};
use switchboard::domain::subscription::ConsentType;

use crate::common::{TEST_HOST, TestApp, assert_error, backend_test};
use crate::contact_fixtures::{attribute, company_for, contact, subscription_type, tag, tag_contact};

backend_test!(a_new_contact_has_every_field_of_the_object);
async fn a_new_contact_has_every_field_of_the_object(app: TestApp) {
    let c =
        contact(&app, json!({"email": "Joe@Bloggs.com", "phone": "+353 87 123 4567", "name": "Joe"})).await;
    let id = c["id"].as_str().unwrap();
    assert_eq!(id.len(), 24);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(c["type"], "contact");
    assert_eq!(c["workspace_id"], app.workspace.workspace_id);
    assert_eq!(c["role"], "user", "role defaults to user");
    assert_eq!(c["email"], "Joe@Bloggs.com");
    assert_eq!(c["email_domain"], "bloggs.com");
    assert_eq!(c["phone"], "+353 87 123 4567");
    assert_eq!(c["formatted_phone"], "+353871234567");
    assert_eq!(c["external_id"], Value::Null);
    assert_eq!(c["owner_id"], Value::Null);
    assert_eq!(c["avatar"], Value::Null);
    assert_eq!(c["social_profiles"], json!({"type": "list", "data": []}));
    for flag in ["has_hard_bounced", "marked_email_as_spam", "unsubscribed_from_emails"] {
        assert_eq!(c[flag], false, "{flag}");
    }
    assert!(c["created_at"].is_i64());
    assert_eq!(c["created_at"], c["updated_at"]);
    for nullable in [
        "signed_up_at",
        "last_seen_at",
        "last_replied_at",
        "last_contacted_at",
        "last_email_opened_at",
        "last_email_clicked_at",
        "language_override",
        "browser",
        "browser_version",
        "browser_language",
        "os",
        "android_app_name",
        "android_app_version",
        "android_device",
        "android_os_version",
        "android_sdk_version",
        "android_last_seen_at",
        "ios_app_name",
        "ios_app_version",
        "ios_device",
        "ios_os_version",
        "ios_sdk_version",
        "ios_last_seen_at",
        "utm_campaign",
        "utm_content",
        "utm_medium",
        "utm_source",
        "utm_term",
        "referrer",
    ] {
        assert!(c.get(nullable).is_some_and(Value::is_null), "{nullable} in {c}");
    }
    assert_eq!(
        c["location"],
        json!({"type": "location", "country": null, "region": null, "city": null, "country_code": null, "continent_code": null})
    );
    assert_eq!(c["custom_attributes"], json!({}));
    for (key, sub) in [
        ("tags", "tags"),
        ("notes", "notes"),
        ("companies", "companies"),
        ("opted_in_subscription_types", "subscriptions"),
        ("opted_out_subscription_types", "subscriptions"),
    ] {
        assert_eq!(
            c[key],
            json!({"type": "list", "data": [], "url": format!("/contacts/{id}/{sub}"), "total_count": 0, "has_more": false}),
            "{key}"
        );
    }
    let (status, again) = app.get(&format!("/contacts/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(again, c);
}

backend_test!(creates_users_and_leads_with_what_they_are_given);
async fn creates_users_and_leads_with_what_they_are_given(app: TestApp) {
    attribute(&app, "paid_subscriber", "boolean").await;
    attribute(&app, "monthly_spend", "float").await;
    attribute(&app, "team_mates", "integer").await;
    let owner: i64 = app.workspace.admin_id.parse().unwrap();
    let c = contact(
        &app,
        json!({
            "role": "user", "external_id": "25", "email": "email@example.com", "phone": "+1123456789",
            "name": "Joe Example", "avatar": "https://example.org/128Wash.jpg", "last_seen_at": 1571069751,
            "signed_up_at": 1571069751, "owner_id": owner, "unsubscribed_from_emails": true,
            "custom_attributes": {"paid_subscriber": true, "monthly_spend": 155.5, "team_mates": 1}
        }),
    )
    .await;
    assert_eq!(c["external_id"], "25");
    // The URL written, answered as the description's avatar object.
    assert_eq!(c["avatar"], json!({"type": "avatar", "image_url": "https://example.org/128Wash.jpg"}));
    assert_eq!(c["owner_id"], owner);
    assert_eq!(c["signed_up_at"], 1571069751);
    assert_eq!(c["last_seen_at"], 1571069751);
    assert_eq!(c["unsubscribed_from_emails"], true);
    assert_eq!(
        c["custom_attributes"],
        json!({"paid_subscriber": true, "monthly_spend": 155.5, "team_mates": 1})
    );

    let lead = contact(&app, json!({"role": "lead"})).await;
    assert_eq!(lead["role"], "lead");
    assert_eq!(lead["email"], Value::Null);
    // Clients send numeric external ids too.
    let numeric = contact(&app, json!({"external_id": 70})).await;
    assert_eq!(numeric["external_id"], "70");
}

backend_test!(bad_contact_input_is_refused);
async fn bad_contact_input_is_refused(app: TestApp) {
    let cases = [
        (json!({}), 400, "parameter_invalid", "email"),
        (json!({"role": "user", "name": "No identity"}), 400, "parameter_invalid", "email"),
        (json!({"role": "admin", "email": "a@x.io"}), 400, "parameter_invalid", "role"),
        (json!({"email": "not an email"}), 400, "parameter_invalid", "email"),
        (json!({"email": 12}), 400, "parameter_invalid", "email"),
        (json!({"email": "a@x.io", "signed_up_at": "yesterday"}), 400, "parameter_invalid", "signed_up_at"),
        (json!({"email": "a@x.io", "owner_id": 999999}), 400, "parameter_invalid", "owner_id"),
        (
            json!({"email": "a@x.io", "custom_attributes": "plan"}),
            400,
            "parameter_invalid",
            "custom_attributes",
        ),
        (
            json!({"email": "a@x.io", "custom_attributes": {"plan": "pro"}}),
            400,
            "parameter_invalid",
            "custom_attributes",
        ),
    ];
    for (body, status_code, code, field) in cases {
        let (status, error) = app.post("/contacts", body.clone()).await;
        let error = assert_error(status, &error, status_code, code);
        assert_eq!(error["field"], field, "{body}: {error}");
    }
    let (status, body) = app.call(axum::http::Method::POST, "/contacts", None).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (_, list) = app.get("/contacts").await;
    assert_eq!(list["total_count"], 0, "nothing was written");
}

backend_test!(users_emails_and_external_ids_are_unique);
async fn users_emails_and_external_ids_are_unique(app: TestApp) {
    let user = contact(&app, json!({"email": "jo@acme.test", "external_id": "u1"})).await;
    let id = user["id"].as_str().unwrap();
    let message = format!("A contact matching those details already exists with id={id}");
    for body in [
        json!({"email": "JO@acme.test"}),
        json!({"role": "user", "email": "jo@acme.test", "external_id": "u2"}),
        json!({"role": "lead", "external_id": "u1"}),
    ] {
        let (status, error) = app.post("/contacts", body).await;
        let error = assert_error(status, &error, 409, "conflict");
        assert_eq!(error["message"], message);
    }
    // Leads may share an email, with a user or with each other.
    let lead = contact(&app, json!({"role": "lead", "email": "jo@acme.test"})).await;
    contact(&app, json!({"role": "lead", "email": "jo@acme.test"})).await;
    // Turning that lead into a user would make a second user with the email.
    let (status, error) =
        app.put(&format!("/contacts/{}", lead["id"].as_str().unwrap()), json!({"role": "user"})).await;
    assert_error(status, &error, 409, "conflict");
    // Archived contacts still hold their identifiers.
    app.post(&format!("/contacts/{id}/archive"), json!({})).await;
    let (status, error) = app.post("/contacts", json!({"external_id": "u1"})).await;
    let error = assert_error(status, &error, 409, "conflict");
    assert_eq!(
        error["message"],
        format!("An archived contact matching those details already exists with id={id}")
    );
    // Another workspace has its own contacts.
    let other = app.other_workspace().await;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/contacts")
        .header("authorization", format!("Bearer {}", other.access_token))
        .body(axum::body::Body::from(json!({"email": "jo@acme.test", "external_id": "u1"}).to_string()))
        .unwrap();
    assert_eq!(app.send(request).await.0, 200);
}

backend_test!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    concurrent_creates_are_each_committed_or_refused
);
/// Concurrent writes share commits on SQLite (group commit): each is still answered only once
/// it is committed, and a duplicate among them is refused and explained by its batch-mate.
async fn concurrent_creates_are_each_committed_or_refused(app: TestApp) {
    let app = std::sync::Arc::new(app);
    let mut calls = tokio::task::JoinSet::new();
    // Ten emails, each sent by four callers at once: one of each four wins.
    for i in 0..40 {
        let app = app.clone();
        calls.spawn(
            async move { app.post("/contacts", json!({"email": format!("u{}@x.test", i % 10)})).await },
        );
    }
    let mut created = Vec::new();
    let mut refused = 0;
    while let Some(result) = calls.join_next().await {
        let (status, body) = result.unwrap();
        if status == 200 {
            // Answered, so readable at once.
            let id = body["id"].as_str().unwrap().to_owned();
            let (status, read) = app.get(&format!("/contacts/{id}")).await;
            assert_eq!((status.as_u16(), &read["email"]), (200, &body["email"]));
            created.push(body["email"].as_str().unwrap().to_owned());
        } else {
            let error = assert_error(status, &body, 409, "conflict");
            let message = error["message"].as_str().unwrap();
            assert!(
                message.starts_with("A contact matching those details already exists with id="),
                "{message}"
            );
            refused += 1;
        }
    }
    created.sort();
    assert_eq!(created, (0..10).map(|i| format!("u{i}@x.test")).collect::<Vec<_>>());
    assert_eq!(refused, 30);
    let (_, list) = app.get("/contacts").await;
    assert_eq!(list["total_count"], 10);
}

backend_test!(unknown_contacts_are_not_found);
async fn unknown_contacts_are_not_found(app: TestApp) {
    let other = app.other_workspace().await;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/contacts")
        .header("authorization", format!("Bearer {}", other.access_token))
        .body(axum::body::Body::from(json!({"email": "theirs@x.io"}).to_string()))
        .unwrap();
    let (_, _, theirs) = app.send(request).await;
    let theirs = theirs["id"].as_str().unwrap().to_owned();
    for id in ["000000000000000000000000", "nope", theirs.as_str()] {
        for (method, path) in [
            ("GET", format!("/contacts/{id}")),
            ("PUT", format!("/contacts/{id}")),
            ("DELETE", format!("/contacts/{id}")),
            ("POST", format!("/contacts/{id}/archive")),
            ("POST", format!("/contacts/{id}/unarchive")),
            ("GET", format!("/contacts/{id}/companies")),
            ("GET", format!("/contacts/{id}/segments")),
            ("GET", format!("/contacts/{id}/subscriptions")),
            ("GET", format!("/contacts/{id}/tags")),
            ("GET", format!("/contacts/{id}/notes")),
        ] {
            let body = json!({"name": "x"});
            let (status, error) = app.call(method.parse().unwrap(), &path, Some(&body)).await;
            let error = assert_error(status, &error, 404, "not_found");
            assert_eq!(error["message"], "User Not Found", "{method} {path}");
        }
    }
    let (_, still) = app.get_as(&other.access_token, &format!("/contacts/{theirs}")).await;
    assert_eq!(still["name"], Value::Null, "the other workspace's contact is untouched");
}

backend_test!(updates_change_only_what_is_sent);
async fn updates_change_only_what_is_sent(app: TestApp) {
    attribute(&app, "plan", "string").await;
    attribute(&app, "seats", "integer").await;
    let c = contact(
        &app,
        json!({"role": "lead", "name": "Ann", "phone": "+15550100", "custom_attributes": {"plan": "free", "seats": 2}}),
    )
    .await;
    let path = format!("/contacts/{}", c["id"].as_str().unwrap());
    let (status, updated) = app
        .put(&path, json!({"role": "user", "email": "ann@x.io", "phone": null, "custom_attributes": {"plan": "pro", "seats": null}}))
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["role"], "user");
    assert_eq!(updated["email"], "ann@x.io");
    assert_eq!(updated["name"], "Ann", "not sent, kept");
    assert_eq!(updated["phone"], Value::Null);
    assert_eq!(updated["formatted_phone"], Value::Null);
    assert_eq!(updated["custom_attributes"], json!({"plan": "pro"}));
    assert!(updated["updated_at"].as_i64() >= c["updated_at"].as_i64());

    // A refused update changes nothing.
    for (body, field) in [
        (json!({"name": "Changed", "custom_attributes": {"unknown": 1}}), "custom_attributes"),
        (json!({"name": "Changed", "custom_attributes": {"seats": "many"}}), "custom_attributes"),
        (json!({"name": "Changed", "role": "lead"}), "role"),
        (json!({"name": "Changed", "email": null}), "email"),
        (json!({"name": "Changed", "owner_id": 424242}), "owner_id"),
        (json!({"name": "Changed", "signed_up_at": true}), "signed_up_at"),
    ] {
        let (status, error) = app.put(&path, body.clone()).await;
        let error = assert_error(status, &error, 400, "parameter_invalid");
        assert_eq!(error["field"], field, "{body}");
    }
    let (_, after) = app.get(&path).await;
    assert_eq!(after["name"], "Ann");
    assert_eq!(after["custom_attributes"], json!({"plan": "pro"}));
}

backend_test!(delete_and_archive);
async fn delete_and_archive(app: TestApp) {
    let keep = contact(&app, json!({"email": "keep@x.io"})).await;
    let gone = contact(&app, json!({"email": "gone@x.io", "external_id": "g1"})).await;
    let (keep, gone) = (keep["id"].as_str().unwrap(), gone["id"].as_str().unwrap());

    let (status, deleted) = app.delete(&format!("/contacts/{gone}")).await;
    assert_eq!(status, 200);
    assert_eq!(deleted, json!({"id": gone, "external_id": "g1", "type": "contact", "deleted": true}));
    assert_error(
        app.get(&format!("/contacts/{gone}")).await.0,
        &app.get(&format!("/contacts/{gone}")).await.1,
        404,
        "not_found",
    );

    let (status, archived) = app.post(&format!("/contacts/{keep}/archive"), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(archived, json!({"id": keep, "external_id": null, "type": "contact", "archived": true}));
    let (_, list) = app.get("/contacts").await;
    assert_eq!(list["total_count"], 0);
    let search = json!({"query": {"field": "email", "operator": "=", "value": "keep@x.io"}});
    assert_eq!(app.post("/contacts/search", search.clone()).await.1["total_count"], 0);
    let (status, still) = app.get(&format!("/contacts/{keep}")).await;
    assert_eq!((status.as_u16(), &still["email"]), (200, &json!("keep@x.io")), "archived data is kept");

    let (status, unarchived) = app.post(&format!("/contacts/{keep}/unarchive"), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(unarchived["archived"], false);
    assert_eq!(app.get("/contacts").await.1["total_count"], 1);
    assert_eq!(app.post("/contacts/search", search).await.1["data"][0]["id"], keep);
}

backend_test!(listing_walks_every_contact_once);
async fn listing_walks_every_contact_once(app: TestApp) {
    let mut created = Vec::new();
    for i in 0..23 {
        created.push(
            contact(&app, json!({"email": format!("c{i}@x.io")})).await["id"].as_str().unwrap().to_owned(),
        );
    }
    let (status, first) = app.get("/contacts?per_page=10").await;
    assert_eq!(status, 200);
    assert_eq!(first["type"], "list");
    assert_eq!(first["total_count"], 23);
    assert_eq!(first["pages"]["type"], "pages");
    assert_eq!(first["pages"]["page"], 1);
    assert_eq!(first["pages"]["per_page"], 10);
    assert_eq!(first["pages"]["total_pages"], 3);
    assert_eq!(first["pages"]["next"]["page"], 2);

    // Walk to the end while more contacts arrive: each one seen once, the old ones all seen.
    let mut seen = Vec::new();
    let mut page = first;
    let mut extra = 0;
    loop {
        seen.extend(page["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        let Some(cursor) = page["pages"]["next"]["starting_after"].as_str().map(str::to_owned) else { break };
        if extra < 3 {
            created.push(
                contact(&app, json!({"email": format!("late{extra}@x.io")})).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
            extra += 1;
        }
        let (status, next) = app.get(&format!("/contacts?per_page=10&starting_after={cursor}")).await;
        assert_eq!(status, 200, "{next}");
        page = next;
    }
    assert_eq!(seen, created, "every contact once, in creation order");
    assert!(page["pages"].get("next").is_none(), "the last page has no next");
    assert_eq!(page["pages"]["page"], 3);

    // Page numbers work too, and the defaults.
    let (_, second) = app.get("/contacts?per_page=10&page=2").await;
    assert_eq!(second["data"][0]["id"], created[10]);
    assert_eq!(second["pages"]["page"], 2);
    let (_, all) = app.get("/contacts").await;
    assert_eq!(all["pages"]["per_page"], 50);
    assert_eq!(all["data"].as_array().unwrap().len(), created.len());
    assert_eq!(all["total_count"], created.len());
    // The total is right on a short last page and past the end too.
    for (query, len) in [("per_page=10&page=3", created.len() - 20), ("per_page=10&page=4", 0)] {
        let (_, page) = app.get(&format!("/contacts?{query}")).await;
        assert_eq!(page["data"].as_array().unwrap().len(), len, "{query}");
        assert_eq!(page["total_count"], created.len(), "{query}");
    }

    for query in ["per_page=151", "per_page=0", "per_page=ten", "starting_after=garbage", "page=0"] {
        let (status, error) = app.get(&format!("/contacts?{query}")).await;
        assert_error(status, &error, 400, "parameter_invalid");
    }
}

backend_test!(merge_moves_a_leads_data_to_the_user);
async fn merge_moves_a_leads_data_to_the_user(app: TestApp) {
    attribute(&app, "plan", "string").await;
    attribute(&app, "source", "string").await;
    let user = contact(&app, json!({"email": "u@x.io", "custom_attributes": {"plan": "pro"}})).await;
    let lead = contact(
        &app,
        json!({"role": "lead", "name": "Lee", "phone": "+15550199", "custom_attributes": {"plan": "free", "source": "ads"}}),
    )
    .await;
    let (user, lead) = (user["id"].as_str().unwrap(), lead["id"].as_str().unwrap());
    let shared = tag(&app, "shared").await;
    let only_lead = tag(&app, "lead-only").await;
    tag_contact(&app, user, &shared).await;
    tag_contact(&app, lead, &shared).await;
    tag_contact(&app, lead, &only_lead).await;
    let (_, note) = app.post(&format!("/contacts/{lead}/notes"), json!({"body": "Met at a fair"})).await;
    let company = company_for(&app, lead, "c-1", "Acme").await;
    let newsletter = subscription_type(&app, "Newsletter", ConsentType::OptOut).await;
    app.post(
        &format!("/contacts/{lead}/subscriptions"),
        json!({"id": newsletter, "consent_type": "opt_out"}),
    )
    .await;

    let (status, merged) = app.post("/contacts/merge", json!({"from": lead, "into": user})).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["id"], user);
    assert_eq!(merged["role"], "user");
    assert_eq!(merged["email"], "u@x.io");
    assert_eq!(merged["name"], "Lee", "filled from the lead");
    assert_eq!(merged["phone"], "+15550199");
    assert_eq!(merged["custom_attributes"], json!({"plan": "pro", "source": "ads"}), "the user's values win");
    assert_eq!(merged["tags"]["total_count"], 2);
    assert_eq!(merged["notes"]["data"][0]["id"], note["id"]);
    assert_eq!(merged["companies"]["data"][0]["id"], company);
    assert_eq!(merged["opted_out_subscription_types"]["data"][0]["id"], newsletter);
    let (_, note) = app.get(&format!("/notes/{}", note["id"].as_str().unwrap())).await;
    assert_eq!(note["contact"]["id"], user);

    let (status, error) = app.get(&format!("/contacts/{lead}")).await;
    assert_error(status, &error, 404, "not_found");
    let (_, list) = app.get("/contacts").await;
    assert_eq!(list["total_count"], 1);
    let (_, found) = app
        .post("/contacts/search", json!({"query": {"field": "name", "operator": "=", "value": "Lee"}}))
        .await;
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
    assert_eq!(found["data"][0]["id"], user);
}

backend_test!(only_a_lead_merges_into_a_user);
async fn only_a_lead_merges_into_a_user(app: TestApp) {
    let u1 = contact(&app, json!({"email": "u1@x.io"})).await["id"].as_str().unwrap().to_owned();
    let u2 = contact(&app, json!({"email": "u2@x.io"})).await["id"].as_str().unwrap().to_owned();
    let l1 = contact(&app, json!({"role": "lead"})).await["id"].as_str().unwrap().to_owned();
    let l2 = contact(&app, json!({"role": "lead"})).await["id"].as_str().unwrap().to_owned();
    for (from, into, field) in
        [(&u1, &u2, "from"), (&l1, &l2, "into"), (&l1, &l1, "into"), (&u1, &l1, "from")]
    {
        let (status, error) = app.post("/contacts/merge", json!({"from": from, "into": into})).await;
        let error = assert_error(status, &error, 400, "parameter_invalid");
        assert_eq!(error["field"], field);
    }
    let (status, error) =
        app.post("/contacts/merge", json!({"from": "000000000000000000000000", "into": u1})).await;
    assert_error(status, &error, 404, "not_found");
    let (status, error) = app.post("/contacts/merge", json!({"from": l1})).await;
    let error = assert_error(status, &error, 400, "parameter_not_found");
    assert_eq!(error["field"], "into");
    assert_eq!(app.get("/contacts").await.1["total_count"], 4, "nothing was merged");
}

backend_test!(embedded_summaries_show_ten_and_count_all);
async fn embedded_summaries_show_ten_and_count_all(app: TestApp) {
    let c = contact(&app, json!({"email": "many@x.io"})).await;
    let id = c["id"].as_str().unwrap();
    let mut tags = Vec::new();
    for i in 0..12 {
        let t = tag(&app, &format!("t{i}")).await;
        tag_contact(&app, id, &t).await;
        tags.push(t);
    }
    for i in 0..3 {
        app.post(&format!("/contacts/{id}/notes"), json!({"body": format!("note {i}")})).await;
    }
    let (_, c) = app.get(&format!("/contacts/{id}")).await;
    assert_eq!(c["tags"]["total_count"], 12);
    assert_eq!(c["tags"]["has_more"], true);
    let shown: Vec<&str> =
        c["tags"]["data"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(shown, tags[..10].iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        c["tags"]["data"][0],
        json!({"type": "tag", "id": tags[0], "url": format!("/tags/{}", tags[0])})
    );
    assert_eq!(c["notes"]["total_count"], 3);
    assert_eq!(c["notes"]["has_more"], false);
    assert_eq!(c["notes"]["data"][0]["type"], "note");
    let (_, list) = app.get("/contacts").await;
    assert_eq!(list["data"][0]["tags"], c["tags"], "lists carry the same summaries");
}

backend_test!(a_contacts_companies);
async fn a_contacts_companies(app: TestApp) {
    let c = contact(&app, json!({"email": "co@x.io"})).await;
    let id = c["id"].as_str().unwrap();
    let (status, empty) = app.get(&format!("/contacts/{id}/companies")).await;
    assert_eq!(status, 200);
    assert_eq!(empty["companies"], json!([]));
    assert_eq!(empty["total_count"], 0);
    let first = company_for(&app, id, "c-1", "Acme").await;
    let second = company_for(&app, id, "c-2", "Globex").await;
    let (_, page) = app.get(&format!("/contacts/{id}/companies?per_page=1")).await;
    assert_eq!(page["type"], "list");
    assert_eq!(page["total_count"], 2);
    assert_eq!(page["companies"][0]["id"], first);
    assert_eq!(page["data"], page["companies"]);
    let company = &page["companies"][0];
    assert_eq!(company["type"], "company");
    assert_eq!(company["company_id"], "c-1");
    assert_eq!(company["name"], "Acme");
    assert_eq!(company["app_id"], app.workspace.workspace_id);
    assert_eq!(company["user_count"], 1);
    assert_eq!(company["tags"], json!({"type": "tag.list", "tags": []}));
    assert_eq!(company["segments"], json!({"type": "segment.list", "segments": []}));
    assert_eq!(page["pages"]["total_pages"], 2);
    // `pages_link.next` is a URL, on the host the client asked (the test app's `Host`).
    assert_eq!(
        page["pages"]["next"],
        format!("http://{TEST_HOST}/contacts/{id}/companies?page=2&per_page=1")
    );
    let (_, second_page) = app.get(&format!("/contacts/{id}/companies?per_page=1&page=2")).await;
    assert_eq!(second_page["companies"][0]["id"], second);
    assert!(second_page["pages"].get("next").is_none());
    let (_, past) = app.get(&format!("/contacts/{id}/companies?per_page=1&page=3")).await;
    assert_eq!(past["companies"], json!([]));
    let (_, c) = app.get(&format!("/contacts/{id}")).await;
    assert_eq!(c["companies"]["total_count"], 2);
    assert_eq!(
        c["companies"]["data"][1],
        json!({"type": "company", "id": second, "url": format!("/companies/{second}")})
    );
}

/// The stored `email_verified` of a contact.
async fn email_verified(app: &TestApp, id: &str) -> Option<bool> {
    let ws = crate::contact_fixtures::workspace_id(app).await;
    let mut conn = app.store.conn().await.unwrap();
    use sea_query::ExprTrait;
    use switchboard::store::Exec;
    let query = sea_query::Query::select()
        .column("email_verified")
        .from("contacts")
        .and_where(sea_query::Expr::col("public_id").eq(id))
        .and_where(sea_query::Expr::col("workspace_id").eq(ws))
        .to_owned();
    conn.fetch_scalar(&query).await.unwrap()
}

backend_test!(email_verified_is_kept_and_needs_an_email);
async fn email_verified_is_kept_and_needs_an_email(app: TestApp) {
    let c = contact(&app, json!({"email": "v@x.io", "email_verified": true})).await;
    let id = c["id"].as_str().unwrap();
    assert_eq!(email_verified(&app, id).await, Some(true));
    let (status, _) =
        app.put(&format!("/contacts/{id}"), json!({"email": "v@x.io", "email_verified": false})).await;
    assert_eq!(status, 200);
    assert_eq!(email_verified(&app, id).await, Some(false));
    let (status, body) = app.put(&format!("/contacts/{id}"), json!({"email_verified": true})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.post("/contacts", json!({"email": "w@x.io", "email_verified": "yes"})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(c["enabled_push_messaging"], Value::Null);
    assert!(c.get("merge_history").is_none(), "only when asked");
}

backend_test!(merge_history_lists_the_merged_leads);
async fn merge_history_lists_the_merged_leads(app: TestApp) {
    let user = contact(&app, json!({"email": "u@merge.io"})).await["id"].as_str().unwrap().to_owned();
    let lead = contact(&app, json!({"role": "lead", "name": "L"})).await["id"].as_str().unwrap().to_owned();
    let merge = json!({"from": lead, "into": user, "skip_duplicate_validation": true});
    let at_2_16 = crate::conversations::at_2_16;
    let (status, merged) =
        at_2_16(&app, axum::http::Method::POST, "/contacts/merge?include_merge_history=true", Some(&merge))
            .await;
    assert_eq!(status, 200, "{merged}");
    let history = merged["merge_history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["type"], "merge_history");
    assert_eq!(history[0]["source_contact_id"], lead);
    assert_eq!(history[0]["source_contact_role"], "lead");
    assert!(history[0]["merged_at"].is_i64());

    let (_, found) =
        at_2_16(&app, axum::http::Method::GET, &format!("/contacts/{user}?include_merge_history=true"), None)
            .await;
    assert_eq!(found["merge_history"], merged["merge_history"]);
    let (_, plain) = app.get(&format!("/contacts/{user}")).await;
    assert!(plain.get("merge_history").is_none());
    let (_, listed) =
        at_2_16(&app, axum::http::Method::GET, "/contacts?include_merge_history=true", None).await;
    assert_eq!(listed["data"][0]["merge_history"], merged["merge_history"]);
    let other = contact(&app, json!({"role": "lead", "name": "M"})).await["id"].as_str().unwrap().to_owned();
    let (_, other) = app.get(&format!("/contacts/{other}?include_merge_history=true")).await;
    assert!(other.get("merge_history").is_none(), "leads have none");
    let (status, body) = app.get(&format!("/contacts/{user}?include_merge_history=yes")).await;
    assert_error(status, &body, 400, "parameter_invalid");
}
