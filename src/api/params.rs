//! Request values shared by the resources: ids sent as strings or numbers,
//! fields that distinguish "absent" from `null`, page parameters (query and search body), and
//! `translated_content` maps.

use std::fmt;

use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::domain::error::Missing;
use crate::domain::help_center::{PageRequest, is_locale};
use crate::domain::ids;
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

    /// The id as a positive number; anything else names no object.
    pub fn numeric(self) -> ApiResult<i64> {
        Ok(ids::parse_numeric(self.into_string().trim()).ok_or(Missing::Resource)?)
    }
}

/// A `per_page` query or body value: `default` when absent, else 1..=`max`.
pub fn per_page(raw: Option<&str>, default: u64, max: u64) -> ApiResult<u64> {
    bounded("per_page", raw, default, max)
}

/// A whole number named `name`: `default` when absent, else 1..=`max`.
fn bounded(name: &str, raw: Option<&str>, default: u64, max: u64) -> ApiResult<u64> {
    match raw {
        None => Ok(default),
        Some(raw) => {
            raw.trim().parse::<u64>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| {
                ApiError::invalid(name, format!("{name} must be an integer between 1 and {max}"))
            })
        }
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

/// The highest page number served: page × per_page stays far inside the `i64` an offset is.
pub const MAX_PAGE_NUMBER: u64 = 1_000_000;

/// A 1-based `page` query value (1 when absent).
pub fn page(raw: Option<&str>) -> ApiResult<u64> {
    match raw {
        None => Ok(1),
        Some(raw) => {
            raw.trim().parse::<u64>().ok().filter(|n| (1..=MAX_PAGE_NUMBER).contains(n)).ok_or_else(|| {
                ApiError::invalid("page", format!("page must be an integer between 1 and {MAX_PAGE_NUMBER}"))
            })
        }
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

/// Makes a position of two `i64` fields a `cursor::Position`, written `first<SEPARATOR>second`.
macro_rules! pair_position {
    ($position:ident { $first:ident, $second:ident }, $separator:literal) => {
        impl $crate::domain::pages::cursor::Position for $position {
            const SEPARATOR: char = $separator;
            fn to_pair(&self) -> (i64, i64) {
                (self.$first, self.$second)
            }
            fn from_pair($first: i64, $second: i64) -> Option<Self> {
                Some($position { $first, $second })
            }
        }
    };
}
pub(crate) use pair_position;

/// `?page=&per_page=` of the page-numbered lists.
#[derive(Deserialize)]
pub struct PageParams {
    page: Option<String>,
    per_page: Option<String>,
}

impl PageParams {
    /// The page number and page size of the older lists (`per_page`: `default` when absent,
    /// else 1..=`max`).
    pub fn numbers(&self, default: u64, max: u64) -> ApiResult<(u64, u64)> {
        Ok((page(self.page.as_deref())?, per_page(self.per_page.as_deref(), default, max)?))
    }

    /// The page of the help center and article lists.
    pub fn parse(&self, default_per_page: u64) -> ApiResult<PageRequest> {
        let max_per_page = PageRequest::MAX_PER_PAGE as u64;
        Ok(PageRequest {
            page: bounded("page", self.page.as_deref(), 1, i32::MAX as u64)? as i64,
            per_page: per_page(self.per_page.as_deref(), default_per_page, max_per_page)? as i64,
        })
    }
}

/// A numeric id in a body: Intercom's SDKs send some as numbers and others as strings.
#[derive(Debug, Clone, Copy)]
pub struct NumericId(pub i64);

impl<'de> Deserialize<'de> for NumericId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = NumericId;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a numeric id")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumericId, E> {
                (v > 0).then_some(NumericId(v)).ok_or_else(|| E::custom("expected a positive numeric id"))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericId, E> {
                i64::try_from(v).map_err(|_| E::custom("id out of range")).and_then(|v| self.visit_i64(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<NumericId, E> {
                ids::parse_numeric(v.trim()).map(NumericId).ok_or_else(|| E::custom("expected a numeric id"))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// Reads `translated_content`: `type` (if sent) must be `kind`, every other key a supported
/// locale whose value is read as `T`; a `null` locale is as good as absent.
pub fn translations<T: DeserializeOwned>(
    map: Option<Map<String, Value>>,
    kind: &str,
) -> ApiResult<Vec<(String, T)>> {
    let mut out = Vec::new();
    for (key, value) in map.unwrap_or_default() {
        let field = format!("translated_content.{key}");
        if key == "type" {
            if !(value.is_null() || value == kind) {
                return Err(ApiError::invalid(&field, format!("{field} must be {kind}")));
            }
            continue;
        }
        if !is_locale(&key) {
            return Err(ApiError::invalid(&field, format!("{key} is not a supported locale")));
        }
        if value.is_null() {
            continue;
        }
        if !value.is_object() {
            return Err(ApiError::invalid(&field, format!("{field} must be an object")));
        }
        let content = serde_path_to_error::deserialize(value).map_err(|err| {
            let field = format!("{field}.{}", err.path());
            ApiError::invalid(&field, format!("{field}: {}", err.inner()))
        })?;
        out.push((key, content));
    }
    Ok(out)
}
