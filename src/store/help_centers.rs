//! Help centers and their collections (sections are collections with a parent).
//!
//! Every workspace has a default help center: its first, made on first use (see
//! [`default_help_center`]), since Intercom creates help centers only in its UI.

use std::collections::BTreeMap;

use sea_query::{Expr, ExprTrait, IntoColumnRef, Order, Query, SelectStatement};

use crate::domain::error::Rejection;
use crate::domain::help_center::{
    Collection, CollectionInput, DEFAULT_ICON, DEFAULT_LOCALE, GroupContent, GroupText, HelpCenter,
    PageRequest, Translated, id_slug, plan_group, slug,
};
use crate::store::backend::rows::row_struct;
use crate::store::schema::help_centers::{CollectionRow, Collections, HelpCenterRow, HelpCenters};
use crate::store::schema::workspaces::Workspaces;
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

/// `default_id`: the workspace's default help center (its first).
fn help_center_into_domain(row: HelpCenterRow, workspace_code: &str, default_id: i64) -> HelpCenter {
    let HelpCenterRow {
        id,
        workspace_id: _,
        identifier,
        display_name,
        website_turned_on,
        custom_domain,
        default_locale,
        created_at,
        updated_at,
    } = row;
    HelpCenter {
        url: HelpCenter::site_url(&identifier, custom_domain.as_deref()),
        id,
        workspace_id: workspace_code.to_owned(),
        created_at,
        updated_at,
        identifier,
        website_turned_on,
        display_name,
        custom_domain,
        default: id == default_id,
        locales: vec![default_locale],
    }
}

fn select_help_centers(workspace_id: i64) -> SelectStatement {
    HelpCenters::select_rows()
        .where_eq(HelpCenters::WorkspaceId, workspace_id)
        .order_by(HelpCenters::Id, Order::Asc)
        .take()
}

/// The `id_code` that names a workspace in API objects.
pub(crate) async fn workspace_code(db: &mut impl Exec, workspace_id: i64) -> StoreResult<String> {
    db.fetch_scalar(Workspaces::select([Workspaces::IdCode]).where_eq(Workspaces::Id, workspace_id)).await
}

pub(crate) async fn help_center(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
) -> StoreResult<HelpCenterRow> {
    db.fetch_one(select_help_centers(workspace_id).where_eq(HelpCenters::Id, id)).await
}

/// The workspace's first help center, created (named after the workspace, not yet turned on)
/// if it has none. The insert is a no-op when a concurrent request made it first.
pub(crate) async fn default_help_center(db: &mut impl Exec, workspace_id: i64) -> StoreResult<HelpCenterRow> {
    let first = select_help_centers(workspace_id).limit(1).to_owned();
    if let Some(row) = db.fetch_optional(&first).await? {
        return Ok(row);
    }
    let name: String = db
        .fetch_scalar(Workspaces::select([Workspaces::Name]).where_eq(Workspaces::Id, workspace_id))
        .await?;
    let identifier = match slug(&name) {
        s if s.is_empty() => "help-center".to_owned(),
        s => s,
    };
    let created_at = now();
    db.execute(&HelpCenters::insert_or_ignore(
        [
            (HelpCenters::WorkspaceId, workspace_id.into()),
            (HelpCenters::Identifier, identifier.into()),
            (HelpCenters::DisplayName, name.into()),
            (HelpCenters::DefaultLocale, DEFAULT_LOCALE.into()),
            (HelpCenters::CreatedAt, created_at.into()),
            (HelpCenters::UpdatedAt, created_at.into()),
        ],
        [HelpCenters::WorkspaceId, HelpCenters::Identifier],
    ))
    .await?;
    db.fetch_one(&first).await
}

row_struct! {
    /// A collection with the site of its help center, which its URL needs.
    struct CollectionWithSite {
        collection: CollectionRow,
        identifier: String,
        custom_domain: Option<String>,
    }
}

/// A collection's default text and its other locales'.
fn texts(row: &CollectionRow) -> (GroupText, BTreeMap<String, GroupText>) {
    let default = GroupText { name: row.name.clone(), description: row.description.clone() };
    (default, serde_json::from_str(&row.translations).unwrap_or_default())
}

impl CollectionWithSite {
    fn into_domain(self, workspace_code: &str) -> Collection {
        let (default, others) = texts(&self.collection);
        let CollectionWithSite { collection, identifier, custom_domain } = self;
        let CollectionRow {
            id,
            workspace_id: _,
            help_center_id,
            parent_id,
            name,
            description,
            icon,
            sort_order,
            default_locale,
            translations: _,
            created_at,
            updated_at,
        } = collection;
        let site = HelpCenter::site_url(&identifier, custom_domain.as_deref());
        let mut entries =
            vec![(default_locale.clone(), GroupContent::new(default.name, default.description))];
        entries
            .extend(others.into_iter().map(|(locale, t)| (locale, GroupContent::new(t.name, t.description))));
        Collection {
            url: format!("{site}/{default_locale}/collections/{}", id_slug(id, &name)),
            id,
            workspace_id: workspace_code.to_owned(),
            name,
            order: sort_order,
            created_at,
            updated_at,
            description,
            icon,
            parent_id: parent_id.map(|id| id.to_string()),
            help_center_id,
            default_locale,
            translated_content: Translated::new("group_translated_content", entries),
        }
    }
}

/// Joins the help center that `help_center_id` names and reads what its site URL needs
/// (`identifier`, `custom_domain`).
pub(crate) fn with_site(
    select: &mut SelectStatement,
    help_center_id: impl IntoColumnRef,
) -> &mut SelectStatement {
    select
        .columns([
            (HelpCenters::Table, HelpCenters::Identifier),
            (HelpCenters::Table, HelpCenters::CustomDomain),
        ])
        .inner_join(HelpCenters::Table, HelpCenters::Id.col().equals(help_center_id))
}

fn select_collections(workspace_id: i64) -> SelectStatement {
    with_site(&mut Collections::select_rows(), (Collections::Table, Collections::HelpCenterId))
        .and_where(Collections::WorkspaceId.col().eq(workspace_id))
        .to_owned()
}

async fn collection_row(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<CollectionWithSite> {
    db.fetch_one(select_collections(workspace_id).and_where(Collections::Id.col().eq(id))).await
}

/// A collection an article or another collection may name as its parent.
pub(crate) struct ParentCollection {
    pub help_center_id: i64,
    /// Set for a section: the collection it sits in.
    pub parent_id: Option<i64>,
}

pub(crate) async fn parent_collection(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
) -> StoreResult<Option<ParentCollection>> {
    let row: Option<(i64, Option<i64>)> = db
        .fetch_optional(
            Collections::select([Collections::HelpCenterId, Collections::ParentId])
                .where_eq(Collections::WorkspaceId, workspace_id)
                .where_eq(Collections::Id, id),
        )
        .await?;
    Ok(row.map(|(help_center_id, parent_id)| ParentCollection { help_center_id, parent_id }))
}

/// The next `order` among the collections that share a parent (or are top-level) in a help center.
async fn next_order(db: &mut impl Exec, help_center_id: i64, parent_id: Option<i64>) -> StoreResult<i64> {
    let parent = match parent_id {
        Some(id) => Expr::col(Collections::ParentId).eq(id),
        None => Expr::col(Collections::ParentId).is_null(),
    };
    let max: Option<i64> = db
        .fetch_scalar(
            Query::select()
                .expr(Expr::col(Collections::SortOrder).max())
                .from(Collections::Table)
                .where_eq(Collections::HelpCenterId, help_center_id)
                .and_where(parent),
        )
        .await?;
    Ok(max.unwrap_or(0) + 1)
}

fn unknown_parent(id: i64) -> Rejection {
    Rejection::invalid("parent_id", format!("parent_id {id} names no collection in this workspace"))
}

impl Store {
    pub async fn list_help_centers(
        &self,
        workspace_id: i64,
        page: PageRequest,
    ) -> StoreResult<Vec<HelpCenter>> {
        let mut conn = self.conn().await?;
        let default_id = default_help_center(&mut conn, workspace_id).await?.id;
        let code = workspace_code(&mut conn, workspace_id).await?;
        let rows: Vec<HelpCenterRow> = conn
            .fetch_all(select_help_centers(workspace_id).limit(page.per_page as u64).offset(page.offset()))
            .await?;
        Ok(rows.into_iter().map(|r| help_center_into_domain(r, &code, default_id)).collect())
    }

    pub async fn get_help_center(&self, workspace_id: i64, id: i64) -> StoreResult<HelpCenter> {
        let mut conn = self.conn().await?;
        let row = help_center(&mut conn, workspace_id, id).await?;
        let default_id = default_help_center(&mut conn, workspace_id).await?.id;
        Ok(help_center_into_domain(row, &workspace_code(&mut conn, workspace_id).await?, default_id))
    }

    /// One page of collections and sections, most recently updated first, with the total.
    pub async fn list_collections(
        &self,
        workspace_id: i64,
        page: PageRequest,
    ) -> StoreResult<(Vec<Collection>, i64)> {
        let mut conn = self.conn().await?;
        let total: i64 = conn
            .fetch_scalar(
                Collections::count(Collections::Id).where_eq(Collections::WorkspaceId, workspace_id),
            )
            .await?;
        let rows: Vec<CollectionWithSite> = conn
            .fetch_all(
                select_collections(workspace_id)
                    .order_by((Collections::Table, Collections::UpdatedAt), Order::Desc)
                    .order_by((Collections::Table, Collections::Id), Order::Desc)
                    .limit(page.per_page as u64)
                    .offset(page.offset()),
            )
            .await?;
        let code = workspace_code(&mut conn, workspace_id).await?;
        Ok((rows.into_iter().map(|r| r.into_domain(&code)).collect(), total))
    }

    pub async fn get_collection(&self, workspace_id: i64, id: i64) -> StoreResult<Collection> {
        let mut conn = self.conn().await?;
        let row = collection_row(&mut conn, workspace_id, id).await?;
        Ok(row.into_domain(&workspace_code(&mut conn, workspace_id).await?))
    }

    /// Creates a collection (a section if it has a parent) at the end of its siblings.
    pub async fn create_collection(
        &self,
        workspace_id: i64,
        input: CollectionInput,
    ) -> StoreResult<Collection> {
        let mut tx = self.begin().await?;
        let parent_id = input.parent_id.flatten();
        let help_center = match (parent_id, input.help_center_id) {
            (Some(parent_id), requested) => {
                let parent = parent_collection(&mut tx, workspace_id, parent_id)
                    .await?
                    .ok_or(unknown_parent(parent_id))?;
                if requested.is_some_and(|id| id != parent.help_center_id) {
                    return Err(Rejection::invalid(
                        "help_center_id",
                        format!(
                            "help_center_id must be that of the parent collection ({})",
                            parent.help_center_id
                        ),
                    )
                    .into());
                }
                help_center(&mut tx, workspace_id, parent.help_center_id).await?
            }
            (None, Some(id)) => match help_center(&mut tx, workspace_id, id).await {
                Err(StoreError::NotFound(_)) => {
                    let message = format!("help_center_id {id} names no help center in this workspace");
                    return Err(Rejection::invalid("help_center_id", message).into());
                }
                other => other?,
            },
            (None, None) => default_help_center(&mut tx, workspace_id).await?,
        };
        let (default, others) =
            plan_group(None, input.main, input.translations, &help_center.default_locale)?;
        let order = next_order(&mut tx, help_center.id, parent_id).await?;
        let created_at = now();
        let id: i64 = tx
            .fetch_scalar(
                Collections::insert([
                    (Collections::WorkspaceId, workspace_id.into()),
                    (Collections::HelpCenterId, help_center.id.into()),
                    (Collections::ParentId, parent_id.into()),
                    (Collections::Name, default.name.into()),
                    (Collections::Description, default.description.into()),
                    (Collections::Icon, DEFAULT_ICON.into()),
                    (Collections::SortOrder, order.into()),
                    (Collections::DefaultLocale, help_center.default_locale.clone().into()),
                    (Collections::Translations, serde_json::to_string(&others).unwrap_or_default().into()),
                    (Collections::CreatedAt, created_at.into()),
                    (Collections::UpdatedAt, created_at.into()),
                ])
                .returning_col(Collections::Id),
            )
            .await?;
        let created = collection_row(&mut tx, workspace_id, id).await?;
        let code = workspace_code(&mut tx, workspace_id).await?;
        tx.commit().await?;
        Ok(created.into_domain(&code))
    }

    /// Updates a collection's texts and, if asked, moves it to another parent of its help
    /// center (never into itself or one of its own sections).
    pub async fn update_collection(
        &self,
        workspace_id: i64,
        id: i64,
        input: CollectionInput,
    ) -> StoreResult<Collection> {
        let mut tx = self.begin().await?;
        let current = collection_row(&mut tx, workspace_id, id).await?.collection;
        if input.help_center_id.is_some_and(|h| h != current.help_center_id) {
            let message = "a collection cannot be moved to another help center";
            return Err(Rejection::invalid("help_center_id", message).into());
        }
        let mut parent_id = current.parent_id;
        let mut order = current.sort_order;
        if let Some(new_parent) = input.parent_id.filter(|p| *p != current.parent_id) {
            if let Some(new_parent) = new_parent {
                let parent = parent_collection(&mut tx, workspace_id, new_parent)
                    .await?
                    .ok_or(unknown_parent(new_parent))?;
                if parent.help_center_id != current.help_center_id {
                    let message = "parent_id must name a collection of the same help center";
                    return Err(Rejection::invalid("parent_id", message).into());
                }
                // Walk up from the new parent: meeting this collection would make a cycle.
                let mut ancestor = Some(new_parent);
                while let Some(at) = ancestor {
                    if at == id {
                        let message = "a collection cannot be moved into itself or one of its sections";
                        return Err(Rejection::invalid("parent_id", message).into());
                    }
                    ancestor = parent_collection(&mut tx, workspace_id, at).await?.and_then(|p| p.parent_id);
                }
            }
            parent_id = new_parent;
            order = next_order(&mut tx, current.help_center_id, parent_id).await?;
        }
        let (default, others) =
            plan_group(Some(texts(&current)), input.main, input.translations, &current.default_locale)?;
        tx.execute(
            Collections::update([
                (Collections::ParentId, parent_id.into()),
                (Collections::SortOrder, order.into()),
                (Collections::Name, default.name.into()),
                (Collections::Description, default.description.into()),
                (Collections::Translations, serde_json::to_string(&others).unwrap_or_default().into()),
                (Collections::UpdatedAt, now().into()),
            ])
            .where_eq(Collections::WorkspaceId, workspace_id)
            .where_eq(Collections::Id, id),
        )
        .await?;
        let updated = collection_row(&mut tx, workspace_id, id).await?;
        let code = workspace_code(&mut tx, workspace_id).await?;
        tx.commit().await?;
        Ok(updated.into_domain(&code))
    }

    /// Deletes a collection with its sections; their articles stay, standing alone (the
    /// foreign keys cascade to sections and set the articles' parent to NULL, in one statement).
    pub async fn delete_collection(&self, workspace_id: i64, id: i64) -> StoreResult<()> {
        let delete = Collections::delete()
            .where_eq(Collections::WorkspaceId, workspace_id)
            .where_eq(Collections::Id, id)
            .take();
        self.conn().await?.execute_found(&delete).await
    }
}
