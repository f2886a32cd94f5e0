//! Data events and their summaries. An event is stored once per (workspace, contact, name,
//! time), so a repeated submission is accepted and ignored; summaries count every event of a
//! contact, however old, plus what was imported through `POST /events/summaries`.

use std::collections::BTreeMap;

use sea_query::{Cond, Expr, ExprTrait, LockType, OnConflict, Order, Query};

use crate::domain::contact::ContactRef;
use crate::domain::error::Missing;
use crate::domain::event::{
    DataEvent, EventPosition, EventQuery, EventSummaryItem, ImportedSummary, NewEvent, Tally,
};
use crate::domain::webhook;
use crate::store::backend::rows::row_struct;
use crate::store::contacts::{self, ContactIdentity};
use crate::store::schema::contacts::Contacts;
use crate::store::schema::events::{EventRow, EventSummaries, Events};
use crate::store::{Exec, Store, StoreResult, WhereEq, webhooks};

row_struct! {
    struct TallyRow {
        event_name: String,
        count: i64,
        first_at: i64,
        last_at: i64,
    }
}

/// A page of a contact's events, and where the next page starts if there is one.
pub struct EventPage {
    pub contact: ContactIdentity,
    pub events: Vec<DataEvent>,
    pub next: Option<EventPosition>,
}

/// The internal id of the contact `contact` names, kept from being deleted or merged away
/// until the transaction ends, so that what is written for it cannot lose a race with a
/// delete; `NotFound` if it already went. (PostgreSQL locks the row; SQLite's write
/// transactions are already serialised.)
async fn find_and_hold(
    db: &mut impl Exec,
    workspace_id: i64,
    contact: ContactRef<'_>,
) -> StoreResult<ContactIdentity> {
    let identity = contacts::find_by(db, workspace_id, contact).await?;
    let found: Option<(i64,)> = db
        .fetch_optional(
            Contacts::select([Contacts::Id]).where_eq(Contacts::Id, identity.id).lock(LockType::KeyShare),
        )
        .await?;
    found.ok_or(Missing::Contact)?;
    Ok(identity)
}

/// The imported summaries of a contact, by event name.
async fn imported(
    db: &mut impl Exec,
    workspace_id: i64,
    contact_id: i64,
) -> StoreResult<BTreeMap<String, Tally>> {
    let rows: Vec<TallyRow> = db
        .fetch_all(
            EventSummaries::select([
                EventSummaries::EventName,
                EventSummaries::Count,
                EventSummaries::FirstAt,
                EventSummaries::LastAt,
            ])
            .where_eq(EventSummaries::WorkspaceId, workspace_id)
            .where_eq(EventSummaries::ContactId, contact_id),
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
        EventSummaries::insert([
            (EventSummaries::WorkspaceId, workspace_id.into()),
            (EventSummaries::ContactId, contact_id.into()),
            (EventSummaries::EventName, summary.event_name.clone().into()),
            (EventSummaries::Count, summary.tally.count.into()),
            (EventSummaries::FirstAt, summary.tally.first.into()),
            (EventSummaries::LastAt, summary.tally.last.into()),
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
        let contact = find_and_hold(&mut tx, workspace_id, contact).await?;
        let metadata = if event.metadata.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&event.metadata).expect("metadata serializes"))
        };
        let inserted: Option<(i64,)> = tx
            .fetch_optional(
                Events::insert_or_ignore(
                    [
                        (Events::WorkspaceId, workspace_id.into()),
                        (Events::ContactId, contact.id.into()),
                        (Events::EventName, event.event_name.clone().into()),
                        (Events::CreatedAt, event.created_at.into()),
                        (Events::Metadata, metadata.into()),
                    ],
                    [Events::WorkspaceId, Events::ContactId, Events::EventName, Events::CreatedAt],
                )
                .returning_col(Events::Id),
            )
            .await?;
        // A duplicate changes nothing, so it notifies nothing.
        if let Some((id,)) = inserted {
            let item = DataEvent {
                kind: "event",
                id,
                event_name: event.event_name.clone(),
                created_at: event.created_at,
                user_id: contact.external_id,
                email: contact.email,
                intercom_user_id: contact.public_id,
                metadata: (!event.metadata.is_empty()).then(|| event.metadata.clone()),
            };
            webhooks::notify(&mut tx, workspace_id, webhook::EVENT_CREATED, &item).await?;
        }
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
                Events::select_all(&mut Query::select())
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
                    .where_eq(Events::WorkspaceId, workspace_id)
                    .where_eq(Events::ContactId, found.id)
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
        let contact_id = find_and_hold(&mut tx, workspace_id, contact).await?.id;
        upsert_summary(&mut tx, workspace_id, contact_id, summary).await?;
        tx.commit().await?;
        Ok(())
    }
}
