//! Companies and contacts: a company's contacts, a contact's companies, attaching and
//! detaching them.

use sea_query::{Condition, Expr, ExprTrait, Order, Query, SelectStatement};

use crate::domain::company::{Company, MAX_COMPANIES_PER_CONTACT, contact_company_limit};
use crate::domain::contact::Page;
use crate::domain::error::Missing;
use crate::store::companies::{CompanyView, find_contact, find_public, get, load, select};
use crate::store::contacts::{self, ContactPage};
use crate::store::schema::companies::{Companies, ContactCompanies};
use crate::store::schema::contacts::Contacts;
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

/// `SELECT COUNT(company_id) FROM contact_companies WHERE contact_id = ?`.
fn companies_of(contact_id: i64) -> SelectStatement {
    Query::select()
        .expr(Expr::col(ContactCompanies::CompanyId).count())
        .from(ContactCompanies::Table)
        .where_eq(ContactCompanies::ContactId, contact_id)
        .take()
}

/// The internal ids of a contact and a company by their API ids; the contact is checked first.
async fn find_both(
    db: &mut impl Exec,
    workspace_id: i64,
    contact: &str,
    company: &str,
) -> StoreResult<(i64, i64)> {
    let contact_id = find_contact(db, workspace_id, contact).await?;
    Ok((contact_id, find_public(db, workspace_id, company).await?))
}

/// Attaches a company to a contact (again: no change) by their internal ids, in the caller's
/// transaction, within the per-contact limit.
pub(crate) async fn attach(db: &mut impl Exec, contact_id: i64, company_id: i64) -> StoreResult<()> {
    let attached: i64 = db
        .fetch_scalar(
            companies_of(contact_id).and_where(Expr::col(ContactCompanies::CompanyId).ne(company_id)),
        )
        .await?;
    if attached >= MAX_COMPANIES_PER_CONTACT {
        return Err(contact_company_limit().into());
    }
    db.execute(&ContactCompanies::insert_or_ignore(
        [
            (ContactCompanies::ContactId, contact_id.into()),
            (ContactCompanies::CompanyId, company_id.into()),
            (ContactCompanies::CreatedAt, now().into()),
        ],
        [ContactCompanies::ContactId, ContactCompanies::CompanyId],
    ))
    .await?;
    Ok(())
}

impl Store {
    /// A page of a company's contacts, in the order they were created.
    pub async fn company_contacts(
        &self,
        workspace_id: i64,
        public_id: &str,
        page: Page,
    ) -> StoreResult<ContactPage> {
        let mut conn = self.conn().await?;
        let id = find_public(&mut conn, workspace_id, public_id).await?;
        let members = ContactCompanies::select([ContactCompanies::ContactId])
            .where_eq(ContactCompanies::CompanyId, id)
            .take();
        let cond = Condition::all()
            .add(Expr::col((Contacts::Table, Contacts::WorkspaceId)).eq(workspace_id))
            .add(Expr::col((Contacts::Table, Contacts::Id)).in_subquery(members));
        contacts::reads::page_of(&mut conn, workspace_id, cond, page).await
    }

    /// Attaches a company to a contact (again: no change) and returns the company.
    pub async fn attach_company(
        &self,
        workspace_id: i64,
        contact: &str,
        company: &str,
    ) -> StoreResult<Company> {
        let mut tx = self.begin().await?;
        let (contact_id, company_id) = find_both(&mut tx, workspace_id, contact, company).await?;
        attach(&mut tx, contact_id, company_id).await?;
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
    ) -> StoreResult<Company> {
        let mut tx = self.begin().await?;
        let (contact_id, company_id) = find_both(&mut tx, workspace_id, contact, company).await?;
        let detached = tx
            .execute(
                ContactCompanies::delete()
                    .where_eq(ContactCompanies::ContactId, contact_id)
                    .where_eq(ContactCompanies::CompanyId, company_id),
            )
            .await?;
        if detached == 0 {
            return Err(StoreError::NotFound(Missing::Company));
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
        let total: i64 = conn.fetch_scalar(&companies_of(contact_id)).await?;
        let rows: Vec<CompanyView> = conn
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
