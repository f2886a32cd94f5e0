//! Contacts (users and leads): reads with their embedded summaries (`reads`), writes checked
//! against the workspace's rules (uniqueness, owners, data attributes) in one transaction
//! (`writes`), and merges. The lookups here, by which other resources name a contact, use
//! the contacts table alone, so those resources need not import the rest.

pub mod history;
pub mod merge;
pub mod reads;
pub mod summaries;
pub mod writes;

use sea_query::{Condition, Expr, ExprTrait, Func, LockType};

use crate::domain::contact::{self, Contact, ContactRef};
use crate::domain::error::{Missing, Rejection};
use crate::store::backend::rows::row_struct;
use crate::store::schema::contacts::Contacts;
use crate::store::{Exec, StoreError, StoreResult, WhereEq};

impl From<contact::Rejection> for StoreError {
    fn from(rejection: contact::Rejection) -> Self {
        StoreError::Rejected(Rejection::from(rejection))
    }
}

/// One page of a listing: the contacts, the internal id of the last one (the cursor),
/// whether more follow, and how many there are in all.
pub struct ContactPage {
    pub contacts: Vec<Contact>,
    pub last_id: Option<i64>,
    pub has_more: bool,
    pub total: i64,
}

/// `contacts.role = 'user'` as a literal, not a bound value: SQLite's planner never looks at
/// bound values (see `sqlite.rs`), so only a literal shows it that the unique index of users'
/// emails, which covers users alone, can serve a lookup by email.
pub(crate) fn is_user() -> Expr {
    Expr::cust(r#""contacts"."role" = 'user'"#)
}

/// `contacts.workspace_id = ?`, written so that SQLite's planner cannot serve it from an index.
/// Without statistics SQLite takes an equality on an indexed column for about ten rows, so it
/// starts from a workspace index (and reads the whole workspace) even where a short list of
/// ids (`id IN (...)`) would do.
pub(crate) fn in_workspace_unindexed(workspace_id: i64) -> Expr {
    Expr::cust(r#"+"contacts"."workspace_id""#).eq(workspace_id)
}

/// The base of every listing: the workspace's contacts that are not archived.
pub(crate) fn live(workspace_id: i64) -> Condition {
    Condition::all().add(Contacts::WorkspaceId.col().eq(workspace_id)).add(Contacts::Archived.col().eq(false))
}

/// The internal id of a contact of the workspace, by its API id; `NotFound(Contact)` if none.
pub(crate) async fn find_id(db: &mut impl Exec, workspace_id: i64, public_id: &str) -> StoreResult<i64> {
    let found: Option<(i64,)> = db
        .fetch_optional(
            Contacts::select([Contacts::Id])
                .where_eq(Contacts::WorkspaceId, workspace_id)
                .where_eq(Contacts::PublicId, public_id),
        )
        .await?;
    Ok(found.ok_or(Missing::Contact)?.0)
}

row_struct! {
    /// A contact's internal id and the identifiers the API shows for it.
    #[derive(Debug, Clone)]
    pub struct ContactIdentity {
        pub id: i64,
        pub public_id: String,
        pub external_id: Option<String>,
        pub email: Option<String>,
    }
}

/// The contact of the workspace that `contact` names, or `NotFound(Contact)`.
pub(crate) async fn find_by(
    db: &mut impl Exec,
    workspace_id: i64,
    contact: ContactRef<'_>,
) -> StoreResult<ContactIdentity> {
    let named = match contact {
        ContactRef::Id(id) => Condition::all().add(Contacts::PublicId.col().eq(id)),
        ContactRef::UserId(external_id) => {
            Condition::all().add(is_user()).add(Contacts::ExternalId.col().eq(external_id))
        }
        // Folded by the database, as the unique index of users' emails folds it.
        ContactRef::UserEmail(email) => Condition::all()
            .add(is_user())
            .add(Expr::from(Func::lower(Contacts::Email.col())).eq(Func::lower(Expr::val(email)))),
    };
    let found = db
        .fetch_optional(
            Contacts::select([Contacts::Id, Contacts::PublicId, Contacts::ExternalId, Contacts::Email])
                .and_where(Contacts::WorkspaceId.col().eq(workspace_id))
                .cond_where(named),
        )
        .await?;
    Ok(found.ok_or(Missing::Contact)?)
}

/// Holds the contact's row until the transaction ends, so that a read-then-write (custom
/// attributes, a merge) cannot lose a concurrent write. PostgreSQL locks the row; SQLite's
/// write transactions are already serialised (`BEGIN IMMEDIATE`) and take no clause.
pub(crate) async fn lock(db: &mut impl Exec, contact_id: i64) -> StoreResult<()> {
    db.fetch_all::<(i64,)>(
        Contacts::select([Contacts::Id]).where_eq(Contacts::Id, contact_id).lock(LockType::Update),
    )
    .await?;
    Ok(())
}

/// The API id of a contact, by its internal id.
pub(crate) async fn public_id(db: &mut impl Exec, contact_id: i64) -> StoreResult<String> {
    db.fetch_scalar(Contacts::select([Contacts::PublicId]).where_eq(Contacts::Id, contact_id)).await
}
