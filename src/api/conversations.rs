//! Conversations: list, create, retrieve, update, search, reply, manage (`/parts`), run
//! assignment rules, participants, redaction, and conversation tags.

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{delete, get, post};
use serde::Deserialize;

use super::extract::{Ctx, Json, Path, Query, Reply};
use super::params::pair_position;
use super::search::checked_query;
use super::{AppState, origin};
use crate::domain::conversation::requests::{
    AttachBody, CreateBody, DetachBody, ManageBody, RedactBody, ReplyBody, TagBody, UntagBody, UpdateBody,
};
use crate::domain::conversation::{Conversation, Message, Position, WithCustomers};
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
