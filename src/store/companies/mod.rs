//! Companies: the company object (tags, segments, plan, user count), writes checked against
//! the workspace's company attributes, the page-numbered lists, a company's contacts and
//! segments, and attaching contacts. Scrolls live in `company_scroll`.
//!
//! "Companies will be only visible in Intercom when there is at least one associated user":
//! the lists and scrolls show companies with at least one contact ([`listed`]); lookups by
//! id, `company_id` or name find any company. Also:
//! - `user_count` is the number of contacts attached (archived ones too), counted on read;
//! - `last_request_at` is the latest `last_seen_at` of a contact attached, kept by the
//!   triggers of migration 0004 whoever writes contacts;
//! - deleting removes the row, its attachments and taggings; the `company_id` is free again.

pub mod scroll;

use crate::store::backend::rows::row_struct;
use std::collections::HashMap;

use crate::store::backend::rows::JsonColumn;
use sea_query::{Condition, Expr, ExprTrait, Iden, NullOrdering, OnConflict, Order, Query, SelectStatement};
use serde_json::{Map, Value as Json};

use crate::domain::company::{
    self, Company, CompanyChanges, CompanyDeleted, LIST_LIMIT, MAX_COMPANIES_PER_CONTACT, Order as ListOrder,
    Plan,
};
use crate::domain::contact::Page;
use crate::domain::data_attribute::{AttributeRejection, Model};
use crate::domain::ids;
use crate::domain::pages::NamedList;
use crate::domain::search::SearchError;
use crate::domain::segment::{Segment, SegmentModel};
use crate::domain::tag::Tag;
use crate::store::contacts::{self, ContactPage};
use crate::store::data_attributes;
use crate::store::schema::contacts::Contacts;
use crate::store::schema::tags::{CompanyTags, Tags};
use crate::store::schema::workspaces::Workspaces;
use crate::store::search::companies::{CompanySearch, user_count};
use crate::store::search::contacts::{ContactSearch, never};
use crate::store::segments::saved as segments;
use crate::store::{Exec, Store, StoreError, StoreResult, now};

#[derive(Iden, Clone, Copy)]
pub(crate) enum Companies {
    Table,
    Id,
    PublicId,
    WorkspaceId,
    CompanyId,
    Name,
    Plan,
    Size,
    Website,
    Industry,
    MonthlySpend,
    SessionCount,
    RemoteCreatedAt,
    LastRequestAt,
    CustomAttributes,
    CreatedAt,
    UpdatedAt,
}

/// Every column of `companies` the company object shows.
const COLUMNS: [Companies; 15] = {
    use Companies::*;
    [
        Id,
        PublicId,
        CompanyId,
        Name,
        Plan,
        Size,
        Website,
        Industry,
        MonthlySpend,
        SessionCount,
        RemoteCreatedAt,
        LastRequestAt,
        CustomAttributes,
        CreatedAt,
        UpdatedAt,
    ]
};

#[derive(Iden)]
pub(crate) enum ContactCompanies {
    Table,
    ContactId,
    CompanyId,
    CreatedAt,
}

#[derive(Iden)]
enum Plans {
    Table,
    Id,
    WorkspaceId,
    Name,
    CreatedAt,
}

/// A company named by its Intercom id (`id`) or by the id the workspace gave it (`company_id`).
#[derive(Debug, Clone, Default)]
pub struct CompanyRef {
    pub id: Option<String>,
    pub company_id: Option<String>,
}

/// Why a company operation failed.
#[derive(Debug)]
pub enum CompanyError {
    Store(StoreError),
    CompanyNotFound,
    ContactNotFound,
    /// "It is not possible to update company_id".
    CompanyIdChanged,
    Attribute(AttributeRejection),
    /// A page past the first 10,000 companies of a list.
    PageLimit,
    ContactCompanyLimit,
    /// Another scroll of the workspace is open.
    ScrollExists,
    /// The scroll param is unknown, expired or used up.
    ScrollNotFound,
    /// A saved segment's query no longer compiles.
    BrokenSegment(SearchError),
}

impl From<StoreError> for CompanyError {
    fn from(err: StoreError) -> Self {
        CompanyError::Store(err)
    }
}

impl From<AttributeRejection> for CompanyError {
    fn from(err: AttributeRejection) -> Self {
        CompanyError::Attribute(err)
    }
}

pub type CompanyResult<T> = Result<T, CompanyError>;

/// The filters of `GET /companies`.
#[derive(Debug, Clone, Default)]
pub struct CompanyFilter {
    pub company_id: Option<String>,
    pub name: Option<String>,
    pub tag_id: Option<String>,
    pub segment_id: Option<String>,
}

row_struct! {
    struct CompanyRow {
        id: i64,
        public_id: String,
        app_id: String,
        company_id: String,
        name: Option<String>,
        plan: Option<String>,
        plan_id: Option<i64>,
        size: Option<i64>,
        website: Option<String>,
        industry: Option<String>,
        monthly_spend: f64,
        session_count: i64,
        remote_created_at: Option<i64>,
        last_request_at: Option<i64>,
        custom_attributes: JsonColumn<Map<String, Json>>,
        created_at: i64,
        updated_at: i64,
        user_count: i64,
    }
}

fn col(c: Companies) -> Expr {
    Expr::col((Companies::Table, c))
}

/// The company object's columns for one workspace: the row, the workspace's code, the
/// plan's id and the number of contacts.
fn select(workspace_id: i64) -> SelectStatement {
    let mut q = Query::select();
    for c in COLUMNS {
        q.column((Companies::Table, c));
    }
    q.expr_as(Expr::col((Workspaces::Table, Workspaces::IdCode)), "app_id")
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
        .and_where(col(Companies::WorkspaceId).eq(workspace_id))
        .take()
}

/// The companies the lists show: the workspace's companies that have a contact.
pub(crate) fn listed(workspace_id: i64) -> Condition {
    let members = Query::select()
        .expr(Expr::val(1))
        .from(ContactCompanies::Table)
        .and_where(
            Expr::col((ContactCompanies::Table, ContactCompanies::CompanyId))
                .equals((Companies::Table, Companies::Id)),
        )
        .take();
    Condition::all().add(col(Companies::WorkspaceId).eq(workspace_id)).add(Expr::exists(members))
}

/// The internal id of the company `r` names, if it is one of the workspace's.
pub(crate) async fn find(db: &mut impl Exec, workspace_id: i64, r: &CompanyRef) -> StoreResult<Option<i64>> {
    let mut q = Query::select();
    q.column(Companies::Id)
        .from(Companies::Table)
        .and_where(Expr::col(Companies::WorkspaceId).eq(workspace_id));
    match (&r.id, &r.company_id) {
        (Some(id), _) => q.and_where(Expr::col(Companies::PublicId).eq(id.as_str())),
        (None, Some(company_id)) => q.and_where(Expr::col(Companies::CompanyId).eq(company_id.as_str())),
        (None, None) => return Ok(None),
    };
    Ok(db.fetch_optional::<(i64,)>(&q).await?.map(|(id,)| id))
}

/// The internal id of a company by its API id, or [`CompanyError::CompanyNotFound`].
async fn find_public(db: &mut impl Exec, workspace_id: i64, public_id: &str) -> CompanyResult<i64> {
    let r = CompanyRef { id: Some(public_id.to_owned()), company_id: None };
    find(db, workspace_id, &r).await?.ok_or(CompanyError::CompanyNotFound)
}

/// The internal id of a contact by its API id, or [`CompanyError::ContactNotFound`].
async fn find_contact(db: &mut impl Exec, workspace_id: i64, contact: &str) -> CompanyResult<i64> {
    contacts::find_id(db, workspace_id, contact).await.map_err(|err| match err {
        StoreError::NotFound(_) => CompanyError::ContactNotFound,
        other => other.into(),
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
async fn memberships(
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
                .and_where(col(Companies::Id).is_in(ids.iter().copied()))
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
async fn load(db: &mut impl Exec, workspace_id: i64, rows: Vec<CompanyRow>) -> StoreResult<Vec<Company>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = tags(db, &ids).await?;
    let search = CompanySearch::load(db, workspace_id).await?;
    let mut segments = memberships(db, &search, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| Company {
            kind: "company",
            tags: NamedList::new(tags.remove(&r.id).unwrap_or_default()),
            segments: NamedList::new(segments.remove(&r.id).unwrap_or_default()),
            company_id: r.company_id,
            id: r.public_id,
            app_id: r.app_id,
            name: r.name,
            remote_created_at: r.remote_created_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            last_request_at: r.last_request_at,
            // Stored truncated; the column is a double for history's sake.
            monthly_spend: r.monthly_spend as i64,
            session_count: r.session_count,
            user_count: r.user_count,
            size: r.size,
            website: r.website,
            industry: r.industry,
            plan: Plan::new(r.plan_id, r.plan),
            custom_attributes: r.custom_attributes.0,
        })
        .collect())
}

pub(crate) async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<Company> {
    let row: CompanyRow = db.fetch_one(select(workspace_id).and_where(col(Companies::Id).eq(id))).await?;
    Ok(load(db, workspace_id, vec![row]).await?.remove(0))
}

/// Makes sure the workspace has a plan called `name`, so that it has an id to show.
async fn ensure_plan(db: &mut impl Exec, workspace_id: i64, name: &str) -> StoreResult<()> {
    db.execute(
        Query::insert()
            .into_table(Plans::Table)
            .columns([Plans::WorkspaceId, Plans::Name, Plans::CreatedAt])
            .values_panic([workspace_id.into(), name.into(), now().into()])
            .on_conflict(OnConflict::columns([Plans::WorkspaceId, Plans::Name]).do_nothing().to_owned()),
    )
    .await?;
    Ok(())
}

/// The column values `changes` write (custom attributes aside), creating the plan it names.
async fn written(
    db: &mut impl Exec,
    workspace_id: i64,
    changes: &CompanyChanges,
) -> StoreResult<Vec<(Companies, Expr)>> {
    let mut values = vec![(Companies::UpdatedAt, now().into())];
    if let Some(plan) = &changes.plan {
        if let Some(name) = plan {
            ensure_plan(db, workspace_id, name).await?;
        }
        values.push((Companies::Plan, plan.clone().into()));
    }
    for (column, value) in [
        (Companies::Name, &changes.name),
        (Companies::Website, &changes.website),
        (Companies::Industry, &changes.industry),
    ] {
        if let Some(value) = value {
            values.push((column, value.clone().into()));
        }
    }
    for (column, value) in
        [(Companies::Size, changes.size), (Companies::RemoteCreatedAt, changes.remote_created_at)]
    {
        if let Some(value) = value {
            values.push((column, value.into()));
        }
    }
    if let Some(spend) = changes.monthly_spend {
        values.push((Companies::MonthlySpend, (spend as f64).into()));
    }
    Ok(values)
}

/// Applies `changes` to the company `id` (custom attributes merged into its current ones).
async fn write(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    changes: &CompanyChanges,
) -> CompanyResult<()> {
    // Takes the row's lock first: custom attributes are read, merged, then written.
    db.execute(
        Query::update()
            .table(Companies::Table)
            .value(Companies::Id, Expr::col(Companies::Id))
            .and_where(col(Companies::Id).eq(id)),
    )
    .await?;
    let mut values = written(db, workspace_id, changes).await?;
    if let Some(changed) = &changes.custom_attributes {
        let (JsonColumn(mut custom),): (JsonColumn<Map<String, Json>>,) = db
            .fetch_one(
                Query::select()
                    .column(Companies::CustomAttributes)
                    .from(Companies::Table)
                    .and_where(col(Companies::Id).eq(id)),
            )
            .await?;
        let attributes = data_attributes::custom(db, workspace_id, Model::Company).await?;
        company::merge_custom_attributes(&mut custom, changed, &attributes)?;
        values.push((Companies::CustomAttributes, Expr::val(Json::Object(custom))));
    }
    db.execute(Query::update().table(Companies::Table).values(values).and_where(col(Companies::Id).eq(id)))
        .await?;
    Ok(())
}

/// Inserts a company with `changes`, or `None` if `company_id` was taken meanwhile.
async fn insert(
    db: &mut impl Exec,
    workspace_id: i64,
    company_id: &str,
    changes: &CompanyChanges,
) -> CompanyResult<Option<i64>> {
    let mut custom = Map::new();
    if let Some(values) = &changes.custom_attributes {
        let attributes = data_attributes::custom(db, workspace_id, Model::Company).await?;
        company::merge_custom_attributes(&mut custom, values, &attributes)?;
    }
    let at = now();
    let mut values = written(db, workspace_id, changes).await?;
    values.extend([
        (Companies::PublicId, ids::hex_id(at).into()),
        (Companies::WorkspaceId, workspace_id.into()),
        (Companies::CompanyId, company_id.into()),
        (Companies::CustomAttributes, Expr::val(Json::Object(custom))),
        (Companies::CreatedAt, at.into()),
    ]);
    let (columns, exprs): (Vec<Companies>, Vec<Expr>) = values.into_iter().unzip();
    let insert = Query::insert()
        .into_table(Companies::Table)
        .columns(columns)
        .values_panic(exprs)
        .returning_col(Companies::Id)
        .take();
    match db.fetch_scalar(&insert).await {
        Ok(id) => Ok(Some(id)),
        Err(StoreError::Conflict { .. }) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// The condition of `GET /companies`' filters. An unknown tag or segment matches nothing.
async fn filter_condition(
    db: &mut impl Exec,
    workspace_id: i64,
    filter: &CompanyFilter,
) -> CompanyResult<Condition> {
    let mut cond = Condition::all();
    if let Some(company_id) = &filter.company_id {
        cond = cond.add(col(Companies::CompanyId).eq(company_id.as_str()));
    }
    if let Some(name) = &filter.name {
        cond = cond.add(col(Companies::Name).eq(name.as_str()));
    }
    if let Some(tag) = &filter.tag_id {
        cond = cond.add(match ids::parse_numeric(tag.trim()) {
            Some(tag) => Condition::all().add(
                col(Companies::Id).in_subquery(
                    Query::select()
                        .column(CompanyTags::CompanyId)
                        .from(CompanyTags::Table)
                        .and_where(Expr::col(CompanyTags::TagId).eq(tag))
                        .take(),
                ),
            ),
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
async fn segment_filter(db: &mut impl Exec, workspace_id: i64, segment_id: &str) -> CompanyResult<Condition> {
    let all = segments::all(db, workspace_id).await?;
    let Some(segment) = all.iter().find(|s| s.public_id == segment_id) else { return Ok(never()) };
    Ok(match segment.model {
        SegmentModel::Company => {
            let search = CompanySearch::load(db, workspace_id).await?;
            search.segment_condition(segment).map_err(CompanyError::BrokenSegment)?
        }
        SegmentModel::Contact => {
            let search = ContactSearch::load(db, workspace_id).await?;
            let members = Query::select()
                .column((Contacts::Table, Contacts::Id))
                .from(Contacts::Table)
                .cond_where(
                    contacts::live(workspace_id)
                        .add(search.segment_condition(segment).map_err(CompanyError::BrokenSegment)?),
                )
                .take();
            Condition::all().add(
                col(Companies::Id).in_subquery(
                    Query::select()
                        .column(ContactCompanies::CompanyId)
                        .from(ContactCompanies::Table)
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
    let rows: Vec<CompanyRow> = db
        .fetch_all(
            select(workspace_id)
                .cond_where(listed(workspace_id))
                .and_where(col(Companies::Id).gt(after))
                .order_by((Companies::Table, Companies::Id), Order::Asc)
                .limit(limit),
        )
        .await?;
    let last = rows.last().map(|r| r.id);
    Ok((load(db, workspace_id, rows).await?, last))
}

impl Store {
    pub async fn get_company(&self, workspace_id: i64, public_id: &str) -> CompanyResult<Company> {
        let mut conn = self.conn().await?;
        let id = find_public(&mut conn, workspace_id, public_id).await?;
        Ok(get(&mut conn, workspace_id, id).await?)
    }

    /// `POST /companies`: updates the company with this `company_id`, or creates it.
    pub async fn create_or_update_company(
        &self,
        workspace_id: i64,
        company_id: &str,
        changes: &CompanyChanges,
    ) -> CompanyResult<Company> {
        // A concurrent create of the same company_id makes the insert lose; the retry updates.
        for _ in 0..3 {
            let mut tx = self.begin().await?;
            let r = CompanyRef { id: None, company_id: Some(company_id.to_owned()) };
            let id = match find(&mut tx, workspace_id, &r).await? {
                Some(id) => {
                    write(&mut tx, workspace_id, id, changes).await?;
                    id
                }
                None => match insert(&mut tx, workspace_id, company_id, changes).await? {
                    Some(id) => id,
                    None => continue,
                },
            };
            let company = get(&mut tx, workspace_id, id).await?;
            tx.commit().await?;
            return Ok(company);
        }
        Err(StoreError::Conflict { constraint: "companies.company_id".into() }.into())
    }

    /// `PUT /companies/{id}`. `company_id` may be sent only unchanged.
    pub async fn update_company(
        &self,
        workspace_id: i64,
        public_id: &str,
        company_id: Option<&str>,
        changes: &CompanyChanges,
    ) -> CompanyResult<Company> {
        let mut tx = self.begin().await?;
        let id = find_public(&mut tx, workspace_id, public_id).await?;
        if let Some(company_id) = company_id {
            let r = CompanyRef { id: None, company_id: Some(company_id.to_owned()) };
            if find(&mut tx, workspace_id, &r).await? != Some(id) {
                return Err(CompanyError::CompanyIdChanged);
            }
        }
        write(&mut tx, workspace_id, id, changes).await?;
        let company = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(company)
    }

    /// Deletes a company; its contacts stay, detached from it (and its tags go with it).
    pub async fn delete_company(&self, workspace_id: i64, public_id: &str) -> CompanyResult<CompanyDeleted> {
        let mut tx = self.begin().await?;
        let id = find_public(&mut tx, workspace_id, public_id).await?;
        tx.execute(Query::delete().from_table(Companies::Table).and_where(col(Companies::Id).eq(id))).await?;
        tx.commit().await?;
        Ok(CompanyDeleted { id: public_id.to_owned(), object: "company", deleted: true })
    }

    /// `GET /companies?company_id=` or `?name=`: the first company matching every filter.
    pub async fn find_company(&self, workspace_id: i64, filter: &CompanyFilter) -> CompanyResult<Company> {
        let mut conn = self.conn().await?;
        let cond = filter_condition(&mut conn, workspace_id, filter).await?;
        let row: Option<CompanyRow> = conn
            .fetch_optional(
                select(workspace_id)
                    .cond_where(cond)
                    .order_by((Companies::Table, Companies::Id), Order::Asc)
                    .limit(1),
            )
            .await?;
        let row = row.ok_or(CompanyError::CompanyNotFound)?;
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
    ) -> CompanyResult<(Vec<Company>, i64)> {
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
            return Err(CompanyError::PageLimit);
        }
        if offset >= total as u64 {
            return Ok((Vec::new(), total));
        }
        let (order, nulls) = match order {
            ListOrder::Desc => (Order::Desc, NullOrdering::Last),
            ListOrder::Asc => (Order::Asc, NullOrdering::First),
        };
        let rows: Vec<CompanyRow> = conn
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

    /// A page of a company's contacts, in the order they were created.
    pub async fn company_contacts(
        &self,
        workspace_id: i64,
        public_id: &str,
        page: Page,
    ) -> CompanyResult<ContactPage> {
        let mut conn = self.conn().await?;
        let id = find_public(&mut conn, workspace_id, public_id).await?;
        let members = Query::select()
            .column(ContactCompanies::ContactId)
            .from(ContactCompanies::Table)
            .and_where(Expr::col(ContactCompanies::CompanyId).eq(id))
            .take();
        let cond = Condition::all()
            .add(Expr::col((Contacts::Table, Contacts::WorkspaceId)).eq(workspace_id))
            .add(Expr::col((Contacts::Table, Contacts::Id)).in_subquery(members));
        Ok(contacts::reads::page_of(&mut conn, workspace_id, cond, page).await?)
    }

    /// The company segments a company is in.
    pub async fn company_segments(&self, workspace_id: i64, public_id: &str) -> CompanyResult<Vec<Segment>> {
        let mut conn = self.conn().await?;
        let id = find_public(&mut conn, workspace_id, public_id).await?;
        let search = CompanySearch::load(&mut conn, workspace_id).await?;
        Ok(memberships(&mut conn, &search, &[id]).await?.remove(&id).unwrap_or_default())
    }

    /// Attaches a company to a contact (again: no change) and returns the company.
    pub async fn attach_company(
        &self,
        workspace_id: i64,
        contact: &str,
        company: &str,
    ) -> CompanyResult<Company> {
        let mut tx = self.begin().await?;
        let contact_id = find_contact(&mut tx, workspace_id, contact).await?;
        let company_id = find_public(&mut tx, workspace_id, company).await?;
        let attached: i64 = tx
            .fetch_scalar(
                Query::select()
                    .expr(Expr::col(ContactCompanies::CompanyId).count())
                    .from(ContactCompanies::Table)
                    .and_where(Expr::col(ContactCompanies::ContactId).eq(contact_id))
                    .and_where(Expr::col(ContactCompanies::CompanyId).ne(company_id)),
            )
            .await?;
        if attached >= MAX_COMPANIES_PER_CONTACT {
            return Err(CompanyError::ContactCompanyLimit);
        }
        tx.execute(
            Query::insert()
                .into_table(ContactCompanies::Table)
                .columns([
                    ContactCompanies::ContactId,
                    ContactCompanies::CompanyId,
                    ContactCompanies::CreatedAt,
                ])
                .values_panic([contact_id.into(), company_id.into(), now().into()])
                .on_conflict(
                    OnConflict::columns([ContactCompanies::ContactId, ContactCompanies::CompanyId])
                        .do_nothing()
                        .to_owned(),
                ),
        )
        .await?;
        let company = get(&mut tx, workspace_id, company_id).await?;
        tx.commit().await?;
        Ok(company)
    }

    /// Detaches a company from a contact and returns the company; one that is not attached
    /// to the contact is not found.
    pub async fn detach_company(
        &self,
        workspace_id: i64,
        contact: &str,
        company: &str,
    ) -> CompanyResult<Company> {
        let mut tx = self.begin().await?;
        let contact_id = find_contact(&mut tx, workspace_id, contact).await?;
        let company_id = find_public(&mut tx, workspace_id, company).await?;
        let detached = tx
            .execute(
                Query::delete()
                    .from_table(ContactCompanies::Table)
                    .and_where(Expr::col(ContactCompanies::ContactId).eq(contact_id))
                    .and_where(Expr::col(ContactCompanies::CompanyId).eq(company_id)),
            )
            .await?;
        if detached == 0 {
            return Err(CompanyError::CompanyNotFound);
        }
        let company = get(&mut tx, workspace_id, company_id).await?;
        tx.commit().await?;
        Ok(company)
    }

    /// One page (1-based) of a contact's companies, oldest association first, and their total.
    pub async fn contact_companies(
        &self,
        workspace_id: i64,
        contact: &str,
        page: u64,
        per_page: u64,
    ) -> StoreResult<(Vec<Company>, i64)> {
        let mut conn = self.conn().await?;
        let contact_id = contacts::find_id(&mut conn, workspace_id, contact).await?;
        let total: i64 = conn
            .fetch_scalar(
                Query::select()
                    .expr(Expr::col(ContactCompanies::CompanyId).count())
                    .from(ContactCompanies::Table)
                    .and_where(Expr::col(ContactCompanies::ContactId).eq(contact_id)),
            )
            .await?;
        let rows: Vec<CompanyRow> = conn
            .fetch_all(
                select(workspace_id)
                    .inner_join(
                        ContactCompanies::Table,
                        Expr::col((ContactCompanies::Table, ContactCompanies::CompanyId))
                            .equals((Companies::Table, Companies::Id)),
                    )
                    .and_where(
                        Expr::col((ContactCompanies::Table, ContactCompanies::ContactId)).eq(contact_id),
                    )
                    .order_by((ContactCompanies::Table, ContactCompanies::CreatedAt), Order::Asc)
                    .order_by((Companies::Table, Companies::Id), Order::Asc)
                    .limit(per_page)
                    .offset((page - 1) * per_page),
            )
            .await?;
        Ok((load(&mut conn, workspace_id, rows).await?, total))
    }
}
