//! Loading a fixture document (`domain::fixture::Plan`) into a workspace: every object goes
//! through its resource's own write path, in one transaction, so that an error anywhere loads
//! nothing. Document keys become ids as the objects are made.

use std::collections::HashMap;

use crate::domain::conversation::requests::{ContactKey, Replier, Reply};
use crate::domain::error::{ErrorCode, Rejection};
use crate::domain::fixture::{Loaded, NewPart, Plan};
use crate::domain::tag::Tag;
use crate::store::companies::contacts::attach;
use crate::store::companies::writes::upsert;
use crate::store::contacts::writes::insert_contact;
use crate::store::conversations::writes::{add_manage, reply_in, start_from_contact};
use crate::store::schema::admins::Admins;
use crate::store::schema::companies::Companies;
use crate::store::schema::workspaces::Workspaces;
use crate::store::tickets::writes::create_in;
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, articles, data_attributes, tags};

/// Why a document was refused; nothing of it was written. `path` names the object (or the
/// field of the document) at fault: `contacts.alice`, `contacts.alice.tags[0]`.
#[derive(Debug)]
pub struct FixtureError {
    pub path: String,
    pub error: StoreError,
}

fn at(path: &str) -> impl FnOnce(StoreError) -> FixtureError + '_ {
    move |error| FixtureError { path: path.to_owned(), error }
}

/// A reference to a document key that the document does not have (or not in a section before).
fn unknown(path: String, section: &str, key: &str) -> FixtureError {
    let message = format!("'{key}' is not a key of the document's {section}");
    FixtureError { path, error: Rejection::new(ErrorCode::ParameterInvalid, message).into() }
}

impl Store {
    /// Creates the objects of `plan` in the workspace, as `admin_id` would through the API, in
    /// one transaction.
    pub async fn load_fixtures(
        &self,
        workspace_id: i64,
        admin_id: i64,
        plan: Plan,
    ) -> Result<Loaded, FixtureError> {
        let mut tx = self.begin().await.map_err(at(""))?;
        let loaded = load(&mut tx, workspace_id, admin_id, plan).await?;
        tx.commit().await.map_err(at(""))?;
        Ok(loaded)
    }

    /// The first workspace made and its first admin, which `serve --fixtures` loads into.
    pub async fn first_workspace_admin(&self) -> StoreResult<Option<(i64, i64)>> {
        let mut conn = self.conn().await?;
        let first: Option<(i64,)> = conn
            .fetch_optional(
                Workspaces::select([Workspaces::Id]).order_by(Workspaces::Id, sea_query::Order::Asc).limit(1),
            )
            .await?;
        let Some((workspace_id,)) = first else { return Ok(None) };
        Ok(self.first_admin(workspace_id).await?.map(|admin| (workspace_id, admin)))
    }

    /// The workspace's first admin, whom `switchboard fixtures load` acts as.
    pub async fn first_admin(&self, workspace_id: i64) -> StoreResult<Option<i64>> {
        let found: Option<(i64,)> = self
            .conn()
            .await?
            .fetch_optional(
                Admins::select([Admins::Id])
                    .where_eq(Admins::WorkspaceId, workspace_id)
                    .order_by(Admins::Id, sea_query::Order::Asc)
                    .limit(1),
            )
            .await?;
        Ok(found.map(|(id,)| id))
    }
}

async fn load(
    db: &mut impl Exec,
    workspace_id: i64,
    admin_id: i64,
    plan: Plan,
) -> Result<Loaded, FixtureError> {
    let mut loaded = Loaded::default();
    for item in &plan.data_attributes {
        let path = format!("data_attributes.{}", item.key);
        let id = data_attributes::insert(db, workspace_id, admin_id, &item.value).await.map_err(at(&path))?;
        loaded.data_attributes.insert(item.key.clone(), id.to_string().into());
    }

    let mut tag_ids: HashMap<&str, Tag> = HashMap::new();
    for item in &plan.tags {
        let path = format!("tags.{}", item.key);
        let tag = tags::find_or_create(db, workspace_id, &item.value).await.map_err(at(&path))?;
        loaded.tags.insert(item.key.clone(), tag.id.to_string().into());
        tag_ids.insert(&item.key, tag);
    }

    let mut company_ids: HashMap<&str, i64> = HashMap::new();
    for item in &plan.companies {
        let path = format!("companies.{}", item.key);
        let company = &item.value;
        let id = upsert(db, workspace_id, &company.company_id, &company.changes)
            .await
            .and_then(|id| id.ok_or(StoreError::Conflict { constraint: "companies.company_id".into() }))
            .map(|(id, _topic)| id)
            .map_err(at(&path))?;
        let (public_id,): (String,) = db
            .fetch_one(Companies::select([Companies::PublicId]).where_eq(Companies::Id, id))
            .await
            .map_err(at(&path))?;
        loaded.companies.insert(item.key.clone(), public_id.into());
        company_ids.insert(&item.key, id);
    }

    let mut contact_ids: HashMap<&str, String> = HashMap::new();
    for item in &plan.contacts {
        let path = format!("contacts.{}", item.key);
        let contact = &item.value;
        let (id, public_id) = insert_contact(db, workspace_id, &contact.changes).await.map_err(at(&path))?;
        for (i, key) in contact.tags.iter().enumerate() {
            let path = format!("{path}.tags[{i}]");
            let tag = tag_ids.get(key.as_str()).ok_or_else(|| unknown(path.clone(), "tags", key))?;
            tags::tag_contact_row(db, id, tag.clone(), admin_id).await.map_err(at(&path))?;
        }
        for (i, key) in contact.companies.iter().enumerate() {
            let path = format!("{path}.companies[{i}]");
            let company =
                company_ids.get(key.as_str()).ok_or_else(|| unknown(path.clone(), "companies", key))?;
            attach(db, id, *company).await.map_err(at(&path))?;
        }
        loaded.contacts.insert(item.key.clone(), public_id.clone().into());
        contact_ids.insert(&item.key, public_id);
    }

    for item in plan.conversations {
        let path = format!("conversations.{}", item.key);
        let mut thread = item.value;
        let from = contact_ids
            .get(thread.from.as_str())
            .ok_or_else(|| unknown(format!("{path}.from"), "contacts", &thread.from))?;
        thread.start.from = ContactKey::Id(from.clone());
        let (id, _) = start_from_contact(db, workspace_id, &thread.start, None).await.map_err(at(&path))?;
        for (i, part) in thread.parts.into_iter().enumerate() {
            let path = format!("{path}.parts[{i}]");
            match part {
                NewPart::Reply(mut reply) => {
                    replier(&mut reply, &contact_ids, &path)?;
                    reply_in(db, workspace_id, Some(id), &reply).await.map_err(at(&path))?;
                }
                NewPart::Manage(manage) => {
                    add_manage(db, workspace_id, id, &manage).await.map_err(at(&path))?;
                }
            }
        }
        loaded.conversations.insert(item.key, id.to_string().into());
    }

    for item in plan.articles {
        let path = format!("articles.{}", item.key);
        let article = item.value;
        let id = articles::insert_article(db, workspace_id, article.input, article.parent)
            .await
            .map_err(at(&path))?;
        loaded.articles.insert(item.key, id.to_string().into());
    }

    let mut type_ids: HashMap<&str, i64> = HashMap::new();
    for item in &plan.ticket_types {
        let path = format!("ticket_types.{}", item.key);
        let id = Store::insert_ticket_type(db, workspace_id, &item.value.change).await.map_err(at(&path))?;
        for attribute in &item.value.attributes {
            let path = format!("{path}.attributes.{}", attribute.key);
            Store::insert_ticket_type_attribute(db, workspace_id, id, &attribute.value)
                .await
                .map_err(at(&path))?;
        }
        loaded.ticket_types.insert(item.key.clone(), id.to_string().into());
        type_ids.insert(&item.key, id);
    }

    for item in plan.tickets {
        let path = format!("tickets.{}", item.key);
        let ticket = item.value;
        let mut new = ticket.create;
        new.ticket_type_id = *type_ids
            .get(ticket.ticket_type.as_str())
            .ok_or_else(|| unknown(format!("{path}.ticket_type"), "ticket_types", &ticket.ticket_type))?;
        let contact = contact_ids
            .get(ticket.contact.as_str())
            .ok_or_else(|| unknown(format!("{path}.contact"), "contacts", &ticket.contact))?;
        new.contact = ContactKey::Id(contact.clone());
        if let Some(key) = &ticket.company {
            let company = loaded
                .companies
                .get(key)
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| unknown(format!("{path}.company"), "companies", key))?;
            new.company_id = Some(company.to_owned());
        }
        let id = create_in(db, workspace_id, admin_id, &new).await.map_err(at(&path))?;
        for (i, mut reply) in ticket.parts.into_iter().enumerate() {
            let path = format!("{path}.parts[{i}]");
            replier(&mut reply, &contact_ids, &path)?;
            Store::reply_to_ticket_in(db, workspace_id, id, &reply, false).await.map_err(at(&path))?;
        }
        if let Some(update) = &ticket.update {
            Store::update_ticket_in(db, workspace_id, id, admin_id, update).await.map_err(at(&path))?;
        }
        loaded.tickets.insert(item.key, id.to_string().into());
    }
    Ok(loaded)
}

/// A contact's reply names its contact by document key: the contact's id instead.
fn replier(reply: &mut Reply, contact_ids: &HashMap<&str, String>, path: &str) -> Result<(), FixtureError> {
    if let Replier::Contact(ContactKey::Id(key)) = &reply.by {
        let contact =
            contact_ids.get(key.as_str()).ok_or_else(|| unknown(path.to_owned(), "contacts", key))?;
        reply.by = Replier::Contact(ContactKey::Id(contact.clone()));
    }
    Ok(())
}
