//! Phone call redirects: the contact with the phone (or a new lead), its custom attributes,
//! the conversation the SMS would open, and the redirect, in one transaction.

use sea_query::Expr;
use serde_json::{Map, Value as Json};

use crate::domain::contact;
use crate::domain::data_attribute::Model;
use crate::domain::phone_call_redirect::{NewRedirect, PhoneSwitch, SMS_BODY};
use crate::store::backend::rows::JsonColumn;
use crate::store::conversations::check_admin;
use crate::store::conversations::writes::{Started, Starter, insert_conversation};
use crate::store::messages::contact_by_phone;
use crate::store::schema::contacts::Contacts;
use crate::store::schema::messages::PhoneCallRedirects;
use crate::store::{Exec, Store, StoreResult, WhereEq, contacts, data_attributes, now};

impl Store {
    /// Redirects a phone call to the Messenger on behalf of `admin_id` (no SMS is sent).
    pub async fn redirect_phone_call(
        &self,
        workspace_id: i64,
        admin_id: i64,
        new: &NewRedirect,
    ) -> StoreResult<PhoneSwitch> {
        let mut tx = self.begin().await?;
        check_admin(&mut tx, workspace_id, admin_id).await?;
        let contact = contact_by_phone(&mut tx, workspace_id, &new.phone, None).await?;
        if let Some(values) = &new.custom_attributes {
            contacts::lock(&mut tx, contact.id).await?;
            let (current,): (JsonColumn<Map<String, Json>>,) = tx
                .fetch_one(Contacts::select([Contacts::CustomAttributes]).where_eq(Contacts::Id, contact.id))
                .await?;
            let mut custom = current.0;
            let attributes = data_attributes::custom(&mut tx, workspace_id, Model::Contact).await?;
            contact::merge_custom_attributes(&mut custom, values, &attributes)?;
            tx.execute(
                Contacts::update([
                    (Contacts::CustomAttributes, Expr::val(Json::Object(custom))),
                    (Contacts::UpdatedAt, now().into()),
                ])
                .where_eq(Contacts::Id, contact.id),
            )
            .await?;
        }
        let at = now();
        let started = Started {
            by: Starter::Admin { admin_id, to: vec![contact], open: false },
            source_type: "phone_switch",
            body: SMS_BODY,
            subject: None,
            url: None,
            attachments: &[],
            brand_id: None,
            at,
        };
        let conversation_id = insert_conversation(&mut tx, workspace_id, &started).await?;
        tx.execute(&PhoneCallRedirects::insert([
            (PhoneCallRedirects::WorkspaceId, workspace_id.into()),
            (PhoneCallRedirects::ContactId, contact.id.into()),
            (PhoneCallRedirects::ConversationId, conversation_id.into()),
            (PhoneCallRedirects::Phone, new.phone.clone().into()),
            (
                PhoneCallRedirects::CustomAttributes,
                Expr::val(Json::Object(new.custom_attributes.clone().unwrap_or_default())),
            ),
            (PhoneCallRedirects::CreatedAt, at.into()),
        ]))
        .await?;
        tx.commit().await?;
        Ok(PhoneSwitch { kind: "phone_call_redirect", phone: new.phone.clone() })
    }
}
