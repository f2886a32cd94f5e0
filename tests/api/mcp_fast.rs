//! A plain stateless `tools/call` is answered without rmcp's per-request service
//! (`api::mcp::fast`). Each request here is sent twice: as is, and with a weighted `Accept`
//! that rmcp reads and the fast path leaves to it. The two answers must be the same bytes
//! (but for each request's own id), whether the fast path took the first or handed it on.

use axum::body::Body;
use axum::http::{HeaderValue, Request};
use serde_json::{Value, json};

use crate::common::{TestApp, backend_test};
use crate::contact_fixtures::contact;
use crate::mcp::{LATEST, Mcp};

/// Sends `request` plainly and through rmcp; asserts the answers alike; returns the status
/// and body.
async fn alike(app: &TestApp, request: impl Fn() -> Request<Body>) -> (u16, Value) {
    let mut answers = Vec::new();
    for weighted in [false, true] {
        let mut request = request();
        if weighted {
            let accept = HeaderValue::from_static("application/json;q=1, text/event-stream;q=0.9");
            request.headers_mut().insert("accept", accept);
        }
        let (status, headers, body) = app.send_raw(request).await;
        let mut text = String::from_utf8(body.to_vec()).unwrap();
        if let Some(id) = headers.get("x-request-id").and_then(|v| v.to_str().ok()) {
            text = text.replace(id, "REQUEST-ID");
        }
        answers.push((status, headers.get("content-type").cloned(), text));
    }
    assert_eq!(answers[0], answers[1]);
    let (status, _, text) = answers.remove(0);
    (status.as_u16(), serde_json::from_str(&text).unwrap_or(Value::Null))
}

backend_test!(mcp_tool_calls_answer_as_rmcp_does);
async fn mcp_tool_calls_answer_as_rmcp_does(app: TestApp) {
    let c = contact(&app, json!({"email": "same@example.com"})).await;
    let id = c["id"].as_str().unwrap();
    for protocol in ["2025-03-26", "2025-06-18", LATEST] {
        let mcp = Mcp { app: &app, token: app.token.clone(), protocol };
        for (tool, arguments, is_error) in [
            ("get_contact", json!({"id": id}), false),
            ("get_contact", json!({"id": format!("contact_{id}")}), false),
            ("get_contact", json!({"id": "nope"}), true),
            ("get_contact", json!({}), true),
            ("list_articles", json!({}), false),
            ("call_api", json!({"method": "GET", "path": "/me"}), false),
        ] {
            let params = json!({"name": tool, "arguments": arguments});
            let (status, body) = alike(&app, || mcp.request("tools/call", params.clone(), Some(7))).await;
            assert_eq!(status, 200, "{protocol} {tool}: {body}");
            assert_eq!(body["id"], 7);
            assert_eq!(body["result"]["isError"], is_error, "{protocol} {tool}: {body}");
        }
        let (_, body) = alike(&app, || {
            mcp.request("tools/call", json!({"name": "get_contact", "arguments": {"id": id}}), Some(7))
        })
        .await;
        assert_eq!(body["result"]["structuredContent"], c, "{protocol}");
    }
}

backend_test!(mcp_tool_calls_refused_as_rmcp_refuses);
async fn mcp_tool_calls_refused_as_rmcp_refuses(app: TestApp) {
    let mcp = Mcp::new(&app);
    let call = json!({"name": "get_contact", "arguments": {"id": "x"}});
    let plain = || mcp.request("tools/call", call.clone(), Some(3));
    let with = |name: &'static str, value: &'static str| {
        move || {
            let mut request = plain();
            request.headers_mut().insert(name, HeaderValue::from_static(value));
            request
        }
    };
    let without = |name: &'static str| {
        move || {
            let mut request = plain();
            request.headers_mut().remove(name);
            request
        }
    };
    // SEP-2243 headers that do not match the body, or are missing.
    for (status, body) in [
        alike(&app, with("mcp-name", "get_company")).await,
        alike(&app, with("mcp-method", "tools/list")).await,
        alike(&app, without("mcp-name")).await,
        alike(&app, without("mcp-method")).await,
        alike(&app, || {
            let mut request = plain();
            request.headers_mut().append("mcp-name", HeaderValue::from_static("get_contact"));
            request
        })
        .await,
        // The header's revision is not the one in `_meta`, or is missing.
        alike(&app, with("mcp-protocol-version", "2025-06-18")).await,
        alike(&app, without("mcp-protocol-version")).await,
    ] {
        assert_eq!(status, 400, "{body}");
        assert!(body["error"]["code"].is_i64(), "{body}");
    }
    // 2026-07-28 without its `_meta`, or with `_meta` missing the client's capabilities.
    let bare = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": call});
    let mut partial = bare.clone();
    partial["params"]["_meta"] = json!({"io.modelcontextprotocol/protocolVersion": LATEST});
    for message in [bare, partial] {
        let (status, body) = alike(&app, || {
            let mut request = plain();
            *request.body_mut() = Body::from(message.to_string());
            request
        })
        .await;
        assert_eq!(status, 400, "{body}");
        assert!(body["error"]["code"].is_i64(), "{body}");
    }
    // An unknown tool, arguments that are not an object, an unknown revision.
    let (status, body) = alike(&app, || mcp.request("tools/call", json!({"name": "nope"}), Some(3))).await;
    assert_eq!((status, body["error"]["code"].as_i64()), (200, Some(-32602)), "{body}");
    let odd = json!({"name": "get_contact", "arguments": "x"});
    let (_, body) = alike(&app, || mcp.request("tools/call", odd.clone(), Some(3))).await;
    assert!(body["error"]["code"].is_i64(), "{body}");
    let old = Mcp { app: &app, token: app.token.clone(), protocol: "2024-01-01" };
    let (status, _) = alike(&app, || old.request("tools/call", call.clone(), Some(3))).await;
    assert_eq!(status, 400);
}
