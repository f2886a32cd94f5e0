//! Data events: `POST /events`, `GET /events` (a contact's recent events, or the summary of
//! all of them) and `POST /events/summaries`.

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::extract::{Ctx, Json, Query, Reply};
use super::params::{self, LooseId, pair_position};
use super::{AppState, origin};
use crate::domain::contact::ContactRef;
use crate::domain::event::{
    self, DataEvent, EventPosition, EventQuery, EventSummary, ImportedSummary, LISTING_WINDOW_SECS,
    MAX_SUMMARY_COUNT, Metadata, NewEvent, Tally,
};
use crate::domain::pages::{NamedList, NextLink, PagesOnly, cursor};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::store::now;

pub fn router() -> Router<AppState> {
    Router::new().route("/events", get(list).post(create)).route("/events/summaries", post(summaries))
}

/// "How many results to display per page. Defaults to 15"; at most 150, like other listings.
const DEFAULT_PAGE: u64 = 15;
const MAX_PAGE: u64 = 150;

/// The contact a request names: by Intercom's id (users and leads), else by `user_id`, else
/// by email (users only); blank values name nothing.
fn named<'a>(
    id: Option<&'a str>,
    user_id: Option<&'a str>,
    email: Option<&'a str>,
) -> Option<ContactRef<'a>> {
    let given = |value: Option<&'a str>| value.map(str::trim).filter(|v| !v.is_empty());
    given(id)
        .map(ContactRef::Id)
        .or_else(|| given(user_id).map(ContactRef::UserId))
        .or_else(|| given(email).map(ContactRef::UserEmail))
}

#[derive(Deserialize)]
struct CreateRequest {
    event_name: String,
    created_at: i64,
    id: Option<String>,
    user_id: Option<LooseId>,
    email: Option<String>,
    metadata: Option<Metadata>,
}

/// operationId: createDataEvent
async fn create(ctx: Ctx, Json(request): Json<CreateRequest>) -> ApiResult<StatusCode> {
    let event = NewEvent {
        event_name: event::event_name(&request.event_name)?,
        created_at: event::timestamp("created_at", request.created_at)?,
        metadata: request.metadata.unwrap_or_default().checked()?,
    };
    let user_id = request.user_id.map(LooseId::into_string);
    let contact =
        named(request.id.as_deref(), user_id.as_deref(), request.email.as_deref()).ok_or_else(|| {
            ApiError::new(
                ErrorCode::ParameterNotFound,
                "One of id, user_id or email is required to identify the contact",
            )
        })?;
    ctx.store.create_event(ctx.workspace_id, contact, &event).await?;
    // Accepted, duplicate or not: "an error is not thrown".
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize)]
struct ListParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    intercom_user_id: Option<String>,
    user_id: Option<String>,
    email: Option<String>,
    summary: Option<String>,
    per_page: Option<String>,
    /// The cursor of `pages.next`.
    before: Option<String>,
    /// The value of `pages.since`: only events at or after this time, in milliseconds.
    since: Option<String>,
}

/// `GET /events` answers a list, or with `summary=true` a summary.
#[derive(Serialize)]
#[serde(untagged)]
enum EventsResponse {
    List(NamedList<DataEvent, PagesOnly<NextLink>>),
    Summary(EventSummary),
}

/// operationId: lisDataEvents
async fn list(ctx: Ctx, headers: HeaderMap, Query(params): Query<ListParams>) -> Reply<EventsResponse> {
    match params.kind.as_deref().map(str::trim) {
        None => return Err(ApiError::missing("type")),
        Some("user") => {}
        Some(_) => return Err(ApiError::invalid("type", "type must be user")),
    }
    let summary = params::flag("summary", params.summary.as_deref())?;
    let per_page = params::per_page(params.per_page.as_deref(), DEFAULT_PAGE, MAX_PAGE)?;
    let (page, after) = cursor::resume(params.before.as_deref())
        .map_err(|_| ApiError::invalid("before", "before is not a cursor this server gave"))?;
    let contact =
        named(params.intercom_user_id.as_deref(), params.user_id.as_deref(), params.email.as_deref())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::ParameterNotFound,
                    "One of user_id, email or intercom_user_id is required",
                )
            })?;

    if summary {
        let (found, items) = ctx.store.event_summaries(ctx.workspace_id, contact).await?;
        return Ok(Json(EventsResponse::Summary(EventSummary {
            kind: "event.summary",
            email: found.email,
            intercom_user_id: found.public_id,
            user_id: found.external_id,
            events: items,
        })));
    }
    let since = params
        .since
        .as_deref()
        .map(|raw| raw.trim().parse::<i64>().ok().filter(|ms| *ms >= 0))
        .map(|ms| ms.ok_or_else(|| ApiError::invalid("since", "since must be a time in milliseconds")))
        .transpose()?;
    // Events are kept to the second: `since` in milliseconds starts at the next whole second.
    let since_secs = since.map(|ms| ms.div_euclid(1000) + i64::from(ms % 1000 != 0));
    let window = now() - LISTING_WINDOW_SECS;
    let query =
        EventQuery { created_since: since_secs.map_or(window, |s| s.max(window)), after, limit: per_page };
    let found = ctx.store.list_events(ctx.workspace_id, contact, &query).await?;
    let link = |pairs: &[(&str, String)]| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("type", "user").append_pair("intercom_user_id", &found.contact.public_id);
        query.extend_pairs(pairs);
        format!("{}/events?{}", origin(&headers), query.finish())
    };
    let next = found.next.map(|position| {
        let mut pairs = vec![("per_page", per_page.to_string())];
        pairs.extend(since.map(|ms| ("since", ms.to_string())));
        pairs.push(("before", cursor::encode(page, &position)));
        link(&pairs)
    });
    // The first page links to the events after its newest one (a millisecond past it, as in
    // Intercom's example); an empty first page keeps the `since` it was asked for.
    let newest = found.events.first().map(|e| e.created_at * 1000 + 1);
    let since = match params.before {
        None => {
            newest.or(since).map(|ms| link(&[("per_page", per_page.to_string()), ("since", ms.to_string())]))
        }
        Some(_) => None,
    };
    let pages = PagesOnly { pages: NextLink { next, since } };
    Ok(Json(EventsResponse::List(NamedList::with(found.events, pages))))
}

// The cursor of `pages.next` ends at the `(created_at, id)` of the last event served.
pair_position!(EventPosition { created_at, id }, ':');

#[derive(Deserialize)]
struct SummariesRequest {
    user_id: LooseId,
    event_summaries: SummaryRequest,
}

#[derive(Deserialize)]
struct SummaryRequest {
    event_name: String,
    count: i64,
    first: i64,
    last: i64,
}

/// operationId: dataEventSummaries
async fn summaries(ctx: Ctx, Json(request): Json<SummariesRequest>) -> ApiResult<StatusCode> {
    let user_id = request.user_id.into_string();
    let user_id = user_id.trim();
    if user_id.is_empty() {
        return Err(ApiError::missing("user_id"));
    }
    let s = request.event_summaries;
    let event_name = event::event_name(&s.event_name)
        .map_err(|err| ApiError::invalid("event_summaries.event_name", err.message))?;
    if !(1..=MAX_SUMMARY_COUNT).contains(&s.count) {
        return Err(ApiError::invalid(
            "event_summaries.count",
            format!("event_summaries.count must be an integer between 1 and {MAX_SUMMARY_COUNT}"),
        ));
    }
    let first = event::timestamp("event_summaries.first", s.first)?;
    let last = event::timestamp("event_summaries.last", s.last)?;
    if last < first {
        return Err(ApiError::invalid(
            "event_summaries.last",
            "event_summaries.last must not be before first",
        ));
    }
    let summary = ImportedSummary { event_name, tally: Tally { count: s.count, first, last } };
    ctx.store.import_event_summary(ctx.workspace_id, ContactRef::UserId(user_id), &summary).await?;
    Ok(StatusCode::OK)
}
