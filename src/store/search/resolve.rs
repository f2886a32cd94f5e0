//! The fields every searchable resource shares, lowered once for all of them: tags (`tag_id`)
//! and segments (`segment_id`), plus the one read that checking a query needs, the
//! workspace's [`Catalog`]. Custom attributes (and ticket attributes), also shared, are
//! [`super::attributes`]'.

use sea_query::{Condition, DynIden, Expr, ExprTrait, IntoIden, Query as Select, SelectStatement};

use super::{ColumnResolver, Members, lower_at};
use crate::domain::data_attribute::Model;
use crate::domain::ids;
use crate::domain::search::{
    Catalog, Field, Filter, Membership, Needs, Predicate, Query, Resource, Scalar, SearchError,
};
use crate::domain::segment::SavedSegment;
use crate::store::search::saved_segments;
use crate::store::{Backend, Exec, Store, StoreResult, data_attributes};

/// The searched table, as the shared fields see it.
#[derive(Debug, Clone)]
pub(crate) struct Owner {
    pub backend: Backend,
    pub workspace_id: i64,
    table: DynIden,
    id: DynIden,
    workspace: DynIden,
    /// Whose custom attributes, as `custom_attribute_values.model` codes them (tickets' are 4).
    pub model: i16,
    /// The taggings table and its owner column (`contact_tags.contact_id`), for `tag_id`.
    taggings: Option<(&'static str, &'static str)>,
    /// The column a segment's person type filters (`contacts.role`).
    role: Option<DynIden>,
    /// Memberships (a tag, a custom attribute) as a probe of their index for each searched
    /// row, for a statement that walks the rows and stops at its page's end; otherwise a list
    /// of the members that the statement reads whole.
    pub probing: bool,
}

impl Owner {
    /// `table` with its `id` and `workspace_id` columns, holding the custom attributes of `model`.
    pub fn new(
        backend: Backend,
        workspace_id: i64,
        table: impl IntoIden,
        id: impl IntoIden,
        workspace: impl IntoIden,
        model: Model,
    ) -> Self {
        Owner {
            backend,
            workspace_id,
            table: table.into_iden(),
            id: id.into_iden(),
            workspace: workspace.into_iden(),
            model: super::attributes::model_code(model),
            taggings: None,
            role: None,
            probing: false,
        }
    }

    /// Memberships lowered as probes of their index (see `probing`).
    pub fn probing(self) -> Self {
        Owner { probing: true, ..self }
    }

    /// Whether the searched row is among `owners`, whose `column` is the owner's id: `IN` the
    /// list, or (probing) `EXISTS` a row of it for this one.
    pub(super) fn among(&self, mut owners: SelectStatement, column: Expr, negative: bool) -> Expr {
        let id = self.id();
        match (self.probing, negative) {
            (true, false) => Expr::exists(owners.and_where(column.eq(id)).take()),
            (true, true) => Expr::exists(owners.and_where(column.eq(id)).take()).not(),
            (false, false) => id.in_subquery(owners),
            (false, true) => id.not_in_subquery(owners),
        }
    }

    /// Attributes indexed under `code` (`custom_attribute_values.model`) rather than the model's.
    pub fn indexed_as(self, code: i16) -> Self {
        Owner { model: code, ..self }
    }

    pub fn tagged_in(self, taggings: &'static str, owner: &'static str) -> Self {
        Owner { taggings: Some((taggings, owner)), ..self }
    }

    pub fn with_role(self, role: impl IntoIden) -> Self {
        Owner { role: Some(role.into_iden()), ..self }
    }

    /// Whether `q` is a test on a column of the searched row itself, never a membership: on
    /// contacts, a standard field other than a text search (`~ !~ ^ $` may be a trigram
    /// lookup). Other resources resolve some standard fields to relations; none is plain here.
    pub(super) fn is_plain_column(&self, q: &Query) -> bool {
        self.model == super::attributes::model_code(Model::Contact)
            && matches!(q, Query::Filter(Filter { field: Field::Standard(_), predicate, .. })
                if !matches!(predicate, Predicate::Contains(_) | Predicate::NotContains(_)
                    | Predicate::StartsWith(_) | Predicate::EndsWith(_)))
    }

    /// The searched row's `id`.
    pub(super) fn id(&self) -> Expr {
        self.col(&self.id)
    }

    /// SQLite: `+table.id`, the id that no index can take as a constraint.
    pub(super) fn unindexed_id(&self) -> Expr {
        Expr::cust(format!("+\"{}\".\"{}\"", self.table, self.id))
    }

    fn col(&self, column: &DynIden) -> Expr {
        Expr::col((self.table.clone(), column.clone()))
    }

    /// `SELECT <table>.id FROM <table> WHERE <workspace> AND cond`, for negated memberships.
    fn ids_where(&self, cond: Condition) -> SelectStatement {
        Select::select()
            .column((self.table.clone(), self.id.clone()))
            .from(self.table.clone())
            .and_where(self.col(&self.workspace).eq(self.workspace_id))
            .cond_where(cond)
            .take()
    }
}

pub(crate) fn never() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

fn always() -> Condition {
    Condition::all().add(Expr::cust("1 = 1"))
}

/// `tag_id`: membership of the owner in its taggings table, by the tag's numeric id (a value
/// that is not one names no tag).
pub(crate) fn tag(owner: &Owner, predicate: &Predicate) -> Result<Condition, SearchError> {
    let Some((taggings, tagged_one)) = owner.taggings else {
        return Err(SearchError::for_field("tag_id", "'tag_id' is not a searchable field"));
    };
    let among = |q: SelectStatement, negative| owner.among(q, Expr::col((taggings, tagged_one)), negative);
    let tagged = |tag: Option<i64>| {
        let mut q = Select::select();
        q.column((taggings, tagged_one)).from(taggings);
        if let Some(tag) = tag {
            q.and_where(Expr::col((taggings, "tag_id")).eq(tag));
        }
        q
    };
    let tag_id = |v: &Scalar| match v {
        Scalar::Str(s) => ids::parse_numeric(s),
        _ => None,
    };
    Ok(match predicate {
        Predicate::Eq(v) => match tag_id(v) {
            Some(tag) => Condition::all().add(among(tagged(Some(tag)), false)),
            None => never(),
        },
        Predicate::Ne(v) => match tag_id(v) {
            Some(tag) => Condition::all().add(among(tagged(Some(tag)), true)),
            None => always(),
        },
        Predicate::IsNull => Condition::all().add(among(tagged(None), true)),
        Predicate::IsNotNull => Condition::all().add(among(tagged(None), false)),
        _ => return Err(SearchError::for_field("tag_id", "tag_id supports only the = and != operators")),
    })
}

/// The owners tagged with `tag`, a tag of the workspace (a tag of another names none): each
/// once, from the taggings' `(tag_id, owner)` index.
pub(crate) fn tagged(owner: &Owner, tag: i64) -> Option<Members> {
    let (taggings, tagged_one) = owner.taggings?;
    let of_workspace = Select::select()
        .expr(Expr::cust("1"))
        .from("tags")
        .and_where(Expr::col(("tags", "id")).eq(tag))
        .and_where(Expr::col(("tags", "workspace_id")).eq(owner.workspace_id))
        .take();
    let owners = Select::select()
        .column((taggings, tagged_one))
        .from(taggings)
        .and_where(Expr::col((taggings, "tag_id")).eq(tag))
        .and_where(Expr::exists(of_workspace))
        .take();
    Some(Members { owners, owner: Expr::col((taggings, tagged_one)) })
}

/// The members of one segment: rows of its person type that its query matches.
pub(crate) fn membership(
    resolver: &dyn ColumnResolver,
    m: &Membership,
    whole: bool,
) -> Result<Condition, SearchError> {
    let query = lower_at(&m.query, resolver, whole)?;
    let owner = resolver.owner();
    Ok(match (m.role, &owner.role) {
        (Some(role), Some(column)) => Condition::all().add(owner.col(column).eq(role.as_str())).add(query),
        _ => query,
    })
}

/// Membership of `segment` under `resolver`: its saved query, for rows of its person type;
/// none where `catalog`'s resource holds no members of its model.
pub(crate) fn segment(
    catalog: &Catalog,
    resolver: &dyn ColumnResolver,
    segment: &SavedSegment,
) -> Result<Condition, SearchError> {
    match catalog.membership(segment)? {
        Some(members) => membership(resolver, &members, false),
        None => Ok(never()),
    }
}

/// `segment_id`: the segments' own conditions, inlined for `=`/`IN`; for `!=`/`NIN` the rows
/// outside them (`NOT IN`, so that a condition that is unknown on a row's empty fields still
/// counts as "not a member"). A `None` (an unknown segment) has no members.
pub(crate) fn segments(
    resolver: &dyn ColumnResolver,
    negated: bool,
    segments: &[Option<Membership>],
    whole: bool,
) -> Result<Condition, SearchError> {
    let mut any = Condition::any();
    for segment in segments {
        any = any.add(match segment {
            Some(m) => membership(resolver, m, whole)?,
            None => never(),
        });
    }
    let owner = resolver.owner();
    Ok(match negated {
        false => any,
        true => Condition::all().add(owner.col(&owner.id).not_in_subquery(owner.ids_where(any))),
    })
}

/// What checking a query of `resource` needs from the workspace, reading only what `needs`
/// asks for: the custom attributes of its model, the saved segments.
pub(crate) async fn catalog(
    db: &mut impl Exec,
    workspace_id: i64,
    resource: Resource,
    needs: Needs,
) -> StoreResult<Catalog> {
    let model = match resource {
        Resource::Contacts => Model::Contact,
        Resource::Companies => Model::Company,
        Resource::Conversations => Model::Conversation,
        Resource::Tickets => {
            let mut catalog = Catalog::new(resource);
            if needs.attributes {
                catalog.ticket_attributes = super::tickets::attributes(db, workspace_id).await?;
            }
            return Ok(catalog);
        }
    };
    let mut catalog = Catalog::new(resource);
    if needs.attributes {
        let attributes = data_attributes::custom(db, workspace_id, model).await?;
        catalog.attributes = attributes.into_iter().map(|a| (a.name, a.data_type.field_type())).collect();
    }
    if needs.segments {
        catalog.segments = saved_segments::all(db, workspace_id).await?;
    }
    Ok(catalog)
}

impl Store {
    /// The fields a query of `resource` may name in this workspace: the step between parsing
    /// a query and checking it. A query on documented fields alone reads nothing.
    pub async fn search_catalog(
        &self,
        workspace_id: i64,
        resource: Resource,
        needs: Needs,
    ) -> StoreResult<Catalog> {
        if needs == Needs::default() {
            return Ok(Catalog::new(resource));
        }
        catalog(&mut self.conn().await?, workspace_id, resource, needs).await
    }
}
