//! Intercom's search query language (`POST /contacts/search`, `POST /conversations/search`,
//! `POST /tickets/search`: tickets take the conversations' operators).
//!
//! Pure language, in three steps: [`parse`] reads the JSON into a [`RawQuery`] (no field known
//! yet); the store reads the workspace's [`Catalog`] (custom attributes, segments: only what
//! [`RawQuery::needs`] says); [`Catalog::validate`] turns the raw query into a typed [`Query`].
//! A handler does all three before any other database work; the store only lowers the typed
//! tree to SQL (`store::search`). Sources: the seed text of both operations and the 2.11
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
//! | `>` `<` | after / before (conversations: "Greater (or equal) than", "Lower (or equal) than") | Integer, Float, Date | Integer, Float, Date, inclusive |
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
//! boundary uses your workspace's timezone", see [`Catalog::day_bounds`]) and:
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
mod syntax;
#[cfg(test)]
mod tests;
mod typed;

pub use fields::{
    Catalog, Field, FieldDef, Resource, TicketAttributeField, offset_day_bounds, utc_day_bounds,
};
pub use syntax::{
    GroupOp, Limits, Literal, Needs, OpSet, Operator, RawFilter, RawGroup, RawQuery, parse, parse_with_limits,
};
pub use typed::{Filter, Membership, Predicate, Query, Scalar};

use crate::domain::error::{ErrorCode, Rejection};
use serde::Deserialize;
use serde_json::Value as Json;

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

impl From<SearchError> for Rejection {
    fn from(err: SearchError) -> Self {
        let code = match err.code {
            INVALID_OPERATOR => ErrorCode::InvalidOperator,
            _ => ErrorCode::ParameterInvalid,
        };
        Rejection { code, message: err.message, field: err.field }
    }
}
