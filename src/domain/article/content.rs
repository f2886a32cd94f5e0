//! What a create or update says about an article's contents, and the content rows it writes.

use serde::Serialize;

use super::ArticleState;
use super::text::{markdown_to_html, normalize_body, search_text};
use crate::domain::error::{OrMissing, Rejection};
use crate::domain::help_center::required;

/// What a request says about one locale's content; an absent field is left as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub body: Option<String>,
    /// The body as markdown, instead of `body` (2.16).
    pub body_markdown: Option<String>,
    pub author_id: Option<i64>,
    pub state: Option<ArticleState>,
    pub ai_chatbot_availability: Option<bool>,
    pub ai_copilot_availability: Option<bool>,
    pub ai_sales_agent_availability: Option<bool>,
}

impl ContentInput {
    /// The fields of `over` where it has them, else those of `self`.
    pub fn overlay(self, over: ContentInput) -> ContentInput {
        // A body, in either form, comes whole from one side.
        let (body, body_markdown) =
            if over.sets_body() { (over.body, over.body_markdown) } else { (self.body, self.body_markdown) };
        ContentInput {
            title: over.title.or(self.title),
            description: over.description.or(self.description),
            body,
            body_markdown,
            author_id: over.author_id.or(self.author_id),
            state: over.state.or(self.state),
            ai_chatbot_availability: over.ai_chatbot_availability.or(self.ai_chatbot_availability),
            ai_copilot_availability: over.ai_copilot_availability.or(self.ai_copilot_availability),
            ai_sales_agent_availability: over
                .ai_sales_agent_availability
                .or(self.ai_sales_agent_availability),
        }
    }

    fn sets_body(&self) -> bool {
        self.body.is_some() || self.body_markdown.is_some()
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
    /// The admin making the request: the contents it writes are theirs (`created_by_id`,
    /// `updated_by_id`).
    pub editor: Option<i64>,
}

/// One locale's content as stored, and as `article_content` and `article` show it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Content {
    pub title: String,
    pub description: String,
    pub body: String,
    pub author_id: i64,
    pub state: ArticleState,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(flatten)]
    pub ai: AiAvailability,
    /// The markdown the body was made from; `None` when it was sent as HTML.
    pub body_markdown: Option<String>,
    pub created_by_id: Option<i64>,
    pub updated_by_id: Option<i64>,
    /// 2.16 fields Switchboard has nothing to feed: there are no audiences or staged drafts.
    pub audience_ids: Vec<i64>,
    pub draft_updated_at: Option<i64>,
    pub has_unpublished_changes: bool,
}

/// Whether Fin, Copilot and the sales agent may use the content (2.16): yes, unless a request
/// says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AiAvailability {
    #[serde(rename = "ai_chatbot_availability")]
    pub chatbot: bool,
    #[serde(rename = "ai_copilot_availability")]
    pub copilot: bool,
    #[serde(rename = "ai_sales_agent_availability")]
    pub sales_agent: bool,
}

impl Default for AiAvailability {
    fn default() -> Self {
        AiAvailability { chatbot: true, copilot: true, sales_agent: true }
    }
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

fn apply(
    content: &mut Content,
    input: ContentInput,
    field: &dyn Fn(&str) -> String,
) -> Result<(), Rejection> {
    if let Some(title) = input.title {
        if title.trim().is_empty() {
            return Err(Rejection::invalid(&field("title"), format!("{} can't be blank", field("title"))));
        }
        content.title = title;
    }
    if let Some(description) = input.description {
        content.description = description;
    }
    match (input.body, input.body_markdown) {
        (Some(_), Some(_)) => {
            let message = format!("{} and {} are mutually exclusive", field("body"), field("body_markdown"));
            return Err(Rejection::invalid(&field("body_markdown"), message));
        }
        (Some(body), None) => {
            content.body = normalize_body(&body);
            content.body_markdown = None;
        }
        (None, Some(markdown)) => {
            content.body = normalize_body(&markdown_to_html(&markdown));
            content.body_markdown = Some(markdown);
        }
        (None, None) => {}
    }
    if let Some(author_id) = input.author_id {
        content.author_id = author_id;
    }
    if let Some(state) = input.state {
        content.state = state;
    }
    if let Some(available) = input.ai_chatbot_availability {
        content.ai.chatbot = available;
    }
    if let Some(available) = input.ai_copilot_availability {
        content.ai.copilot = available;
    }
    if let Some(available) = input.ai_sales_agent_availability {
        content.ai.sales_agent = available;
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
) -> Result<Vec<(String, Content)>, Rejection> {
    let editor = input.editor;
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
                required(
                    f,
                    format!("{f} must be in the main body or default locale translated_content object"),
                )
            };
            let title = main.title.clone().ok_or_else(|| required("title"))?;
            let author_id = main.author_id.ok_or_else(|| required("author_id"))?;
            let mut content = Content {
                title,
                author_id,
                created_at: now,
                updated_at: now,
                created_by_id: editor,
                ..Content::default()
            };
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
                let title = input.title.clone().or_missing(&field("title"))?;
                // A new translation is by the article's author unless it names its own.
                let mut content = Content {
                    title,
                    author_id: default.author_id,
                    created_at: now,
                    updated_at: now,
                    created_by_id: editor,
                    ..Content::default()
                };
                apply(&mut content, input, &field)?;
                content
            }
        };
        planned.push((locale, content));
    }
    for (_, content) in &mut planned {
        content.updated_by_id = editor;
    }
    Ok(planned)
}

/// Every author id `planned` names, with the request field to blame if it is unknown.
pub fn author_fields(planned: &[(String, Content)], default_locale: &str) -> Vec<(i64, String)> {
    planned.iter().map(|(locale, c)| (c.author_id, field_name(locale, default_locale, "author_id"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::ErrorCode;

    fn input(title: &str, author: Option<i64>) -> ContentInput {
        ContentInput { title: Some(title.into()), author_id: author, ..Default::default() }
    }

    #[test]
    fn create_needs_title_and_author_in_main_or_default_locale() {
        let err =
            plan_contents(&[], ArticleInput { main: input("T", None), ..Default::default() }, "en", false, 1)
                .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("author_id"));
        assert_eq!(err.code, ErrorCode::ParameterNotFound);
        assert_eq!(
            err.message,
            "author_id must be in the main body or default locale translated_content object"
        );

        let translated = ArticleInput {
            main: ContentInput { author_id: Some(5), ..Default::default() },
            translations: vec![("en".into(), input("English", None)), ("fr".into(), input("Français", None))],
            editor: Some(9),
        };
        let planned = plan_contents(&[], translated, "en", false, 10).unwrap();
        assert_eq!(planned.len(), 2);
        assert_eq!(planned[0].0, "en");
        assert_eq!(planned[0].1.title, "English");
        assert_eq!(planned[1].1.author_id, 5, "a translation defaults to the article's author");
        assert_eq!(planned[1].1.state, ArticleState::Draft);
        assert_eq!((planned[1].1.created_by_id, planned[1].1.updated_by_id), (Some(9), Some(9)));
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
        assert_eq!(err.field.as_deref(), Some("translated_content.de.title"));

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
        let err = plan_contents(&existing, blank, "en", false, 5).unwrap_err();
        assert_eq!((err.field.as_deref(), err.code), (Some("title"), ErrorCode::ParameterInvalid));
    }
}
