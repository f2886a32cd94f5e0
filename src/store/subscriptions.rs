//! Subscription types (made with the CLI) and contacts' explicit choices about them.

use sea_query::{ExprTrait, Order};

use crate::domain::subscription::{self, ConsentType, NewSubscriptionType, SubscriptionType, Translation};
use crate::store::contacts;
use crate::store::schema::subscriptions::{ContactSubscriptions, SubscriptionTypeRow, SubscriptionTypes};
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

impl From<SubscriptionTypeRow> for SubscriptionType {
    fn from(r: SubscriptionTypeRow) -> Self {
        let translation = Translation { name: r.name, description: r.description, locale: r.locale };
        SubscriptionType {
            kind: "subscription",
            id: r.id,
            state: r.state,
            consent_type: ConsentType::parse(&r.consent_type).unwrap_or(ConsentType::OptOut),
            translations: vec![translation.clone()],
            default_translation: translation,
            content_types: r.content_types.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        }
    }
}

fn select(workspace_id: i64) -> sea_query::SelectStatement {
    SubscriptionTypes::select_rows()
        .and_where(SubscriptionTypes::WorkspaceId.col().eq(workspace_id))
        .order_by((SubscriptionTypes::Table, SubscriptionTypes::Id), Order::Asc)
        .take()
}

/// A subscription type of the workspace, or `NotFound(Resource)`.
async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<SubscriptionType> {
    let row: SubscriptionTypeRow =
        db.fetch_one(select(workspace_id).and_where(SubscriptionTypes::Id.col().eq(id))).await?;
    Ok(row.into())
}

impl Store {
    pub async fn create_subscription_type(
        &self,
        workspace_id: i64,
        new: &NewSubscriptionType,
    ) -> StoreResult<SubscriptionType> {
        let mut tx = self.begin().await?;
        let id: i64 = tx
            .fetch_scalar(
                SubscriptionTypes::insert([
                    (SubscriptionTypes::WorkspaceId, workspace_id.into()),
                    (SubscriptionTypes::Name, new.name.clone().into()),
                    (SubscriptionTypes::Description, new.description.clone().into()),
                    (SubscriptionTypes::Locale, new.locale.clone().into()),
                    (SubscriptionTypes::State, new.state.clone().into()),
                    (SubscriptionTypes::ConsentType, new.consent_type.as_str().into()),
                    (SubscriptionTypes::ContentTypes, new.content_types.join(",").into()),
                    (SubscriptionTypes::CreatedAt, now().into()),
                ])
                .returning_col(SubscriptionTypes::Id),
            )
            .await?;
        let created = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn list_subscription_types(&self, workspace_id: i64) -> StoreResult<Vec<SubscriptionType>> {
        let rows: Vec<SubscriptionTypeRow> = self.conn().await?.fetch_all(&select(workspace_id)).await?;
        Ok(rows.into_iter().map(SubscriptionType::from).collect())
    }

    /// The subscription types a contact made an explicit choice about.
    pub async fn contact_subscriptions(
        &self,
        workspace_id: i64,
        contact: &str,
    ) -> StoreResult<Vec<SubscriptionType>> {
        let mut conn = self.conn().await?;
        let contact_id = contacts::find_id(&mut conn, workspace_id, contact).await?;
        let rows: Vec<SubscriptionTypeRow> = conn
            .fetch_all(
                select(workspace_id)
                    .inner_join(
                        ContactSubscriptions::Table,
                        ContactSubscriptions::SubscriptionTypeId
                            .col()
                            .equals((SubscriptionTypes::Table, SubscriptionTypes::Id)),
                    )
                    .and_where(ContactSubscriptions::ContactId.col().eq(contact_id)),
            )
            .await?;
        Ok(rows.into_iter().map(SubscriptionType::from).collect())
    }

    /// Records a contact's choice: opted in to an opt-in type, or out of an opt-out type.
    /// `consent` must be the type's own consent type.
    pub async fn attach_subscription(
        &self,
        workspace_id: i64,
        contact: &str,
        type_id: i64,
        consent: ConsentType,
    ) -> StoreResult<SubscriptionType> {
        let mut tx = self.begin().await?;
        let contact_id = contacts::find_id(&mut tx, workspace_id, contact).await?;
        let subscription = get(&mut tx, workspace_id, type_id).await?;
        if subscription.consent_type != consent {
            return Err(subscription::consent_mismatch(subscription.consent_type).into());
        }
        tx.execute(&ContactSubscriptions::insert_or_ignore(
            [
                (ContactSubscriptions::ContactId, contact_id.into()),
                (ContactSubscriptions::SubscriptionTypeId, type_id.into()),
                (ContactSubscriptions::CreatedAt, now().into()),
            ],
            [ContactSubscriptions::ContactId, ContactSubscriptions::SubscriptionTypeId],
        ))
        .await?;
        tx.commit().await?;
        Ok(subscription)
    }

    /// Forgets a contact's choice about a subscription type (back to the type's default).
    pub async fn detach_subscription(
        &self,
        workspace_id: i64,
        contact: &str,
        type_id: i64,
    ) -> StoreResult<SubscriptionType> {
        let mut tx = self.begin().await?;
        let contact_id = contacts::find_id(&mut tx, workspace_id, contact).await?;
        let subscription = get(&mut tx, workspace_id, type_id).await?;
        tx.execute(
            ContactSubscriptions::delete()
                .where_eq(ContactSubscriptions::ContactId, contact_id)
                .where_eq(ContactSubscriptions::SubscriptionTypeId, type_id),
        )
        .await?;
        tx.commit().await?;
        Ok(subscription)
    }
}
