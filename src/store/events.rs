//! Data events and their summaries. An event is stored once per (workspace, contact, name,
//! time), so a repeated submission is accepted and ignored; summaries count every event of a
//! contact, however old, plus what was imported through `POST /events/summaries`.

use crate::store::backend::rows::row_struct;
use std::collections::BTreeMap;

use sea_query::{Alias, Cond, Expr, ExprTrait, Iden, LockType, OnConflict, Order, Query};

use crate::domain::event::{DataEvent, EventSummaryItem, Metadata, Tally};
use crate::store::contacts::{self, ContactIdentity, ContactRef, Contacts};
use crate::store::{Exec, Store, StoreResult};

#[derive(Iden, Clone, Copy)]
pub(crate) enum Events {
    Table,
    Id,
    WorkspaceId,
    ContactId,
    EventName,
    CreatedAt,
    Metadata,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum EventSummaries {
    Table,
    WorkspaceId,
    ContactId,
    EventName,
    Count,
    FirstAt,
    LastAt,
}

row_struct! {
    struct EventRow {
        id: i64,
        event_name: String,
        created_at: i64,
        metadata: Option<String>,
    }
}

row_struct! {
    struct TallyRow {
        event_name: String,
        count: i64,
        first_at: i64,
        last_at: i64,
    }
}

/// An event as submitted, already validated.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_name: String,
    pub created_at: i64,
    pub metadata: Metadata,
}

/// A summary to import for one event name, already validated.
#[derive(Debug, Clone)]
pub struct ImportedSummary {
    pub event_name: String,
    pub tally: Tally,
}

/// Where a page of a listing starts: strictly older than this event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventPosition {
    pub created_at: i64,
    pub id: i64,
}

/// Which of a contact's events to list, newest first.
#[derive(Debug, Clone, Copy)]
pub struct EventQuery {
    /// Events older than this are left out (the 90-day window).
    pub created_since: i64,
    pub after: Option<EventPosition>,
    pub limit: u64,
}

/// A page of a contact's events, and where the next page starts if there is one.
pub struct EventPage {
    pub contact: ContactIdentity,
    pub events: Vec<DataEvent>,
    pub next: Option<EventPosition>,
}

/// Moves the events and imported summaries of contact `from` to contact `into` (a merge).
/// An event `into` already has (same name and time) is a duplicate: `into` keeps its own, and
/// `from`'s goes when `from` is deleted. Imported summaries of the same name add up.
pub(crate) async fn move_events(db: &mut impl Exec, from: i64, into: i64) -> StoreResult<()> {
    let theirs = Alias::new("theirs");
    let duplicate = Query::select()
        .expr(Expr::val(1))
        .from_as(Events::Table, theirs.clone())
        .and_where(
            Expr::col((theirs.clone(), Events::WorkspaceId)).equals((Events::Table, Events::WorkspaceId)),
        )
        .and_where(Expr::col((theirs.clone(), Events::ContactId)).eq(into))
        .and_where(Expr::col((theirs.clone(), Events::EventName)).equals((Events::Table, Events::EventName)))
        .and_where(Expr::col((theirs, Events::CreatedAt)).equals((Events::Table, Events::CreatedAt)))
        .take();
    db.execute(
        Query::update()
            .table(Events::Table)
            .value(Events::ContactId, into)
            .and_where(Expr::col((Events::Table, Events::ContactId)).eq(from))
            .and_where(Expr::exists(duplicate).not()),
    )
    .await?;

    // Imported summaries: the lead's join the user's, adding up where both have the name.
    let summary = |c: EventSummaries| Expr::col((EventSummaries::Table, c));
    let excluded = |c: EventSummaries| Expr::col((Alias::new("excluded"), c));
    let columns = [
        EventSummaries::WorkspaceId,
        EventSummaries::ContactId,
        EventSummaries::EventName,
        EventSummaries::Count,
        EventSummaries::FirstAt,
        EventSummaries::LastAt,
    ];
    let lead_summaries = Query::select()
        .column(EventSummaries::WorkspaceId)
        .expr(Expr::val(into))
        .columns([
            EventSummaries::EventName,
            EventSummaries::Count,
            EventSummaries::FirstAt,
            EventSummaries::LastAt,
        ])
        .from(EventSummaries::Table)
        .and_where(Expr::col(EventSummaries::ContactId).eq(from))
        .take();
    db.execute(
        Query::insert()
            .into_table(EventSummaries::Table)
            .columns(columns)
            .select_from(lead_summaries)
            .expect("the select has one expression per column")
            .on_conflict(
                OnConflict::columns([
                    EventSummaries::WorkspaceId,
                    EventSummaries::ContactId,
                    EventSummaries::EventName,
                ])
                .values([
                    (
                        EventSummaries::Count,
                        summary(EventSummaries::Count).add(excluded(EventSummaries::Count)),
                    ),
                    (
                        EventSummaries::FirstAt,
                        Expr::case(
                            excluded(EventSummaries::FirstAt).lt(summary(EventSummaries::FirstAt)),
                            excluded(EventSummaries::FirstAt),
                        )
                        .finally(summary(EventSummaries::FirstAt))
                        .into(),
                    ),
                    (
                        EventSummaries::LastAt,
                        Expr::case(
                            excluded(EventSummaries::LastAt).gt(summary(EventSummaries::LastAt)),
                            excluded(EventSummaries::LastAt),
                        )
                        .finally(summary(EventSummaries::LastAt))
                        .into(),
                    ),
                ])
                .to_owned(),
            ),
    )
    .await?;
    Ok(())
}

/// Keeps the contact from being deleted or merged away until the transaction ends, so that
/// what is written for it cannot lose a race with a delete; `NotFound` if it already went.
/// (PostgreSQL locks the row; SQLite's write transactions are already serialised.)
async fn hold(db: &mut impl Exec, contact_id: i64) -> StoreResult<()> {
    db.fetch_one::<(i64,)>(
        Query::select()
            .column(Contacts::Id)
            .from(Contacts::Table)
            .and_where(Expr::col(Contacts::Id).eq(contact_id))
            .lock(LockType::KeyShare),
    )
    .await?;
    Ok(())
}

/// The imported summaries of a contact, by event name.
async fn imported(
    db: &mut impl Exec,
    workspace_id: i64,
    contact_id: i64,
) -> StoreResult<BTreeMap<String, Tally>> {
    let rows: Vec<TallyRow> = db
        .fetch_all(
            Query::select()
                .columns([
                    EventSummaries::EventName,
                    EventSummaries::Count,
                    EventSummaries::FirstAt,
                    EventSummaries::LastAt,
                ])
                .from(EventSummaries::Table)
                .and_where(Expr::col(EventSummaries::WorkspaceId).eq(workspace_id))
                .and_where(Expr::col(EventSummaries::ContactId).eq(contact_id)),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.event_name, Tally { count: r.count, first: r.first_at, last: r.last_at }))
        .collect())
}

/// Sets a contact's imported summary of one event name, replacing any before it.
async fn upsert_summary(
    db: &mut impl Exec,
    workspace_id: i64,
    contact_id: i64,
    summary: &ImportedSummary,
) -> StoreResult<()> {
    db.execute(
        Query::insert()
            .into_table(EventSummaries::Table)
            .columns([
                EventSummaries::WorkspaceId,
                EventSummaries::ContactId,
                EventSummaries::EventName,
                EventSummaries::Count,
                EventSummaries::FirstAt,
                EventSummaries::LastAt,
            ])
            .values_panic([
                workspace_id.into(),
                contact_id.into(),
                summary.event_name.clone().into(),
                summary.tally.count.into(),
                summary.tally.first.into(),
                summary.tally.last.into(),
            ])
            .on_conflict(
                OnConflict::columns([
                    EventSummaries::WorkspaceId,
                    EventSummaries::ContactId,
                    EventSummaries::EventName,
                ])
                .update_columns([EventSummaries::Count, EventSummaries::FirstAt, EventSummaries::LastAt])
                .to_owned(),
            ),
    )
    .await?;
    Ok(())
}

impl Store {
    /// Records an event of the contact `contact` names. A duplicate (same contact, name and
    /// time) is ignored: the first one, metadata and all, stays.
    pub async fn create_event(
        &self,
        workspace_id: i64,
        contact: ContactRef<'_>,
        event: &NewEvent,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let found = contacts::find_by(&mut tx, workspace_id, contact).await?;
        hold(&mut tx, found.id).await?;
        let metadata = if event.metadata.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&event.metadata).expect("metadata serializes"))
        };
        tx.execute(
            Query::insert()
                .into_table(Events::Table)
                .columns([
                    Events::WorkspaceId,
                    Events::ContactId,
                    Events::EventName,
                    Events::CreatedAt,
                    Events::Metadata,
                ])
                .values_panic([
                    workspace_id.into(),
                    found.id.into(),
                    event.event_name.clone().into(),
                    event.created_at.into(),
                    metadata.into(),
                ])
                .on_conflict(
                    OnConflict::columns([
                        Events::WorkspaceId,
                        Events::ContactId,
                        Events::EventName,
                        Events::CreatedAt,
                    ])
                    .do_nothing()
                    .to_owned(),
                ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of a contact's events, newest first.
    pub async fn list_events(
        &self,
        workspace_id: i64,
        contact: ContactRef<'_>,
        query: &EventQuery,
    ) -> StoreResult<EventPage> {
        let mut conn = self.conn().await?;
        let found = contacts::find_by(&mut conn, workspace_id, contact).await?;
        let created_at = Expr::col(Events::CreatedAt);
        let mut filter = Cond::all()
            .add(Expr::col(Events::WorkspaceId).eq(workspace_id))
            .add(Expr::col(Events::ContactId).eq(found.id))
            .add(created_at.clone().gte(query.created_since));
        if let Some(after) = query.after {
            filter = filter.add(Cond::any().add(created_at.clone().lt(after.created_at)).add(
                Cond::all().add(created_at.eq(after.created_at)).add(Expr::col(Events::Id).lt(after.id)),
            ));
        }
        let mut rows: Vec<EventRow> = conn
            .fetch_all(
                Query::select()
                    .columns([Events::Id, Events::EventName, Events::CreatedAt, Events::Metadata])
                    .from(Events::Table)
                    .cond_where(filter)
                    .order_by(Events::CreatedAt, Order::Desc)
                    .order_by(Events::Id, Order::Desc)
                    .limit(query.limit + 1),
            )
            .await?;
        let has_more = rows.len() as u64 > query.limit;
        rows.truncate(query.limit as usize);
        let next =
            rows.last().filter(|_| has_more).map(|r| EventPosition { created_at: r.created_at, id: r.id });
        let events = rows
            .into_iter()
            .map(|r| DataEvent {
                kind: "event",
                id: r.id,
                event_name: r.event_name,
                created_at: r.created_at,
                user_id: found.external_id.clone(),
                email: found.email.clone(),
                intercom_user_id: found.public_id.clone(),
                // Written by `create_event`, so it parses; a damaged value shows as no metadata.
                metadata: r.metadata.and_then(|m| serde_json::from_str(&m).ok()),
            })
            .collect();
        Ok(EventPage { contact: found, events, next })
    }

    /// A contact's summary per event name (count, first, last) over all its events, however
    /// old, and its imported summaries; in name order.
    pub async fn event_summaries(
        &self,
        workspace_id: i64,
        contact: ContactRef<'_>,
    ) -> StoreResult<(ContactIdentity, Vec<EventSummaryItem>)> {
        let mut conn = self.conn().await?;
        let found = contacts::find_by(&mut conn, workspace_id, contact).await?;
        let recorded: Vec<TallyRow> = conn
            .fetch_all(
                Query::select()
                    .column(Events::EventName)
                    .expr_as(Expr::col(Events::Id).count(), "count")
                    .expr_as(Expr::col(Events::CreatedAt).min(), "first_at")
                    .expr_as(Expr::col(Events::CreatedAt).max(), "last_at")
                    .from(Events::Table)
                    .and_where(Expr::col(Events::WorkspaceId).eq(workspace_id))
                    .and_where(Expr::col(Events::ContactId).eq(found.id))
                    .group_by_col(Events::EventName),
            )
            .await?;
        let mut tallies = imported(&mut conn, workspace_id, found.id).await?;
        for r in recorded {
            let tally = Tally { count: r.count, first: r.first_at, last: r.last_at };
            tallies.entry(r.event_name).and_modify(|t| *t = t.combine(tally)).or_insert(tally);
        }
        let items = tallies
            .into_iter()
            .map(|(name, t)| EventSummaryItem { name, first: t.first, last: t.last, count: t.count })
            .collect();
        Ok((found, items))
    }

    /// Sets a contact's imported summary of one event name.
    pub async fn import_event_summary(
        &self,
        workspace_id: i64,
        contact: ContactRef<'_>,
        summary: &ImportedSummary,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let found = contacts::find_by(&mut tx, workspace_id, contact).await?;
        hold(&mut tx, found.id).await?;
        upsert_summary(&mut tx, workspace_id, found.id, summary).await?;
        tx.commit().await?;
        Ok(())
    }
}
