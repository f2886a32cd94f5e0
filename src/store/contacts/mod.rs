//! Contacts (users and leads): reads with their embedded summaries, and writes checked
//! against the workspace's rules (uniqueness, owners, data attributes) in one transaction.

pub mod merge;
pub mod summaries;

use crate::store::backend::rows::JsonColumn;
use crate::store::backend::rows::row_struct;
use sea_query::{
    Condition, Expr, ExprTrait, Func, Iden, InsertStatement, LockType, Order, Query, SelectStatement,
};
use serde_json::{Map, Value as Json};

use crate::domain::contact::{
    self, Contact, ContactArchived, ContactChanges, ContactDeleted, Location, Rejection, Role,
    SocialProfiles, Summary, SummaryKind,
};
use crate::domain::data_attribute::Model;
use crate::domain::ids;
use crate::domain::search::SearchError;
use crate::store::admins::Admins;
use crate::store::data_attributes;
use crate::store::search::contacts::ContactSearch;
use crate::store::workspaces::Workspaces;
use crate::store::{Exec, Store, StoreError, StoreResult, Tx, now};
use summaries::SummaryColumns;

#[derive(Iden, Clone, Copy)]
pub(crate) enum Contacts {
    Table,
    Id,
    PublicId,
    WorkspaceId,
    Role,
    ExternalId,
    Email,
    EmailDomain,
    Phone,
    FormattedPhone,
    Name,
    Avatar,
    OwnerId,
    HasHardBounced,
    MarkedEmailAsSpam,
    UnsubscribedFromEmails,
    Archived,
    CreatedAt,
    UpdatedAt,
    SignedUpAt,
    LastSeenAt,
    LastRepliedAt,
    LastContactedAt,
    LastEmailOpenedAt,
    LastEmailClickedAt,
    LanguageOverride,
    Browser,
    BrowserVersion,
    BrowserLanguage,
    Os,
    LocationCountry,
    LocationRegion,
    LocationCity,
    LocationCountryCode,
    LocationContinentCode,
    AndroidAppName,
    AndroidAppVersion,
    AndroidDevice,
    AndroidOsVersion,
    AndroidSdkVersion,
    AndroidLastSeenAt,
    IosAppName,
    IosAppVersion,
    IosDevice,
    IosOsVersion,
    IosSdkVersion,
    IosLastSeenAt,
    UtmCampaign,
    UtmContent,
    UtmMedium,
    UtmSource,
    UtmTerm,
    Referrer,
    CustomAttributes,
}

/// Every column of `contacts`.
const COLUMNS: [Contacts; 52] = {
    use Contacts::*;
    [
        Id,
        PublicId,
        WorkspaceId,
        Role,
        ExternalId,
        Email,
        EmailDomain,
        Phone,
        FormattedPhone,
        Name,
        Avatar,
        OwnerId,
        HasHardBounced,
        MarkedEmailAsSpam,
        UnsubscribedFromEmails,
        CreatedAt,
        UpdatedAt,
        SignedUpAt,
        LastSeenAt,
        LastRepliedAt,
        LastContactedAt,
        LastEmailOpenedAt,
        LastEmailClickedAt,
        LanguageOverride,
        Browser,
        BrowserVersion,
        BrowserLanguage,
        Os,
        LocationCountry,
        LocationRegion,
        LocationCity,
        LocationCountryCode,
        LocationContinentCode,
        AndroidAppName,
        AndroidAppVersion,
        AndroidDevice,
        AndroidOsVersion,
        AndroidSdkVersion,
        AndroidLastSeenAt,
        IosAppName,
        IosAppVersion,
        IosDevice,
        IosOsVersion,
        IosSdkVersion,
        IosLastSeenAt,
        UtmCampaign,
        UtmContent,
        UtmMedium,
        UtmSource,
        UtmTerm,
        Referrer,
        CustomAttributes,
    ]
};

row_struct! {
    struct ContactRow {
        id: i64,
        public_id: String,
        workspace_code: String,
        role: String,
        external_id: Option<String>,
        email: Option<String>,
        email_domain: Option<String>,
        phone: Option<String>,
        formatted_phone: Option<String>,
        name: Option<String>,
        avatar: Option<String>,
        owner_id: Option<i64>,
        has_hard_bounced: bool,
        marked_email_as_spam: bool,
        unsubscribed_from_emails: bool,
        created_at: i64,
        updated_at: i64,
        signed_up_at: Option<i64>,
        last_seen_at: Option<i64>,
        last_replied_at: Option<i64>,
        last_contacted_at: Option<i64>,
        last_email_opened_at: Option<i64>,
        last_email_clicked_at: Option<i64>,
        language_override: Option<String>,
        browser: Option<String>,
        browser_version: Option<String>,
        browser_language: Option<String>,
        os: Option<String>,
        location_country: Option<String>,
        location_region: Option<String>,
        location_city: Option<String>,
        location_country_code: Option<String>,
        location_continent_code: Option<String>,
        android_app_name: Option<String>,
        android_app_version: Option<String>,
        android_device: Option<String>,
        android_os_version: Option<String>,
        android_sdk_version: Option<String>,
        android_last_seen_at: Option<i64>,
        ios_app_name: Option<String>,
        ios_app_version: Option<String>,
        ios_device: Option<String>,
        ios_os_version: Option<String>,
        ios_sdk_version: Option<String>,
        ios_last_seen_at: Option<i64>,
        utm_campaign: Option<String>,
        utm_content: Option<String>,
        utm_medium: Option<String>,
        utm_source: Option<String>,
        utm_term: Option<String>,
        referrer: Option<String>,
        custom_attributes: JsonColumn<Map<String, Json>>,
    }
}

/// Why a contact operation failed: storage, a rule of the API, or a bad search query.
#[derive(Debug)]
pub enum ContactError {
    Store(StoreError),
    Rejected(Rejection),
    Search(SearchError),
}

impl From<StoreError> for ContactError {
    fn from(err: StoreError) -> Self {
        ContactError::Store(err)
    }
}

impl From<Rejection> for ContactError {
    fn from(err: Rejection) -> Self {
        ContactError::Rejected(err)
    }
}

pub type ContactResult<T> = Result<T, ContactError>;

/// A page of contacts in id order: `limit` of them, after the internal id `after` (a cursor)
/// or after skipping `offset` (a page number). `total`, when a cursor carries it, is the total
/// counted for the first page of the walk, and is not counted again.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub after: Option<i64>,
    pub offset: u64,
    pub limit: u64,
    pub total: Option<i64>,
}

/// One page of a listing: the contacts, the internal id of the last one (the cursor),
/// whether more follow, and how many there are in all.
pub struct ContactPage {
    pub contacts: Vec<Contact>,
    pub last_id: Option<i64>,
    pub has_more: bool,
    pub total: i64,
}

fn col(c: Contacts) -> Expr {
    Expr::col((Contacts::Table, c))
}

/// `SELECT <every column>, workspaces.id_code FROM contacts JOIN workspaces` for one workspace.
fn select(workspace_id: i64) -> SelectStatement {
    select_in(Condition::all().add(col(Contacts::WorkspaceId).eq(workspace_id)))
}

/// [`select`] for the contacts `scope` picks.
fn select_in(scope: Condition) -> SelectStatement {
    let mut q = Query::select();
    for c in COLUMNS {
        q.column((Contacts::Table, c));
    }
    q.expr_as(Expr::col((Workspaces::Table, Workspaces::IdCode)), "workspace_code")
        .from(Contacts::Table)
        .inner_join(
            Workspaces::Table,
            Expr::col((Workspaces::Table, Workspaces::Id)).equals((Contacts::Table, Contacts::WorkspaceId)),
        )
        .cond_where(scope)
        .take()
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

/// The internal id of a contact of the workspace, by its API id.
pub(crate) async fn find_id(db: &mut impl Exec, workspace_id: i64, public_id: &str) -> StoreResult<i64> {
    db.fetch_scalar(
        Query::select()
            .column(Contacts::Id)
            .from(Contacts::Table)
            .and_where(Expr::col(Contacts::WorkspaceId).eq(workspace_id))
            .and_where(Expr::col(Contacts::PublicId).eq(public_id)),
    )
    .await
}

/// How a request names a contact: by Intercom's id, or (users only, as Intercom's docs say
/// leads are named by their id) by the `user_id` (external id) or the email of a user.
#[derive(Debug, Clone, Copy)]
pub enum ContactRef<'a> {
    Id(&'a str),
    UserId(&'a str),
    UserEmail(&'a str),
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

/// The contact of the workspace that `contact` names, or `NotFound`.
pub(crate) async fn find_by(
    db: &mut impl Exec,
    workspace_id: i64,
    contact: ContactRef<'_>,
) -> StoreResult<ContactIdentity> {
    let named = match contact {
        ContactRef::Id(id) => Condition::all().add(col(Contacts::PublicId).eq(id)),
        ContactRef::UserId(external_id) => {
            Condition::all().add(is_user()).add(col(Contacts::ExternalId).eq(external_id))
        }
        // Folded by the database, as the unique index of users' emails folds it.
        ContactRef::UserEmail(email) => Condition::all()
            .add(is_user())
            .add(Expr::from(Func::lower(col(Contacts::Email))).eq(Func::lower(Expr::val(email)))),
    };
    db.fetch_one(
        Query::select()
            .columns([Contacts::Id, Contacts::PublicId, Contacts::ExternalId, Contacts::Email])
            .from(Contacts::Table)
            .and_where(col(Contacts::WorkspaceId).eq(workspace_id))
            .cond_where(named),
    )
    .await
}

/// Holds the contact's row until the transaction ends, so that a read-then-write (custom
/// attributes, a merge) cannot lose a concurrent write. PostgreSQL locks the row; SQLite's
/// write transactions are already serialised (`BEGIN IMMEDIATE`) and take no clause.
pub(crate) async fn lock(db: &mut impl Exec, contact_id: i64) -> StoreResult<()> {
    db.fetch_all::<(i64,)>(
        Query::select()
            .column(Contacts::Id)
            .from(Contacts::Table)
            .and_where(Expr::col(Contacts::Id).eq(contact_id))
            .lock(LockType::Update),
    )
    .await?;
    Ok(())
}

/// The API id of a contact, by its internal id.
pub(crate) async fn public_id(db: &mut impl Exec, contact_id: i64) -> StoreResult<String> {
    db.fetch_scalar(
        Query::select()
            .column(Contacts::PublicId)
            .from(Contacts::Table)
            .and_where(Expr::col(Contacts::Id).eq(contact_id)),
    )
    .await
}

pub(crate) async fn get(db: &mut impl Exec, workspace_id: i64, contact_id: i64) -> StoreResult<Contact> {
    let row: ContactRead =
        db.fetch_one(select_read(workspace_id).and_where(col(Contacts::Id).eq(contact_id))).await?;
    Ok(assemble(row.contact, row.summaries))
}

async fn get_row(db: &mut impl Exec, workspace_id: i64, public_id: &str) -> StoreResult<ContactRow> {
    db.fetch_one(select(workspace_id).and_where(col(Contacts::PublicId).eq(public_id))).await
}

row_struct! {
    /// A contact's row with its embedded summaries: what every read of whole contacts selects.
    struct ContactRead {
        #[sqlx(flatten)]
        contact: ContactRow,
        #[sqlx(flatten)]
        summaries: SummaryColumns,
    }
}

fn select_read(workspace_id: i64) -> SelectStatement {
    select_read_in(Condition::all().add(col(Contacts::WorkspaceId).eq(workspace_id)))
}

/// [`select_read`] for the contacts `scope` picks.
fn select_read_in(scope: Condition) -> SelectStatement {
    let mut q = select_in(scope);
    summaries::add_columns(&mut q);
    q
}

/// A contact from its row and its summaries.
fn assemble(r: ContactRow, mut summaries: SummaryColumns) -> Contact {
    let mut summary = |kind| {
        let (items, total) = summaries.take(kind);
        Summary::new(kind, &r.public_id, items, total)
    };
    Contact {
        kind: "contact",
        tags: summary(SummaryKind::Tags),
        notes: summary(SummaryKind::Notes),
        companies: summary(SummaryKind::Companies),
        opted_out_subscription_types: summary(SummaryKind::OptedOut),
        opted_in_subscription_types: summary(SummaryKind::OptedIn),
        id: r.public_id,
        workspace_id: r.workspace_code,
        external_id: r.external_id,
        role: Role::parse(&r.role).unwrap_or(Role::User),
        email: r.email,
        email_domain: r.email_domain,
        phone: r.phone,
        formatted_phone: r.formatted_phone,
        name: r.name,
        avatar: r.avatar,
        owner_id: r.owner_id,
        social_profiles: SocialProfiles::none(),
        has_hard_bounced: r.has_hard_bounced,
        marked_email_as_spam: r.marked_email_as_spam,
        unsubscribed_from_emails: r.unsubscribed_from_emails,
        created_at: r.created_at,
        updated_at: r.updated_at,
        signed_up_at: r.signed_up_at,
        last_seen_at: r.last_seen_at,
        last_replied_at: r.last_replied_at,
        last_contacted_at: r.last_contacted_at,
        last_email_opened_at: r.last_email_opened_at,
        last_email_clicked_at: r.last_email_clicked_at,
        language_override: r.language_override,
        browser: r.browser,
        browser_version: r.browser_version,
        browser_language: r.browser_language,
        os: r.os,
        location: Location {
            kind: "location",
            country: r.location_country,
            region: r.location_region,
            city: r.location_city,
            country_code: r.location_country_code,
            continent_code: r.location_continent_code,
        },
        android_app_name: r.android_app_name,
        android_app_version: r.android_app_version,
        android_device: r.android_device,
        android_os_version: r.android_os_version,
        android_sdk_version: r.android_sdk_version,
        android_last_seen_at: r.android_last_seen_at,
        ios_app_name: r.ios_app_name,
        ios_app_version: r.ios_app_version,
        ios_device: r.ios_device,
        ios_os_version: r.ios_os_version,
        ios_sdk_version: r.ios_sdk_version,
        ios_last_seen_at: r.ios_last_seen_at,
        custom_attributes: r.custom_attributes.0,
        utm_campaign: r.utm_campaign,
        utm_content: r.utm_content,
        utm_medium: r.utm_medium,
        utm_source: r.utm_source,
        utm_term: r.utm_term,
        referrer: r.referrer,
    }
}

/// The base of every listing: the workspace's contacts that are not archived.
pub(crate) fn live(workspace_id: i64) -> Condition {
    Condition::all().add(col(Contacts::WorkspaceId).eq(workspace_id)).add(col(Contacts::Archived).eq(false))
}

/// A page of the contacts matching `filter`, in id order, with their total.
pub(crate) async fn page_of(
    db: &mut impl Exec,
    workspace_id: i64,
    filter: Condition,
    page: Page,
) -> StoreResult<ContactPage> {
    // The page's ids first, then their rows with summaries: a plan that sorts (a search driven
    // by trigram candidates) would otherwise compute every match's summaries before the LIMIT.
    let mut ids = Query::select();
    ids.column((Contacts::Table, Contacts::Id)).from(Contacts::Table).cond_where(filter.clone());
    if let Some(after) = page.after {
        ids.and_where(col(Contacts::Id).gt(after));
    }
    ids.order_by((Contacts::Table, Contacts::Id), Order::Asc).limit(page.limit + 1).offset(page.offset);
    let mut q = select_read_in(
        Condition::all().add(in_workspace_unindexed(workspace_id)).add(col(Contacts::Id).in_subquery(ids)),
    );
    q.order_by((Contacts::Table, Contacts::Id), Order::Asc);
    let mut rows: Vec<ContactRead> = db.fetch_all(&q).await?;
    let has_more = rows.len() as u64 > page.limit;
    rows.truncate(page.limit as usize);
    // A page from the start that holds every match (an equality search, most often) is its
    // own count; otherwise the matches are counted once, and the cursor carries the total.
    let whole = page.after.is_none() && !has_more && (page.offset == 0 || !rows.is_empty());
    let total: i64 = match page.total {
        Some(total) => total,
        None if whole => (page.offset + rows.len() as u64) as i64,
        None => {
            db.fetch_scalar(
                Query::select()
                    .expr(Expr::col((Contacts::Table, Contacts::Id)).count())
                    .from(Contacts::Table)
                    .cond_where(filter),
            )
            .await?
        }
    };
    let last_id = rows.last().map(|r| r.contact.id);
    let contacts = rows.into_iter().map(|r| assemble(r.contact, r.summaries)).collect();
    Ok(ContactPage { contacts, last_id, has_more, total })
}

/// A contact that already holds `external_id`, or (for a user) `email`, other than `except`.
async fn duplicate(
    db: &mut impl Exec,
    workspace_id: i64,
    role: Role,
    email: Option<&str>,
    external_id: Option<&str>,
    except: Option<i64>,
) -> StoreResult<Option<Rejection>> {
    let mut same = Condition::any();
    if let Some(external_id) = external_id {
        same = same.add(col(Contacts::ExternalId).eq(external_id));
    }
    let user_email = if role == Role::User { email } else { None };
    if let Some(email) = user_email {
        // Folded by the database, as the unique index folds it.
        same = same.add(
            Condition::all()
                .add(is_user())
                .add(Expr::from(Func::lower(col(Contacts::Email))).eq(Func::lower(Expr::val(email)))),
        );
    }
    if external_id.is_none() && user_email.is_none() {
        return Ok(None);
    }
    let mut q = Query::select();
    q.columns([Contacts::PublicId, Contacts::Archived])
        .from(Contacts::Table)
        .and_where(col(Contacts::WorkspaceId).eq(workspace_id))
        .cond_where(same)
        .limit(1);
    if let Some(except) = except {
        q.and_where(col(Contacts::Id).ne(except));
    }
    let found: Option<(String, bool)> = db.fetch_optional(&q).await?;
    Ok(found.map(|(existing_id, archived)| Rejection::Duplicate { existing_id, archived }))
}

async fn check_owner(db: &mut impl Exec, workspace_id: i64, owner: Option<i64>) -> ContactResult<()> {
    let Some(owner) = owner else { return Ok(()) };
    let found: Option<(i64,)> = db
        .fetch_optional(
            Query::select()
                .column(Admins::Id)
                .from(Admins::Table)
                .and_where(Expr::col(Admins::WorkspaceId).eq(workspace_id))
                .and_where(Expr::col(Admins::Id).eq(owner)),
        )
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(Rejection::OwnerNotFound.into()),
    }
}

pub(crate) fn trimmed(value: Option<Option<String>>) -> Option<Option<String>> {
    value.map(|v| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()))
}

/// The values of a contact after `changes`: what is written and checked.
pub(crate) struct Written {
    pub(crate) role: Role,
    pub(crate) email: Option<String>,
    pub(crate) external_id: Option<String>,
}

/// An INSERT of new contacts, to be given rows with [`add_new_row`].
pub(crate) fn new_rows() -> InsertStatement {
    Query::insert()
        .into_table(Contacts::Table)
        .columns([
            Contacts::PublicId,
            Contacts::WorkspaceId,
            Contacts::Role,
            Contacts::ExternalId,
            Contacts::Email,
            Contacts::EmailDomain,
            Contacts::Phone,
            Contacts::FormattedPhone,
            Contacts::Name,
            Contacts::Avatar,
            Contacts::OwnerId,
            Contacts::UnsubscribedFromEmails,
            Contacts::CreatedAt,
            Contacts::UpdatedAt,
            Contacts::SignedUpAt,
            Contacts::LastSeenAt,
            Contacts::CustomAttributes,
        ])
        .take()
}

/// One new contact's row: the checked identity in `written`, the rest from `changes` (trimmed,
/// with the derived email domain and formatted phone), `custom` already checked and merged.
pub(crate) fn add_new_row(
    insert: &mut InsertStatement,
    public_id: String,
    workspace_id: i64,
    at: i64,
    written: &Written,
    changes: &ContactChanges,
    custom: Map<String, Json>,
) {
    let phone = trimmed(changes.phone.clone()).flatten();
    insert.values_panic([
        public_id.into(),
        workspace_id.into(),
        written.role.as_str().into(),
        written.external_id.clone().into(),
        written.email.clone().into(),
        written.email.as_deref().and_then(contact::email_domain).into(),
        phone.clone().into(),
        phone.as_deref().and_then(contact::formatted_phone).into(),
        trimmed(changes.name.clone()).flatten().into(),
        trimmed(changes.avatar.clone()).flatten().into(),
        changes.owner_id.flatten().into(),
        changes.unsubscribed_from_emails.unwrap_or(false).into(),
        at.into(),
        at.into(),
        changes.signed_up_at.flatten().into(),
        changes.last_seen_at.flatten().into(),
        Expr::val(Json::Object(custom)),
    ]);
}

impl Store {
    pub async fn get_contact(&self, workspace_id: i64, public_id: &str) -> StoreResult<Contact> {
        let row: ContactRead = self
            .conn()
            .await?
            .fetch_one(select_read(workspace_id).and_where(col(Contacts::PublicId).eq(public_id)))
            .await?;
        Ok(assemble(row.contact, row.summaries))
    }

    /// Creates a user or lead. Users need an email or an external_id; an email held by
    /// another user, or an external_id held by any contact, is a duplicate.
    pub async fn create_contact(
        &self,
        workspace_id: i64,
        changes: &ContactChanges,
    ) -> ContactResult<Contact> {
        let role = changes.role.unwrap_or(Role::User);
        let email = contact::clean_email(changes.email.clone().flatten())?;
        let external_id = trimmed(changes.external_id.clone()).flatten();
        let written = Written { role, email, external_id };
        if role == Role::User && written.email.is_none() && written.external_id.is_none() {
            return Err(Rejection::UserWithoutIdentity.into());
        }
        // One INSERT is the only write, so no transaction: a duplicate is caught by the unique
        // indexes (and explained by `conflict`) rather than looked up first.
        let mut custom = Map::new();
        {
            let mut conn = self.conn().await?;
            check_owner(&mut conn, workspace_id, changes.owner_id.flatten()).await?;
            if let Some(values) = &changes.custom_attributes {
                let attributes = data_attributes::custom(&mut conn, workspace_id, Model::Contact).await?;
                contact::merge_custom_attributes(&mut custom, values, &attributes)?;
            }
        }
        let at = now();
        let mut insert = new_rows();
        add_new_row(&mut insert, ids::hex_id(at), workspace_id, at, &written, changes, custom);
        insert.returning_col(Contacts::Id);
        let mut tx = self.begin_single().await?;
        let id: i64 = match tx.fetch_scalar(&insert).await {
            Err(StoreError::Conflict { .. }) => {
                return Err(self.conflict(tx, workspace_id, &written, None).await);
            }
            other => other?,
        };
        tx.commit().await?;
        let row =
            self.conn().await?.fetch_one(select(workspace_id).and_where(col(Contacts::Id).eq(id))).await?;
        // A new contact has no tags, notes, companies or subscriptions to summarise yet.
        Ok(assemble(row, SummaryColumns::default()))
    }

    /// A uniqueness conflict that `tx`'s statement ran into, reported like any duplicate.
    ///
    /// On SQLite the failed statement leaves the transaction usable, and the contact it collided
    /// with may be a write of the same batch that readers do not see yet: it is looked up on the
    /// writer. PostgreSQL has aborted the transaction; a fresh connection sees the winner.
    async fn conflict(
        &self,
        mut tx: Tx,
        workspace_id: i64,
        written: &Written,
        except: Option<i64>,
    ) -> ContactError {
        let (email, external_id) = (written.email.as_deref(), written.external_id.as_deref());
        let found = async {
            if let Tx::Sqlite(_) = tx {
                return duplicate(&mut tx, workspace_id, written.role, email, external_id, except).await;
            }
            drop(tx);
            duplicate(&mut self.conn().await?, workspace_id, written.role, email, external_id, except).await
        };
        match found.await {
            Ok(Some(dup)) => dup.into(),
            Ok(None) => StoreError::Conflict { constraint: "contacts".into() }.into(),
            Err(err) => err.into(),
        }
    }

    /// Applies `changes` to a contact. A lead may become a user, never the reverse.
    pub async fn update_contact(
        &self,
        workspace_id: i64,
        public_id: &str,
        changes: &ContactChanges,
    ) -> ContactResult<Contact> {
        let mut tx = self.begin().await?;
        let row: ContactRow = tx
            .fetch_one(
                select(workspace_id)
                    .and_where(col(Contacts::PublicId).eq(public_id))
                    .lock_with_tables(LockType::Update, [Contacts::Table]),
            )
            .await?;
        let id = row.id;
        let current = Role::parse(&row.role).unwrap_or(Role::User);
        let role = changes.role.unwrap_or(current);
        if current == Role::User && role == Role::Lead {
            return Err(Rejection::UserToLead.into());
        }
        let email = match &changes.email {
            Some(email) => contact::clean_email(email.clone())?,
            None => row.email.clone(),
        };
        let external_id = trimmed(changes.external_id.clone()).unwrap_or(row.external_id.clone());
        let written = Written { role, email, external_id };
        if role == Role::User && written.email.is_none() && written.external_id.is_none() {
            return Err(Rejection::UserWithoutIdentity.into());
        }
        check_owner(&mut tx, workspace_id, changes.owner_id.flatten()).await?;

        let mut values: Vec<(Contacts, Expr)> = vec![
            (Contacts::Role, role.as_str().into()),
            (Contacts::Email, written.email.clone().into()),
            (Contacts::EmailDomain, written.email.as_deref().and_then(contact::email_domain).into()),
            (Contacts::ExternalId, written.external_id.clone().into()),
            (Contacts::UpdatedAt, now().into()),
        ];
        if let Some(phone) = trimmed(changes.phone.clone()) {
            values
                .push((Contacts::FormattedPhone, phone.as_deref().and_then(contact::formatted_phone).into()));
            values.push((Contacts::Phone, phone.into()));
        }
        for (column, value) in [
            (Contacts::Name, trimmed(changes.name.clone())),
            (Contacts::Avatar, trimmed(changes.avatar.clone())),
        ] {
            if let Some(value) = value {
                values.push((column, value.into()));
            }
        }
        for (column, value) in [
            (Contacts::SignedUpAt, changes.signed_up_at),
            (Contacts::LastSeenAt, changes.last_seen_at),
            (Contacts::OwnerId, changes.owner_id),
        ] {
            if let Some(value) = value {
                values.push((column, value.into()));
            }
        }
        if let Some(unsubscribed) = changes.unsubscribed_from_emails {
            values.push((Contacts::UnsubscribedFromEmails, unsubscribed.into()));
        }
        if let Some(changed) = &changes.custom_attributes {
            let attributes = data_attributes::custom(&mut tx, workspace_id, Model::Contact).await?;
            let mut custom = row.custom_attributes.0.clone();
            contact::merge_custom_attributes(&mut custom, changed, &attributes)?;
            values.push((Contacts::CustomAttributes, Expr::val(Json::Object(custom))));
        }
        let update =
            Query::update().table(Contacts::Table).values(values).and_where(col(Contacts::Id).eq(id)).take();
        match tx.execute(&update).await {
            Err(StoreError::Conflict { .. }) => {
                return Err(self.conflict(tx, workspace_id, &written, Some(id)).await);
            }
            other => other?,
        };
        tx.commit().await?;
        // Read after the commit, so SQLite's write lock is not held for it.
        Ok(get(&mut self.conn().await?, workspace_id, id).await?)
    }

    /// Deletes a contact and everything that hangs off it (tags, notes, companies, subscriptions).
    pub async fn delete_contact(&self, workspace_id: i64, public_id: &str) -> StoreResult<ContactDeleted> {
        let mut tx = self.begin().await?;
        let row = get_row(&mut tx, workspace_id, public_id).await?;
        crate::store::conversations::participants::forget_contact(&mut tx, row.id).await?;
        tx.execute(Query::delete().from_table(Contacts::Table).and_where(col(Contacts::Id).eq(row.id)))
            .await?;
        tx.commit().await?;
        Ok(ContactDeleted { id: row.public_id, external_id: row.external_id, kind: "contact", deleted: true })
    }

    /// Archives (hides from listings and search, keeping its data) or unarchives a contact.
    pub async fn set_contact_archived(
        &self,
        workspace_id: i64,
        public_id: &str,
        archived: bool,
    ) -> StoreResult<ContactArchived> {
        let mut tx = self.begin().await?;
        let row = get_row(&mut tx, workspace_id, public_id).await?;
        tx.execute(
            Query::update()
                .table(Contacts::Table)
                .values([(Contacts::Archived, archived.into()), (Contacts::UpdatedAt, now().into())])
                .and_where(col(Contacts::Id).eq(row.id)),
        )
        .await?;
        tx.commit().await?;
        Ok(ContactArchived { id: row.public_id, external_id: row.external_id, kind: "contact", archived })
    }

    /// The workspace's live contacts, in the order they were created.
    pub async fn list_contacts(&self, workspace_id: i64, page: Page) -> StoreResult<ContactPage> {
        page_of(&mut self.conn().await?, workspace_id, live(workspace_id), page).await
    }

    /// The live contacts matching a checked search `query`, in the order they were created.
    pub async fn search_contacts(
        &self,
        workspace_id: i64,
        query: &crate::domain::search::Query,
        page: Page,
    ) -> ContactResult<ContactPage> {
        let mut conn = self.conn().await?;
        let search = ContactSearch::new(conn.backend(), workspace_id);
        let (scope, filter) = search.filter(query).map_err(ContactError::Search)?;
        Ok(page_of(&mut conn, workspace_id, scope.add(filter), page).await?)
    }
}

/// Why an operation on something a contact points at (a note, a subscription) failed.
#[derive(Debug)]
pub enum LinkError {
    Store(StoreError),
    ContactNotFound,
    /// The other object (an admin, a subscription type) does not exist in the workspace.
    TargetNotFound,
    /// The request does not fit the object, e.g. a consent type that is not the type's.
    Mismatch(String),
}

impl From<StoreError> for LinkError {
    fn from(err: StoreError) -> Self {
        LinkError::Store(err)
    }
}

/// The internal id of a contact, or [`LinkError::ContactNotFound`].
pub(crate) async fn linked(db: &mut impl Exec, workspace_id: i64, contact: &str) -> Result<i64, LinkError> {
    find_id(db, workspace_id, contact).await.map_err(|err| match err {
        StoreError::NotFound(_) => LinkError::ContactNotFound,
        other => other.into(),
    })
}
