//! The embedded summaries of contacts (`tags`, `notes`, `companies`, subscription types):
//! the first few items of each and their totals, read as columns of the contact's own row, so
//! that a contact, or a page of them, is one statement.

use super::sqlite::row_struct;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

use crate::domain::contact::{SUMMARY_LIMIT, SummaryKind};

/// Where each embedded summary is read from: `(kind, owner column, item id, order of items)`
/// over the relation `summary_from` builds.
const SUMMARY_SOURCES: [(SummaryKind, &str, &str, &str); 5] = [
    (
        SummaryKind::Tags,
        r#""contact_tags"."contact_id""#,
        r#"CAST("contact_tags"."tag_id" AS TEXT)"#,
        r#""contact_tags"."applied_at", "contact_tags"."tag_id""#,
    ),
    (
        SummaryKind::Notes,
        r#""notes"."contact_id""#,
        r#"CAST("notes"."id" AS TEXT)"#,
        r#""notes"."created_at" DESC, "notes"."id" DESC"#,
    ),
    (
        SummaryKind::Companies,
        r#""contact_companies"."contact_id""#,
        r#""companies"."public_id""#,
        r#""contact_companies"."created_at", "companies"."id""#,
    ),
    (
        SummaryKind::OptedOut,
        r#""contact_subscriptions"."contact_id""#,
        r#"CAST("subscription_types"."id" AS TEXT)"#,
        r#""subscription_types"."id""#,
    ),
    (
        SummaryKind::OptedIn,
        r#""contact_subscriptions"."contact_id""#,
        r#"CAST("subscription_types"."id" AS TEXT)"#,
        r#""subscription_types"."id""#,
    ),
];

/// `FROM` (and joins, and filter) of a summary's relation.
fn summary_from(kind: SummaryKind, q: &mut SelectStatement) {
    let subscriptions = |q: &mut SelectStatement, consent: &str| {
        q.from("contact_subscriptions")
            .inner_join(
                "subscription_types",
                Expr::col(("subscription_types", "id"))
                    .equals(("contact_subscriptions", "subscription_type_id")),
            )
            .and_where(Expr::col(("subscription_types", "consent_type")).eq(consent.to_owned()));
    };
    match kind {
        SummaryKind::Tags => {
            q.from("contact_tags");
        }
        SummaryKind::Notes => {
            q.from("notes");
        }
        SummaryKind::Companies => {
            q.from("contact_companies").inner_join(
                "companies",
                Expr::col(("companies", "id")).equals(("contact_companies", "company_id")),
            );
        }
        SummaryKind::OptedOut => subscriptions(q, "opt_out"),
        SummaryKind::OptedIn => subscriptions(q, "opt_in"),
    }
}

/// Adds, for each kind, `<kind>_items` (the ids of its first [`SUMMARY_LIMIT`] items, comma
/// separated, or NULL) and `<kind>_total`, as subqueries on the row's `contacts.id`. The ids are
/// numbers or hex public ids, so a comma never occurs in one. `string_agg(.. ORDER BY ..)` is
/// spelt the same by PostgreSQL and by SQLite (3.44 and later; the bundled one is newer).
pub(crate) fn add_columns(q: &mut SelectStatement) {
    for (kind, owner, item, order) in SUMMARY_SOURCES {
        let name = column_prefix(kind);
        let mut numbered = Query::select();
        numbered
            .expr_as(Expr::cust(item), "item")
            .expr_as(Expr::cust(format!("ROW_NUMBER() OVER (ORDER BY {order})")), "rn")
            .and_where(Expr::cust(owner).equals(("contacts", "id")));
        summary_from(kind, &mut numbered);
        let items = Query::select()
            .expr(Expr::cust(r#"string_agg("s"."item", ',' ORDER BY "s"."rn")"#))
            .from_subquery(numbered, "s")
            .and_where(Expr::col(("s", "rn")).lte(SUMMARY_LIMIT as i64))
            .take();
        let mut total = Query::select();
        total.expr(Expr::cust("COUNT(*)")).and_where(Expr::cust(owner).equals(("contacts", "id")));
        summary_from(kind, &mut total);
        q.expr_as(items, Alias::new(format!("{name}_items")))
            .expr_as(total, Alias::new(format!("{name}_total")));
    }
}

fn column_prefix(kind: SummaryKind) -> &'static str {
    match kind {
        SummaryKind::Tags => "tags",
        SummaryKind::Notes => "notes",
        SummaryKind::Companies => "companies",
        SummaryKind::OptedOut => "opted_out",
        SummaryKind::OptedIn => "opted_in",
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
