//! The search language at the edge: a request's `query` becomes a checked, typed query before
//! the search itself touches the database.

use serde_json::Value as Json;

use crate::domain::search::{self, Query, Resource};
use crate::error::ApiResult;
use crate::store::Store;

/// Parses `query`, reads what checking it needs from the workspace (nothing for a query on
/// documented fields alone) and checks it against the fields of `resource`.
pub async fn checked_query(
    store: &Store,
    workspace_id: i64,
    resource: Resource,
    query: &Json,
) -> ApiResult<Query> {
    let raw = search::parse(query)?;
    let catalog = store.search_catalog(workspace_id, resource, raw.needs()).await?;
    Ok(catalog.validate(&raw)?)
}
