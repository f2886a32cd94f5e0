//! Request values shared by the resources: ids sent as strings or numbers,
//! fields that distinguish "absent" from `null`, and page parameters (query and search body).

use serde::{Deserialize, Deserializer};

use crate::domain::search::StartingAfterPaging;
use crate::error::{ApiError, ApiResult};

/// An id as clients send it: Intercom's own examples send numeric ids both as `"7"` and `7`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum LooseId {
    Text(String),
    Number(i64),
}

impl LooseId {
    pub fn into_string(self) -> String {
        match self {
            LooseId::Text(s) => s,
            LooseId::Number(n) => n.to_string(),
        }
    }
}

/// For `#[serde(default, deserialize_with = "present")]` on an `Option<Option<T>>`: absent is
/// `None`, `null` is `Some(None)`.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A `per_page` query or body value: `default` when absent, else 1..=`max`.
pub fn per_page(raw: Option<&str>, default: u64, max: u64) -> ApiResult<u64> {
    match raw {
        None => Ok(default),
        Some(raw) => raw.trim().parse::<u64>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| {
            ApiError::invalid("per_page", format!("per_page must be an integer between 1 and {max}"))
        }),
    }
}

/// A search body's `pagination`: its `per_page` (`default` when absent, else 1..=`max`) and
/// the `starting_after` cursor, when one was sent.
pub fn search_paging(
    paging: Option<StartingAfterPaging>,
    default: u64,
    max: u64,
) -> ApiResult<(u64, Option<String>)> {
    let paging = paging.unwrap_or_default();
    let per_page = match paging.per_page.map(u64::from) {
        None => default,
        Some(n) if (1..=max).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::invalid(
                "pagination.per_page",
                format!("pagination.per_page must be between 1 and {max}"),
            ));
        }
    };
    Ok((per_page, paging.starting_after.filter(|s| !s.trim().is_empty())))
}

/// A 1-based `page` query value (1 when absent).
pub fn page(raw: Option<&str>) -> ApiResult<u64> {
    match raw {
        None => Ok(1),
        Some(raw) => raw
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n >= 1 && *n <= 1_000_000)
            .ok_or_else(|| ApiError::invalid("page", "page must be a positive integer")),
    }
}

/// A `true`/`false` query value (`false` when absent).
pub fn flag(name: &str, raw: Option<&str>) -> ApiResult<bool> {
    match raw {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::invalid(name, format!("{name} must be true or false"))),
    }
}
