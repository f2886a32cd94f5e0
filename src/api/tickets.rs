//! Tickets (`/tickets`): create, retrieve, update, delete, reply, search, tags, a tracker
//! ticket's linked conversations, type changes, `POST /conversations/{id}/convert`, and
//! `POST /tickets/enqueue` with `GET /jobs/status/{job_id}`. Types and states are
//! `ticket_types`.

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::extract::{Ctx, Json, Path, Reply, parse_json};
use super::search::checked_query;
use super::{AppState, origin};
use crate::domain::conversation::requests::{IdValue, TagBody, UntagBody};
use crate::domain::conversation::{Conversation, Position};
use crate::domain::error::{ErrorCode, Missing, Rejection};
use crate::domain::ids;
use crate::domain::pages::{CursorPages, NamedList, Paged, cursor, listed};
use crate::domain::search::{Resource, SearchRequest};
use crate::domain::tag::Tag;
use crate::domain::ticket::requests::{CreateBody, TicketReply, TicketReplyBody, UpdateBody};
use crate::domain::ticket::{Ticket, TicketDeleted, TicketPart};
use crate::domain::ticket_conversion::{ChangeTypeBody, ConvertBody};
use crate::domain::ticket_job::Job;
use crate::error::{ApiError, ApiResult};

/// "The default is `20` results per page"; at most the conversations' 150.
const DEFAULT_PAGE: u64 = 20;
const MAX_PAGE: u64 = 150;

listed!(Ticket: "ticket.list", "tickets");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", post(create))
        .route("/tickets/search", post(search))
        .route("/tickets/enqueue", post(enqueue))
        .route("/jobs/status/{job_id}", get(job_status))
        .route("/tickets/{ticket_id}", get(retrieve).put(update).delete(remove))
        .route("/tickets/{ticket_id}/reply", post(reply))
        .route("/tickets/{ticket_id}/tags", post(attach_tag))
        .route("/tickets/{ticket_id}/tags/{tag_id}", delete(detach_tag))
        .route("/tickets/{ticket_id}/linked_conversations", post(link))
        .route("/tickets/{ticket_id}/linked_conversations/{id}", delete(unlink))
        .route("/tickets/{ticket_id}/change_type", post(change_type))
        .route("/conversations/{conversation_id}/convert", post(convert))
}

/// A ticket's id from the path; anything Switchboard never made names no ticket (`missing`,
/// the answer the operation documents).
fn ticket_id(raw: &str, missing: Missing) -> Result<i64, Missing> {
    ids::parse_numeric(raw.trim()).ok_or(missing)
}

/// operationId: createTicket
async fn create(ctx: Ctx, Json(body): Json<CreateBody>) -> Reply<Ticket> {
    let new = body.check()?;
    Ok(Json(ctx.store.create_ticket(ctx.workspace_id, ctx.admin_id, &new).await?))
}

/// operationId: getTicket
async fn retrieve(ctx: Ctx, Path(id): Path<String>) -> Reply<Ticket> {
    Ok(Json(ctx.store.get_ticket(ctx.workspace_id, ticket_id(&id, Missing::Ticket)?).await?))
}

/// operationId: updateTicket
async fn update(ctx: Ctx, Path(id): Path<String>, Json(body): Json<UpdateBody>) -> Reply<Ticket> {
    let id = ticket_id(&id, Missing::Ticket)?;
    let update = body.check()?;
    Ok(Json(ctx.store.update_ticket(ctx.workspace_id, id, ctx.admin_id, &update).await?))
}

/// operationId: deleteTicket
async fn remove(ctx: Ctx, Path(id): Path<String>) -> Reply<TicketDeleted> {
    Ok(Json(ctx.store.delete_ticket(ctx.workspace_id, ticket_id(&id, Missing::Ticket)?).await?))
}

/// operationId: replyTicket
async fn reply(
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<TicketReplyBody>,
) -> Reply<TicketPart> {
    let id = ticket_id(&id, Missing::Resource)?;
    let TicketReply { mut reply, cross_post } = body.check()?;
    let origin = origin(&headers);
    reply.attachments.extend(reply.uploads.iter().map(|upload| upload.attachment(&origin)));
    Ok(Json(ctx.store.reply_to_ticket(ctx.workspace_id, id, &reply, cross_post).await?))
}

type TicketList = NamedList<Ticket, Paged<CursorPages>>;

fn resume(raw: Option<&str>) -> ApiResult<(i64, Option<Position>)> {
    let field = "pagination.starting_after";
    cursor::resume(raw)
        .map_err(|_| ApiError::invalid(field, format!("{field} is not a cursor this server made")))
}

/// operationId: searchTickets
///
/// The contacts' and conversations' search language over tickets (fields in
/// `domain::search::fields`, lowered in `store::search::tickets`).
async fn search(ctx: Ctx, Json(body): Json<SearchRequest>) -> Reply<TicketList> {
    let (per_page, starting_after) = super::params::search_paging(body.pagination, DEFAULT_PAGE, MAX_PAGE)?;
    let (page, after) = resume(starting_after.as_deref())?;
    let query = checked_query(&ctx, Resource::Tickets, &body.query).await?;
    let found = ctx.store.search_tickets(ctx.workspace_id, &query, after, per_page).await?;
    let next = match found.tickets.last() {
        Some(last) if found.has_more => {
            Some(cursor::encode(page, &Position { updated_at: found.last_updated_at, id: last.id }))
        }
        _ => None,
    };
    let pages = CursorPages::new(page, per_page as i64, found.total, next);
    Ok(Json(NamedList::with(found.tickets, Paged { total_count: found.total, pages })))
}

/// operationId: attachTagToTicket
async fn attach_tag(ctx: Ctx, Path(id): Path<String>, Json(body): Json<TagBody>) -> Reply<Tag> {
    let id = ticket_id(&id, Missing::Ticket)?;
    let (tag_id, admin_id) = body.check()?;
    Ok(Json(ctx.store.tag_ticket(ctx.workspace_id, id, tag_id, admin_id).await?))
}

/// operationId: detachTagFromTicket
async fn detach_tag(
    ctx: Ctx,
    Path((id, tag_id)): Path<(String, String)>,
    Json(body): Json<UntagBody>,
) -> Reply<Tag> {
    let id = ticket_id(&id, Missing::Ticket)?;
    let tag_id = ids::parse_numeric(tag_id.trim()).unwrap_or(0);
    let admin_id = body.check()?;
    Ok(Json(ctx.store.untag_ticket(ctx.workspace_id, id, tag_id, admin_id).await?))
}

#[derive(Deserialize)]
struct LinkBody {
    conversation_id: Option<IdValue>,
}

/// operationId: linkConversationToTicket (2.16)
async fn link(ctx: Ctx, Path(id): Path<String>, Json(body): Json<LinkBody>) -> Reply<Conversation> {
    let id = ticket_id(&id, Missing::Ticket)?;
    let conversation = body.conversation_id.ok_or_else(|| {
        Rejection::new(ErrorCode::ParameterNotFound, "conversation_id not specified")
            .with_field("conversation_id")
    })?;
    let conversation = conversation.numeric().ok_or(Missing::LinkableConversation)?;
    Ok(Json(ctx.store.link_conversation(ctx.workspace_id, id, conversation).await?))
}

/// operationId: unlinkConversationFromTicket (2.16)
async fn unlink(ctx: Ctx, Path((id, conversation)): Path<(String, String)>) -> Reply<Conversation> {
    let id = ticket_id(&id, Missing::Ticket)?;
    // An id Switchboard never made is linked to nothing.
    let conversation = ids::parse_numeric(conversation.trim()).unwrap_or(0);
    Ok(Json(ctx.store.unlink_conversation(ctx.workspace_id, id, conversation).await?))
}

/// operationId: changeTicketType (2.16), as the token's admin.
async fn change_type(ctx: Ctx, Path(id): Path<String>, Json(body): Json<ChangeTypeBody>) -> Reply<Ticket> {
    let id = ticket_id(&id, Missing::Resource)?;
    let change = body.check()?;
    Ok(Json(ctx.store.change_ticket_type(ctx.workspace_id, id, ctx.admin_id, &change).await?))
}

/// operationId: convertConversationToTicket, as the token's admin.
async fn convert(ctx: Ctx, Path(id): Path<String>, Json(body): Json<ConvertBody>) -> Reply<Ticket> {
    let id = ids::parse_numeric(id.trim()).ok_or(Missing::Conversation)?;
    let convert = body.check()?;
    Ok(Json(ctx.store.convert_conversation(ctx.workspace_id, id, ctx.admin_id, &convert).await?))
}

/// operationId: enqueueCreateTicket (2.16)
///
/// "We attempt to perform a best-effort validation on inputs before tasks are enqueued": the
/// request is checked as `POST /tickets` checks it, down to a trial creation that is rolled
/// back, so a job fails only if the workspace changes before the worker (`crate::worker`) runs
/// it.
async fn enqueue(ctx: Ctx, headers: HeaderMap, Json(raw): Json<Map<String, Value>>) -> Reply<Job> {
    let request = Value::Object(raw);
    let new = parse_json::<CreateBody>(request.to_string().as_bytes())?.check()?;
    ctx.store.check_new_ticket(ctx.workspace_id, ctx.admin_id, &new).await?;
    let job = ctx.store.enqueue_ticket(ctx.workspace_id, ctx.admin_id, &request).await?;
    Ok(Json(job.shown(&origin(&headers))))
}

/// operationId: jobsStatus (2.16)
async fn job_status(ctx: Ctx, headers: HeaderMap, Path(job): Path<String>) -> Reply<Job> {
    let job = ctx.store.get_ticket_job(ctx.workspace_id, job.trim()).await?;
    Ok(Json(job.shown(&origin(&headers))))
}
