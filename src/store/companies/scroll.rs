//! The companies scroll (`GET /companies/scroll`), kept in the database so that every server
//! process sharing it serves the same scroll:
//!
//! - one open scroll per workspace (`company_scrolls` is keyed by workspace);
//! - each call serves the listed companies after the last one served, in id order, so each
//!   company comes once; the param stays the same and each use pushes its expiry a minute on;
//! - a scroll unused for a minute is gone: its param is not found, and a new one may open;
//! - past the end the page is empty and the scroll is closed.
//!
//! Calls with one param are serialised by locking its row first (an UPDATE), so two
//! processes cannot serve the same page twice.

use sea_query::{Expr, ExprTrait};

use crate::domain::company::{Company, SCROLL_PAGE, SCROLL_TTL_SECS, scroll_exists};
use crate::domain::error::Missing;
use crate::store::companies::reads::listed_after;
use crate::store::schema::companies::CompanyScrolls;
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq};

/// One page of a scroll: its companies and the param for the next call (`None` once ended).
pub struct ScrollPage {
    pub companies: Vec<Company>,
    pub param: Option<String>,
}

impl Store {
    /// Opens a scroll (`param` absent) or goes on with one; `now` is the current time.
    pub async fn scroll_companies(
        &self,
        workspace_id: i64,
        param: Option<&str>,
        now: i64,
    ) -> StoreResult<ScrollPage> {
        let mut tx = self.begin().await?;
        // An expired scroll is as good as gone: drop it before anything reads it.
        tx.execute(
            CompanyScrolls::delete()
                .where_eq(CompanyScrolls::WorkspaceId, workspace_id)
                .and_where(Expr::col(CompanyScrolls::ExpiresAt).lte(now)),
        )
        .await?;
        let result = match param {
            None => open(&mut tx, workspace_id, now).await,
            Some(param) => next(&mut tx, workspace_id, param, now).await,
        };
        // Commit even on a scroll error: the expired scroll stays deleted.
        tx.commit().await?;
        result
    }
}

async fn open(db: &mut impl Exec, workspace_id: i64, now: i64) -> StoreResult<ScrollPage> {
    let open: Option<(String,)> = db
        .fetch_optional(
            CompanyScrolls::select([CompanyScrolls::Param])
                .where_eq(CompanyScrolls::WorkspaceId, workspace_id),
        )
        .await?;
    if open.is_some() {
        return Err(scroll_exists().into());
    }
    let (companies, last) = listed_after(db, workspace_id, 0, SCROLL_PAGE).await?;
    let Some(last) = last else { return Ok(ScrollPage { companies, param: None }) };
    let param = uuid::Uuid::new_v4().to_string();
    let inserted = db
        .execute(&CompanyScrolls::insert([
            (CompanyScrolls::WorkspaceId, workspace_id.into()),
            (CompanyScrolls::Param, param.clone().into()),
            (CompanyScrolls::LastId, last.into()),
            (CompanyScrolls::ExpiresAt, (now + SCROLL_TTL_SECS).into()),
        ]))
        .await;
    match inserted {
        // Another process opened one between our read and our insert.
        Err(StoreError::Conflict { .. }) => Err(scroll_exists().into()),
        other => other.map(|_| ScrollPage { companies, param: Some(param) }),
    }
}

async fn next(db: &mut impl Exec, workspace_id: i64, param: &str, now: i64) -> StoreResult<ScrollPage> {
    let this = |column, value: i64| {
        CompanyScrolls::update([(column, value.into())])
            .where_eq(CompanyScrolls::WorkspaceId, workspace_id)
            .where_eq(CompanyScrolls::Param, param)
            .take()
    };
    let locked = db.execute(&this(CompanyScrolls::ExpiresAt, now + SCROLL_TTL_SECS)).await?;
    if locked == 0 {
        return Err(Missing::Scroll.into());
    }
    let (after,): (i64,) = db
        .fetch_one(
            CompanyScrolls::select([CompanyScrolls::LastId])
                .where_eq(CompanyScrolls::WorkspaceId, workspace_id)
                .where_eq(CompanyScrolls::Param, param),
        )
        .await?;
    let (companies, last) = listed_after(db, workspace_id, after, SCROLL_PAGE).await?;
    match last {
        Some(last) => {
            db.execute(&this(CompanyScrolls::LastId, last)).await?;
            Ok(ScrollPage { companies, param: Some(param.to_owned()) })
        }
        None => {
            db.execute(
                CompanyScrolls::delete()
                    .where_eq(CompanyScrolls::WorkspaceId, workspace_id)
                    .where_eq(CompanyScrolls::Param, param),
            )
            .await?;
            Ok(ScrollPage { companies, param: None })
        }
    }
}
