//! Subscription types (made with the CLI) and contacts' explicit choices about them.

use crate::store::backend::rows::row_struct;
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};

use crate::domain::subscription::{ConsentType, SubscriptionType, Translation};
use crate::store::contacts::{self, LinkError};
use crate::store::{Exec, Store, StoreResult, now};

#[derive(Iden)]
pub(crate) enum SubscriptionTypes {
    Table,
    Id,
    WorkspaceId,
    Name,
    Description,
    Locale,
    State,
    ConsentType,
    ContentTypes,
    CreatedAt,
}

#[derive(Iden)]
pub(crate) enum ContactSubscriptions {
    Table,
    ContactId,
    SubscriptionTypeId,
    CreatedAt,
}

/// What `switchboard subscription-type create` makes, already checked.
#[derive(Debug, Clone)]
pub struct NewSubscriptionType {
    pub name: String,
    pub description: String,
    pub locale: String,
    pub state: String,
    pub consent_type: ConsentType,
    pub content_types: Vec<String>,
}

row_struct! {
    struct TypeRow {
        id: i64,
        name: String,
        description: String,
        locale: String,
        state: String,
        consent_type: String,
        content_types: String,
    }
}

impl From<TypeRow> for SubscriptionType {
    fn from(r: TypeRow) -> Self {
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
    Query::select()
        .columns([
            (SubscriptionTypes::Table, SubscriptionTypes::Id),
            (SubscriptionTypes::Table, SubscriptionTypes::Name),
            (SubscriptionTypes::Table, SubscriptionTypes::Description),
            (SubscriptionTypes::Table, SubscriptionTypes::Locale),
            (SubscriptionTypes::Table, SubscriptionTypes::State),
            (SubscriptionTypes::Table, SubscriptionTypes::ConsentType),
            (SubscriptionTypes::Table, SubscriptionTypes::ContentTypes),
        ])
        .from(SubscriptionTypes::Table)
        .and_where(Expr::col((SubscriptionTypes::Table, SubscriptionTypes::WorkspaceId)).eq(workspace_id))
        .order_by((SubscriptionTypes::Table, SubscriptionTypes::Id), Order::Asc)
        .take()
}

async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> Result<SubscriptionType, LinkError> {
    let row: Option<TypeRow> = db
        .fetch_optional(
            select(workspace_id)
                .and_where(Expr::col((SubscriptionTypes::Table, SubscriptionTypes::Id)).eq(id)),
        )
        .await?;
    row.map(SubscriptionType::from).ok_or(LinkError::TargetNotFound)
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
                Query::insert()
                    .into_table(SubscriptionTypes::Table)
                    .columns([
                        SubscriptionTypes::WorkspaceId,
                        SubscriptionTypes::Name,
                        SubscriptionTypes::Description,
                        SubscriptionTypes::Locale,
                        SubscriptionTypes::State,
                        SubscriptionTypes::ConsentType,
                        SubscriptionTypes::ContentTypes,
                        SubscriptionTypes::CreatedAt,
                    ])
                    .values_panic([
                        workspace_id.into(),
                        new.name.clone().into(),
                        new.description.clone().into(),
                        new.locale.clone().into(),
                        new.state.clone().into(),
                        new.consent_type.as_str().into(),
                        new.content_types.join(",").into(),
                        now().into(),
                    ])
                    .returning_col(SubscriptionTypes::Id),
            )
            .await?;
        let created: TypeRow = tx
            .fetch_one(
                select(workspace_id)
                    .and_where(Expr::col((SubscriptionTypes::Table, SubscriptionTypes::Id)).eq(id)),
            )
            .await?;
        tx.commit().await?;
        Ok(created.into())
    }

    pub async fn list_subscription_types(&self, workspace_id: i64) -> StoreResult<Vec<SubscriptionType>> {
        let rows: Vec<TypeRow> = self.conn().await?.fetch_all(&select(workspace_id)).await?;
        Ok(rows.into_iter().map(SubscriptionType::from).collect())
    }

    /// The subscription types a contact made an explicit choice about.
    pub async fn contact_subscriptions(
        &self,
        workspace_id: i64,
        contact: &str,
    ) -> Result<Vec<SubscriptionType>, LinkError> {
        let mut conn = self.conn().await?;
        let contact_id = contacts::linked(&mut conn, workspace_id, contact).await?;
        let rows: Vec<TypeRow> = conn
            .fetch_all(
                select(workspace_id)
                    .inner_join(
                        ContactSubscriptions::Table,
                        Expr::col((ContactSubscriptions::Table, ContactSubscriptions::SubscriptionTypeId))
                            .equals((SubscriptionTypes::Table, SubscriptionTypes::Id)),
                    )
                    .and_where(
                        Expr::col((ContactSubscriptions::Table, ContactSubscriptions::ContactId))
                            .eq(contact_id),
                    ),
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
    ) -> Result<SubscriptionType, LinkError> {
        let mut tx = self.begin().await?;
        let contact_id = contacts::linked(&mut tx, workspace_id, contact).await?;
        let subscription = get(&mut tx, workspace_id, type_id).await?;
        if subscription.consent_type != consent {
            return Err(LinkError::Mismatch(format!(
                "consent_type must be {} for this subscription type",
                subscription.consent_type.as_str()
            )));
        }
        tx.execute(
            Query::insert()
                .into_table(ContactSubscriptions::Table)
                .columns([
                    ContactSubscriptions::ContactId,
                    ContactSubscriptions::SubscriptionTypeId,
                    ContactSubscriptions::CreatedAt,
                ])
                .values_panic([contact_id.into(), type_id.into(), now().into()])
                .on_conflict(
                    OnConflict::columns([
                        ContactSubscriptions::ContactId,
                        ContactSubscriptions::SubscriptionTypeId,
                    ])
                    .do_nothing()
                    .to_owned(),
                ),
        )
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
    ) -> Result<SubscriptionType, LinkError> {
        let mut tx = self.begin().await?;
        let contact_id = contacts::linked(&mut tx, workspace_id, contact).await?;
        let subscription = get(&mut tx, workspace_id, type_id).await?;
        tx.execute(
            Query::delete()
                .from_table(ContactSubscriptions::Table)
                .and_where(Expr::col(ContactSubscriptions::ContactId).eq(contact_id))
                .and_where(Expr::col(ContactSubscriptions::SubscriptionTypeId).eq(type_id)),
        )
        .await?;
        tx.commit().await?;
        Ok(subscription)
    }
}
