//! The embedded summaries of contacts (`tags`, `notes`, `companies`, subscription types):
//! the first few items of each and their totals, read as columns of the contact's own row, so
//! that a contact, or a page of them, is one statement.

use std::sync::LazyLock;

use crate::store::Backend;
use crate::store::backend::rows::row_struct;
use sea_query::{Expr, JoinType, Query, SelectStatement};

use crate::domain::contact::{SUMMARY_LIMIT, SummaryKind};

/// One embedded summary: the prefix of its columns and where its items come from.
struct Source {
    /// `<name>_items` and `<name>_total`.
    name: &'static str,
    /// The relation.
    table: &'static str,
    /// A table joined to it, and the join's condition.
    joined: Option<(&'static str, &'static str)>,
    /// The column holding the owning contact's id.
    owner: &'static str,
    /// A condition besides the owner's.
    filter: Option<&'static str>,
    item: &'static str,
    order: &'static str,
}

/// The subscription types a contact has opted into or out of: `consent` is the condition.
const fn subscriptions(name: &'static str, consent: &'static str) -> Source {
    Source {
        name,
        table: "contact_subscriptions",
        joined: Some((
            "subscription_types",
            r#""subscription_types"."id" = "contact_subscriptions"."subscription_type_id""#,
        )),
        owner: r#""contact_subscriptions"."contact_id""#,
        filter: Some(consent),
        item: r#"CAST("subscription_types"."id" AS TEXT)"#,
        order: r#""subscription_types"."id""#,
    }
}

impl Source {
    /// The `FROM` of its subqueries, its join written out.
    fn from(&self) -> String {
        match self.joined {
            None => format!(r#""{}""#, self.table),
            Some((joined, on)) => format!(r#""{}" INNER JOIN "{joined}" ON {on}"#, self.table),
        }
    }

    /// The rows of its relation that belong to the row's contact.
    fn owned(&self) -> String {
        format!(r#"{} = "contacts"."id""#, self.owner)
    }

    /// Its rows of the row's contact.
    fn of_contact(&self) -> String {
        match self.filter {
            None => self.owned(),
            Some(filter) => format!("{} AND {filter}", self.owned()),
        }
    }
}

const SOURCES: [Source; 5] = [
    Source {
        name: "tags",
        table: "contact_tags",
        joined: None,
        owner: r#""contact_tags"."contact_id""#,
        filter: None,
        item: r#"CAST("contact_tags"."tag_id" AS TEXT)"#,
        order: r#""contact_tags"."applied_at", "contact_tags"."tag_id""#,
    },
    Source {
        name: "notes",
        table: "notes",
        joined: None,
        owner: r#""notes"."contact_id""#,
        filter: None,
        item: r#"CAST("notes"."id" AS TEXT)"#,
        order: r#""notes"."created_at" DESC, "notes"."id" DESC"#,
    },
    Source {
        name: "companies",
        table: "contact_companies",
        joined: Some(("companies", r#""companies"."id" = "contact_companies"."company_id""#)),
        owner: r#""contact_companies"."contact_id""#,
        filter: None,
        item: r#""companies"."public_id""#,
        order: r#""contact_companies"."created_at", "companies"."id""#,
    },
    subscriptions("opted_out", r#""subscription_types"."consent_type" = 'opt_out'"#),
    subscriptions("opted_in", r#""subscription_types"."consent_type" = 'opt_in'"#),
];

/// Per summary, `(column, subquery)` for its items and for its total. They take no parameters
/// and PostgreSQL and SQLite spell them the same, so they are written once per process, not
/// built and rendered for every contact read.
///
/// The items are the ids of the first [`SUMMARY_LIMIT`], comma separated (numbers or hex
/// public ids: a comma never occurs in one), or NULL. `string_agg` reads them from a subquery
/// ordered and cut to that limit, in its order: an `ORDER BY` in the aggregate, or a
/// `ROW_NUMBER()` window, makes SQLite build a temporary b-tree per summary per contact (five
/// per read), which cost more than the rest of the statement.
static COLUMNS: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .flat_map(|s| {
            let matching = format!("FROM {} WHERE {}", s.from(), s.of_contact());
            [
                (
                    format!("{}_items", s.name),
                    format!(
                        r#"(SELECT string_agg("s"."item", ',') FROM (SELECT {} AS "item" {matching} ORDER BY {} LIMIT {SUMMARY_LIMIT}) AS "s")"#,
                        s.item, s.order
                    ),
                ),
                (format!("{}_total", s.name), format!("(SELECT COUNT(*) {matching})")),
            ]
        })
        .collect()
});

/// Per relation on PostgreSQL, a lateral join that reads the items and totals of the summaries
/// it holds from one scan of it for the row's `contacts.id` (`array_agg` in order, cut to
/// [`SUMMARY_LIMIT`]; a summary with a condition of its own aggregates with a `FILTER`), and
/// the columns selected from it. PostgreSQL runs each scalar subquery as a subplan of its own,
/// at ~3 µs a row: a page of 50 contacts with the ten subqueries of [`COLUMNS`] served 2,100
/// statements/s, with these 2,900 (`pgbench`, 1M contacts). Each join is also nodes of the plan
/// that PostgreSQL sets up at every run (half of its CPU for `GET /contacts/{id}`), so the two
/// subscription summaries share one: `pgbench` of that read, 11,230 → 12,180 statements/s.
/// SQLite has no `LATERAL`, and its subqueries are cheap. Built once per process.
struct Lateral {
    alias: String,
    select: SelectStatement,
    /// `(expression, column)` of each summary's items, then of its total.
    columns: Vec<(String, String)>,
}

static LATERALS: LazyLock<Vec<Lateral>> = LazyLock::new(|| {
    let mut laterals: Vec<(&Source, Lateral)> = Vec::new();
    for s in &SOURCES {
        let index =
            match laterals.iter().position(|(first, _)| first.table == s.table && first.joined == s.joined) {
                Some(index) => index,
                None => {
                    let mut select = Query::select();
                    select.from(s.table).and_where(Expr::cust(s.owned()));
                    if let Some((joined, on)) = s.joined {
                        select.inner_join(joined, Expr::cust(on));
                    }
                    let alias = format!("{}_summary", s.table);
                    laterals.push((s, Lateral { alias, select, columns: Vec::new() }));
                    laterals.len() - 1
                }
            };
        let lateral = &mut laterals[index].1;
        let filter = s.filter.map(|f| format!(" FILTER (WHERE {f})")).unwrap_or_default();
        let (items, total) = (format!("{}_items", s.name), format!("{}_total", s.name));
        lateral
            .select
            .expr_as(
                Expr::cust(format!(
                    "array_to_string((array_agg({} ORDER BY {}){filter})[1:{SUMMARY_LIMIT}], ',')",
                    s.item, s.order
                )),
                items.clone(),
            )
            .expr_as(Expr::cust(format!("COUNT(*){filter}")), total.clone());
        for column in [items, total] {
            lateral.columns.push((format!(r#""{}"."{column}""#, lateral.alias), column));
        }
    }
    laterals.into_iter().map(|(_, lateral)| lateral).collect()
});

/// Adds, for each kind, `<kind>_items` and `<kind>_total`: on SQLite as subqueries on the row's
/// `contacts.id` (see [`COLUMNS`]), on PostgreSQL from a lateral join per relation (see [`LATERALS`]).
pub(crate) fn add_columns(backend: Backend, q: &mut SelectStatement) {
    match backend {
        Backend::Sqlite => {
            for (column, subquery) in COLUMNS.iter() {
                q.expr_as(Expr::cust(subquery.as_str()), column.as_str());
            }
        }
        Backend::Postgres => {
            for lateral in LATERALS.iter() {
                for (expr, column) in &lateral.columns {
                    q.expr_as(Expr::cust(expr.as_str()), column.as_str());
                }
                // An aggregate without `GROUP BY` is one row whatever it reads: the join keeps
                // every contact.
                q.join_lateral(
                    JoinType::LeftJoin,
                    lateral.select.clone(),
                    lateral.alias.as_str(),
                    Expr::cust("TRUE"),
                );
            }
        }
    }
}

row_struct! {
    /// The columns [`add_columns`] adds, decoded.
    #[derive(Debug, Default)]
    pub(crate) struct SummaryColumns {
        tags_items: Option<String>,
        tags_total: i64,
        notes_items: Option<String>,
        notes_total: i64,
        companies_items: Option<String>,
        companies_total: i64,
        opted_out_items: Option<String>,
        opted_out_total: i64,
        opted_in_items: Option<String>,
        opted_in_total: i64,
    }
}

impl SummaryColumns {
    /// The first item ids of a kind, and how many items there are in all.
    pub(crate) fn take(&mut self, kind: SummaryKind) -> (Vec<String>, i64) {
        let (items, total) = match kind {
            SummaryKind::Tags => (&mut self.tags_items, self.tags_total),
            SummaryKind::Notes => (&mut self.notes_items, self.notes_total),
            SummaryKind::Companies => (&mut self.companies_items, self.companies_total),
            SummaryKind::OptedOut => (&mut self.opted_out_items, self.opted_out_total),
            SummaryKind::OptedIn => (&mut self.opted_in_items, self.opted_in_total),
        };
        let items = items.take().map(|ids| ids.split(',').map(str::to_owned).collect()).unwrap_or_default();
        (items, total)
    }
}
