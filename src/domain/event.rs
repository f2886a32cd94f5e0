//! Data events: what a contact did and when, with optional metadata, and the per-name
//! summaries (count, first, last) Intercom keeps for each contact.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value as Json;

use super::error::Rejection;
use super::ids;
use super::pages::listed;

/// "We currently limit the number of tracked metadata keys to 10 per event. Once the quota
/// is reached, we ignore any further keys we receive."
pub const MAX_METADATA_KEYS: usize = 10;

/// Longest event name kept (an indexed column: a bound keeps every backend's index happy).
pub const MAX_NAME_CHARS: usize = 255;

/// Events older than this are not listed, though summaries still count them.
pub const LISTING_WINDOW_SECS: i64 = 90 * 24 * 60 * 60;

/// The last second of year 9999: the latest time an event can carry.
pub const MAX_TIMESTAMP: i64 = 253_402_300_799;

/// The largest count an imported summary may carry (summed counts must stay in range).
pub const MAX_SUMMARY_COUNT: i64 = 1_000_000_000_000;

/// `data_event`, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct DataEvent {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub event_name: String,
    pub created_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub intercom_user_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

// `data_event_list`: a page of a contact's events, newest first; `pages.next` is the URL of
// the next page.
listed!(DataEvent: "event.list", "events");

/// `data_event_summary`: a contact's identifiers and one item per event name.
#[derive(Debug, Serialize)]
pub struct EventSummary {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub email: Option<String>,
    pub intercom_user_id: String,
    pub user_id: Option<String>,
    pub events: Vec<EventSummaryItem>,
}

/// `data_event_summary_item`; the times are shown as Intercom shows them, e.g.
/// `2014-01-16T23:12:21.000+00:00`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventSummaryItem {
    pub name: String,
    #[serde(serialize_with = "iso_time")]
    pub first: i64,
    #[serde(serialize_with = "iso_time")]
    pub last: i64,
    pub count: i64,
}

/// The count and the first and last times of one event name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub count: i64,
    pub first: i64,
    pub last: i64,
}

impl Tally {
    /// Both tallies together: counts add up, the times widen.
    pub fn combine(self, other: Tally) -> Tally {
        Tally {
            count: self.count.saturating_add(other.count),
            first: self.first.min(other.first),
            last: self.last.max(other.last),
        }
    }
}

fn iso_time<S: Serializer>(at: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    let at = time::OffsetDateTime::from_unix_timestamp(*at).map_err(serde::ser::Error::custom)?;
    serializer.collect_str(&format_args!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000+00:00",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    ))
}

/// Why an event or a summary was refused, naming the field at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl From<Invalid> for Rejection {
    fn from(invalid: Invalid) -> Self {
        Rejection::invalid(invalid.field, invalid.message)
    }
}

/// An event as submitted, already validated.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_name: String,
    pub created_at: i64,
    pub metadata: Metadata,
}

/// A summary to import for one event name, already validated.
#[derive(Debug, Clone)]
pub struct ImportedSummary {
    pub event_name: String,
    pub tally: Tally,
}

/// Where a page of a listing starts: strictly older than this event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventPosition {
    pub created_at: i64,
    pub id: i64,
}

/// Which of a contact's events to list, newest first.
#[derive(Debug, Clone, Copy)]
pub struct EventQuery {
    /// Events older than this are left out (the 90-day window).
    pub created_since: i64,
    pub after: Option<EventPosition>,
    pub limit: u64,
}

fn invalid(field: &'static str, message: impl Into<String>) -> Invalid {
    Invalid { field, message: message.into() }
}

/// The name an event is stored under. "Names are treated as case insensitive" and "periods
/// (.) and dollars ($) in event names are replaced with hyphens" (Intercom's event model).
pub fn event_name(raw: &str) -> Result<String, Invalid> {
    let name: String =
        raw.trim().to_lowercase().chars().map(|c| if c == '.' || c == '$' { '-' } else { c }).collect();
    if name.is_empty() {
        return Err(invalid("event_name", "event_name must not be empty"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid("event_name", format!("event_name must be at most {MAX_NAME_CHARS} characters")));
    }
    Ok(name)
}

/// A UTC Unix timestamp in seconds, within the years 1970 to 9999.
pub fn timestamp(field: &'static str, at: i64) -> Result<i64, Invalid> {
    if (0..=MAX_TIMESTAMP).contains(&at) {
        Ok(at)
    } else {
        Err(invalid(field, format!("{field} must be a Unix timestamp in seconds")))
    }
}

/// Event metadata: keys in the order they were sent (so that "the first 10" means what the
/// client meant), values of the types Intercom's table lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metadata(Vec<(String, Json)>);

impl Metadata {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first [`MAX_METADATA_KEYS`] keys, each checked against the table of types; later
    /// keys are ignored, as Intercom ignores them.
    pub fn checked(mut self) -> Result<Metadata, Invalid> {
        self.0.truncate(MAX_METADATA_KEYS);
        for (key, value) in &self.0 {
            check_value(key, value)?;
        }
        Ok(self)
    }
}

/// One metadata value: a string (or link), a number, a Unix timestamp under a `_date` key,
/// a rich link `{url, value}` or a monetary amount `{amount, currency}`; nothing nested.
fn check_value(key: &str, value: &Json) -> Result<(), Invalid> {
    let wrong = |what: &str| invalid("metadata", format!("metadata.{key} {what}"));
    if key.ends_with("_date") {
        return match value.as_i64() {
            Some(at) if (0..=MAX_TIMESTAMP).contains(&at) => Ok(()),
            _ => Err(wrong("must be a Unix timestamp, as its key ends with _date")),
        };
    }
    match value {
        Json::String(_) | Json::Number(_) => Ok(()),
        Json::Object(object) => {
            let has =
                |a: &str, b: &str| object.len() == 2 && object.contains_key(a) && object.contains_key(b);
            if has("url", "value") {
                let url = object["url"].as_str().unwrap_or_default();
                if !is_http_uri(url) {
                    return Err(wrong("is a rich link: its url must be an HTTP or HTTPS URI"));
                }
                if !object["value"].is_string() {
                    return Err(wrong("is a rich link: its value must be a string"));
                }
                Ok(())
            } else if has("amount", "currency") {
                if object["amount"].as_u64().is_none_or(|cents| cents == 0) {
                    return Err(wrong(
                        "is a monetary amount: its amount must be a positive integer of cents",
                    ));
                }
                if object["currency"].as_str().is_none_or(|c| c.trim().is_empty()) {
                    return Err(wrong("is a monetary amount: its currency must be a currency code"));
                }
                Ok(())
            } else {
                Err(wrong(
                    "is not supported: nested objects must be a rich link {url, value} or a monetary amount {amount, currency}",
                ))
            }
        }
        _ => Err(wrong("must be a string, a number, a link, a rich link or a monetary amount")),
    }
}

fn is_http_uri(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !raw.chars().any(char::is_whitespace)
    })
}

impl Serialize for Metadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Ordered;

        impl<'de> Visitor<'de> for Ordered {
            type Value = Metadata;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Metadata, A::Error> {
                let mut entries: Vec<(String, Json)> = Vec::new();
                while let Some((key, value)) = access.next_entry::<String, Json>()? {
                    // A repeated key keeps its first place and takes the last value, as a map would.
                    match entries.iter_mut().find(|(k, _)| *k == key) {
                        Some(entry) => entry.1 = value,
                        None => entries.push((key, value)),
                    }
                }
                Ok(Metadata(entries))
            }
        }

        deserializer.deserialize_map(Ordered)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn metadata(value: Json) -> Metadata {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn names_fold_case_and_replace_periods_and_dollars() {
        assert_eq!(event_name("  Completed.Order$X ").unwrap(), "completed-order-x");
        assert_eq!(event_name(" ").unwrap_err().field, "event_name");
        assert!(event_name(&"a".repeat(MAX_NAME_CHARS)).is_ok());
        assert!(event_name(&"a".repeat(MAX_NAME_CHARS + 1)).is_err());
    }

    #[test]
    fn metadata_keeps_the_order_sent_and_the_first_ten_keys() {
        let raw = r#"{"z": 1, "a": "x", "m": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8, "k9": 9, "k10": [1]}"#;
        let parsed: Metadata = serde_json::from_str(raw).unwrap();
        let checked = parsed.checked().unwrap();
        assert_eq!(
            serde_json::to_string(&checked).unwrap(),
            r#"{"z":1,"a":"x","m":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9}"#,
            "the eleventh key, invalid as it is, is ignored"
        );
    }

    #[test]
    fn metadata_values_follow_the_table() {
        for ok in [
            json!({"source": "desktop"}),
            json!({"load": 3.67}),
            json!({"contact_date": 1392036272}),
            json!({"article": "https://example.org/ab1de.html"}),
            json!({"article": {"url": "https://example.org/ab1de.html", "value": "the dude abides"}}),
            json!({"price": {"amount": 34999, "currency": "eur"}}),
        ] {
            assert!(metadata(ok.clone()).checked().is_ok(), "{ok}");
        }
        for bad in [
            json!({"flag": true}),
            json!({"none": null}),
            json!({"list": [1, 2]}),
            json!({"nested": {"a": 1}}),
            json!({"contact_date": "yesterday"}),
            json!({"contact_date": 1.5}),
            json!({"article": {"url": "ftp://example.org", "value": "x"}}),
            json!({"article": {"url": "https://example.org", "value": 1}}),
            json!({"price": {"amount": -1, "currency": "eur"}}),
            json!({"price": {"amount": 0, "currency": "eur"}}),
            json!({"price": {"amount": 12.5, "currency": "eur"}}),
            json!({"price": {"amount": 100, "currency": ""}}),
            json!({"price": {"amount": 100, "currency": "eur", "extra": 1}}),
        ] {
            let err = metadata(bad.clone()).checked().unwrap_err();
            assert_eq!(err.field, "metadata", "{bad}");
        }
    }

    #[test]
    fn summary_times_read_like_intercoms() {
        let item =
            EventSummaryItem { name: "placed-order".into(), first: 1389913341, last: 1389913941, count: 2 };
        assert_eq!(
            serde_json::to_value(&item).unwrap(),
            json!({"name": "placed-order", "first": "2014-01-16T23:02:21.000+00:00",
                   "last": "2014-01-16T23:12:21.000+00:00", "count": 2})
        );
    }

    #[test]
    fn tallies_add_counts_and_widen_times() {
        let a = Tally { count: 2, first: 10, last: 20 };
        let b = Tally { count: 3, first: 5, last: 15 };
        assert_eq!(a.combine(b), Tally { count: 5, first: 5, last: 20 });
    }
}
