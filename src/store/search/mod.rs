//! Lowers a typed search query (`domain::search::Query`, checked before any database work) to
//! a sea-query [`Condition`], written once for PostgreSQL and SQLite. Nothing here checks a
//! query; the one read a check needs, the workspace's [`Catalog`], is [`resolve::catalog`].
//!
//! Each resource supplies a [`ColumnResolver`] that says where its documented fields live: a
//! column (or any expression), a to-many relation (`contact_ids` → `conversation_contacts`),
//! or a whole condition it builds itself. The fields every resource shares are lowered from
//! the resolver's [`Owner`]: custom attributes by [`attributes`] (from their typed index),
//! `tag_id` and `segment_id` by [`resolve`].
//!
//! Semantics chosen here (the docs are silent on them):
//! * Negative operators match empty fields: `email != "x"`, `email NIN [...]` and
//!   `email !~ "x"` also return contacts without an email, as "doesn't equal / doesn't
//!   contain" reads. SQL alone would drop them (`NULL <> 'x'` is not true), so these lower to
//!   `(col <> 'x' OR col IS NULL)`. On a relation, negative means "no related row matches":
//!   `tag_id != 7` is `id NOT IN (SELECT contact_id FROM contact_tags WHERE tag_id = 7)`.
//! * `~ !~ ^ $` are case-insensitive (ILIKE on PostgreSQL; LIKE on SQLite, which ignores ASCII
//!   case only). The user's text is escaped (`%`, `_` and the escape char `!`) and the pattern
//!   carries `ESCAPE '!'`, so input never becomes a wildcard.
//! * `= != IN NIN` are exact, unless the field is marked case-insensitive (emails): then both
//!   sides go through `LOWER()`.
//!
//! A resolver must keep one parameter type per SQL text: sqlx caches a PostgreSQL statement by
//! its text with the parameter types of its first use, and binds later values as those types.
//! An expression that can meet values of several types (a JSON field) carries a cast per type.

pub(crate) mod attributes;
pub mod companies;
pub mod contacts;
pub mod conversations;
pub(crate) mod counts;
pub(crate) mod resolve;
pub mod saved_segments;
pub mod tickets;

use crate::domain::search::{
    Field, FieldType, Filter, GroupOp, Membership, Predicate, Query, Scalar, SearchError,
};
use crate::store::Backend;
use sea_query::{Condition, Expr, ExprTrait, Func, LikeExpr, SelectStatement, Value};

#[cfg(doc)]
use crate::domain::search::Catalog;
pub(crate) use resolve::Owner;

/// The escape character of every LIKE pattern built here.
pub const LIKE_ESCAPE: char = '!';

/// Where a field lives.
#[derive(Debug, Clone)]
pub enum Target {
    /// A scalar expression of the searched row, e.g. `contacts.email` or
    /// `contacts.custom_attributes ->> 'plan'` (cast to the field's type). Must have the field's type.
    Column(Expr),
    /// A to-many relation: `subquery` selects the owners of related rows (`SELECT
    /// contact_tags.contact_id FROM contact_tags`), `owner` is the searched row's id and
    /// `column` the related value (`contact_tags.tag_id`). The filter becomes `owner IN
    /// (subquery WHERE column <op> value)`, or `NOT IN` for negative operators. The subquery
    /// is uncorrelated so that both databases drive it from an index on `(column, owner)`
    /// (SQLite runs a correlated `EXISTS` once per searched row).
    Membership { owner: Expr, subquery: Box<SelectStatement>, column: Expr },
    /// A condition the caller built for this filter (e.g. a token match on `source.body`).
    Condition(Condition),
}

pub(crate) trait ColumnResolver {
    /// The searched table, for the fields every resource shares.
    fn owner(&self) -> &Owner;

    /// Where the documented field `name` (canonical) of the resource lives.
    fn resolve(&self, name: &'static str, filter: &Filter) -> Result<Target, SearchError>;

    /// A whole group the resolver lowers itself, where one index lookup serves all of its
    /// filters; `None` lowers it filter by filter.
    fn resolve_group(&self, _operator: GroupOp, _items: &[Query]) -> Option<Condition> {
        None
    }
}

/// Whether a checked query is a conjunction (or a lone filter) of which one filter names few
/// rows through an index: `=` or `IN` on one of `fields`. Such a search should start from that
/// filter. SQLite's planner, without statistics, takes the `workspace_id` equality for the
/// more selective and starts from the whole workspace instead (100k tickets read for one
/// contact's ten); see [`workspace_is`]. Custom attributes are not among them: on SQLite
/// their membership is a filter on purpose (`attributes::condition`).
pub(crate) fn has_selective_filter(query: &Query, fields: &[&str]) -> bool {
    let selective = |q: &Query| match q {
        Query::Filter(f) => {
            matches!(f.predicate, Predicate::Eq(_) | Predicate::In(_))
                && matches!(&f.field, Field::Standard(name) if fields.contains(name))
        }
        _ => false,
    };
    match query {
        Query::Group { operator: GroupOp::And, items } => items.iter().any(selective),
        q => selective(q),
    }
}

/// `column = workspace_id`, kept out of SQLite's index choice when the search has a
/// selective filter (`backend::rows::unindexed`).
pub(crate) fn workspace_is(backend: Backend, column: Expr, workspace_id: i64, selective: bool) -> Expr {
    if selective { crate::store::backend::rows::unindexed(backend, column) } else { column }.eq(workspace_id)
}

/// The WHERE condition for the whole query `q`.
pub(crate) fn lower(q: &Query, resolver: &dyn ColumnResolver) -> Result<Condition, SearchError> {
    lower_at(q, resolver, true)
}

/// The WHERE condition for `q`; `whole` when `q` is all the search asks (or all of the one
/// segment that is), so that nothing else in the statement is a membership.
pub(crate) fn lower_at(
    q: &Query,
    resolver: &dyn ColumnResolver,
    whole: bool,
) -> Result<Condition, SearchError> {
    match q {
        Query::Filter(f) => lower_filter(f, resolver, whole),
        Query::Segments { negated, segments } => {
            let whole = whole && !*negated && segments.len() == 1;
            resolve::segments(resolver, *negated, segments, whole)
        }
        Query::Group { operator, items } => {
            if let Some(cond) = resolver.resolve_group(*operator, items) {
                return Ok(cond);
            }
            match operator {
                GroupOp::And => lower_and(items, resolver, whole),
                GroupOp::Or => items
                    .iter()
                    .try_fold(Condition::any(), |cond, item| Ok(cond.add(lower_at(item, resolver, false)?))),
            }
        }
    }
}

/// A positive filter on a custom attribute, and the attribute's name.
fn positive_attribute(q: &Query) -> Option<(&str, &Filter)> {
    match q {
        Query::Filter(f @ Filter { field: Field::Custom(name), .. }) if !f.predicate.is_negative() => {
            Some((name.as_str(), f))
        }
        _ => None,
    }
}

/// An AND group. Its positive filters on one custom attribute are one membership (an object
/// has one value per attribute, so `mrr > 4990 AND mrr < 5000` is one range of the index, not
/// two lists of which one holds most of the workspace). Where that membership is the group's
/// only one, it may drive the search (see [`attributes::condition`]).
fn lower_and(items: &[Query], resolver: &dyn ColumnResolver, whole: bool) -> Result<Condition, SearchError> {
    let mut by_attribute: Vec<(&str, Vec<&Filter>)> = Vec::new();
    for (name, f) in items.iter().filter_map(positive_attribute) {
        match by_attribute.iter_mut().find(|(n, _)| *n == name) {
            Some((_, same)) => same.push(f),
            None => by_attribute.push((name, vec![f])),
        }
    }
    let owner = resolver.owner();
    let drives = whole
        && by_attribute.len() == 1
        && items.iter().all(|q| positive_attribute(q).is_some() || owner.is_plain_column(q));
    // In the items' order: an attribute's membership where its first filter was.
    let mut cond = Condition::all();
    for item in items {
        match positive_attribute(item) {
            Some((name, _)) => {
                if let Some(at) = by_attribute.iter().position(|(n, _)| *n == name) {
                    let (name, filters) = by_attribute.remove(at);
                    cond = cond.add(attributes::condition(owner, name, &filters, drives));
                }
            }
            None => cond = cond.add(lower_at(item, resolver, false)?),
        }
    }
    Ok(cond)
}

fn lower_filter(f: &Filter, resolver: &dyn ColumnResolver, whole: bool) -> Result<Condition, SearchError> {
    let owner = resolver.owner();
    let target = match &f.field {
        Field::Standard(name) => resolver.resolve(name, f)?,
        Field::Custom(name) => return Ok(attributes::condition(owner, name, &[f], whole)),
        Field::Tag => Target::Condition(resolve::tag(owner, &f.predicate)?),
        // `Catalog::validate` leaves none.
        Field::Segment => {
            return Err(SearchError::for_field("segment_id", "segment_id was not resolved to segments"));
        }
    };
    Ok(lower_target(owner.backend, f, target))
}

/// The condition of `f` on `target`: for a resolver that rewrites a filter (its values, its
/// type) before lowering it.
pub(crate) fn lower_target(backend: Backend, f: &Filter, target: Target) -> Condition {
    lower_cast(backend, f, target, None)
}

/// [`lower_target`], with each value written through `cast` (SQL in which `$1` is the value).
fn lower_cast(backend: Backend, f: &Filter, target: Target, cast: Option<&'static str>) -> Condition {
    let m = Matcher { ci: f.def.case_insensitive && f.def.ty == FieldType::String, backend, cast };
    match target {
        Target::Condition(cond) => cond,
        Target::Column(col) => match &f.predicate {
            Predicate::IsNull => Condition::all().add(col.is_null()),
            Predicate::IsNotNull => Condition::all().add(col.is_not_null()),
            p if p.is_negative() => Condition::any().add(m.expr(col.clone(), p)).add(col.is_null()),
            p => Condition::all().add(m.expr(col, p)),
        },
        Target::Membership { owner, subquery, column } => {
            let (negative, positive) = positive_of(&f.predicate);
            let mut sub = *subquery;
            if let Some(p) = positive {
                sub.and_where(m.expr(column, &p));
            }
            Condition::all().add(if negative { owner.not_in_subquery(sub) } else { owner.in_subquery(sub) })
        }
    }
}

/// `subquery` narrowed to the related rows on which each of `filters` (positive) holds.
fn matching_all(
    backend: Backend,
    filters: &[&Filter],
    mut subquery: SelectStatement,
    column: Expr,
    cast: Option<&'static str>,
) -> SelectStatement {
    for f in filters {
        let m = Matcher { ci: f.def.case_insensitive && f.def.ty == FieldType::String, backend, cast };
        if let (false, Some(p)) = positive_of(&f.predicate) {
            subquery.and_where(m.expr(column.clone(), &p));
        }
    }
    subquery
}

/// The members of a search that is one positive membership and nothing else (a tag, or
/// positive filters on one custom attribute): `owners` selects each member's id once, from
/// one range of one index, and `owner` is that id's column there. Such a search can be
/// counted from the index alone, and paged by probing it (see `contacts::reads`).
pub(crate) struct Members {
    pub owners: SelectStatement,
    pub owner: Expr,
}

impl Members {
    /// `COUNT(*)` of the owners: read from the index alone.
    pub fn count(&self) -> SelectStatement {
        let mut q = self.owners.clone();
        q.clear_selects().expr(Expr::cust("COUNT(*)"));
        q
    }

    /// The same members, sorted by id before anything reads their rows: a walk of them stops at
    /// the page's end. For members an index does not list in id order (a range of values),
    /// where PostgreSQL otherwise tests every member's row before its sort keeps the page:
    /// 1,599 members at 1M, 8.1 ms against 0.6 ms (`EXPLAIN ANALYZE`).
    pub fn sorted(self) -> Members {
        let mut each = self.owners;
        each.clear_selects()
            .expr_as(self.owner.clone(), "owner")
            .order_by_expr(self.owner, sea_query::Order::Asc);
        let owners = sea_query::Query::select()
            .column(("sorted_members", "owner"))
            .from_subquery(each, "sorted_members")
            .take();
        Members { owners, owner: Expr::col(("sorted_members", "owner")) }
    }

    /// Whether the searched row `id` is a member: one probe of the index by its owner.
    pub fn contain(&self, id: Expr) -> Expr {
        Expr::exists(self.owners.clone().and_where(self.owner.clone().eq(id)).take())
    }
}

/// [`Members`] of `q`, where `q` is one positive membership alone: `tag_id =` a tag of the
/// workspace, or positive filters on one custom attribute (alone or in an AND group).
pub(crate) fn lone_membership(q: &Query, resolver: &dyn ColumnResolver) -> Option<Members> {
    let owner = resolver.owner();
    match q {
        Query::Filter(Filter { field: Field::Tag, predicate: Predicate::Eq(Scalar::Str(tag)), .. }) => {
            resolve::tagged(owner, crate::domain::ids::parse_numeric(tag)?)
        }
        Query::Filter(_) => {
            let (name, f) = positive_attribute(q)?;
            Some(attributes::owners_matching(owner, name, &[f]))
        }
        Query::Group { operator: GroupOp::And, items } if !items.is_empty() => {
            let filters: Vec<(&str, &Filter)> =
                items.iter().map(positive_attribute).collect::<Option<_>>()?;
            let name = filters[0].0;
            if filters.iter().any(|(n, _)| *n != name) {
                return None;
            }
            let filters: Vec<&Filter> = filters.into_iter().map(|(_, f)| f).collect();
            Some(attributes::owners_matching(owner, name, &filters))
        }
        _ => None,
    }
}

/// A membership that holds every match of `q` and whose index lists its owners in id order:
/// `tag_id =` a tag, or `=` one value of a custom attribute (not a date: its `=` is a day's
/// range), alone, in an AND group, or in the query of the one segment `q` names; with what
/// of `q` is left to test on each of its owners (`None`: nothing). A page of many matches can
/// walk these owners instead of every row of the workspace: ~330 index entries for a page of
/// `plan = enterprise AND seats > 400` at 1M contacts, against ~1,750 contacts walked.
pub(crate) fn driver(q: &Query, resolver: &dyn ColumnResolver) -> Option<(Members, Option<Query>)> {
    match q {
        Query::Filter(Filter { field: Field::Tag, .. }) => Some((lone_membership(q, resolver)?, None)),
        Query::Filter(f @ Filter { field: Field::Custom(name), predicate: Predicate::Eq(_), def, .. })
            if def.ty != FieldType::Date && !def.case_insensitive =>
        {
            Some((attributes::owners_matching(resolver.owner(), name, &[f]), None))
        }
        Query::Group { operator: GroupOp::And, items } => items.iter().enumerate().find_map(|(i, item)| {
            let (members, rest) = driver(item, resolver)?;
            let mut items = items.clone();
            match rest {
                Some(rest) => items[i] = rest,
                None => drop(items.remove(i)),
            }
            let rest = match items.len() {
                0 | 1 => items.pop(),
                _ => Some(Query::Group { operator: GroupOp::And, items }),
            };
            Some((members, rest))
        }),
        Query::Segments { negated: false, segments } => match segments.as_slice() {
            [Some(segment)] => {
                let (members, rest) = driver(&segment.query, resolver)?;
                // The segment's person type is still to test; with nothing else left, the
                // whole segment is (its driver's probe again).
                let rest = match rest {
                    Some(rest) => Query::Segments {
                        negated: false,
                        segments: vec![Some(Membership { role: segment.role, query: Box::new(rest) })],
                    },
                    None => q.clone(),
                };
                Some((members, Some(rest)))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether a predicate on a relation is the rows outside a positive match, and that match
/// (`None`: any related row).
fn positive_of(predicate: &Predicate) -> (bool, Option<Predicate>) {
    match predicate {
        Predicate::IsNull => (true, None),
        Predicate::IsNotNull => (false, None),
        Predicate::Ne(v) => (true, Some(Predicate::Eq(v.clone()))),
        Predicate::Nin(vs) => (true, Some(Predicate::In(vs.clone()))),
        Predicate::NotContains(s) => (true, Some(Predicate::Contains(s.clone()))),
        p => (false, Some(p.clone())),
    }
}

struct Matcher {
    ci: bool,
    backend: Backend,
    /// SQL around each value (`$1`), e.g. a cast to the column's type.
    cast: Option<&'static str>,
}

impl Matcher {
    /// `col <op> value` for every predicate but the null tests, without the NULL clause.
    fn expr(&self, col: Expr, p: &Predicate) -> Expr {
        let fold = |e: Expr| -> Expr { if self.ci { Func::lower(e).into() } else { e } };
        let bare = |v: Value| match self.cast {
            Some(cast) => Expr::cust_with_exprs(cast, [Expr::val(v)]),
            None => Expr::val(v),
        };
        let val = |s: &Scalar| fold(bare(scalar_value(s)));
        match p {
            Predicate::Eq(v) => fold(col).eq(val(v)),
            Predicate::Ne(v) => fold(col).ne(val(v)),
            Predicate::In(vs) => fold(col).is_in(vs.iter().map(val)),
            Predicate::Nin(vs) => fold(col).is_not_in(vs.iter().map(val)),
            Predicate::Lt(v) => col.lt(bare(scalar_value(v))),
            Predicate::Le(v) => col.lte(bare(scalar_value(v))),
            Predicate::Gt(v) => col.gt(bare(scalar_value(v))),
            Predicate::Ge(v) => col.gte(bare(scalar_value(v))),
            Predicate::Range { start, end } => {
                col.clone().gte(bare((*start).into())).and(col.lt(bare((*end).into())))
            }
            Predicate::Contains(s) => self.like(col, format!("%{}%", escape_like(s)), false),
            Predicate::NotContains(s) => self.like(col, format!("%{}%", escape_like(s)), true),
            Predicate::StartsWith(s) => self.like(col, format!("{}%", escape_like(s)), false),
            Predicate::EndsWith(s) => self.like(col, format!("%{}", escape_like(s)), false),
            Predicate::IsNull => col.is_null(),
            Predicate::IsNotNull => col.is_not_null(),
        }
    }

    fn like(&self, col: Expr, pattern: String, negated: bool) -> Expr {
        match (self.backend, negated) {
            // Not `PgExpr::ilike`: sea-query 1.0 renders `ILIKE ('p' ESCAPE '!')`, which
            // PostgreSQL rejects (it only knows ESCAPE as part of LIKE/ILIKE).
            (Backend::Postgres, false) => {
                Expr::cust_with_exprs("($1) ILIKE $2 ESCAPE '!'", [col, Expr::val(pattern)])
            }
            (Backend::Postgres, true) => {
                Expr::cust_with_exprs("($1) NOT ILIKE $2 ESCAPE '!'", [col, Expr::val(pattern)])
            }
            (Backend::Sqlite, false) => col.like(LikeExpr::new(pattern).escape(LIKE_ESCAPE)),
            (Backend::Sqlite, true) => col.not_like(LikeExpr::new(pattern).escape(LIKE_ESCAPE)),
        }
    }
}

/// Escapes `%`, `_` and [`LIKE_ESCAPE`] so `s` matches literally inside a LIKE pattern that
/// declares `ESCAPE '!'`.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_') || c == LIKE_ESCAPE {
            out.push(LIKE_ESCAPE);
        }
        out.push(c);
    }
    out
}

/// The sea-query value of a scalar (dates are `i64` UNIX seconds).
pub fn scalar_value(s: &Scalar) -> Value {
    match s {
        Scalar::Str(s) => s.clone().into(),
        Scalar::Int(i) => (*i).into(),
        Scalar::Float(f) => (*f).into(),
        Scalar::Bool(b) => (*b).into(),
    }
}

#[cfg(test)]
mod tests;
