//! `POST /_switchboard/fixtures`: a document of objects (docs/fixtures.md) created in the
//! workspace at once, all or nothing. Each object is read by its endpoint's own request reader
//! and written by its own store path; an error names the document path it is about.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Map, Value};

use crate::api::AppState;
use crate::api::extract::{Ctx, Json, parse_json};
use crate::api::{articles, companies, contacts, data_attributes};
use crate::domain::conversation::requests::{ManageBody, ReplyBody};
use crate::domain::error::{ErrorCode, Rejection};
use crate::domain::fixture::{
    Keyed, Loaded, NewArticle, NewCompany, NewContact, NewPart, NewThread, NewTicketFixture, NewTicketType,
    Plan, SECTIONS,
};
use crate::domain::tag;
use crate::domain::ticket::requests::{AttributeBody, CreateBody, TypeBody, UpdateBody};
use crate::error::{ApiError, ApiResult};
use crate::store::Store;
use crate::store::fixtures::FixtureError;

pub fn router() -> Router<AppState> {
    Router::new().route("/_switchboard/fixtures", post(create))
}

async fn create(ctx: Ctx, Json(document): Json<Value>) -> ApiResult<(StatusCode, Json<Loaded>)> {
    let loaded = load(&ctx.store, ctx.workspace_id, ctx.admin_id, &document).await?;
    Ok((StatusCode::CREATED, Json(loaded)))
}

/// Checks `document` and creates it in the workspace as `admin_id`, in one transaction. The
/// caller sets the workspace's clock (`store::CLOCK`).
pub async fn load(store: &Store, workspace_id: i64, admin_id: i64, document: &Value) -> ApiResult<Loaded> {
    let plan = plan(document, admin_id)?;
    store.load_fixtures(workspace_id, admin_id, plan).await.map_err(|FixtureError { path, error }| {
        let error = ApiError::from(error);
        if path.is_empty() { error } else { within(&path)(error) }
    })
}

/// A client's error about the object at `path`: the path leads its field and message, and it
/// is a `400` (a duplicate or an unknown id says which object of the document it is).
fn within(path: &str) -> impl Fn(Rejection) -> Rejection + '_ {
    move |error| {
        if !(400..500).contains(&error.code.status()) {
            return error;
        }
        let field = match error.field.as_deref() {
            // The fields the loader fills in from the document's own.
            Some("intercom_user_id") => format!("{path}.contact"),
            Some("from.id" | "from.type") => format!("{path}.from"),
            Some(field) => format!("{path}.{field}"),
            None => path.to_owned(),
        };
        let code = if error.code.status() == 400 { error.code } else { ErrorCode::ParameterInvalid };
        Rejection::new(code, format!("{path}: {}", error.message)).with_field(field)
    }
}

/// Reads the document into checked objects, section by section.
pub fn plan(document: &Value, admin_id: i64) -> ApiResult<Plan> {
    let Value::Object(document) = document else {
        return Err(ApiError::invalid("body", "A fixture document is a JSON object"));
    };
    if let Some(unknown) = document.keys().find(|k| !SECTIONS.contains(&k.as_str())) {
        let message = format!("'{unknown}' is not a section of a fixture document ({})", SECTIONS.join(", "));
        return Err(ApiError::invalid(unknown, message));
    }
    let mut plan = Plan::default();
    for (key, object, path) in section(document, "data_attributes")? {
        let value = data_attributes::new_data_attribute(&bytes(&object)).map_err(within(&path))?;
        plan.data_attributes.push(Keyed { key, value });
    }
    for (key, mut object, path) in section(document, "tags")? {
        let name = match object.remove("name") {
            None => key.clone(),
            Some(Value::String(name)) => name,
            Some(_) => return Err(within(&path)(ApiError::invalid("name", "name must be a string"))),
        };
        if let Some(other) = object.keys().next() {
            return Err(within(&path)(ApiError::invalid(
                other,
                format!("a tag has only a name, not '{other}'"),
            )));
        }
        let value = tag::clean_name(&name)
            .ok_or_else(|| within(&path)(ApiError::invalid("name", "invalid tag parameters")))?;
        plan.tags.push(Keyed { key, value });
    }
    for (key, object, path) in section(document, "companies")? {
        let (company_id, changes) = companies::company_created(&bytes(&object)).map_err(within(&path))?;
        plan.companies.push(Keyed { key, value: NewCompany { company_id, changes } });
    }
    for (key, mut object, path) in section(document, "contacts")? {
        let tags = keys(&mut object, "tags", &path)?;
        let companies = keys(&mut object, "companies", &path)?;
        let changes = contacts::contact_changes(&bytes(&object)).map_err(within(&path))?;
        plan.contacts.push(Keyed { key, value: NewContact { changes, tags, companies } });
    }
    for (key, object, path) in section(document, "conversations")? {
        let value = thread(object, admin_id, &path)?;
        plan.conversations.push(Keyed { key, value });
    }
    for (key, mut object, path) in section(document, "articles")? {
        object.entry("author_id").or_insert(admin_id.into());
        let (input, parent) = articles::new_article(&bytes(&object), admin_id).map_err(within(&path))?;
        plan.articles.push(Keyed { key, value: NewArticle { input, parent } });
    }
    for (key, mut object, path) in section(document, "ticket_types")? {
        let attributes = match object.remove("attributes") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(attributes)) => attributes,
            Some(_) => {
                return Err(within(&path)(ApiError::invalid(
                    "attributes",
                    "attributes must be an object of attributes by name",
                )));
            }
        };
        object.entry("name").or_insert_with(|| key.clone().into());
        let change =
            parse_json::<TypeBody>(&bytes(&object)).and_then(TypeBody::new_type).map_err(within(&path))?;
        let mut value = NewTicketType { change, attributes: Vec::new() };
        for (name, attribute) in attributes {
            let path = format!("{path}.attributes.{name}");
            let Value::Object(mut attribute) = attribute else {
                return Err(ApiError::invalid(&path, format!("{path} must be an object")));
            };
            attribute.entry("name").or_insert_with(|| name.clone().into());
            let change = parse_json::<AttributeBody>(&bytes(&attribute))
                .and_then(|body| body.check(true))
                .map_err(within(&path))?;
            value.attributes.push(Keyed { key: name, value: change });
        }
        plan.ticket_types.push(Keyed { key, value });
    }
    for (key, object, path) in section(document, "tickets")? {
        let value = ticket(object, admin_id, &path)?;
        plan.tickets.push(Keyed { key, value });
    }
    Ok(plan)
}

/// An object of a section: its key, its fields, and its path in the document.
type Object = (String, Map<String, Value>, String);

/// The objects of a section, with their keys and paths, in the document's order.
fn section(document: &Map<String, Value>, name: &str) -> ApiResult<Vec<Object>> {
    let objects = match document.get(name) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(objects)) => objects,
        Some(_) => {
            return Err(ApiError::invalid(name, format!("{name} must be an object of objects by key")));
        }
    };
    let mut out = Vec::with_capacity(objects.len());
    for (key, object) in objects {
        let path = format!("{name}.{key}");
        if key.trim().is_empty() {
            return Err(ApiError::invalid(&path, format!("{name} has a blank key")));
        }
        let Value::Object(object) = object else {
            return Err(ApiError::invalid(&path, format!("{path} must be an object")));
        };
        out.push((key.clone(), object.clone(), path));
    }
    Ok(out)
}

fn bytes(object: &Map<String, Value>) -> Vec<u8> {
    serde_json::to_vec(object).unwrap_or_default()
}

/// Takes `field`, a list of document keys, out of `object`.
fn keys(object: &mut Map<String, Value>, field: &str, path: &str) -> ApiResult<Vec<String>> {
    let refused =
        || ApiError::invalid(&format!("{path}.{field}"), format!("{field} must be a list of document keys"));
    match object.remove(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            items.into_iter().map(|item| item.as_str().map(str::to_owned).ok_or_else(refused)).collect()
        }
        Some(_) => Err(refused()),
    }
}

/// A conversation: `from` (a contact's document key), the first message as `POST
/// /conversations` takes it, and `parts` as `/reply` or `/parts` take them.
fn thread(mut object: Map<String, Value>, admin_id: i64, path: &str) -> ApiResult<NewThread> {
    let from = match object.remove("from") {
        Some(Value::String(from)) => from,
        None => return Err(within(path)(Rejection::missing("from"))),
        Some(_) => {
            return Err(within(path)(ApiError::invalid("from", "from must be a contact's document key")));
        }
    };
    let parts = match object.remove("parts") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(parts)) => parts,
        Some(_) => return Err(within(path)(ApiError::invalid("parts", "parts must be a list"))),
    };
    // The key stands in for the contact's id until the store has made the contact.
    object.insert("from".into(), serde_json::json!({"type": "contact", "id": from}));
    let start = parse_json::<crate::domain::conversation::requests::CreateBody>(&bytes(&object))
        .and_then(|body| body.check())
        .map_err(within(path))?;
    let parts = parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            conversation_part(part, &from, admin_id).map_err(within(&format!("{path}.parts[{i}]")))
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(NewThread { from, start, parts })
}

/// The fields of a fixture ticket that `PUT /tickets/{id}` takes after it is created.
const TICKET_UPDATES: [&str; 4] = ["state", "open", "is_shared", "snoozed_until"];

/// A ticket: `ticket_type`, `contact` and `company` (document keys), the rest of `POST
/// /tickets`'s body, `state`, `open`, `is_shared` and `snoozed_until` as `PUT /tickets/{id}`
/// takes them, and `parts` (replies) as `POST /tickets/{id}/reply` takes them.
fn ticket(mut object: Map<String, Value>, admin_id: i64, path: &str) -> ApiResult<NewTicketFixture> {
    for (field, instead) in
        [("ticket_type_id", "ticket_type"), ("contacts", "contact"), ("company_id", "company")]
    {
        if object.contains_key(field) {
            let message =
                format!("a fixture ticket names its {instead} by document key in '{instead}', not '{field}'");
            return Err(within(path)(ApiError::invalid(field, message)));
        }
    }
    let key = |object: &mut Map<String, Value>, field: &str, required: bool| match object.remove(field) {
        Some(Value::String(key)) => Ok(Some(key)),
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(within(path)(Rejection::missing(field))),
        Some(_) => Err(within(path)(ApiError::invalid(field, format!("{field} must be a document key")))),
    };
    let ticket_type = key(&mut object, "ticket_type", true)?.unwrap_or_default();
    let contact = key(&mut object, "contact", true)?.unwrap_or_default();
    let company = key(&mut object, "company", false)?;
    let parts = match object.remove("parts") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(parts)) => parts,
        Some(_) => return Err(within(path)(ApiError::invalid("parts", "parts must be a list"))),
    };
    let mut update = Map::new();
    for field in TICKET_UPDATES {
        if let Some(value) = object.remove(field) {
            update.insert(field.to_owned(), value);
        }
    }
    // The keys stand in for the ids until the store has made the objects they name.
    object.insert("ticket_type_id".into(), 0.into());
    object.insert("contacts".into(), serde_json::json!([{"id": contact}]));
    if let Some(company) = &company {
        object.insert("company_id".into(), company.clone().into());
    }
    let create =
        parse_json::<CreateBody>(&bytes(&object)).and_then(CreateBody::check).map_err(within(path))?;
    let update = if update.is_empty() {
        None
    } else {
        Some(parse_json::<UpdateBody>(&bytes(&update)).and_then(UpdateBody::check).map_err(within(path))?)
    };
    let parts = parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let path = format!("{path}.parts[{i}]");
            let refused = || {
                let message = "a ticket's part is a reply: message_type comment, note or quick_reply";
                within(&path)(ApiError::invalid("message_type", message))
            };
            if !matches!(
                part.get("message_type").and_then(Value::as_str),
                Some("comment" | "note" | "quick_reply")
            ) {
                return Err(refused());
            }
            match conversation_part(part, &contact, admin_id).map_err(within(&path))? {
                NewPart::Reply(reply) => Ok(reply),
                NewPart::Manage(_) => Err(refused()),
            }
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(NewTicketFixture { ticket_type, contact, company, create, update, parts })
}

/// A reply (`message_type` comment, note or quick_reply) or an admin's action (close, snoozed,
/// open, assignment). An admin is the loading admin unless `admin_id` says; a contact is the
/// conversation's `from` unless `contact` names another document key.
fn conversation_part(part: Value, from: &str, admin_id: i64) -> ApiResult<NewPart> {
    let Value::Object(mut part) = part else {
        return Err(ApiError::invalid("body", "a part must be an object"));
    };
    part.entry("admin_id").or_insert(admin_id.into());
    let reply =
        matches!(part.get("message_type").and_then(Value::as_str), Some("comment" | "note" | "quick_reply"));
    if !reply {
        let manage = parse_json::<ManageBody>(&bytes(&part))?.check(crate::store::now())?;
        return Ok(NewPart::Manage(manage));
    }
    if part.get("type").and_then(Value::as_str) != Some("admin") {
        let contact = match part.remove("contact") {
            None => from.to_owned(),
            Some(Value::String(key)) => key,
            Some(_) => return Err(ApiError::invalid("contact", "contact must be a contact's document key")),
        };
        part.remove("admin_id");
        part.insert("intercom_user_id".into(), contact.into());
    }
    Ok(NewPart::Reply(parse_json::<ReplyBody>(&bytes(&part))?.check()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_placed_at_its_document_path() {
        let error = within("contacts.ada")(Rejection::invalid("email", "bad"));
        assert_eq!(
            (error.code, error.field.as_deref()),
            (ErrorCode::ParameterInvalid, Some("contacts.ada.email"))
        );
        assert_eq!(error.message, "contacts.ada: bad");
        let error = within("conversations.c.parts[1]")(Rejection::invalid("intercom_user_id", "no"));
        assert_eq!(error.field.as_deref(), Some("conversations.c.parts[1].contact"));
        // Another 4xx becomes a 400; a server error stays as it is.
        let error = within("companies.acme")(Rejection::new(ErrorCode::Conflict, "taken"));
        assert_eq!(
            (error.code, error.field.as_deref()),
            (ErrorCode::ParameterInvalid, Some("companies.acme"))
        );
        let error = within("contacts.ada")(ApiError::internal());
        assert_eq!((error.code, error.field), (ErrorCode::ServerError, None));
    }

    #[test]
    fn a_document_is_an_object_of_known_sections() {
        let refused = |doc: Value| plan(&doc, 1).unwrap_err().field;
        assert_eq!(refused(serde_json::json!([])), Some("body".into()));
        assert_eq!(refused(serde_json::json!({"widgets": {}})), Some("widgets".into()));
        assert_eq!(refused(serde_json::json!({"tags": {"t": "x"}})), Some("tags.t".into()));
        assert_eq!(
            refused(serde_json::json!({"contacts": {"a": {"tags": "t"}}})),
            Some("contacts.a.tags".into())
        );
        assert_eq!(
            refused(serde_json::json!({"conversations": {"c": {"body": "x"}}})),
            Some("conversations.c.from".into())
        );
        let plan = plan(&serde_json::json!({"tags": {"b": {}, "a": {"name": " A "}}}), 1).unwrap();
        let tags: Vec<(&str, &str)> = plan.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())).collect();
        assert_eq!(tags, [("b", "b"), ("a", "A")], "in the document's order, names trimmed");
    }
}
