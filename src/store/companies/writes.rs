//! Writing companies: create or update by `company_id`, update by id, delete (archive). Custom
//! attributes are checked against the workspace's company attributes.

use sea_query::{Expr, ExprTrait};
use serde_json::{Map, Value as Json, json};

use crate::domain::company::{self, Company, CompanyChanges, CompanyDeleted, CompanyRef};
use crate::domain::data_attribute::Model;
use crate::domain::ids;
use crate::domain::webhook;
use crate::store::backend::rows::JsonColumn;
use crate::store::companies::{find, find_public, get};
use crate::store::schema::companies::{Companies, ContactCompanies, Plans};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};
use crate::store::{data_attributes, webhooks};

/// Makes sure the workspace has a plan called `name`, so that it has an id to show.
async fn ensure_plan(db: &mut impl Exec, workspace_id: i64, name: &str) -> StoreResult<()> {
    db.execute(&Plans::insert_or_ignore(
        [
            (Plans::WorkspaceId, workspace_id.into()),
            (Plans::Name, name.into()),
            (Plans::CreatedAt, now().into()),
        ],
        [Plans::WorkspaceId, Plans::Name],
    ))
    .await?;
    Ok(())
}

/// The column values `changes` write (custom attributes aside), creating the plan it names.
async fn written(
    db: &mut impl Exec,
    workspace_id: i64,
    changes: &CompanyChanges,
) -> StoreResult<Vec<(Companies, Expr)>> {
    let mut values = vec![(Companies::UpdatedAt, now().into())];
    if let Some(plan) = &changes.plan {
        if let Some(name) = plan {
            ensure_plan(db, workspace_id, name).await?;
        }
        values.push((Companies::Plan, plan.clone().into()));
    }
    for (column, value) in [
        (Companies::Name, &changes.name),
        (Companies::Website, &changes.website),
        (Companies::Industry, &changes.industry),
    ] {
        if let Some(value) = value {
            values.push((column, value.clone().into()));
        }
    }
    for (column, value) in
        [(Companies::Size, changes.size), (Companies::RemoteCreatedAt, changes.remote_created_at)]
    {
        if let Some(value) = value {
            values.push((column, value.into()));
        }
    }
    if let Some(spend) = changes.monthly_spend {
        values.push((Companies::MonthlySpend, (spend as f64).into()));
    }
    if changes.update_last_request_at {
        values.push((Companies::LastRequestAt, now().into()));
    }
    Ok(values)
}

/// Applies `changes` to the company `id` (custom attributes merged into its current ones).
async fn write(db: &mut impl Exec, workspace_id: i64, id: i64, changes: &CompanyChanges) -> StoreResult<()> {
    // Takes the row's lock first: custom attributes are read, merged, then written.
    db.execute(Companies::update([(Companies::Id, Expr::col(Companies::Id))]).where_eq(Companies::Id, id))
        .await?;
    let mut values = written(db, workspace_id, changes).await?;
    if let Some(changed) = &changes.custom_attributes {
        let (JsonColumn(mut custom),): (JsonColumn<Map<String, Json>>,) = db
            .fetch_one(Companies::select([Companies::CustomAttributes]).where_eq(Companies::Id, id))
            .await?;
        let attributes = data_attributes::custom(db, workspace_id, Model::Company).await?;
        company::merge_custom_attributes(&mut custom, changed, &attributes)?;
        values.push((Companies::CustomAttributes, Expr::val(Json::Object(custom))));
    }
    db.execute(Companies::update(values).where_eq(Companies::Id, id)).await?;
    Ok(())
}

/// Inserts a company with `changes`, or `None` if `company_id` was taken meanwhile.
async fn insert(
    db: &mut impl Exec,
    workspace_id: i64,
    company_id: &str,
    changes: &CompanyChanges,
) -> StoreResult<Option<i64>> {
    let mut custom = Map::new();
    if let Some(values) = &changes.custom_attributes {
        let attributes = data_attributes::custom(db, workspace_id, Model::Company).await?;
        company::merge_custom_attributes(&mut custom, values, &attributes)?;
    }
    let at = now();
    let mut values = written(db, workspace_id, changes).await?;
    values.extend([
        (Companies::PublicId, ids::hex_id(at).into()),
        (Companies::WorkspaceId, workspace_id.into()),
        (Companies::CompanyId, company_id.into()),
        (Companies::CustomAttributes, Expr::val(Json::Object(custom))),
        (Companies::CreatedAt, at.into()),
    ]);
    match db.fetch_scalar(Companies::insert(values).returning_col(Companies::Id)).await {
        Ok(id) => Ok(Some(id)),
        Err(StoreError::Conflict { .. }) => Ok(None),
        Err(err) => Err(err),
    }
}

/// Updates the company with this `company_id` (an archived one comes back), or creates it, in
/// the caller's transaction; `None` if a concurrent create took the `company_id` meanwhile.
pub(crate) async fn upsert(
    db: &mut impl Exec,
    workspace_id: i64,
    company_id: &str,
    changes: &CompanyChanges,
) -> StoreResult<Option<(i64, &'static str)>> {
    // An archived company comes back when its company_id is created again.
    db.execute(
        Companies::update([(Companies::ArchivedAt, Expr::val(None::<i64>))])
            .where_eq(Companies::WorkspaceId, workspace_id)
            .where_eq(Companies::CompanyId, company_id)
            .and_where(Companies::ArchivedAt.col().is_not_null()),
    )
    .await?;
    let r = CompanyRef { id: None, company_id: Some(company_id.to_owned()) };
    match find(db, workspace_id, &r).await? {
        Some(id) => {
            write(db, workspace_id, id, changes).await?;
            Ok(Some((id, webhook::COMPANY_UPDATED)))
        }
        None => {
            Ok(insert(db, workspace_id, company_id, changes).await?.map(|id| (id, webhook::COMPANY_CREATED)))
        }
    }
}

impl Store {
    /// `POST /companies`: updates the company with this `company_id`, or creates it.
    pub async fn create_or_update_company(
        &self,
        workspace_id: i64,
        company_id: &str,
        changes: &CompanyChanges,
    ) -> StoreResult<Company> {
        // A concurrent create of the same company_id makes the insert lose; the retry updates.
        for _ in 0..3 {
            let mut tx = self.begin().await?;
            let Some((id, topic)) = upsert(&mut tx, workspace_id, company_id, changes).await? else {
                continue;
            };
            let company = get(&mut tx, workspace_id, id).await?;
            webhooks::notify(&mut tx, workspace_id, topic, &company).await?;
            tx.commit().await?;
            return Ok(company);
        }
        Err(StoreError::Conflict { constraint: "companies.company_id".into() })
    }

    /// `PUT /companies/{id}`. `company_id` may be sent only unchanged.
    pub async fn update_company(
        &self,
        workspace_id: i64,
        public_id: &str,
        company_id: Option<&str>,
        changes: &CompanyChanges,
    ) -> StoreResult<Company> {
        let mut tx = self.begin().await?;
        let id = find_public(&mut tx, workspace_id, public_id).await?;
        if let Some(company_id) = company_id {
            let r = CompanyRef { id: None, company_id: Some(company_id.to_owned()) };
            if find(&mut tx, workspace_id, &r).await? != Some(id) {
                return Err(company::company_id_changed().into());
            }
        }
        write(&mut tx, workspace_id, id, changes).await?;
        let company = get(&mut tx, workspace_id, id).await?;
        webhooks::notify(&mut tx, workspace_id, webhook::COMPANY_UPDATED, &company).await?;
        tx.commit().await?;
        Ok(company)
    }

    /// `DELETE /companies/{id}` archives the company and detaches its contacts, which stay.
    pub async fn delete_company(&self, workspace_id: i64, public_id: &str) -> StoreResult<CompanyDeleted> {
        let mut tx = self.begin().await?;
        let id = find_public(&mut tx, workspace_id, public_id).await?;
        let at = now();
        tx.execute(
            Companies::update([(Companies::ArchivedAt, at.into()), (Companies::UpdatedAt, at.into())])
                .where_eq(Companies::Id, id),
        )
        .await?;
        tx.execute(ContactCompanies::delete().where_eq(ContactCompanies::CompanyId, id)).await?;
        let identity = json!({"type": "company", "id": public_id});
        webhooks::notify(&mut tx, workspace_id, webhook::COMPANY_DELETED, &identity).await?;
        tx.commit().await?;
        Ok(CompanyDeleted { id: public_id.to_owned(), object: "company", deleted: true })
    }
}
