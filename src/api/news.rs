//! News: `/news/news_items[/{id}]`, `/news/newsfeeds[/{id}]` and `/news/newsfeeds/{id}/items`.
//!
//! The lists are page-numbered (`?page=&per_page=`, as Intercom's answers show), news items
//! oldest first and a newsfeed's items most recently published first.

use axum::Router;
use axum::routing::get;
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Id, Json, Query, Reply};
use super::params::{NumericId, PageParams};
use crate::domain::news::{
    AssignmentInput, DeletedNewsItem, NewsItem, NewsItemInput, NewsItemState, Newsfeed,
};
use crate::domain::nullable::present;
use crate::domain::pages::{List, NumberedList, NumberedPages};
use crate::error::{ApiError, ApiResult};
use crate::store::news::Page;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/news/news_items", get(list_items).post(create_item))
        .route("/news/news_items/{news_item_id}", get(retrieve_item).put(update_item).delete(delete_item))
        .route("/news/newsfeeds", get(list_newsfeeds))
        .route("/news/newsfeeds/{newsfeed_id}", get(retrieve_newsfeed))
        .route("/news/newsfeeds/{newsfeed_id}/items", get(list_newsfeed_items))
}

/// `news_item_request`. `null` is as good as absent, but for `cover_image_url`, where it
/// removes the image.
#[derive(Deserialize)]
struct NewsItemBody {
    title: Option<String>,
    body: Option<String>,
    sender_id: Option<NumericId>,
    state: Option<String>,
    deliver_silently: Option<bool>,
    labels: Option<Vec<String>>,
    reactions: Option<Vec<Option<String>>>,
    #[serde(default, deserialize_with = "present")]
    cover_image_url: Option<Option<String>>,
    newsfeed_assignments: Option<Vec<AssignmentBody>>,
}

/// `newsfeed_assignment`.
#[derive(Deserialize)]
struct AssignmentBody {
    newsfeed_id: NumericId,
    published_at: Option<i64>,
}

impl NewsItemBody {
    fn into_input(self) -> ApiResult<NewsItemInput> {
        let state = match self.state {
            None => None,
            Some(raw) => Some(
                NewsItemState::parse(&raw)
                    .ok_or_else(|| ApiError::invalid("state", "state must be one of draft, live"))?,
            ),
        };
        Ok(NewsItemInput {
            title: self.title,
            body: self.body,
            sender_id: self.sender_id.map(|id| id.0),
            state,
            deliver_silently: self.deliver_silently,
            labels: self.labels,
            reactions: self.reactions,
            cover_image_url: self.cover_image_url,
            newsfeed_assignments: self.newsfeed_assignments.map(|list| {
                list.into_iter()
                    .map(|a| AssignmentInput { newsfeed_id: a.newsfeed_id.0, published_at: a.published_at })
                    .collect()
            }),
        })
    }
}

fn page(params: &PageParams, default_per_page: u64) -> ApiResult<Page> {
    let (page, per_page) = params.numbers(default_per_page, 150)?;
    Ok(Page { page, per_page })
}

fn numbered<T>(data: Vec<T>, total: i64, page: Page) -> NumberedList<T> {
    List::paged(data, total, NumberedPages::new(page.page, page.per_page, total))
}

/// operationId: listNewsItems
async fn list_items(ctx: Ctx, Query(params): Query<PageParams>) -> Reply<NumberedList<NewsItem>> {
    let page = page(&params, 10)?;
    let (items, total) = ctx.store.list_news_items(ctx.workspace_id, page).await?;
    Ok(Json(numbered(items, total, page)))
}

/// operationId: createNewsItem
async fn create_item(ctx: Ctx, Json(body): Json<NewsItemBody>) -> Reply<NewsItem> {
    let input = body.into_input()?;
    Ok(Json(ctx.store.create_news_item(ctx.workspace_id, &input).await?))
}

/// operationId: retrieveNewsItem
async fn retrieve_item(ctx: Ctx, Id(id): Id) -> Reply<NewsItem> {
    Ok(Json(ctx.store.get_news_item(ctx.workspace_id, id).await?))
}

/// operationId: updateNewsItem
async fn update_item(ctx: Ctx, Id(id): Id, Json(body): Json<NewsItemBody>) -> Reply<NewsItem> {
    let input = body.into_input()?;
    Ok(Json(ctx.store.update_news_item(ctx.workspace_id, id, &input).await?))
}

/// operationId: deleteNewsItem
async fn delete_item(ctx: Ctx, Id(id): Id) -> Reply<DeletedNewsItem> {
    ctx.store.delete_news_item(ctx.workspace_id, id).await?;
    Ok(Json(DeletedNewsItem { id: id.to_string(), object: "news-item", deleted: true }))
}

/// operationId: listNewsfeeds
async fn list_newsfeeds(ctx: Ctx, Query(params): Query<PageParams>) -> Reply<NumberedList<Newsfeed>> {
    let page = page(&params, 10)?;
    let (feeds, total) = ctx.store.list_newsfeeds(ctx.workspace_id, page).await?;
    Ok(Json(numbered(feeds, total, page)))
}

/// operationId: retrieveNewsfeed
async fn retrieve_newsfeed(ctx: Ctx, Id(id): Id) -> Reply<Newsfeed> {
    Ok(Json(ctx.store.get_newsfeed(ctx.workspace_id, id).await?))
}

/// operationId: listLiveNewsfeedItems
async fn list_newsfeed_items(
    ctx: Ctx,
    Id(newsfeed_id): Id,
    Query(params): Query<PageParams>,
) -> Reply<NumberedList<NewsItem>> {
    let page = page(&params, 20)?;
    let (items, total) = ctx.store.list_newsfeed_items(ctx.workspace_id, newsfeed_id, page).await?;
    Ok(Json(numbered(items, total, page)))
}
