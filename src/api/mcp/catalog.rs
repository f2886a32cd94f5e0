//! The tools: names, descriptions and input schemas. What each one runs is in `tools.rs`.

use std::sync::{Arc, OnceLock};

use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Value, json};

/// Every tool, as `tools/list` shows it.
pub(super) fn tools() -> Vec<Tool> {
    static TOOLS: OnceLock<Vec<Tool>> = OnceLock::new();
    TOOLS.get_or_init(|| DEFINITIONS.iter().map(definition).collect()).clone()
}

pub(super) fn exists(name: &str) -> bool {
    DEFINITIONS.iter().any(|d| d.name == name)
}

struct Definition {
    name: &'static str,
    description: &'static str,
    /// Reads only: no tool marked so changes anything.
    read_only: bool,
    schema: fn() -> Value,
}

fn definition(d: &Definition) -> Tool {
    let Value::Object(schema) = (d.schema)() else { unreachable!("a tool's schema is an object") };
    let mut annotations = ToolAnnotations::default();
    annotations.read_only_hint = Some(d.read_only);
    annotations.destructive_hint = Some(false);
    Tool::new(d.name, d.description, Arc::new(schema)).annotate(annotations)
}

/// An object schema with `properties`, of which `required` must be given.
fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

fn id(what: &str) -> Value {
    json!({"type": "string", "description": what})
}

fn paging() -> Value {
    json!({
        "per_page": {"type": "integer", "description": "Results per page"},
        "starting_after": {"type": "string", "description": "The cursor of the next page (pages.next.starting_after)"},
    })
}

fn with(mut base: Value, more: Value) -> Value {
    if let (Some(base), Value::Object(more)) = (base.as_object_mut(), more) {
        base.extend(more);
    }
    base
}

fn contact_fields() -> Value {
    json!({
        "role": {"type": "string", "enum": ["user", "lead"]},
        "external_id": {"type": "string"},
        "email": {"type": "string"},
        "phone": {"type": "string"},
        "name": {"type": "string"},
        "avatar": {"type": "string", "description": "An image URL"},
        "signed_up_at": {"type": "integer"},
        "last_seen_at": {"type": "integer"},
        "owner_id": {"type": "integer"},
        "unsubscribed_from_emails": {"type": "boolean"},
        "custom_attributes": {"type": "object"},
    })
}

fn article_fields() -> Value {
    json!({
        "title": {"type": "string"},
        "description": {"type": "string"},
        "body": {"type": "string", "description": "HTML"},
        "author_id": {"type": "integer", "description": "The admin who wrote it"},
        "state": {"type": "string", "enum": ["published", "draft"]},
        "parent_id": {"type": "integer", "description": "A collection (or section)"},
        "parent_type": {"type": "string"},
        "translated_content": {"type": "object"},
    })
}

fn conversation_admin(more: Value, required: &[&str]) -> Value {
    let base = json!({
        "conversation_id": id("The conversation"),
        "admin_id": id("The admin acting (default: the token's admin)"),
    });
    let mut all = vec!["conversation_id"];
    all.extend_from_slice(required);
    object(with(base, more), &all)
}

const DEFINITIONS: &[Definition] = &[
    // Intercom's own tools.
    Definition {
        name: "search",
        description: "Search conversations or contacts. The query names `object_type:conversations` or \
            `object_type:contacts`, then filters as `field:value` (`state:open`, `email:a@b.io`, \
            `created_at:>1700000000`, `name:~ann`; operators > < ! ~), `limit:N`, and free words. \
            Results are {id, title, text, url} with prefixed ids (conversation_123, contact_abc) for fetch.",
        read_only: true,
        schema: || {
            object(
                json!({
                    "query": {"type": "string"},
                    "starting_after": {"type": "string", "description": "next_starting_after of the previous page"},
                }),
                &["query"],
            )
        },
    },
    Definition {
        name: "fetch",
        description: "The whole object behind a prefixed id from search: conversation_123 or contact_abc.",
        read_only: true,
        schema: || object(json!({"id": id("A prefixed id")}), &["id"]),
    },
    Definition {
        name: "search_conversations",
        description: "Search conversations (POST /conversations/search) by filters, or by `query`, an \
            Intercom search query object. Without any filter, lists the newest conversations.",
        read_only: true,
        schema: || {
            object(
                with(
                    json!({
                        "query": {"type": "object", "description": "An Intercom search query: {field, operator, value} or {operator: AND|OR, value: [...]}"},
                        "ids": {"type": "array", "items": {"type": "string"}},
                        "state": {"type": "string", "enum": ["open", "closed", "snoozed"]},
                        "source_type": {"type": "string"},
                        "source_author_email": {"type": "string"},
                        "admin_assignee_id": {"type": "string"},
                        "team_assignee_id": {"type": "string"},
                    }),
                    paging(),
                ),
                &[],
            )
        },
    },
    Definition {
        name: "get_conversation",
        description: "A conversation with all its parts. The id may be raw (123), prefixed (conversation_123) or an inbox URL.",
        read_only: true,
        schema: || object(json!({"id": id("The conversation")}), &["id"]),
    },
    Definition {
        name: "search_contacts",
        description: "Search contacts (POST /contacts/search) by filters, or by `query`, an Intercom search \
            query object. Without any filter, lists contacts.",
        read_only: true,
        schema: || {
            object(
                with(
                    json!({
                        "query": {"type": "object", "description": "An Intercom search query"},
                        "ids": {"type": "array", "items": {"type": "string"}},
                        "email": {"type": "string"},
                        "email_domain": {"type": "string"},
                        "name": {"type": "string", "description": "Matches names containing it"},
                        "phone": {"type": "string"},
                        "role": {"type": "string", "enum": ["user", "lead"]},
                        "external_id": {"type": "string"},
                    }),
                    paging(),
                ),
                &[],
            )
        },
    },
    Definition {
        name: "get_contact",
        description: "A contact by id (raw or contact_ prefixed).",
        read_only: true,
        schema: || object(json!({"id": id("The contact")}), &["id"]),
    },
    Definition {
        name: "list_companies",
        description: "Companies, newest first, a page at a time.",
        read_only: true,
        schema: || object(json!({"per_page": {"type": "integer"}, "page": {"type": "integer"}}), &[]),
    },
    Definition {
        name: "get_company",
        description: "A company by id.",
        read_only: true,
        schema: || object(json!({"id": id("The company")}), &["id"]),
    },
    Definition {
        name: "list_articles",
        description: "Help Center articles, a page at a time.",
        read_only: true,
        schema: || object(json!({"per_page": {"type": "integer"}, "page": {"type": "integer"}}), &[]),
    },
    Definition {
        name: "search_articles",
        description: "Help Center articles matching a phrase (GET /articles/search).",
        read_only: true,
        schema: || {
            object(
                json!({
                    "phrase": {"type": "string"},
                    "state": {"type": "string", "enum": ["published", "draft", "all"]},
                    "help_center_id": {"type": "integer"},
                    "highlight": {"type": "boolean"},
                }),
                &[],
            )
        },
    },
    Definition {
        name: "get_article",
        description: "A Help Center article by id.",
        read_only: true,
        schema: || object(json!({"id": id("The article")}), &["id"]),
    },
    Definition {
        name: "create_article",
        description: "Create a Help Center article (POST /articles). Any other field of the endpoint's body is passed on as is.",
        read_only: false,
        schema: || object(article_fields(), &["title", "author_id"]),
    },
    Definition {
        name: "update_article",
        description: "Change an article (PUT /articles/{id}): the fields given change, the others stay.",
        read_only: false,
        schema: || object(with(json!({"id": id("The article")}), article_fields()), &["id"]),
    },
    // Writes Intercom's MCP server lacks.
    Definition {
        name: "create_contact",
        description: "Create a contact (POST /contacts): a user or lead with an email, external_id or role.",
        read_only: false,
        schema: || object(contact_fields(), &[]),
    },
    Definition {
        name: "update_contact",
        description: "Change a contact (PUT /contacts/{id}): the fields given change, null clears one.",
        read_only: false,
        schema: || object(with(json!({"contact_id": id("The contact")}), contact_fields()), &["contact_id"]),
    },
    Definition {
        name: "tag_contact",
        description: "Tag a contact with an existing tag.",
        read_only: false,
        schema: || {
            object(
                json!({"contact_id": id("The contact"), "tag_id": id("The tag")}),
                &["contact_id", "tag_id"],
            )
        },
    },
    Definition {
        name: "untag_contact",
        description: "Remove a tag from a contact.",
        read_only: false,
        schema: || {
            object(
                json!({"contact_id": id("The contact"), "tag_id": id("The tag")}),
                &["contact_id", "tag_id"],
            )
        },
    },
    Definition {
        name: "create_conversation",
        description: "Start a conversation from a contact (POST /conversations). Give `from` \
            ({type: user|lead|contact, id}) or just `contact_id`.",
        read_only: false,
        schema: || {
            object(
                json!({
                    "contact_id": id("The contact writing (instead of from)"),
                    "from": {"type": "object", "properties": {"type": {"type": "string"}, "id": {"type": "string"}}},
                    "body": {"type": "string"},
                    "subject": {"type": "string"},
                    "created_at": {"type": "integer"},
                }),
                &["body"],
            )
        },
    },
    Definition {
        name: "reply_to_conversation",
        description: "Reply to a conversation: as an admin (a comment the contact sees, or a note for \
            the team), or as the contact (give intercom_user_id, user_id or email). \
            Any other field of the endpoint's body is passed on as is.",
        read_only: false,
        schema: || {
            conversation_admin(
                json!({
                    "message_type": {"type": "string", "enum": ["comment", "note"], "description": "Default: comment"},
                    "body": {"type": "string"},
                    "intercom_user_id": id("The contact replying"),
                    "user_id": id("The contact replying, by external id"),
                    "email": {"type": "string", "description": "The contact replying, by email"},
                    "attachment_urls": {"type": "array", "items": {"type": "string"}},
                }),
                &["body"],
            )
        },
    },
    Definition {
        name: "create_ticket",
        description: "Open a ticket of a ticket type (POST /tickets), for contacts given as `contacts` \
            ([{id} | {external_id} | {email}]) or just `contact_id`. `ticket_attributes` holds the \
            type's attributes by name (`_default_title_`, `_default_description_`, ...).",
        read_only: false,
        schema: || {
            object(
                json!({
                    "ticket_type_id": id("The ticket type"),
                    "contact_id": id("The contact the ticket is for (instead of contacts)"),
                    "contacts": {"type": "array", "items": {"type": "object"}},
                    "ticket_attributes": {"type": "object"},
                    "company_id": id("The company the ticket is for"),
                    "created_at": {"type": "integer"},
                }),
                &["ticket_type_id"],
            )
        },
    },
    Definition {
        name: "reply_to_ticket",
        description: "Reply to a ticket: as an admin (a comment the contact sees, or a note for the \
            team), or as the contact (give intercom_user_id, user_id or email). \
            Any other field of the endpoint's body is passed on as is.",
        read_only: false,
        schema: || {
            object(
                json!({
                    "ticket_id": id("The ticket"),
                    "admin_id": id("The admin acting (default: the token's admin)"),
                    "message_type": {"type": "string", "enum": ["comment", "note"], "description": "Default: comment"},
                    "body": {"type": "string"},
                    "intercom_user_id": id("The contact replying"),
                    "user_id": id("The contact replying, by external id"),
                    "email": {"type": "string", "description": "The contact replying, by email"},
                    "attachment_urls": {"type": "array", "items": {"type": "string"}},
                }),
                &["ticket_id", "body"],
            )
        },
    },
    Definition {
        name: "assign_conversation",
        description: "Assign a conversation to an admin or a team.",
        read_only: false,
        schema: || {
            conversation_admin(
                json!({
                    "assignee_id": id("The admin or team (0: unassigned)"),
                    "type": {"type": "string", "enum": ["admin", "team"], "description": "What assignee_id names (default: admin)"},
                    "body": {"type": "string", "description": "An optional note"},
                }),
                &["assignee_id"],
            )
        },
    },
    Definition {
        name: "close_conversation",
        description: "Close a conversation, with an optional closing message.",
        read_only: false,
        schema: || conversation_admin(json!({"body": {"type": "string"}}), &[]),
    },
    Definition {
        name: "open_conversation",
        description: "Reopen a closed or snoozed conversation.",
        read_only: false,
        schema: || conversation_admin(json!({}), &[]),
    },
    Definition {
        name: "snooze_conversation",
        description: "Snooze a conversation until a time (Unix seconds).",
        read_only: false,
        schema: || conversation_admin(json!({"snoozed_until": {"type": "integer"}}), &["snoozed_until"]),
    },
    Definition {
        name: "tag_conversation",
        description: "Tag a conversation with an existing tag.",
        read_only: false,
        schema: || conversation_admin(json!({"tag_id": id("The tag")}), &["tag_id"]),
    },
    Definition {
        name: "create_note",
        description: "Write a note on a contact.",
        read_only: false,
        schema: || {
            object(
                json!({
                    "contact_id": id("The contact"),
                    "body": {"type": "string"},
                    "admin_id": id("The author (default: the token's admin)"),
                }),
                &["contact_id", "body"],
            )
        },
    },
    // The API's own description.
    Definition {
        name: "list_operations",
        description: "The REST operations this server serves: method, path, summary and tag, from \
            Intercom's description of a version (default: the workspace's). Filter by tag or words.",
        read_only: true,
        schema: || {
            object(
                json!({
                    "version": {"type": "string", "description": "2.7 to 2.16, or Preview"},
                    "tag": {"type": "string", "description": "e.g. Contacts"},
                    "words": {"type": "string", "description": "Words the path, summary or operation id contain"},
                }),
                &[],
            )
        },
    },
    Definition {
        name: "describe_operation",
        description: "One operation's parameters, request body schema and response schemas, with $refs \
            resolved to a bounded depth and descriptions cut short.",
        read_only: true,
        schema: || {
            object(
                json!({
                    "method": {"type": "string"},
                    "path": {"type": "string", "description": "As list_operations shows it, e.g. /contacts/{id}"},
                    "version": {"type": "string"},
                    "depth": {"type": "integer", "description": "How deep $refs are resolved (default 4, at most 8)"},
                }),
                &["method", "path"],
            )
        },
    },
    Definition {
        name: "call_api",
        description: "Run any REST operation this server serves, as the token's workspace, and get its \
            status and JSON body. `path` is the concrete path (/contacts/abc); `query` its parameters.",
        read_only: false,
        schema: || {
            object(
                json!({
                    "method": {"type": "string", "enum": ["GET", "POST", "PUT", "DELETE", "PATCH"]},
                    "path": {"type": "string"},
                    "query": {"type": "object"},
                    "body": {"type": "object"},
                    "version": {"type": "string", "description": "Intercom-Version (default: the workspace's)"},
                }),
                &["method", "path"],
            )
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_an_object_schema_and_a_unique_name() {
        let tools = tools();
        let mut names: Vec<_> = tools.iter().map(|t| t.name.to_string()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), DEFINITIONS.len());
        for tool in tools {
            assert_eq!(tool.input_schema["type"], "object", "{}", tool.name);
        }
    }
}
