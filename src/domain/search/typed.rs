//! The checked query: every field looked up in the [`Catalog`], every operator allowed for
//! it, every value of its type, the date rule applied and each `segment_id` replaced by the
//! segments' own checked queries. The store lowers this tree to SQL and checks nothing.

use serde_json::Value as Json;

use super::{
    Catalog, Field, FieldDef, FieldType, GroupOp, Literal, Operator, RawFilter, RawQuery, SearchError, parse,
};
use crate::domain::contact::Role;
use crate::domain::segment::{SavedSegment, SegmentModel};

/// A value of a field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// What a checked filter asks of the field's value. Date rules are already applied: a
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

/// One checked filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: Field,
    pub def: FieldDef,
    /// The operator as sent (the predicate already encodes its meaning).
    pub operator: Operator,
    pub predicate: Predicate,
}

/// A checked query.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    Filter(Filter),
    Group {
        operator: GroupOp,
        items: Vec<Query>,
    },
    /// `segment_id`: in any of `segments` (`=`, `IN`), or (`negated`: `!=`, `NIN`) in none of
    /// them. A `None` has no members (an unknown id, a segment of another model).
    Segments {
        negated: bool,
        segments: Vec<Option<Membership>>,
    },
}

/// Who is in a segment: the rows of `role` (contacts; any row for companies) its query matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub role: Option<Role>,
    pub query: Box<Query>,
}

impl Catalog {
    /// Checks a search query: known fields, operators allowed for them, values of their type;
    /// applies the date rule and resolves `segment_id` to the segments' queries.
    pub fn validate(&self, query: &RawQuery) -> Result<Query, SearchError> {
        // Every filter is checked before any segment is opened, so that a query's own mistake
        // is reported before a fault of a saved segment.
        self.segments_of(self.check(query)?, false)
    }

    /// [`parse`] then [`Catalog::validate`].
    pub fn parse_and_validate(&self, query: &Json) -> Result<Query, SearchError> {
        self.validate(&parse(query)?)
    }

    /// The members of a saved segment, by its own query (in which `segment_id` is refused:
    /// segments do not nest). `None` for a segment of another model than the catalog's.
    pub fn membership(&self, segment: &SavedSegment) -> Result<Option<Membership>, SearchError> {
        let role = match (self.resource, segment.model) {
            (super::Resource::Contacts, SegmentModel::Contact) => Some(segment.person_type.role()),
            (super::Resource::Companies, SegmentModel::Company) => None,
            _ => return Ok(None),
        };
        let query = self.segments_of(self.check(&parse(&segment.query)?)?, true)?;
        Ok(Some(Membership { role, query: Box::new(query) }))
    }

    fn check(&self, query: &RawQuery) -> Result<Query, SearchError> {
        match query {
            RawQuery::Filter(f) => validate_filter(f, self).map(Query::Filter),
            RawQuery::Group(g) => Ok(Query::Group {
                operator: g.operator,
                items: g.items.iter().map(|q| self.check(q)).collect::<Result<_, _>>()?,
            }),
        }
    }

    /// Replaces each `segment_id` filter by the members of the segments it names.
    fn segments_of(&self, query: Query, in_segment: bool) -> Result<Query, SearchError> {
        match query {
            Query::Filter(Filter { field: Field::Segment, predicate, .. }) => {
                if in_segment {
                    return Err(SearchError::for_field(
                        "segment_id",
                        "a segment's query cannot filter on segment_id",
                    ));
                }
                let (negated, ids) = match predicate {
                    Predicate::Eq(id) => (false, vec![id]),
                    Predicate::In(ids) => (false, ids),
                    Predicate::Ne(id) => (true, vec![id]),
                    Predicate::Nin(ids) => (true, ids),
                    _ => {
                        return Err(SearchError::for_field(
                            "segment_id",
                            "segment_id takes a segment id, not null",
                        ));
                    }
                };
                let mut segments = Vec::with_capacity(ids.len());
                for id in &ids {
                    let found =
                        self.segments.iter().find(|s| matches!(id, Scalar::Str(i) if *i == s.public_id));
                    segments.push(match found {
                        Some(segment) => self.membership(segment)?,
                        None => None,
                    });
                }
                Ok(Query::Segments { negated, segments })
            }
            Query::Group { operator, items } => Ok(Query::Group {
                operator,
                items: items
                    .into_iter()
                    .map(|q| self.segments_of(q, in_segment))
                    .collect::<Result<_, _>>()?,
            }),
            other => Ok(other),
        }
    }
}

fn validate_filter(f: &RawFilter, catalog: &Catalog) -> Result<Filter, SearchError> {
    let name = f.field.as_str();
    let op = f.operator;
    let (field, def) = catalog
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
                let (start, end) = catalog.day_bounds(ts);
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
                    Operator::Lt if def.or_equal => Predicate::Le(v),
                    Operator::Gt if def.or_equal => Predicate::Ge(v),
                    Operator::Lt => Predicate::Lt(v),
                    Operator::Gt => Predicate::Gt(v),
                    Operator::Le => Predicate::Le(v),
                    _ => Predicate::Ge(v), // Ge
                }
            }
        }
    };
    Ok(Filter { field, def, operator: op, predicate })
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
