//! The embedded summaries of contacts (`tags`, `notes`, `companies`, subscription types):
//! the first few items of each and their totals, for a whole page of contacts at once.

use std::collections::HashMap;

use sea_query::{Expr, ExprTrait, Query, SelectStatement, UnionType};

use super::{Exec, StoreResult};
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

/// The first [`SUMMARY_LIMIT`] items of every summary of `ids`, and their totals, in one
/// statement: a `UNION ALL` of one part per kind, each numbering a contact's items with a
/// window function so that no contact's whole list is read.
pub(crate) async fn summaries(
    db: &mut impl Exec,
    ids: &[i64],
) -> StoreResult<HashMap<(i64, SummaryKind), (Vec<String>, i64)>> {
    let mut out: HashMap<(i64, SummaryKind), (Vec<String>, i64)> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut parts = SUMMARY_SOURCES.iter().enumerate().map(|(kind_no, (kind, owner, item, order))| {
        let mut inner = Query::select();
        inner
            .expr_as(Expr::cust(owner.to_string()), "owner")
            .expr_as(Expr::cust(item.to_string()), "item")
            .expr_as(Expr::cust(format!("ROW_NUMBER() OVER (PARTITION BY {owner} ORDER BY {order})")), "rn")
            .expr_as(Expr::cust(format!("COUNT(*) OVER (PARTITION BY {owner})")), "total")
            .and_where(Expr::cust(owner.to_string()).is_in(ids.iter().copied()));
        summary_from(*kind, &mut inner);
        Query::select()
            .expr_as(Expr::val(kind_no as i64), "kind")
            .columns(["owner", "item", "rn", "total"])
            .from_subquery(inner, "s")
            .and_where(Expr::col("rn").lte(SUMMARY_LIMIT as i64))
            .take()
    });
    let mut union = parts.next().expect("there are summary kinds");
    for part in parts {
        union.union(UnionType::All, part);
    }
    let mut rows: Vec<(i64, i64, String, i64, i64)> = db.fetch_all(&union).await?;
    rows.sort_unstable_by_key(|&(kind_no, owner, _, rn, _)| (owner, kind_no, rn));
    for (kind_no, owner, item, _, total) in rows {
        let entry = out.entry((owner, SUMMARY_SOURCES[kind_no as usize].0)).or_default();
        entry.0.push(item);
        entry.1 = total;
    }
    Ok(out)
}
