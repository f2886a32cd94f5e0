//! Workspaces, created together with their first admin and access token.

pub mod clock;
pub mod rate_limit;
pub mod tokens;

use crate::domain::activity_log::{ActivityType, NewActivity};
use crate::domain::admin::NewAdmin;
use crate::domain::ids;
use crate::domain::version::Version;
use crate::domain::workspace::{CreatedWorkspace, Workspace};
use crate::store::admins::{self, activity_logs};
use crate::store::schema::workspaces::{WorkspaceRow, Workspaces};
use crate::store::{Exec, Store, StoreResult, Tx, WhereEq, now};

impl From<WorkspaceRow> for Workspace {
    fn from(r: WorkspaceRow) -> Self {
        let WorkspaceRow {
            id,
            id_code,
            name,
            region,
            timezone,
            default_version,
            identity_verification,
            created_at,
        } = r;
        let default_version = stored_version(&default_version);
        Workspace { id, id_code, name, region, timezone, default_version, identity_verification, created_at }
    }
}

/// A stored default version; only `Version`s are written, so the fallback is for a database
/// edited by hand.
fn stored_version(raw: &str) -> Version {
    Version::parse(raw).unwrap_or(Version::DEFAULT)
}

/// Inserts a workspace with its first admin, that admin's token and the activity entry.
async fn insert(
    tx: &mut Tx,
    name: &str,
    admin_email: &str,
    admin_name: &str,
    default_version: Version,
) -> StoreResult<CreatedWorkspace> {
    let created_at = now();
    let id_code = ids::random_hex(4);
    let client_secret = crate::store::webhooks::new_client_secret();
    let workspace_id: i64 = tx
        .fetch_scalar(
            Workspaces::insert([
                (Workspaces::IdCode, id_code.clone().into()),
                (Workspaces::Name, name.into()),
                (Workspaces::DefaultVersion, default_version.as_str().into()),
                (Workspaces::CreatedAt, created_at.into()),
                (Workspaces::ClientSecret, client_secret.clone().into()),
            ])
            .returning_col(Workspaces::Id),
        )
        .await?;
    let admin = NewAdmin { email: admin_email.to_owned(), name: admin_name.to_owned(), job_title: None };
    let admin_id = admins::insert(tx, workspace_id, &admin).await?;
    let access_token = tokens::insert(tx, workspace_id, admin_id, "default").await?;
    activity_logs::insert(
        tx,
        workspace_id,
        &NewActivity {
            admin_id,
            activity_type: ActivityType::AdminProvisioned,
            description: format!("{admin_name} was added to the workspace {name}."),
            metadata: serde_json::json!({}),
        },
    )
    .await?;
    Ok(CreatedWorkspace {
        workspace_id: id_code,
        admin_id: admin_id.to_string(),
        access_token,
        client_secret,
    })
}

impl Store {
    /// Creates a workspace answering 2.11 by default, its first admin and an access token for
    /// that admin, in one transaction.
    pub async fn create_workspace(
        &self,
        name: &str,
        admin_email: &str,
        admin_name: &str,
    ) -> StoreResult<CreatedWorkspace> {
        self.create_workspace_at(name, admin_email, admin_name, Version::DEFAULT).await
    }

    /// Creates a workspace whose requests without `Intercom-Version` get `default_version`.
    pub async fn create_workspace_at(
        &self,
        name: &str,
        admin_email: &str,
        admin_name: &str,
        default_version: Version,
    ) -> StoreResult<CreatedWorkspace> {
        let mut tx = self.begin().await?;
        let created = insert(&mut tx, name, admin_email, admin_name, default_version).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Changes the version a workspace's requests without `Intercom-Version` get. A server
    /// sees the change once its cached tokens expire (`ApiConfig::token_cache`, 5 s by default).
    pub async fn set_default_version(
        &self,
        id_code: &str,
        default_version: Version,
    ) -> StoreResult<Workspace> {
        self.conn()
            .await?
            .execute_found(
                Workspaces::update([(Workspaces::DefaultVersion, default_version.as_str().into())])
                    .where_eq(Workspaces::IdCode, id_code),
            )
            .await?;
        self.workspace_by_code(id_code).await
    }

    /// Creates a workspace only if the database has none: what `serve` does on a new database.
    /// Several processes may start at once on one PostgreSQL database; only one creates it.
    pub async fn create_first_workspace(
        &self,
        name: &str,
        admin_email: &str,
        admin_name: &str,
    ) -> StoreResult<Option<CreatedWorkspace>> {
        let mut tx = self.begin().await?;
        // SQLite's BEGIN IMMEDIATE already serializes writers; PostgreSQL needs a lock.
        if let crate::store::ConnRef::Postgres(conn) = tx.conn() {
            sqlx::query("SELECT pg_advisory_xact_lock(7262460348712435)").execute(conn).await?;
        }
        let existing: i64 = tx.fetch_scalar(&Workspaces::count(Workspaces::Id)).await?;
        if existing > 0 {
            return Ok(None);
        }
        let created = insert(&mut tx, name, admin_email, admin_name, Version::DEFAULT).await?;
        tx.commit().await?;
        Ok(Some(created))
    }

    pub async fn workspace_by_id(&self, id: i64) -> StoreResult<Workspace> {
        let row: WorkspaceRow =
            self.conn().await?.fetch_one(Workspaces::select_rows().where_eq(Workspaces::Id, id)).await?;
        Ok(row.into())
    }

    /// Workspaces are named by their `id_code` outside the database.
    pub async fn workspace_by_code(&self, id_code: &str) -> StoreResult<Workspace> {
        let row: WorkspaceRow = self
            .conn()
            .await?
            .fetch_one(Workspaces::select_rows().where_eq(Workspaces::IdCode, id_code))
            .await?;
        Ok(row.into())
    }
}
