//! Conversation attributes (`/conversations/attributes`, 2.16): rows of `data_attributes` of
//! model `conversation`, with the settings only they have. Renaming an attribute or one of a
//! list's options carries the conversations' values along, in the same transaction.

use sea_query::{Expr, ExprTrait, Order};
use uuid::Uuid;

use crate::domain::data_attribute::conversation::{
    AttributeOption, AttributeType, ConversationAttribute, ConversationAttributeChanges,
    NewConversationAttribute, not_a_list, refused,
};
use crate::domain::data_attribute::{
    AttributeWriteRejection, DataType, MIN_OPTIONS, Model, NewDataAttribute,
};
use crate::domain::error::Missing;
use crate::store::data_attributes::{insert, named, options_json, select};
use crate::store::schema::conversations::Conversations;
use crate::store::schema::data_attributes::{DataAttributeRow, DataAttributes};
use crate::store::{Backend, Exec, Store, StoreResult, WhereEq, now};

/// A list's options with their ids. Options written before ids were stored (by the CLI, or
/// by `PUT /data_attributes`) get ids from the attribute's id and their place, which stay the
/// same until the options are next written, when they are stored.
fn list_options(row: &DataAttributeRow) -> Vec<AttributeOption> {
    if let Some(stored) = row.list_options.as_deref().and_then(|o| serde_json::from_str(o).ok()) {
        return stored;
    }
    let labels: Vec<String> =
        row.options.as_deref().and_then(|o| serde_json::from_str(o).ok()).unwrap_or_default();
    labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| AttributeOption {
            id: Uuid::from_u64_pair(row.id as u64, i as u64).to_string(),
            label,
            archived: false,
        })
        .collect()
}

fn attribute_type(row: &DataAttributeRow) -> AttributeType {
    row.conversation_data_type.as_deref().and_then(AttributeType::parse).unwrap_or_else(|| {
        AttributeType::derived(
            DataType::parse(&row.data_type).unwrap_or(DataType::String),
            row.options.is_some(),
        )
    })
}

impl From<DataAttributeRow> for ConversationAttribute {
    fn from(row: DataAttributeRow) -> Self {
        let data_type = attribute_type(&row);
        ConversationAttribute {
            kind: "conversation_attribute",
            id: row.id,
            description: row.description.clone(),
            data_type,
            required: row.required,
            visible_to_team_ids: serde_json::from_str::<Vec<i64>>(&row.visible_to_team_ids)
                .unwrap_or_default()
                .iter()
                .map(i64::to_string)
                .collect(),
            archived: row.archived,
            created_at: row.created_at,
            updated_at: row.updated_at,
            admin_id: row.admin_id,
            multiline: (data_type == AttributeType::String).then_some(row.multiline),
            options: (data_type == AttributeType::List).then(|| list_options(&row)),
            reference: match data_type {
                AttributeType::Relationship => {
                    row.reference.as_deref().and_then(|r| serde_json::from_str(r).ok())
                }
                _ => None,
            },
            name: row.name,
        }
    }
}

/// The workspace's conversation attribute `id`, or `conversation_attribute_not_found`.
async fn row(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<DataAttributeRow> {
    let found: Option<DataAttributeRow> = db
        .fetch_optional(
            select(workspace_id)
                .where_eq(DataAttributes::Id, id)
                .where_eq(DataAttributes::Model, Model::Conversation.as_str()),
        )
        .await?;
    Ok(found.ok_or(Missing::ConversationAttribute)?)
}

/// Every team id must be a team of the workspace.
async fn check_teams(db: &mut impl Exec, workspace_id: i64, teams: &[i64]) -> StoreResult<()> {
    for team in teams {
        crate::store::conversations::check_team(db, workspace_id, *team).await?;
    }
    Ok(())
}

fn team_ids_json(teams: &[i64]) -> String {
    serde_json::to_string(teams).unwrap_or_else(|_| "[]".into())
}

/// Stores a list's options: with their ids, and the live labels that values are checked against.
async fn save_options(db: &mut impl Exec, id: i64, options: &[AttributeOption]) -> StoreResult<()> {
    let live: Vec<String> = options.iter().filter(|o| !o.archived).map(|o| o.label.clone()).collect();
    db.execute(
        DataAttributes::update([
            (DataAttributes::ListOptions, serde_json::to_string(options).unwrap_or_default().into()),
            (DataAttributes::Options, options_json(&Some(live)).into()),
            (DataAttributes::UpdatedAt, now().into()),
        ])
        .where_eq(DataAttributes::Id, id),
    )
    .await?;
    Ok(())
}

/// A JSON path to the key `name` (names hold no quotes: see `name_problem`).
fn path(name: &str) -> String {
    format!("$.\"{name}\"")
}

/// Moves the conversations' values of the attribute `from` to the name `to`. (Placeholders:
/// `$n` for PostgreSQL, `?` for SQLite, as sea-query reads custom SQL for each.)
async fn rename_values(db: &mut impl Exec, workspace_id: i64, from: &str, to: &str) -> StoreResult<()> {
    let (value, holds) = match db.backend() {
        Backend::Postgres => (
            Expr::cust_with_values(
                "(custom_attributes - $1) || jsonb_build_object($2::text, custom_attributes -> $3)",
                [from, to, from],
            ),
            Expr::cust_with_values("jsonb_exists(custom_attributes, $1)", [from]),
        ),
        Backend::Sqlite => (
            Expr::cust_with_values(
                "json_set(json_remove(custom_attributes, ?), ?, json(custom_attributes -> ?))",
                [path(from), path(to), path(from)],
            ),
            Expr::cust_with_values("json_type(custom_attributes, ?) IS NOT NULL", [path(from)]),
        ),
    };
    db.execute(
        Conversations::update([(Conversations::CustomAttributes, value)])
            .where_eq(Conversations::WorkspaceId, workspace_id)
            .and_where(holds),
    )
    .await?;
    Ok(())
}

/// Changes the conversations' value `from` of the list attribute `name` to `to`.
async fn relabel_values(
    db: &mut impl Exec,
    workspace_id: i64,
    name: &str,
    from: &str,
    to: &str,
) -> StoreResult<()> {
    let (value, holds) = match db.backend() {
        Backend::Postgres => (
            Expr::cust_with_values("custom_attributes || jsonb_build_object($1::text, $2::text)", [name, to]),
            // Served by the GIN index on custom_attributes.
            Expr::cust_with_values(
                "custom_attributes @> jsonb_build_object($1::text, $2::text)",
                [name, from],
            ),
        ),
        Backend::Sqlite => (
            Expr::cust_with_values("json_set(custom_attributes, ?, ?)", [path(name), to.to_owned()]),
            Expr::cust_with_values("json_extract(custom_attributes, ?) = ?", [path(name), from.to_owned()]),
        ),
    };
    db.execute(
        Conversations::update([(Conversations::CustomAttributes, value)])
            .where_eq(Conversations::WorkspaceId, workspace_id)
            .and_where(holds),
    )
    .await?;
    Ok(())
}

/// An admin closes a conversation only once its required attributes have values.
pub(crate) async fn check_required(
    db: &mut impl Exec,
    workspace_id: i64,
    values: &serde_json::Map<String, serde_json::Value>,
) -> StoreResult<()> {
    let required: Vec<(String,)> = db
        .fetch_all(
            DataAttributes::select([DataAttributes::Name])
                .where_eq(DataAttributes::WorkspaceId, workspace_id)
                .where_eq(DataAttributes::Model, Model::Conversation.as_str())
                .where_eq(DataAttributes::Required, true)
                .where_eq(DataAttributes::Archived, false)
                .order_by(DataAttributes::Id, Order::Asc),
        )
        .await?;
    match required.into_iter().find(|(name,)| values.get(name).is_none_or(serde_json::Value::is_null)) {
        Some((name,)) => Err(crate::domain::error::Rejection::invalid(
            "custom_attributes",
            format!("The conversation attribute '{name}' is required before the conversation can be closed"),
        )
        .into()),
        None => Ok(()),
    }
}

impl Store {
    /// The workspace's conversation attributes, oldest first.
    pub async fn list_conversation_attributes(
        &self,
        workspace_id: i64,
        include_archived: bool,
    ) -> StoreResult<Vec<ConversationAttribute>> {
        let mut q = select(workspace_id).where_eq(DataAttributes::Model, Model::Conversation.as_str()).take();
        if !include_archived {
            q.and_where(DataAttributes::Archived.col().eq(false));
        }
        let rows: Vec<DataAttributeRow> =
            self.conn().await?.fetch_all(q.order_by(DataAttributes::Id, Order::Asc)).await?;
        Ok(rows.into_iter().map(ConversationAttribute::from).collect())
    }

    pub async fn get_conversation_attribute(
        &self,
        workspace_id: i64,
        id: i64,
    ) -> StoreResult<ConversationAttribute> {
        Ok(row(&mut self.conn().await?, workspace_id, id).await?.into())
    }

    /// Creates a conversation attribute; its name must be free among all the workspace's
    /// attributes.
    pub async fn create_conversation_attribute(
        &self,
        workspace_id: i64,
        admin_id: i64,
        new: &NewConversationAttribute,
    ) -> StoreResult<ConversationAttribute> {
        let mut tx = self.begin().await?;
        check_teams(&mut tx, workspace_id, &new.visible_to_team_ids).await?;
        let list = new.data_type == AttributeType::List;
        let base = NewDataAttribute {
            name: new.name.clone(),
            model: Model::Conversation,
            data_type: new.data_type.data_type(),
            description: new.description.clone(),
            options: list.then(|| new.options.clone()),
            messenger_writable: false,
        };
        let id = insert(&mut tx, workspace_id, admin_id, &base).await?;
        let options: Option<String> = list.then(|| {
            let options: Vec<AttributeOption> = new
                .options
                .iter()
                .map(|label| AttributeOption {
                    id: Uuid::new_v4().to_string(),
                    label: label.clone(),
                    archived: false,
                })
                .collect();
            serde_json::to_string(&options).unwrap_or_default()
        });
        tx.execute(
            DataAttributes::update([
                (DataAttributes::ConversationDataType, new.data_type.as_str().into()),
                (DataAttributes::Required, new.required.into()),
                (DataAttributes::VisibleToTeamIds, team_ids_json(&new.visible_to_team_ids).into()),
                (DataAttributes::Multiline, new.multiline.into()),
                (
                    DataAttributes::Reference,
                    new.reference.as_ref().map(|r| serde_json::to_string(r).unwrap_or_default()).into(),
                ),
                (DataAttributes::ListOptions, options.into()),
            ])
            .where_eq(DataAttributes::Id, id),
        )
        .await?;
        let created = row(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(created.into())
    }

    /// Changes a conversation attribute's settings; a new name carries its values along.
    pub async fn update_conversation_attribute(
        &self,
        workspace_id: i64,
        id: i64,
        changes: &ConversationAttributeChanges,
    ) -> StoreResult<ConversationAttribute> {
        let mut tx = self.begin().await?;
        let current = row(&mut tx, workspace_id, id).await?;
        let data_type = attribute_type(&current);
        if changes.multiline.is_some() && data_type != AttributeType::String {
            return Err(refused("multiline", "multiline can only be set on string attributes").into());
        }
        if changes.reference.is_some() && data_type != AttributeType::Relationship {
            return Err(refused("reference", "reference can only be set on relationship attributes").into());
        }
        let mut values = vec![(DataAttributes::UpdatedAt, Expr::val(now()))];
        if let Some(name) = changes.name.as_ref().filter(|n| **n != current.name) {
            if let Some((taken, model)) = named(&mut tx, workspace_id, name, Some(id)).await? {
                let existing = Model::parse(&model).unwrap_or(Model::Conversation);
                let taken =
                    AttributeWriteRejection::Taken { name: taken, existing, asked: Model::Conversation };
                return Err(crate::store::data_attributes::refused(taken));
            }
            rename_values(&mut tx, workspace_id, &current.name, name).await?;
            values.push((DataAttributes::Name, name.clone().into()));
        }
        if let Some(description) = &changes.description {
            values.push((DataAttributes::Description, description.clone().into()));
        }
        if let Some(multiline) = changes.multiline {
            values.push((DataAttributes::Multiline, multiline.into()));
        }
        if let Some(required) = changes.required {
            values.push((DataAttributes::Required, required.into()));
        }
        if let Some(teams) = &changes.visible_to_team_ids {
            check_teams(&mut tx, workspace_id, teams).await?;
            values.push((DataAttributes::VisibleToTeamIds, team_ids_json(teams).into()));
        }
        if let Some(reference) = &changes.reference {
            values.push((
                DataAttributes::Reference,
                serde_json::to_string(reference).unwrap_or_default().into(),
            ));
        }
        tx.execute(DataAttributes::update(values).where_eq(DataAttributes::Id, id)).await?;
        let updated = row(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(updated.into())
    }

    /// Archives a conversation attribute: it stays listed with `include_archived`, and
    /// conversations can no longer be given values for it.
    pub async fn archive_conversation_attribute(
        &self,
        workspace_id: i64,
        id: i64,
    ) -> StoreResult<ConversationAttribute> {
        let mut tx = self.begin().await?;
        row(&mut tx, workspace_id, id).await?;
        tx.execute(
            DataAttributes::update([
                (DataAttributes::Archived, true.into()),
                (DataAttributes::UpdatedAt, now().into()),
            ])
            .where_eq(DataAttributes::Id, id),
        )
        .await?;
        let archived = row(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(archived.into())
    }

    /// Adds (`option_id` `None`) or relabels an option of a list attribute. A new label must
    /// not be another live option's; a relabelled option's values follow it.
    pub async fn write_attribute_option(
        &self,
        workspace_id: i64,
        id: i64,
        option_id: Option<&str>,
        label: &str,
    ) -> StoreResult<ConversationAttribute> {
        let mut tx = self.begin().await?;
        let current = row(&mut tx, workspace_id, id).await?;
        if attribute_type(&current) != AttributeType::List {
            return Err(not_a_list().into());
        }
        let mut options = list_options(&current);
        if options.iter().any(|o| !o.archived && o.label == label && Some(o.id.as_str()) != option_id) {
            return Err(
                refused("label", format!("The attribute already has an option labelled '{label}'")).into()
            );
        }
        match option_id {
            None => options.push(AttributeOption {
                id: Uuid::new_v4().to_string(),
                label: label.to_owned(),
                archived: false,
            }),
            Some(option_id) => {
                let option = options
                    .iter_mut()
                    .find(|o| o.id == option_id)
                    .ok_or(Missing::ConversationAttributeOption)?;
                if option.label != label {
                    relabel_values(&mut tx, workspace_id, &current.name, &option.label, label).await?;
                    option.label = label.to_owned();
                }
            }
        }
        save_options(&mut tx, id, &options).await?;
        let updated = row(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(updated.into())
    }

    /// Archives an option of a list attribute; at least [`MIN_OPTIONS`] must stay live.
    /// Conversations keep the value they have.
    pub async fn archive_attribute_option(
        &self,
        workspace_id: i64,
        id: i64,
        option_id: &str,
    ) -> StoreResult<ConversationAttribute> {
        let mut tx = self.begin().await?;
        let current = row(&mut tx, workspace_id, id).await?;
        if attribute_type(&current) != AttributeType::List {
            return Err(not_a_list().into());
        }
        let mut options = list_options(&current);
        let live = options.iter().filter(|o| !o.archived).count();
        let option =
            options.iter_mut().find(|o| o.id == option_id).ok_or(Missing::ConversationAttributeOption)?;
        if !option.archived {
            if live <= MIN_OPTIONS {
                return Err(
                    refused("option_id", "A list attribute must have at least 2 active options").into()
                );
            }
            option.archived = true;
        }
        save_options(&mut tx, id, &options).await?;
        let updated = row(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(updated.into())
    }
}
