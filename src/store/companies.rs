//! The companies a contact belongs to. The companies resource owns this table; contacts read
//! it for `GET /contacts/{id}/companies`, the embedded summary, merges and tagging.

use std::collections::HashMap;

use sea_query::{Expr, ExprTrait, Iden, Order, Query, SubQueryStatement};
use serde_json::{Map, Value as Json};
use sqlx::types::Json as JsonColumn;

use super::contacts;
use super::tags::{CompanyTags, Tags};
use super::workspaces::Workspaces;
use super::{Exec, Store, StoreResult};
use crate::domain::company::{Company, CompanySegments, CompanyTags as TagList, Plan};
use crate::domain::tag::Tag;

#[derive(Iden)]
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

#[derive(Iden)]
pub(crate) enum ContactCompanies {
    Table,
    ContactId,
    CompanyId,
    CreatedAt,
}

/// A company named by its Intercom id (`id`) or by the id the workspace gave it (`company_id`).
#[derive(Debug, Clone, Default)]
pub struct CompanyRef {
    pub id: Option<String>,
    pub company_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CompanyRow {
    id: i64,
    public_id: String,
    app_id: String,
    company_id: String,
    name: Option<String>,
    plan: Option<String>,
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

impl Store {
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
        let user_count = Query::select()
            .expr(Expr::col(("members", ContactCompanies::ContactId)).count())
            .from_as(ContactCompanies::Table, "members")
            .and_where(
                Expr::col(("members", ContactCompanies::CompanyId)).equals((Companies::Table, Companies::Id)),
            )
            .take();
        let rows: Vec<CompanyRow> = conn
            .fetch_all(
                Query::select()
                    .columns([
                        (Companies::Table, Companies::Id),
                        (Companies::Table, Companies::PublicId),
                        (Companies::Table, Companies::CompanyId),
                        (Companies::Table, Companies::Name),
                        (Companies::Table, Companies::Plan),
                        (Companies::Table, Companies::Size),
                        (Companies::Table, Companies::Website),
                        (Companies::Table, Companies::Industry),
                        (Companies::Table, Companies::MonthlySpend),
                        (Companies::Table, Companies::SessionCount),
                        (Companies::Table, Companies::RemoteCreatedAt),
                        (Companies::Table, Companies::LastRequestAt),
                        (Companies::Table, Companies::CustomAttributes),
                        (Companies::Table, Companies::CreatedAt),
                        (Companies::Table, Companies::UpdatedAt),
                    ])
                    .expr_as(Expr::col((Workspaces::Table, Workspaces::IdCode)), "app_id")
                    .expr_as(
                        Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(user_count))),
                        "user_count",
                    )
                    .from(ContactCompanies::Table)
                    .inner_join(
                        Companies::Table,
                        Expr::col((Companies::Table, Companies::Id))
                            .equals((ContactCompanies::Table, ContactCompanies::CompanyId)),
                    )
                    .inner_join(
                        Workspaces::Table,
                        Expr::col((Workspaces::Table, Workspaces::Id))
                            .equals((Companies::Table, Companies::WorkspaceId)),
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
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut tags = if ids.is_empty() { HashMap::new() } else { tags(&mut conn, &ids).await? };
        let companies = rows
            .into_iter()
            .map(|r| Company {
                kind: "company",
                tags: TagList { kind: "tag.list", tags: tags.remove(&r.id).unwrap_or_default() },
                company_id: r.company_id,
                id: r.public_id,
                app_id: r.app_id,
                name: r.name,
                remote_created_at: r.remote_created_at,
                created_at: r.created_at,
                updated_at: r.updated_at,
                last_request_at: r.last_request_at,
                monthly_spend: r.monthly_spend,
                session_count: r.session_count,
                user_count: r.user_count,
                size: r.size,
                website: r.website,
                industry: r.industry,
                segments: CompanySegments::none(),
                plan: Plan::named(r.plan),
                custom_attributes: r.custom_attributes.0,
            })
            .collect();
        Ok((companies, total))
    }
}
