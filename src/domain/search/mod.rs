//! Intercom's search query language (`POST /contacts/search`, `POST /conversations/search`).
//!
//! Pure language: AST, parsing from JSON, validation against a field table. Lowering to SQL
//! lives in the store (`search_sql`). Sources: the seed text of both operations and the 2.11
//! spec (`search_request`, `single_filter_search_request`, `multiple_filter_search_request`,
//! `starting_after_paging`, and the descriptions of `SearchContacts` / `searchConversations`).
//!
//! # Grammar
//!
//! ```text
//! request   = { "query": query, "pagination"?: { "per_page": int, "starting_after"?: string|null } }
//! query     = filter | group
//! group     = { "operator": "AND" | "OR", "value": [ query, ... ] }      1..=15 items
//! filter    = { "field": string, "operator": op, "value": value }
//! op        = "=" | "!=" | "IN" | "NIN" | "<" | ">" | "<=" | ">=" | "~" | "!~" | "^" | "$"
//! value     = string | number | boolean | null | [ scalar, ... ]           arrays only for IN / NIN
//! ```
//!
//! An object with a `field` key is a filter, anything else is a group. Word operators (`AND`,
//! `OR`, `IN`, `NIN`) are accepted in any case. Unknown keys are ignored. `value` is required
//! (it may be `null`).
//!
//! # Limits ("Nesting & Limitations", both operations)
//!
//! > There's a limit of max 2 nested filters
//! > There's a limit of max 15 filters for each AND or OR group
//!
//! Read with the doc's own example `(1 OR 2) AND (3 OR 4)`: at most two levels of AND/OR
//! groups (a group inside the top-level group is level 2; a group inside that is rejected), and
//! at most 15 entries (filters or sub-groups) in any one group. Empty groups are rejected too:
//! they have no documented meaning.
//!
//! # Operators per type
//!
//! | Operator | Meaning | Contacts | Conversations |
//! |---|---|---|---|
//! | `=` `!=` | equals / differs | all types, except `!=` on Date | all types |
//! | `IN` `NIN` | any of / none of (array value) | all except Date and `tag_id` | all types |
//! | `>` `<` | after / before | Integer, Float, Date | Integer, Float, Date |
//! | `>=` `<=` | | Integer, Float (never Date: "You cannot use the <= or >= operators to search by created_at") | Integer, Float, Date |
//! | `~` `!~` `^` `$` | contains / doesn't contain / starts / ends with | String | String |
//!
//! The contacts column follows the spec's breakdown: "`string` fields: `=`, `!=`, `IN`, `NIN`,
//! `~`, `!~`, `^`, `$`"; "`tag_id`: `=` and `!=` only"; "`boolean` fields: `=`, `!=`, `IN`,
//! `NIN`"; "`integer` fields: `=`, `!=`, `IN`, `NIN`, `<`, `>`, `<=`, `>=`"; "`date` fields (all
//! standard timestamp attributes and date custom attributes): `=`, `<`, `>` only". The
//! conversations table lists `= != IN NIN` for "All" and `> <` for Integer and Date; `>=`/`<=`
//! are in the shared schema's operator enum and the tickets page allows them on `created_at`, so
//! conversations accept them on Integer and Date. Float (a data attribute type) is treated like
//! Integer.
//!
//! # Values
//!
//! "The value you search for has to match the accepted type, otherwise the query will fail (ie.
//! as created_at accepts a date, the value cannot be a string such as "foorbar")". Integer and
//! Date accept a JSON integer or a string of digits (the spec's own example sends
//! `"value": "1306054154"` for `created_at`); Float accepts a number or numeric string; Boolean
//! accepts `true`/`false` or the strings `"true"`/`"false"`; String accepts a string, and a
//! number is taken as its decimal text (ids are strings but clients send numbers). `null` is
//! allowed only with `=` (field is empty) and `!=` (field is set).
//!
//! # Dates: matched by calendar day (contacts)
//!
//! > All timestamp fields (created_at, updated_at etc.) are indexed as Dates for Contact Search
//! > queries; Datetime queries are not currently supported. This means you can only query for
//! > timestamp fields by day - not hour, minute or second.
//! >
//! > For example, if you search for all Contacts with a created_at value greater (>) than
//! > 1577869200 (the UNIX timestamp for January 1st, 2020 9:00 AM), that will be interpreted as
//! > 1577836800 (January 1st, 2020 12:00 AM). The search results will then include Contacts
//! > created from January 2nd, 2020 12:00 AM onwards.
//!
//! So the value is truncated to the start of its day `d` (UTC by default; the spec adds "The day
//! boundary uses your workspace's timezone", see [`FieldTable::day_bounds`]) and:
//! `= v` → `d <= t < d + 1 day`; `> v` → `t >= d + 1 day`; `< v` → `t < d`.
//! `> 1577869200` therefore becomes `t >= 1577923200` (2020-01-02T00:00Z).
//! The day rule is stated for contacts only; conversation dates compare to the second.
//!
//! # Errors
//!
//! Neither the seed nor the spec shows a search error body, so every error is
//! `parameter_invalid` (the project default for a bad body) with a message naming the field and
//! operator; the one exception is a group whose operator is not AND/OR, for which Intercom has
//! been seen to answer `{"code":"invalid_operator","message":"Composite operators must be of
//! type AND or OR"}`.

mod fields;
#[cfg(test)]
mod tests;

pub use fields::{FieldDef, FieldTable, Resource, StandardFields, offset_day_bounds, utc_day_bounds};

use serde::Deserialize;
use serde_json::Value as Json;
use std::fmt;

/// Error code for every search error except a bad composite operator.
pub const PARAMETER_INVALID: &str = "parameter_invalid";
/// Error code Intercom returns for a group whose operator is not AND/OR.
pub const INVALID_OPERATOR: &str = "invalid_operator";

/// Documented default: "max 2 nested filters".
pub const MAX_DEPTH: usize = 2;
/// Documented default: "max 15 filters for each AND or OR group".
pub const MAX_GROUP_LEN: usize = 15;
/// Values in one `IN` / `NIN` list. Not documented; a bound keeps a query within what both
/// databases accept as parameters of one statement.
pub const MAX_LIST_LEN: usize = 1000;

/// A search error, rendered by the API as one entry of Intercom's `error.list`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SearchError {
    pub code: &'static str,
    pub message: String,
    /// The field the error is about, when there is one.
    pub field: Option<String>,
}

impl SearchError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self { code: PARAMETER_INVALID, message: message.into(), field: None }
    }

    pub fn for_field(field: &str, message: impl Into<String>) -> Self {
        Self { code: PARAMETER_INVALID, message: message.into(), field: Some(field.to_owned()) }
    }
}

// ---------------------------------------------------------------------------------------------
// Request body
// ---------------------------------------------------------------------------------------------

/// The body of a search request (`search_request`). `query` is kept as JSON and read with
/// [`parse`], so that its errors carry Intercom codes rather than serde messages.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchRequest {
    pub query: Json,
    #[serde(default)]
    pub pagination: Option<StartingAfterPaging>,
}

/// `starting_after_paging`. The spec marks `per_page` required; a missing one means the
/// endpoint's default (contacts 50, conversations 20, conversations at most 150).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StartingAfterPaging {
    #[serde(default)]
    pub per_page: Option<u32>,
    #[serde(default)]
    pub starting_after: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// AST
// ---------------------------------------------------------------------------------------------

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    Eq,
    Ne,
    In,
    Nin,
    Lt,
    Gt,
    Le,
    Ge,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
}

impl Operator {
    pub const ALL: [Operator; 12] = [
        Operator::Eq,
        Operator::Ne,
        Operator::In,
        Operator::Nin,
        Operator::Lt,
        Operator::Gt,
        Operator::Le,
        Operator::Ge,
        Operator::Contains,
        Operator::NotContains,
        Operator::StartsWith,
        Operator::EndsWith,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::In => "IN",
            Operator::Nin => "NIN",
            Operator::Lt => "<",
            Operator::Gt => ">",
            Operator::Le => "<=",
            Operator::Ge => ">=",
            Operator::Contains => "~",
            Operator::NotContains => "!~",
            Operator::StartsWith => "^",
            Operator::EndsWith => "$",
        }
    }

    pub fn parse(s: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|op| op.as_str().eq_ignore_ascii_case(s))
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of operators, e.g. those a field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpSet(u16);

impl OpSet {
    pub const fn empty() -> Self {
        OpSet(0)
    }

    pub fn of(ops: &[Operator]) -> Self {
        OpSet(ops.iter().fold(0, |acc, op| acc | op.bit()))
    }

    pub fn contains(self, op: Operator) -> bool {
        self.0 & op.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Operator> {
        Operator::ALL.into_iter().filter(move |op| self.contains(*op))
    }
}

impl fmt::Display for OpSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, op) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(op.as_str())?;
        }
        Ok(())
    }
}

/// How the entries of a group combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupOp {
    And,
    Or,
}

/// A value as written in the request, before it is checked against a field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    /// Only scalars inside.
    List(Vec<Literal>),
}

/// A parsed, not yet validated query.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    Filter(Filter),
    Group(Group),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: String,
    pub operator: Operator,
    pub value: Literal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub operator: GroupOp,
    pub items: Vec<Query>,
}

/// The type of a searchable field, as named in the docs' field tables (plus Float, a data
/// attribute type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Float,
    Boolean,
    /// UNIX seconds.
    Date,
}

impl FieldType {
    pub fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Float => "float",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
        }
    }
}

/// A value of a field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// What a validated filter asks of the field's value. Date rules are already applied: a
/// contacts `created_at = v` is a `Range` over v's day. Negative predicates (`Ne`, `Nin`,
/// `NotContains`) also match an empty (NULL) field.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    IsNull,
    IsNotNull,
    Eq(Scalar),
    Ne(Scalar),
    In(Vec<Scalar>),
    Nin(Vec<Scalar>),
    Lt(Scalar),
    Le(Scalar),
    Gt(Scalar),
    Ge(Scalar),
    /// `start <= value < end` (UNIX seconds).
    Range {
        start: i64,
        end: i64,
    },
    /// The text as the user wrote it; the store escapes it.
    Contains(String),
    NotContains(String),
    StartsWith(String),
    EndsWith(String),
}

impl Predicate {
    /// True for predicates that also match an empty field.
    pub fn is_negative(&self) -> bool {
        matches!(self, Predicate::Ne(_) | Predicate::Nin(_) | Predicate::NotContains(_) | Predicate::IsNull)
    }
}

/// A filter checked against the field table.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedFilter {
    /// Canonical field name (documented typos such as `andoid_sdk_version` are mapped).
    pub field: String,
    pub def: FieldDef,
    /// The operator as sent (the predicate already encodes its meaning).
    pub operator: Operator,
    pub predicate: Predicate,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValidatedQuery {
    Filter(ValidatedFilter),
    Group { operator: GroupOp, items: Vec<ValidatedQuery> },
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Nesting limits; [`Limits::default`] is the documented one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum levels of AND/OR groups.
    pub max_depth: usize,
    /// Maximum entries in one group.
    pub max_group_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: MAX_DEPTH, max_group_len: MAX_GROUP_LEN }
    }
}

/// Reads the `query` object of a search request, enforcing the documented limits.
pub fn parse(query: &Json) -> Result<Query, SearchError> {
    parse_with_limits(query, Limits::default())
}

pub fn parse_with_limits(query: &Json, limits: Limits) -> Result<Query, SearchError> {
    parse_node(query, "query", 0, limits)
}

fn parse_node(node: &Json, path: &str, depth: usize, limits: Limits) -> Result<Query, SearchError> {
    let Json::Object(obj) = node else {
        return Err(SearchError::invalid(format!("{path} must be an object")));
    };
    let operator = match obj.get("operator") {
        None | Some(Json::Null) => return Err(SearchError::invalid(format!("{path}.operator is required"))),
        Some(Json::String(s)) => s.as_str(),
        Some(_) => return Err(SearchError::invalid(format!("{path}.operator must be a string"))),
    };

    if let Some(field) = obj.get("field") {
        let Json::String(field) = field else {
            return Err(SearchError::invalid(format!("{path}.field must be a string")));
        };
        if field.is_empty() {
            return Err(SearchError::invalid(format!("{path}.field must not be empty")));
        }
        let Some(op) = Operator::parse(operator) else {
            return Err(SearchError::for_field(
                field,
                format!(
                    "operator '{operator}' at {path} is not a filter operator for field '{field}'; use one of =, !=, IN, NIN, <, >, <=, >=, ~, !~, ^, $"
                ),
            ));
        };
        let Some(value) = obj.get("value") else {
            return Err(SearchError::for_field(
                field,
                format!("{path}.value is required for field '{field}'"),
            ));
        };
        if value.as_array().is_some_and(|items| items.len() > MAX_LIST_LEN) {
            return Err(SearchError::for_field(
                field,
                format!("{path}.value for field '{field}' has more than {MAX_LIST_LEN} values"),
            ));
        }
        let value = parse_literal(value, true).ok_or_else(|| {
            SearchError::for_field(
                field,
                format!("{path}.value for field '{field}' must be a string, number, boolean, null or an array of those"),
            )
        })?;
        return Ok(Query::Filter(Filter { field: field.clone(), operator: op, value }));
    }

    let group_op = if operator.eq_ignore_ascii_case("AND") {
        GroupOp::And
    } else if operator.eq_ignore_ascii_case("OR") {
        GroupOp::Or
    } else if Operator::parse(operator).is_some() {
        return Err(SearchError::invalid(format!("{path}.field is required with operator '{operator}'")));
    } else {
        return Err(SearchError {
            code: INVALID_OPERATOR,
            message: format!("Composite operators must be of type AND or OR (got '{operator}' at {path})"),
            field: None,
        });
    };
    let depth = depth + 1;
    if depth > limits.max_depth {
        return Err(SearchError::invalid(format!(
            "{path} nests AND/OR groups {depth} levels deep; the limit is {} nested filters",
            limits.max_depth
        )));
    }
    let Some(Json::Array(items)) = obj.get("value") else {
        return Err(SearchError::invalid(format!(
            "{path}.value must be an array of filters for operator '{operator}'"
        )));
    };
    if items.is_empty() {
        return Err(SearchError::invalid(format!("{path}.value must contain at least one filter")));
    }
    if items.len() > limits.max_group_len {
        return Err(SearchError::invalid(format!(
            "{path} has {} filters; the limit is {} filters for each AND or OR group",
            items.len(),
            limits.max_group_len
        )));
    }
    let items = items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_node(item, &format!("{path}.value[{i}]"), depth, limits))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Query::Group(Group { operator: group_op, items }))
}

fn parse_literal(v: &Json, allow_list: bool) -> Option<Literal> {
    Some(match v {
        Json::Null => Literal::Null,
        Json::Bool(b) => Literal::Bool(*b),
        Json::Number(n) => Literal::Number(n.clone()),
        Json::String(s) => Literal::String(s.clone()),
        Json::Array(items) if allow_list => {
            Literal::List(items.iter().map(|i| parse_literal(i, false)).collect::<Option<_>>()?)
        }
        Json::Array(_) | Json::Object(_) => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// Checks every filter against `table`: known field, operator allowed for it, value of the
/// right type; applies the date rule.
pub fn validate(query: &Query, table: &dyn FieldTable) -> Result<ValidatedQuery, SearchError> {
    match query {
        Query::Filter(f) => validate_filter(f, table).map(ValidatedQuery::Filter),
        Query::Group(g) => Ok(ValidatedQuery::Group {
            operator: g.operator,
            items: g.items.iter().map(|q| validate(q, table)).collect::<Result<_, _>>()?,
        }),
    }
}

/// [`parse`] then [`validate`].
pub fn parse_and_validate(query: &Json, table: &dyn FieldTable) -> Result<ValidatedQuery, SearchError> {
    validate(&parse(query)?, table)
}

fn validate_filter(f: &Filter, table: &dyn FieldTable) -> Result<ValidatedFilter, SearchError> {
    let name = f.field.as_str();
    let op = f.operator;
    let def = table
        .lookup(name)
        .ok_or_else(|| SearchError::for_field(name, format!("'{name}' is not a searchable field")))?;
    let ty = def.ty;
    let by_day = ty == FieldType::Date && def.date_by_day;
    let string_op =
        matches!(op, Operator::Contains | Operator::NotContains | Operator::StartsWith | Operator::EndsWith);
    // The operator sets come from the caller; these checks keep a too-generous set from
    // producing a predicate the store cannot express.
    let consistent = match op {
        Operator::Contains | Operator::NotContains | Operator::StartsWith | Operator::EndsWith => {
            ty == FieldType::String
        }
        Operator::Lt | Operator::Gt | Operator::Le | Operator::Ge => {
            matches!(ty, FieldType::Integer | FieldType::Float | FieldType::Date)
        }
        Operator::Ne | Operator::In | Operator::Nin => !by_day,
        Operator::Eq => true,
    };
    if !def.ops.contains(op) || !consistent {
        return Err(SearchError::for_field(
            name,
            format!(
                "operator '{op}' is not supported for field '{name}' of type {}; supported operators: {}",
                ty.name(),
                def.ops
            ),
        ));
    }

    let predicate = match (&f.value, op) {
        (Literal::List(items), Operator::In | Operator::Nin) => {
            let values =
                items.iter().map(|item| coerce(item, ty, name, op)).collect::<Result<Vec<_>, _>>()?;
            if op == Operator::In { Predicate::In(values) } else { Predicate::Nin(values) }
        }
        (_, Operator::In | Operator::Nin) => {
            return Err(SearchError::for_field(
                name,
                format!("operator '{op}' on field '{name}' requires an array value"),
            ));
        }
        (Literal::List(_), _) => {
            return Err(SearchError::for_field(
                name,
                format!(
                    "operator '{op}' on field '{name}' takes a single value, not an array (use IN or NIN)"
                ),
            ));
        }
        (Literal::Null, Operator::Eq) => Predicate::IsNull,
        (Literal::Null, Operator::Ne) => Predicate::IsNotNull,
        (Literal::Null, _) => {
            return Err(SearchError::for_field(
                name,
                format!("operator '{op}' on field '{name}' does not accept null"),
            ));
        }
        (lit, _) if string_op => {
            let Scalar::Str(s) = coerce(lit, ty, name, op)? else {
                unreachable!("string operators are only allowed on string fields")
            };
            match op {
                Operator::Contains => Predicate::Contains(s),
                Operator::NotContains => Predicate::NotContains(s),
                Operator::StartsWith => Predicate::StartsWith(s),
                _ => Predicate::EndsWith(s),
            }
        }
        (lit, _) => {
            let v = coerce(lit, ty, name, op)?;
            if by_day {
                let Scalar::Int(ts) = v else { unreachable!("dates coerce to integers") };
                let (start, end) = table.day_bounds(ts);
                match op {
                    Operator::Eq => Predicate::Range { start, end },
                    Operator::Gt => Predicate::Ge(Scalar::Int(end)),
                    Operator::Lt => Predicate::Lt(Scalar::Int(start)),
                    Operator::Ge => Predicate::Ge(Scalar::Int(start)),
                    _ => Predicate::Lt(Scalar::Int(end)), // Le
                }
            } else {
                match op {
                    Operator::Eq => Predicate::Eq(v),
                    Operator::Ne => Predicate::Ne(v),
                    Operator::Lt => Predicate::Lt(v),
                    Operator::Gt => Predicate::Gt(v),
                    Operator::Le => Predicate::Le(v),
                    _ => Predicate::Ge(v), // Ge
                }
            }
        }
    };
    let field = def.canonical.map(str::to_owned).unwrap_or_else(|| name.to_owned());
    Ok(ValidatedFilter { field, def, operator: op, predicate })
}

fn coerce(lit: &Literal, ty: FieldType, field: &str, op: Operator) -> Result<Scalar, SearchError> {
    let bad = || {
        let expected = match ty {
            FieldType::String => "a string",
            FieldType::Integer => "an integer",
            FieldType::Float => "a number",
            FieldType::Boolean => "true or false",
            FieldType::Date => "a UNIX timestamp in seconds",
        };
        SearchError::for_field(
            field,
            format!(
                "field '{field}' ({}) with operator '{op}' expects {expected}, got {}",
                ty.name(),
                describe(lit)
            ),
        )
    };
    let as_int = |lit: &Literal| -> Option<i64> {
        match lit {
            Literal::Number(n) => n.as_i64().or_else(|| {
                let f = n.as_f64()?;
                (f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64).then_some(f as i64)
            }),
            Literal::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        }
    };
    match ty {
        FieldType::String => match lit {
            Literal::String(s) => Ok(Scalar::Str(s.clone())),
            Literal::Number(n) => Ok(Scalar::Str(n.to_string())),
            _ => Err(bad()),
        },
        FieldType::Integer | FieldType::Date => as_int(lit).map(Scalar::Int).ok_or_else(bad),
        FieldType::Float => match lit {
            Literal::Number(n) => n.as_f64().map(Scalar::Float).ok_or_else(bad),
            Literal::String(s) => match s.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Scalar::Float(f)),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        },
        FieldType::Boolean => match lit {
            Literal::Bool(b) => Ok(Scalar::Bool(*b)),
            Literal::String(s) if s.eq_ignore_ascii_case("true") => Ok(Scalar::Bool(true)),
            Literal::String(s) if s.eq_ignore_ascii_case("false") => Ok(Scalar::Bool(false)),
            _ => Err(bad()),
        },
    }
}

fn describe(lit: &Literal) -> String {
    match lit {
        Literal::Null => "null".to_owned(),
        Literal::Bool(b) => b.to_string(),
        Literal::Number(n) => n.to_string(),
        Literal::String(s) => Json::String(s.clone()).to_string(),
        Literal::List(_) => "an array".to_owned(),
    }
}
