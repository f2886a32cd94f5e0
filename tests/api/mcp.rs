//! MCP at `/mcp`: authentication, the protocol revisions, the read tools against REST, and
//! resources. Write tools and the API-description tools are in `mcp_tools.rs`.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use switchboard::api::ApiConfig;

use crate::common::{TEST_HOST, TestApp, assert_error, backend_test};
use crate::contact_fixtures::contact;

pub const LATEST: &str = "2026-07-28";

/// An MCP client of the test app, speaking one protocol revision with one token.
pub struct Mcp<'a> {
    pub app: &'a TestApp,
    pub token: String,
    pub protocol: &'static str,
}

impl<'a> Mcp<'a> {
    pub fn new(app: &'a TestApp) -> Mcp<'a> {
        Mcp { app, token: app.token.clone(), protocol: LATEST }
    }

    pub fn with_token(app: &'a TestApp, token: &str) -> Mcp<'a> {
        Mcp { app, token: token.to_owned(), protocol: LATEST }
    }

    /// The HTTP request carrying one JSON-RPC message, with the headers its revision needs.
    pub fn request(&self, method: &str, mut params: Value, id: Option<i64>) -> Request<Body> {
        let stateless = self.protocol >= LATEST;
        if stateless && id.is_some() {
            params["_meta"] = json!({
                "io.modelcontextprotocol/protocolVersion": self.protocol,
                "io.modelcontextprotocol/clientInfo": {"name": "tests", "version": "1"},
                "io.modelcontextprotocol/clientCapabilities": {},
            });
        }
        let mut message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        if let Some(id) = id {
            message["id"] = json!(id);
        }
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri("/mcp")
            .header("host", TEST_HOST)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("authorization", format!("Bearer {}", self.token));
        if method != "initialize" && self.protocol != "2025-03-26" {
            builder = builder.header("mcp-protocol-version", self.protocol);
        }
        if stateless {
            builder = builder.header("mcp-method", method);
            let name = message["params"]["name"].as_str().or(message["params"]["uri"].as_str());
            if let Some(name) = name {
                builder = builder.header("mcp-name", name);
            }
        }
        builder.body(Body::from(message.to_string())).unwrap()
    }

    /// A JSON-RPC request; its whole response.
    pub async fn rpc(&self, method: &str, params: Value) -> (StatusCode, Value) {
        let (status, _, body) = self.app.send(self.request(method, params, Some(1))).await;
        (status, body)
    }

    /// `tools/call`; its result (`content`, `structuredContent`, `isError`).
    pub async fn call(&self, tool: &str, arguments: Value) -> Value {
        let (status, body) = self.rpc("tools/call", json!({"name": tool, "arguments": arguments})).await;
        assert_eq!(status, 200, "{tool}: {body}");
        assert!(body["error"].is_null(), "{tool}: {body}");
        let result = body["result"].clone();
        assert!(result["content"][0]["text"].as_str().is_some_and(|t| !t.is_empty()), "{tool}: {result}");
        result
    }

    /// A call that must succeed; its structured content.
    pub async fn ok(&self, tool: &str, arguments: Value) -> Value {
        let result = self.call(tool, arguments).await;
        assert_eq!(result["isError"], false, "{tool}: {result}");
        result["structuredContent"].clone()
    }

    /// A call that must fail with Intercom's `code`; the error.
    pub async fn fails(&self, tool: &str, arguments: Value, code: &str) -> Value {
        let result = self.call(tool, arguments).await;
        assert_eq!(result["isError"], true, "{tool}: {result}");
        let body = &result["structuredContent"];
        assert_eq!(body["type"], "error.list", "{tool}: {result}");
        assert_eq!(body["errors"][0]["code"], code, "{tool}: {result}");
        assert!(body["request_id"].is_string(), "{tool}: {result}");
        let text = result["content"][0]["text"].as_str().unwrap();
        assert!(text.starts_with(&format!("{code}: ")), "{text}");
        body["errors"][0].clone()
    }
}

/// A conversation opened by a new contact; `(contact id, conversation id)`.
pub async fn conversation(app: &TestApp, email: &str, text: &str) -> (String, String) {
    let contact = contact(app, json!({"email": email})).await["id"].as_str().unwrap().to_owned();
    let (status, message) =
        app.post("/conversations", json!({"from": {"type": "user", "id": contact}, "body": text})).await;
    assert_eq!(status, 200, "{message}");
    (
        contact,
        message["conversation_id"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| message["conversation_id"].to_string()),
    )
}

pub async fn article(app: &TestApp, title: &str) -> Value {
    let body = json!({"title": title, "author_id": app.workspace.admin_id.parse::<i64>().unwrap(),
                      "body": "<p>How to reset a password</p>", "state": "published"});
    let (status, article) = app.post("/articles", body).await;
    assert_eq!(status, 200, "{article}");
    article
}

backend_test!(mcp_needs_a_token);
async fn mcp_needs_a_token(app: TestApp) {
    for token in ["", "not-a-token"] {
        let mcp = Mcp::with_token(&app, token);
        let (status, body) = mcp.rpc("tools/list", json!({})).await;
        assert_error(status, &body, 401, "unauthorized");
        let (status, body) =
            mcp.rpc("tools/call", json!({"name": "get_contact", "arguments": {"id": "x"}})).await;
        assert_error(status, &body, 401, "unauthorized");
    }
    let mut request = Mcp::new(&app).request("tools/list", json!({}), Some(1));
    request.headers_mut().remove("authorization");
    let (status, _, body) = app.send(request).await;
    assert_error(status, &body, 401, "unauthorized");
}

/// The handshake of a revision with `initialize`, then a tool call under it.
async fn handshake(app: &TestApp, protocol: &'static str) {
    let mcp = Mcp { app, token: app.token.clone(), protocol };
    let (status, body) = mcp
        .rpc(
            "initialize",
            json!({"protocolVersion": protocol, "capabilities": {}, "clientInfo": {"name": "tests", "version": "1"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["protocolVersion"], protocol, "{body}");
    assert_eq!(body["result"]["serverInfo"]["name"], "switchboard");
    assert!(body["result"]["capabilities"]["tools"].is_object(), "{body}");
    assert!(body["result"]["capabilities"]["resources"].is_object(), "{body}");
    let (status, _, _) = app.send(mcp.request("notifications/initialized", json!({}), None)).await;
    assert_eq!(status, 202);
    let (status, tools) = mcp.rpc("tools/list", json!({})).await;
    assert_eq!(status, 200, "{tools}");
    assert!(tools["result"]["tools"].as_array().unwrap().len() >= 27, "{tools}");
    let c = contact(app, json!({"email": "rev@example.com"})).await;
    let result = mcp.call("get_contact", json!({"id": c["id"]})).await;
    assert_eq!(result["structuredContent"], c);
    // 2025-03-26 has no structured content: the JSON comes as text too.
    let texts = result["content"].as_array().unwrap();
    if protocol == "2025-03-26" {
        assert_eq!(serde_json::from_str::<Value>(texts[1]["text"].as_str().unwrap()).unwrap(), c);
    } else {
        assert_eq!(texts.len(), 1, "{result}");
    }
}

backend_test!(mcp_2025_03_26);
async fn mcp_2025_03_26(app: TestApp) {
    handshake(&app, "2025-03-26").await;
}

backend_test!(mcp_2025_06_18);
async fn mcp_2025_06_18(app: TestApp) {
    handshake(&app, "2025-06-18").await;
}

// 2026-07-28 has no `initialize`: every request carries its revision and capabilities.
backend_test!(mcp_2026_07_28);
async fn mcp_2026_07_28(app: TestApp) {
    let mcp = Mcp::new(&app);
    let (status, body) = mcp.rpc("server/discover", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let versions = body["result"]["supportedVersions"].as_array().cloned().unwrap_or_default();
    for revision in [LATEST, "2025-06-18", "2025-03-26"] {
        assert!(versions.contains(&json!(revision)), "{revision} in {body}");
    }
    let (status, tools) = mcp.rpc("tools/list", json!({})).await;
    assert_eq!(status, 200, "{tools}");
    let names: Vec<&str> =
        tools["result"]["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    for name in [
        "search",
        "fetch",
        "search_conversations",
        "get_conversation",
        "search_contacts",
        "get_contact",
        "list_companies",
        "get_company",
        "list_articles",
        "search_articles",
        "get_article",
        "create_article",
        "update_article",
        "create_contact",
        "update_contact",
        "tag_contact",
        "untag_contact",
        "create_conversation",
        "reply_to_conversation",
        "assign_conversation",
        "close_conversation",
        "open_conversation",
        "snooze_conversation",
        "tag_conversation",
        "create_note",
        "list_operations",
        "describe_operation",
        "call_api",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    for tool in tools["result"]["tools"].as_array().unwrap() {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert!(tool["description"].as_str().is_some_and(|d| !d.is_empty()), "{tool}");
    }
    let (status, body) = mcp.rpc("tools/call", json!({"name": "no_such_tool", "arguments": {}})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["error"]["code"], -32602, "{body}");
}

backend_test!(mcp_contact_and_conversation_reads_match_rest);
async fn mcp_contact_and_conversation_reads_match_rest(app: TestApp) {
    let mcp = Mcp::new(&app);
    let (contact_id, conversation_id) = conversation(&app, "ann@example.com", "My invoice is wrong").await;
    let (_, rest_contact) = app.get(&format!("/contacts/{contact_id}")).await;
    assert_eq!(mcp.ok("get_contact", json!({"id": contact_id})).await, rest_contact);
    assert_eq!(mcp.ok("get_contact", json!({"id": format!("contact_{contact_id}")})).await, rest_contact);
    let (_, rest_conversation) = app.get(&format!("/conversations/{conversation_id}")).await;
    for id in [
        json!(conversation_id),
        json!(format!("conversation_{conversation_id}")),
        json!(format!("https://app.intercom.com/a/inbox/_/inbox/conversation/{conversation_id}")),
    ] {
        assert_eq!(mcp.ok("get_conversation", json!({"id": id})).await, rest_conversation);
    }
    assert_eq!(
        mcp.ok("fetch", json!({"id": format!("conversation_{conversation_id}")})).await,
        rest_conversation
    );
    assert_eq!(mcp.ok("fetch", json!({"id": format!("contact_{contact_id}")})).await, rest_contact);

    // search_contacts and search_conversations answer as the search endpoints do.
    contact(&app, json!({"email": "bob@other.io", "name": "Bob"})).await;
    let found = mcp.ok("search_contacts", json!({"email": "ann@example.com"})).await;
    let (_, rest) = app
        .post(
            "/contacts/search",
            json!({"query": {"field": "email", "operator": "=", "value": "ann@example.com"}}),
        )
        .await;
    assert_eq!(found, rest);
    assert_eq!(found["total_count"], 1);
    let all = mcp.ok("search_contacts", json!({})).await;
    assert_eq!(all, app.get("/contacts").await.1);
    let open = mcp.ok("search_conversations", json!({"state": "open"})).await;
    assert_eq!(open["conversations"][0]["id"], rest_conversation["id"], "{open}");
    let by_query = mcp
        .ok(
            "search_conversations",
            json!({"query": {"field": "source.author.email", "operator": "=", "value": "ann@example.com"}}),
        )
        .await;
    assert_eq!(by_query["total_count"], 1, "{by_query}");
    assert_eq!(mcp.ok("search_conversations", json!({"state": "closed"})).await["total_count"], 0);

    // `search`: Intercom's result shape, prefixed ids that fetch takes, cursor paging.
    let results = mcp.ok("search", json!({"query": "object_type:conversations state:open"})).await;
    let first = &results["results"][0];
    assert_eq!(first["id"], format!("conversation_{conversation_id}"), "{results}");
    assert_eq!(first["text"], "My invoice is wrong");
    assert!(
        first["url"].as_str().unwrap().ends_with(&format!("/conversations/{conversation_id}")),
        "{first}"
    );
    assert!(first["title"].is_string());
    let people = mcp.ok("search", json!({"query": "object_type:contacts limit:1"})).await;
    assert_eq!(people["results"].as_array().unwrap().len(), 1, "{people}");
    let next = people["next_starting_after"].as_str().expect("a second page").to_owned();
    let rest_page =
        mcp.ok("search", json!({"query": "object_type:contacts limit:1", "starting_after": next})).await;
    assert_eq!(rest_page["results"].as_array().unwrap().len(), 1);
    assert_ne!(rest_page["results"][0]["id"], people["results"][0]["id"]);
    let ann = mcp.ok("search", json!({"query": "object_type:contacts email:ann@example.com"})).await;
    assert_eq!(ann["results"][0]["id"], format!("contact_{contact_id}"));
    assert_eq!(mcp.ok("fetch", json!({"id": ann["results"][0]["id"]})).await, rest_contact);
}

backend_test!(mcp_company_and_article_reads_match_rest);
async fn mcp_company_and_article_reads_match_rest(app: TestApp) {
    let mcp = Mcp::new(&app);
    let (status, company) = app.post("/companies", json!({"company_id": "acme", "name": "Acme"})).await;
    assert_eq!(status, 200, "{company}");
    let id = company["id"].as_str().unwrap();
    assert_eq!(mcp.ok("get_company", json!({"id": id})).await, app.get(&format!("/companies/{id}")).await.1);
    assert_eq!(
        mcp.ok("list_companies", json!({"per_page": 5})).await,
        app.get("/companies?per_page=5").await.1
    );

    let article = article(&app, "Resetting your password").await;
    let id = article["id"].as_str().unwrap();
    assert_eq!(mcp.ok("get_article", json!({"id": id})).await, app.get(&format!("/articles/{id}")).await.1);
    assert_eq!(mcp.ok("list_articles", json!({})).await, app.get("/articles").await.1);
    let found = mcp.ok("search_articles", json!({"phrase": "password", "state": "published"})).await;
    assert_eq!(found, app.get("/articles/search?phrase=password&state=published").await.1);
    assert_eq!(found["total_count"], 1);
}

backend_test!(mcp_read_errors_are_intercoms);
async fn mcp_read_errors_are_intercoms(app: TestApp) {
    let mcp = Mcp::new(&app);
    let error = mcp.fails("get_contact", json!({"id": "nope"}), "not_found").await;
    assert_eq!(error["message"], app.get("/contacts/nope").await.1["errors"][0]["message"]);
    mcp.fails("get_conversation", json!({"id": "conversation_999"}), "not_found").await;
    mcp.fails("get_company", json!({"id": "nope"}), "company_not_found").await;
    mcp.fails("get_article", json!({"id": "123"}), "not_found").await;
    let error = mcp.fails("get_contact", json!({}), "parameter_not_found").await;
    assert_eq!(error["field"], "id");
    mcp.fails("get_contact", json!({"id": {"x": 1}}), "parameter_invalid").await;
    mcp.fails("fetch", json!({"id": "ticket_1"}), "parameter_invalid").await;
    mcp.fails("search", json!({"query": "state:open"}), "parameter_invalid").await;
    mcp.fails("search", json!({"query": "object_type:contacts limit:many"}), "parameter_invalid").await;
    mcp.fails(
        "search_contacts",
        json!({"query": {"field": "email", "operator": "??", "value": "x"}}),
        "parameter_invalid",
    )
    .await;
    mcp.fails("search_articles", json!({"state": "gone"}), "parameter_invalid").await;
    mcp.fails("list_companies", json!({"per_page": "many"}), "parameter_invalid").await;
    // Path tricks name nothing: an id is one path segment.
    mcp.fails("get_contact", json!({"id": "../me"}), "not_found").await;
}

backend_test!(mcp_workspaces_are_isolated);
async fn mcp_workspaces_are_isolated(app: TestApp) {
    let (contact_id, conversation_id) = conversation(&app, "mine@example.com", "secret").await;
    let article = article(&app, "Internal only").await;
    let other = app.other_workspace().await;
    let theirs = Mcp::with_token(&app, &other.access_token);
    theirs.fails("get_contact", json!({"id": contact_id}), "not_found").await;
    theirs.fails("fetch", json!({"id": format!("contact_{contact_id}")}), "not_found").await;
    theirs.fails("get_conversation", json!({"id": conversation_id}), "not_found").await;
    theirs.fails("get_article", json!({"id": article["id"]}), "not_found").await;
    theirs.fails("update_contact", json!({"contact_id": contact_id, "name": "Taken"}), "not_found").await;
    theirs.fails("close_conversation", json!({"conversation_id": conversation_id}), "not_found").await;
    let found = theirs.ok("search", json!({"query": "object_type:contacts email:mine@example.com"})).await;
    assert_eq!(found["results"], json!([]));
    assert_eq!(theirs.ok("search_conversations", json!({"state": "open"})).await["total_count"], 0);
    let call =
        theirs.call("call_api", json!({"method": "GET", "path": format!("/contacts/{contact_id}")})).await;
    assert_eq!(call["structuredContent"]["status"], 404, "{call}");
    let (_, listed) = theirs.rpc("resources/list", json!({})).await;
    assert_eq!(listed["result"]["resources"], json!([]), "{listed}");
    let uri = format!("intercom://articles/{}", article["id"].as_str().unwrap());
    let (_, read) = theirs.rpc("resources/read", json!({"uri": uri})).await;
    assert!(read["error"].is_object(), "{read}");
    // Nothing changed here.
    assert_eq!(app.get(&format!("/contacts/{contact_id}")).await.1["name"], Value::Null);
    assert_eq!(app.get(&format!("/conversations/{conversation_id}")).await.1["state"], "open");
}

backend_test!(mcp_serves_articles_as_resources);
async fn mcp_serves_articles_as_resources(app: TestApp) {
    let mcp = Mcp::new(&app);
    let first = article(&app, "First").await;
    article(&app, "Second").await;
    let (status, listed) = mcp.rpc("resources/list", json!({})).await;
    assert_eq!(status, 200, "{listed}");
    let resources = listed["result"]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2, "{listed}");
    let uri = format!("intercom://articles/{}", first["id"].as_str().unwrap());
    let listed_first = resources.iter().find(|r| r["uri"] == uri).expect("listed");
    assert_eq!(listed_first["name"], "First");
    assert_eq!(listed_first["mimeType"], "application/json");
    let (_, templates) = mcp.rpc("resources/templates/list", json!({})).await;
    assert_eq!(templates["result"]["resourceTemplates"][0]["uriTemplate"], "intercom://articles/{id}");
    let (status, read) = mcp.rpc("resources/read", json!({"uri": uri})).await;
    assert_eq!(status, 200, "{read}");
    let contents = &read["result"]["contents"][0];
    assert_eq!(contents["uri"], uri);
    let text: Value = serde_json::from_str(contents["text"].as_str().unwrap()).unwrap();
    assert_eq!(text, app.get(&format!("/articles/{}", first["id"].as_str().unwrap())).await.1);
    for missing in ["intercom://articles/999999", "intercom://contacts/1", "https://example.com"] {
        let (status, read) = mcp.rpc("resources/read", json!({"uri": missing})).await;
        assert_eq!(status, 200, "{read}");
        assert!(read["error"]["code"].is_i64(), "{missing}: {read}");
    }
    let (_, bad) = mcp.rpc("resources/list", json!({"cursor": "zzz"})).await;
    assert!(bad["error"].is_object(), "{bad}");
}

// 6 a minute is one request per 10-second window.
backend_test!(
    mcp_calls_count_against_the_rate_limit,
    ApiConfig { rate_limit_per_minute: 6, ..ApiConfig::default() }
);
async fn mcp_calls_count_against_the_rate_limit(app: TestApp) {
    let mcp = Mcp::new(&app);
    // The MCP request is counted; the REST operation its tool runs is not counted again.
    let first = mcp.call("list_articles", json!({})).await;
    assert_eq!(first["isError"], false, "{first}");
    // Three quick requests cross at most one window boundary, so one of them is refused.
    let mut refused = None;
    for _ in 0..3 {
        let (status, body) = mcp.rpc("tools/call", json!({"name": "list_articles", "arguments": {}})).await;
        if status == 429 {
            refused = Some(body);
            break;
        }
    }
    let body = refused.expect("MCP calls are rate limited");
    assert_error(StatusCode::TOO_MANY_REQUESTS, &body, 429, "rate_limit_exceeded");
}

backend_test!(mcp_bad_requests_break_nothing);
async fn mcp_bad_requests_break_nothing(app: TestApp) {
    let mcp = Mcp::new(&app);
    let with_body = |body: &str| {
        let mut request = mcp.request("tools/list", json!({}), Some(1));
        *request.body_mut() = Body::from(body.to_owned());
        request
    };
    for body in ["{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/li", "[1, 2]", "", "null"] {
        let (status, _, answer) = app.send_raw(with_body(body)).await;
        assert!(status.is_client_error(), "{body}: {status} {answer:?}");
    }
    // The server has no event stream and no sessions to end.
    for method in [Method::GET, Method::DELETE] {
        let mut request = mcp.request("tools/list", json!({}), Some(1));
        *request.method_mut() = method.clone();
        let (status, _, _) = app.send_raw(request).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    // Arguments of the wrong shape are the protocol's errors, not the server's.
    let request = mcp.request("tools/call", json!({"name": "get_contact", "arguments": "x"}), Some(1));
    let (status, _, body) = app.send_raw(request).await;
    assert!(status.as_u16() < 500, "{status}");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert!(body["error"]["code"].is_i64(), "{body}");
    // Wrong types inside the arguments are Intercom's errors.
    mcp.fails("search_contacts", json!({"ids": "x"}), "parameter_invalid").await;
    mcp.fails("search_articles", json!({"highlight": "yes"}), "parameter_invalid").await;
    mcp.fails("describe_operation", json!({"method": ["GET"], "path": "/me"}), "parameter_invalid").await;
    let (status, _) = app.get("/me").await;
    assert_eq!(status, 200);
}

backend_test!(
    mcp_answers_only_allowed_hosts_when_told,
    ApiConfig {
        mcp_allowed_hosts: vec!["mcp.example.com".into()],
        mcp_allowed_origins: vec!["https://app.example.com".into()],
        ..ApiConfig::default()
    }
);
async fn mcp_answers_only_allowed_hosts_when_told(app: TestApp) {
    let mcp = Mcp::new(&app);
    let (status, _, _) = app.send_raw(mcp.request("tools/list", json!({}), Some(1))).await;
    assert!(status.is_client_error(), "{status}");
    let with = |host: &str, origin: Option<&str>| {
        let mut request = mcp.request("tools/list", json!({}), Some(1));
        request.headers_mut().insert("host", host.parse().unwrap());
        if let Some(origin) = origin {
            request.headers_mut().insert("origin", origin.parse().unwrap());
        }
        request
    };
    let (status, _, body) = app.send_raw(with("mcp.example.com", None)).await;
    assert_eq!(status, 200, "{body:?}");
    let (status, _, body) = app.send_raw(with("mcp.example.com", Some("https://app.example.com"))).await;
    assert_eq!(status, 200, "{body:?}");
    let (status, _, _) = app.send_raw(with("mcp.example.com", Some("https://evil.example.com"))).await;
    assert!(status.is_client_error(), "{status}");
    // The REST API is not concerned.
    assert_eq!(app.get("/me").await.0, 200);
}
