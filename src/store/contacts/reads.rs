//! Reads of whole contacts, each with its workspace's API id and its embedded summaries: one
//! contact, or a page of them.

use sea_query::{Condition, Expr, ExprTrait, Order, Query, QueryStatementBuilder, SelectStatement};

use super::summaries::{self, SummaryColumns};
use super::{ContactPage, in_workspace_unindexed, live};
use crate::domain::contact::{Contact, Location, Page, Role, SocialProfiles, Summary, SummaryKind};
use crate::domain::error::{Missing, Rejection};
use crate::store::backend::PlannedOnce;
use crate::store::backend::rows::row_struct;
use crate::store::schema::contacts::{ContactRow, Contacts};
use crate::store::schema::workspaces::Workspaces;
use crate::store::search::contacts::ContactSearch;
use crate::store::search::counts::{ContactCounts, CountQuery};
use crate::store::search::{ColumnResolver, Members, attributes, has_selective_filter};
use crate::store::{Backend, Exec, Store, StoreError, StoreResult};

row_struct! {
    /// A contact's row and its workspace's API id.
    pub(crate) struct ContactWithCode {
        pub(crate) contact: ContactRow,
        pub(crate) workspace_code: String,
    }
}

row_struct! {
    /// A contact's row with its embedded summaries: what every read of whole contacts selects.
    struct ContactRead {
        contact: ContactRow,
        workspace_code: String,
        summaries: SummaryColumns,
    }
}

/// `SELECT <every column>, workspaces.id_code FROM contacts JOIN workspaces` for the contacts
/// `scope` picks.
pub(crate) fn select_in(scope: Condition) -> SelectStatement {
    Contacts::select_all(&mut Query::select())
        .expr_as(Expr::col((Workspaces::Table, Workspaces::IdCode)), "workspace_code")
        .from(Contacts::Table)
        .inner_join(
            Workspaces::Table,
            Expr::col((Workspaces::Table, Workspaces::Id)).equals((Contacts::Table, Contacts::WorkspaceId)),
        )
        .cond_where(scope)
        .take()
}

/// [`select_in`] with the summaries' columns.
fn select_read_in(backend: Backend, scope: Condition) -> SelectStatement {
    let mut q = select_in(scope);
    summaries::add_columns(backend, &mut q);
    q
}

fn select_read(backend: Backend, workspace_id: i64) -> SelectStatement {
    select_read_in(backend, Condition::all().add(Contacts::WorkspaceId.col().eq(workspace_id)))
}

/// The contact of the workspace that `named` picks, or `NotFound(Contact)`.
async fn get_where(db: &mut impl Exec, workspace_id: i64, named: Expr) -> StoreResult<Contact> {
    let mut read = select_read(db.backend(), workspace_id);
    let row: Option<ContactRead> = db.fetch_optional(read.and_where(named)).await?;
    let row = row.ok_or(Missing::Contact)?;
    Ok(assemble(row.contact, row.workspace_code, row.summaries))
}

/// A contact of the workspace by its internal id.
pub(crate) async fn get(db: &mut impl Exec, workspace_id: i64, contact_id: i64) -> StoreResult<Contact> {
    get_where(db, workspace_id, Contacts::Id.col().eq(contact_id)).await
}

/// A contact from its row and its summaries.
pub(crate) fn assemble(r: ContactRow, workspace_code: String, mut summaries: SummaryColumns) -> Contact {
    let mut summary = |kind| {
        let (items, total) = summaries.take(kind);
        Summary::of(kind, &r.public_id, items, total)
    };
    Contact {
        kind: "contact",
        tags: summary(SummaryKind::Tags),
        notes: summary(SummaryKind::Notes),
        companies: summary(SummaryKind::Companies),
        opted_out_subscription_types: summary(SummaryKind::OptedOut),
        opted_in_subscription_types: summary(SummaryKind::OptedIn),
        id: r.public_id,
        workspace_id: workspace_code,
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
        enabled_push_messaging: None,
        merge_history: None,
    }
}

/// A page of the contacts matching `filter`, in id order, with their total.
pub(crate) async fn page_of(
    db: &mut impl Exec,
    workspace_id: i64,
    filter: Condition,
    page: Page,
) -> StoreResult<ContactPage> {
    page_counted(db, workspace_id, filter, Ids::Matching, page, None).await
}

/// `COUNT(*)` of the contacts matching `filter`.
fn count_of(filter: Condition) -> SelectStatement {
    Query::select()
        .expr(Expr::col((Contacts::Table, Contacts::Id)).count())
        .from(Contacts::Table)
        .cond_where(filter)
        .take()
}

/// Where a page's ids come from.
enum Ids {
    /// The contacts the filter matches, by whatever plan the database takes for it.
    Matching,
    /// A walk in id order that tests each row with the filter, to the page's end: of the
    /// workspace's contacts, or of the owners of a membership that holds every match (see
    /// [`ContactSearch::driver`]).
    Walk(Option<Box<Members>>),
}

/// [`page_of`]; where the matches must be counted and `counts` is given, the count is
/// remembered there (`counted` is `count_of(filter)`).
async fn page_counted(
    db: &mut impl Exec,
    workspace_id: i64,
    filter: Condition,
    how: Ids,
    page: Page,
    counts: Option<(&ContactCounts, CountQuery)>,
) -> StoreResult<ContactPage> {
    // The page's ids first, then their rows with summaries: a plan that sorts (a search driven
    // by trigram candidates) would otherwise compute every match's summaries before the LIMIT.
    let driven = matches!(how, Ids::Walk(Some(_)));
    let (mut ids, id) = match how {
        Ids::Matching | Ids::Walk(None) => {
            let mut ids = Query::select();
            ids.column((Contacts::Table, Contacts::Id)).from(Contacts::Table);
            (ids, Expr::col((Contacts::Table, Contacts::Id)))
        }
        // `CROSS JOIN`: SQLite keeps the tables in the order written, the owners first (a
        // lookup of each one's contact); PostgreSQL plans it as any join, and takes the
        // owners' index for the order the `LIMIT` wants.
        Ids::Walk(Some(members)) => {
            let Members { mut owners, owner } = *members;
            owners
                .cross_join(Contacts::Table)
                .and_where(owner.clone().equals((Contacts::Table, Contacts::Id)));
            (owners, owner)
        }
    };
    ids.cond_where(filter.clone());
    if let Some(after) = page.after {
        ids.and_where(id.clone().gt(after));
    }
    ids.order_by_expr(id, Order::Asc);
    let backend = db.backend();
    let in_page = |listed: Expr| {
        let mut q =
            select_read_in(backend, Condition::all().add(in_workspace_unindexed(workspace_id)).add(listed));
        q.order_by((Contacts::Table, Contacts::Id), Order::Asc);
        q
    };
    let (mut rows, has_more): (Vec<ContactRead>, Option<bool>) = match backend {
        // A page on PostgreSQL is two statements: PostgreSQL plans a statement for its values
        // at every run while that plan is estimated cheaper than one for any values, as a
        // walk's or the list's is, and planning the summaries with it (five lateral joins)
        // cost as much as running them: ~1.3 ms of each page of the list at 1M contacts. The
        // rows by a list of ids take one plan for every list after five runs (0.02 ms).
        Backend::Postgres => {
            // A membership's walk is one plan for any values: see `PlannedOnce`. Other pages
            // keep a bound limit, so that PostgreSQL plans them for their values (a text match
            // planned for any text reads every match of a trigram to sort them).
            let found: Vec<(i64,)> = if driven {
                db.fetch_all(&PlannedOnce { select: ids, limit: page.limit + 1, offset: page.offset }).await?
            } else {
                db.fetch_all(ids.limit(page.limit + 1).offset(page.offset)).await?
            };
            let has_more = found.len() as u64 > page.limit;
            let listed: Vec<String> =
                found.iter().take(page.limit as usize).map(|(id,)| id.to_string()).collect();
            let rows = match listed.is_empty() {
                true => Vec::new(),
                false => {
                    let listed = format!("{{{}}}", listed.join(","));
                    let listed =
                        Expr::cust_with_values(r#""contacts"."id" = ANY(CAST($1 AS bigint[]))"#, [listed]);
                    db.fetch_all(&in_page(listed)).await?
                }
            };
            (rows, Some(has_more))
        }
        Backend::Sqlite => {
            ids.limit(page.limit + 1).offset(page.offset);
            (db.fetch_all(&in_page(Contacts::Id.col().in_subquery(ids))).await?, None)
        }
    };
    let has_more = has_more.unwrap_or(rows.len() as u64 > page.limit);
    rows.truncate(page.limit as usize);
    // A page from the start that holds every match (an equality search, most often) is its
    // own count; otherwise the matches are counted once, and the cursor carries the total.
    let whole = page.after.is_none() && !has_more && (page.offset == 0 || !rows.is_empty());
    let total: i64 = match page.total {
        Some(total) => total,
        None if whole => (page.offset + rows.len() as u64) as i64,
        None => match counts {
            Some((counts, counted)) => counts.count(db, workspace_id, counted).await?,
            None => db.fetch_scalar(&count_of(filter)).await?,
        },
    };
    let last_id = rows.last().map(|r| r.contact.id);
    let contacts = rows.into_iter().map(|r| assemble(r.contact, r.workspace_code, r.summaries)).collect();
    Ok(ContactPage { contacts, last_id, has_more, total })
}

impl Store {
    pub async fn get_contact(&self, workspace_id: i64, public_id: &str) -> StoreResult<Contact> {
        get_where(&mut self.conn().await?, workspace_id, Contacts::PublicId.col().eq(public_id)).await
    }

    /// The workspace's live contacts, in the order they were created. Their count is
    /// remembered as a search's is: counting a million contacts takes ~60 ms on SQLite.
    pub async fn list_contacts(&self, workspace_id: i64, page: Page) -> StoreResult<ContactPage> {
        let mut conn = self.conn().await?;
        let (counts, counted) =
            (self.contact_counts(), CountQuery::new(conn.backend(), count_of(live(workspace_id))));
        let total = match page.total {
            Some(total) => Some(total),
            None => counts.known(&mut conn, workspace_id, &counted).await?,
        };
        let page = Page { total, ..page };
        page_counted(
            &mut conn,
            workspace_id,
            live(workspace_id),
            Ids::Matching,
            page,
            Some((counts, counted)),
        )
        .await
    }

    /// The live contacts matching a checked search `query`, in the order they were created.
    pub async fn search_contacts(
        &self,
        workspace_id: i64,
        query: &crate::domain::search::Query,
        page: Page,
    ) -> StoreResult<ContactPage> {
        let mut conn = self.conn().await?;
        let search = ContactSearch::new(conn.backend(), workspace_id);
        let mut query = query.clone();
        attributes::match_values(&mut conn, search.owner(), &mut query).await?;
        let rejected = |err| StoreError::Rejected(Rejection::from(err));
        let (scope, filter) = search.filter(&query).map_err(rejected)?;
        let counts = self.contact_counts();
        if let Some(members) = search.members(&query) {
            let ordered = search.driver(&query).is_some();
            return members_page(&mut conn, counts, workspace_id, filter, (members, ordered), page).await;
        }
        let filter = scope.add(filter);
        let counted = CountQuery::new(conn.backend(), count_of(filter.clone()));
        let mut total = match page.total {
            Some(total) => Some(total),
            None => counts.known(&mut conn, workspace_id, &counted).await?,
        };
        // Without a filter that names few contacts by an index, the matches may be many: count
        // them first, so that a page of many is walked rather than sorted from all of them.
        // With one (an email), the page is read first, and most often holds every match.
        let counted = match total {
            None if !has_selective_filter(&query, SELECTIVE) => {
                total = Some(counts.count(&mut conn, workspace_id, counted).await?);
                None
            }
            _ => Some(counted),
        };
        match total {
            // Many matches, and their number known already: walk the workspace's contacts in
            // id order, testing each, until the page is full (about `limit × contacts /
            // matches` rows), instead of reading every match to sort them.
            // Where one membership holds every match and lists its members in id order (a
            // tag, one value of an attribute), the walk is of its members.
            Some(total) if total > WALK_ABOVE => {
                let (driver, rest) = match search.driver(&query) {
                    Some((members, rest)) => (Some(members), rest),
                    None => (None, Some(query)),
                };
                let mut each = live(workspace_id);
                if let Some(rest) = rest {
                    each = each.add(search.row_condition(&rest).map_err(rejected)?);
                }
                let page = Page { total: Some(total), ..page };
                page_counted(&mut conn, workspace_id, each, Ids::Walk(driver.map(Box::new)), page, None).await
            }
            total => {
                let page = Page { total, ..page };
                let counts = counted.map(|c| (counts, c));
                page_counted(&mut conn, workspace_id, filter, Ids::Matching, page, counts).await
            }
        }
    }
}

/// The contact fields whose `=` or `IN` names few contacts through an index.
const SELECTIVE: &[&str] = &["id", "email", "external_id"];

/// Above this many members, a page of one membership walks the workspace's contacts in id order
/// and probes the membership's index for each, stopping at the page's end (about `limit ×
/// contacts / members` probes: ~700 for a tag on 7% of a million contacts). At or below it,
/// the page starts from the members: a lookup each and a sort of them all (under ~10 ms).
const WALK_ABOVE: i64 = 5_000;

/// A page of a search that is one membership alone ([`Members`]), counted from the membership's
/// index: every member, less the archived contacts among them (found from the workspace's
/// archived contacts, a probe each), so that no live member's row is read to count it. The
/// count comes first and says how to read the page. `ordered`: the index lists the members
/// in id order (see [`ContactSearch::driver`]).
async fn members_page(
    db: &mut impl Exec,
    counts: &ContactCounts,
    workspace_id: i64,
    filter: Condition,
    (members, ordered): (Members, bool),
    page: Page,
) -> StoreResult<ContactPage> {
    let total = match page.total {
        Some(total) => total,
        None => {
            let archived = Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(Contacts::Table)
                .and_where(Contacts::WorkspaceId.col().eq(workspace_id))
                .and_where(Contacts::Archived.col().eq(true))
                .and_where(members.contain(Expr::col((Contacts::Table, Contacts::Id))))
                .take();
            let count = Query::select()
                .expr(
                    Expr::SubQuery(None, Box::new(members.count().into_sub_query_statement()))
                        .sub(Expr::SubQuery(None, Box::new(archived.into_sub_query_statement()))),
                )
                .take();
            let count = CountQuery::new(db.backend(), count);
            counts.get(db, workspace_id, count).await?
        }
    };
    let page = Page { total: Some(total), ..page };
    match (total > WALK_ABOVE, ordered) {
        (true, true) => {
            page_counted(db, workspace_id, live(workspace_id), Ids::Walk(Some(Box::new(members))), page, None)
                .await
        }
        (true, false) => {
            let filter = live(workspace_id).add(members.contain(Expr::col((Contacts::Table, Contacts::Id))));
            page_counted(db, workspace_id, filter, Ids::Walk(None), page, None).await
        }
        // PostgreSQL would test every member's row and sort them all to keep a page; walking
        // the members in id order stops at the page's end. SQLite's plan is the same either way.
        (false, ordered) if db.backend() == Backend::Postgres => {
            let members = if ordered { members } else { members.sorted() };
            page_counted(db, workspace_id, live(workspace_id), Ids::Walk(Some(Box::new(members))), page, None)
                .await
        }
        (false, _) => page_of(db, workspace_id, live(workspace_id).add(filter), page).await,
    }
}
