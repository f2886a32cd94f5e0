//! Articles: one `articles` row (help center, parent, default locale) and one
//! `article_contents` row per locale.

use std::collections::{HashMap, HashSet};

use sea_query::{Alias, Cond, Expr, ExprTrait, JoinType, LikeExpr, Order, Query, SelectStatement};

use crate::domain::article::{
    AiAvailability, Article, ArticleInput, ArticleParts, ArticleSearch, ArticleState, Content, ParentKind,
    ParentRef, ParentUpdate, author_fields, normalize_phrase, plan_contents,
};
use crate::domain::error::Rejection;
use crate::domain::help_center::{HelpCenter, PageRequest};
use crate::store::backend::rows::row_struct;
use crate::store::help_centers::{self, default_help_center, parent_collection, with_site, workspace_code};
use crate::store::schema::admins::Admins;
use crate::store::schema::articles::{ArticleContentRow, ArticleContents, ArticleRow, Articles};
use crate::store::schema::help_centers::Collections;
use crate::store::search::{LIKE_ESCAPE, escape_like};
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

row_struct! {
    /// An article with what its API object needs from its parent and its help center.
    struct ArticleWithSite {
        article: ArticleRow,
        /// The parent's own parent: set when the parent is a section.
        grandparent_id: Option<i64>,
        identifier: String,
        custom_domain: Option<String>,
    }
}

impl ArticleWithSite {
    fn parent(&self) -> Option<(i64, ParentKind)> {
        let kind = if self.grandparent_id.is_some() { ParentKind::Section } else { ParentKind::Collection };
        self.article.parent_id.map(|id| (id, kind))
    }
}

impl From<ArticleContentRow> for Content {
    fn from(r: ArticleContentRow) -> Self {
        let ArticleContentRow {
            article_id: _,
            locale: _,
            workspace_id: _,
            title,
            description,
            body,
            author_id,
            state,
            created_at,
            updated_at,
            ai_chatbot_availability,
            ai_copilot_availability,
            ai_sales_agent_availability,
            body_markdown,
            created_by_id,
            updated_by_id,
        } = r;
        Content {
            title,
            description,
            body,
            author_id,
            state: ArticleState::parse(&state).unwrap_or_default(),
            created_at,
            updated_at,
            ai: AiAvailability {
                chatbot: ai_chatbot_availability,
                copilot: ai_copilot_availability,
                sales_agent: ai_sales_agent_availability,
            },
            body_markdown,
            created_by_id,
            updated_by_id,
            ..Content::default()
        }
    }
}

fn select() -> SelectStatement {
    let parent = Alias::new("parent");
    with_site(&mut Articles::select_rows(), (Articles::Table, Articles::HelpCenterId))
        .expr_as(Expr::col((parent.clone(), Collections::ParentId)), Alias::new("grandparent_id"))
        .join_as(
            JoinType::LeftJoin,
            Collections::Table,
            parent.clone(),
            Expr::col((parent, Collections::Id)).equals((Articles::Table, Articles::ParentId)),
        )
        .to_owned()
}

fn in_workspace(workspace_id: i64) -> Expr {
    Expr::col((Articles::Table, Articles::WorkspaceId)).eq(workspace_id)
}

/// Newest `updated_at` first, as Intercom lists articles.
fn newest_first(select: &mut SelectStatement) -> &mut SelectStatement {
    select
        .order_by((Articles::Table, Articles::UpdatedAt), Order::Desc)
        .order_by((Articles::Table, Articles::Id), Order::Desc)
}

/// A `LIKE` pattern matching `phrase` anywhere, its wildcards escaped.
fn contains_pattern(phrase: &str) -> LikeExpr {
    LikeExpr::new(format!("%{}%", escape_like(phrase))).escape(LIKE_ESCAPE)
}

fn search_condition(workspace_id: i64, search: &ArticleSearch) -> Cond {
    let mut cond = Cond::all().add(in_workspace(workspace_id));
    if let Some(help_center_id) = search.help_center_id {
        cond = cond.add(Expr::col((Articles::Table, Articles::HelpCenterId)).eq(help_center_id));
    }
    let phrase = search.phrase.as_deref().map(normalize_phrase).filter(|p| !p.is_empty());
    if phrase.is_some() || search.state.is_some() {
        let mut content = Query::select()
            .expr(Expr::val(1))
            .from(ArticleContents::Table)
            .and_where(
                Expr::col((ArticleContents::Table, ArticleContents::ArticleId))
                    .equals((Articles::Table, Articles::Id)),
            )
            .and_where(Expr::col((ArticleContents::Table, ArticleContents::WorkspaceId)).eq(workspace_id))
            .to_owned();
        if let Some(phrase) = phrase {
            content.and_where(
                Expr::col((ArticleContents::Table, ArticleContents::SearchText))
                    .like(contains_pattern(&phrase)),
            );
        }
        if let Some(state) = search.state {
            content.and_where(Expr::col((ArticleContents::Table, ArticleContents::State)).eq(state.as_str()));
        }
        cond = cond.add(Expr::exists(content));
    }
    cond
}

async fn contents(db: &mut impl Exec, workspace_id: i64, ids: &[i64]) -> StoreResult<Vec<ArticleContentRow>> {
    db.fetch_all(
        ArticleContents::select_rows()
            .where_eq(ArticleContents::WorkspaceId, workspace_id)
            .and_where(Expr::col(ArticleContents::ArticleId).is_in(ids.iter().copied())),
    )
    .await
}

/// The articles of `rows`, with their contents loaded in one query.
async fn load(
    db: &mut impl Exec,
    workspace_id: i64,
    rows: Vec<ArticleWithSite>,
) -> StoreResult<Vec<Article>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.article.id).collect();
    let mut by_article: HashMap<i64, Vec<(String, Content)>> = HashMap::new();
    for row in contents(db, workspace_id, &ids).await? {
        by_article.entry(row.article_id).or_default().push((row.locale.clone(), row.into()));
    }
    let code = workspace_code(db, workspace_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            Article::assemble(ArticleParts {
                id: r.article.id,
                workspace_code: code.clone(),
                site_url: HelpCenter::site_url(&r.identifier, r.custom_domain.as_deref()),
                parent: r.parent(),
                default_locale: r.article.default_locale.clone(),
                contents: by_article.remove(&r.article.id).unwrap_or_default(),
            })
        })
        .collect())
}

async fn row(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<ArticleWithSite> {
    db.fetch_one(select().and_where(in_workspace(workspace_id)).and_where(Articles::Id.col().eq(id))).await
}

async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<Article> {
    let row = row(db, workspace_id, id).await?;
    Ok(load(db, workspace_id, vec![row]).await?.remove(0))
}

/// The help center and kind of the collection or section a request names as parent.
async fn resolve_parent(
    db: &mut impl Exec,
    workspace_id: i64,
    parent: ParentRef,
) -> StoreResult<(i64, ParentKind)> {
    let found = parent_collection(db, workspace_id, parent.id).await?.ok_or_else(|| {
        let message = format!("parent_id {} names no collection or section in this workspace", parent.id);
        Rejection::invalid("parent_id", message)
    })?;
    let kind = if found.parent_id.is_some() { ParentKind::Section } else { ParentKind::Collection };
    match parent.kind {
        Some(asked) if asked != kind => Err(Rejection::invalid(
            "parent_type",
            format!("parent_id {} is a {}, not a {}", parent.id, kind.as_str(), asked.as_str()),
        )
        .into()),
        _ => Ok((found.help_center_id, kind)),
    }
}

/// Every author of `planned` must be an admin of the workspace.
async fn check_authors(
    db: &mut impl Exec,
    workspace_id: i64,
    planned: &[(String, Content)],
    default_locale: &str,
) -> StoreResult<()> {
    let wanted = author_fields(planned, default_locale);
    let ids: HashSet<i64> = wanted.iter().map(|(id, _)| *id).collect();
    let found: Vec<(i64,)> = db
        .fetch_all(
            Admins::select([Admins::Id])
                .where_eq(Admins::WorkspaceId, workspace_id)
                .and_where(Expr::col(Admins::Id).is_in(ids)),
        )
        .await?;
    let found: HashSet<i64> = found.into_iter().map(|(id,)| id).collect();
    match wanted.into_iter().find(|(id, _)| !found.contains(id)) {
        Some((id, field)) => {
            let message = format!("{field} {id} is not a teammate of this workspace");
            Err(Rejection::invalid(&field, message).into())
        }
        None => Ok(()),
    }
}

/// The columns of a content row that an update rewrites.
fn content_values(c: &Content) -> [(ArticleContents, Expr); 13] {
    [
        (ArticleContents::Title, c.title.clone().into()),
        (ArticleContents::Description, c.description.clone().into()),
        (ArticleContents::Body, c.body.clone().into()),
        (ArticleContents::AuthorId, c.author_id.into()),
        (ArticleContents::State, c.state.as_str().into()),
        (ArticleContents::SearchText, c.search_text().into()),
        (ArticleContents::UpdatedAt, c.updated_at.into()),
        (ArticleContents::AiChatbotAvailability, c.ai.chatbot.into()),
        (ArticleContents::AiCopilotAvailability, c.ai.copilot.into()),
        (ArticleContents::AiSalesAgentAvailability, c.ai.sales_agent.into()),
        (ArticleContents::BodyMarkdown, c.body_markdown.clone().into()),
        (ArticleContents::CreatedById, c.created_by_id.into()),
        (ArticleContents::UpdatedById, c.updated_by_id.into()),
    ]
}

/// Writes an article's content in `locale`: a new row, or (`exists`) new texts for its row.
async fn save_content(
    db: &mut impl Exec,
    workspace_id: i64,
    article_id: i64,
    locale: &str,
    c: &Content,
    exists: bool,
) -> StoreResult<()> {
    let texts = content_values(c);
    if exists {
        db.execute(
            ArticleContents::update(texts)
                .where_eq(ArticleContents::WorkspaceId, workspace_id)
                .where_eq(ArticleContents::ArticleId, article_id)
                .where_eq(ArticleContents::Locale, locale),
        )
        .await?;
    } else {
        let key = [
            (ArticleContents::ArticleId, article_id.into()),
            (ArticleContents::Locale, locale.into()),
            (ArticleContents::WorkspaceId, workspace_id.into()),
            (ArticleContents::CreatedAt, c.created_at.into()),
        ];
        db.execute(&ArticleContents::insert(key.into_iter().chain(texts))).await?;
    }
    Ok(())
}

/// Inserts an article (see [`Store::create_article`]) in the caller's transaction; its id.
pub(crate) async fn insert_article(
    tx: &mut impl Exec,
    workspace_id: i64,
    input: ArticleInput,
    parent: Option<ParentRef>,
) -> StoreResult<i64> {
    let help_center = match parent {
        Some(parent) => {
            let (help_center_id, _) = resolve_parent(tx, workspace_id, parent).await?;
            help_centers::help_center(tx, workspace_id, help_center_id).await?
        }
        None => default_help_center(tx, workspace_id).await?,
    };
    let locale = help_center.default_locale;
    let created_at = now();
    let planned = plan_contents(&[], input, &locale, false, created_at)?;
    check_authors(tx, workspace_id, &planned, &locale).await?;
    let id: i64 = tx
        .fetch_scalar(
            Articles::insert([
                (Articles::WorkspaceId, workspace_id.into()),
                (Articles::HelpCenterId, help_center.id.into()),
                (Articles::ParentId, parent.map(|p| p.id).into()),
                (Articles::DefaultLocale, locale.clone().into()),
                (Articles::CreatedAt, created_at.into()),
                (Articles::UpdatedAt, created_at.into()),
            ])
            .returning_col(Articles::Id),
        )
        .await?;
    for (locale, content) in &planned {
        save_content(tx, workspace_id, id, locale, content, false).await?;
    }
    Ok(id)
}

impl Store {
    /// One page of articles, most recently updated first, with the total.
    pub async fn list_articles(
        &self,
        workspace_id: i64,
        page: PageRequest,
    ) -> StoreResult<(Vec<Article>, i64)> {
        let mut conn = self.conn().await?;
        let total: i64 =
            conn.fetch_scalar(Articles::count(Articles::Id).and_where(in_workspace(workspace_id))).await?;
        let rows = conn
            .fetch_all(
                newest_first(select().and_where(in_workspace(workspace_id)))
                    .limit(page.per_page as u64)
                    .offset(page.offset()),
            )
            .await?;
        Ok((load(&mut conn, workspace_id, rows).await?, total))
    }

    /// One page of the articles a search matches, most recently updated first, with the total.
    pub async fn search_articles(
        &self,
        workspace_id: i64,
        search: &ArticleSearch,
    ) -> StoreResult<(Vec<Article>, i64)> {
        let mut conn = self.conn().await?;
        let cond = search_condition(workspace_id, search);
        let total: i64 = conn.fetch_scalar(Articles::count(Articles::Id).cond_where(cond.clone())).await?;
        let rows = conn
            .fetch_all(
                newest_first(select().cond_where(cond))
                    .limit(search.page.per_page as u64)
                    .offset(search.page.offset()),
            )
            .await?;
        Ok((load(&mut conn, workspace_id, rows).await?, total))
    }

    pub async fn get_article(&self, workspace_id: i64, id: i64) -> StoreResult<Article> {
        get(&mut self.conn().await?, workspace_id, id).await
    }

    /// Creates an article in its parent's help center (the default one if it stands alone),
    /// with a content row per locale.
    pub async fn create_article(
        &self,
        workspace_id: i64,
        input: ArticleInput,
        parent: Option<ParentRef>,
    ) -> StoreResult<Article> {
        let mut tx = self.begin().await?;
        let id = insert_article(&mut tx, workspace_id, input, parent).await?;
        let article = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(article)
    }

    /// Updates the contents a request names (adding new locales) and moves the article if asked.
    pub async fn update_article(
        &self,
        workspace_id: i64,
        id: i64,
        input: ArticleInput,
        parent: ParentUpdate,
    ) -> StoreResult<Article> {
        let mut tx = self.begin().await?;
        let current = row(&mut tx, workspace_id, id).await?;
        let kept = (current.article.parent_id, current.article.help_center_id);
        let (new_parent, help_center_id) = match parent {
            ParentUpdate::Keep => kept,
            ParentUpdate::Check(kind) => match current.parent() {
                Some((_, actual)) if actual == kind => kept,
                _ => {
                    let message = format!("the article's parent is not a {}", kind.as_str());
                    return Err(Rejection::invalid("parent_type", message).into());
                }
            },
            ParentUpdate::Remove => (None, current.article.help_center_id),
            ParentUpdate::Set(parent) => {
                let (help_center_id, _) = resolve_parent(&mut tx, workspace_id, parent).await?;
                (Some(parent.id), help_center_id)
            }
        };
        let current = current.article;
        let existing: Vec<(String, Content)> = contents(&mut tx, workspace_id, &[id])
            .await?
            .into_iter()
            .map(|r| (r.locale.clone(), r.into()))
            .collect();
        let moved = new_parent != current.parent_id;
        let locale = current.default_locale.clone();
        let planned = plan_contents(&existing, input, &locale, moved, now())?;
        if !planned.is_empty() {
            check_authors(&mut tx, workspace_id, &planned, &locale).await?;
        }
        for (l, content) in &planned {
            let exists = existing.iter().any(|(e, _)| e == l);
            save_content(&mut tx, workspace_id, id, l, content, exists).await?;
        }
        // The article's timestamps are its default content's.
        if let Some((_, default)) = planned.iter().find(|(l, _)| *l == locale) {
            tx.execute(
                Articles::update([
                    (Articles::ParentId, new_parent.into()),
                    (Articles::HelpCenterId, help_center_id.into()),
                    (Articles::UpdatedAt, default.updated_at.into()),
                ])
                .where_eq(Articles::WorkspaceId, workspace_id)
                .where_eq(Articles::Id, id),
            )
            .await?;
        }
        let article = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(article)
    }

    /// Deletes an article; its contents go with it (`ON DELETE CASCADE`).
    pub async fn delete_article(&self, workspace_id: i64, id: i64) -> StoreResult<()> {
        let delete = Articles::delete()
            .where_eq(Articles::WorkspaceId, workspace_id)
            .where_eq(Articles::Id, id)
            .take();
        self.conn().await?.execute_found(&delete).await
    }
}
