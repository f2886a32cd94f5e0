//! Articles (`article`, `article_list_item`, `article_content`, `article_search_response`).
//!
//! An article has one content per locale, each with its own title, description, body, author,
//! state and timestamps; the top-level fields are those of the default locale's content (the
//! help center's default locale). Writes are planned here ([`plan_contents`]) and stored by the
//! store in one transaction.

use serde::{Serialize, Serializer};

use super::help_center::{Rejected, Translated, id_slug};
use super::ids;
use super::pages::CursorPages;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArticleState {
    Published,
    #[default]
    Draft,
}

impl ArticleState {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleState::Published => "published",
            ArticleState::Draft => "draft",
        }
    }

    pub fn parse(raw: &str) -> Option<ArticleState> {
        match raw {
            "published" => Some(ArticleState::Published),
            "draft" => Some(ArticleState::Draft),
            _ => None,
        }
    }
}

impl Serialize for ArticleState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What an article's `parent_id` names: a top-level collection, or a section (a nested one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentKind {
    Collection,
    Section,
}

impl ParentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ParentKind::Collection => "collection",
            ParentKind::Section => "section",
        }
    }

    pub fn parse(raw: &str) -> Option<ParentKind> {
        match raw {
            "collection" => Some(ParentKind::Collection),
            "section" => Some(ParentKind::Section),
            _ => None,
        }
    }
}

/// What a request says about one locale's content; an absent field is left as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub body: Option<String>,
    pub author_id: Option<i64>,
    pub state: Option<ArticleState>,
}

impl ContentInput {
    /// The fields of `over` where it has them, else those of `self`.
    pub fn overlay(self, over: ContentInput) -> ContentInput {
        ContentInput {
            title: over.title.or(self.title),
            description: over.description.or(self.description),
            body: over.body.or(self.body),
            author_id: over.author_id.or(self.author_id),
            state: over.state.or(self.state),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == ContentInput::default()
    }
}

/// A create or update: the top-level fields (the default locale's content) and `translated_content`.
#[derive(Debug, Clone, Default)]
pub struct ArticleInput {
    pub main: ContentInput,
    pub translations: Vec<(String, ContentInput)>,
}

/// One locale's content as stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Content {
    pub title: String,
    pub description: String,
    pub body: String,
    pub author_id: i64,
    pub state: ArticleState,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Content {
    pub fn search_text(&self) -> String {
        search_text(&self.title, &self.description, &self.body)
    }
}

/// Where a request field of `locale`'s content is named in errors.
fn field_name(locale: &str, default_locale: &str, field: &str) -> String {
    if locale == default_locale { field.to_owned() } else { format!("translated_content.{locale}.{field}") }
}

fn apply(content: &mut Content, input: ContentInput, field: &dyn Fn(&str) -> String) -> Result<(), Rejected> {
    if let Some(title) = input.title {
        if title.trim().is_empty() {
            return Err(Rejected::invalid(&field("title"), format!("{} can't be blank", field("title"))));
        }
        content.title = title;
    }
    if let Some(description) = input.description {
        content.description = description;
    }
    if let Some(body) = input.body {
        content.body = normalize_body(&body);
    }
    if let Some(author_id) = input.author_id {
        content.author_id = author_id;
    }
    if let Some(state) = input.state {
        content.state = state;
    }
    Ok(())
}

/// The content rows a create (`existing` empty) or an update writes, with their new values.
/// `touch_default` re-stamps the default locale's content even if the request leaves it
/// unchanged (the article moved). Authors are checked against the workspace by the store.
pub fn plan_contents(
    existing: &[(String, Content)],
    input: ArticleInput,
    default_locale: &str,
    touch_default: bool,
    now: i64,
) -> Result<Vec<(String, Content)>, Rejected> {
    let mut main = input.main;
    let mut others = Vec::new();
    for (locale, content) in input.translations {
        if locale == default_locale {
            // Top-level fields win over the default locale's entry in translated_content.
            main = content.overlay(main);
        } else {
            others.push((locale, content));
        }
    }
    let mut planned: Vec<(String, Content)> = Vec::new();
    let current = |locale: &str| existing.iter().find(|(l, _)| l == locale).map(|(_, c)| c.clone());
    let default = match current(default_locale) {
        Some(mut content) => {
            if !main.is_empty() || touch_default {
                apply(&mut content, main, &|f| f.to_owned())?;
                content.updated_at = now;
                planned.push((default_locale.to_owned(), content.clone()));
            }
            content
        }
        None => {
            let required = |f: &str| {
                Rejected::missing(
                    f,
                    format!("{f} must be in the main body or default locale translated_content object"),
                )
            };
            let title = main.title.clone().ok_or_else(|| required("title"))?;
            let author_id = main.author_id.ok_or_else(|| required("author_id"))?;
            let mut content =
                Content { title, author_id, created_at: now, updated_at: now, ..Content::default() };
            apply(&mut content, main, &|f| f.to_owned())?;
            planned.push((default_locale.to_owned(), content.clone()));
            content
        }
    };
    for (locale, input) in others {
        let field = |f: &str| field_name(&locale, default_locale, f);
        let content = match current(&locale) {
            Some(mut content) => {
                apply(&mut content, input, &field)?;
                content.updated_at = now;
                content
            }
            None => {
                let title = input.title.clone().ok_or_else(|| {
                    Rejected::missing(&field("title"), format!("{} is a required parameter", field("title")))
                })?;
                // A new translation is by the article's author unless it names its own.
                let mut content = Content {
                    title,
                    author_id: default.author_id,
                    created_at: now,
                    updated_at: now,
                    ..Content::default()
                };
                apply(&mut content, input, &field)?;
                content
            }
        };
        planned.push((locale, content));
    }
    Ok(planned)
}

/// Every author id `planned` names, with the request field to blame if it is unknown.
pub fn author_fields(planned: &[(String, Content)], default_locale: &str) -> Vec<(i64, String)> {
    planned.iter().map(|(locale, c)| (c.author_id, field_name(locale, default_locale, "author_id"))).collect()
}

/// Bodies as Intercom stores them: plain text becomes paragraphs, and bare `<p>` tags get the
/// `no-margin` class its editor gives them (the spec's examples show both).
pub fn normalize_body(body: &str) -> String {
    if body.trim().is_empty() {
        return String::new();
    }
    if has_markup(body) {
        return body.replace("<p>", r#"<p class="no-margin">"#);
    }
    body.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| format!(r#"<p class="no-margin">{}</p>"#, escape_html(line)))
        .collect()
}

fn has_markup(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The text of an HTML body: tags dropped (block tags leave a space), common entities decoded.
pub fn html_to_text(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "table",
        "blockquote",
        "pre",
        "hr",
        "section",
        "article",
    ];
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = rest[start + 1..start + len].trim_start_matches('/');
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if BLOCKS.contains(&name.to_ascii_lowercase().as_str()) {
            text.push(' ');
        }
        rest = &rest[start + len + 1..];
    }
    text.push_str(rest);
    let decoded = decode_entities(&text);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Lower-cased title, description and body text: the haystack of a phrase search.
pub fn search_text(title: &str, description: &str, body: &str) -> String {
    normalize_phrase(&format!("{title}\n{description}\n{}", html_to_text(body)))
}

/// A phrase as searched: lower case, runs of whitespace as one space.
pub fn normalize_phrase(phrase: &str) -> String {
    phrase.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// `article_content`.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleContent {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub body: String,
    pub author_id: i64,
    pub state: ArticleState,
    pub created_at: i64,
    pub updated_at: i64,
    pub url: Option<String>,
}

/// `article_statistics`. Switchboard serves no help-center site, so no view, reaction or
/// conversation is ever recorded against an article: the counts are truly zero.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ArticleStatistics {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub views: i64,
    /// The schema's name; live responses (and the spec's examples) say `conversations`: both are sent.
    pub conversions: i64,
    pub conversations: i64,
    pub reactions: i64,
    pub happy_reaction_percentage: f64,
    pub neutral_reaction_percentage: f64,
    pub sad_reaction_percentage: f64,
}

/// The `article` object (`article_list_item` plus `statistics`).
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub workspace_id: String,
    pub parent_id: Option<i64>,
    pub parent_type: Option<&'static str>,
    pub parent_ids: Vec<i64>,
    pub statistics: ArticleStatistics,
    pub title: String,
    pub description: String,
    pub body: String,
    pub author_id: i64,
    pub state: ArticleState,
    pub created_at: i64,
    pub updated_at: i64,
    pub url: Option<String>,
    pub default_locale: String,
    pub translated_content: Translated<ArticleContent>,
}

/// An article as the store holds it, before it is shown.
#[derive(Debug, Clone)]
pub struct ArticleParts {
    pub id: i64,
    pub workspace_code: String,
    /// The site of the article's help center (see `HelpCenter::site_url`).
    pub site_url: String,
    pub parent: Option<(i64, ParentKind)>,
    pub default_locale: String,
    pub contents: Vec<(String, Content)>,
}

impl Article {
    pub fn assemble(parts: ArticleParts) -> Article {
        let ArticleParts { id, workspace_code, site_url, parent, default_locale, contents } = parts;
        // Published content has a public URL; a draft has none.
        let url = |locale: &str, c: &Content| {
            (c.state == ArticleState::Published)
                .then(|| format!("{site_url}/{locale}/articles/{}", id_slug(id, &c.title)))
        };
        let default = contents
            .iter()
            .find(|(l, _)| *l == default_locale)
            .or(contents.first())
            .map(|(l, c)| (c.clone(), url(l, c)))
            .unwrap_or_default();
        let translated = contents
            .iter()
            .map(|(locale, c)| {
                let content = ArticleContent {
                    kind: "article_content",
                    title: c.title.clone(),
                    description: c.description.clone(),
                    body: c.body.clone(),
                    author_id: c.author_id,
                    state: c.state,
                    created_at: c.created_at,
                    updated_at: c.updated_at,
                    url: url(locale, c),
                };
                (locale.clone(), content)
            })
            .collect();
        let (content, url) = default;
        Article {
            id,
            kind: "article",
            workspace_id: workspace_code,
            parent_id: parent.map(|(id, _)| id),
            parent_type: parent.map(|(_, kind)| kind.as_str()),
            parent_ids: parent.map(|(id, _)| id).into_iter().collect(),
            statistics: ArticleStatistics { kind: "article_statistics", ..Default::default() },
            title: content.title,
            description: content.description,
            body: content.body,
            author_id: content.author_id,
            state: content.state,
            created_at: content.created_at,
            updated_at: content.updated_at,
            url,
            default_locale,
            translated_content: Translated::new("article_translated_content", translated),
        }
    }
}

/// One run of highlighted text: `highlight` (matches the phrase) or `plain`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Highlight {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
}

/// `article_search_highlights`.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleHighlights {
    pub article_id: String,
    pub highlighted_title: Vec<Highlight>,
    pub highlighted_summary: Vec<Vec<Highlight>>,
}

#[derive(Debug, Serialize)]
pub struct SearchData {
    pub articles: Vec<Article>,
    pub highlights: Vec<ArticleHighlights>,
}

/// `article_search_response`: its `data` is an object, not a list of items.
#[derive(Debug, Serialize)]
pub struct ArticleSearchResponse {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub total_count: i64,
    pub data: SearchData,
    pub pages: CursorPages,
}

/// Context shown around the first match of a summary.
const SUMMARY_BEFORE: usize = 60;
const SUMMARY_AFTER: usize = 140;

/// The highlights of a search hit, from the default locale's content if it matches the search,
/// else from the first translation that does.
pub fn search_highlights(article: &Article, phrase: &str, state: Option<ArticleState>) -> ArticleHighlights {
    let needle = normalize_phrase(phrase);
    let matches = |c: &&ArticleContent| {
        state.is_none_or(|s| s == c.state) && search_text(&c.title, &c.description, &c.body).contains(&needle)
    };
    let translated = &article.translated_content;
    let content = translated
        .get(&article.default_locale)
        .filter(matches)
        .or_else(|| translated.entries.iter().map(|(_, c)| c).find(matches));
    match content {
        Some(c) => highlight(article.id, &c.title, &c.description, &c.body, phrase),
        None => highlight(article.id, &article.title, &article.description, &article.body, phrase),
    }
}

/// Where `phrase` occurs: the whole title split into plain and highlighted runs, and a snippet
/// of the description and of the body text around their first match.
pub fn highlight(
    article_id: i64,
    title: &str,
    description: &str,
    body: &str,
    phrase: &str,
) -> ArticleHighlights {
    let phrase: Vec<char> = normalize_phrase(phrase).chars().collect();
    let title: Vec<char> = title.chars().collect();
    let mut summary = Vec::new();
    for text in [description.to_owned(), html_to_text(body)] {
        let chars: Vec<char> = text.chars().collect();
        let matches = find_matches(&chars, &phrase);
        if let Some(first) = matches.first() {
            let start = first.0.saturating_sub(SUMMARY_BEFORE);
            let end = (first.1 + SUMMARY_AFTER).min(chars.len());
            summary.push(runs(&chars, &matches, start, end));
        }
    }
    ArticleHighlights {
        article_id: article_id.to_string(),
        highlighted_title: runs(&title, &find_matches(&title, &phrase), 0, title.len()),
        highlighted_summary: summary,
    }
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Non-overlapping `[start, end)` char ranges of `needle` in `hay`, ignoring case.
fn find_matches(hay: &[char], needle: &[char]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    if needle.is_empty() {
        return found;
    }
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()].iter().zip(needle).all(|(a, b)| fold(*a) == fold(*b)) {
            found.push((i, i + needle.len()));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    found
}

/// `chars[start..end]` as plain and highlighted runs.
fn runs(chars: &[char], matches: &[(usize, usize)], start: usize, end: usize) -> Vec<Highlight> {
    let mut out = Vec::new();
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let mut at = start;
    for &(m_start, m_end) in matches.iter().filter(|(s, e)| *s >= start && *e <= end) {
        if m_start > at {
            out.push(Highlight { kind: "plain", text: text(at, m_start) });
        }
        out.push(Highlight { kind: "highlight", text: text(m_start, m_end) });
        at = m_end;
    }
    if at < end {
        out.push(Highlight { kind: "plain", text: text(at, end) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str, author: Option<i64>) -> ContentInput {
        ContentInput { title: Some(title.into()), author_id: author, ..Default::default() }
    }

    #[test]
    fn bodies_are_normalized_like_intercom() {
        assert_eq!(normalize_body("Body of the Article"), r#"<p class="no-margin">Body of the Article</p>"#);
        assert_eq!(normalize_body("<p>New gifts</p>"), r#"<p class="no-margin">New gifts</p>"#);
        assert_eq!(normalize_body("a < b & c"), r#"<p class="no-margin">a &lt; b &amp; c</p>"#);
        assert_eq!(normalize_body("  "), "");
    }

    #[test]
    fn html_text_drops_tags_and_decodes_entities() {
        assert_eq!(html_to_text("<p>Hel<b>lo</b></p><p>World &amp; co&#33;</p>"), "Hello World & co!");
        assert_eq!(html_to_text("a &bogus b < c"), "a &bogus b < c");
    }

    #[test]
    fn create_needs_title_and_author_in_main_or_default_locale() {
        let err =
            plan_contents(&[], ArticleInput { main: input("T", None), ..Default::default() }, "en", false, 1)
                .unwrap_err();
        assert_eq!(err.field, "author_id");
        assert!(err.missing);
        assert_eq!(
            err.message,
            "author_id must be in the main body or default locale translated_content object"
        );

        let translated = ArticleInput {
            main: ContentInput { author_id: Some(5), ..Default::default() },
            translations: vec![("en".into(), input("English", None)), ("fr".into(), input("Français", None))],
        };
        let planned = plan_contents(&[], translated, "en", false, 10).unwrap();
        assert_eq!(planned.len(), 2);
        assert_eq!(planned[0].0, "en");
        assert_eq!(planned[0].1.title, "English");
        assert_eq!(planned[1].1.author_id, 5, "a translation defaults to the article's author");
        assert_eq!(planned[1].1.state, ArticleState::Draft);
    }

    #[test]
    fn updates_touch_only_what_they_name() {
        let existing = vec![(
            "en".to_owned(),
            Content { title: "Old".into(), author_id: 1, created_at: 1, updated_at: 1, ..Default::default() },
        )];
        let update = ArticleInput {
            translations: vec![(
                "de".into(),
                ContentInput { body: Some("Hallo".into()), ..Default::default() },
            )],
            ..Default::default()
        };
        let err = plan_contents(&existing, update, "en", false, 5).unwrap_err();
        assert_eq!(err.field, "translated_content.de.title");

        let update = ArticleInput {
            main: ContentInput { state: Some(ArticleState::Published), ..Default::default() },
            ..Default::default()
        };
        let planned = plan_contents(&existing, update, "en", false, 5).unwrap();
        assert_eq!(planned[0].1.state, ArticleState::Published);
        assert_eq!(planned[0].1.title, "Old");
        assert_eq!((planned[0].1.created_at, planned[0].1.updated_at), (1, 5));

        assert!(plan_contents(&existing, ArticleInput::default(), "en", false, 5).unwrap().is_empty());
        let blank = ArticleInput { main: input(" ", None), ..Default::default() };
        assert_eq!(plan_contents(&existing, blank, "en", false, 5).unwrap_err().field, "title");
    }

    #[test]
    fn highlights_split_title_and_summaries() {
        let h = highlight(
            9,
            "Getting Started with getting",
            "How to get started",
            "<p>Before getting started, read this.</p>",
            "getting",
        );
        assert_eq!(h.article_id, "9");
        let title: Vec<_> = h.highlighted_title.iter().map(|r| (r.kind, r.text.as_str())).collect();
        assert_eq!(
            title,
            vec![("highlight", "Getting"), ("plain", " Started with "), ("highlight", "getting")]
        );
        assert_eq!(h.highlighted_summary.len(), 1, "the description does not match");
        let body: Vec<_> = h.highlighted_summary[0].iter().map(|r| (r.kind, r.text.as_str())).collect();
        assert_eq!(
            body,
            vec![("plain", "Before "), ("highlight", "getting"), ("plain", " started, read this.")]
        );
    }

    #[test]
    fn assembled_articles_show_the_default_locale() {
        let content = |title: &str, state| Content {
            title: title.into(),
            author_id: 3,
            state,
            created_at: 1,
            updated_at: 2,
            ..Default::default()
        };
        let article = Article::assemble(ArticleParts {
            id: 12,
            workspace_code: "abc".into(),
            site_url: "https://intercom.help/acme".into(),
            parent: Some((4, ParentKind::Section)),
            default_locale: "en".into(),
            contents: vec![
                ("fr".into(), content("Bonjour", ArticleState::Draft)),
                ("en".into(), content("Hello there", ArticleState::Published)),
            ],
        });
        let json = serde_json::to_value(&article).unwrap();
        assert_eq!(json["id"], "12");
        assert_eq!(json["title"], "Hello there");
        assert_eq!(json["url"], "https://intercom.help/acme/en/articles/12-hello-there");
        assert_eq!(json["parent_type"], "section");
        assert_eq!(json["parent_ids"], serde_json::json!([4]));
        assert_eq!(json["translated_content"]["fr"]["url"], serde_json::Value::Null);
        assert_eq!(json["statistics"]["happy_reaction_percentage"], 0.0);
        let translated = serde_json::to_string(&article.translated_content).unwrap();
        assert!(translated.starts_with(r#"{"type":"article_translated_content","en":{"#), "{translated}");
    }
}
