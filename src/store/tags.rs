//! Tags and taggings of contacts and companies.

use sea_query::{Expr, ExprTrait, Func, Order, Query};
use serde_json::json;

use crate::domain::company::CompanyRef;
use crate::domain::error::{Missing, Rejection};
use crate::domain::segment;
use crate::domain::tag::{AdminReference, Tag, TagRejection};
use crate::domain::webhook;
use crate::store::companies;
use crate::store::contacts;
use crate::store::schema::tags::{CompanyTags, ContactTags, Tags};
use crate::store::search::saved_segments as segments;
use crate::store::webhooks;
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

fn select(workspace_id: i64) -> sea_query::SelectStatement {
    Tags::select([Tags::Id, Tags::Name]).where_eq(Tags::WorkspaceId, workspace_id).take()
}

/// A tag of the workspace, or `NotFound(Resource)`: the tags endpoints answer that for a tag.
async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<Tag> {
    let found: Option<(i64, String)> =
        db.fetch_optional(select(workspace_id).and_where(Tags::Id.col().eq(id))).await?;
    Ok(found.map(|(id, name)| Tag::new(id, name)).ok_or(Missing::Resource)?)
}

async fn by_name(db: &mut impl Exec, workspace_id: i64, name: &str) -> StoreResult<Option<Tag>> {
    let found: Option<(i64, String)> = db
        .fetch_optional(
            select(workspace_id)
                .and_where(Expr::expr(Func::lower(Tags::Name.col())).eq(Func::lower(Expr::val(name)))),
        )
        .await?;
    Ok(found.map(|(id, name)| Tag::new(id, name)))
}

/// The tag called `name` (names compare without case), created if there is none.
pub(crate) async fn find_or_create(db: &mut impl Exec, workspace_id: i64, name: &str) -> StoreResult<Tag> {
    if let Some(tag) = by_name(db, workspace_id, name).await? {
        return Ok(tag);
    }
    let id: i64 = db
        .fetch_scalar(
            Tags::insert([
                (Tags::WorkspaceId, workspace_id.into()),
                (Tags::Name, name.into()),
                (Tags::CreatedAt, now().into()),
            ])
            .returning_col(Tags::Id),
        )
        .await?;
    Ok(Tag::new(id, name.to_owned()))
}

/// Applies `tag` to a contact (again: no change) and returns it as applied, with whether it
/// is a new tagging. Sends no notification: fixtures load through it.
pub(crate) async fn tag_contact_row(
    db: &mut impl Exec,
    contact_id: i64,
    tag: Tag,
    admin_id: i64,
) -> StoreResult<(Tag, bool)> {
    let inserted = db
        .execute(&ContactTags::insert_or_ignore(
            [
                (ContactTags::ContactId, contact_id.into()),
                (ContactTags::TagId, tag.id.into()),
                (ContactTags::AppliedAt, now().into()),
                (ContactTags::AppliedBy, admin_id.into()),
            ],
            [ContactTags::ContactId, ContactTags::TagId],
        ))
        .await?;
    Ok((applied(db, contact_id, tag).await?, inserted > 0))
}

/// Applies the tag to the contact (a no-op when it has it); a new tagging is notified.
async fn apply_to_contact(
    db: &mut impl Exec,
    workspace_id: i64,
    contact_id: i64,
    tag: Tag,
    admin_id: i64,
) -> StoreResult<Tag> {
    let (tag, inserted) = tag_contact_row(db, contact_id, tag, admin_id).await?;
    if inserted {
        notify_tagging(db, workspace_id, webhook::CONTACT_TAG_CREATED, contact_id, &tag).await?;
    }
    Ok(tag)
}

/// `contact.tag.created` or `.deleted`: a `contact_tag` with the tag and the contact.
async fn notify_tagging(
    db: &mut impl Exec,
    workspace_id: i64,
    topic: &str,
    contact_id: i64,
    tag: &Tag,
) -> StoreResult<()> {
    let to = webhooks::subscribers(db, workspace_id, topic).await?;
    if to.is_empty() {
        return Ok(());
    }
    let item = tagging(db, workspace_id, contact_id, tag).await?;
    webhooks::record(db, workspace_id, topic, &item, &to).await
}

/// A `contact_tag`: the tag and the contact.
async fn tagging(
    db: &mut impl Exec,
    workspace_id: i64,
    contact_id: i64,
    tag: &Tag,
) -> StoreResult<serde_json::Value> {
    let contact = contacts::reads::get(db, workspace_id, contact_id).await?;
    Ok(json!({"type": "contact_tag", "created_at": now(), "tag": tag, "contact": contact}))
}

/// `tag` with when and by whom it was applied to the contact, if it is.
async fn applied(db: &mut impl Exec, contact_id: i64, mut tag: Tag) -> StoreResult<Tag> {
    let found: Option<(i64, Option<i64>)> = db
        .fetch_optional(
            ContactTags::select([ContactTags::AppliedAt, ContactTags::AppliedBy])
                .where_eq(ContactTags::ContactId, contact_id)
                .where_eq(ContactTags::TagId, tag.id),
        )
        .await?;
    if let Some((at, by)) = found {
        tag.applied_at = Some(at);
        tag.applied_by = by.map(AdminReference::new);
    }
    Ok(tag)
}

impl Store {
    pub async fn list_tags(&self, workspace_id: i64) -> StoreResult<Vec<Tag>> {
        let rows: Vec<(i64, String)> = self
            .conn()
            .await?
            .fetch_all(select(workspace_id).order_by((Tags::Table, Tags::Id), Order::Asc))
            .await?;
        Ok(rows.into_iter().map(|(id, name)| Tag::new(id, name)).collect())
    }

    pub async fn get_tag(&self, workspace_id: i64, id: i64) -> StoreResult<Tag> {
        get(&mut self.conn().await?, workspace_id, id).await
    }

    /// Without `id`: the tag called `name`, created if needed. With `id`: renames that tag.
    pub async fn create_or_update_tag(
        &self,
        workspace_id: i64,
        name: &str,
        id: Option<i64>,
    ) -> StoreResult<Tag> {
        let mut tx = self.begin().await?;
        let tag = match id {
            None => find_or_create(&mut tx, workspace_id, name).await?,
            Some(id) => {
                let mut tag = get(&mut tx, workspace_id, id).await?;
                if by_name(&mut tx, workspace_id, name).await?.is_some_and(|other| other.id != id) {
                    return Err(Rejection::from(TagRejection::NameTaken).into());
                }
                tx.execute(Tags::update([(Tags::Name, name.into())]).where_eq(Tags::Id, id)).await?;
                tag.name = name.to_owned();
                tag
            }
        };
        tx.commit().await?;
        Ok(tag)
    }

    /// Tags every contact of `contacts` (API ids) with the tag called `name`, creating it if
    /// needed; nothing is written if one of them does not exist.
    pub async fn tag_contacts(
        &self,
        workspace_id: i64,
        admin_id: i64,
        name: &str,
        contacts: &[String],
    ) -> StoreResult<Tag> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(contacts.len());
        for contact in contacts {
            ids.push(contacts::find_id(&mut tx, workspace_id, contact).await?);
        }
        let tag = find_or_create(&mut tx, workspace_id, name).await?;
        for id in ids {
            apply_to_contact(&mut tx, workspace_id, id, tag.clone(), admin_id).await?;
        }
        tx.commit().await?;
        Ok(tag)
    }

    /// Tags (or, with `untag`, untags) companies; nothing is written if one does not exist.
    /// Untagging needs the tag to exist; tagging creates it.
    pub async fn tag_companies(
        &self,
        workspace_id: i64,
        admin_id: i64,
        name: &str,
        refs: &[CompanyRef],
        untag: bool,
    ) -> StoreResult<Tag> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(refs.len());
        for r in refs {
            ids.push(companies::find(&mut tx, workspace_id, r).await?.ok_or(Missing::Company)?);
        }
        let tag = if untag {
            by_name(&mut tx, workspace_id, name).await?.ok_or(Missing::Resource)?
        } else {
            find_or_create(&mut tx, workspace_id, name).await?
        };
        for id in ids {
            if untag {
                tx.execute(
                    CompanyTags::delete()
                        .where_eq(CompanyTags::CompanyId, id)
                        .where_eq(CompanyTags::TagId, tag.id),
                )
                .await?;
            } else {
                tx.execute(&CompanyTags::insert_or_ignore(
                    [
                        (CompanyTags::CompanyId, id.into()),
                        (CompanyTags::TagId, tag.id.into()),
                        (CompanyTags::AppliedAt, now().into()),
                        (CompanyTags::AppliedBy, admin_id.into()),
                    ],
                    [CompanyTags::CompanyId, CompanyTags::TagId],
                ))
                .await?;
            }
        }
        tx.commit().await?;
        Ok(tag)
    }

    /// Deletes a tag and its taggings, unless a segment filters on it.
    pub async fn delete_tag(&self, workspace_id: i64, id: i64) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let tag = get(&mut tx, workspace_id, id).await?;
        let users: Vec<String> = segments::all(&mut tx, workspace_id)
            .await?
            .into_iter()
            .filter(|s| segment::references(&s.query, "tag_id", Some(&id.to_string())))
            .map(|s| s.name)
            .collect();
        if !users.is_empty() {
            return Err(Rejection::from(TagRejection::UsedBySegments(users)).into());
        }
        // Each contact that had the tag loses it: `contact.tag.deleted` for each, read only
        // when someone listens.
        let to = webhooks::subscribers(&mut tx, workspace_id, webhook::CONTACT_TAG_DELETED).await?;
        if !to.is_empty() {
            let tagged: Vec<(i64,)> = tx
                .fetch_all(
                    ContactTags::select([ContactTags::ContactId])
                        .where_eq(ContactTags::TagId, id)
                        .order_by(ContactTags::ContactId, Order::Asc),
                )
                .await?;
            for (contact_id,) in tagged {
                let tag = applied(&mut tx, contact_id, tag.clone()).await?;
                let item = tagging(&mut tx, workspace_id, contact_id, &tag).await?;
                webhooks::record(&mut tx, workspace_id, webhook::CONTACT_TAG_DELETED, &item, &to).await?;
            }
        }
        tx.execute(Tags::delete().where_eq(Tags::Id, id)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The tags of a contact, as applied.
    pub async fn contact_tags(&self, workspace_id: i64, contact: &str) -> StoreResult<Vec<Tag>> {
        let mut conn = self.conn().await?;
        let id = contacts::find_id(&mut conn, workspace_id, contact).await?;
        let rows: Vec<(i64, String, i64, Option<i64>)> = conn
            .fetch_all(
                Query::select()
                    .columns([(Tags::Table, Tags::Id), (Tags::Table, Tags::Name)])
                    .columns([
                        (ContactTags::Table, ContactTags::AppliedAt),
                        (ContactTags::Table, ContactTags::AppliedBy),
                    ])
                    .from(ContactTags::Table)
                    .inner_join(
                        Tags::Table,
                        Expr::col((Tags::Table, Tags::Id)).equals((ContactTags::Table, ContactTags::TagId)),
                    )
                    .and_where(ContactTags::ContactId.col().eq(id))
                    .order_by((ContactTags::Table, ContactTags::AppliedAt), Order::Asc)
                    .order_by((Tags::Table, Tags::Id), Order::Asc),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, at, by)| Tag {
                applied_at: Some(at),
                applied_by: by.map(AdminReference::new),
                ..Tag::new(id, name)
            })
            .collect())
    }

    pub async fn tag_contact(
        &self,
        workspace_id: i64,
        admin_id: i64,
        contact: &str,
        tag_id: i64,
    ) -> StoreResult<Tag> {
        let mut tx = self.begin().await?;
        let id = contacts::find_id(&mut tx, workspace_id, contact).await?;
        let tag = get(&mut tx, workspace_id, tag_id).await?;
        let tag = apply_to_contact(&mut tx, workspace_id, id, tag, admin_id).await?;
        tx.commit().await?;
        Ok(tag)
    }

    /// Removes a tag from a contact and returns it (as it was applied, if it was).
    pub async fn untag_contact(&self, workspace_id: i64, contact: &str, tag_id: i64) -> StoreResult<Tag> {
        let mut tx = self.begin().await?;
        let id = contacts::find_id(&mut tx, workspace_id, contact).await?;
        let tag = get(&mut tx, workspace_id, tag_id).await?;
        let tag = applied(&mut tx, id, tag).await?;
        let removed = tx
            .execute(
                ContactTags::delete()
                    .where_eq(ContactTags::ContactId, id)
                    .where_eq(ContactTags::TagId, tag_id),
            )
            .await?;
        if removed > 0 {
            notify_tagging(&mut tx, workspace_id, webhook::CONTACT_TAG_DELETED, id, &tag).await?;
        }
        tx.commit().await?;
        Ok(tag)
    }
}
