//! `POST /_switchboard/fixtures`: a document loads with ids by key, through the API's own
//! checks, all or nothing; the docs' examples match the JSON Schema and load.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use switchboard::api::ApiConfig;

use crate::common::{TestApp, assert_error, backend_test};

const PATH: &str = "/_switchboard/fixtures";

/// A document with every section, contacts tagged and attached by key, and a conversation with
/// replies by both sides, a note and a close.
fn document() -> Value {
    json!({
        "data_attributes": {"tier": {"name": "tier", "model": "contact", "data_type": "string"}},
        "tags": {"vip": {"name": "VIP"}, "trial": {}},
        "companies": {"acme": {"company_id": "acme-1", "name": "Acme"}, "globex": {"company_id": "globex"}},
        "contacts": {
            "ada": {
                "email": "ada@example.com",
                "name": "Ada",
                "custom_attributes": {"tier": "gold"},
                "tags": ["vip", "trial"],
                "companies": ["acme", "globex"]
            },
            "bob": {"role": "lead", "name": "Bob", "tags": ["trial"]}
        },
        "conversations": {
            "billing": {
                "from": "ada",
                "subject": "Invoice",
                "body": "My invoice is wrong.",
                "parts": [
                    {"type": "admin", "message_type": "comment", "body": "Looking."},
                    {"type": "user", "message_type": "comment", "body": "Thanks."},
                    {"type": "admin", "message_type": "note", "body": "Refunded."},
                    {"type": "admin", "message_type": "close"}
                ]
            }
        },
        "articles": {"refunds": {"title": "Refunds", "body": "<p>How.</p>", "state": "published"}}
    })
}

async fn count(app: &TestApp, path: &str, list: &str) -> usize {
    let (status, body) = app.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body[list].as_array().map_or(0, Vec::len)
}

/// What a workspace holds of what a fixture document makes.
async fn holdings(app: &TestApp) -> [usize; 6] {
    let (_, attributes) = app.get("/data_attributes?model=contact").await;
    let custom = attributes["data"].as_array().unwrap().iter().filter(|a| a["custom"] == json!(true)).count();
    [
        custom,
        count(app, "/tags", "data").await,
        count(app, "/companies", "data").await,
        count(app, "/contacts", "data").await,
        count(app, "/conversations", "conversations").await,
        count(app, "/articles", "data").await,
    ]
}

backend_test!(a_document_loads_with_ids_by_key);
async fn a_document_loads_with_ids_by_key(app: TestApp) {
    let (status, loaded) = app.post(PATH, document()).await;
    assert_eq!(status, StatusCode::CREATED, "{loaded}");
    assert_eq!(loaded["type"], "fixtures");
    let ada = loaded["contacts"]["ada"].as_str().unwrap();
    let (status, contact) = app.get(&format!("/contacts/{ada}")).await;
    assert_eq!(status, 200, "{contact}");
    assert_eq!(contact["email"], "ada@example.com");
    assert_eq!(contact["custom_attributes"]["tier"], "gold");
    let bob = loaded["contacts"]["bob"].as_str().unwrap();
    let (_, contact) = app.get(&format!("/contacts/{bob}")).await;
    assert_eq!(contact["role"], "lead");

    // Tags and companies by key.
    let (_, tags) = app.get(&format!("/contacts/{ada}/tags")).await;
    let mut names: Vec<&str> =
        tags["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["VIP", "trial"]);
    let vip = loaded["tags"]["vip"].as_str().unwrap();
    assert!(tags["data"].as_array().unwrap().iter().any(|t| t["id"] == vip), "{tags}");
    let (_, companies) = app.get(&format!("/contacts/{ada}/companies")).await;
    let ids: Vec<&str> =
        companies["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&loaded["companies"]["acme"].as_str().unwrap()), "{companies}");
    assert!(ids.contains(&loaded["companies"]["globex"].as_str().unwrap()), "{companies}");
    let acme = loaded["companies"]["acme"].as_str().unwrap();
    let (_, company) = app.get(&format!("/companies/{acme}")).await;
    assert_eq!(company["company_id"], "acme-1");
    assert_eq!(company["name"], "Acme");

    // The conversation with its parts, in order.
    let billing = loaded["conversations"]["billing"].as_str().unwrap();
    let (status, conversation) = app.get(&format!("/conversations/{billing}")).await;
    assert_eq!(status, 200, "{conversation}");
    assert_eq!(conversation["source"]["subject"], "Invoice");
    assert_eq!(conversation["state"], "closed");
    let parts = conversation["conversation_parts"]["conversation_parts"].as_array().unwrap();
    let kinds: Vec<&str> = parts.iter().map(|p| p["part_type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["comment", "comment", "note", "close"], "{conversation}");
    assert_eq!(parts[0]["author"]["type"], "admin");
    assert_eq!(parts[0]["author"]["id"], app.workspace.admin_id.to_string());
    assert_eq!(parts[1]["author"]["type"], "user");
    assert_eq!(parts[1]["author"]["id"], ada);

    let refunds = loaded["articles"]["refunds"].as_str().unwrap();
    let (status, article) = app.get(&format!("/articles/{refunds}")).await;
    assert_eq!(status, 200, "{article}");
    assert_eq!(article["title"], "Refunds");
    assert_eq!(article["author_id"].to_string(), app.workspace.admin_id.to_string());
    let tier = loaded["data_attributes"]["tier"].as_str().unwrap();
    assert!(tier.parse::<i64>().is_ok());
    assert_eq!(holdings(&app).await, [1, 2, 2, 2, 1, 1]);
}

backend_test!(a_document_with_an_error_anywhere_loads_nothing);
async fn a_document_with_an_error_anywhere_loads_nothing(app: TestApp) {
    let cases: Vec<(&str, Value, u16, &str, &str)> = vec![
        ("/contacts/bob/email", json!("not an email"), 400, "parameter_invalid", "contacts.bob.email"),
        ("/contacts/bob/tags", json!(["vip", "nope"]), 400, "parameter_invalid", "contacts.bob.tags[1]"),
        ("/contacts/bob/companies", json!(["nope"]), 400, "parameter_invalid", "contacts.bob.companies[0]"),
        ("/contacts/bob/email", json!("ADA@example.com"), 400, "parameter_invalid", "contacts.bob"),
        ("/contacts/bob/role", json!("user"), 400, "parameter_invalid", "contacts.bob.email"),
        (
            "/conversations/billing/from",
            json!("carol"),
            400,
            "parameter_invalid",
            "conversations.billing.from",
        ),
        (
            "/conversations/billing/parts/1/message_type",
            json!("shout"),
            400,
            "parameter_invalid",
            "conversations.billing.parts[1].message_type",
        ),
        (
            "/conversations/billing/parts/3/admin_id",
            json!(999999),
            400,
            "parameter_invalid",
            "conversations.billing.parts[3]",
        ),
        (
            "/articles/refunds/parent_id",
            json!(999999),
            400,
            "parameter_invalid",
            "articles.refunds.parent_id",
        ),
        ("/companies/acme/size", json!(-1), 400, "parameter_invalid", "companies.acme.size"),
        ("/tags/vip/name", json!(" "), 400, "parameter_invalid", "tags.vip.name"),
        (
            "/data_attributes/tier/data_type",
            json!("colour"),
            400,
            "parameter_invalid",
            "data_attributes.tier.data_type",
        ),
        (
            "/contacts/ada/custom_attributes/tier",
            json!(5),
            400,
            "parameter_invalid",
            "contacts.ada.custom_attributes",
        ),
        ("/widgets", json!({}), 400, "parameter_invalid", "widgets"),
        (
            "/conversations/billing/body",
            Value::Null,
            400,
            "parameter_not_found",
            "conversations.billing.body",
        ),
    ];
    for (pointer, value, status_code, code, field) in cases {
        let mut doc = document();
        // A path that ends in a new key adds it; `null` removes the field.
        let (parent, last) = pointer.rsplit_once('/').unwrap();
        let target = if parent.is_empty() { &mut doc } else { doc.pointer_mut(parent).unwrap() };
        match (target, value) {
            (Value::Object(map), Value::Null) => {
                map.remove(last);
            }
            (Value::Object(map), value) => {
                map.insert(last.to_owned(), value);
            }
            (Value::Array(items), value) => items[last.parse::<usize>().unwrap()] = value,
            (other, _) => panic!("{pointer}: {other}"),
        }
        if pointer == "/contacts/bob/email" && field == "contacts.bob" {
            // A duplicate of ada's email (users' emails compare without case).
            doc["contacts"]["bob"]["role"] = json!("user");
        }
        let (status, error) = app.post(PATH, doc).await;
        let error = assert_error(status, &error, status_code, code);
        assert_eq!(error["field"], field, "{pointer}: {error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains(field.split('.').take(2).collect::<Vec<_>>().join(".").as_str()),
            "{pointer}: {error}"
        );
        assert_eq!(holdings(&app).await, [0; 6], "{pointer} left something behind");
    }

    let (status, error) = app.post(PATH, json!(["not", "an", "object"])).await;
    assert_error(status, &error, 400, "parameter_invalid");
    let (status, error) = app.post(PATH, json!({"contacts": []})).await;
    assert_error(status, &error, 400, "parameter_invalid");
    assert_eq!(holdings(&app).await, [0; 6]);
}

backend_test!(a_document_may_name_what_it_made_before_only);
async fn a_document_may_name_what_it_made_before_only(app: TestApp) {
    // A contact's conversation part by another contact who is not a participant is refused as
    // the API refuses it; the same contact as `contact` is accepted.
    let doc = json!({
        "contacts": {"ada": {"email": "a@example.com"}, "bob": {"email": "b@example.com"}},
        "conversations": {"c": {"from": "ada", "body": "Hi", "parts": [
            {"type": "user", "message_type": "comment", "body": "Me again", "contact": "ada"},
            {"type": "user", "message_type": "comment", "body": "Who?", "contact": "bob"}
        ]}}
    });
    let (status, error) = app.post(PATH, doc).await;
    let error = assert_error(status, &error, 400, "parameter_invalid");
    assert_eq!(error["field"], "conversations.c.parts[1].contact", "{error}");
    assert_eq!(holdings(&app).await, [0; 6]);

    // A document may load twice: companies update by company_id, tags are found by name; the
    // second load's contacts are new.
    let doc =
        json!({"tags": {"t": {"name": "Same"}}, "companies": {"c": {"company_id": "same", "name": "One"}}});
    let (status, first) = app.post(PATH, doc.clone()).await;
    assert_eq!(status, 201, "{first}");
    let (status, second) = app.post(PATH, doc).await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(first["tags"], second["tags"]);
    assert_eq!(first["companies"], second["companies"]);
    assert_eq!(second["contacts"], json!({}));
}

backend_test!(fixtures_follow_the_workspace_clock);
async fn fixtures_follow_the_workspace_clock(app: TestApp) {
    let (status, _) = app.put("/_switchboard/clock", json!({"now": 1_600_000_000})).await;
    assert_eq!(status, 200);
    let (status, loaded) = app.post(PATH, json!({"contacts": {"ada": {"email": "a@example.com"}}})).await;
    assert_eq!(status, 201, "{loaded}");
    let (_, contact) = app.get(&format!("/contacts/{}", loaded["contacts"]["ada"].as_str().unwrap())).await;
    assert_eq!(contact["created_at"], 1_600_000_000);
}

backend_test!(fixtures_are_a_control_neither_faulted_nor_recorded);
async fn fixtures_are_a_control_neither_faulted_nor_recorded(app: TestApp) {
    let (status, fault) = app.post("/_switchboard/faults", json!({"status": 503})).await;
    assert_eq!(status, 201, "{fault}");
    let (status, loaded) = app.post(PATH, json!({"tags": {"t": {}}})).await;
    assert_eq!(status, 201, "{loaded}");
    let (status, _) = app.delete("/_switchboard/faults").await;
    assert_eq!(status, 200);
    let (_, journal) = app.get("/_switchboard/requests?path=/_switchboard/fixtures").await;
    assert_eq!(journal["data"], json!([]), "{journal}");
}

backend_test!(
    with_controls_off_fixtures_are_not_found,
    ApiConfig { controls: false, ..ApiConfig::default() }
);
async fn with_controls_off_fixtures_are_not_found(app: TestApp) {
    let (status, error) = app.post(PATH, document()).await;
    assert_error(status, &error, 404, "not_found");
    assert_eq!(holdings(&app).await, [0; 6]);
}

/// A request with another workspace's token.
async fn call_as(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app.request(method, path, body.as_ref());
    request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (status, _, body) = app.send(request).await;
    (status, body)
}

backend_test!(fixtures_load_into_the_tokens_workspace_only);
async fn fixtures_load_into_the_tokens_workspace_only(app: TestApp) {
    let other = app.other_workspace().await;
    let (status, theirs) = call_as(&app, &other.access_token, Method::POST, PATH, Some(document())).await;
    assert_eq!(status, 201, "{theirs}");
    assert_eq!(holdings(&app).await, [0; 6]);
    let ada = theirs["contacts"]["ada"].as_str().unwrap();
    let (status, error) = app.get(&format!("/contacts/{ada}")).await;
    assert_error(status, &error, 404, "not_found");
    let billing = theirs["conversations"]["billing"].as_str().unwrap();
    let (status, _) = app.get(&format!("/conversations/{billing}")).await;
    assert_eq!(status, 404);
    // The same document loads here too: the other workspace's emails and company_ids are its own.
    let (status, ours) = app.post(PATH, document()).await;
    assert_eq!(status, 201, "{ours}");
    assert_ne!(ours["contacts"]["ada"], theirs["contacts"]["ada"]);
    // Another workspace's ids are not this one's: an article under their collection is refused.
    let (status, collection) = call_as(
        &app,
        &other.access_token,
        Method::POST,
        "/help_center/collections",
        Some(json!({"name": "Theirs"})),
    )
    .await;
    assert_eq!(status, 200, "{collection}");
    let doc = json!({"articles": {"a": {"title": "T", "parent_id": collection["id"]}}});
    let (status, error) = app.post(PATH, doc).await;
    let error = assert_error(status, &error, 400, "parameter_invalid");
    assert_eq!(error["field"], "articles.a.parent_id");
}

/// The ```json fixture blocks of docs/fixtures.md.
fn documented_examples() -> Vec<Value> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/fixtures.md")).unwrap();
    let mut examples = Vec::new();
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("```json fixture\n") {
        let body = &rest[start + "```json fixture\n".len()..];
        let end = body.find("\n```").unwrap();
        examples.push(serde_json::from_str(&body[..end]).expect("an example is JSON"));
        rest = &body[end..];
    }
    examples
}

fn schema() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/fixtures.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("the schema compiles")
}

backend_test!(the_documented_examples_match_the_schema_and_load);
async fn the_documented_examples_match_the_schema_and_load(app: TestApp) {
    let validator = schema();
    let examples = documented_examples();
    assert!(examples.len() >= 2, "docs/fixtures.md has lost its examples");
    let recipe =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/recipes/fixtures.json"));
    let recipe: Value = serde_json::from_str(&recipe.unwrap()).unwrap();
    for (i, example) in examples.into_iter().chain([document(), recipe]).enumerate() {
        let errors: Vec<String> = validator.iter_errors(&example).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "example {i}: {errors:?}");
        app.post("/_switchboard/reset", json!({})).await;
        let (status, loaded) = app.post(PATH, example).await;
        assert_eq!(status, 201, "example {i}: {loaded}");
    }
    // The schema refuses what the server refuses for its shape.
    for bad in [
        json!({"widgets": {}}),
        json!({"contacts": {"a": {"tags": "vip"}}}),
        json!({"tags": {"t": {"colour": 1}}}),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
        let (status, _) = app.post(PATH, bad).await;
        assert_eq!(status, 400);
    }
}

/// docs/testing.md quotes the recipes that tests/sdk/run.sh runs: each quoted file, exactly.
#[test]
fn the_testing_recipes_are_quoted_exactly() {
    let root = env!("CARGO_MANIFEST_DIR");
    let doc = std::fs::read_to_string(format!("{root}/docs/testing.md")).unwrap();
    let mut lines = doc.lines();
    let mut quoted = Vec::new();
    while let Some(line) = lines.next() {
        let Some(path) = line.strip_prefix('`').and_then(|l| l.strip_suffix("`:")) else { continue };
        assert_eq!(lines.next(), Some(""), "{path}");
        assert!(lines.next().unwrap().starts_with("```"), "{path}");
        let mut text = String::new();
        for line in lines.by_ref().take_while(|l| *l != "```") {
            text.push_str(line);
            text.push('\n');
        }
        let file = std::fs::read_to_string(format!("{root}/{path}")).unwrap();
        assert_eq!(text, file, "docs/testing.md quotes {path} as it is no longer");
        quoted.push(path.to_owned());
    }
    for recipe in [
        "tests/sdk/recipes/fixtures.json",
        "tests/sdk/recipes/python/conftest.py",
        "tests/sdk/recipes/python/test_recipe.py",
        "tests/sdk/recipes/node/vitest.config.mjs",
        "tests/sdk/recipes/node/switchboard.setup.mjs",
        "tests/sdk/recipes/node/recipe.test.mjs",
    ] {
        assert!(quoted.iter().any(|q| q == recipe), "docs/testing.md does not quote {recipe}");
    }
}

fn switchboard(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(args)
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .output()
        .expect("run switchboard")
}

/// A document whose last contact is refused: its first contact must not be left behind.
fn refused_document() -> Value {
    let mut doc = document();
    doc["contacts"]["bob"]["email"] = json!("not an email");
    doc
}

#[test]
fn the_command_line_loads_a_document_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let created = switchboard(&[
        "workspace",
        "create",
        "--name",
        "W",
        "--admin-email",
        "o@example.com",
        "--admin-name",
        "O",
        "--database-url",
        &url,
    ]);
    assert!(created.status.success(), "{created:?}");
    let created: Value = serde_json::from_slice(&created.stdout).unwrap();
    let workspace = created["workspace_id"].as_str().unwrap();
    let (good, bad) = (dir.path().join("good.json"), dir.path().join("bad.json"));
    std::fs::write(&good, document().to_string()).unwrap();
    std::fs::write(&bad, refused_document().to_string()).unwrap();

    let refused = switchboard(&[
        "fixtures",
        "load",
        bad.to_str().unwrap(),
        "--workspace",
        workspace,
        "--database-url",
        &url,
    ]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("nothing loaded") && stderr.contains("contacts.bob.email"), "{stderr}");
    // ada's email is free: the refused load left nothing.
    let loaded = switchboard(&[
        "fixtures",
        "load",
        good.to_str().unwrap(),
        "--workspace",
        workspace,
        "--database-url",
        &url,
    ]);
    assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
    let loaded: Value = serde_json::from_slice(&loaded.stdout).unwrap();
    assert_eq!(loaded["type"], "fixtures");
    assert!(loaded["contacts"]["ada"].is_string(), "{loaded}");
}

#[test]
fn serve_loads_fixtures_before_it_listens() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = (dir.path().join("good.json"), dir.path().join("bad.json"));
    std::fs::write(&good, document().to_string()).unwrap();
    std::fs::write(&bad, refused_document().to_string()).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["serve", "--ephemeral", "--listen", &listen, "--fixtures", good.to_str().unwrap()])
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start switchboard");
    let lines: Vec<String> =
        BufReader::new(child.stdout.take().unwrap()).lines().take(4).map(Result::unwrap).collect();
    let _ = child.kill();
    let _ = child.wait();
    let loaded = lines[3].strip_prefix("Loaded fixtures: ").unwrap_or_else(|| panic!("{lines:?}"));
    let loaded: Value = serde_json::from_str(loaded).unwrap();
    assert!(loaded["conversations"]["billing"].is_string(), "{loaded}");

    let refused =
        switchboard(&["serve", "--ephemeral", "--listen", &listen, "--fixtures", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("contacts.bob.email"), "{stderr}");
}
