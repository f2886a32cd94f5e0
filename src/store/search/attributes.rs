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

use sea_query::{Condition, Expr, ExprTrait, Query as Select, SelectStatement};

use super::{Members, Owner, Target, lower_cast, lower_membership_all, matching_all};
use crate::domain::data_attribute::Model;
use crate::domain::search::{FieldType, Filter};
use crate::store::Backend;
use crate::store::schema::custom_attribute_values::CustomAttributeValues as Values;

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
        _ => lower_membership_all(owner.backend, filters, id, owners, column.col(), cast),
    }
}
