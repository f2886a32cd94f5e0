//! Access tokens. Only a SHA-256 of each token is stored; the token itself is shown once.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sea_query::{ExprTrait, Order, Query};
use sha2::{Digest, Sha256};

use crate::domain::activity_log::{ActivityType, NewActivity};
use crate::domain::clock::Clock;
use crate::domain::workspace::{TokenInfo, TokenOwner};
use crate::store::admins::{self, activity_logs};
use crate::store::backend::rows::row_struct;
use crate::store::schema::workspaces::{AccessTokenRow, AccessTokens, WorkspaceClocks, Workspaces};
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

row_struct! {
    /// A live token's workspace and admin, with the workspace's default API version and clock.
    struct OwnerRow {
        workspace_id: i64,
        admin_id: i64,
        default_version: String,
        clock_frozen_at: Option<i64>,
        clock_offset: Option<i64>,
    }
}

impl From<OwnerRow> for TokenOwner {
    fn from(row: OwnerRow) -> Self {
        let OwnerRow { workspace_id, admin_id, default_version, clock_frozen_at, clock_offset } = row;
        TokenOwner {
            workspace_id,
            admin_id,
            default_version: super::stored_version(&default_version),
            clock: Clock { frozen_at: clock_frozen_at, offset: clock_offset.unwrap_or(0) },
        }
    }
}

impl From<AccessTokenRow> for TokenInfo {
    fn from(row: AccessTokenRow) -> Self {
        let AccessTokenRow { id, workspace_id: _, admin_id, token_hash: _, name, created_at, revoked_at } =
            row;
        TokenInfo { id, admin_id, name, created_at, revoked_at }
    }
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes a token shaped like Intercom's (base64 of `tok:<uuid>:1:0`) and stores its hash.
pub(crate) async fn insert(
    db: &mut impl Exec,
    workspace_id: i64,
    admin_id: i64,
    name: &str,
) -> StoreResult<String> {
    let token = STANDARD.encode(format!("tok:{}:1:0", uuid::Uuid::new_v4()));
    db.execute(&AccessTokens::insert([
        (AccessTokens::WorkspaceId, workspace_id.into()),
        (AccessTokens::AdminId, admin_id.into()),
        (AccessTokens::TokenHash, hash(&token).into()),
        (AccessTokens::Name, name.into()),
        (AccessTokens::CreatedAt, now().into()),
    ]))
    .await?;
    Ok(token)
}

impl Store {
    /// The owner of a live token, or `None` for an unknown or revoked one.
    pub async fn authenticate(&self, token: &str) -> StoreResult<Option<TokenOwner>> {
        let owner: Option<OwnerRow> = self
            .conn()
            .await?
            .fetch_optional(
                Query::select()
                    .column((AccessTokens::Table, AccessTokens::WorkspaceId))
                    .column((AccessTokens::Table, AccessTokens::AdminId))
                    .column((Workspaces::Table, Workspaces::DefaultVersion))
                    .column((WorkspaceClocks::Table, WorkspaceClocks::ClockFrozenAt))
                    .column((WorkspaceClocks::Table, WorkspaceClocks::ClockOffset))
                    .from(AccessTokens::Table)
                    .inner_join(
                        Workspaces::Table,
                        Workspaces::Id.col().equals((AccessTokens::Table, AccessTokens::WorkspaceId)),
                    )
                    // The clock comes with the owner: no second query per request.
                    .left_join(
                        WorkspaceClocks::Table,
                        WorkspaceClocks::WorkspaceId
                            .col()
                            .equals((AccessTokens::Table, AccessTokens::WorkspaceId)),
                    )
                    .and_where(AccessTokens::TokenHash.col().eq(hash(token)))
                    .and_where(AccessTokens::RevokedAt.col().is_null()),
            )
            .await?;
        Ok(owner.map(TokenOwner::from))
    }

    /// A new token for an admin of the workspace.
    pub async fn create_token(&self, workspace_id: i64, admin_id: i64, name: &str) -> StoreResult<String> {
        let mut tx = self.begin().await?;
        let admin = admins::get(&mut tx, workspace_id, admin_id).await?;
        let token = insert(&mut tx, workspace_id, admin_id, name).await?;
        activity_logs::insert(
            &mut tx,
            workspace_id,
            &NewActivity {
                admin_id,
                activity_type: ActivityType::AppPackageTokenRegeneration,
                description: format!("{} was given a new access token named {name}.", admin.name),
                metadata: serde_json::json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn list_tokens(&self, workspace_id: i64) -> StoreResult<Vec<TokenInfo>> {
        let rows: Vec<AccessTokenRow> = self
            .conn()
            .await?
            .fetch_all(
                AccessTokens::select_rows()
                    .where_eq(AccessTokens::WorkspaceId, workspace_id)
                    .order_by(AccessTokens::Id, Order::Asc),
            )
            .await?;
        Ok(rows.into_iter().map(TokenInfo::from).collect())
    }

    /// Revokes a token at once, for every server process sharing the database.
    pub async fn revoke_token(&self, workspace_id: i64, token_id: i64) -> StoreResult<()> {
        let revoke = AccessTokens::update([(AccessTokens::RevokedAt, now().into())])
            .where_eq(AccessTokens::WorkspaceId, workspace_id)
            .where_eq(AccessTokens::Id, token_id)
            .and_where(AccessTokens::RevokedAt.col().is_null())
            .take();
        self.conn().await?.execute_found(&revoke).await
    }
}
