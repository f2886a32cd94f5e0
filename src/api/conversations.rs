//! Conversations: list, create, retrieve, update, search, reply, manage (`/parts`), run
//! assignment rules, participants, redaction, conversation tags, and (2.14–2.16) delete,
//! deleted ids, merge, handling events and side conversations.

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::Value;

use super::extract::{Ctx, Json, Path, Query, Reply};
use super::params::pair_position;
use super::search::checked_query;
use super::{AppState, origin};
use crate::domain::conversation::lifecycle::{
    ConversationDeleted, DeletedConversationList, HandlingEventList, SideConversationList,
};
use crate::domain::conversation::requests::{
    AttachBody, CreateBody, DetachBody, ManageBody, RedactBody, ReplyBody, TagBody, UntagBody, UpdateBody,
};
use crate::domain::conversation::{Conversation, Message, Position, WithCustomers};
use crate::domain::ids;
use crate::domain::pages::{CursorPages, NamedList, NumberedPages, Paged, PagesLink, cursor};
use crate::domain::search::{Resource, SearchRequest};
use crate::domain::tag::Tag;
use crate::error::{ApiError, ApiResult, Missing};
use crate::store::conversations::reads::ConversationPage;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations", get(list).post(create))
        .route("/conversations/search", post(search))
        .route("/conversations/redact", post(redact))
        .route("/conversations/deleted", get(list_deleted))
        .route("/conversations/{conversation_id}", get(retrieve).put(update).delete(remove))
        .route("/conversations/{conversation_id}/merge", post(merge))
        .route("/conversations/{conversation_id}/handling_events", get(handling_events))
        .route("/conversations/{conversation_id}/side_conversations", get(side_conversations))
        .route("/conversations/{conversation_id}/reply", post(reply))
        .route("/conversations/{conversation_id}/parts", post(manage))
        .route("/conversations/{conversation_id}/run_assignment_rules", post(run_assignment_rules))
        .route("/conversations/{conversation_id}/customers", post(attach_contact))
        .route("/conversations/{conversation_id}/customers/{contact_id}", delete(detach_contact))
        .route("/conversations/{conversation_id}/tags", post(attach_tag))
        .route("/conversations/{conversation_id}/tags/{tag_id}", delete(detach_tag))
}

const DEFAULT_PAGE: u64 = 20;
const MAX_PAGE: u64 = 150;

/// A conversation id from the path; anything else names no conversation.
fn conversation_id(raw: &str) -> ApiResult<i64> {
    Ok(ids::parse_numeric(raw.trim()).ok_or(Missing::Resource)?)
}

#[derive(Deserialize)]
struct DisplayParams {
    display_as: Option<String>,
    /// "Conversation parts will be translated to the detected language of the conversation":
    /// Switchboard detects no language, so parts stay in the language they were written in.
    include_translations: Option<String>,
}

impl DisplayParams {
    /// `display_as=plaintext` renders every body as text.
    fn render(&self, conversation: Conversation) -> ApiResult<Conversation> {
        super::params::flag("include_translations", self.include_translations.as_deref())?;
        match self.display_as.as_deref().map(str::trim) {
            None | Some("") | Some("html") => Ok(conversation),
            Some("plaintext") => Ok(conversation.into_plaintext()),
            Some(other) => {
                Err(ApiError::invalid("display_as", format!("display_as must be plaintext, not '{other}'")))
            }
        }
    }
}

// The cursor a page hands out: the `(updated_at, id)` of its last conversation.
pair_position!(Position { updated_at, id }, ':');

/// The page a walk is on and where it resumes, from the cursor sent as `field`.
fn resume(raw: Option<&str>, field: &str) -> ApiResult<(i64, Option<Position>)> {
    cursor::resume(raw)
        .map_err(|_| ApiError::invalid(field, format!("{field} is not a cursor this server made")))
}

type ConversationList = NamedList<Conversation, Paged<CursorPages>>;

fn list_of(result: ConversationPage, page: i64, per_page: u64) -> ConversationList {
    let next = match result.conversations.last() {
        Some(last) if result.has_more => {
            Some(cursor::encode(page, &Position { updated_at: last.updated_at, id: last.id }))
        }
        _ => None,
    };
    let pages = CursorPages::new(page, per_page as i64, result.total, next);
    NamedList::with(result.conversations, Paged { total_count: result.total, pages })
}

#[derive(Deserialize)]
struct ListParams {
    per_page: Option<String>,
    starting_after: Option<String>,
}

/// operationId: listConversations
async fn list(ctx: Ctx, Query(params): Query<ListParams>) -> Reply<ConversationList> {
    let per_page = super::params::per_page(params.per_page.as_deref(), DEFAULT_PAGE, MAX_PAGE)?;
    let (page, after) =
        resume(params.starting_after.as_deref().filter(|s| !s.trim().is_empty()), "starting_after")?;
    let result = ctx.store.list_conversations(ctx.workspace_id, after, per_page).await?;
    Ok(Json(list_of(result, page, per_page)))
}

/// operationId: createConversation
async fn create(ctx: Ctx, Json(body): Json<CreateBody>) -> Reply<Message> {
    let new = body.check()?;
    let (id, created_at) = ctx.store.create_conversation(ctx.workspace_id, &new).await?;
    Ok(Json(Message {
        kind: "user_message",
        id,
        created_at,
        subject: new.subject,
        body: new.text,
        message_type: "inapp",
        conversation_id: id,
    }))
}

/// operationId: retrieveConversation
async fn retrieve(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(display): Query<DisplayParams>,
) -> Reply<Conversation> {
    let conversation = ctx.store.get_conversation(ctx.workspace_id, conversation_id(&id)?).await?;
    Ok(Json(display.render(conversation)?))
}

/// operationId: updateConversation
async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(display): Query<DisplayParams>,
    Json(body): Json<UpdateBody>,
) -> Reply<Conversation> {
    let id = conversation_id(&id)?;
    let conversation = ctx.store.update_conversation(ctx.workspace_id, id, ctx.admin_id, &body).await?;
    Ok(Json(display.render(conversation)?))
}

/// `include_monitors` and `include_scorecards` of a search (2.16): every conversation carries
/// its `monitor_evaluations` and `scorecards` (none: Switchboard runs no QA), asked or not.
#[derive(Deserialize)]
struct SearchFlags {
    include_monitors: Option<String>,
    include_scorecards: Option<String>,
}

/// operationId: searchConversations
async fn search(
    ctx: Ctx,
    Query(flags): Query<SearchFlags>,
    Json(body): Json<SearchRequest>,
) -> Reply<ConversationList> {
    super::params::flag("include_monitors", flags.include_monitors.as_deref())?;
    super::params::flag("include_scorecards", flags.include_scorecards.as_deref())?;
    let (per_page, starting_after) = super::params::search_paging(body.pagination, DEFAULT_PAGE, MAX_PAGE)?;
    let (page, after) = resume(starting_after.as_deref(), "pagination.starting_after")?;
    let query = checked_query(&ctx, Resource::Conversations, &body.query).await?;
    let result = ctx.store.search_conversations(ctx.workspace_id, &query, after, per_page).await?;
    Ok(Json(list_of(result, page, per_page)))
}

/// operationId: replyConversation
async fn reply(
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<ReplyBody>,
) -> Reply<Conversation> {
    // "last": the contact's most recent conversation.
    let id = if id.trim() == "last" { None } else { Some(conversation_id(&id)?) };
    let mut reply = body.check()?;
    let origin = origin(&headers);
    reply.attachments.extend(reply.uploads.iter().map(|upload| upload.attachment(&origin)));
    Ok(Json(ctx.store.reply_to_conversation(ctx.workspace_id, id, &reply).await?))
}

/// operationId: manageConversation
async fn manage(ctx: Ctx, Path(id): Path<String>, Json(body): Json<ManageBody>) -> Reply<Conversation> {
    let id = conversation_id(&id)?;
    let manage = body.check(crate::store::now())?;
    Ok(Json(ctx.store.manage_conversation(ctx.workspace_id, id, &manage).await?))
}

/// operationId: autoAssignConversation
async fn run_assignment_rules(ctx: Ctx, Path(id): Path<String>) -> Reply<Conversation> {
    Ok(Json(ctx.store.run_assignment_rules(ctx.workspace_id, conversation_id(&id)?).await?))
}

/// operationId: attachContactToConversation
async fn attach_contact(
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<AttachBody>,
) -> Reply<WithCustomers> {
    let id = conversation_id(&id)?;
    let attach = body.check()?;
    Ok(Json(ctx.store.attach_conversation_contact(ctx.workspace_id, id, &attach).await?))
}

/// operationId: detachContactFromConversation
async fn detach_contact(
    ctx: Ctx,
    Path((id, contact_id)): Path<(String, String)>,
    Json(body): Json<DetachBody>,
) -> Reply<WithCustomers> {
    let id = conversation_id(&id)?;
    let admin_id = body.check()?;
    Ok(Json(ctx.store.detach_conversation_contact(ctx.workspace_id, id, contact_id.trim(), admin_id).await?))
}

/// operationId: redactConversation
async fn redact(ctx: Ctx, Json(body): Json<RedactBody>) -> Reply<Conversation> {
    let redaction = body.check()?;
    Ok(Json(ctx.store.redact_conversation(ctx.workspace_id, redaction).await?))
}

/// The conversation a tag request names; anything else names no conversation, in its words.
fn tagged_conversation(raw: &str) -> ApiResult<i64> {
    Ok(ids::parse_numeric(raw.trim()).ok_or(Missing::Conversation)?)
}

/// operationId: attachTagToConversation
async fn attach_tag(ctx: Ctx, Path(id): Path<String>, Json(body): Json<TagBody>) -> Reply<Tag> {
    let id = tagged_conversation(&id)?;
    let (tag_id, admin_id) = body.check()?;
    Ok(Json(ctx.store.tag_conversation(ctx.workspace_id, id, tag_id, admin_id).await?))
}

/// operationId: detachTagFromConversation
async fn detach_tag(
    ctx: Ctx,
    Path((id, tag_id)): Path<(String, String)>,
    Json(body): Json<UntagBody>,
) -> Reply<Tag> {
    let id = tagged_conversation(&id)?;
    let tag_id = ids::parse_numeric(tag_id.trim()).unwrap_or(0);
    let admin_id = body.check()?;
    Ok(Json(ctx.store.untag_conversation(ctx.workspace_id, id, tag_id, admin_id).await?))
}

#[derive(Deserialize)]
struct DeleteParams {
    retain_metrics: Option<String>,
}

/// operationId: deleteConversation
async fn remove(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<DeleteParams>,
) -> Reply<ConversationDeleted> {
    let id = conversation_id(&id)?;
    // Reporting data is retained unless asked otherwise (the default is true).
    let retain = match params.retain_metrics.as_deref() {
        None => true,
        raw => super::params::flag("retain_metrics", raw)?,
    };
    Ok(Json(ctx.store.delete_conversation(ctx.workspace_id, id, retain).await?))
}

#[derive(Deserialize)]
struct DeletedParams {
    page: Option<String>,
    per_page: Option<String>,
    order: Option<String>,
}

/// operationId: listDeletedConversationIds
async fn list_deleted(
    ctx: Ctx,
    headers: HeaderMap,
    Query(params): Query<DeletedParams>,
) -> Reply<DeletedConversationList> {
    let page = super::params::page(params.page.as_deref())?;
    let per_page = super::params::per_page(params.per_page.as_deref(), 20, 60)?;
    let order = match params.order.as_deref().map(str::trim) {
        None | Some("") | Some("desc") => "desc",
        Some("asc") => "asc",
        Some(other) => {
            return Err(ApiError::invalid("order", format!("order must be asc or desc, not '{other}'")));
        }
    };
    let result =
        ctx.store.list_deleted_conversations(ctx.workspace_id, order == "desc", page, per_page).await?;
    let origin = origin(&headers);
    let pages = PagesLink::new(page, per_page, result.total, |next| {
        format!("{origin}/conversations/deleted?per_page={per_page}&order={order}&page={next}")
    });
    Ok(Json(NamedList::with(result.conversations, Paged { total_count: result.total, pages })))
}

#[derive(Deserialize)]
struct MergeBody {
    merge_into_conversation_id: Option<Value>,
}

/// operationId: mergeConversation
async fn merge(ctx: Ctx, Path(id): Path<String>, Json(body): Json<MergeBody>) -> Reply<Conversation> {
    let secondary = conversation_id(&id)?;
    let invalid = || {
        ApiError::invalid(
            "merge_into_conversation_id",
            "merge_into_conversation_id must be a valid integer conversation ID",
        )
    };
    let primary = match body.merge_into_conversation_id {
        None | Some(Value::Null) => return Err(ApiError::missing("merge_into_conversation_id")),
        Some(Value::Number(n)) => n.as_i64().filter(|n| *n > 0).ok_or_else(invalid)?,
        Some(Value::String(s)) => ids::parse_numeric(s.trim()).ok_or_else(invalid)?,
        Some(_) => return Err(invalid()),
    };
    Ok(Json(ctx.store.merge_conversation(ctx.workspace_id, secondary, primary, ctx.admin_id).await?))
}

/// operationId: listHandlingEvents
async fn handling_events(ctx: Ctx, Path(id): Path<String>) -> Reply<HandlingEventList> {
    let id = conversation_id(&id)?;
    let handling_events = ctx.store.conversation_handling_events(ctx.workspace_id, id).await?;
    Ok(Json(HandlingEventList { handling_events }))
}

/// operationId: listSideConversations
async fn side_conversations(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(paging): Query<super::params::PageParams>,
) -> Reply<SideConversationList> {
    let id = conversation_id(&id)?;
    let (page, per_page) = paging.numbers(25, 50)?;
    let result = ctx.store.list_side_conversations(ctx.workspace_id, id, page, per_page).await?;
    let pages = NumberedPages::new(page, per_page, result.total);
    Ok(Json(NamedList::with(result.side_conversations, Paged { total_count: result.total, pages })))
}
