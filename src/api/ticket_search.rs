//! `POST /tickets/search`: the contacts' and conversations' search language over tickets
//! (fields in `domain::search::fields`, lowered in `store::search::tickets`).

use axum::Router;
use axum::routing::post;

use super::AppState;
use super::extract::{Ctx, Json, Reply};
use super::search::checked_query;
use crate::domain::conversation::Position;
use crate::domain::pages::{CursorPages, NamedList, Paged, cursor, listed};
use crate::domain::search::{Resource, SearchRequest};
use crate::domain::ticket::Ticket;
use crate::error::{ApiError, ApiResult};

/// "The default is `20` results per page"; at most the conversations' 150.
const DEFAULT_PAGE: u64 = 20;
const MAX_PAGE: u64 = 150;

listed!(Ticket: "ticket.list", "tickets");

pub fn router() -> Router<AppState> {
    Router::new().route("/tickets/search", post(search))
}

type TicketList = NamedList<Ticket, Paged<CursorPages>>;

fn resume(raw: Option<&str>) -> ApiResult<(i64, Option<Position>)> {
    let field = "pagination.starting_after";
    cursor::resume(raw)
        .map_err(|_| ApiError::invalid(field, format!("{field} is not a cursor this server made")))
}

/// operationId: searchTickets
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
