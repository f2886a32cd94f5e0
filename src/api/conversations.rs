//! Conversations: list, create, retrieve, update, search, reply, manage (`/parts`), run
//! assignment rules, participants, redaction, and conversation tags.

use axum::extract::State;
use axum::routing::{delete, get, post};
use axum::{Json as JsonResponse, Router};
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Json, Path, Query};
use super::search::checked_query;
use crate::domain::conversation::requests::{
    AttachBody, CreateBody, DetachBody, ManageBody, RedactBody, ReplyBody, TagBody, UntagBody, UpdateBody,
};
use crate::domain::conversation::{Conversation, Customers, Message, Position};
use crate::domain::ids;
use crate::domain::pages::{CursorPages, NamedList, Paged, cursor};
use crate::domain::search::{Resource, SearchRequest};
use crate::domain::tag::Tag;
use crate::error::{ApiError, ApiResult, Missing};
use crate::store::conversations::reads::ConversationPage;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations", get(list).post(create))
        .route("/conversations/search", post(search))
        .route("/conversations/redact", post(redact))
        .route("/conversations/{conversation_id}", get(retrieve).put(update))
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
    ids::parse_numeric(raw.trim()).ok_or_else(|| Missing::Resource.into())
}

#[derive(Deserialize)]
struct DisplayParams {
    display_as: Option<String>,
}

impl DisplayParams {
    /// `display_as=plaintext` renders every body as text.
    fn render(&self, conversation: Conversation) -> ApiResult<Conversation> {
        match self.display_as.as_deref().map(str::trim) {
            None | Some("") | Some("html") => Ok(conversation),
            Some("plaintext") => Ok(conversation.into_plaintext()),
            Some(other) => {
                Err(ApiError::invalid("display_as", format!("display_as must be plaintext, not '{other}'")))
            }
        }
    }
}

/// The cursor a page hands out: the `(updated_at, id)` of its last conversation.
impl cursor::Position for Position {
    const SEPARATOR: char = ':';
    fn to_pair(&self) -> (i64, i64) {
        (self.updated_at, self.id)
    }
    fn from_pair(updated_at: i64, id: i64) -> Option<Self> {
        Some(Position { updated_at, id })
    }
}

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
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> ApiResult<JsonResponse<ConversationList>> {
    let per_page = super::params::per_page(params.per_page.as_deref(), DEFAULT_PAGE, MAX_PAGE)?;
    let (page, after) =
        resume(params.starting_after.as_deref().filter(|s| !s.trim().is_empty()), "starting_after")?;
    let result = state.store.list_conversations(ctx.workspace_id, after, per_page).await?;
    Ok(JsonResponse(list_of(result, page, per_page)))
}

/// operationId: createConversation
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<CreateBody>,
) -> ApiResult<JsonResponse<Message>> {
    let new = body.check()?;
    let (id, created_at) = state.store.create_conversation(ctx.workspace_id, &new).await?;
    Ok(JsonResponse(Message {
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
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    Query(display): Query<DisplayParams>,
) -> ApiResult<JsonResponse<Conversation>> {
    let id = conversation_id(&raw_id)?;
    let conversation = state.store.get_conversation(ctx.workspace_id, id).await?;
    Ok(JsonResponse(display.render(conversation)?))
}

/// operationId: updateConversation
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    Query(display): Query<DisplayParams>,
    Json(body): Json<UpdateBody>,
) -> ApiResult<JsonResponse<Conversation>> {
    let id = conversation_id(&raw_id)?;
    let conversation = state
        .store
        .update_conversation(
            ctx.workspace_id,
            id,
            ctx.admin_id,
            body.read,
            body.title.as_deref(),
            body.custom_attributes.as_ref(),
        )
        .await?;
    Ok(JsonResponse(display.render(conversation)?))
}

/// operationId: searchConversations
async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<SearchRequest>,
) -> ApiResult<JsonResponse<ConversationList>> {
    let (per_page, starting_after) = super::params::search_paging(body.pagination, DEFAULT_PAGE, MAX_PAGE)?;
    let (page, after) = resume(starting_after.as_deref(), "pagination.starting_after")?;
    let query = checked_query(&state.store, ctx.workspace_id, Resource::Conversations, &body.query).await?;
    let result = state.store.search_conversations(ctx.workspace_id, &query, after, per_page).await?;
    Ok(JsonResponse(list_of(result, page, per_page)))
}

/// operationId: replyConversation
async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    Json(body): Json<ReplyBody>,
) -> ApiResult<JsonResponse<Conversation>> {
    // "last": the contact's most recent conversation.
    let id = if raw_id.trim() == "last" { None } else { Some(conversation_id(&raw_id)?) };
    let reply = body.check()?;
    let conversation = state.store.reply_to_conversation(ctx.workspace_id, id, &reply).await?;
    Ok(JsonResponse(conversation))
}

/// operationId: manageConversation
async fn manage(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    Json(body): Json<ManageBody>,
) -> ApiResult<JsonResponse<Conversation>> {
    let id = conversation_id(&raw_id)?;
    let manage = body.check(crate::store::now())?;
    let conversation = state.store.manage_conversation(ctx.workspace_id, id, &manage).await?;
    Ok(JsonResponse(conversation))
}

/// operationId: autoAssignConversation
async fn run_assignment_rules(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
) -> ApiResult<JsonResponse<Conversation>> {
    let id = conversation_id(&raw_id)?;
    let conversation = state.store.run_assignment_rules(ctx.workspace_id, id).await?;
    Ok(JsonResponse(conversation))
}

/// operationId: attachContactToConversation
async fn attach_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    Json(body): Json<AttachBody>,
) -> ApiResult<JsonResponse<Customers>> {
    let id = conversation_id(&raw_id)?;
    let attach = body.check()?;
    let customers = state.store.attach_conversation_contact(ctx.workspace_id, id, &attach).await?;
    Ok(JsonResponse(Customers { customers }))
}

/// operationId: detachContactFromConversation
async fn detach_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((raw_id, contact_id)): Path<(String, String)>,
    Json(body): Json<DetachBody>,
) -> ApiResult<JsonResponse<Customers>> {
    let id = conversation_id(&raw_id)?;
    let admin_id = body.check()?;
    let customers =
        state.store.detach_conversation_contact(ctx.workspace_id, id, contact_id.trim(), admin_id).await?;
    Ok(JsonResponse(Customers { customers }))
}

/// operationId: redactConversation
async fn redact(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<RedactBody>,
) -> ApiResult<JsonResponse<Conversation>> {
    let redaction = body.check()?;
    let conversation = state.store.redact_conversation(ctx.workspace_id, redaction).await?;
    Ok(JsonResponse(conversation))
}

/// operationId: attachTagToConversation
async fn attach_tag(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    Json(body): Json<TagBody>,
) -> ApiResult<JsonResponse<Tag>> {
    let id = ids::parse_numeric(raw_id.trim()).ok_or_else(|| ApiError::from(Missing::Conversation))?;
    let (tag_id, admin_id) = body.check()?;
    let tag = state.store.tag_conversation(ctx.workspace_id, id, tag_id, admin_id).await?;
    Ok(JsonResponse(tag))
}

/// operationId: detachTagFromConversation
async fn detach_tag(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((raw_id, raw_tag)): Path<(String, String)>,
    Json(body): Json<UntagBody>,
) -> ApiResult<JsonResponse<Tag>> {
    let id = ids::parse_numeric(raw_id.trim()).ok_or_else(|| ApiError::from(Missing::Conversation))?;
    let tag_id = ids::parse_numeric(raw_tag.trim()).unwrap_or(0);
    let admin_id = body.check()?;
    let tag = state.store.untag_conversation(ctx.workspace_id, id, tag_id, admin_id).await?;
    Ok(JsonResponse(tag))
}
