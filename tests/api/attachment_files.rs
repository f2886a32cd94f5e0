//! `attachment_files` on replies: base64 files checked, kept, shown as the part's
//! `attachments` and served at their `url` (to whoever holds it) until the part is redacted.

use axum::http::{Method, StatusCode};
use base64::Engine;
use serde_json::{Value as Json, json};

use switchboard::api::ApiConfig;

use crate::common::{TestApp, assert_error, backend_test};
use crate::conversations::{admin, start, user};

/// A 3×2 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAAEklEQVR4nGP8z8Dwn4EIwESMIgCc4gIA9cVXbQAAAABJRU5ErkJggg==";
/// `{"test": 1}`, the description's example.
const JSON_FILE: &str = "ewogICJ0ZXN0IjogMQp9";

fn last_part(conversation: &Json) -> &Json {
    conversation["conversation_parts"]["conversation_parts"].as_array().unwrap().last().unwrap()
}

/// `POST /conversations/{id}/reply` as sent to `http://switchboard.test`.
async fn reply(app: &TestApp, id: &str, body: Json) -> (StatusCode, Json) {
    let mut request = app.request(Method::POST, &format!("/conversations/{id}/reply"), Some(&body));
    request.headers_mut().insert("host", "switchboard.test".parse().unwrap());
    let (status, _, answer) = app.send(request).await;
    (status, answer)
}

/// `GET` of an attachment's URL with no token at all; the status, content type and body.
async fn download(app: &TestApp, url: &str) -> (StatusCode, Option<String>, Json) {
    let path = url.strip_prefix("http://switchboard.test").expect("an absolute URL of this server");
    let mut request = app.request(Method::GET, path, None);
    request.headers_mut().remove("authorization");
    let (status, headers, body) = app.send(request).await;
    let content_type = headers.get("content-type").map(|v| v.to_str().unwrap().to_owned());
    (status, content_type, body)
}

backend_test!(files_are_kept_shown_and_served);
async fn files_are_kept_shown_and_served(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Hello").await;
    let (status, c) = reply(
        &app,
        &id,
        json!({"message_type": "comment", "type": "admin", "admin_id": admin(&app), "body": "Files",
               "attachment_urls": ["https://example.com/cat.png"],
               "attachment_files": [
                   {"content_type": "image/png", "data": PNG, "name": "dot.png"},
                   {"content_type": "application/json", "data": JSON_FILE, "name": "test.json"}]}),
    )
    .await;
    assert_eq!(status, 200, "{c}");
    let attachments = last_part(&c)["attachments"].as_array().unwrap().clone();
    assert_eq!(attachments.len(), 3, "{attachments:?}");
    assert_eq!(attachments[0]["url"], "https://example.com/cat.png");
    assert_eq!(attachments[0]["filesize"], 0, "unknown for a URL: 0, never null");
    let (image, file) = (&attachments[1], &attachments[2]);
    assert_eq!(
        (&image["type"], &image["name"], &image["content_type"], &image["width"], &image["height"]),
        (&json!("upload"), &json!("dot.png"), &json!("image/png"), &json!(3), &json!(2))
    );
    assert_eq!(image["filesize"], 76);
    assert_eq!((&file["filesize"], &file["width"], &file["height"]), (&json!(15), &json!(0), &json!(0)));
    let url = file["url"].as_str().unwrap();
    assert!(url.starts_with("http://switchboard.test/_switchboard/attachments/"), "{url}");

    // Served to a client without a token (a browser), as sent; the part reads the same later.
    let (status, content_type, body) = download(&app, url).await;
    assert_eq!(
        (status.as_u16(), content_type.as_deref(), body),
        (200, Some("application/json"), json!({"test": 1}))
    );
    let (_, again) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(last_part(&again)["attachments"], json!(attachments));
    let (status, _, body) = download(&app, "http://switchboard.test/_switchboard/attachments/nope").await;
    assert_error(status, &body, 404, "not_found");

    // A contact's reply takes files too.
    let (status, c) = reply(
        &app,
        &id,
        json!({"message_type": "comment", "type": "user", "intercom_user_id": joe, "body": "Mine",
               "attachment_files": [{"content_type": "application/json", "data": JSON_FILE, "name": "mine.json"}]}),
    )
    .await;
    assert_eq!(status, 200, "{c}");
    let part = last_part(&c);
    assert_eq!(part["attachments"][0]["name"], "mine.json");

    // Redacting the part deletes its files.
    let part_id = part["id"].as_str().unwrap();
    let mine = part["attachments"][0]["url"].as_str().unwrap().to_owned();
    let (status, c) = app
        .post(
            "/conversations/redact",
            json!({"type": "conversation_part", "conversation_id": id, "conversation_part_id": part_id}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(download(&app, &mine).await.0, 404);
    assert_eq!(download(&app, url).await.0, 200, "another part's files stay");
}

backend_test!(bad_files_are_refused);
async fn bad_files_are_refused(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Hello").await;
    let file = json!({"content_type": "text/plain", "data": "aGk=", "name": "hi.txt"});
    let cases = [
        (
            json!([{"content_type": "text/plain", "data": "not base64!", "name": "a.txt"}]),
            400,
            "parameter_invalid",
        ),
        (json!([{"content_type": "text/plain", "data": "aGk="}]), 400, "parameter_not_found"),
        (json!([{"name": "a", "data": "aGk="}]), 400, "parameter_not_found"),
        (json!([{"content_type": "text/plain", "name": "a"}]), 400, "parameter_not_found"),
        (json!([{"content_type": "plain", "data": "aGk=", "name": "a"}]), 400, "parameter_invalid"),
        (json!(["aGk="]), 400, "parameter_invalid"),
        (json!(vec![file; 11]), 400, "parameter_invalid"),
    ];
    for (files, status, code) in cases {
        let body = json!({"message_type": "comment", "type": "admin", "admin_id": admin(&app), "body": "x",
                          "attachment_files": files});
        let (got, answer) = reply(&app, &id, body).await;
        assert_error(got, &answer, status, code);
    }
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(c["conversation_parts"]["total_count"], 0, "nothing was written");
}

backend_test!(files_count_against_the_body_limit, ApiConfig { max_body_bytes: 4096, ..ApiConfig::default() });
async fn files_count_against_the_body_limit(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Hello").await;
    let data = base64::engine::general_purpose::STANDARD.encode(vec![7u8; 8192]);
    let body = json!({"message_type": "comment", "type": "admin", "admin_id": admin(&app), "body": "x",
                      "attachment_files": [{"content_type": "application/octet-stream", "data": data, "name": "big.bin"}]});
    let (status, answer) = reply(&app, &id, body).await;
    assert_error(status, &answer, 413, "request_too_large");
}
