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
    AttachBody, CreateBody, DetachBody, ManageBody, RedactBody, ReplyBody, RequestError, TagBody, UntagBody,
    UpdateBody,
};
use crate::domain::conversation::{Conversation, ConversationList, Customers, Message};
use crate::domain::ids;
use crate::domain::pages::{CursorPages, cursor};
use crate::domain::search::{Resource, SearchRequest};
use crate::domain::tag::Tag;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::store::conversations::{ConversationError, ConversationPage, Position};

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

fn conversation_error(err: ConversationError) -> ApiError {
    match err {
        ConversationError::Store(err) => err.into(),
        ConversationError::ConversationNotFound => ApiError::not_found("Resource Not Found"),
        ConversationError::ContactNotFound => ApiError::not_found("User Not Found"),
        ConversationError::AdminNotFound => ApiError::new(ErrorCode::AdminNotFound, "Admin not found"),
        ConversationError::TeamNotFound => ApiError::new(ErrorCode::TeamNotFound, "Team not found"),
        ConversationError::TagNotFound => ApiError::new(ErrorCode::TagNotFound, "Tag not found"),
        ConversationError::NotParticipant => {
            ApiError::invalid("intercom_user_id", "The contact is not a participant of this conversation")
        }
        ConversationError::LastCustomer => {
            ApiError::new(ErrorCode::LastParticipant, "Removing the last customer is not allowed")
        }
        ConversationError::PartNotFound => {
            ApiError::new(ErrorCode::PartOrMessageNotFound, "Conversation part or message not found")
        }
        ConversationError::NotRedactable => ApiError::new(
            ErrorCode::PartNotRedactable,
            "Only parts with a body and source messages written by a contact can be redacted",
        ),
        ConversationError::Attribute(rejection) => {
            ApiError::invalid("custom_attributes", rejection.message())
        }
        ConversationError::Search(err) => err.into(),
        ConversationError::LeadRejected(message) => ApiError::invalid("email", message),
    }
}

fn request_error(err: RequestError) -> ApiError {
    match err {
        RequestError::Missing(field) => ApiError::missing(field),
        RequestError::Invalid(field, message) => ApiError::invalid(field, message),
    }
}

/// A conversation id from the path; anything else names no conversation.
fn conversation_id(raw: &str) -> ApiResult<i64> {
    ids::parse_numeric(raw.trim()).ok_or_else(|| ApiError::not_found("Resource Not Found"))
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
fn read_cursor(raw: &str, field: &str) -> ApiResult<(i64, Position)> {
    cursor::decode(raw)
        .and_then(|(page, position)| {
            let (updated_at, id) = position.split_once(':')?;
            Some((page, Position { updated_at: updated_at.parse().ok()?, id: id.parse().ok()? }))
        })
        .ok_or_else(|| ApiError::invalid(field, format!("{field} is not a cursor this server made")))
}

fn list_of(result: ConversationPage, page: i64, per_page: u64) -> ConversationList {
    let next = match result.conversations.last() {
        Some(last) if result.has_more => {
            Some(cursor::encode(page, &format!("{}:{}", last.updated_at, last.id)))
        }
        _ => None,
    };
    ConversationList {
        kind: "conversation.list",
        pages: CursorPages::new(page, per_page as i64, result.total, next),
        total_count: result.total,
        conversations: result.conversations,
    }
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
    let (page, after) = match params.starting_after.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(raw) => {
            let (page, position) = read_cursor(raw, "starting_after")?;
            (page + 1, Some(position))
        }
        None => (1, None),
    };
    let result = state.store.list_conversations(ctx.workspace_id, after, per_page).await?;
    Ok(JsonResponse(list_of(result, page, per_page)))
}

/// operationId: createConversation
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<CreateBody>,
) -> ApiResult<JsonResponse<Message>> {
    let new = body.check().map_err(request_error)?;
    let (id, created_at) =
        state.store.create_conversation(ctx.workspace_id, &new).await.map_err(conversation_error)?;
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
    let conversation =
        state.store.get_conversation(ctx.workspace_id, id).await.map_err(conversation_error)?;
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
        .await
        .map_err(conversation_error)?;
    Ok(JsonResponse(display.render(conversation)?))
}

/// operationId: searchConversations
async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<SearchRequest>,
) -> ApiResult<JsonResponse<ConversationList>> {
    let (per_page, starting_after) = super::params::search_paging(body.pagination, DEFAULT_PAGE, MAX_PAGE)?;
    let (page, after) = match starting_after {
        Some(raw) => {
            let (page, position) = read_cursor(&raw, "pagination.starting_after")?;
            (page + 1, Some(position))
        }
        None => (1, None),
    };
    let query = checked_query(&state.store, ctx.workspace_id, Resource::Conversations, &body.query).await?;
    let result = state
        .store
        .search_conversations(ctx.workspace_id, &query, after, per_page)
        .await
        .map_err(conversation_error)?;
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
    let reply = body.check().map_err(request_error)?;
    let conversation =
        state.store.reply_to_conversation(ctx.workspace_id, id, &reply).await.map_err(conversation_error)?;
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
    let manage = body.check(crate::store::now()).map_err(request_error)?;
    let conversation =
        state.store.manage_conversation(ctx.workspace_id, id, &manage).await.map_err(conversation_error)?;
    Ok(JsonResponse(conversation))
}

/// operationId: autoAssignConversation
async fn run_assignment_rules(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
) -> ApiResult<JsonResponse<Conversation>> {
    let id = conversation_id(&raw_id)?;
    let conversation =
        state.store.run_assignment_rules(ctx.workspace_id, id).await.map_err(conversation_error)?;
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
    let attach = body.check().map_err(request_error)?;
    let customers = state
        .store
        .attach_conversation_contact(ctx.workspace_id, id, &attach)
        .await
        .map_err(conversation_error)?;
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
    let admin_id = body.check().map_err(request_error)?;
    let customers = state
        .store
        .detach_conversation_contact(ctx.workspace_id, id, contact_id.trim(), admin_id)
        .await
        .map_err(conversation_error)?;
    Ok(JsonResponse(Customers { customers }))
}

/// operationId: redactConversation
async fn redact(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<RedactBody>,
) -> ApiResult<JsonResponse<Conversation>> {
    let redaction = body.check().map_err(request_error)?;
    let conversation =
        state.store.redact_conversation(ctx.workspace_id, redaction).await.map_err(conversation_error)?;
    Ok(JsonResponse(conversation))
}

/// The tag endpoints name a missing conversation "Conversation not found".
fn tag_endpoint_error(err: ConversationError) -> ApiError {
    match err {
        ConversationError::ConversationNotFound => ApiError::not_found("Conversation not found"),
        other => conversation_error(other),
    }
}

/// operationId: attachTagToConversation
async fn attach_tag(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw_id): Path<String>,
    Json(body): Json<TagBody>,
) -> ApiResult<JsonResponse<Tag>> {
    let id =
        ids::parse_numeric(raw_id.trim()).ok_or_else(|| ApiError::not_found("Conversation not found"))?;
    let (tag_id, admin_id) = body.check().map_err(request_error)?;
    let tag = state
        .store
        .tag_conversation(ctx.workspace_id, id, tag_id, admin_id)
        .await
        .map_err(tag_endpoint_error)?;
    Ok(JsonResponse(tag))
}

/// operationId: detachTagFromConversation
async fn detach_tag(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((raw_id, raw_tag)): Path<(String, String)>,
    Json(body): Json<UntagBody>,
) -> ApiResult<JsonResponse<Tag>> {
    let id =
        ids::parse_numeric(raw_id.trim()).ok_or_else(|| ApiError::not_found("Conversation not found"))?;
    let tag_id = ids::parse_numeric(raw_tag.trim()).unwrap_or(0);
    let admin_id = body.check().map_err(request_error)?;
    let tag = state
        .store
        .untag_conversation(ctx.workspace_id, id, tag_id, admin_id)
        .await
        .map_err(tag_endpoint_error)?;
    Ok(JsonResponse(tag))
}
