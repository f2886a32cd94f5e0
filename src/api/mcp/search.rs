//! Intercom's `search` and `fetch` tools, and the filter-style `search_conversations` and
//! `search_contacts`: each becomes a `POST /{conversations,contacts}/search` query.

use axum::http::Method;
use serde_json::{Map, Value, json};

use super::Caller;
use super::args::{Args, object, optional, plain_id, required, segment};
use super::rest::{Answer, Rest};
use crate::error::ApiError;

/// What `search` looks through.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Conversations,
    Contacts,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Conversations => "/conversations",
            Kind::Contacts => "/contacts",
        }
    }
}

/// `search`: `object_type:conversations state:open limit:5 refund` and so on.
pub(super) async fn search(rest: &Rest, caller: &Caller, args: &Args) -> Result<Answer, ApiError> {
    let raw = required(args, "query")?;
    let mut kind = None;
    let mut limit = None;
    let mut conditions = Vec::new();
    let mut words = Vec::new();
    for token in tokens(&raw) {
        let Some((key, value)) = token.split_once(':').filter(|(k, _)| !k.is_empty()) else {
            words.push(token);
            continue;
        };
        match key {
            "object_type" => {
                kind = Some(match value {
                    "conversations" | "conversation" => Kind::Conversations,
                    "contacts" | "contact" => Kind::Contacts,
                    _ => return Err(query_invalid("object_type must be conversations or contacts")),
                })
            }
            "limit" => {
                limit = Some(value.parse::<u64>().map_err(|_| query_invalid("limit must be a number"))?)
            }
            _ => conditions.push(condition(key, value)),
        }
    }
    let kind = kind.ok_or_else(|| {
        query_invalid("the query must name object_type:conversations or object_type:contacts")
    })?;
    if !words.is_empty() {
        let text = words.join(" ");
        conditions.push(match kind {
            Kind::Conversations => json!({"field": "source.body", "operator": "~", "value": text}),
            Kind::Contacts => json!({"operator": "OR", "value": [
                {"field": "name", "operator": "~", "value": text},
                {"field": "email", "operator": "~", "value": text},
            ]}),
        });
    }
    if conditions.is_empty() {
        // Every object: a condition every object meets.
        conditions.push(json!({"field": "created_at", "operator": ">", "value": 0}));
    }
    let mut pagination = Map::new();
    if let Some(limit) = limit {
        pagination.insert("per_page".into(), json!(limit));
    }
    if let Some(after) = optional(args, "starting_after")? {
        pagination.insert("starting_after".into(), json!(after));
    }
    let body = json!({"query": all_of(conditions), "pagination": pagination});
    let answer = rest.send(caller, Method::POST, &format!("{}/search", kind.path()), Some(&body), None).await;
    if answer.status >= 400 {
        return Ok(answer);
    }
    let origin = crate::api::origin(&caller.headers);
    let items = match kind {
        Kind::Conversations => answer.body["conversations"].as_array(),
        Kind::Contacts => answer.body["data"].as_array(),
    };
    let results: Vec<Value> = items.into_iter().flatten().map(|item| found(kind, item, &origin)).collect();
    let mut out = json!({"results": results});
    if let Some(next) = answer.body["pages"]["next"]["starting_after"].as_str() {
        out["next_starting_after"] = json!(next);
    }
    if let Some(total) = answer.body["total_count"].as_i64() {
        out["total_count"] = json!(total);
    }
    Ok(Answer { status: 200, body: out })
}

fn query_invalid(message: &str) -> ApiError {
    ApiError::invalid("query", message)
}

/// Words of a query; `"quoted words"` stay one.
fn tokens(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in raw.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `field:value`, `field:>value`, `field:<value`, `field:!value`, `field:~value`.
fn condition(field: &str, raw: &str) -> Value {
    let (operator, value) = match raw.chars().next() {
        Some('>') => (">", &raw[1..]),
        Some('<') => ("<", &raw[1..]),
        Some('!') => ("!=", &raw[1..]),
        Some('~') => ("~", &raw[1..]),
        _ => ("=", raw),
    };
    json!({"field": field, "operator": operator, "value": typed(field, value)})
}

/// Numbers for the fields that hold them (dates, assignees), booleans for true and false.
fn typed(field: &str, value: &str) -> Value {
    let numeric = field.ends_with("_at")
        || field.ends_with("_until")
        || field.ends_with("waiting_since")
        || matches!(field, "admin_assignee_id" | "team_assignee_id" | "owner_id");
    match value.parse::<i64>() {
        Ok(number) if numeric => json!(number),
        _ => match value {
            "true" => json!(true),
            "false" => json!(false),
            _ => json!(value),
        },
    }
}

fn all_of(mut conditions: Vec<Value>) -> Value {
    if conditions.len() == 1 { conditions.remove(0) } else { json!({"operator": "AND", "value": conditions}) }
}

/// A search result as Intercom's `search` tool shows it.
fn found(kind: Kind, item: &Value, origin: &str) -> Value {
    let id = item["id"].as_str().map(str::to_owned).unwrap_or_else(|| item["id"].to_string());
    match kind {
        Kind::Conversations => {
            let title = [&item["title"], &item["source"]["subject"]]
                .into_iter()
                .find_map(|v| v.as_str().filter(|s| !s.is_empty()))
                .map(str::to_owned)
                .unwrap_or_else(|| format!("Conversation {id}"));
            let text = plain_text(item["source"]["body"].as_str().unwrap_or_default());
            json!({"id": format!("conversation_{id}"), "title": title, "text": text,
                   "url": format!("{origin}/conversations/{id}")})
        }
        Kind::Contacts => {
            let name = item["name"].as_str().filter(|s| !s.is_empty());
            let email = item["email"].as_str().filter(|s| !s.is_empty());
            let title = name.or(email).map(str::to_owned).unwrap_or_else(|| format!("Contact {id}"));
            let text = [item["role"].as_str(), email, item["phone"].as_str()]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            json!({"id": format!("contact_{id}"), "title": title, "text": text,
                   "url": format!("{origin}/contacts/{id}")})
        }
    }
}

/// HTML as text, cut to a preview.
fn plain_text(html: &str) -> String {
    const PREVIEW: usize = 300;
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(PREVIEW) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// `fetch`: the object behind a prefixed id.
pub(super) async fn fetch(rest: &Rest, caller: &Caller, args: &Args) -> Result<Answer, ApiError> {
    let raw = required(args, "id")?;
    let path = if let Some(id) = raw.strip_prefix("conversation_") {
        format!("/conversations/{}", segment(id))
    } else if let Some(id) = raw.strip_prefix("contact_") {
        format!("/contacts/{}", segment(id))
    } else {
        return Err(ApiError::invalid("id", "id must be prefixed: conversation_<id> or contact_<id>"));
    };
    Ok(rest.get(caller, &path).await)
}

/// `search_conversations`: filters, a query, or neither (the newest conversations).
pub(super) async fn conversations(rest: &Rest, caller: &Caller, args: &Args) -> Result<Answer, ApiError> {
    let filters = [
        ("state", "state", "="),
        ("source_type", "source.type", "="),
        ("source_author_email", "source.author.email", "="),
        ("admin_assignee_id", "admin_assignee_id", "="),
        ("team_assignee_id", "team_assignee_id", "="),
    ];
    filtered(rest, caller, args, Kind::Conversations, &filters).await
}

/// `search_contacts`: filters, a query, or neither (every contact).
pub(super) async fn contacts(rest: &Rest, caller: &Caller, args: &Args) -> Result<Answer, ApiError> {
    let filters = [
        ("email", "email", "="),
        ("email_domain", "email_domain", "="),
        ("name", "name", "~"),
        ("phone", "phone", "="),
        ("role", "role", "="),
        ("external_id", "external_id", "="),
    ];
    filtered(rest, caller, args, Kind::Contacts, &filters).await
}

async fn filtered(
    rest: &Rest,
    caller: &Caller,
    args: &Args,
    kind: Kind,
    filters: &[(&str, &str, &str)],
) -> Result<Answer, ApiError> {
    let mut conditions = Vec::new();
    if let Some(query) = object(args, "query")? {
        conditions.push(Value::Object(query));
    }
    match args.get("ids") {
        None | Some(Value::Null) => {}
        Some(Value::Array(ids)) => {
            let ids: Vec<Value> = ids
                .iter()
                .map(|id| match id {
                    Value::String(s) => {
                        json!(plain_id(s, if kind == Kind::Contacts { "contact" } else { "conversation" }))
                    }
                    other => json!(other.to_string()),
                })
                .collect();
            conditions.push(json!({"field": "id", "operator": "IN", "value": ids}));
        }
        Some(_) => return Err(ApiError::invalid("ids", "ids must be an array")),
    }
    for (argument, field, operator) in filters {
        if let Some(value) = optional(args, argument)? {
            conditions.push(json!({"field": field, "operator": operator, "value": typed(field, &value)}));
        }
    }
    let per_page = args.get("per_page").filter(|v| !v.is_null());
    let starting_after = optional(args, "starting_after")?;
    if conditions.is_empty() {
        let per_page = optional(args, "per_page")?;
        let query = super::args::query(&[("per_page", per_page), ("starting_after", starting_after)]);
        return Ok(rest.get(caller, &format!("{}{query}", kind.path())).await);
    }
    let mut pagination = Map::new();
    if let Some(per_page) = per_page {
        pagination.insert("per_page".into(), per_page.clone());
    }
    if let Some(after) = starting_after {
        pagination.insert("starting_after".into(), json!(after));
    }
    let body = json!({"query": all_of(conditions), "pagination": pagination});
    Ok(rest.send(caller, Method::POST, &format!("{}/search", kind.path()), Some(&body), None).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_read_as_conditions() {
        assert_eq!(
            tokens(r#"object_type:contacts name:"Ann Lee" vip"#),
            ["object_type:contacts", "name:Ann Lee", "vip"]
        );
        assert_eq!(
            condition("created_at", ">1700"),
            json!({"field": "created_at", "operator": ">", "value": 1700})
        );
        assert_eq!(condition("state", "open"), json!({"field": "state", "operator": "=", "value": "open"}));
        assert_eq!(condition("email", "~acme"), json!({"field": "email", "operator": "~", "value": "acme"}));
        assert_eq!(plain_text("<p>Hello <b>there</b></p>"), "Hello there");
    }
}
