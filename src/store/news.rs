//! News items, newsfeeds and the assignments between them.
//!
//! Every workspace has the default newsfeeds (`DEFAULT_NEWSFEEDS`), made on first use as the
//! default help center is: Intercom makes newsfeeds only in its UI.

use std::collections::HashMap;

use sea_query::{Expr, ExprTrait, Order, SelectStatement};

use crate::domain::error::{Missing, Rejection};
use crate::domain::news::{
    AssignmentInput, DEFAULT_NEWSFEEDS, NewsItem, NewsItemInput, NewsItemState, Newsfeed, NewsfeedAssignment,
    normalize_labels, published_at,
};
use crate::store::admins;
use crate::store::help_centers::workspace_code;
use crate::store::schema::news::{
    NewsItemRow, NewsItems, NewsfeedAssignmentRow, NewsfeedAssignments, NewsfeedRow, Newsfeeds,
};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

/// A page of a list: 1-based `page`, `per_page` items.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: u64,
    pub per_page: u64,
}

impl Page {
    fn offset(self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

impl From<NewsfeedRow> for Newsfeed {
    fn from(r: NewsfeedRow) -> Self {
        Newsfeed {
            kind: "newsfeed",
            id: r.id,
            name: r.name,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

fn select_newsfeeds(workspace_id: i64) -> SelectStatement {
    Newsfeeds::select_rows().where_eq(Newsfeeds::WorkspaceId, workspace_id).take()
}

/// Makes the default newsfeeds if the workspace has no newsfeed yet; a concurrent request that
/// made them first turns the inserts into no-ops.
pub(crate) async fn ensure_newsfeeds(db: &mut impl Exec, workspace_id: i64) -> StoreResult<()> {
    let any = select_newsfeeds(workspace_id).limit(1).to_owned();
    if db.fetch_optional::<NewsfeedRow>(&any).await?.is_some() {
        return Ok(());
    }
    let created_at = now();
    for name in DEFAULT_NEWSFEEDS {
        db.execute(&Newsfeeds::insert_or_ignore(
            [
                (Newsfeeds::WorkspaceId, workspace_id.into()),
                (Newsfeeds::Name, name.into()),
                (Newsfeeds::CreatedAt, created_at.into()),
                (Newsfeeds::UpdatedAt, created_at.into()),
            ],
            [Newsfeeds::WorkspaceId, Newsfeeds::Name],
        ))
        .await?;
    }
    Ok(())
}

async fn newsfeed(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<NewsfeedRow> {
    db.fetch_one(select_newsfeeds(workspace_id).where_eq(Newsfeeds::Id, id)).await
}

fn select_items(workspace_id: i64) -> SelectStatement {
    NewsItems::select_rows().and_where(NewsItems::WorkspaceId.col().eq(workspace_id)).take()
}

/// News items with their newsfeed assignments (one query for the whole page).
async fn load(
    db: &mut impl Exec,
    workspace_code: &str,
    rows: Vec<NewsItemRow>,
) -> StoreResult<Vec<NewsItem>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut assignments: HashMap<i64, Vec<NewsfeedAssignment>> = HashMap::new();
    if !ids.is_empty() {
        let found: Vec<NewsfeedAssignmentRow> = db
            .fetch_all(
                NewsfeedAssignments::select_rows()
                    .and_where(NewsfeedAssignments::NewsItemId.col().is_in(ids))
                    .order_by(NewsfeedAssignments::NewsfeedId, Order::Asc),
            )
            .await?;
        for a in found {
            assignments
                .entry(a.news_item_id)
                .or_default()
                .push(NewsfeedAssignment { newsfeed_id: a.newsfeed_id, published_at: a.published_at });
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| NewsItem {
            kind: "news-item",
            id: r.id,
            workspace_id: workspace_code.to_owned(),
            title: r.title,
            body: r.body,
            sender_id: r.sender_id,
            state: NewsItemState::parse(&r.state).unwrap_or(NewsItemState::Draft),
            labels: serde_json::from_str(&r.labels).unwrap_or_default(),
            cover_image_url: r.cover_image_url,
            reactions: serde_json::from_str(&r.reactions).unwrap_or_default(),
            deliver_silently: r.deliver_silently,
            created_at: r.created_at,
            updated_at: r.updated_at,
            newsfeed_assignments: assignments.remove(&r.id).unwrap_or_default(),
        })
        .collect())
}

async fn item(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<NewsItem> {
    let row: NewsItemRow =
        db.fetch_one(select_items(workspace_id).and_where(NewsItems::Id.col().eq(id))).await?;
    let code = workspace_code(db, workspace_id).await?;
    Ok(load(db, &code, vec![row]).await?.remove(0))
}

/// The sender must be a teammate of the workspace.
async fn check_sender(db: &mut impl Exec, workspace_id: i64, sender_id: i64) -> StoreResult<()> {
    match admins::get(db, workspace_id, sender_id).await {
        Err(StoreError::NotFound(_)) => Err(Missing::Admin.into()),
        other => other.map(|_| ()),
    }
}

/// Replaces an item's assignments with `wanted` (each newsfeed must be the workspace's),
/// keeping the publish date of a feed it stays on unless the request sends another.
async fn assign(
    db: &mut impl Exec,
    workspace_id: i64,
    item_id: i64,
    state: NewsItemState,
    wanted: &[AssignmentInput],
    at: i64,
) -> StoreResult<()> {
    let kept: Vec<NewsfeedAssignmentRow> = db
        .fetch_all(NewsfeedAssignments::select_rows().where_eq(NewsfeedAssignments::NewsItemId, item_id))
        .await?;
    for a in wanted {
        if newsfeed(db, workspace_id, a.newsfeed_id).await.is_err() {
            return Err(Rejection::invalid(
                "newsfeed_assignments",
                format!("newsfeed {} is not a newsfeed of this workspace", a.newsfeed_id),
            )
            .into());
        }
    }
    db.execute(NewsfeedAssignments::delete().where_eq(NewsfeedAssignments::NewsItemId, item_id)).await?;
    for a in wanted {
        let before = kept.iter().find(|k| k.newsfeed_id == a.newsfeed_id).and_then(|k| k.published_at);
        db.execute(&NewsfeedAssignments::insert([
            (NewsfeedAssignments::NewsItemId, item_id.into()),
            (NewsfeedAssignments::NewsfeedId, a.newsfeed_id.into()),
            (NewsfeedAssignments::WorkspaceId, workspace_id.into()),
            (NewsfeedAssignments::PublishedAt, published_at(state, a.published_at, before, at).into()),
        ]))
        .await?;
    }
    Ok(())
}

/// After a state change that left the assignments as they were: a draft is on no newsfeed yet,
/// and an item going live is published now where it had no date.
async fn republish(db: &mut impl Exec, item_id: i64, state: NewsItemState, at: i64) -> StoreResult<()> {
    let mut update = NewsfeedAssignments::update([(
        NewsfeedAssignments::PublishedAt,
        match state {
            NewsItemState::Draft => Expr::value(Option::<i64>::None),
            NewsItemState::Live => Expr::value(at),
        },
    )]);
    update.where_eq(NewsfeedAssignments::NewsItemId, item_id);
    if state == NewsItemState::Live {
        update.and_where(NewsfeedAssignments::PublishedAt.col().is_null());
    }
    db.execute(&update).await?;
    Ok(())
}

fn json_list<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

impl Store {
    /// Makes the default newsfeeds the first time they are needed: a read finds them on a read
    /// connection, and only the first request writes.
    async fn ensure_newsfeeds(&self, workspace_id: i64) -> StoreResult<()> {
        let any = select_newsfeeds(workspace_id).limit(1).to_owned();
        if self.conn().await?.fetch_optional::<NewsfeedRow>(&any).await?.is_some() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        ensure_newsfeeds(&mut tx, workspace_id).await?;
        tx.commit().await
    }

    pub async fn list_newsfeeds(&self, workspace_id: i64, page: Page) -> StoreResult<(Vec<Newsfeed>, i64)> {
        self.ensure_newsfeeds(workspace_id).await?;
        let mut conn = self.conn().await?;
        let total: i64 = conn
            .fetch_scalar(Newsfeeds::count(Newsfeeds::Id).where_eq(Newsfeeds::WorkspaceId, workspace_id))
            .await?;
        let rows: Vec<NewsfeedRow> = conn
            .fetch_all(
                select_newsfeeds(workspace_id)
                    .order_by(Newsfeeds::Id, Order::Asc)
                    .limit(page.per_page)
                    .offset(page.offset()),
            )
            .await?;
        Ok((rows.into_iter().map(Newsfeed::from).collect(), total))
    }

    pub async fn get_newsfeed(&self, workspace_id: i64, id: i64) -> StoreResult<Newsfeed> {
        self.ensure_newsfeeds(workspace_id).await?;
        let mut conn = self.conn().await?;
        let row = newsfeed(&mut conn, workspace_id, id).await?;
        Ok(row.into())
    }

    /// A newsfeed the operator adds (after the defaults, which every workspace has).
    pub async fn create_newsfeed(&self, workspace_id: i64, name: &str) -> StoreResult<Newsfeed> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Rejection::invalid("name", "name must not be blank").into());
        }
        let mut tx = self.begin().await?;
        ensure_newsfeeds(&mut tx, workspace_id).await?;
        let created_at = now();
        let id: i64 = tx
            .fetch_scalar(
                Newsfeeds::insert([
                    (Newsfeeds::WorkspaceId, workspace_id.into()),
                    (Newsfeeds::Name, name.into()),
                    (Newsfeeds::CreatedAt, created_at.into()),
                    (Newsfeeds::UpdatedAt, created_at.into()),
                ])
                .returning_col(Newsfeeds::Id),
            )
            .await?;
        let row = newsfeed(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// The workspace's news items, oldest first.
    pub async fn list_news_items(&self, workspace_id: i64, page: Page) -> StoreResult<(Vec<NewsItem>, i64)> {
        let mut conn = self.conn().await?;
        let total: i64 = conn
            .fetch_scalar(NewsItems::count(NewsItems::Id).where_eq(NewsItems::WorkspaceId, workspace_id))
            .await?;
        let rows: Vec<NewsItemRow> = conn
            .fetch_all(
                select_items(workspace_id)
                    .order_by(NewsItems::Id, Order::Asc)
                    .limit(page.per_page)
                    .offset(page.offset()),
            )
            .await?;
        let code = workspace_code(&mut conn, workspace_id).await?;
        Ok((load(&mut conn, &code, rows).await?, total))
    }

    /// The live items of a newsfeed, most recently published first.
    pub async fn list_newsfeed_items(
        &self,
        workspace_id: i64,
        newsfeed_id: i64,
        page: Page,
    ) -> StoreResult<(Vec<NewsItem>, i64)> {
        self.ensure_newsfeeds(workspace_id).await?;
        let mut conn = self.conn().await?;
        newsfeed(&mut conn, workspace_id, newsfeed_id).await?;
        let live = |select: &mut SelectStatement| {
            select
                .inner_join(
                    NewsItems::Table,
                    NewsItems::Id.col().equals((NewsfeedAssignments::Table, NewsfeedAssignments::NewsItemId)),
                )
                .and_where(NewsfeedAssignments::NewsfeedId.col().eq(newsfeed_id))
                .and_where(NewsItems::State.col().eq(NewsItemState::Live.as_str()))
                .take()
        };
        let total: i64 = conn
            .fetch_scalar(&live(&mut NewsfeedAssignments::count(NewsfeedAssignments::NewsItemId)))
            .await?;
        let mut select =
            NewsItems::select_all(&mut sea_query::Query::select()).from(NewsfeedAssignments::Table).take();
        let rows: Vec<NewsItemRow> = conn
            .fetch_all(
                live(&mut select)
                    .order_by((NewsfeedAssignments::Table, NewsfeedAssignments::PublishedAt), Order::Desc)
                    .order_by((NewsfeedAssignments::Table, NewsfeedAssignments::NewsItemId), Order::Desc)
                    .limit(page.per_page)
                    .offset(page.offset()),
            )
            .await?;
        let code = workspace_code(&mut conn, workspace_id).await?;
        let items = load(&mut conn, &code, rows).await?;
        Ok((items, total))
    }

    pub async fn get_news_item(&self, workspace_id: i64, id: i64) -> StoreResult<NewsItem> {
        item(&mut self.conn().await?, workspace_id, id).await
    }

    /// Creates a news item (checked with `NewsItemInput::check_new`) and its assignments.
    pub async fn create_news_item(&self, workspace_id: i64, input: &NewsItemInput) -> StoreResult<NewsItem> {
        let at = now();
        input.check_new(at)?;
        let mut tx = self.begin().await?;
        let sender_id = input.sender_id.unwrap_or_default();
        check_sender(&mut tx, workspace_id, sender_id).await?;
        ensure_newsfeeds(&mut tx, workspace_id).await?;
        let state = input.state.unwrap_or(NewsItemState::Draft);
        let labels = normalize_labels(input.labels.clone().unwrap_or_default());
        let id: i64 = tx
            .fetch_scalar(
                NewsItems::insert([
                    (NewsItems::WorkspaceId, workspace_id.into()),
                    (NewsItems::Title, input.title.clone().unwrap_or_default().into()),
                    (NewsItems::Body, input.body.clone().unwrap_or_default().into()),
                    (NewsItems::SenderId, sender_id.into()),
                    (NewsItems::State, state.as_str().into()),
                    (NewsItems::Labels, json_list(&labels).into()),
                    (NewsItems::Reactions, json_list(input.reactions.as_deref().unwrap_or_default()).into()),
                    (NewsItems::CoverImageUrl, input.cover_image_url.clone().flatten().into()),
                    (NewsItems::DeliverSilently, input.deliver_silently.unwrap_or(false).into()),
                    (NewsItems::CreatedAt, at.into()),
                    (NewsItems::UpdatedAt, at.into()),
                ])
                .returning_col(NewsItems::Id),
            )
            .await?;
        let wanted = input.newsfeed_assignments.as_deref().unwrap_or_default();
        assign(&mut tx, workspace_id, id, state, wanted, at).await?;
        let created = item(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Changes the fields `input` holds; `newsfeed_assignments`, when sent, replaces the item's.
    pub async fn update_news_item(
        &self,
        workspace_id: i64,
        id: i64,
        input: &NewsItemInput,
    ) -> StoreResult<NewsItem> {
        let at = now();
        let mut tx = self.begin().await?;
        let before: NewsItemRow =
            tx.fetch_one(select_items(workspace_id).and_where(NewsItems::Id.col().eq(id))).await?;
        input.check(at)?;
        if let Some(sender_id) = input.sender_id {
            check_sender(&mut tx, workspace_id, sender_id).await?;
        }
        let state =
            input.state.unwrap_or(NewsItemState::parse(&before.state).unwrap_or(NewsItemState::Draft));
        let mut values = vec![(NewsItems::State, state.as_str().into()), (NewsItems::UpdatedAt, at.into())];
        if let Some(title) = &input.title {
            values.push((NewsItems::Title, title.clone().into()));
        }
        if let Some(body) = &input.body {
            values.push((NewsItems::Body, body.clone().into()));
        }
        if let Some(sender_id) = input.sender_id {
            values.push((NewsItems::SenderId, sender_id.into()));
        }
        if let Some(labels) = &input.labels {
            values.push((NewsItems::Labels, json_list(&normalize_labels(labels.clone())).into()));
        }
        if let Some(reactions) = &input.reactions {
            values.push((NewsItems::Reactions, json_list(reactions).into()));
        }
        if let Some(url) = &input.cover_image_url {
            values.push((NewsItems::CoverImageUrl, url.clone().into()));
        }
        if let Some(silently) = input.deliver_silently {
            values.push((NewsItems::DeliverSilently, silently.into()));
        }
        tx.execute(
            NewsItems::update(values)
                .where_eq(NewsItems::WorkspaceId, workspace_id)
                .where_eq(NewsItems::Id, id),
        )
        .await?;
        match &input.newsfeed_assignments {
            Some(wanted) => assign(&mut tx, workspace_id, id, state, wanted, at).await?,
            None => republish(&mut tx, id, state, at).await?,
        }
        let updated = item(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a news item and takes it off its newsfeeds.
    pub async fn delete_news_item(&self, workspace_id: i64, id: i64) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        tx.fetch_one::<NewsItemRow>(select_items(workspace_id).and_where(NewsItems::Id.col().eq(id))).await?;
        tx.execute(NewsfeedAssignments::delete().where_eq(NewsfeedAssignments::NewsItemId, id)).await?;
        tx.execute(
            NewsItems::delete().where_eq(NewsItems::WorkspaceId, workspace_id).where_eq(NewsItems::Id, id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
