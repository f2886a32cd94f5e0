//! Messages (`POST /messages`), the WhatsApp statuses, and phone call redirects.

use serde_json::{Value as Json, json};

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{attribute, contact};

async fn contact_id(app: &TestApp, body: Json) -> String {
    contact(app, body).await["id"].as_str().unwrap().to_owned()
}

fn admin(app: &TestApp) -> i64 {
    app.workspace.admin_id.parse().unwrap()
}

backend_test!(admin_messages_start_conversations);
async fn admin_messages_start_conversations(app: TestApp) {
    let user = contact_id(&app, json!({"email": "m@x.io", "external_id": "u-1"})).await;
    let lead = contact_id(&app, json!({"role": "lead", "email": "l@x.io"})).await;
    let (status, message) = app
        .post(
            "/messages",
            json!({"from": {"type": "admin", "id": admin(&app)}, "to": {"type": "user", "id": user},
                "message_type": "inapp", "body": "heyy"}),
        )
        .await;
    assert_eq!(status, 200, "{message}");
    assert_eq!(message["type"], "admin_message");
    assert_eq!((message["body"].as_str(), message["message_type"].as_str()), (Some("heyy"), Some("inapp")));
    assert_eq!(message["conversation_id"], message["id"], "the message is the conversation's source");
    let id = message["conversation_id"].as_str().unwrap();
    // Not opened in the inbox: closed until the contact replies.
    let (status, conversation) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(status, 200, "{conversation}");
    assert_eq!(conversation["state"], "closed");
    assert_eq!(conversation["source"]["type"], "conversation");
    assert_eq!(conversation["source"]["delivered_as"], "admin_initiated");
    assert_eq!(conversation["source"]["id"], message["id"]);
    assert_eq!(conversation["source"]["author"]["type"], "admin");
    assert_eq!(conversation["source"]["body"], "<p>heyy</p>");
    assert_eq!(conversation["contacts"]["contacts"][0]["id"], user);
    let (status, replied) = app
        .post(
            &format!("/conversations/{id}/reply"),
            json!({"message_type": "comment", "type": "user",
            "intercom_user_id": user, "body": "thanks"}),
        )
        .await;
    assert_eq!(status, 200, "{replied}");
    assert_eq!(replied["state"], "open", "a contact's reply opens it");

    // An email to several recipients, opened at once; the default sender; a blind copy is no
    // participant.
    let (status, email) = app
        .post(
            "/messages",
            json!({"from": {"type": "admin", "id": admin(&app).to_string()}, "message_type": "email",
                "subject": "Hi", "body": "<b>Hello</b>", "template": "personal",
                "to": [{"type": "user", "user_id": "u-1"}, {"type": "lead", "id": lead}],
                "bcc": {"type": "user", "email": "m@x.io"},
                "create_conversation_without_contact_reply": true, "created_at": 1_700_000_000}),
        )
        .await;
    assert_eq!(status, 200, "{email}");
    assert_eq!((email["subject"].as_str(), email["message_type"].as_str()), (Some("Hi"), Some("email")));
    assert_eq!(email["created_at"], 1_700_000_000);
    let (_, conversation) = app.get(&format!("/conversations/{}", email["id"].as_str().unwrap())).await;
    assert_eq!(conversation["state"], "open");
    assert_eq!(conversation["source"]["type"], "email");
    assert_eq!(conversation["source"]["subject"], "Hi");
    assert_eq!(conversation["source"]["body"], "<b>Hello</b>");
    assert_eq!(conversation["contacts"]["contacts"].as_array().unwrap().len(), 2);
    // 2.16 shows an email's recipients, the blind copy with them.
    let (_, at_2_16) =
        app.at_version("2.16").get(&format!("/conversations/{}", email["id"].as_str().unwrap())).await;
    let header = |field: &str, email: &str| json!({"type": field, "email": email, "drop_reason": null});
    assert_eq!(
        at_2_16["source"]["recipients"],
        json!([header("to", "m@x.io"), header("to", "l@x.io"), header("bcc", "m@x.io")])
    );
    let (_, in_app) = app.at_version("2.16").get(&format!("/conversations/{id}")).await;
    assert_eq!(in_app["source"]["recipients"], Json::Null);

    // Without `from.id`: the admin whose token sends it.
    let (status, default) = app
        .post(
            "/messages",
            json!({"from": {"type": "admin"}, "to": {"type": "lead", "id": lead}, "body": "x"}),
        )
        .await;
    assert_eq!(status, 200, "{default}");
    let (_, conversation) = app.get(&format!("/conversations/{}", default["id"].as_str().unwrap())).await;
    assert_eq!(conversation["source"]["author"]["id"], app.workspace.admin_id);
    // Without `from` at all: the default sender too.
    let (status, no_from) =
        app.post("/messages", json!({"to": {"type": "lead", "id": lead}, "body": "no sender"})).await;
    assert_eq!(status, 200, "{no_from}");
    let (_, conversation) = app.get(&format!("/conversations/{}", no_from["id"].as_str().unwrap())).await;
    assert_eq!(conversation["source"]["author"]["id"], app.workspace.admin_id);
    assert_eq!(conversation["source"]["author"]["type"], "admin");

    // The 2.16 shape: a list of recipients.
    let (status, at_2_16) = app
        .at_version("2.16")
        .post(
            "/messages",
            json!({"from": {"type": "admin", "id": admin(&app)}, "message_type": "conversation",
            "to": [{"type": "user", "id": user}], "cc": [{"type": "lead", "id": lead}], "body": "heyy"}),
        )
        .await;
    assert_eq!(status, 200, "{at_2_16}");
    assert_eq!(at_2_16["message_type"], "inapp");
}

backend_test!(contacts_message_in);
async fn contacts_message_in(app: TestApp) {
    let user = contact_id(&app, json!({"email": "c@x.io"})).await;
    let lead = contact_id(&app, json!({"role": "lead"})).await;
    for (kind, id) in [("user", &user), ("lead", &lead)] {
        let (status, message) = app
            .post(
                "/messages",
                json!({"from": {"type": kind, "id": id}, "body": "heyy",
                "referer": "https://twitter.com/bob"}),
            )
            .await;
        assert_eq!(status, 200, "{message}");
        assert_eq!(message["type"], "user_message");
        assert_eq!(message["message_type"], "inapp");
        let (_, conversation) =
            app.get(&format!("/conversations/{}", message["conversation_id"].as_str().unwrap())).await;
        assert_eq!(conversation["state"], "open");
        assert_eq!(conversation["source"]["delivered_as"], "customer_initiated");
        assert_eq!(conversation["source"]["url"], "https://twitter.com/bob");
        assert_eq!(conversation["source"]["author"]["id"], *id);
    }
    // A user is not a lead.
    let (status, error) =
        app.post("/messages", json!({"from": {"type": "lead", "id": user}, "body": "x"})).await;
    assert_error(status, &error, 404, "not_found");
    let (status, error) = app
        .post("/messages", json!({"from": {"type": "user", "id": user}, "body": "x", "template": "plain"}))
        .await;
    assert_error(status, &error, 400, "parameter_invalid");
}

backend_test!(message_errors);
async fn message_errors(app: TestApp) {
    let user = contact_id(&app, json!({"email": "e@x.io"})).await;
    let from = json!({"type": "admin", "id": admin(&app)});
    let to = json!({"type": "user", "id": user});
    let cases = [
        (
            json!({"from": from, "to": to, "message_type": "inapp", "body": null, "subject": "heyy"}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"from": from, "to": to, "message_type": "email", "body": null, "subject": "heyy"}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"from": from, "to": {"type": "user", "user_id": "70"}, "message_type": "email", "body": "hey there"}),
            422,
            "parameter_not_found",
        ),
        (json!({"from": from, "message_type": "inapp", "body": "x"}), 400, "parameter_not_found"),
        (json!({"from": from, "to": to, "message_type": "sms", "body": "x"}), 400, "parameter_invalid"),
        (json!({"from": from, "to": to, "body": "x", "template": "fancy"}), 400, "parameter_invalid"),
        (json!({"from": from, "to": {"type": "admin", "id": "1"}, "body": "x"}), 400, "parameter_invalid"),
        (json!({"from": {"type": "admin", "id": 999_999}, "to": to, "body": "x"}), 404, "admin_not_found"),
        (json!({"from": from, "to": {"type": "user", "id": "nobody"}, "body": "x"}), 404, "not_found"),
        (json!({"from": from, "to": {"type": "lead", "id": user}, "body": "x"}), 404, "not_found"),
        (json!({"from": from, "to": to, "body": ["x"]}), 400, "parameter_invalid"),
    ];
    for (body, status_code, code) in cases {
        let (status, error) = app.post("/messages", body.clone()).await;
        let error = assert_error(status, &error, status_code, code);
        if status_code == 422 {
            assert_eq!(error["message"], "No subject supplied for email message");
        }
    }
    let (status, error) =
        app.post("/messages", json!({"from": from, "to": to, "message_type": "inapp", "body": ""})).await;
    assert_eq!(assert_error(status, &error, 400, "parameter_invalid")["message"], "Body is required");
    let (status, _) = app.call(axum::http::Method::POST, "/messages", None).await;
    assert_eq!(status, 400);
    // Nothing was written by a refused message.
    let (_, list) = app.get("/conversations").await;
    assert_eq!(list["total_count"], 0, "{list}");

    // Another workspace's contacts and admins are not addressable.
    let other = app.other_workspace().await;
    let (status, _) = app
        .post("/messages", json!({"from": {"type": "admin", "id": other.admin_id}, "to": to, "body": "x"}))
        .await;
    assert_eq!(status, 404);
    let request = app.request(
        axum::http::Method::POST,
        "/messages",
        Some(&json!({"from": {"type": "admin", "id": other.admin_id}, "to": to, "body": "x"})),
    );
    let mut request = request;
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    let (status, _, error) = app.send(request).await;
    assert_error(status, &error, 404, "not_found");
}

backend_test!(whatsapp_messages_and_their_statuses);
async fn whatsapp_messages_and_their_statuses(app: TestApp) {
    let app = app.at_version("2.16");
    let known =
        contact_id(&app, json!({"email": "w@x.io", "phone": "+353 83 234 5678", "external_id": "w-1"})).await;
    let (status, message) = app
        .post(
            "/messages",
            json!({"from": {"type": "admin", "id": admin(&app)}, "message_type": "whatsapp",
                "to": {"phone": "+353832345678", "name": "W"}, "template": "keep_live", "locale": "en",
                "components": [{"type": "BODY", "parameters": [{"type": "text", "text": "Username 123"}]}]}),
        )
        .await;
    assert_eq!(status, 200, "{message}");
    assert_eq!(message["message_type"], "whatsapp");
    let ruleset = message["id"].as_str().unwrap().to_owned();
    let (_, conversation) = app.get(&format!("/conversations/{ruleset}")).await;
    assert_eq!(conversation["source"]["type"], "whatsapp");
    assert_eq!(conversation["contacts"]["contacts"][0]["id"], known, "the contact with that number");

    let (status, list) = app.get(&format!("/messages/status?ruleset_id={ruleset}")).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!((list["type"].as_str(), list["total_count"].as_i64()), (Some("list"), Some(1)));
    assert_eq!(list["ruleset_id"], ruleset);
    let event = &list["events"][0];
    assert_eq!(
        (event["status"].as_str(), event["type"].as_str()),
        (Some("sent"), Some("broadcast_outbound"))
    );
    assert_eq!(
        (event["template_name"].as_str(), event["user_id"].as_str()),
        (Some("keep_live"), Some("w-1"))
    );
    assert_eq!(event["conversation_id"], ruleset);
    let wamid = event["whatsapp_message_id"].as_str().unwrap();
    let (status, one) = app.get(&format!("/messages/whatsapp/status?message_id={wamid}")).await;
    assert_eq!(status, 200, "{one}");
    assert_eq!((one["message_id"].as_str(), one["status"].as_str()), (Some(wamid), Some("sent")));
    assert_eq!(one["error"], Json::Null);

    // A number nobody has becomes a lead.
    let (status, second) = app
        .post(
            "/messages",
            json!({"from": {"type": "admin", "id": admin(&app)}, "message_type": "whatsapp",
            "to": {"phone": "+1 555 010 9999"}, "template": "order_update"}),
        )
        .await;
    assert_eq!(status, 200, "{second}");
    let (_, conversation) = app.get(&format!("/conversations/{}", second["id"].as_str().unwrap())).await;
    let lead = conversation["contacts"]["contacts"][0]["id"].as_str().unwrap();
    let (_, lead) = app.get(&format!("/contacts/{lead}")).await;
    assert_eq!((lead["role"].as_str(), lead["phone"].as_str()), (Some("lead"), Some("+15550109999")));

    // Pages of one.
    let (_, page) = app.get(&format!("/messages/status?ruleset_id={ruleset}&per_page=1")).await;
    assert_eq!(page["pages"]["total_pages"], 1);
    assert_eq!(page["pages"]["next"], Json::Null);
    let after = page["events"][0]["id"].as_str().unwrap();
    let (_, rest) = app.get(&format!("/messages/status?ruleset_id={ruleset}&starting_after={after}")).await;
    assert_eq!(rest["events"], json!([]));

    // Errors.
    let (status, error) = app.get("/messages/status").await;
    assert_error(status, &error, 400, "parameter_not_found");
    let (status, error) = app.get(&format!("/messages/status?ruleset_id={ruleset}&per_page=101")).await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (status, error) = app.get(&format!("/messages/status?ruleset_id={ruleset}&starting_after=zz")).await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (_, none) = app.get("/messages/status?ruleset_id=nothing").await;
    assert_eq!(none["total_count"], 0);
    let (status, error) = app.get("/messages/whatsapp/status").await;
    assert_error(status, &error, 400, "parameter_not_found");
    let (status, error) = app.get("/messages/whatsapp/status?message_id=wamid.nothing").await;
    assert_eq!(
        assert_error(status, &error, 404, "whatsapp_message_not_found")["message"],
        "Whatsapp message not found"
    );
    for body in [
        json!({"from": {"type": "admin", "id": admin(&app)}, "message_type": "whatsapp", "to": {"phone": "+15550109999"}}),
        json!({"from": {"type": "admin", "id": admin(&app)}, "message_type": "whatsapp", "template": "t", "to": {"phone": "call me"}}),
        json!({"from": {"type": "admin", "id": admin(&app)}, "message_type": "inapp", "body": "x", "to": {"phone": "+15550109999"}}),
        json!({"from": {"type": "admin", "id": admin(&app)}, "message_type": "whatsapp", "template": "t",
            "to": [{"phone": "+15550109999"}, {"phone": "+15550108888"}]}),
    ] {
        let (status, error) = app.post("/messages", body).await;
        assert_eq!(status, 400, "{error}");
    }

    // Another workspace sees none of it.
    let other = app.other_workspace().await;
    let (status, _) =
        app.get_as(&other.access_token, &format!("/messages/whatsapp/status?message_id={wamid}")).await;
    assert_eq!(status, 404);
    let (_, list) = app.get_as(&other.access_token, &format!("/messages/status?ruleset_id={ruleset}")).await;
    assert_eq!(list["total_count"], 0);
}

backend_test!(phone_calls_are_redirected);
async fn phone_calls_are_redirected(app: TestApp) {
    attribute(&app, "issue_type", "string").await;
    let known = contact_id(&app, json!({"email": "p@x.io", "phone": "+353832345678"})).await;
    let (status, redirect) = app
        .post(
            "/phone_call_redirects",
            json!({"phone": "+353832345678", "custom_attributes": {"issue_type": "Billing"}}),
        )
        .await;
    assert_eq!(status, 200, "{redirect}");
    assert_eq!(redirect, json!({"type": "phone_call_redirect", "phone": "+353832345678"}));
    let (_, found) = app.get(&format!("/contacts/{known}")).await;
    assert_eq!(found["custom_attributes"]["issue_type"], "Billing");
    // The conversation the SMS would open, waiting for the caller.
    let (_, search) = app
        .post(
            "/conversations/search",
            json!({"query": {"field": "source.type", "operator": "=", "value": "phone_switch"}}),
        )
        .await;
    assert_eq!(search["total_count"], 1, "{search}");
    let conversation = &search["conversations"][0];
    assert_eq!(conversation["contacts"]["contacts"][0]["id"], known);
    assert_eq!(conversation["state"], "closed");

    // A number nobody has: a new lead.
    let (status, redirect) = app.post("/phone_call_redirects", json!({"phone": "+1 555 010 7777"})).await;
    assert_eq!(status, 200, "{redirect}");
    assert_eq!(redirect["phone"], "+15550107777");

    let (status, error) = app.post("/phone_call_redirects", json!({"phone": "not a number"})).await;
    assert_eq!(assert_error(status, &error, 400, "invalid_phone_number")["message"], "Invalid phone number");
    let (status, error) = app.post("/phone_call_redirects", json!({})).await;
    assert_error(status, &error, 400, "parameter_not_found");
    let (status, error) = app.post("/phone_call_redirects", json!({"phone": 353})).await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (status, _) = app
        .post(
            "/phone_call_redirects",
            json!({"phone": "+15550106666", "custom_attributes": {"unknown_attr": 1}}),
        )
        .await;
    assert!(status.is_client_error(), "{status}");
    let (_, search) = app
        .post(
            "/conversations/search",
            json!({"query": {"field": "source.type", "operator": "=", "value": "phone_switch"}}),
        )
        .await;
    assert_eq!(search["total_count"], 2, "a refused redirect wrote nothing");
    // Another workspace's contact with the same phone is not touched.
    let other = app.other_workspace().await;
    let request = app.request(
        axum::http::Method::POST,
        "/phone_call_redirects",
        Some(&json!({"phone": "+353832345678"})),
    );
    let mut request = request;
    request.headers_mut().insert("authorization", format!("Bearer {}", other.access_token).parse().unwrap());
    let (status, _, _) = app.send(request).await;
    assert_eq!(status, 200);
    let (_, found) = app.get(&format!("/contacts/{known}")).await;
    assert_eq!(found["custom_attributes"]["issue_type"], "Billing");
}
