//! The `/mcp` route: a plain stateless `tools/call` is answered here, every other request by
//! rmcp's Streamable HTTP service.
//!
//! rmcp serves each stateless POST through a service of its own: a peer, channels, a serve
//! loop and a task for the handler, cancellation tokens, and the message serialized back to a
//! `Value` to check the SEP-2243 `Mcp-*` headers. For a tool call that is most of what MCP adds
//! to the REST call behind it. The fast path keeps rmcp's types (the message is parsed into
//! `ClientJsonRpcMessage`, the answer is rmcp's `ServerJsonRpcMessage`, post-processed by the
//! same `ServerResult` methods) and the same `call_tool`; it only takes requests that rmcp
//! would accept as they are, and hands anything else (another method, an unknown tool, a
//! header it would refuse or that needs a closer look, a configured host or origin list, a
//! body without a length) to rmcp unchanged, so that every error is rmcp's own.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rmcp::model::{
    CallToolRequestParams, ClientJsonRpcMessage, ClientRequest, GetMeta, JsonRpcMessage, JsonRpcRequest,
    ProtocolVersion, ServerJsonRpcMessage, ServerResult,
};

use super::{McpServer, McpService, catalog};

const PROTOCOL_VERSION: &str = "mcp-protocol-version";
const JSON: &str = "application/json";

/// The service mounted at `/mcp`.
#[derive(Clone)]
pub struct Endpoint(Arc<Inner>);

struct Inner {
    rmcp: McpService,
    server: McpServer,
    /// Off when allowed hosts or origins are configured: rmcp checks those.
    enabled: bool,
    max_body_bytes: usize,
}

impl Endpoint {
    pub(super) fn new(rmcp: McpService, server: McpServer, enabled: bool, max_body_bytes: usize) -> Endpoint {
        Endpoint(Arc::new(Inner { rmcp, server, enabled, max_body_bytes }))
    }
}

impl tower::Service<Request> for Endpoint {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let inner = self.0.clone();
        Box::pin(async move {
            let request = match inner.fast(request).await {
                Ok(response) => return Ok(response),
                Err(request) => request,
            };
            Ok(inner.rmcp.handle(request).await.map(Body::new))
        })
    }
}

impl Inner {
    /// Answers a plain stateless `tools/call`; `Err` gives back any other request, its body
    /// (if it was read) restored.
    async fn fast(&self, request: Request) -> Result<Response, Request> {
        if !self.enabled || request.method() != Method::POST || !plain_post(request.headers()) {
            return Err(request);
        }
        // A body of known length (hyper's, with `Content-Length`) within the limit; rmcp reads
        // any other (and refuses one too large).
        let length = http_body::Body::size_hint(request.body()).upper();
        if length.is_none_or(|length| length > self.max_body_bytes as u64) {
            return Err(request);
        }
        let (parts, body) = request.into_parts();
        let bytes = match axum::body::to_bytes(body, self.max_body_bytes).await {
            Ok(bytes) => bytes,
            // The length was known and within the limit: only a client that went away mid-body
            // gets here, and sees nothing of this answer.
            Err(_) => return Ok(StatusCode::BAD_REQUEST.into_response()),
        };
        let back = |parts: Parts, bytes: Bytes| Request::from_parts(parts, Body::from(bytes));
        let Ok(JsonRpcMessage::Request(JsonRpcRequest { id, request: message, .. })) =
            serde_json::from_slice::<ClientJsonRpcMessage>(&bytes)
        else {
            return Err(back(parts, bytes));
        };
        let ClientRequest::CallToolRequest(call) = &message else {
            return Err(back(parts, bytes));
        };
        let Some(version) = protocol_version(&parts.headers, &message, &call.params) else {
            return Err(back(parts, bytes));
        };
        let Ok(caller) = super::caller_of(&parts) else {
            return Err(back(parts, bytes));
        };
        let ClientRequest::CallToolRequest(call) = message else { unreachable!("matched above") };
        let CallToolRequestParams { name, arguments, .. } = call.params;
        let result = self.server.run_tool(&caller, &name, arguments.unwrap_or_default()).await;
        let mut result = ServerResult::CallToolResult(result);
        // What rmcp's `ServerHandler` does to every result, by the request's protocol version.
        if version.as_str() >= ProtocolVersion::V_2026_07_28.as_str() {
            result.fill_missing_cache_hints();
        } else {
            result.strip_result_type_for_legacy_peer();
            result.strip_non_object_output_for_legacy_peer();
        }
        let answer = ServerJsonRpcMessage::response(result, id);
        match serde_json::to_vec(&answer) {
            Ok(body) => {
                let mut response = Response::new(Body::from(body));
                response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
                Ok(response)
            }
            Err(_) => Err(back(parts, bytes)),
        }
    }
}

/// Whether rmcp would take these headers of a POST as they are: one `Host` that parses, an
/// `Accept` naming both JSON and event streams (without weights, which rmcp reads closely),
/// and a JSON `Content-Type`.
fn plain_post(headers: &HeaderMap) -> bool {
    let host = single(headers, header::HOST.as_str());
    if !matches!(host, Some(Some(host)) if axum::http::uri::Authority::try_from(host).is_ok()) {
        return false;
    }
    let Some(Some(accept)) = single(headers, header::ACCEPT.as_str()) else {
        return false;
    };
    let (mut json, mut events) = (false, false);
    for range in accept.split(',').map(str::trim) {
        if range.contains(['"', ';']) {
            return false;
        }
        json |= range.eq_ignore_ascii_case(JSON);
        events |= range.eq_ignore_ascii_case("text/event-stream");
    }
    let content_type = match single(headers, header::CONTENT_TYPE.as_str()) {
        Some(Some(value)) => value,
        _ => return false,
    };
    let essence = content_type.split_once(';').map_or(content_type, |(essence, _)| essence);
    json && events && essence.trim().eq_ignore_ascii_case(JSON)
}

/// The protocol version a `tools/call` is served in, when rmcp would serve it without a
/// word: `None` for anything it refuses or checks further.
///
/// A request that names its version in `_meta` (2026-07-28) must send the same version in
/// `MCP-Protocol-Version` and, from 2026-07-28, its client capabilities and the `Mcp-Method`
/// and `Mcp-Name` headers of SEP-2243, plain (not Base64). A request without it speaks the
/// header's version (2025-03-26 without the header), which must be one before 2026-07-28.
fn protocol_version(
    headers: &HeaderMap,
    message: &ClientRequest,
    params: &CallToolRequestParams,
) -> Option<ProtocolVersion> {
    let header = single(headers, PROTOCOL_VERSION)?;
    let known = |v: &str| ProtocolVersion::KNOWN_VERSIONS.iter().find(|known| known.as_str() == v).cloned();
    let standard = ProtocolVersion::STANDARD_HEADERS.as_str();
    let meta = message.get_meta();
    let Some(requested) = meta.protocol_version() else {
        return match header {
            None => Some(ProtocolVersion::V_2025_03_26),
            Some(header) => known(header).filter(|v| v.as_str() < standard),
        };
    };
    let requested = known(requested.as_str())?;
    if header != Some(requested.as_str()) {
        return None;
    }
    if requested.as_str() >= standard {
        let base64 = |value: &str| value.starts_with("=?");
        let method_ok = single(headers, "mcp-method")? == Some("tools/call");
        let name_ok = single(headers, "mcp-name")?.is_some_and(|n| !base64(n) && n == params.name);
        let meta_ok = meta.missing_required_keys(&ProtocolVersion::V_2026_07_28).is_empty();
        if !(method_ok && name_ok && meta_ok) {
            return None;
        }
    }
    catalog::exists(&params.name).then_some(requested)
}

/// A header that appears at most once: `Some(None)` when absent, `None` when repeated or not
/// text.
fn single<'a>(headers: &'a HeaderMap, name: &str) -> Option<Option<&'a str>> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Some(None);
    };
    if values.next().is_some() {
        return None;
    }
    first.to_str().ok().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    const POST: [(&str, &str); 3] = [
        ("host", "localhost:8080"),
        ("accept", "application/json, text/event-stream"),
        ("content-type", "application/json"),
    ];

    fn call(meta: bool) -> ClientRequest {
        let mut message = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "get_contact", "arguments": {"id": "1"}}});
        if meta {
            message["params"]["_meta"] = serde_json::json!({
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"},
                "io.modelcontextprotocol/clientCapabilities": {},
            });
        }
        match serde_json::from_value::<ClientJsonRpcMessage>(message).unwrap() {
            JsonRpcMessage::Request(request) => request.request,
            other => panic!("{other:?}"),
        }
    }

    fn version(pairs: &[(&'static str, &'static str)], meta: bool) -> Option<String> {
        let request = call(meta);
        let ClientRequest::CallToolRequest(call) = &request else { unreachable!() };
        protocol_version(&headers(pairs), &request, &call.params).map(|v| v.as_str().to_owned())
    }

    #[test]
    fn plain_posts_are_taken() {
        assert!(plain_post(&headers(&POST)));
        let mut charset = POST;
        charset[2] = ("content-type", "Application/JSON; charset=utf-8");
        assert!(plain_post(&headers(&charset)));
        for (name, value) in [
            ("accept", "application/json"),
            ("accept", "application/json;q=1, text/event-stream"),
            ("accept", "*/*"),
            ("content-type", "text/plain"),
            ("host", "bad host"),
        ] {
            let mut other = headers(&POST);
            other.insert(name, HeaderValue::from_static(value));
            assert!(!plain_post(&other), "{name}: {value}");
        }
        let mut twice = headers(&POST);
        twice.append("accept", HeaderValue::from_static("application/json, text/event-stream"));
        assert!(!plain_post(&twice));
        assert!(!plain_post(&headers(&POST[1..])), "no host");
    }

    #[test]
    fn versions_rmcp_serves_as_they_are() {
        let standard = [
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", "tools/call"),
            ("mcp-name", "get_contact"),
        ];
        assert_eq!(version(&standard, true).as_deref(), Some("2026-07-28"));
        assert_eq!(version(&[], false).as_deref(), Some("2025-03-26"));
        assert_eq!(version(&[("mcp-protocol-version", "2025-06-18")], false).as_deref(), Some("2025-06-18"));
        for refused in [
            &standard[..2],
            &[standard[0], standard[1], ("mcp-name", "get_company")][..],
            &[standard[0], standard[1], ("mcp-name", "=?base64?Z2V0X2NvbnRhY3Q=?=")][..],
            &[standard[0], ("mcp-method", "tools/list"), standard[2]][..],
            &[("mcp-protocol-version", "2025-06-18"), standard[1], standard[2]][..],
            &standard[1..],
        ] {
            assert_eq!(version(refused, true), None, "{refused:?}");
        }
        assert_eq!(version(&[("mcp-protocol-version", "2026-07-28")], false), None);
        assert_eq!(version(&[("mcp-protocol-version", "2024-01-01")], false), None);
        let twice = [("mcp-protocol-version", "2025-06-18"), ("mcp-protocol-version", "2025-06-18")];
        assert_eq!(version(&twice, false), None);
    }
}
