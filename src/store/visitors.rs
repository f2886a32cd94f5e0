//! Visitors: made by an operator, read and updated by the API, and converted into a contact
//! (a new lead or user, or merged into an existing one), which deletes the visitor.

use sea_query::{Expr, ExprTrait, Func, Order};
use serde_json::{Map, Value as Json};

use crate::domain::contact::{self, Contact, ContactChanges, Role};
use crate::domain::conversation::requests::ContactKey;
use crate::domain::data_attribute::Model;
use crate::domain::error::{Missing, Rejection};
use crate::domain::ids;
use crate::domain::visitor::{Avatar, Conversion, Named, NewVisitor, Visitor, VisitorChanges, VisitorKey};
use crate::store::backend::rows::JsonColumn;
use crate::store::contacts::{self, reads, writes};
use crate::store::conversations::participants::find_contact;
use crate::store::data_attributes;
use crate::store::schema::contacts::Contacts;
use crate::store::schema::visitors::{VisitorRow, Visitors};
use crate::store::schema::workspaces::Workspaces;
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

async fn find(db: &mut impl Exec, workspace_id: i64, key: &VisitorKey) -> StoreResult<VisitorRow> {
    let mut q = Visitors::select_rows();
    q.where_eq(Visitors::WorkspaceId, workspace_id);
    match key {
        VisitorKey::Id(id) => q.where_eq(Visitors::PublicId, id.as_str()),
        VisitorKey::UserId(id) => q.where_eq(Visitors::UserId, id.as_str()),
        VisitorKey::Email(email) => {
            q.and_where(Expr::from(Func::lower(Visitors::Email.col())).eq(email.trim().to_lowercase()))
        }
    };
    q.order_by(Visitors::Id, Order::Asc).limit(1);
    Ok(db.fetch_optional(&q).await?.ok_or(Missing::Visitor)?)
}

async fn assemble(db: &mut impl Exec, r: VisitorRow) -> StoreResult<Visitor> {
    let (app_id,): (String,) = db
        .fetch_one(Workspaces::select([Workspaces::IdCode]).where_eq(Workspaces::Id, r.workspace_id))
        .await?;
    Ok(Visitor {
        kind: "visitor",
        id: r.public_id,
        user_id: r.user_id,
        anonymous: true,
        email: r.email.unwrap_or_default(),
        phone: r.phone,
        name: r.name,
        pseudonym: r.pseudonym,
        avatar: Avatar { kind: "avatar", image_url: r.avatar },
        app_id,
        companies: Named::COMPANIES,
        location_data: Map::new(),
        last_request_at: r.last_request_at,
        created_at: r.created_at,
        remote_created_at: r.created_at,
        signed_up_at: r.created_at,
        updated_at: r.updated_at,
        session_count: r.session_count,
        social_profiles: Named::SOCIAL_PROFILES,
        owner_id: r.owner_id.map(|id| id.to_string()),
        unsubscribed_from_emails: false,
        marked_email_as_spam: false,
        has_hard_bounced: false,
        tags: Named::TAGS,
        segments: Named::SEGMENTS,
        custom_attributes: r.custom_attributes.0,
        referrer: r.referrer,
        utm_campaign: r.utm_campaign,
        utm_content: r.utm_content,
        utm_medium: r.utm_medium,
        utm_source: r.utm_source,
        utm_term: r.utm_term,
        do_not_track: None,
    })
}

/// `changes` merged into `current`, checked against the contact data attributes: a visitor's
/// attributes become a contact's.
async fn merged_attributes(
    db: &mut impl Exec,
    workspace_id: i64,
    mut current: Map<String, Json>,
    changes: &Map<String, Json>,
) -> StoreResult<Map<String, Json>> {
    let attributes = data_attributes::custom(db, workspace_id, Model::Contact).await?;
    contact::merge_custom_attributes(&mut current, changes, &attributes)?;
    Ok(current)
}

impl Store {
    /// A new visitor, as the Messenger would make one.
    pub async fn create_visitor(&self, workspace_id: i64, new: &NewVisitor) -> StoreResult<Visitor> {
        let mut tx = self.begin().await?;
        let custom = match &new.custom_attributes {
            Some(values) => merged_attributes(&mut tx, workspace_id, Map::new(), values).await?,
            None => Map::new(),
        };
        let at = now();
        let user_id = new.user_id.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let inserted = tx
            .fetch_scalar::<i64>(
                Visitors::insert([
                    (Visitors::PublicId, ids::hex_id(at).into()),
                    (Visitors::WorkspaceId, workspace_id.into()),
                    (Visitors::UserId, user_id.clone().into()),
                    (Visitors::Email, new.email.clone().into()),
                    (Visitors::Phone, new.phone.clone().into()),
                    (Visitors::Name, new.name.clone().into()),
                    (Visitors::Referrer, new.referrer.clone().into()),
                    (Visitors::UtmCampaign, new.utm_campaign.clone().into()),
                    (Visitors::UtmContent, new.utm_content.clone().into()),
                    (Visitors::UtmMedium, new.utm_medium.clone().into()),
                    (Visitors::UtmSource, new.utm_source.clone().into()),
                    (Visitors::UtmTerm, new.utm_term.clone().into()),
                    (Visitors::CustomAttributes, Expr::val(Json::Object(custom))),
                    (Visitors::CreatedAt, at.into()),
                    (Visitors::UpdatedAt, at.into()),
                ])
                .returning_col(Visitors::Id),
            )
            .await;
        let id = match inserted {
            Err(StoreError::Conflict { .. }) => {
                return Err(Rejection::invalid(
                    "user_id",
                    format!("a visitor with user_id '{user_id}' exists"),
                )
                .into());
            }
            other => other?,
        };
        let row: VisitorRow = tx.fetch_one(Visitors::select_rows().where_eq(Visitors::Id, id)).await?;
        let visitor = assemble(&mut tx, row).await?;
        tx.commit().await?;
        Ok(visitor)
    }

    pub async fn get_visitor(&self, workspace_id: i64, user_id: &str) -> StoreResult<Visitor> {
        let mut conn = self.conn().await?;
        let row = find(&mut conn, workspace_id, &VisitorKey::UserId(user_id.to_owned())).await?;
        assemble(&mut conn, row).await
    }

    /// Sets the name and merges the custom attributes of the visitor `changes` names.
    pub async fn update_visitor(&self, workspace_id: i64, changes: &VisitorChanges) -> StoreResult<Visitor> {
        let mut tx = self.begin().await?;
        let row = match (&changes.id, &changes.user_id) {
            (Some(id), user_id) => {
                let row = find(&mut tx, workspace_id, &VisitorKey::Id(id.clone())).await?;
                if user_id.as_ref().is_some_and(|u| *u != row.user_id) {
                    return Err(Missing::Visitor.into());
                }
                row
            }
            (None, Some(user_id)) => {
                find(&mut tx, workspace_id, &VisitorKey::UserId(user_id.clone())).await?
            }
            (None, None) => return Err(Missing::Visitor.into()),
        };
        let mut values = vec![(Visitors::UpdatedAt, now().into())];
        if let Some(name) = &changes.name {
            values.push((Visitors::Name, name.clone().into()));
        }
        if let Some(custom) = &changes.custom_attributes {
            let merged =
                merged_attributes(&mut tx, workspace_id, row.custom_attributes.0.clone(), custom).await?;
            values.push((Visitors::CustomAttributes, Expr::val(Json::Object(merged))));
        }
        tx.execute(Visitors::update(values).where_eq(Visitors::Id, row.id)).await?;
        let row: VisitorRow = tx.fetch_one(Visitors::select_rows().where_eq(Visitors::Id, row.id)).await?;
        let visitor = assemble(&mut tx, row).await?;
        tx.commit().await?;
        Ok(visitor)
    }

    /// Converts a visitor: merged into the contact the conversion names if there is one (a lead
    /// so named as a user becomes one), else a new contact of the conversion's role with its
    /// identifiers. The visitor is deleted; the contact is answered.
    pub async fn convert_visitor(&self, workspace_id: i64, c: &Conversion) -> StoreResult<Contact> {
        let mut tx = self.begin().await?;
        let visitor = find(&mut tx, workspace_id, &c.visitor).await?;
        let existing = match (&c.contact_id, &c.external_id) {
            (Some(id), _) => Some(contacts::find_id(&mut tx, workspace_id, id).await?),
            (None, Some(external_id)) => {
                find_contact(&mut tx, workspace_id, &ContactKey::UserId(external_id.clone()))
                    .await?
                    .map(|found| found.id)
            }
            (None, None) => None,
        };
        // A user is also found by its email.
        let existing = match (existing, &c.email, c.role) {
            (None, Some(email), Role::User) => {
                find_contact(&mut tx, workspace_id, &ContactKey::Email(email.clone()))
                    .await?
                    .filter(|found| found.is_user)
                    .map(|found| found.id)
            }
            (found, _, _) => found,
        };
        let contact_id = match existing {
            Some(id) => merge_into(&mut tx, workspace_id, &visitor, id, c).await?,
            None => convert_into_new(&mut tx, workspace_id, &visitor, c).await?,
        };
        tx.execute(Visitors::delete().where_eq(Visitors::Id, visitor.id)).await?;
        let contact = reads::get(&mut tx, workspace_id, contact_id).await?;
        tx.commit().await?;
        Ok(contact)
    }
}

/// What the visitor knows and the contact does not: its empty fields, and custom attributes
/// it lacks.
async fn merge_into(
    db: &mut impl Exec,
    workspace_id: i64,
    v: &VisitorRow,
    contact_id: i64,
    c: &Conversion,
) -> StoreResult<i64> {
    contacts::lock(db, contact_id).await?;
    let (current, role, email): (JsonColumn<Map<String, Json>>, String, Option<String>) = db
        .fetch_one(
            Contacts::select([Contacts::CustomAttributes, Contacts::Role, Contacts::Email])
                .where_eq(Contacts::Id, contact_id),
        )
        .await?;
    let mut custom = current.0;
    for (name, value) in &v.custom_attributes.0 {
        custom.entry(name.clone()).or_insert_with(|| value.clone());
    }
    let fill = |column: Contacts, value: &Option<String>| {
        (column, Expr::from(Func::coalesce([Expr::col(column), Expr::val(value.clone())])))
    };
    let mut values = vec![
        fill(Contacts::Name, &v.name),
        fill(Contacts::Phone, &v.phone),
        fill(Contacts::FormattedPhone, &v.phone.as_deref().and_then(contact::formatted_phone)),
        fill(Contacts::Referrer, &v.referrer),
        fill(Contacts::UtmCampaign, &v.utm_campaign),
        fill(Contacts::UtmContent, &v.utm_content),
        fill(Contacts::UtmMedium, &v.utm_medium),
        fill(Contacts::UtmSource, &v.utm_source),
        fill(Contacts::UtmTerm, &v.utm_term),
        (Contacts::CustomAttributes, Expr::val(Json::Object(custom))),
        (Contacts::UpdatedAt, now().into()),
    ];
    if c.role == Role::User && role == Role::Lead.as_str() {
        values.push((Contacts::Role, Role::User.as_str().into()));
    }
    // A contact's email is kept; one without gets the conversion's (or the visitor's), unless
    // another user has it.
    let becomes_user = c.role == Role::User || role == Role::User.as_str();
    if email.is_none()
        && let Some(new) = contact::clean_email(c.email.clone().or_else(|| v.email.clone()))?
    {
        let taken = becomes_user
            && find_contact(db, workspace_id, &ContactKey::Email(new.clone()))
                .await?
                .is_some_and(|found| found.is_user && found.id != contact_id);
        if !taken {
            values.push((Contacts::EmailDomain, contact::email_domain(&new).into()));
            values.push((Contacts::Email, new.into()));
        }
    }
    db.execute(Contacts::update(values).where_eq(Contacts::Id, contact_id)).await?;
    Ok(contact_id)
}

/// A new contact with the conversion's identifiers and the visitor's details.
async fn convert_into_new(
    db: &mut impl Exec,
    workspace_id: i64,
    v: &VisitorRow,
    c: &Conversion,
) -> StoreResult<i64> {
    let mut email = contact::clean_email(c.email.clone().or_else(|| v.email.clone()))?;
    // The conversion's own email found no user (else it was merged into); the visitor's may be
    // another user's, which a new user leaves alone, as a merge does.
    if c.role == Role::User
        && c.email.is_none()
        && let Some(taken) = &email
        && find_contact(db, workspace_id, &ContactKey::Email(taken.clone())).await?.is_some_and(|f| f.is_user)
    {
        email = None;
    }
    let written = writes::Written { role: c.role, email, external_id: c.external_id.clone() };
    if written.role == Role::User && written.email.is_none() && written.external_id.is_none() {
        return Err(contact::Rejection::UserWithoutIdentity.into());
    }
    let changes = ContactChanges {
        phone: Some(v.phone.clone()),
        name: Some(v.name.clone()),
        ..ContactChanges::default()
    };
    let at = now();
    let mut insert = writes::new_rows();
    writes::add_new_row(
        &mut insert,
        ids::hex_id(at),
        workspace_id,
        at,
        &written,
        &changes,
        v.custom_attributes.0.clone(),
    );
    insert.returning_col(Contacts::Id);
    let id: i64 = db.fetch_scalar(&insert).await?;
    db.execute(
        Contacts::update([
            (Contacts::Referrer, v.referrer.clone().into()),
            (Contacts::UtmCampaign, v.utm_campaign.clone().into()),
            (Contacts::UtmContent, v.utm_content.clone().into()),
            (Contacts::UtmMedium, v.utm_medium.clone().into()),
            (Contacts::UtmSource, v.utm_source.clone().into()),
            (Contacts::UtmTerm, v.utm_term.clone().into()),
        ])
        .where_eq(Contacts::Id, id),
    )
    .await?;
    Ok(id)
}
