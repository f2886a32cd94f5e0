//! Ticket types, their attributes, and ticket states. Every workspace has Intercom's default
//! states for each category, written the first time anything asks for states.

use std::collections::HashMap;

use sea_query::{Expr, ExprTrait, Order, Query};
use serde_json::{Map, Value as Json};

use crate::domain::error::{Missing, Rejection};
use crate::domain::pages::{List, NamedList};
use crate::domain::ticket::attributes::{
    AttributeDef, DEFAULT_ATTRIBUTES, DataType, OptionsChange, input_options,
};
use crate::domain::ticket::requests::{AttributeChange, TypeChange};
use crate::domain::ticket::{
    Category, DEFAULT_STATES, StateCategory, TicketState, TicketStateDetailed, TicketType,
    TicketTypeAttribute, TypeSummary,
};
use crate::store::schema::tickets::{
    TicketStateRow, TicketStates, TicketTypeAttributeRow, TicketTypeAttributes, TicketTypeRow, TicketTypes,
    Tickets,
};
use crate::store::schema::workspaces::Workspaces;
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

/// The workspace's public id, which types and attributes show as `workspace_id`.
pub(crate) async fn workspace_code(db: &mut impl Exec, workspace_id: i64) -> StoreResult<String> {
    db.fetch_scalar(Workspaces::select([Workspaces::IdCode]).where_eq(Workspaces::Id, workspace_id)).await
}

/// Writes the default states of a workspace that has none yet (in the caller's transaction).
pub(crate) async fn ensure_states(db: &mut impl Exec, workspace_id: i64) -> StoreResult<()> {
    let count: i64 = db
        .fetch_scalar(TicketStates::count(TicketStates::Id).where_eq(TicketStates::WorkspaceId, workspace_id))
        .await?;
    if count > 0 {
        return Ok(());
    }
    for category in Category::ALL {
        for (order, (state, internal, external)) in DEFAULT_STATES.iter().enumerate() {
            db.execute(&TicketStates::insert_or_ignore(
                [
                    (TicketStates::WorkspaceId, workspace_id.into()),
                    (TicketStates::TicketCategory, category.as_str().into()),
                    (TicketStates::Category, state.as_str().into()),
                    (TicketStates::InternalLabel, (*internal).into()),
                    (TicketStates::ExternalLabel, (*external).into()),
                    (TicketStates::SortOrder, (order as i64).into()),
                    (TicketStates::Archived, false.into()),
                ],
                [TicketStates::WorkspaceId, TicketStates::TicketCategory, TicketStates::InternalLabel],
            ))
            .await?;
        }
    }
    Ok(())
}

/// Every state of the workspace, by category and order.
pub(crate) async fn states(db: &mut impl Exec, workspace_id: i64) -> StoreResult<Vec<TicketStateRow>> {
    db.fetch_all(
        TicketStates::select_rows()
            .where_eq(TicketStates::WorkspaceId, workspace_id)
            .order_by(TicketStates::SortOrder, Order::Asc)
            .order_by(TicketStates::Id, Order::Asc),
    )
    .await
}

/// A state of the workspace by id, if there is one.
pub(crate) async fn state_row(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
) -> StoreResult<Option<TicketStateRow>> {
    db.fetch_optional(
        TicketStates::select_rows()
            .where_eq(TicketStates::WorkspaceId, workspace_id)
            .where_eq(TicketStates::Id, id),
    )
    .await
}

pub(crate) fn state(row: &TicketStateRow) -> TicketState {
    TicketState {
        kind: "ticket_state",
        id: row.id,
        category: StateCategory::parse(&row.category).unwrap_or(StateCategory::Submitted),
        internal_label: row.internal_label.clone(),
        external_label: row.external_label.clone(),
    }
}

pub(crate) fn category(raw: &str) -> Category {
    Category::parse(raw).unwrap_or(Category::Customer)
}

/// The type `id` of the workspace, or "Ticket type not found".
pub(crate) async fn type_row(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<TicketTypeRow> {
    db.fetch_optional(
        TicketTypes::select_rows()
            .where_eq(TicketTypes::WorkspaceId, workspace_id)
            .where_eq(TicketTypes::Id, id),
    )
    .await?
    .ok_or(StoreError::NotFound(Missing::TicketType))
}

/// The attributes of the types `ids`, each type's in their order.
pub(crate) async fn attribute_rows(
    db: &mut impl Exec,
    ids: &[i64],
) -> StoreResult<Vec<TicketTypeAttributeRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    db.fetch_all(
        TicketTypeAttributes::select_rows()
            .and_where(TicketTypeAttributes::TicketTypeId.col().is_in(ids.iter().copied()))
            .order_by(TicketTypeAttributes::SortOrder, Order::Asc)
            .order_by(TicketTypeAttributes::Id, Order::Asc),
    )
    .await
}

fn options(raw: &str) -> Map<String, Json> {
    serde_json::from_str(raw).unwrap_or_default()
}

/// The attributes as the check of a ticket's values needs them.
pub(crate) fn defs(rows: &[TicketTypeAttributeRow]) -> Vec<AttributeDef> {
    rows.iter()
        .map(|r| AttributeDef {
            name: r.name.clone(),
            data_type: DataType::parse(&r.data_type).unwrap_or(DataType::String),
            input_options: options(&r.input_options),
            required_to_create: r.required_to_create,
            archived: r.archived,
        })
        .collect()
}

fn attribute(r: TicketTypeAttributeRow, code: &str) -> TicketTypeAttribute {
    TicketTypeAttribute {
        kind: "ticket_type_attribute",
        id: r.id,
        workspace_id: code.to_owned(),
        data_type: DataType::parse(&r.data_type).unwrap_or(DataType::String),
        input_options: options(&r.input_options),
        name: r.name,
        description: r.description,
        order: r.sort_order,
        required_to_create: r.required_to_create,
        required_to_create_for_contacts: r.required_to_create_for_contacts,
        visible_on_create: r.visible_on_create,
        visible_to_contacts: r.visible_to_contacts,
        default: r.is_default,
        ticket_type_id: r.ticket_type_id,
        archived: r.archived,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

pub(crate) fn summary(r: &TicketTypeRow) -> TypeSummary {
    TypeSummary {
        kind: "ticket_type",
        id: r.id,
        name: r.name.clone(),
        description: r.description.clone(),
        icon: r.icon.clone(),
        archived: r.archived,
        is_internal: r.is_internal,
        category: category(&r.category),
    }
}

/// Whole ticket types: their attributes, and the states of their category.
pub(crate) async fn render(
    db: &mut impl Exec,
    workspace_id: i64,
    rows: Vec<TicketTypeRow>,
) -> StoreResult<Vec<TicketType>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // Creating a type writes the states; this only fills in for a workspace restored without.
    ensure_states(db, workspace_id).await?;
    let code = workspace_code(db, workspace_id).await?;
    let all_states = states(db, workspace_id).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut attributes: HashMap<i64, Vec<TicketTypeAttribute>> = HashMap::new();
    for row in attribute_rows(db, &ids).await? {
        attributes.entry(row.ticket_type_id).or_default().push(attribute(row, &code));
    }
    Ok(rows
        .into_iter()
        .map(|r| TicketType {
            kind: "ticket_type",
            id: r.id,
            ticket_type_attributes: NamedList::new(attributes.remove(&r.id).unwrap_or_default()),
            ticket_states: List::new(
                all_states
                    .iter()
                    .filter(|s| s.ticket_category == r.category && !s.archived)
                    .map(state)
                    .collect(),
            ),
            category: category(&r.category),
            name: r.name,
            description: r.description,
            icon: r.icon,
            workspace_id: code.clone(),
            archived: r.archived,
            created_at: r.created_at,
            updated_at: r.updated_at,
            is_internal: r.is_internal,
        })
        .collect())
}

pub(crate) async fn get_type(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<TicketType> {
    let row = type_row(db, workspace_id, id).await?;
    Ok(render(db, workspace_id, vec![row]).await?.remove(0))
}

/// A new attribute row: what the request sets, and what the store decides.
struct NewAttribute<'a> {
    change: &'a AttributeChange,
    data_type: DataType,
    options: &'a Map<String, Json>,
    order: i64,
    is_default: bool,
}

async fn insert_attribute(
    db: &mut impl Exec,
    workspace_id: i64,
    type_id: i64,
    new: NewAttribute<'_>,
) -> StoreResult<i64> {
    use TicketTypeAttributes as A;
    let NewAttribute { change, data_type, options, order, is_default } = new;
    let at = now();
    let inserted = db
        .fetch_scalar(
            A::insert([
                (A::WorkspaceId, workspace_id.into()),
                (A::TicketTypeId, type_id.into()),
                (A::Name, change.name.clone().unwrap_or_default().into()),
                (A::Description, change.description.clone().unwrap_or_default().into()),
                (A::DataType, data_type.as_str().into()),
                (A::InputOptions, Json::Object(options.clone()).to_string().into()),
                (A::SortOrder, order.into()),
                (A::RequiredToCreate, change.required_to_create.unwrap_or(false).into()),
                (
                    A::RequiredToCreateForContacts,
                    change.required_to_create_for_contacts.unwrap_or(false).into(),
                ),
                (A::VisibleOnCreate, change.visible_on_create.unwrap_or(true).into()),
                (A::VisibleToContacts, change.visible_to_contacts.unwrap_or(true).into()),
                (A::IsDefault, is_default.into()),
                (A::Archived, false.into()),
                (A::CreatedAt, at.into()),
                (A::UpdatedAt, at.into()),
            ])
            .returning_col(A::Id),
        )
        .await;
    match inserted {
        Err(StoreError::Conflict { .. }) => Err(name_taken()),
        other => other,
    }
}

fn name_taken() -> StoreError {
    Rejection::invalid("name", "An attribute with this name already exists on this ticket type").into()
}

async fn name_in_use(db: &mut impl Exec, type_id: i64, name: &str, other_than: i64) -> StoreResult<bool> {
    let found: Option<(i64,)> = db
        .fetch_optional(
            TicketTypeAttributes::select([TicketTypeAttributes::Id])
                .where_eq(TicketTypeAttributes::TicketTypeId, type_id)
                .where_eq(TicketTypeAttributes::Name, name)
                .and_where(TicketTypeAttributes::Id.col().ne(other_than)),
        )
        .await?;
    Ok(found.is_some())
}

impl Store {
    pub async fn list_ticket_types(&self, workspace_id: i64) -> StoreResult<Vec<TicketType>> {
        let mut conn = self.conn().await?;
        let rows: Vec<TicketTypeRow> = conn
            .fetch_all(
                TicketTypes::select_rows()
                    .where_eq(TicketTypes::WorkspaceId, workspace_id)
                    .order_by(TicketTypes::Id, Order::Asc),
            )
            .await?;
        render(&mut conn, workspace_id, rows).await
    }

    pub async fn get_ticket_type(&self, workspace_id: i64, id: i64) -> StoreResult<TicketType> {
        get_type(&mut self.conn().await?, workspace_id, id).await
    }

    /// A new type with the two default attributes.
    pub async fn create_ticket_type(&self, workspace_id: i64, new: &TypeChange) -> StoreResult<TicketType> {
        let mut tx = self.begin().await?;
        let id = Self::insert_ticket_type(&mut tx, workspace_id, new).await?;
        let created = get_type(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Writes a new type with the two default attributes in the caller's transaction; its id.
    pub(crate) async fn insert_ticket_type(
        tx: &mut impl Exec,
        workspace_id: i64,
        new: &TypeChange,
    ) -> StoreResult<i64> {
        let at = now();
        let id: i64 = tx
            .fetch_scalar(
                TicketTypes::insert([
                    (TicketTypes::WorkspaceId, workspace_id.into()),
                    (TicketTypes::Category, new.category.unwrap_or(Category::Customer).as_str().into()),
                    (TicketTypes::Name, new.name.clone().unwrap_or_default().into()),
                    (TicketTypes::Description, new.description.clone().unwrap_or_default().into()),
                    (TicketTypes::Icon, new.icon.clone().unwrap_or_default().into()),
                    (TicketTypes::IsInternal, new.is_internal.unwrap_or(false).into()),
                    (TicketTypes::Archived, new.archived.unwrap_or(false).into()),
                    (TicketTypes::CreatedAt, at.into()),
                    (TicketTypes::UpdatedAt, at.into()),
                ])
                .returning_col(TicketTypes::Id),
            )
            .await?;
        for (order, (name, multiline)) in DEFAULT_ATTRIBUTES.iter().enumerate() {
            let change = AttributeChange { name: Some((*name).to_owned()), ..AttributeChange::default() };
            let options = input_options(
                DataType::String,
                &Map::new(),
                &OptionsChange { multiline: Some(*multiline), ..OptionsChange::default() },
                true,
            )?;
            let new = NewAttribute {
                change: &change,
                data_type: DataType::String,
                options: &options,
                order: order as i64,
                is_default: true,
            };
            insert_attribute(tx, workspace_id, id, new).await?;
        }
        Ok(id)
    }

    /// Changes a type's fields. Its category cannot change once tickets of it exist: their
    /// states are the category's.
    pub async fn update_ticket_type(
        &self,
        workspace_id: i64,
        id: i64,
        change: &TypeChange,
    ) -> StoreResult<TicketType> {
        let mut tx = self.begin().await?;
        let row = type_row(&mut tx, workspace_id, id).await?;
        let mut values = vec![(TicketTypes::UpdatedAt, now().into())];
        if let Some(category) = change.category.filter(|c| c.as_str() != row.category) {
            let used: Option<(i64,)> = tx
                .fetch_optional(
                    Tickets::select([Tickets::ConversationId]).where_eq(Tickets::TicketTypeId, id).limit(1),
                )
                .await?;
            if used.is_some() {
                return Err(Rejection::invalid(
                    "category",
                    "The category of a ticket type with tickets cannot change",
                )
                .into());
            }
            values.push((TicketTypes::Category, category.as_str().into()));
        }
        let text = |v: &Option<String>| v.clone().map(Expr::val);
        for (column, value) in [
            (TicketTypes::Name, text(&change.name)),
            (TicketTypes::Description, text(&change.description)),
            (TicketTypes::Icon, text(&change.icon)),
            (TicketTypes::IsInternal, change.is_internal.map(Expr::val)),
            (TicketTypes::Archived, change.archived.map(Expr::val)),
        ] {
            if let Some(value) = value {
                values.push((column, value));
            }
        }
        tx.execute(TicketTypes::update(values).where_eq(TicketTypes::Id, id)).await?;
        let updated = get_type(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// A new attribute, after the type's others.
    pub async fn create_ticket_type_attribute(
        &self,
        workspace_id: i64,
        type_id: i64,
        change: &AttributeChange,
    ) -> StoreResult<TicketTypeAttribute> {
        let mut tx = self.begin().await?;
        let id = Self::insert_ticket_type_attribute(&mut tx, workspace_id, type_id, change).await?;
        let code = workspace_code(&mut tx, workspace_id).await?;
        let row = attribute_rows(&mut tx, &[type_id]).await?.into_iter().find(|r| r.id == id);
        tx.commit().await?;
        Ok(attribute(row.ok_or(StoreError::NotFound(Missing::Resource))?, &code))
    }

    /// Writes a new attribute, after the type's others, in the caller's transaction; its id.
    pub(crate) async fn insert_ticket_type_attribute(
        tx: &mut impl Exec,
        workspace_id: i64,
        type_id: i64,
        change: &AttributeChange,
    ) -> StoreResult<i64> {
        let data_type = change.data_type.unwrap_or(DataType::String);
        let options = input_options(data_type, &Map::new(), &change.options, true)?;
        type_row(tx, workspace_id, type_id).await?;
        if name_in_use(tx, type_id, change.name.as_deref().unwrap_or_default(), 0).await? {
            return Err(name_taken());
        }
        let last: Option<i64> = tx
            .fetch_scalar(
                Query::select()
                    .expr(TicketTypeAttributes::SortOrder.col().max())
                    .from(TicketTypeAttributes::Table)
                    .and_where(TicketTypeAttributes::TicketTypeId.col().eq(type_id)),
            )
            .await?;
        let order = last.map_or(0, |o| o + 1);
        let new = NewAttribute { change, data_type, options: &options, order, is_default: false };
        insert_attribute(tx, workspace_id, type_id, new).await
    }

    /// Changes an attribute. The default attributes keep their name and cannot be archived;
    /// no attribute changes its data type.
    pub async fn update_ticket_type_attribute(
        &self,
        workspace_id: i64,
        type_id: i64,
        id: i64,
        change: &AttributeChange,
    ) -> StoreResult<TicketTypeAttribute> {
        use TicketTypeAttributes as A;
        let mut tx = self.begin().await?;
        type_row(&mut tx, workspace_id, type_id).await?;
        let row = attribute_rows(&mut tx, &[type_id])
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(StoreError::NotFound(Missing::Resource))?;
        let data_type = DataType::parse(&row.data_type).unwrap_or(DataType::String);
        if change.data_type.is_some_and(|d| d != data_type) {
            return Err(Rejection::invalid("data_type", "The data type of an attribute cannot change").into());
        }
        if row.is_default
            && (change.archived == Some(true) || change.name.as_ref().is_some_and(|n| *n != row.name))
        {
            return Err(
                Rejection::invalid("name", "A default attribute cannot be renamed or archived").into()
            );
        }
        if let Some(name) = &change.name
            && name_in_use(&mut tx, type_id, name, id).await?
        {
            return Err(name_taken());
        }
        let options = input_options(data_type, &options(&row.input_options), &change.options, false)?;
        let mut values =
            vec![(A::UpdatedAt, now().into()), (A::InputOptions, Json::Object(options).to_string().into())];
        let text = |v: &Option<String>| v.clone().map(Expr::val);
        let flag = |v: Option<bool>| v.map(Expr::val);
        for (column, value) in [
            (A::Name, text(&change.name)),
            (A::Description, text(&change.description)),
            (A::RequiredToCreate, flag(change.required_to_create)),
            (A::RequiredToCreateForContacts, flag(change.required_to_create_for_contacts)),
            (A::VisibleOnCreate, flag(change.visible_on_create)),
            (A::VisibleToContacts, flag(change.visible_to_contacts)),
            (A::Archived, flag(change.archived)),
        ] {
            if let Some(value) = value {
                values.push((column, value));
            }
        }
        tx.execute(A::update(values).where_eq(A::Id, id)).await?;
        let code = workspace_code(&mut tx, workspace_id).await?;
        let row = attribute_rows(&mut tx, &[type_id]).await?.into_iter().find(|r| r.id == id);
        tx.commit().await?;
        Ok(attribute(row.ok_or(StoreError::NotFound(Missing::Resource))?, &code))
    }

    /// Every state of the workspace, each with the types of its category.
    pub async fn list_ticket_states(&self, workspace_id: i64) -> StoreResult<Vec<TicketStateDetailed>> {
        let mut tx = self.begin().await?;
        ensure_states(&mut tx, workspace_id).await?;
        let rows = states(&mut tx, workspace_id).await?;
        let types: Vec<TicketTypeRow> = tx
            .fetch_all(
                TicketTypes::select_rows()
                    .where_eq(TicketTypes::WorkspaceId, workspace_id)
                    .order_by(TicketTypes::Id, Order::Asc),
            )
            .await?;
        tx.commit().await?;
        let mut rows = rows;
        // Grouped by ticket category, then in each category's order.
        rows.sort_by_key(|r| {
            (Category::ALL.iter().position(|c| c.as_str() == r.ticket_category), r.sort_order, r.id)
        });
        Ok(rows
            .iter()
            .map(|r| TicketStateDetailed {
                state: state(r),
                archived: r.archived,
                ticket_types: List::new(
                    types.iter().filter(|t| t.category == r.ticket_category).map(summary).collect(),
                ),
            })
            .collect())
    }
}
