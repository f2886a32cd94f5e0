//! MCP (the Model Context Protocol) at `/mcp`, on the REST API's listener: Streamable HTTP,
//! served statelessly (every POST carries one JSON-RPC message and gets its answer as JSON).
//!
//! The `authenticate` layer runs first, as for any route: no token is a 401 before MCP sees the
//! request, and each MCP request counts once against the workspace's rate limit. Every tool then
//! runs REST operations in process ([`rest::Rest`]), so a tool validates, fails and writes exactly
//! as the endpoint behind it does.

mod args;
mod catalog;
mod describe;
mod fast;
mod rest;
mod search;
mod tools;

use std::sync::Arc;

use axum::Router;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListResourceTemplatesResult,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams,
    ReadResourceResponse, ReadResourceResult, Resource, ResourceContents, ResourceTemplate,
    ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::Value;

use super::extract::Ctx;
use super::{ApiConfig, RequestId};
use rest::Rest;

/// Where the MCP endpoint is mounted.
pub const PATH: &str = "/mcp";

type McpService = StreamableHttpService<McpServer, NeverSessionManager>;
pub use fast::Endpoint;

/// The MCP endpoint; `rest` is the REST router (without `/mcp`) the tools call.
pub fn service(rest: Router, config: &ApiConfig) -> Endpoint {
    let server = McpServer { rest: Rest::new(rest) };
    // The fast path leaves requests to rmcp when rmcp has hosts or origins to check.
    let fast = config.mcp_allowed_hosts.is_empty() && config.mcp_allowed_origins.is_empty();
    let mut settings = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_max_request_body_bytes(config.max_body_bytes);
    settings = if config.mcp_allowed_hosts.is_empty() {
        settings.disable_allowed_hosts()
    } else {
        settings.with_allowed_hosts(config.mcp_allowed_hosts.clone())
    };
    if !config.mcp_allowed_origins.is_empty() {
        settings = settings.with_allowed_origins(config.mcp_allowed_origins.clone());
    }
    let factory = server.clone();
    let rmcp = StreamableHttpService::new(
        move || Ok(factory.clone()),
        Arc::new(NeverSessionManager::default()),
        settings,
    );
    Endpoint::new(rmcp, server, fast, config.max_body_bytes)
}

#[derive(Clone)]
pub struct McpServer {
    rest: Rest,
}

/// The caller, as `authenticate` resolved it, and the HTTP request's headers (for URLs).
pub(super) struct Caller {
    pub ctx: Ctx,
    pub headers: axum::http::HeaderMap,
    /// The MCP request's id, which the errors of its tools and the journal entries of their
    /// REST calls carry, and its span, under which those calls log.
    pub request_id: Option<String>,
    pub span: tracing::Span,
    /// Whether the client speaks 2025-03-26, which has no structured content: its results carry
    /// the JSON as text too.
    pub text_only: bool,
}

fn caller(context: &RequestContext<RoleServer>) -> Result<Caller, ErrorData> {
    match context.extensions.get::<axum::http::request::Parts>() {
        Some(parts) => caller_of(parts),
        None => Err(ErrorData::internal_error("the request carries no workspace", None)),
    }
}

/// The caller of an HTTP request `authenticate` let through.
fn caller_of(parts: &axum::http::request::Parts) -> Result<Caller, ErrorData> {
    let ctx = parts.extensions.get::<Ctx>();
    let id = parts.extensions.get::<RequestId>();
    match ctx {
        Some(ctx) => Ok(Caller {
            ctx: ctx.clone(),
            headers: parts.headers.clone(),
            request_id: id.map(|id| id.0.clone()),
            span: id.map_or_else(tracing::Span::none, |id| id.1.clone()),
            // Clients send the header from 2025-06-18 on; without it a request is 2025-03-26.
            text_only: parts
                .headers
                .get("mcp-protocol-version")
                .is_none_or(|v| v.as_bytes() <= b"2025-03-26".as_slice()),
        }),
        // `authenticate` guards the route: a request without a workspace never gets here.
        None => Err(ErrorData::internal_error("the request carries no workspace", None)),
    }
}

impl McpServer {
    /// Runs tool `name`, one `catalog` lists.
    async fn run_tool(&self, caller: &Caller, name: &str, arguments: args::Args) -> CallToolResult {
        tools::call(&self.rest, caller, name, arguments).await
    }
}

/// Articles are resources named `intercom://articles/{id}`.
const ARTICLE_URI: &str = "intercom://articles/";
/// Articles per page of `resources/list`; the cursor is the next page's number.
const RESOURCES_PER_PAGE: u64 = 50;

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().build())
            .with_server_info(Implementation::new("switchboard", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Switchboard speaks the Intercom REST API. Tools read and change contacts, \
                 conversations, companies and Help Center articles of the token's workspace; \
                 list_operations, describe_operation and call_api reach every REST operation.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(catalog::tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let caller = caller(&context)?;
        if !catalog::exists(&request.name) {
            return Err(ErrorData::invalid_params(format!("Unknown tool: {}", request.name), None));
        }
        let arguments = request.arguments.unwrap_or_default();
        Ok(self.run_tool(&caller, &request.name, arguments).await.into())
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let caller = caller(&context)?;
        let page = match request.and_then(|r| r.cursor) {
            None => 1,
            Some(cursor) => cursor
                .parse::<u64>()
                .ok()
                .filter(|page| *page > 0)
                .ok_or_else(|| ErrorData::invalid_params("cursor is not one this server made", None))?,
        };
        let path = format!("/articles?per_page={RESOURCES_PER_PAGE}&page={page}");
        let answer = self.rest.get(&caller, &path).await;
        if answer.status >= 400 {
            return Err(ErrorData::internal_error("articles could not be listed", Some(answer.body)));
        }
        let articles = answer.body["data"].as_array().cloned().unwrap_or_default();
        let resources = articles.iter().filter_map(article_resource).collect::<Vec<_>>();
        let total_pages = answer.body["pages"]["total_pages"].as_u64().unwrap_or(0);
        let mut result = ListResourcesResult::with_all_items(resources);
        result.next_cursor = (page < total_pages).then(|| (page + 1).to_string());
        Ok(result)
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let template = ResourceTemplate::new(format!("{ARTICLE_URI}{{id}}"), "article")
            .with_description("A Help Center article, as GET /articles/{id} returns it")
            .with_mime_type("application/json");
        Ok(ListResourceTemplatesResult::with_all_items(vec![template]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let caller = caller(&context)?;
        let not_found = || ErrorData::resource_not_found(format!("No resource {}", request.uri), None);
        let id = request.uri.strip_prefix(ARTICLE_URI).filter(|id| !id.is_empty()).ok_or_else(not_found)?;
        let answer = self.rest.get(&caller, &format!("/articles/{}", args::segment(id))).await;
        if answer.status == 404 {
            return Err(ErrorData::resource_not_found(
                format!("No resource {}", request.uri),
                Some(answer.body),
            ));
        }
        if answer.status >= 400 {
            return Err(ErrorData::internal_error("the article could not be read", Some(answer.body)));
        }
        let text = answer.body.to_string();
        let contents = ResourceContents::TextResourceContents {
            uri: request.uri.clone(),
            mime_type: Some("application/json".into()),
            text,
            meta: None,
        };
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}

fn article_resource(article: &Value) -> Option<Resource> {
    let id = article["id"].as_str()?;
    let title = article["title"].as_str().unwrap_or_default();
    let mut resource = Resource::new(format!("{ARTICLE_URI}{id}"), title).with_mime_type("application/json");
    if let Some(description) = article["description"].as_str().filter(|d| !d.is_empty()) {
        resource = resource.with_description(description);
    }
    Some(resource)
}
