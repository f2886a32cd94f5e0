//! The embedded summaries of contacts (`tags`, `notes`, `companies`, subscription types):
//! the first few items of each and their totals, read as columns of the contact's own row, so
//! that a contact, or a page of them, is one statement.

use std::sync::LazyLock;

use super::sqlite::row_struct;
use sea_query::{Expr, SelectStatement};

use crate::domain::contact::{SUMMARY_LIMIT, SummaryKind};

/// One embedded summary: its column names and where its items come from.
struct Source {
    items_column: &'static str,
    total_column: &'static str,
    /// The relation, with its joins.
    from: &'static str,
    /// The column holding the owning contact's id.
    owner: &'static str,
    /// A condition besides the owner's, or nothing.
    filter: &'static str,
    item: &'static str,
    order: &'static str,
}

const SUBSCRIPTIONS: &str = r#""contact_subscriptions" INNER JOIN "subscription_types" ON "subscription_types"."id" = "contact_subscriptions"."subscription_type_id""#;

const SOURCES: [Source; 5] = [
    Source {
        items_column: "tags_items",
        total_column: "tags_total",
        from: r#""contact_tags""#,
        owner: r#""contact_tags"."contact_id""#,
        filter: "",
        item: r#"CAST("contact_tags"."tag_id" AS TEXT)"#,
        order: r#""contact_tags"."applied_at", "contact_tags"."tag_id""#,
    },
    Source {
        items_column: "notes_items",
        total_column: "notes_total",
        from: r#""notes""#,
        owner: r#""notes"."contact_id""#,
        filter: "",
        item: r#"CAST("notes"."id" AS TEXT)"#,
        order: r#""notes"."created_at" DESC, "notes"."id" DESC"#,
    },
    Source {
        items_column: "companies_items",
        total_column: "companies_total",
        from: r#""contact_companies" INNER JOIN "companies" ON "companies"."id" = "contact_companies"."company_id""#,
        owner: r#""contact_companies"."contact_id""#,
        filter: "",
        item: r#""companies"."public_id""#,
        order: r#""contact_companies"."created_at", "companies"."id""#,
    },
    Source {
        items_column: "opted_out_items",
        total_column: "opted_out_total",
        from: SUBSCRIPTIONS,
        owner: r#""contact_subscriptions"."contact_id""#,
        filter: r#" AND "subscription_types"."consent_type" = 'opt_out'"#,
        item: r#"CAST("subscription_types"."id" AS TEXT)"#,
        order: r#""subscription_types"."id""#,
    },
    Source {
        items_column: "opted_in_items",
        total_column: "opted_in_total",
        from: SUBSCRIPTIONS,
        owner: r#""contact_subscriptions"."contact_id""#,
        filter: r#" AND "subscription_types"."consent_type" = 'opt_in'"#,
        item: r#"CAST("subscription_types"."id" AS TEXT)"#,
        order: r#""subscription_types"."id""#,
    },
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
static COLUMNS: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .flat_map(|s| {
            let matching = format!(r#"FROM {} WHERE {} = "contacts"."id"{}"#, s.from, s.owner, s.filter);
            [
                (
                    s.items_column,
                    format!(
                        r#"(SELECT string_agg("s"."item", ',') FROM (SELECT {} AS "item" {matching} ORDER BY {} LIMIT {SUMMARY_LIMIT}) AS "s")"#,
                        s.item, s.order
                    ),
                ),
                (s.total_column, format!("(SELECT COUNT(*) {matching})")),
            ]
        })
        .collect()
});

/// Adds, for each kind, `<kind>_items` and `<kind>_total` (see [`COLUMNS`]), as subqueries on
/// the row's `contacts.id`.
pub(crate) fn add_columns(q: &mut SelectStatement) {
    for (column, subquery) in COLUMNS.iter() {
        q.expr_as(Expr::cust(subquery.as_str()), *column);
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
