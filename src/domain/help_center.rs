//! Help centers and their collections (`help_center`, `collection`, `group_translated_content`).
//!
//! Intercom creates help centers in its UI; Switchboard gives every workspace one default help
//! center, made by the store on first use. A collection with a parent is what Intercom calls a
//! section: articles name either as their parent (`parent_type` `collection` or `section`).

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::error::{ErrorCode, Rejection};
use super::ids;
use super::pages::CursorPages;

/// Every locale of `article_translated_content` and `group_translated_content`, in the spec's order.
pub const LOCALES: &[&str] = &[
    "ar", "bg", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "he", "hr", "hu", "id",
    "it", "ja", "ko", "lt", "lv", "mn", "nb", "nl", "pl", "pt", "ro", "ru", "sl", "sr", "sv", "tr", "vi",
    "pt-BR", "zh-CN", "zh-TW",
];

/// The locale of a new help center's content.
pub const DEFAULT_LOCALE: &str = "en";

/// The icon Intercom gives a collection made through the API.
pub const DEFAULT_ICON: &str = "book-bookmark";

pub fn is_locale(key: &str) -> bool {
    LOCALES.contains(&key)
}

/// A required value is absent: `parameter_not_found`, in the words of the rule that needs it.
pub(crate) fn required(field: &str, message: impl Into<String>) -> Rejection {
    Rejection::new(ErrorCode::ParameterNotFound, message).with_field(field)
}

/// The lower-case ASCII words of `text` joined by dashes, as in Intercom's help-center URLs.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if slug.len() + word.len() > 80 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    slug
}

/// `{id}-{slug}`, or just the id when the text has no ASCII words.
pub fn id_slug(id: i64, text: &str) -> String {
    match slug(text) {
        s if s.is_empty() => id.to_string(),
        s => format!("{id}-{s}"),
    }
}

/// Translated content: `{"type": kind, locale: content, ...}` with the locales in the spec's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Translated<T> {
    pub kind: &'static str,
    pub entries: Vec<(String, T)>,
}

impl<T> Translated<T> {
    pub fn new(kind: &'static str, mut entries: Vec<(String, T)>) -> Self {
        entries.sort_by_key(|(locale, _)| LOCALES.iter().position(|l| l == locale));
        Translated { kind, entries }
    }

    pub fn get(&self, locale: &str) -> Option<&T> {
        self.entries.iter().find(|(l, _)| l == locale).map(|(_, content)| content)
    }
}

impl<T: Serialize> Serialize for Translated<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len() + 1))?;
        map.serialize_entry("type", self.kind)?;
        for (locale, content) in &self.entries {
            map.serialize_entry(locale, content)?;
        }
        map.end()
    }
}

/// The `help_center` object.
#[derive(Debug, Clone, Serialize)]
pub struct HelpCenter {
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub workspace_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub identifier: String,
    pub website_turned_on: bool,
    pub display_name: String,
    pub url: String,
    pub custom_domain: Option<String>,
    /// Whether this is the workspace's default help center (2.16).
    pub default: bool,
    /// The locales it is available in (2.16): its default locale.
    pub locales: Vec<String>,
}

impl HelpCenter {
    /// Where the help center is served: its custom domain, else Intercom's host for it.
    pub fn site_url(identifier: &str, custom_domain: Option<&str>) -> String {
        match custom_domain {
            Some(domain) => format!("https://{domain}"),
            None => format!("https://intercom.help/{identifier}"),
        }
    }
}

/// `group_content`: a collection's name and description in one locale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupContent {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub description: String,
}

impl GroupContent {
    pub fn new(name: String, description: String) -> Self {
        GroupContent { kind: "group_content", name, description }
    }
}

/// What a request says about a collection's name and description in one locale.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupInput {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// A collection's name and description in one locale, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct GroupText {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// What a collection create or update asks for.
#[derive(Debug, Clone, Default)]
pub struct CollectionInput {
    pub main: GroupInput,
    pub translations: Vec<(String, GroupInput)>,
    /// `Some(None)` makes the collection top-level; `None` leaves its parent as it is.
    pub parent_id: Option<Option<i64>>,
    /// On create, the help center to create it in (default: the parent's, else the default
    /// one). An update cannot move a collection to another help center.
    pub help_center_id: Option<i64>,
}

/// A collection create (`current` is `None`) or update: the default locale's text (top-level
/// fields over `translated_content`'s entry for it) and every other locale's.
pub fn plan_group(
    current: Option<(GroupText, BTreeMap<String, GroupText>)>,
    main: GroupInput,
    translations: Vec<(String, GroupInput)>,
    default_locale: &str,
) -> Result<(GroupText, BTreeMap<String, GroupText>), Rejection> {
    let (mut default, mut others) = match current {
        Some((default, others)) => (Some(default), others),
        None => (None, BTreeMap::new()),
    };
    let mut main = main;
    let mut rest = Vec::new();
    for (locale, input) in translations {
        if locale == default_locale {
            main = GroupInput {
                name: main.name.or(input.name),
                description: main.description.or(input.description),
            };
        } else {
            rest.push((locale, input));
        }
    }
    let apply = |text: Option<GroupText>, input: GroupInput, field: &str| -> Result<GroupText, Rejection> {
        let name = match (input.name, text.as_ref()) {
            (Some(name), _) if name.trim().is_empty() => {
                return Err(Rejection::invalid(field, format!("{field} can't be blank")));
            }
            (Some(name), _) => name,
            (None, Some(text)) => text.name.clone(),
            (None, None) if field == "name" => {
                return Err(required(field, "Name is a required parameter."));
            }
            (None, None) => return Err(Rejection::missing(field)),
        };
        let description = input.description.or(text.map(|t| t.description)).unwrap_or_default();
        Ok(GroupText { name, description })
    };
    let default = apply(default.take(), main, "name")?;
    for (locale, input) in rest {
        let text = apply(others.remove(&locale), input, &format!("translated_content.{locale}.name"))?;
        others.insert(locale, text);
    }
    Ok((default, others))
}

/// The `collection` object (a section when it has a parent).
#[derive(Debug, Clone, Serialize)]
pub struct Collection {
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub workspace_id: String,
    pub name: String,
    pub url: String,
    pub order: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub description: String,
    pub icon: String,
    pub parent_id: Option<String>,
    pub help_center_id: i64,
    pub default_locale: String,
    pub translated_content: Translated<GroupContent>,
}

/// `deleted_article_object` and `deleted_collection_object`.
#[derive(Debug, Serialize)]
pub struct Deleted {
    pub id: String,
    pub object: &'static str,
    pub deleted: bool,
}

/// A page of a page-numbered list (`?page=&per_page=`); pages are 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub const MAX_PER_PAGE: i64 = 250;

    pub fn offset(self) -> u64 {
        ((self.page - 1) * self.per_page) as u64
    }

    /// The `pages` object: no `next`, since SDKs ask for `page + 1` until a page is empty.
    pub fn pages(self, total: i64) -> CursorPages {
        CursorPages::new(self.page, self.per_page, total, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_ascii_words() {
        assert_eq!(slug("This is the article title!"), "this-is-the-article-title");
        assert_eq!(slug("  Ça va? 42 "), "a-va-42");
        assert_eq!(id_slug(7, "日本語"), "7");
        assert_eq!(id_slug(7, "Hello, World"), "7-hello-world");
    }

    #[test]
    fn translated_content_serializes_type_first_in_spec_order() {
        let t = Translated::new("x", vec![("zh-TW".into(), 3), ("en".into(), 1), ("fr".into(), 2)]);
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"type":"x","en":1,"fr":2,"zh-TW":3}"#);
    }

    #[test]
    fn group_plans_need_a_name_and_keep_other_locales() {
        let err = plan_group(None, GroupInput::default(), vec![], "en").unwrap_err();
        assert_eq!(
            (err.field.as_deref(), err.message.as_str(), err.code),
            (Some("name"), "Name is a required parameter.", ErrorCode::ParameterNotFound)
        );
        let fr = GroupInput { name: Some("Aide".into()), description: None };
        let en = GroupInput { name: Some("Help".into()), description: Some("All of it".into()) };
        let (default, others) =
            plan_group(None, GroupInput::default(), vec![("en".into(), en), ("fr".into(), fr)], "en")
                .unwrap();
        assert_eq!(default, GroupText { name: "Help".into(), description: "All of it".into() });
        assert_eq!(others["fr"].name, "Aide");
        let update = GroupInput { name: None, description: Some("Changed".into()) };
        let (default, others) = plan_group(Some((default, others)), update, vec![], "en").unwrap();
        assert_eq!((default.name.as_str(), default.description.as_str()), ("Help", "Changed"));
        assert_eq!(others.len(), 1);
        let blank = GroupInput { name: Some(" ".into()), description: None };
        let err = plan_group(Some((default, others)), blank, vec![], "en").unwrap_err();
        assert_eq!(err.code, ErrorCode::ParameterInvalid);
    }

    #[test]
    fn page_offsets() {
        let page = PageRequest { page: 3, per_page: 10 };
        assert_eq!(page.offset(), 20);
        let pages = serde_json::to_value(page.pages(21)).unwrap();
        assert_eq!(pages, serde_json::json!({"type": "pages", "page": 3, "per_page": 10, "total_pages": 3}));
    }
}
