//! Saved segments as stored: read by the search compilers (`segment_id`), and by the writes
//! that must not break a segment's query (deleting a tag, archiving an attribute). It reads the
//! segments table alone, so that those can use it without importing the segment endpoints.

use sea_query::{Order, Query, SelectStatement, UnionType};
use serde_json::Value as Json;

use crate::domain::segment::{PersonType, SegmentModel};
use crate::store::schema::segments::{SegmentRow, Segments};
use crate::store::{Exec, StoreResult, WhereEq};

pub(crate) use crate::domain::segment::SavedSegment;

/// Every segment of the workspace, oldest first.
pub(crate) async fn all(db: &mut impl Exec, workspace_id: i64) -> StoreResult<Vec<SavedSegment>> {
    let rows: Vec<SegmentRow> = db
        .fetch_all(
            Segments::select_all(&mut Query::select())
                .from(Segments::Table)
                .where_eq(Segments::WorkspaceId, workspace_id)
                .order_by(Segments::Id, Order::Asc),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| SavedSegment {
            public_id: r.public_id,
            name: r.name,
            person_type: PersonType::parse(&r.person_type).unwrap_or(PersonType::User),
            model: SegmentModel::parse(&r.model).unwrap_or(SegmentModel::Contact),
            query: serde_json::from_str(&r.query).unwrap_or(Json::Null),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

/// One statement out of several: `q1 UNION ALL q2 ...`, or `None` for none.
pub(crate) fn union_all(queries: impl IntoIterator<Item = SelectStatement>) -> Option<SelectStatement> {
    queries.into_iter().reduce(|mut all, q| {
        all.union(UnionType::All, q);
        all
    })
}
