//! `custom_attributes.<name>`, answered from the typed index `custom_attribute_values`
//! (migration 0022, tickets' attributes since 0026; triggers keep it with every write of the
//! owners' JSON). A filter is the
//! membership of the searched row among the owners of the attribute's matching values, read
//! from one range of the index of the attribute's type: `num_value` for integers, floats and
//! dates, `text_value` for strings, `bool_value` for booleans. Negative operators (`!=`, `NIN`,
//! `!~`, `= null`) are the rows outside the owners of the positive match, so a row without
//! the attribute matches them, as everywhere in search.
//!
//! On PostgreSQL `num_value` is `numeric`: exact for every integer and for the decimal a float
//! was written as. An integer parameter compares with it as it is (int8 → numeric is
//! implicit); a float goes through its shortest text (`CAST(CAST($1 AS text) AS numeric)`),
//! since compared as a double the column would be cast and its index lost. The two texts
//! differ, so sqlx's statement cache (by text, with the parameter types of its first use)
//! never sees one text with two parameter types.

use sea_query::{
    CommonTableExpression, Condition, Expr, ExprTrait, Query as Select, QueryStatementBuilder,
    SelectStatement, UnionType, WithClause,
};

use super::{Matcher, Members, Owner, Target, lower_cast, matching_all, positive_of};
use crate::domain::data_attribute::Model;
use crate::domain::search::{Field, FieldType, Filter, Predicate, Query, Scalar};
use crate::store::schema::custom_attribute_values::CustomAttributeValues as Values;
use crate::store::{Backend, Exec, StoreResult};

/// Tickets' code in `custom_attribute_values.model` (migration 0026): their
/// `ticket_attributes`, by the ticket's conversation id.
pub(crate) const TICKETS: i16 = 4;

/// The owner's code in `custom_attribute_values.model` (the triggers' argument).
pub(crate) fn model_code(model: Model) -> i16 {
    match model {
        Model::Contact => 1,
        Model::Company => 2,
        Model::Conversation => 3,
    }
}

/// The attribute's typed index: the owners of values of `name` (before any filter), the value
/// column of the attribute's type, and the cast a value goes through.
fn index_of(owner: &Owner, name: &str, ty: FieldType) -> (SelectStatement, Values, Option<&'static str>) {
    let (column, cast) = match (ty, owner.backend) {
        (FieldType::String, _) => (Values::TextValue, None),
        (FieldType::Boolean, _) => (Values::BoolValue, None),
        (FieldType::Float, Backend::Postgres) => {
            (Values::NumValue, Some("CAST(CAST($1 AS text) AS numeric)"))
        }
        (FieldType::Integer | FieldType::Date | FieldType::Float, _) => (Values::NumValue, None),
    };
    // `IS NOT NULL` is the condition of the type's partial index: both planners then take it,
    // also for `= null` and `!= null`, which compare no value.
    let owners = Select::select()
        .column((Values::Table, Values::ObjectId))
        .from(Values::Table)
        .and_where(Values::WorkspaceId.col().eq(owner.workspace_id))
        .and_where(Values::Model.col().eq(owner.model))
        .and_where(Values::Name.col().eq(name))
        .and_where(column.col().is_not_null())
        .take();
    (owners, column, cast)
}

/// The owners (`object_id`) whose value of `name` passes every one of `filters`, all positive:
/// one range of the typed index, one row per owner.
pub(crate) fn owners_matching(owner: &Owner, name: &str, filters: &[&Filter]) -> Members {
    let (owners, column, cast) = index_of(owner, name, filters[0].def.ty);
    Members {
        owners: matching_all(owner.backend, filters, owners, column.col(), cast),
        owner: Expr::col((Values::Table, Values::ObjectId)),
    }
}

/// The condition of `filters` (one, or several positive ones that must all hold) on the custom
/// attribute `name` of the owner's rows. `drives`: the membership is the only one of the
/// statement and may drive it on SQLite.
pub(crate) fn condition(owner: &Owner, name: &str, filters: &[&Filter], drives: bool) -> Condition {
    let (owners, column, cast) = index_of(owner, name, filters[0].def.ty);
    if owner.probing {
        let object = Expr::col((Values::Table, Values::ObjectId));
        return Condition::all().add(match filters {
            [f] => {
                let (negative, positive) = positive_of(&f.predicate);
                let mut owners = owners;
                if let Some(p) = positive {
                    let m = Matcher {
                        ci: f.def.case_insensitive && f.def.ty == FieldType::String,
                        backend: owner.backend,
                        cast,
                    };
                    owners.and_where(m.expr(column.col(), &p));
                }
                owner.among(owners, object, negative)
            }
            _ => owner.among(matching_all(owner.backend, filters, owners, column.col(), cast), object, false),
        });
    }
    // SQLite, without statistics, takes an `id IN (list)` as a constraint on the rowid and
    // drives the search from the list: a lookup per listed owner, which is what a lone
    // membership wants (5 ms for 1,600 owners among 1M contacts, against 190 ms to walk the
    // workspace and probe the list). Two such constraints (two attributes, or one and a
    // trigram lookup or a tag) made SQLite 3.51 iterate their cross product: 50 s for two
    // filters at 100k contacts. So, unless it is alone, `+id` keeps the membership a filter: a
    // probe of its materialized list.
    let id = match owner.backend {
        Backend::Sqlite if !drives => owner.unindexed_id(),
        _ => owner.id(),
    };
    match filters {
        [f] => lower_cast(
            owner.backend,
            f,
            Target::Membership { owner: id, subquery: Box::new(owners), column: column.col() },
            cast,
        ),
        // Positive filters that must hold on the same value: one range of the index.
        _ => Condition::all().add(id.in_subquery(matching_all(
            owner.backend,
            filters,
            owners,
            column.col(),
            cast,
        ))),
    }
}

/// The most distinct values of a string attribute that a text match reads to rewrite itself.
const FEW_VALUES: i64 = 1_000;

/// `~ !~ ^ $` on a custom string attribute, where the workspace holds at most [`FEW_VALUES`]
/// distinct values of it (a plan, a city, an industry), rewritten as `IN` (`NIN` for `!~`)
/// of the values that match: the pattern is tested once per distinct value, not once per
/// owner, and the members are ranges of the index, which a lone membership counts from the
/// index alone. An attribute with more values keeps its filter, a LIKE over every value.
/// The values are read by skipping through the index (one seek per distinct value) with
/// the same LIKE (ILIKE) the filter would have run, so no answer changes.
pub(crate) async fn match_values(db: &mut impl Exec, owner: &Owner, query: &mut Query) -> StoreResult<()> {
    let mut texts: Vec<(String, Predicate)> = Vec::new();
    collect_text_matches(query, &mut texts);
    let mut found: Vec<((String, Predicate), Vec<Scalar>)> = Vec::new();
    for (name, positive) in texts {
        if let Some(values) = matching_values(db, owner, &name, &positive).await? {
            found.push(((name, positive), values));
        }
    }
    if !found.is_empty() {
        rewrite_text_matches(query, &found);
    }
    Ok(())
}

/// A text match on a custom attribute: its name and its positive pattern (`~` for `!~`).
fn text_match(f: &Filter) -> Option<(&str, Predicate)> {
    let Field::Custom(name) = &f.field else { return None };
    match &f.predicate {
        p @ (Predicate::Contains(_) | Predicate::StartsWith(_) | Predicate::EndsWith(_)) => {
            Some((name, p.clone()))
        }
        Predicate::NotContains(s) => Some((name, Predicate::Contains(s.clone()))),
        _ => None,
    }
}

fn collect_text_matches(q: &Query, out: &mut Vec<(String, Predicate)>) {
    match q {
        Query::Filter(f) => {
            if let Some((name, p)) = text_match(f)
                && !out.iter().any(|(n, q)| n == name && *q == p)
            {
                out.push((name.to_owned(), p));
            }
        }
        Query::Group { items, .. } => items.iter().for_each(|item| collect_text_matches(item, out)),
        Query::Segments { segments, .. } => {
            segments.iter().flatten().for_each(|m| collect_text_matches(&m.query, out))
        }
    }
}

fn rewrite_text_matches(q: &mut Query, found: &[((String, Predicate), Vec<Scalar>)]) {
    match q {
        Query::Filter(f) => {
            let Some((name, positive)) = text_match(f) else { return };
            let Some((_, values)) = found.iter().find(|((n, p), _)| n == name && *p == positive) else {
                return;
            };
            f.predicate = match f.predicate {
                Predicate::NotContains(_) => Predicate::Nin(values.clone()),
                _ => Predicate::In(values.clone()),
            };
        }
        Query::Group { items, .. } => items.iter_mut().for_each(|item| rewrite_text_matches(item, found)),
        Query::Segments { segments, .. } => {
            segments.iter_mut().flatten().for_each(|m| rewrite_text_matches(&mut m.query, found))
        }
    }
}

/// The distinct values of `name` that `positive` matches, or `None` if there are more than
/// [`FEW_VALUES`] distinct values. A recursive CTE steps through the typed text index: each
/// step is `MIN(text_value) > previous`, one seek.
async fn matching_values(
    db: &mut impl Exec,
    owner: &Owner,
    name: &str,
    positive: &Predicate,
) -> StoreResult<Option<Vec<Scalar>>> {
    let (owners, column, _) = index_of(owner, name, FieldType::String);
    let smallest = |after: Option<Expr>| {
        let mut q = owners.clone();
        q.clear_selects().expr(column.col().min());
        if let Some(after) = after {
            q.and_where(column.col().gt(after));
        }
        Expr::SubQuery(None, Box::new(q.into_sub_query_statement()))
    };
    let previous = Expr::col(("v", "x"));
    let mut steps = Select::select().expr(smallest(None)).expr(Expr::cust("1")).take();
    steps.union(
        UnionType::All,
        Select::select()
            .expr(smallest(Some(previous.clone())))
            .expr(Expr::col(("v", "n")).add(1))
            .from("v")
            .and_where(previous.clone().is_not_null())
            .and_where(Expr::col(("v", "n")).lte(FEW_VALUES))
            .take(),
    );
    let cte = CommonTableExpression::new().query(steps).columns(["x", "n"]).table_name("v").to_owned();
    let matcher = Matcher { ci: false, backend: owner.backend, cast: None };
    let values = Select::select()
        .expr(previous.clone())
        .expr(matcher.expr(previous.clone(), positive))
        .from("v")
        .and_where(previous.is_not_null())
        .take()
        .with(WithClause::new().recursive(true).cte(cte).to_owned());
    let values: Vec<(String, bool)> = db.fetch_all(&values).await?;
    if values.len() as i64 > FEW_VALUES {
        return Ok(None);
    }
    Ok(Some(values.into_iter().filter(|(_, hit)| *hit).map(|(v, _)| Scalar::Str(v)).collect()))
}
