//! Webhook subscriptions and the outbox.
//!
//! A write that causes a notification calls [`notify`] (or [`subscribers`] then [`record`], when
//! its item costs a read) on its own transaction, so the notification and one delivery per
//! subscription commit with the write or not at all. A workspace with no subscription for the
//! topic costs that write one indexed lookup of its subscriptions. `deliveries` holds what the
//! workers of `serve` do with the rows.

pub mod deliveries;

use sea_query::{Alias, CommonTableExpression, Expr, ExprTrait, Order, Query, WithClause};
use serde::Serialize;
use serde_json::Value;

use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::version::Version;
use crate::domain::webhook::{self, DeliveryStatus, NewSubscription, Subscription};
use crate::store::schema::webhooks::{
    Notifications, WebhookDeliveries, WebhookSubscriptionRow, WebhookSubscriptions,
};
use crate::store::schema::workspaces::Workspaces;
use crate::store::{Backend, Exec, Store, StoreError, StoreResult, WhereEq, now, real_now};

fn subscription(row: WebhookSubscriptionRow) -> Subscription {
    Subscription {
        kind: "webhook_subscription",
        id: row.id.to_string(),
        url: row.url,
        // Only this module writes the column, as a JSON array of names.
        topics: serde_json::from_str(&row.topics).unwrap_or_default(),
        api_version: Version::parse(&row.api_version).unwrap_or(Version::DEFAULT),
        active: row.active,
        created_at: row.created_at,
    }
}

/// The workspace's active subscriptions with their topics, read once for a write that may send
/// several topics (and may need a read to know which).
pub struct Listeners(Vec<(i64, String)>);

impl Listeners {
    pub async fn of(db: &mut impl Exec, workspace_id: i64) -> StoreResult<Listeners> {
        Ok(Listeners(
            db.fetch_all(
                WebhookSubscriptions::select([WebhookSubscriptions::Id, WebhookSubscriptions::Topics])
                    .where_eq(WebhookSubscriptions::WorkspaceId, workspace_id)
                    .where_eq(WebhookSubscriptions::Active, true),
            )
            .await?,
        ))
    }

    /// The subscriptions to `topic`.
    pub fn to(&self, topic: &str) -> Vec<i64> {
        let quoted = format!("\"{topic}\"");
        self.0.iter().filter(|(_, topics)| topics.contains(&quoted)).map(|(id, _)| *id).collect()
    }

    /// Whether any subscription wants one of `topics`.
    pub fn want_any(&self, topics: &[&str]) -> bool {
        topics.iter().any(|topic| !self.to(topic).is_empty())
    }
}

/// The workspace's active subscriptions to `topic`: none for most writes.
pub async fn subscribers(db: &mut impl Exec, workspace_id: i64, topic: &str) -> StoreResult<Vec<i64>> {
    Ok(Listeners::of(db, workspace_id).await?.to(topic))
}

/// Records a notification of `topic` about `item` for the subscriptions `to`, on the caller's
/// transaction. `item` is the object as the newest version renders it.
pub async fn record(
    db: &mut impl Exec,
    workspace_id: i64,
    topic: &str,
    item: &impl Serialize,
    to: &[i64],
) -> StoreResult<()> {
    if to.is_empty() {
        return Ok(());
    }
    let item = serde_json::to_string(item).expect("an API object serializes");
    let notification = Notifications::insert([
        (Notifications::WorkspaceId, workspace_id.into()),
        (Notifications::PublicId, format!("notif_{}", uuid::Uuid::new_v4()).into()),
        (Notifications::Topic, topic.into()),
        (Notifications::Item, item.into()),
        (Notifications::CreatedAt, now().into()),
    ])
    .returning_col(Notifications::Id)
    .take();
    let queued = real_now() * 1000;
    let columns = [
        WebhookDeliveries::WorkspaceId,
        WebhookDeliveries::NotificationId,
        WebhookDeliveries::SubscriptionId,
        WebhookDeliveries::Status,
        WebhookDeliveries::QueuedMs,
        WebhookDeliveries::NextAttemptMs,
    ];
    let pending = DeliveryStatus::Pending.as_str();
    if db.backend() == Backend::Postgres {
        // One statement, so one round trip to the server, where the API's writes spend their
        // time: the notification's insert feeds the deliveries' (a data-modifying CTE).
        let written = Alias::new("written");
        let deliveries = Query::select()
            .expr(Expr::val(workspace_id))
            .expr(Expr::col((written.clone(), Notifications::Id)))
            .expr(Expr::col((WebhookSubscriptions::Table, WebhookSubscriptions::Id)))
            .expr(Expr::val(pending))
            .expr(Expr::val(queued))
            .expr(Expr::val(queued))
            .from(written.clone())
            .from(WebhookSubscriptions::Table)
            .and_where(
                Expr::col((WebhookSubscriptions::Table, WebhookSubscriptions::Id)).is_in(to.iter().copied()),
            )
            .take();
        let cte = CommonTableExpression::new().query(notification).table_name(written).to_owned();
        let insert = Query::insert()
            .into_table(WebhookDeliveries::Table)
            .columns(columns)
            .select_from(deliveries)
            .expect("as many values as columns")
            .to_owned()
            .with(WithClause::new().cte(cte).to_owned());
        db.execute(&insert).await?;
        return Ok(());
    }
    let notification: i64 = db.fetch_scalar(&notification).await?;
    let mut insert = Query::insert().into_table(WebhookDeliveries::Table).columns(columns).take();
    for subscription in to {
        insert.values_panic([
            workspace_id.into(),
            notification.into(),
            (*subscription).into(),
            pending.into(),
            queued.into(),
            queued.into(),
        ]);
    }
    db.execute(&insert).await?;
    Ok(())
}

/// Records a notification of `topic` about `item` for every active subscription to it, on the
/// caller's transaction; nothing when there is none.
pub async fn notify(
    db: &mut impl Exec,
    workspace_id: i64,
    topic: &str,
    item: &impl Serialize,
) -> StoreResult<()> {
    let to = subscribers(db, workspace_id, topic).await?;
    record(db, workspace_id, topic, item, &to).await
}

/// The workspace's app secret, made on first use for a workspace that has none.
pub(crate) async fn client_secret(db: &mut impl Exec, workspace_id: i64) -> StoreResult<String> {
    let (secret,): (Option<String>,) = db
        .fetch_one(Workspaces::select([Workspaces::ClientSecret]).where_eq(Workspaces::Id, workspace_id))
        .await?;
    if let Some(secret) = secret {
        return Ok(secret);
    }
    // Two first uses at once: the first write wins and both read it back.
    db.execute(
        Query::update()
            .table(Workspaces::Table)
            .value(Workspaces::ClientSecret, new_client_secret())
            .and_where(Workspaces::Id.col().eq(workspace_id))
            .and_where(Workspaces::ClientSecret.col().is_null()),
    )
    .await?;
    let (secret,): (Option<String>,) = db
        .fetch_one(Workspaces::select([Workspaces::ClientSecret]).where_eq(Workspaces::Id, workspace_id))
        .await?;
    Ok(secret.unwrap_or_default())
}

pub(crate) fn new_client_secret() -> String {
    ids::random_hex(20)
}

async fn find(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<WebhookSubscriptionRow> {
    db.fetch_optional(
        WebhookSubscriptions::select_rows()
            .where_eq(WebhookSubscriptions::WorkspaceId, workspace_id)
            .where_eq(WebhookSubscriptions::Id, id),
    )
    .await?
    .ok_or(StoreError::NotFound(Missing::Resource))
}

impl Store {
    /// Creates a subscription and sends it a `ping`, in one transaction.
    pub async fn create_webhook(
        &self,
        workspace_id: i64,
        new: &NewSubscription,
    ) -> StoreResult<Subscription> {
        let mut tx = self.begin().await?;
        let row: WebhookSubscriptionRow = tx
            .fetch_one(
                WebhookSubscriptions::insert([
                    (WebhookSubscriptions::WorkspaceId, workspace_id.into()),
                    (WebhookSubscriptions::Url, new.url.clone().into()),
                    (WebhookSubscriptions::Topics, Value::from(new.topics.clone()).to_string().into()),
                    (WebhookSubscriptions::ApiVersion, new.api_version.as_str().into()),
                    (WebhookSubscriptions::Active, true.into()),
                    (WebhookSubscriptions::CreatedAt, now().into()),
                ])
                .returning(Query::returning().columns(WebhookSubscriptions::COLUMNS.iter().copied())),
            )
            .await?;
        client_secret(&mut tx, workspace_id).await?;
        record(&mut tx, workspace_id, webhook::PING, &webhook::ping_item(), &[row.id]).await?;
        tx.commit().await?;
        Ok(subscription(row))
    }

    /// The workspace's subscriptions, oldest first.
    pub async fn list_webhooks(&self, workspace_id: i64) -> StoreResult<Vec<Subscription>> {
        let rows: Vec<WebhookSubscriptionRow> = self
            .conn()
            .await?
            .fetch_all(
                WebhookSubscriptions::select_rows()
                    .where_eq(WebhookSubscriptions::WorkspaceId, workspace_id)
                    .order_by(WebhookSubscriptions::Id, Order::Asc),
            )
            .await?;
        Ok(rows.into_iter().map(subscription).collect())
    }

    pub async fn get_webhook(&self, workspace_id: i64, id: i64) -> StoreResult<Subscription> {
        Ok(subscription(find(&mut self.conn().await?, workspace_id, id).await?))
    }

    /// Deletes a subscription with its deliveries, sent or not.
    pub async fn delete_webhook(&self, workspace_id: i64, id: i64) -> StoreResult<Subscription> {
        let mut tx = self.begin().await?;
        let row = find(&mut tx, workspace_id, id).await?;
        tx.execute(WebhookDeliveries::delete().where_eq(WebhookDeliveries::SubscriptionId, id)).await?;
        tx.execute(WebhookSubscriptions::delete().where_eq(WebhookSubscriptions::Id, id)).await?;
        tx.commit().await?;
        Ok(subscription(row))
    }

    /// The workspace's app secret (made now if it has none).
    pub async fn client_secret(&self, workspace_id: i64) -> StoreResult<String> {
        let mut tx = self.begin().await?;
        let secret = client_secret(&mut tx, workspace_id).await?;
        tx.commit().await?;
        Ok(secret)
    }
}
