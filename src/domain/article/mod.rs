//! Articles (`article`, `article_list_item`, `article_content`, `article_search_response`).
//!
//! An article has one content per locale, each with its own title, description, body, author,
//! state and timestamps; the top-level fields are those of the default locale's content (the
//! help center's default locale). Writes are planned in `content` ([`plan_contents`]) and stored
//! by the store in one transaction; `text` turns bodies into searchable text, and `search` reads
//! `GET /articles/search` and highlights its hits.

mod content;
mod search;
mod text;

use serde::Serialize;

use super::help_center::{Translated, id_slug};
use super::ids;
use super::pages::NamedList;
use super::str_enum::str_enum;
use super::tag::Tag;

pub use content::{AiAvailability, ArticleInput, Content, ContentInput, author_fields, plan_contents};
pub use search::{
    ArticleHighlights, ArticleSearch, ArticleSearchResponse, Highlight, SearchData, highlight,
    search_highlights,
};
pub use text::{html_to_text, normalize_body, normalize_phrase, search_text};

str_enum! {
    #[derive(Default)]
    pub enum ArticleState {
        Published => "published",
        #[default]
        Draft => "draft",
    }
}

str_enum! {
    /// What an article's `parent_id` names: a top-level collection, or a section (a nested one).
    pub enum ParentKind {
        Collection => "collection",
        Section => "section",
    }
}

/// An article's parent as a request names it; `kind` is checked when given.
#[derive(Debug, Clone, Copy)]
pub struct ParentRef {
    pub id: i64,
    pub kind: Option<ParentKind>,
}

/// What an update does to the article's parent.
#[derive(Debug, Clone, Copy)]
pub enum ParentUpdate {
    Keep,
    /// Only `parent_type` was sent: the current parent must be of that kind.
    Check(ParentKind),
    /// `parent_id: null`: the article stands alone.
    Remove,
    Set(ParentRef),
}

/// `article_content`: one locale's content and its public URL.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleContent {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub content: Content,
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
    /// Switchboard has no Fin (2.16).
    pub fin_involvements: i64,
    pub fin_resolution_rate: f64,
    pub fin_resolutions: i64,
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
    /// The default locale's content.
    #[serde(flatten)]
    pub content: Content,
    pub url: Option<String>,
    pub default_locale: String,
    pub translated_content: Translated<ArticleContent>,
    /// The article's tags (2.14): Switchboard does not tag articles.
    pub tags: NamedList<Tag>,
    /// 2.16: no suggestion settings, help center audiences or scheduled publishing here.
    pub exclude_from_article_suggestions: bool,
    pub help_center_audience: Option<String>,
    pub scheduled_publish_at: Option<i64>,
    pub scheduled_unpublish_at: Option<i64>,
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
                (
                    locale.clone(),
                    ArticleContent { kind: "article_content", content: c.clone(), url: url(locale, c) },
                )
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
            content,
            url,
            default_locale,
            translated_content: Translated::new("article_translated_content", translated),
            tags: NamedList::new(Vec::new()),
            exclude_from_article_suggestions: false,
            help_center_audience: None,
            scheduled_publish_at: None,
            scheduled_unpublish_at: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
