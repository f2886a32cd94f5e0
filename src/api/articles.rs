//! Articles: `/articles`, `/articles/{id}`, `/articles/search`.

use axum::Router;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::AppState;
use super::extract::{Ctx, Id, Json, Query, Reply};
use super::params::{NumericId, PageParams, translations};
use crate::domain::article::{
    Article, ArticleInput, ArticleSearch, ArticleSearchResponse, ArticleState, ContentInput, ParentKind,
    ParentRef, ParentUpdate, SearchData, search_highlights,
};
use crate::domain::help_center::Deleted;
use crate::domain::nullable::present;
use crate::domain::pages::{CursorList, List};
use crate::error::{ApiError, ApiResult, Missing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/articles", get(list).post(create))
        .route("/articles/search", get(search))
        .route("/articles/{article_id}", get(retrieve).put(update).delete(delete))
}

/// Documented: "How many results to display per page. Defaults to 15".
const DEFAULT_PER_PAGE: u64 = 15;
/// The spec's search example shows pages of 10.
const DEFAULT_SEARCH_PER_PAGE: u64 = 10;

fn parse_state(field: &str, raw: Option<String>) -> ApiResult<Option<ArticleState>> {
    raw.map(|raw| {
        ArticleState::parse(&raw)
            .ok_or_else(|| ApiError::invalid(field, format!("{field} must be one of published, draft")))
    })
    .transpose()
}

/// `article_content` in a request. Its read-only fields (`type`, `created_at`, `updated_at`,
/// `url`) may be sent back as read; the server sets them.
#[derive(Deserialize)]
struct ContentBody {
    title: Option<String>,
    description: Option<String>,
    body: Option<String>,
    author_id: Option<NumericId>,
    state: Option<String>,
    #[serde(flatten)]
    later: Later,
}

/// What 2.16 adds to a content in a request.
#[derive(Deserialize)]
struct Later {
    ai_chatbot_availability: Option<bool>,
    ai_copilot_availability: Option<bool>,
    ai_sales_agent_availability: Option<bool>,
    audience_ids: Option<Vec<i64>>,
    body_markdown: Option<String>,
}

impl ContentBody {
    fn into_input(self, field: &dyn Fn(&str) -> String) -> ApiResult<ContentInput> {
        // Switchboard has no audiences: "Unknown audience IDs return a 404 error".
        if self.later.audience_ids.is_some_and(|ids| !ids.is_empty()) {
            return Err(Missing::Resource.into());
        }
        Ok(ContentInput {
            title: self.title,
            description: self.description,
            body: self.body,
            body_markdown: self.later.body_markdown,
            author_id: self.author_id.map(|id| id.0),
            state: parse_state(&field("state"), self.state)?,
            ai_chatbot_availability: self.later.ai_chatbot_availability,
            ai_copilot_availability: self.later.ai_copilot_availability,
            ai_sales_agent_availability: self.later.ai_sales_agent_availability,
        })
    }
}

/// `create_article_request` and `update_article_request_body`.
#[derive(Deserialize)]
struct ArticleBody {
    title: Option<String>,
    description: Option<String>,
    body: Option<String>,
    author_id: Option<NumericId>,
    state: Option<String>,
    #[serde(default, deserialize_with = "present")]
    parent_id: Option<Option<NumericId>>,
    parent_type: Option<String>,
    translated_content: Option<Map<String, Value>>,
    #[serde(flatten)]
    later: Later,
    /// Switchboard does not schedule publishing: only `null` (no schedule) is accepted.
    #[serde(default, deserialize_with = "present")]
    scheduled_publish_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    scheduled_unpublish_at: Option<Option<String>>,
}

impl ArticleBody {
    /// `editor`: the admin making the request.
    fn into_parts(self, editor: i64) -> ApiResult<(ArticleInput, Option<Option<i64>>, Option<ParentKind>)> {
        for (field, value) in [
            ("scheduled_publish_at", &self.scheduled_publish_at),
            ("scheduled_unpublish_at", &self.scheduled_unpublish_at),
        ] {
            if matches!(value, Some(Some(_))) {
                return Err(ApiError::invalid(field, format!("{field} is not supported by this server")));
            }
        }
        let parent_kind = self
            .parent_type
            .map(|raw| {
                ParentKind::parse(&raw).ok_or_else(|| {
                    ApiError::invalid("parent_type", "parent_type must be collection or section")
                })
            })
            .transpose()?;
        let mut translated = Vec::new();
        for (locale, content) in
            translations::<ContentBody>(self.translated_content, "article_translated_content")?
        {
            let input = content.into_input(&|f| format!("translated_content.{locale}.{f}"))?;
            translated.push((locale, input));
        }
        let main = ContentBody {
            title: self.title,
            description: self.description,
            body: self.body,
            author_id: self.author_id,
            state: self.state,
            later: self.later,
        };
        let input = ArticleInput {
            main: main.into_input(&|f| f.to_owned())?,
            translations: translated,
            editor: Some(editor),
        };
        Ok((input, self.parent_id.map(|p| p.map(|id| id.0)), parent_kind))
    }
}

impl ArticleBody {
    /// What `POST /articles` creates: the contents and the parent.
    fn new_article(self, editor: i64) -> ApiResult<(ArticleInput, Option<ParentRef>)> {
        let (input, parent_id, kind) = self.into_parts(editor)?;
        let parent = match (parent_id.flatten(), kind) {
            (Some(id), kind) => Some(ParentRef { id, kind }),
            (None, Some(_)) => return Err(ApiError::missing("parent_id")),
            (None, None) => None,
        };
        Ok((input, parent))
    }
}

/// operationId: listArticles
async fn list(ctx: Ctx, Query(params): Query<PageParams>) -> Reply<CursorList<Article>> {
    let page = params.parse(DEFAULT_PER_PAGE)?;
    let (data, total_count) = ctx.store.list_articles(ctx.workspace_id, page).await?;
    Ok(Json(List::paged(data, total_count, page.pages(total_count))))
}

/// operationId: createArticle
async fn create(ctx: Ctx, Json(body): Json<ArticleBody>) -> Reply<Article> {
    let (input, parent) = body.new_article(ctx.admin_id)?;
    Ok(Json(ctx.store.create_article(ctx.workspace_id, input, parent).await?))
}

/// Reads a `POST /articles` body as the endpoint does, for writers that bypass HTTP (fixtures).
pub(crate) fn new_article(body: &[u8], editor: i64) -> ApiResult<(ArticleInput, Option<ParentRef>)> {
    super::extract::parse_json::<ArticleBody>(body)?.new_article(editor)
}

/// operationId: retrieveArticle
async fn retrieve(ctx: Ctx, Id(id): Id) -> Reply<Article> {
    Ok(Json(ctx.store.get_article(ctx.workspace_id, id).await?))
}

/// operationId: updateArticle
async fn update(ctx: Ctx, Id(id): Id, Json(body): Json<ArticleBody>) -> Reply<Article> {
    let (input, parent_id, kind) = body.into_parts(ctx.admin_id)?;
    let parent = match (parent_id, kind) {
        (Some(Some(id)), kind) => ParentUpdate::Set(ParentRef { id, kind }),
        (Some(None), _) => ParentUpdate::Remove,
        (None, Some(kind)) => ParentUpdate::Check(kind),
        (None, None) => ParentUpdate::Keep,
    };
    Ok(Json(ctx.store.update_article(ctx.workspace_id, id, input, parent).await?))
}

/// operationId: deleteArticle
async fn delete(ctx: Ctx, Id(id): Id) -> Reply<Deleted> {
    ctx.store.delete_article(ctx.workspace_id, id).await?;
    Ok(Json(Deleted { id: id.to_string(), object: "article", deleted: true }))
}

#[derive(Deserialize)]
struct SearchParams {
    phrase: Option<String>,
    state: Option<String>,
    help_center_id: Option<String>,
    highlight: Option<String>,
    #[serde(flatten)]
    page: PageParams,
}

/// operationId: searchArticles
async fn search(ctx: Ctx, Query(params): Query<SearchParams>) -> Reply<ArticleSearchResponse> {
    let article_state = match params.state.as_deref() {
        None | Some("all") => None,
        Some(raw) => Some(
            ArticleState::parse(raw)
                .ok_or_else(|| ApiError::invalid("state", "state must be one of published, draft or all"))?,
        ),
    };
    let help_center_id = params
        .help_center_id
        .map(|raw| {
            raw.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::invalid("help_center_id", "help_center_id must be an integer"))
        })
        .transpose()?;
    let highlight = match params.highlight.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid("highlight", "highlight must be true or false")),
    };
    let page = params.page.parse(DEFAULT_SEARCH_PER_PAGE)?;
    let query = ArticleSearch { phrase: params.phrase, state: article_state, help_center_id, page };
    let (articles, total_count) = ctx.store.search_articles(ctx.workspace_id, &query).await?;
    let highlights = if highlight {
        let phrase = query.phrase.as_deref().unwrap_or_default();
        articles.iter().map(|a| search_highlights(a, phrase, article_state)).collect()
    } else {
        Vec::new()
    };
    Ok(Json(ArticleSearchResponse {
        kind: "list",
        total_count,
        data: SearchData { articles, highlights },
        pages: page.pages(total_count),
    }))
}
