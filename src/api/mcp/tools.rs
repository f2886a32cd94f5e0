//! What each tool runs: a REST operation called in process as the caller, with the tool's
//! arguments as the operation's path, query and body.

use axum::http::Method;
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use super::args::{self, Args, admin_or, optional, plain_id, required, segment, without};
use super::rest::{Answer, Rest};
use super::{Caller, describe, search};
use crate::error::ApiError;

/// Runs tool `name` (one `catalog` lists) and renders its answer.
pub(super) async fn call(rest: &Rest, caller: &Caller, name: &str, args: Args) -> CallToolResult {
    let (answer, refused) = match run(rest, caller, name, &args).await {
        Ok(answer) => (answer, false),
        Err(refusal) => (Answer::refused(refusal, caller).await, true),
    };
    if name == "call_api" && !refused && answer.status < 500 {
        // The operation's answer, whatever its status, is what call_api returns.
        let text = format!("{} {}", answer.status, summary(&answer.body));
        let body = json!({"status": answer.status, "body": answer.body});
        return result(caller, answer.status >= 400, text, body);
    }
    if answer.status >= 400 {
        let error = &answer.body["errors"][0];
        let code = error["code"].as_str().unwrap_or("server_error");
        let message = error["message"].as_str().unwrap_or("The request failed");
        return result(caller, true, format!("{code}: {message}"), answer.body);
    }
    let text = summary(&answer.body);
    result(caller, false, text, answer.body)
}

fn result(caller: &Caller, is_error: bool, text: String, structured: Value) -> CallToolResult {
    let mut content = vec![ContentBlock::text(text)];
    if caller.text_only {
        content.push(ContentBlock::text(structured.to_string()));
    }
    let mut result = if is_error { CallToolResult::error(content) } else { CallToolResult::success(content) };
    // Structured content is an object; a bare value (an empty answer) is wrapped.
    result.structured_content =
        Some(if structured.is_object() { structured } else { json!({"value": structured}) });
    result
}

async fn run(rest: &Rest, caller: &Caller, name: &str, args: &Args) -> Result<Answer, ApiError> {
    let admin = caller.ctx.admin_id;
    let conversation = |args: &Args| -> Result<String, ApiError> {
        Ok(format!(
            "/conversations/{}",
            segment(&plain_id(&required(args, "conversation_id")?, "conversation"))
        ))
    };
    let contact = |args: &Args| -> Result<String, ApiError> {
        Ok(format!("/contacts/{}", segment(&plain_id(&required(args, "contact_id")?, "contact"))))
    };
    let get = |path: String| (Method::GET, path, None);
    let (method, path, body) = match name {
        "search" => return search::search(rest, caller, args).await,
        "fetch" => return search::fetch(rest, caller, args).await,
        "search_conversations" => return search::conversations(rest, caller, args).await,
        "search_contacts" => return search::contacts(rest, caller, args).await,
        "list_operations" => return describe::list_operations(rest, caller, args).await,
        "describe_operation" => return describe::describe_operation(rest, caller, args).await,
        "call_api" => return call_api(rest, caller, args).await,
        "get_conversation" => {
            get(format!("/conversations/{}", segment(&plain_id(&required(args, "id")?, "conversation"))))
        }
        "get_contact" => get(format!("/contacts/{}", segment(&plain_id(&required(args, "id")?, "contact")))),
        "get_company" => get(format!("/companies/{}", segment(&plain_id(&required(args, "id")?, "company")))),
        "get_article" => get(format!("/articles/{}", segment(&plain_id(&required(args, "id")?, "article")))),
        "list_companies" => get(format!("/companies{}", page_query(args)?)),
        "list_articles" => get(format!("/articles{}", page_query(args)?)),
        "search_articles" => {
            let params = [
                ("phrase", optional(args, "phrase")?),
                ("state", optional(args, "state")?),
                ("help_center_id", optional(args, "help_center_id")?),
                ("highlight", flag(args, "highlight")?),
            ];
            get(format!("/articles/search{}", args::query(&params)))
        }
        "create_article" => (Method::POST, "/articles".to_owned(), Some(Value::Object(args.clone()))),
        "update_article" => {
            let path = format!("/articles/{}", segment(&plain_id(&required(args, "id")?, "article")));
            (Method::PUT, path, Some(without(args, &["id"])))
        }
        "create_contact" => (Method::POST, "/contacts".to_owned(), Some(Value::Object(args.clone()))),
        "update_contact" => (Method::PUT, contact(args)?, Some(without(args, &["contact_id"]))),
        "tag_contact" => {
            let body = json!({"id": required(args, "tag_id")?});
            (Method::POST, format!("{}/tags", contact(args)?), Some(body))
        }
        "untag_contact" => {
            let tag = segment(&required(args, "tag_id")?);
            (Method::DELETE, format!("{}/tags/{tag}", contact(args)?), None)
        }
        "create_note" => {
            let mut body = without(args, &["contact_id"]);
            body["admin_id"] = admin_or(args, admin);
            (Method::POST, format!("{}/notes", contact(args)?), Some(body))
        }
        "create_conversation" => {
            let mut body = without(args, &["contact_id"]);
            if let Some(contact) = optional(args, "contact_id")?
                && body.get("from").is_none()
            {
                body["from"] = json!({"type": "contact", "id": plain_id(&contact, "contact")});
            }
            (Method::POST, "/conversations".to_owned(), Some(body))
        }
        "reply_to_conversation" => {
            let body = reply(args, &["conversation_id"], admin);
            (Method::POST, format!("{}/reply", conversation(args)?), Some(body))
        }
        "create_ticket" => {
            let mut body = without(args, &["contact_id"]);
            if let Some(contact) = optional(args, "contact_id")?
                && body.get("contacts").is_none()
            {
                body["contacts"] = json!([{"id": plain_id(&contact, "contact")}]);
            }
            (Method::POST, "/tickets".to_owned(), Some(body))
        }
        "reply_to_ticket" => {
            let ticket = segment(&plain_id(&required(args, "ticket_id")?, "ticket"));
            (Method::POST, format!("/tickets/{ticket}/reply"), Some(reply(args, &["ticket_id"], admin)))
        }
        "assign_conversation" => {
            let mut body = without(args, &["conversation_id"]);
            body["message_type"] = json!("assignment");
            if body.get("type").is_none() {
                body["type"] = json!("admin");
            }
            body["admin_id"] = admin_or(args, admin);
            (Method::POST, format!("{}/parts", conversation(args)?), Some(body))
        }
        "close_conversation" | "open_conversation" | "snooze_conversation" => {
            let mut body = without(args, &["conversation_id"]);
            body["message_type"] = json!(match name {
                "close_conversation" => "close",
                "open_conversation" => "open",
                _ => "snoozed",
            });
            body["type"] = json!("admin");
            body["admin_id"] = admin_or(args, admin);
            (Method::POST, format!("{}/parts", conversation(args)?), Some(body))
        }
        "tag_conversation" => {
            let body = json!({"id": required(args, "tag_id")?, "admin_id": admin_or(args, admin)});
            (Method::POST, format!("{}/tags", conversation(args)?), Some(body))
        }
        other => return Err(ApiError::invalid("name", format!("No tool is named {other}"))),
    };
    Ok(rest.send(caller, method, &path, body.as_ref(), None).await)
}

/// A reply's body: a comment unless told, from the contact when the arguments name one, else
/// from the admin (the token's, unless `admin_id` says).
fn reply(args: &Args, path_args: &[&str], admin: i64) -> Value {
    let mut body = without(args, path_args);
    let by_contact = ["intercom_user_id", "user_id", "email"].iter().any(|k| args.contains_key(*k));
    if body.get("message_type").is_none() {
        body["message_type"] = json!("comment");
    }
    if body.get("type").is_none() {
        body["type"] = json!(if by_contact { "user" } else { "admin" });
    }
    if body["type"] == "admin" {
        body["admin_id"] = admin_or(args, admin);
    }
    body
}

/// `?per_page=..&page=..` from the arguments of the same names.
fn page_query(args: &Args) -> Result<String, ApiError> {
    Ok(args::query(&[("per_page", optional(args, "per_page")?), ("page", optional(args, "page")?)]))
}

fn flag(args: &Args, name: &str) -> Result<Option<String>, ApiError> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(_) => Err(ApiError::invalid(name, format!("{name} must be true or false"))),
    }
}

/// `call_api`: any served operation, as the caller.
async fn call_api(rest: &Rest, caller: &Caller, args: &Args) -> Result<Answer, ApiError> {
    let raw_method = required(args, "method")?.to_ascii_uppercase();
    let method = match raw_method.as_str() {
        "GET" | "POST" | "PUT" | "DELETE" | "PATCH" => Method::from_bytes(raw_method.as_bytes())
            .map_err(|_| ApiError::invalid("method", "method must be GET, POST, PUT, DELETE or PATCH"))?,
        _ => return Err(ApiError::invalid("method", "method must be GET, POST, PUT, DELETE or PATCH")),
    };
    let path = required(args, "path")?;
    if !path.starts_with('/') || path.starts_with("//") {
        return Err(ApiError::invalid("path", "path must start with / (e.g. /contacts)"));
    }
    let mut target = path.clone();
    if let Some(query) = args::object(args, "query")? {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &query {
            match value {
                Value::String(s) => out.append_pair(name, s),
                Value::Null => continue,
                other => out.append_pair(name, &other.to_string()),
            };
        }
        let query = out.finish();
        if !query.is_empty() {
            target.push(if path.contains('?') { '&' } else { '?' });
            target.push_str(&query);
        }
    }
    let body = match args.get("body") {
        None | Some(Value::Null) => None,
        Some(body @ Value::Object(_)) => Some(body.clone()),
        Some(_) => return Err(ApiError::invalid("body", "body must be a JSON object")),
    };
    let version = optional(args, "version")?;
    Ok(rest.send(caller, method, &target, body.as_ref(), version.as_deref()).await)
}

/// A line about an answer: what it is, its id and name, or how many a list holds.
pub(super) fn summary(body: &Value) -> String {
    let kind = body["type"].as_str().unwrap_or("object");
    let items = body["data"]
        .as_array()
        .or_else(|| body.as_object()?.iter().filter(|(k, _)| *k != "errors").find_map(|(_, v)| v.as_array()));
    if let Some(items) = items.filter(|_| kind.ends_with("list") || body.get("data").is_some()) {
        let total = body["total_count"].as_i64().map(|t| format!(" of {t}")).unwrap_or_default();
        return format!("{kind}: {}{total}", items.len());
    }
    let mut line = kind.to_owned();
    if let Some(id) =
        body["id"].as_str().map(str::to_owned).or_else(|| body["id"].as_i64().map(|i| i.to_string()))
    {
        line.push(' ');
        line.push_str(&id);
    }
    for name in ["name", "title", "email", "state"] {
        if let Some(value) = body[name].as_str().filter(|v| !v.is_empty()) {
            line.push_str(&format!(", {name}: {value}"));
        }
    }
    line
}
