//! Companies: the company object (tags, segments, plan, user count), built here from rows;
//! `reads` (lookups and the page-numbered lists), `writes` (checked against the workspace's
//! company attributes), `contacts` (a company's contacts, attaching them) and `scroll`.
//!
//! "Companies will be only visible in Intercom when there is at least one associated user":
//! the lists and scrolls show companies with at least one contact
//! ([`listed`](crate::store::schema::companies::listed)); lookups by id, `company_id` or name
//! find any company that is not archived. Also:
//! - `user_count` is the number of contacts attached (archived ones too), counted on read;
//! - `last_request_at` is the latest `last_seen_at` of a contact attached, kept by the
//!   triggers of migration 0004 whoever writes contacts;
//! - deleting archives the company ("does not permanently remove the company. It archives the
//!   company record and detaches any contacts attached to it"): no read shows it, its contacts
//!   are detached, its tags stay with it; `POST /companies` with its `company_id` brings it back
//!   (the description warns that a sync "will recreate any company deleted through this
//!   endpoint").

pub mod contacts;
pub mod reads;
pub mod scroll;
pub mod writes;

use std::collections::HashMap;

use sea_query::{Condition, Expr, ExprTrait, Order, Query, SelectStatement};

use crate::domain::company::{Company, CompanyRef, Plan};
use crate::domain::error::Missing;
use crate::domain::pages::NamedList;
use crate::domain::segment::Segment;
use crate::domain::tag::Tag;
use crate::store::backend::rows::row_struct;
use crate::store::contacts as contact_store;
use crate::store::schema::companies::{Companies, CompanyRow, Plans, live};
use crate::store::schema::tags::{CompanyTags, Tags};
use crate::store::schema::workspaces::Workspaces;
use crate::store::search::companies::{CompanySearch, user_count};
use crate::store::search::saved_segments as segments;
use crate::store::{Exec, StoreError, StoreResult, WhereEq};

row_struct! {
    /// The company object's row: the table's, the workspace's code, the plan's id and the
    /// number of contacts.
    pub(crate) struct CompanyView {
        company: CompanyRow,
        app_id: String,
        plan_id: Option<i64>,
        user_count: i64,
    }
}

/// The company object's columns for one workspace: the row, the workspace's code, the
/// plan's id and the number of contacts.
pub(crate) fn select(workspace_id: i64) -> SelectStatement {
    Companies::select_all(&mut Query::select())
        .expr_as(Expr::col((Workspaces::Table, Workspaces::IdCode)), "app_id")
        .expr_as(Expr::col((Plans::Table, Plans::Id)), "plan_id")
        .expr_as(user_count(), "user_count")
        .from(Companies::Table)
        .inner_join(
            Workspaces::Table,
            Expr::col((Workspaces::Table, Workspaces::Id)).equals((Companies::Table, Companies::WorkspaceId)),
        )
        .left_join(
            Plans::Table,
            Condition::all()
                .add(
                    Expr::col((Plans::Table, Plans::WorkspaceId))
                        .equals((Companies::Table, Companies::WorkspaceId)),
                )
                .add(Expr::col((Plans::Table, Plans::Name)).equals((Companies::Table, Companies::Plan))),
        )
        .cond_where(live(workspace_id))
        .take()
}

/// The internal id of the company `r` names, if it is one of the workspace's live ones.
pub(crate) async fn find(db: &mut impl Exec, workspace_id: i64, r: &CompanyRef) -> StoreResult<Option<i64>> {
    let mut q = Companies::select([Companies::Id]);
    q.cond_where(live(workspace_id));
    match (&r.id, &r.company_id) {
        (Some(id), _) => q.where_eq(Companies::PublicId, id.as_str()),
        (None, Some(company_id)) => q.where_eq(Companies::CompanyId, company_id.as_str()),
        (None, None) => return Ok(None),
    };
    Ok(db.fetch_optional::<(i64,)>(&q).await?.map(|(id,)| id))
}

/// The internal id of a company by its API id, or "Company Not Found".
pub(crate) async fn find_public(db: &mut impl Exec, workspace_id: i64, public_id: &str) -> StoreResult<i64> {
    let r = CompanyRef { id: Some(public_id.to_owned()), company_id: None };
    find(db, workspace_id, &r).await?.ok_or(StoreError::NotFound(Missing::Company))
}

/// The internal id of a contact by its API id, or "User Not Found".
pub(crate) async fn find_contact(db: &mut impl Exec, workspace_id: i64, contact: &str) -> StoreResult<i64> {
    contact_store::find_id(db, workspace_id, contact).await.map_err(|err| match err {
        StoreError::NotFound(_) => Missing::Contact.into(),
        other => other,
    })
}

/// The tags of each of `ids`.
async fn tags(db: &mut impl Exec, ids: &[i64]) -> StoreResult<HashMap<i64, Vec<Tag>>> {
    let rows: Vec<(i64, i64, String)> = db
        .fetch_all(
            Query::select()
                .column((CompanyTags::Table, CompanyTags::CompanyId))
                .columns([(Tags::Table, Tags::Id), (Tags::Table, Tags::Name)])
                .from(CompanyTags::Table)
                .inner_join(
                    Tags::Table,
                    Expr::col((Tags::Table, Tags::Id)).equals((CompanyTags::Table, CompanyTags::TagId)),
                )
                .and_where(Expr::col((CompanyTags::Table, CompanyTags::CompanyId)).is_in(ids.iter().copied()))
                .order_by((Tags::Table, Tags::Id), Order::Asc),
        )
        .await?;
    let mut out: HashMap<i64, Vec<Tag>> = HashMap::new();
    for (company, id, name) in rows {
        out.entry(company).or_default().push(Tag::new(id, name));
    }
    Ok(out)
}

/// The company segments each of `ids` is in, in one query (`UNION ALL` of each segment's
/// condition on these companies). A segment whose query no longer compiles has no members.
pub(crate) async fn memberships(
    db: &mut impl Exec,
    search: &CompanySearch,
    ids: &[i64],
) -> StoreResult<HashMap<i64, Vec<Segment>>> {
    let mut queries = Vec::with_capacity(search.segments.len());
    for (i, segment) in search.segments.iter().enumerate() {
        let cond = match search.segment_condition(segment) {
            Ok(cond) => cond,
            Err(err) => {
                tracing::warn!(segment = %segment.public_id, error = %err, "a company segment does not compile");
                continue;
            }
        };
        queries.push(
            Query::select()
                .expr(Expr::val(i as i64))
                .column((Companies::Table, Companies::Id))
                .from(Companies::Table)
                .and_where(Companies::Id.col().is_in(ids.iter().copied()))
                .cond_where(cond)
                .take(),
        );
    }
    let mut out: HashMap<i64, Vec<Segment>> = HashMap::new();
    let Some(union) = segments::union_all(queries) else { return Ok(out) };
    let mut rows: Vec<(i64, i64)> = db.fetch_all(&union).await?;
    rows.sort_unstable();
    for (i, company) in rows {
        out.entry(company).or_default().push(search.segments[i as usize].object(None));
    }
    Ok(out)
}

/// Turns rows into companies, with the tags and segments of all of them fetched at once.
pub(crate) async fn load(
    db: &mut impl Exec,
    workspace_id: i64,
    rows: Vec<CompanyView>,
) -> StoreResult<Vec<Company>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.company.id).collect();
    let mut tags = tags(db, &ids).await?;
    let search = CompanySearch::load(db, workspace_id).await?;
    let mut segments = memberships(db, &search, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|CompanyView { company: r, app_id, plan_id, user_count }| Company {
            kind: "company",
            tags: NamedList::new(tags.remove(&r.id).unwrap_or_default()),
            segments: NamedList::new(segments.remove(&r.id).unwrap_or_default()),
            company_id: r.company_id,
            id: r.public_id,
            app_id,
            name: r.name,
            remote_created_at: r.remote_created_at.unwrap_or(r.created_at),
            created_at: r.created_at,
            updated_at: r.updated_at,
            last_request_at: r.last_request_at,
            // Stored truncated; the column is a double for history's sake.
            monthly_spend: r.monthly_spend as i64,
            session_count: r.session_count,
            user_count,
            size: r.size,
            website: r.website,
            industry: r.industry,
            plan: Plan::new(plan_id, r.plan),
            custom_attributes: r.custom_attributes.0,
            notes: NamedList::new(Vec::new()),
        })
        .collect())
}

/// The company objects of the internal ids `ids` that are live, by id, in one read.
pub(crate) async fn get_many(
    db: &mut impl Exec,
    workspace_id: i64,
    ids: Vec<i64>,
) -> StoreResult<HashMap<i64, Company>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<CompanyView> =
        db.fetch_all(select(workspace_id).and_where(Companies::Id.col().is_in(ids))).await?;
    let internal: Vec<i64> = rows.iter().map(|r| r.company.id).collect();
    Ok(internal.into_iter().zip(load(db, workspace_id, rows).await?).collect())
}

/// The company object of the internal id `id`, or "Company Not Found".
pub(crate) async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<Company> {
    let row: Option<CompanyView> =
        db.fetch_optional(select(workspace_id).and_where(Companies::Id.col().eq(id))).await?;
    let row = row.ok_or(StoreError::NotFound(Missing::Company))?;
    Ok(load(db, workspace_id, vec![row]).await?.remove(0))
}
