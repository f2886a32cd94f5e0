//! The search language at the edge: a request's `query` becomes a checked, typed query before
//! the search itself touches the database.

use serde_json::Value as Json;

use super::extract::Ctx;
use crate::domain::search::{self, Query, Resource};
use crate::error::ApiResult;

/// Parses `query`, reads what checking it needs from the workspace (nothing for a query on
/// documented fields alone) and checks it against the fields of `resource`.
pub async fn checked_query(ctx: &Ctx, resource: Resource, query: &Json) -> ApiResult<Query> {
    let raw = search::parse(query)?;
    let catalog = ctx.store.search_catalog(ctx.workspace_id, resource, raw.needs()).await?;
    Ok(catalog.validate(&raw)?)
}
