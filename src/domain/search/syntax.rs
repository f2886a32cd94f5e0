//! The syntax of the language: operators and the tree a `query` object reads into, before any
//! field is known (see the grammar in the module above).

use serde_json::Value as Json;
use std::fmt;

use super::{INVALID_OPERATOR, MAX_DEPTH, MAX_GROUP_LEN, MAX_LIST_LEN, SearchError};

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

    const fn bit(self) -> u16 {
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

    pub const fn of(ops: &[Operator]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < ops.len() {
            bits |= ops[i].bit();
            i += 1;
        }
        OpSet(bits)
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

/// A query as written: well formed and within the limits, its fields not yet looked up.
#[derive(Debug, Clone, PartialEq)]
pub enum RawQuery {
    Filter(RawFilter),
    Group(RawGroup),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RawFilter {
    pub field: String,
    pub operator: Operator,
    pub value: Literal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RawGroup {
    pub operator: GroupOp,
    pub items: Vec<RawQuery>,
}

/// What validating a query needs from the workspace, read off the field names alone, so that
/// a search on standard fields costs no statement before its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// The custom attributes: the query names one, or a segment (whose own query may).
    pub attributes: bool,
    /// The saved segments: the query names `segment_id`.
    pub segments: bool,
}

impl Needs {
    /// Everything: for callers that validate several queries (segments, rules).
    pub const ALL: Needs = Needs { attributes: true, segments: true };
    /// The custom attributes: for a segment's own query, which cannot name another segment.
    pub const ATTRIBUTES: Needs = Needs { attributes: true, segments: false };
}

impl RawQuery {
    pub fn needs(&self) -> Needs {
        let mut needs = Needs::default();
        self.any_filter(&mut |filter| {
            needs.segments |= filter.field == "segment_id";
            needs.attributes |=
                filter.field.contains("custom_attributes") || filter.field.starts_with("ticket_attribute.");
            false
        });
        needs.attributes |= needs.segments;
        needs
    }

    /// Whether `test` holds for a filter, at any depth (filters in written order).
    pub fn any_filter(&self, test: &mut impl FnMut(&RawFilter) -> bool) -> bool {
        match self {
            RawQuery::Filter(filter) => test(filter),
            RawQuery::Group(group) => group.items.iter().any(|item| item.any_filter(test)),
        }
    }
}

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
pub fn parse(query: &Json) -> Result<RawQuery, SearchError> {
    parse_with_limits(query, Limits::default())
}

pub fn parse_with_limits(query: &Json, limits: Limits) -> Result<RawQuery, SearchError> {
    parse_node(query, "query", 0, limits)
}

fn parse_node(node: &Json, path: &str, depth: usize, limits: Limits) -> Result<RawQuery, SearchError> {
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
        return Ok(RawQuery::Filter(RawFilter { field: field.clone(), operator: op, value }));
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
    Ok(RawQuery::Group(RawGroup { operator: group_op, items }))
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
