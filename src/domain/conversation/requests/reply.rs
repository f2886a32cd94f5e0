//! `POST /conversations/{id}/reply`: a reply by an admin (comment, note or quick reply) or by a
//! contact, with its attachments and uploaded files.

use serde::Deserialize;
use serde_json::Value as Json;

use super::super::body;
use super::super::{Attachment, PartMetadata, QuickReplyOption};
use super::{Checked, ContactKey, IdValue, admin_id, attachments, created_at, invalid, required_text};
use crate::domain::error::{OrMissing, Rejection};
use crate::domain::upload::{self, Upload};

#[derive(Debug, Deserialize)]
pub struct ReplyBody {
    message_type: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    body: Option<String>,
    admin_id: Option<IdValue>,
    intercom_user_id: Option<String>,
    user_id: Option<IdValue>,
    email: Option<String>,
    created_at: Option<i64>,
    attachment_urls: Option<Vec<String>>,
    attachment_files: Option<Vec<Json>>,
    reply_options: Option<Vec<QuickReplyOption>>,
    /// Switchboard sends no notifications, so there are none to skip; the flag is checked.
    #[serde(rename = "skip_notifications")]
    _skip_notifications: Option<bool>,
}

/// What an admin's reply is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminMessage {
    Comment,
    Note,
    /// A comment that offers quick reply options (2.14).
    QuickReply,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replier {
    Admin { admin_id: i64, message: AdminMessage },
    Contact(ContactKey),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub by: Replier,
    /// Only an admin's quick reply may leave it out.
    pub body: Option<String>,
    pub attachments: Vec<Attachment>,
    /// `attachment_files`: shown after `attachments` once the API has given them URLs.
    pub uploads: Vec<Upload>,
    pub created_at: Option<i64>,
    /// The options an admin offers, or the one a contact picked.
    pub metadata: PartMetadata,
}

/// Every option needs text and a UUID ("a unique identifier for this quick reply option").
fn quick_reply_options(options: Vec<QuickReplyOption>) -> Checked<Vec<QuickReplyOption>> {
    for option in &options {
        if option.text.trim().is_empty() {
            return invalid("reply_options", "reply_options text must not be blank");
        }
        if uuid::Uuid::parse_str(option.uuid.trim()).is_err() {
            return invalid("reply_options", format!("reply_options uuid '{}' is not a UUID", option.uuid));
        }
    }
    Ok(options)
}

impl ReplyBody {
    pub fn check(self) -> Checked<Reply> {
        let message_type = self.message_type.or_missing("message_type")?;
        let kind = self.kind.or_missing("type")?;
        let options = self.reply_options.map(quick_reply_options).transpose()?;
        let (by, body, metadata) = match kind.as_str() {
            "admin" => {
                let message = match message_type.as_str() {
                    "comment" => AdminMessage::Comment,
                    "note" => AdminMessage::Note,
                    "quick_reply" => AdminMessage::QuickReply,
                    other => {
                        return invalid(
                            "message_type",
                            format!(
                                "message_type must be comment, note or quick_reply for an admin reply, not '{other}'"
                            ),
                        );
                    }
                };
                let (body, options) = match message {
                    // "Must be present for quick_reply message types"; the body is optional.
                    AdminMessage::QuickReply => match options {
                        Some(options) if !options.is_empty() => (self.body, Some(options)),
                        _ => return Err(Rejection::missing("reply_options")),
                    },
                    _ if options.is_some() => {
                        return invalid("reply_options", "reply_options needs message_type quick_reply");
                    }
                    _ => (Some(required_text("body", self.body)?), None),
                };
                let metadata = PartMetadata { quick_reply_options: options, quick_reply_uuid: None };
                (Replier::Admin { admin_id: admin_id(self.admin_id)?, message }, body, metadata)
            }
            "user" | "contact" | "lead" => {
                if message_type != "comment" && message_type != "quick_reply" {
                    return invalid(
                        "message_type",
                        format!(
                            "message_type must be comment or quick_reply for a contact reply, not '{message_type}'"
                        ),
                    );
                }
                let key = ContactKey::pick(self.intercom_user_id, self.user_id.map(|v| v.text()), self.email)
                    .or_missing("intercom_user_id")?;
                // A contact picks one option; its text is the reply unless a body is sent.
                let (body, picked) = match options.as_deref() {
                    None if message_type == "quick_reply" => return Err(Rejection::missing("reply_options")),
                    None => (required_text("body", self.body)?, None),
                    Some([option]) => {
                        (self.body.unwrap_or_else(|| option.text.clone()), Some(option.uuid.clone()))
                    }
                    Some(_) => return invalid("reply_options", "a contact's reply picks exactly one option"),
                };
                let metadata = PartMetadata { quick_reply_options: None, quick_reply_uuid: picked };
                (Replier::Contact(key), Some(body), metadata)
            }
            other => return invalid("type", format!("type must be admin or user, not '{other}'")),
        };
        Ok(Reply {
            by,
            body: body.filter(|b| !b.trim().is_empty()).map(|b| body::to_html(&b)),
            attachments: attachments(self.attachment_urls)?,
            uploads: upload::uploads(self.attachment_files)?,
            created_at: created_at(self.created_at)?,
            metadata,
        })
    }
}
