//! Brands and sender email addresses, which the operator sets up with the CLI.
//!
//! The default brand is made on first use (any brands or emails request or command), named
//! after the workspace and tied to its default help center; its API id is the workspace's.

use sea_query::{ExprTrait, Order, SelectStatement};

use crate::domain::brand::{Brand, EmailSetting, NewBrand, NewEmailSetting, email_domain};
use crate::domain::error::{Missing, Rejection};
use crate::domain::ids;
use crate::store::help_centers::{self, workspace_code};
use crate::store::schema::brands::{BrandRow, Brands, EmailSettingRow, EmailSettings};
use crate::store::schema::help_centers::HelpCenters;
use crate::store::schema::workspaces::Workspaces;
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

fn brand_into_domain(row: BrandRow, workspace_code: &str) -> Brand {
    Brand {
        kind: "brand",
        id: if row.is_default { workspace_code.to_owned() } else { row.id.to_string() },
        name: row.name,
        is_default: row.is_default,
        created_at: row.created_at,
        updated_at: row.updated_at,
        help_center_id: row.help_center_id,
        default_address_settings_id: row.default_email_id,
    }
}

fn select_brands(workspace_id: i64) -> SelectStatement {
    Brands::select_rows().where_eq(Brands::WorkspaceId, workspace_id).take()
}

/// The workspace's default brand, made if it has none. A concurrent request that made it first
/// turns the insert into a no-op (the name is unique in the workspace).
async fn default_brand(db: &mut impl Exec, workspace_id: i64) -> StoreResult<BrandRow> {
    let default = select_brands(workspace_id).where_eq(Brands::IsDefault, true).to_owned();
    if let Some(row) = db.fetch_optional(&default).await? {
        return Ok(row);
    }
    let name: String = db
        .fetch_scalar(Workspaces::select([Workspaces::Name]).where_eq(Workspaces::Id, workspace_id))
        .await?;
    let help_center = help_centers::default_help_center(db, workspace_id).await?;
    let created_at = now();
    db.execute(&Brands::insert_or_ignore(
        [
            (Brands::WorkspaceId, workspace_id.into()),
            (Brands::Name, name.into()),
            (Brands::IsDefault, true.into()),
            (Brands::HelpCenterId, help_center.id.into()),
            (Brands::CreatedAt, created_at.into()),
            (Brands::UpdatedAt, created_at.into()),
        ],
        [Brands::WorkspaceId, Brands::Name],
    ))
    .await?;
    db.fetch_one(&default).await
}

/// The brand an API id names: the workspace's id for the default brand, else a number.
async fn brand(db: &mut impl Exec, workspace_id: i64, code: &str, id: &str) -> StoreResult<BrandRow> {
    let default = default_brand(db, workspace_id).await?;
    if id == code {
        return Ok(default);
    }
    let id = ids::parse_numeric(id).ok_or(Missing::Brand)?;
    let row = db
        .fetch_optional(
            select_brands(workspace_id).where_eq(Brands::Id, id).where_eq(Brands::IsDefault, false),
        )
        .await?;
    Ok(row.ok_or(Missing::Brand)?)
}

fn email_into_domain(row: EmailSettingRow, brand_id: String) -> EmailSetting {
    EmailSetting {
        kind: "email_setting",
        id: row.id,
        domain: email_domain(&row.email).unwrap_or_default(),
        email: row.email,
        verified: row.verified,
        brand_id,
        forwarding_enabled: row.forwarding_enabled,
        forwarded_email_last_received_at: None,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Sender addresses with their brands' API ids.
async fn emails(
    db: &mut impl Exec,
    workspace_id: i64,
    select: &SelectStatement,
) -> StoreResult<Vec<EmailSetting>> {
    let code = workspace_code(db, workspace_id).await?;
    let default = default_brand(db, workspace_id).await?;
    let rows: Vec<EmailSettingRow> = db.fetch_all(select).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let brand_id = if r.brand_id == default.id { code.clone() } else { r.brand_id.to_string() };
            email_into_domain(r, brand_id)
        })
        .collect())
}

fn select_emails(workspace_id: i64) -> SelectStatement {
    EmailSettings::select_rows().where_eq(EmailSettings::WorkspaceId, workspace_id).take()
}

/// A unique index refused the write: `what` already exists.
fn duplicate(err: StoreError, field: &str, what: String) -> StoreError {
    match err {
        StoreError::Conflict { .. } => Rejection::invalid(field, format!("{what} already exists")).into(),
        other => other,
    }
}

impl Store {
    /// Makes the default brand the first time it is needed: a read finds it on a read
    /// connection, and only the first request writes.
    async fn ensure_default_brand(&self, workspace_id: i64) -> StoreResult<()> {
        let default = select_brands(workspace_id).where_eq(Brands::IsDefault, true).to_owned();
        if self.conn().await?.fetch_optional::<BrandRow>(&default).await?.is_some() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        default_brand(&mut tx, workspace_id).await?;
        tx.commit().await
    }

    /// The workspace's brands, the default first.
    pub async fn list_brands(&self, workspace_id: i64) -> StoreResult<Vec<Brand>> {
        self.ensure_default_brand(workspace_id).await?;
        let mut conn = self.conn().await?;
        let code = workspace_code(&mut conn, workspace_id).await?;
        let rows: Vec<BrandRow> = conn
            .fetch_all(
                select_brands(workspace_id)
                    .order_by(Brands::IsDefault, Order::Desc)
                    .order_by(Brands::Id, Order::Asc),
            )
            .await?;
        Ok(rows.into_iter().map(|r| brand_into_domain(r, &code)).collect())
    }

    pub async fn get_brand(&self, workspace_id: i64, id: &str) -> StoreResult<Brand> {
        self.ensure_default_brand(workspace_id).await?;
        let mut conn = self.conn().await?;
        let code = workspace_code(&mut conn, workspace_id).await?;
        let row = brand(&mut conn, workspace_id, &code, id).await?;
        Ok(brand_into_domain(row, &code))
    }

    /// A brand the operator adds; its help center, when named, must be the workspace's.
    pub async fn create_brand(&self, workspace_id: i64, new: &NewBrand) -> StoreResult<Brand> {
        new.check()?;
        let mut tx = self.begin().await?;
        let code = workspace_code(&mut tx, workspace_id).await?;
        default_brand(&mut tx, workspace_id).await?;
        if let Some(help_center_id) = new.help_center_id {
            let found: i64 = tx
                .fetch_scalar(
                    HelpCenters::count(HelpCenters::Id)
                        .where_eq(HelpCenters::WorkspaceId, workspace_id)
                        .where_eq(HelpCenters::Id, help_center_id),
                )
                .await?;
            if found == 0 {
                let message = format!("help center {help_center_id} is not a help center of this workspace");
                return Err(Rejection::invalid("help_center_id", message).into());
            }
        }
        let created_at = now();
        let name = new.name.trim().to_owned();
        let id: i64 = tx
            .fetch_scalar(
                Brands::insert([
                    (Brands::WorkspaceId, workspace_id.into()),
                    (Brands::Name, name.clone().into()),
                    (Brands::HelpCenterId, new.help_center_id.into()),
                    (Brands::CreatedAt, created_at.into()),
                    (Brands::UpdatedAt, created_at.into()),
                ])
                .returning_col(Brands::Id),
            )
            .await
            .map_err(|e| duplicate(e, "name", format!("a brand named {name}")))?;
        let row: BrandRow = tx.fetch_one(select_brands(workspace_id).where_eq(Brands::Id, id)).await?;
        tx.commit().await?;
        Ok(brand_into_domain(row, &code))
    }

    /// The workspace's sender addresses, oldest first.
    pub async fn list_emails(&self, workspace_id: i64) -> StoreResult<Vec<EmailSetting>> {
        self.ensure_default_brand(workspace_id).await?;
        let mut conn = self.conn().await?;
        let list = emails(
            &mut conn,
            workspace_id,
            select_emails(workspace_id).order_by(EmailSettings::Id, Order::Asc),
        )
        .await?;
        Ok(list)
    }

    pub async fn get_email(&self, workspace_id: i64, id: i64) -> StoreResult<EmailSetting> {
        self.ensure_default_brand(workspace_id).await?;
        let mut conn = self.conn().await?;
        let found =
            emails(&mut conn, workspace_id, select_emails(workspace_id).where_eq(EmailSettings::Id, id))
                .await?;
        found.into_iter().next().ok_or(StoreError::NotFound(Missing::EmailSetting))
    }

    /// A sender address the operator adds to a brand (the default brand when none is named).
    /// It becomes the brand's default address when asked to, or when the brand has none.
    pub async fn create_email(&self, workspace_id: i64, new: &NewEmailSetting) -> StoreResult<EmailSetting> {
        email_domain(&new.email)?;
        // Addresses are compared without case: one row for `Support@` and `support@`.
        let email = new.email.trim().to_lowercase();
        let mut tx = self.begin().await?;
        let code = workspace_code(&mut tx, workspace_id).await?;
        let brand = match &new.brand {
            Some(id) => brand(&mut tx, workspace_id, &code, id).await?,
            None => default_brand(&mut tx, workspace_id).await?,
        };
        let created_at = now();
        let id: i64 = tx
            .fetch_scalar(
                EmailSettings::insert([
                    (EmailSettings::WorkspaceId, workspace_id.into()),
                    (EmailSettings::Email, email.clone().into()),
                    (EmailSettings::BrandId, brand.id.into()),
                    (EmailSettings::Verified, new.verified.into()),
                    (EmailSettings::ForwardingEnabled, new.forwarding_enabled.into()),
                    (EmailSettings::CreatedAt, created_at.into()),
                    (EmailSettings::UpdatedAt, created_at.into()),
                ])
                .returning_col(EmailSettings::Id),
            )
            .await
            .map_err(|e| duplicate(e, "email", format!("the sender address {email}")))?;
        if new.brand_default || brand.default_email_id.is_none() {
            tx.execute(
                Brands::update([(Brands::DefaultEmailId, id.into()), (Brands::UpdatedAt, created_at.into())])
                    .and_where(Brands::Id.col().eq(brand.id)),
            )
            .await?;
        }
        let found =
            emails(&mut tx, workspace_id, select_emails(workspace_id).where_eq(EmailSettings::Id, id))
                .await?;
        tx.commit().await?;
        found.into_iter().next().ok_or(StoreError::NotFound(Missing::EmailSetting))
    }
}
