//! Custom data attributes of a workspace (the built-in ones live in the domain).

use sea_query::{Expr, ExprTrait, Func, Order};

use crate::domain::data_attribute::{
    self, AttributeWriteRejection, DataAttribute, DataAttributeChanges, DataType, Model, NewDataAttribute,
};
use crate::domain::error::{Missing, Rejection};
use crate::domain::segment::{self, SegmentModel};
use crate::store::schema::data_attributes::{DataAttributeRow, DataAttributes};
use crate::store::search::saved_segments as segments;
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

impl From<DataAttributeRow> for DataAttribute {
    fn from(r: DataAttributeRow) -> Self {
        DataAttribute {
            id: Some(r.id),
            kind: "data_attribute",
            full_name: DataAttribute::custom_full_name(&r.name),
            label: r.name.clone(),
            name: r.name,
            description: r.description,
            data_type: DataType::parse(&r.data_type).unwrap_or(DataType::String),
            options: r.options.and_then(|o| serde_json::from_str(&o).ok()),
            api_writable: true,
            ui_writable: false,
            messenger_writable: r.messenger_writable,
            custom: true,
            archived: r.archived,
            admin_id: r.admin_id,
            created_at: Some(r.created_at),
            updated_at: Some(r.updated_at),
            model: Model::parse(&r.model).unwrap_or(Model::Contact),
        }
    }
}

pub(crate) fn select(workspace_id: i64) -> sea_query::SelectStatement {
    DataAttributes::select_rows()
        .where_eq(DataAttributes::WorkspaceId, workspace_id)
        .order_by(DataAttributes::Id, Order::Asc)
        .take()
}

/// The custom attributes of `model`, archived ones included (their values stay searchable).
pub(crate) async fn custom(
    db: &mut impl Exec,
    workspace_id: i64,
    model: Model,
) -> StoreResult<Vec<DataAttribute>> {
    let rows: Vec<DataAttributeRow> =
        db.fetch_all(select(workspace_id).where_eq(DataAttributes::Model, model.as_str())).await?;
    Ok(rows.into_iter().map(DataAttribute::from).collect())
}

/// A custom attribute of the workspace, or `NotFound(DataAttribute)`.
async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<DataAttribute> {
    let row: Option<DataAttributeRow> =
        db.fetch_optional(select(workspace_id).where_eq(DataAttributes::Id, id)).await?;
    Ok(row.ok_or(Missing::DataAttribute)?.into())
}

/// A write the attribute's rules refuse.
pub(crate) fn refused(rejection: AttributeWriteRejection) -> crate::store::StoreError {
    Rejection::from(rejection).into()
}

pub(crate) fn options_json(options: &Option<Vec<String>>) -> Option<String> {
    options.as_ref().map(|o| serde_json::to_string(o).unwrap_or_default())
}

/// Whether another attribute of the workspace (any model) is named `name`, ignoring case:
/// its name and model.
pub(crate) async fn named(
    db: &mut impl Exec,
    workspace_id: i64,
    name: &str,
    except: Option<i64>,
) -> StoreResult<Option<(String, String)>> {
    let mut q = DataAttributes::select([DataAttributes::Name, DataAttributes::Model])
        .where_eq(DataAttributes::WorkspaceId, workspace_id)
        .and_where(
            Expr::expr(Func::lower(Expr::col(DataAttributes::Name)))
                .eq(Func::lower(Expr::val(name.to_owned()))),
        )
        .take();
    if let Some(id) = except {
        q.and_where(DataAttributes::Id.col().ne(id));
    }
    db.fetch_optional(&q).await
}

/// Inserts a custom attribute, refusing a name the workspace already has; returns its id.
pub(crate) async fn insert(
    db: &mut impl Exec,
    workspace_id: i64,
    admin_id: i64,
    new: &NewDataAttribute,
) -> StoreResult<i64> {
    if let Some((name, model)) = named(db, workspace_id, &new.name, None).await? {
        let existing = Model::parse(&model).unwrap_or(new.model);
        return Err(refused(AttributeWriteRejection::Taken { name, existing, asked: new.model }));
    }
    let at = now();
    db.fetch_scalar(
        DataAttributes::insert([
            (DataAttributes::WorkspaceId, workspace_id.into()),
            (DataAttributes::Model, new.model.as_str().into()),
            (DataAttributes::Name, new.name.clone().into()),
            (DataAttributes::Description, new.description.clone().into()),
            (DataAttributes::DataType, new.data_type.as_str().into()),
            (DataAttributes::Options, options_json(&new.options).into()),
            (DataAttributes::MessengerWritable, new.messenger_writable.into()),
            (DataAttributes::AdminId, admin_id.into()),
            (DataAttributes::CreatedAt, at.into()),
            (DataAttributes::UpdatedAt, at.into()),
        ])
        .returning_col(DataAttributes::Id),
    )
    .await
}

impl Store {
    /// Built-in then custom attributes of `model` (every model when `None`).
    pub async fn list_data_attributes(
        &self,
        workspace_id: i64,
        model: Option<Model>,
        include_archived: bool,
    ) -> StoreResult<Vec<DataAttribute>> {
        let mut conn = self.conn().await?;
        let models: Vec<Model> = model.map_or(Model::ALL.to_vec(), |m| vec![m]);
        let mut out = Vec::new();
        for model in models {
            out.extend(data_attribute::builtins(model));
            out.extend(
                custom(&mut conn, workspace_id, model)
                    .await?
                    .into_iter()
                    .filter(|a| include_archived || !a.archived),
            );
        }
        Ok(out)
    }

    /// Creates a custom attribute; names are unique in a workspace whatever their model.
    pub async fn create_data_attribute(
        &self,
        workspace_id: i64,
        admin_id: i64,
        new: &NewDataAttribute,
    ) -> StoreResult<DataAttribute> {
        let mut tx = self.begin().await?;
        let id = insert(&mut tx, workspace_id, admin_id, new).await?;
        let created = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Changes a custom attribute. One that a segment filters on cannot be archived.
    pub async fn update_data_attribute(
        &self,
        workspace_id: i64,
        id: i64,
        changes: &DataAttributeChanges,
    ) -> StoreResult<DataAttribute> {
        let mut tx = self.begin().await?;
        let current = get(&mut tx, workspace_id, id).await?;
        if changes.options.is_some() && current.data_type != DataType::String {
            return Err(refused(AttributeWriteRejection::NotAList));
        }
        if changes.archived == Some(true) && !current.archived {
            let segments = segments::all(&mut tx, workspace_id).await?;
            let same_model = |s: &&segments::SavedSegment| match s.model {
                SegmentModel::Contact => current.model == Model::Contact,
                SegmentModel::Company => current.model == Model::Company,
            };
            if segments
                .iter()
                .filter(same_model)
                .any(|s| segment::references(&s.query, &current.full_name, None))
            {
                return Err(refused(AttributeWriteRejection::HasDependants));
            }
        }
        let mut values = vec![(DataAttributes::UpdatedAt, now().into())];
        if let Some(archived) = changes.archived {
            values.push((DataAttributes::Archived, archived.into()));
        }
        if let Some(description) = &changes.description {
            values.push((DataAttributes::Description, description.clone().into()));
        }
        if changes.options.is_some() {
            values.push((DataAttributes::Options, options_json(&changes.options).into()));
            // A conversation list's options with ids are rebuilt from the new labels.
            values.push((DataAttributes::ListOptions, Option::<String>::None.into()));
        }
        if let Some(writable) = changes.messenger_writable {
            values.push((DataAttributes::MessengerWritable, writable.into()));
        }
        tx.execute(
            DataAttributes::update(values)
                .where_eq(DataAttributes::WorkspaceId, workspace_id)
                .where_eq(DataAttributes::Id, id),
        )
        .await?;
        let updated = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(updated)
    }
}
