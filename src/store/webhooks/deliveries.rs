//! Deliveries: claimed by workers with a lease, finished with their outcome, listed, redelivered.
//!
//! A claim is one `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING`: on
//! PostgreSQL two processes never claim the same row (each skips the other's locked rows), on
//! SQLite the single writer makes the statement atomic. A claim sets `delivering` and moves
//! `next_attempt_ms` to the lease's end, so a claim left by a killed process is due again then.
//! Its outcome is written only while the claim holds (same status and attempt count).

use sea_query::{CaseStatement, Cond, Expr, ExprTrait, LockBehavior, LockType, Order, Query};
use serde_json::Value;

use crate::domain::clock::Clock;
use crate::domain::error::Missing;
use crate::domain::version::Version;
use crate::domain::webhook::{Delivery, DeliveryStatus};
use crate::store::backend::rows::row_struct;
use crate::store::schema::webhooks::{
    Notifications, WebhookDeliveries, WebhookDeliveryRow, WebhookSubscriptions,
};
use crate::store::schema::workspaces::{WorkspaceClocks, Workspaces};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq};

/// Milliseconds since the UNIX epoch, real time: backoff and leases.
pub fn real_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Pending or claimed, written out so that both planners use the partial index
/// `webhook_deliveries_due`, whose predicate it is.
fn queued() -> Expr {
    Expr::cust(r#""webhook_deliveries"."status" IN ('pending', 'delivering')"#)
}

/// What a worker needs to send one claimed delivery.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub workspace_id: i64,
    pub subscription_id: i64,
    /// This attempt's number (the claim's).
    pub attempt: i64,
    pub queued_ms: i64,
    pub first_sent_at: Option<i64>,
    pub url: String,
    pub api_version: Version,
    pub notification_id: String,
    pub topic: String,
    pub item: Value,
    pub created_at: i64,
    pub app_id: String,
    pub client_secret: String,
    /// The workspace's clock when the delivery was claimed: its `sent_at` and `delivered_at`.
    pub clock: Clock,
}

row_struct! {
    struct TargetRow {
        delivery_id: i64,
        url: String,
        api_version: String,
        public_id: String,
        topic: String,
        item: String,
        created_at: i64,
        id_code: String,
        client_secret: Option<String>,
        clock_frozen_at: Option<i64>,
        clock_offset: Option<i64>,
    }
}

row_struct! {
    struct ListedRow {
        delivery: WebhookDeliveryRow,
        public_id: String,
        topic: String,
        created_at: i64,
    }
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The HTTP status; `None` when there was no answer (refused, timed out).
    pub code: Option<u16>,
    pub excerpt: String,
    pub duration_ms: i64,
    /// What a 429 or 503 asked for in `Retry-After`, in milliseconds.
    pub retry_after_ms: Option<i64>,
    /// When this attempt was sent, by the workspace's clock.
    pub sent_at: i64,
    /// When its answer (or its failure) came, by the workspace's clock: a delivery's
    /// `delivered_at`.
    pub answered_at: i64,
}

/// An attempt made, its outcome to be written.
#[derive(Debug, Clone)]
pub struct Finished {
    pub claimed: ClaimedDelivery,
    pub outcome: Outcome,
    /// Spreads the retry's backoff (0..1).
    pub jitter: f64,
}

impl Outcome {
    pub fn delivered(&self) -> bool {
        self.code.is_some_and(|c| (200..300).contains(&c))
    }
}

/// How failed attempts are retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub base_ms: u64,
    /// After this long since a delivery was queued, a failed attempt is its last.
    pub max_ms: i64,
}

fn listed(row: ListedRow) -> Delivery {
    let d = row.delivery;
    let status = DeliveryStatus::parse(&d.status).unwrap_or(DeliveryStatus::Failed);
    Delivery {
        kind: "webhook_delivery",
        id: d.id.to_string(),
        notification_id: row.public_id,
        topic: row.topic,
        status,
        attempts: d.attempts,
        created_at: row.created_at,
        first_sent_at: d.first_sent_at,
        delivered_at: d.delivered_at,
        response_code: d.response_code,
        response_excerpt: d.response_excerpt,
        duration_ms: d.duration_ms,
        next_attempt_at: (status == DeliveryStatus::Pending).then_some(d.next_attempt_ms.div_euclid(1000)),
    }
}

fn listing() -> sea_query::SelectStatement {
    let mut select = Query::select();
    WebhookDeliveries::select_all(&mut select);
    select
        .expr_as(Notifications::PublicId.col(), "public_id")
        .expr_as(Notifications::Topic.col(), "topic")
        .expr_as(Notifications::CreatedAt.col(), "created_at")
        .from(WebhookDeliveries::Table)
        .inner_join(
            Notifications::Table,
            Notifications::Id.col().equals((WebhookDeliveries::Table, WebhookDeliveries::NotificationId)),
        )
        .take()
}

async fn subscription_exists(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<()> {
    db.fetch_optional::<(i64,)>(
        WebhookSubscriptions::select([WebhookSubscriptions::Id])
            .where_eq(WebhookSubscriptions::WorkspaceId, workspace_id)
            .where_eq(WebhookSubscriptions::Id, id),
    )
    .await?
    .map(|_| ())
    .ok_or(StoreError::NotFound(Missing::Resource))
}

/// Marks delivered attempts with one UPDATE (each column a CASE over the ids), each only while
/// its claim holds (still `delivering`, same attempt); answers the ids it wrote.
async fn finish_delivered<'a>(
    db: &mut impl Exec,
    delivered: impl Iterator<Item = &'a Finished>,
) -> StoreResult<Vec<i64>> {
    let delivered: Vec<&Finished> = delivered.collect();
    if delivered.is_empty() {
        return Ok(Vec::new());
    }
    let by_id = |value: &dyn Fn(&Finished) -> Expr| -> Expr {
        delivered
            .iter()
            .fold(CaseStatement::new(), |case, f| {
                case.case(WebhookDeliveries::Id.col().eq(f.claimed.id), value(f))
            })
            .into()
    };
    let claims_held = delivered.iter().fold(Cond::any(), |any, f| {
        any.add(
            WebhookDeliveries::Id
                .col()
                .eq(f.claimed.id)
                .and(WebhookDeliveries::Attempts.col().eq(f.claimed.attempt)),
        )
    });
    let update = WebhookDeliveries::update([
        (WebhookDeliveries::Status, DeliveryStatus::Delivered.as_str().into()),
        (
            WebhookDeliveries::FirstSentAt,
            by_id(&|f| f.claimed.first_sent_at.unwrap_or(f.outcome.sent_at).into()),
        ),
        (WebhookDeliveries::DeliveredAt, by_id(&|f| f.outcome.answered_at.into())),
        (WebhookDeliveries::ResponseCode, by_id(&|f| f.outcome.code.map(i64::from).into())),
        (WebhookDeliveries::ResponseExcerpt, by_id(&|f| f.outcome.excerpt.clone().into())),
        (WebhookDeliveries::DurationMs, by_id(&|f| f.outcome.duration_ms.into())),
    ])
    .where_eq(WebhookDeliveries::Status, DeliveryStatus::Delivering.as_str())
    .cond_where(claims_held)
    .returning_col(WebhookDeliveries::Id)
    .take();
    let written: Vec<(i64,)> = db.fetch_all(&update).await?;
    Ok(written.into_iter().map(|(id,)| id).collect())
}

impl Store {
    /// Claims up to `limit` due deliveries for `lease_ms`, oldest due first.
    pub async fn claim_deliveries(&self, limit: u64, lease_ms: i64) -> StoreResult<Vec<ClaimedDelivery>> {
        let now_ms = real_now_ms();
        let due = Query::select()
            .column(WebhookDeliveries::Id)
            .from(WebhookDeliveries::Table)
            .and_where(queued())
            .and_where(WebhookDeliveries::NextAttemptMs.col().lte(now_ms))
            .order_by(WebhookDeliveries::NextAttemptMs, Order::Asc)
            .limit(limit)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .take();
        // Most polls find nothing: a read says so without taking the write lock.
        let any: Option<(i64,)> = self
            .conn()
            .await?
            .fetch_optional(
                Query::select()
                    .column(WebhookDeliveries::Id)
                    .from(WebhookDeliveries::Table)
                    .and_where(queued())
                    .and_where(WebhookDeliveries::NextAttemptMs.col().lte(now_ms))
                    .limit(1),
            )
            .await?;
        if any.is_none() {
            return Ok(Vec::new());
        }
        let claim = Query::update()
            .table(WebhookDeliveries::Table)
            .value(WebhookDeliveries::Status, DeliveryStatus::Delivering.as_str())
            .value(WebhookDeliveries::Attempts, Expr::col(WebhookDeliveries::Attempts).add(1))
            .value(WebhookDeliveries::NextAttemptMs, now_ms + lease_ms)
            .and_where(Expr::col(WebhookDeliveries::Id).in_subquery(due))
            .returning(Query::returning().columns(WebhookDeliveries::COLUMNS.iter().copied()))
            .take();
        let mut tx = self.begin_single().await?;
        let claimed: Vec<WebhookDeliveryRow> = tx.fetch_all(&claim).await?;
        tx.commit().await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let targets: Vec<TargetRow> = self
            .conn()
            .await?
            .fetch_all(
                Query::select()
                    .expr_as(WebhookDeliveries::Id.col(), "delivery_id")
                    .expr_as(WebhookSubscriptions::Url.col(), "url")
                    .expr_as(WebhookSubscriptions::ApiVersion.col(), "api_version")
                    .expr_as(Notifications::PublicId.col(), "public_id")
                    .expr_as(Notifications::Topic.col(), "topic")
                    .expr_as(Notifications::Item.col(), "item")
                    .expr_as(Notifications::CreatedAt.col(), "created_at")
                    .expr_as(Workspaces::IdCode.col(), "id_code")
                    .expr_as(Workspaces::ClientSecret.col(), "client_secret")
                    .expr_as(WorkspaceClocks::ClockFrozenAt.col(), "clock_frozen_at")
                    .expr_as(WorkspaceClocks::ClockOffset.col(), "clock_offset")
                    .from(WebhookDeliveries::Table)
                    .inner_join(
                        Notifications::Table,
                        Notifications::Id
                            .col()
                            .equals((WebhookDeliveries::Table, WebhookDeliveries::NotificationId)),
                    )
                    .inner_join(
                        WebhookSubscriptions::Table,
                        WebhookSubscriptions::Id
                            .col()
                            .equals((WebhookDeliveries::Table, WebhookDeliveries::SubscriptionId)),
                    )
                    .inner_join(
                        Workspaces::Table,
                        Workspaces::Id
                            .col()
                            .equals((WebhookDeliveries::Table, WebhookDeliveries::WorkspaceId)),
                    )
                    .left_join(
                        WorkspaceClocks::Table,
                        WorkspaceClocks::WorkspaceId
                            .col()
                            .equals((WebhookDeliveries::Table, WebhookDeliveries::WorkspaceId)),
                    )
                    .and_where(WebhookDeliveries::Id.col().is_in(claimed.iter().map(|d| d.id))),
            )
            .await?;
        // A delivery recorded while its subscription was being deleted has nowhere to go.
        let orphans: Vec<i64> =
            claimed.iter().filter(|d| !targets.iter().any(|t| t.delivery_id == d.id)).map(|d| d.id).collect();
        if !orphans.is_empty() {
            let mut tx = self.begin_single().await?;
            tx.execute(WebhookDeliveries::delete().and_where(WebhookDeliveries::Id.col().is_in(orphans)))
                .await?;
            tx.commit().await?;
        }
        Ok(claimed
            .into_iter()
            .filter_map(|d| {
                let t = targets.iter().find(|t| t.delivery_id == d.id)?;
                Some(ClaimedDelivery {
                    id: d.id,
                    workspace_id: d.workspace_id,
                    subscription_id: d.subscription_id,
                    attempt: d.attempts,
                    queued_ms: d.queued_ms,
                    first_sent_at: d.first_sent_at,
                    url: t.url.clone(),
                    api_version: Version::parse(&t.api_version).unwrap_or(Version::DEFAULT),
                    notification_id: t.public_id.clone(),
                    topic: t.topic.clone(),
                    item: serde_json::from_str(&t.item).unwrap_or(Value::Null),
                    created_at: t.created_at,
                    app_id: t.id_code.clone(),
                    client_secret: t.client_secret.clone().unwrap_or_default(),
                    // A workspace on real time has no clock row.
                    clock: Clock { frozen_at: t.clock_frozen_at, offset: t.clock_offset.unwrap_or(0) },
                })
            })
            .collect())
    }

    /// Writes attempts' outcomes, each while its claim holds: delivered, retried later, or
    /// failed once the retry window is over. A 429 also holds back the subscription's other
    /// pending deliveries until the retry. One transaction for the lot: on SQLite every
    /// transaction takes the one writer lock the API's writes wait on, so the worker writes what
    /// finished meanwhile together. For each, false when the claim was lost (taken over,
    /// redelivered).
    pub async fn finish_deliveries(
        &self,
        finished: &[Finished],
        policy: RetryPolicy,
    ) -> StoreResult<Vec<bool>> {
        let now_ms = real_now_ms();
        let mut tx = self.begin().await?;
        // The common case, delivered, is one statement for all of them.
        let delivered_ids =
            finish_delivered(&mut tx, finished.iter().filter(|f| f.outcome.delivered())).await?;
        let mut written = Vec::with_capacity(finished.len());
        for Finished { claimed, outcome, jitter } in finished {
            if outcome.delivered() {
                written.push(delivered_ids.contains(&claimed.id));
                continue;
            }
            let mut values: Vec<(WebhookDeliveries, Expr)> = vec![
                (WebhookDeliveries::FirstSentAt, claimed.first_sent_at.unwrap_or(outcome.sent_at).into()),
                (WebhookDeliveries::ResponseCode, outcome.code.map(i64::from).into()),
                (WebhookDeliveries::ResponseExcerpt, outcome.excerpt.clone().into()),
                (WebhookDeliveries::DurationMs, outcome.duration_ms.into()),
            ];
            let mut slow_down = None;
            let backoff = crate::domain::webhook::backoff_ms(policy.base_ms, claimed.attempt, *jitter);
            let delay = Ord::max(backoff, outcome.retry_after_ms.unwrap_or(0));
            let next = now_ms.saturating_add(delay);
            if next - claimed.queued_ms > policy.max_ms {
                values.push((WebhookDeliveries::Status, DeliveryStatus::Failed.as_str().into()));
            } else {
                values.push((WebhookDeliveries::Status, DeliveryStatus::Pending.as_str().into()));
                values.push((WebhookDeliveries::NextAttemptMs, next.into()));
                if outcome.code == Some(429) {
                    slow_down = Some(next);
                }
            }
            let rows = tx
                .execute(
                    WebhookDeliveries::update(values)
                        .where_eq(WebhookDeliveries::Id, claimed.id)
                        .where_eq(WebhookDeliveries::Status, DeliveryStatus::Delivering.as_str())
                        .where_eq(WebhookDeliveries::Attempts, claimed.attempt),
                )
                .await?;
            if let Some(next) = slow_down {
                tx.execute(
                    WebhookDeliveries::update([(WebhookDeliveries::NextAttemptMs, next.into())])
                        .where_eq(WebhookDeliveries::SubscriptionId, claimed.subscription_id)
                        .where_eq(WebhookDeliveries::Status, DeliveryStatus::Pending.as_str())
                        .and_where(WebhookDeliveries::NextAttemptMs.col().lt(next)),
                )
                .await?;
            }
            written.push(rows == 1);
        }
        tx.commit().await?;
        Ok(written)
    }

    /// Gives a claim back unsent, due again in `delay_ms`, as if it had not been claimed.
    pub async fn release_delivery(&self, claimed: &ClaimedDelivery, delay_ms: i64) -> StoreResult<()> {
        let mut tx = self.begin_single().await?;
        tx.execute(
            WebhookDeliveries::update([
                (WebhookDeliveries::Status, DeliveryStatus::Pending.as_str().into()),
                (WebhookDeliveries::Attempts, (claimed.attempt - 1).into()),
                (WebhookDeliveries::NextAttemptMs, (real_now_ms() + delay_ms).into()),
            ])
            .where_eq(WebhookDeliveries::Id, claimed.id)
            .where_eq(WebhookDeliveries::Status, DeliveryStatus::Delivering.as_str())
            .where_eq(WebhookDeliveries::Attempts, claimed.attempt),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A subscription's deliveries, newest first, after the delivery `starting_after`.
    pub async fn list_deliveries(
        &self,
        workspace_id: i64,
        subscription_id: i64,
        starting_after: Option<i64>,
        per_page: u64,
    ) -> StoreResult<Vec<Delivery>> {
        let mut conn = self.conn().await?;
        subscription_exists(&mut conn, workspace_id, subscription_id).await?;
        let mut select = listing()
            .and_where(
                Expr::col((WebhookDeliveries::Table, WebhookDeliveries::SubscriptionId)).eq(subscription_id),
            )
            .order_by((WebhookDeliveries::Table, WebhookDeliveries::Id), Order::Desc)
            .limit(per_page)
            .take();
        if let Some(after) = starting_after {
            select.and_where(Expr::col((WebhookDeliveries::Table, WebhookDeliveries::Id)).lt(after));
        }
        let rows: Vec<ListedRow> = conn.fetch_all(&select).await?;
        Ok(rows.into_iter().map(listed).collect())
    }

    /// Queues a notification's delivery to a subscription again, now, with a fresh retry window.
    pub async fn redeliver(
        &self,
        workspace_id: i64,
        subscription_id: i64,
        notification_id: &str,
    ) -> StoreResult<Delivery> {
        let mut tx = self.begin().await?;
        subscription_exists(&mut tx, workspace_id, subscription_id).await?;
        let find = listing()
            .and_where(
                Expr::col((WebhookDeliveries::Table, WebhookDeliveries::SubscriptionId)).eq(subscription_id),
            )
            .and_where(Notifications::WorkspaceId.col().eq(workspace_id))
            .and_where(Notifications::PublicId.col().eq(notification_id))
            .take();
        let row: ListedRow =
            tx.fetch_optional(&find).await?.ok_or(StoreError::NotFound(Missing::Resource))?;
        let now_ms = real_now_ms();
        tx.execute(
            WebhookDeliveries::update([
                (WebhookDeliveries::Status, DeliveryStatus::Pending.as_str().into()),
                (WebhookDeliveries::QueuedMs, now_ms.into()),
                (WebhookDeliveries::NextAttemptMs, now_ms.into()),
            ])
            .where_eq(WebhookDeliveries::Id, row.delivery.id),
        )
        .await?;
        let row: ListedRow = tx
            .fetch_one(
                &listing()
                    .and_where(
                        Expr::col((WebhookDeliveries::Table, WebhookDeliveries::Id)).eq(row.delivery.id),
                    )
                    .take(),
            )
            .await?;
        tx.commit().await?;
        Ok(listed(row))
    }
}
