//! Segments: saved contact or company queries. Membership and counts are computed by the
//! search compilers (`ContactSearch::segment_condition`, `CompanySearch::segment_condition`),
//! so they always agree with a `segment_id` search or filter.

use sea_query::{Expr, ExprTrait, IntoIden, Query};
use serde_json::Value as Json;

use crate::domain::error::{Missing, Rejection};
use crate::domain::ids;
use crate::domain::search::{Needs, Resource};
use crate::domain::segment::{PersonType, Segment, SegmentModel};
use crate::store::contacts;
use crate::store::schema::companies::{self, Companies};
use crate::store::schema::contacts::Contacts;
use crate::store::schema::segments::Segments;
use crate::store::search::companies::CompanySearch;
use crate::store::search::{self, contacts::ContactSearch};
use crate::store::{Exec, Store, StoreError, StoreResult, now};

use crate::store::search::saved_segments::{SavedSegment, all, union_all};

/// The number of members of each segment, in one statement: live contacts, or for a company
/// segment the companies the company lists show.
async fn counts(
    db: &mut impl Exec,
    search: &ContactSearch,
    workspace_id: i64,
    segments: &[SavedSegment],
) -> StoreResult<Vec<i64>> {
    let company_search = match segments.iter().any(|s| s.model == SegmentModel::Company) {
        true => Some(CompanySearch::load(db, workspace_id).await?),
        false => None,
    };
    let mut queries = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        let (table, id, members) = match (segment.model, &company_search) {
            (SegmentModel::Company, Some(companies)) => {
                let cond = companies.segment_condition(segment).map_err(StoreError::BrokenSegment)?;
                (Companies::Table.into_iden(), Companies::Id.col(), companies::listed(workspace_id).add(cond))
            }
            _ => {
                let cond = search.segment_condition(segment).map_err(StoreError::BrokenSegment)?;
                (Contacts::Table.into_iden(), Contacts::Id.col(), contacts::live(workspace_id).add(cond))
            }
        };
        queries.push(
            Query::select().expr(Expr::val(i as i64)).expr(id.count()).from(table).cond_where(members).take(),
        );
    }
    let mut out = vec![0; segments.len()];
    if let Some(union) = union_all(queries) {
        let rows: Vec<(i64, i64)> = db.fetch_all(&union).await?;
        for (i, count) in rows {
            out[i as usize] = count;
        }
    }
    Ok(out)
}

/// A new segment's query that does not compile is the request's fault.
fn refused(err: crate::domain::search::SearchError) -> StoreError {
    StoreError::Rejected(Rejection::from(err))
}

impl Store {
    /// Saves a segment after checking its query as a search would (`segment_id` excluded).
    pub async fn create_segment(
        &self,
        workspace_id: i64,
        name: &str,
        person_type: PersonType,
        query: &Json,
    ) -> StoreResult<Segment> {
        self.save_segment(workspace_id, name, person_type, SegmentModel::Contact, query).await
    }

    /// Saves a company segment after checking its query against the company fields.
    pub async fn create_company_segment(
        &self,
        workspace_id: i64,
        name: &str,
        query: &Json,
    ) -> StoreResult<Segment> {
        self.save_segment(workspace_id, name, PersonType::User, SegmentModel::Company, query).await
    }

    async fn save_segment(
        &self,
        workspace_id: i64,
        name: &str,
        person_type: PersonType,
        model: SegmentModel,
        query: &Json,
    ) -> StoreResult<Segment> {
        let mut tx = self.begin().await?;
        let at = now();
        let saved = SavedSegment {
            public_id: ids::hex_id(at),
            name: name.to_owned(),
            person_type,
            model,
            query: query.clone(),
            created_at: at,
            updated_at: at,
        };
        // Checked as a search would be; a segment's query cannot name `segment_id`, so the
        // other segments are not needed.
        let resource = match model {
            SegmentModel::Contact => Resource::Contacts,
            SegmentModel::Company => Resource::Companies,
        };
        let catalog = search::resolve::catalog(&mut tx, workspace_id, resource, Needs::ATTRIBUTES).await?;
        catalog.membership(&saved).map_err(refused)?;
        tx.execute(&Segments::insert([
            (Segments::PublicId, saved.public_id.clone().into()),
            (Segments::WorkspaceId, workspace_id.into()),
            (Segments::Name, saved.name.clone().into()),
            (Segments::PersonType, person_type.as_str().into()),
            (Segments::Model, model.as_str().into()),
            (Segments::Query, query.to_string().into()),
            (Segments::CreatedAt, at.into()),
            (Segments::UpdatedAt, at.into()),
        ]))
        .await?;
        tx.commit().await?;
        Ok(saved.object(None))
    }

    /// The workspace's segments, with their member counts when asked.
    pub async fn list_segments(&self, workspace_id: i64, include_count: bool) -> StoreResult<Vec<Segment>> {
        let mut conn = self.conn().await?;
        let search = ContactSearch::load(&mut conn, workspace_id).await?;
        let segments = all(&mut conn, workspace_id).await?;
        let counts = if include_count {
            counts(&mut conn, &search, workspace_id, &segments).await?.into_iter().map(Some).collect()
        } else {
            vec![None; segments.len()]
        };
        Ok(segments.iter().zip(counts).map(|(s, count)| s.object(count)).collect())
    }

    pub async fn get_segment(
        &self,
        workspace_id: i64,
        public_id: &str,
        include_count: bool,
    ) -> StoreResult<Segment> {
        let mut conn = self.conn().await?;
        let search = ContactSearch::load(&mut conn, workspace_id).await?;
        let segments = all(&mut conn, workspace_id).await?;
        let segment = segments.iter().find(|s| s.public_id == public_id).ok_or(Missing::Resource)?;
        let count = if include_count {
            Some(counts(&mut conn, &search, workspace_id, std::slice::from_ref(segment)).await?[0])
        } else {
            None
        };
        Ok(segment.object(count))
    }

    /// The segments a live contact is in: each segment's condition tried on that contact.
    pub async fn contact_segments(&self, workspace_id: i64, contact: &str) -> StoreResult<Vec<Segment>> {
        let mut conn = self.conn().await?;
        let id = contacts::find_id(&mut conn, workspace_id, contact).await?;
        let search = ContactSearch::load(&mut conn, workspace_id).await?;
        let mut segments = all(&mut conn, workspace_id).await?;
        segments.retain(|s| s.model == SegmentModel::Contact);
        let mut queries = Vec::with_capacity(segments.len());
        for (i, segment) in segments.iter().enumerate() {
            let cond = search.segment_condition(segment).map_err(StoreError::BrokenSegment)?;
            let this_contact = Expr::col((Contacts::Table, Contacts::Id)).eq(id);
            queries.push(
                Query::select()
                    .expr(Expr::val(i as i64))
                    .from(Contacts::Table)
                    .cond_where(contacts::live(workspace_id).add(this_contact).add(cond))
                    .take(),
            );
        }
        let Some(union) = union_all(queries) else { return Ok(Vec::new()) };
        let mut members: Vec<(i64,)> = conn.fetch_all(&union).await?;
        members.sort_unstable();
        Ok(members.into_iter().map(|(i,)| segments[i as usize].object(None)).collect())
    }
}
