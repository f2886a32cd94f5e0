//! Reading companies: by id, by `company_id` or name, the page-numbered lists (with the
//! filters of `GET /companies`), and the next companies a scroll serves.

use sea_query::{Condition, Expr, ExprTrait, NullOrdering, Order, Query};

use crate::domain::company::{Company, CompanyFilter, LIST_LIMIT, Order as ListOrder, page_limit_reached};
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::segment::{Segment, SegmentModel};
use crate::store::companies::{CompanyView, find_public, get, load, memberships, select};
use crate::store::contacts;
use crate::store::schema::companies::{Companies, ContactCompanies, listed};
use crate::store::schema::contacts::Contacts;
use crate::store::schema::tags::CompanyTags;
use crate::store::search::companies::CompanySearch;
use crate::store::search::contacts::{ContactSearch, never};
use crate::store::search::saved_segments as segments;
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq};

/// The condition of `GET /companies`' filters. An unknown tag or segment matches nothing.
async fn filter_condition(
    db: &mut impl Exec,
    workspace_id: i64,
    filter: &CompanyFilter,
) -> StoreResult<Condition> {
    let mut cond = Condition::all();
    if let Some(company_id) = &filter.company_id {
        cond = cond.add(Companies::CompanyId.col().eq(company_id.as_str()));
    }
    if let Some(name) = &filter.name {
        cond = cond.add(Companies::Name.col().eq(name.as_str()));
    }
    if let Some(tag) = &filter.tag_id {
        cond = cond.add(match ids::parse_numeric(tag.trim()) {
            Some(tag) => Condition::all().add(Companies::Id.col().in_subquery(
                CompanyTags::select([CompanyTags::CompanyId]).where_eq(CompanyTags::TagId, tag).take(),
            )),
            None => never(),
        });
    }
    if let Some(segment_id) = &filter.segment_id {
        cond = cond.add(segment_filter(db, workspace_id, segment_id).await?);
    }
    Ok(cond)
}

/// Companies of a segment: a company segment's own members, or for a contact segment the
/// companies that have one of its contacts.
async fn segment_filter(db: &mut impl Exec, workspace_id: i64, segment_id: &str) -> StoreResult<Condition> {
    let all = segments::all(db, workspace_id).await?;
    let Some(segment) = all.iter().find(|s| s.public_id == segment_id) else { return Ok(never()) };
    Ok(match segment.model {
        SegmentModel::Company => {
            let search = CompanySearch::load(db, workspace_id).await?;
            search.segment_condition(segment).map_err(StoreError::BrokenSegment)?
        }
        SegmentModel::Contact => {
            let search = ContactSearch::load(db, workspace_id).await?;
            let members = Query::select()
                .column((Contacts::Table, Contacts::Id))
                .from(Contacts::Table)
                .cond_where(
                    contacts::live(workspace_id)
                        .add(search.segment_condition(segment).map_err(StoreError::BrokenSegment)?),
                )
                .take();
            Condition::all().add(
                Companies::Id.col().in_subquery(
                    ContactCompanies::select([ContactCompanies::CompanyId])
                        .and_where(Expr::col(ContactCompanies::ContactId).in_subquery(members))
                        .take(),
                ),
            )
        }
    })
}

/// The next `limit` listed companies after the internal id `after`, in id order (scrolls).
pub(crate) async fn listed_after(
    db: &mut impl Exec,
    workspace_id: i64,
    after: i64,
    limit: u64,
) -> StoreResult<(Vec<Company>, Option<i64>)> {
    let rows: Vec<CompanyView> = db
        .fetch_all(
            select(workspace_id)
                .cond_where(listed(workspace_id))
                .and_where(Companies::Id.col().gt(after))
                .order_by((Companies::Table, Companies::Id), Order::Asc)
                .limit(limit),
        )
        .await?;
    let last = rows.last().map(|r| r.company.id);
    Ok((load(db, workspace_id, rows).await?, last))
}

impl Store {
    pub async fn get_company(&self, workspace_id: i64, public_id: &str) -> StoreResult<Company> {
        let mut conn = self.conn().await?;
        let id = find_public(&mut conn, workspace_id, public_id).await?;
        get(&mut conn, workspace_id, id).await
    }

    /// `GET /companies?company_id=` or `?name=`: the first company matching every filter.
    pub async fn find_company(&self, workspace_id: i64, filter: &CompanyFilter) -> StoreResult<Company> {
        let mut conn = self.conn().await?;
        let cond = filter_condition(&mut conn, workspace_id, filter).await?;
        let row: Option<CompanyView> = conn
            .fetch_optional(
                select(workspace_id)
                    .cond_where(cond)
                    .order_by((Companies::Table, Companies::Id), Order::Asc)
                    .limit(1),
            )
            .await?;
        let row = row.ok_or(StoreError::NotFound(Missing::Company))?;
        Ok(load(&mut conn, workspace_id, vec![row]).await?.remove(0))
    }

    /// A page (1-based) of the listed companies matching `filter`, by `last_request_at`, and
    /// how many there are. Only the first [`LIST_LIMIT`] can be paged to.
    pub async fn list_companies(
        &self,
        workspace_id: i64,
        filter: &CompanyFilter,
        order: ListOrder,
        page: u64,
        per_page: u64,
    ) -> StoreResult<(Vec<Company>, i64)> {
        let mut conn = self.conn().await?;
        let cond = listed(workspace_id).add(filter_condition(&mut conn, workspace_id, filter).await?);
        let total: i64 = conn
            .fetch_scalar(
                Query::select()
                    .expr(Expr::col((Companies::Table, Companies::Id)).count())
                    .from(Companies::Table)
                    .cond_where(cond.clone()),
            )
            .await?;
        // Past the 10,000th company is an error when there are more (so a walk never ends
        // silently short of them), past the end an empty page.
        let offset = (page - 1) * per_page;
        if offset >= LIST_LIMIT && total as u64 > LIST_LIMIT {
            return Err(page_limit_reached().into());
        }
        if offset >= total as u64 {
            return Ok((Vec::new(), total));
        }
        let (order, nulls) = match order {
            ListOrder::Desc => (Order::Desc, NullOrdering::Last),
            ListOrder::Asc => (Order::Asc, NullOrdering::First),
        };
        let rows: Vec<CompanyView> = conn
            .fetch_all(
                select(workspace_id)
                    .cond_where(cond)
                    .order_by_with_nulls((Companies::Table, Companies::LastRequestAt), order.clone(), nulls)
                    .order_by((Companies::Table, Companies::Id), order)
                    .limit(Ord::min(per_page, LIST_LIMIT - offset))
                    .offset(offset),
            )
            .await?;
        Ok((load(&mut conn, workspace_id, rows).await?, total))
    }

    /// The company segments a company is in.
    pub async fn company_segments(&self, workspace_id: i64, public_id: &str) -> StoreResult<Vec<Segment>> {
        let mut conn = self.conn().await?;
        let id = find_public(&mut conn, workspace_id, public_id).await?;
        let search = CompanySearch::load(&mut conn, workspace_id).await?;
        Ok(memberships(&mut conn, &search, &[id]).await?.remove(&id).unwrap_or_default())
    }
}
