//! Access tokens. Only a SHA-256 of each token is stored; the token itself is shown once.

use crate::domain::error::Missing;
use crate::store::backend::rows::row_struct;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use sha2::{Digest, Sha256};

use crate::store::workspaces::Workspaces;
use crate::store::{Exec, Store, StoreError, StoreResult, now};

#[derive(Iden)]
pub(crate) enum AccessTokens {
    Table,
    Id,
    WorkspaceId,
    AdminId,
    TokenHash,
    Name,
    CreatedAt,
    RevokedAt,
}

row_struct! {
    /// Who a request's token speaks for.
    #[derive(Debug, Clone)]
    pub struct TokenOwner {
        pub workspace_id: i64,
        pub admin_id: i64,
        pub default_version: String,
    }
}

row_struct! {
    #[derive(Debug, Clone, serde::Serialize)]
    pub struct TokenInfo {
        pub id: i64,
        pub admin_id: i64,
        pub name: String,
        pub created_at: i64,
        pub revoked_at: Option<i64>,
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
    db.execute(
        Query::insert()
            .into_table(AccessTokens::Table)
            .columns([
                AccessTokens::WorkspaceId,
                AccessTokens::AdminId,
                AccessTokens::TokenHash,
                AccessTokens::Name,
                AccessTokens::CreatedAt,
            ])
            .values_panic([
                workspace_id.into(),
                admin_id.into(),
                hash(&token).into(),
                name.into(),
                now().into(),
            ]),
    )
    .await?;
    Ok(token)
}

impl Store {
    /// The owner of a live token, or `None` for an unknown or revoked one.
    pub async fn authenticate(&self, token: &str) -> StoreResult<Option<TokenOwner>> {
        self.conn()
            .await?
            .fetch_optional(
                Query::select()
                    .column((AccessTokens::Table, AccessTokens::WorkspaceId))
                    .column((AccessTokens::Table, AccessTokens::AdminId))
                    .column((Workspaces::Table, Workspaces::DefaultVersion))
                    .from(AccessTokens::Table)
                    .inner_join(
                        Workspaces::Table,
                        Expr::col((Workspaces::Table, Workspaces::Id))
                            .equals((AccessTokens::Table, AccessTokens::WorkspaceId)),
                    )
                    .and_where(Expr::col((AccessTokens::Table, AccessTokens::TokenHash)).eq(hash(token)))
                    .and_where(Expr::col((AccessTokens::Table, AccessTokens::RevokedAt)).is_null()),
            )
            .await
    }

    /// A new token for an admin of the workspace.
    pub async fn create_token(&self, workspace_id: i64, admin_id: i64, name: &str) -> StoreResult<String> {
        let mut tx = self.begin().await?;
        let admin = crate::store::admins::get(&mut tx, workspace_id, admin_id).await?;
        let token = insert(&mut tx, workspace_id, admin_id, name).await?;
        crate::store::admins::activity_logs::insert(
            &mut tx,
            workspace_id,
            &crate::domain::activity_log::NewActivity {
                admin_id,
                activity_type: crate::domain::activity_log::ActivityType::AppPackageTokenRegeneration,
                description: format!("{} was given a new access token named {name}.", admin.name),
                metadata: serde_json::json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn list_tokens(&self, workspace_id: i64) -> StoreResult<Vec<TokenInfo>> {
        self.conn()
            .await?
            .fetch_all(
                Query::select()
                    .columns([
                        AccessTokens::Id,
                        AccessTokens::AdminId,
                        AccessTokens::Name,
                        AccessTokens::CreatedAt,
                        AccessTokens::RevokedAt,
                    ])
                    .from(AccessTokens::Table)
                    .and_where(Expr::col(AccessTokens::WorkspaceId).eq(workspace_id))
                    .order_by(AccessTokens::Id, Order::Asc),
            )
            .await
    }

    /// Revokes a token at once, for every server process sharing the database.
    pub async fn revoke_token(&self, workspace_id: i64, token_id: i64) -> StoreResult<()> {
        let touched = self
            .conn()
            .await?
            .execute(
                Query::update()
                    .table(AccessTokens::Table)
                    .value(AccessTokens::RevokedAt, now())
                    .and_where(Expr::col(AccessTokens::WorkspaceId).eq(workspace_id))
                    .and_where(Expr::col(AccessTokens::Id).eq(token_id))
                    .and_where(Expr::col(AccessTokens::RevokedAt).is_null()),
            )
            .await?;
        if touched == 0 { Err(StoreError::NotFound(Missing::Resource)) } else { Ok(()) }
    }
}
