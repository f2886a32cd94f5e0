//! Tickets, their types, type attributes and states, as 2.16 shows them (`ticket`,
//! `ticket_type`, `ticket_type_attribute`, `ticket_state`, `ticket_state_detailed`,
//! `ticket_part`, `ticket_reply`, `ticket_deleted`). Older versions' shapes are in
//! `version/ticket.rs`. A ticket is a conversation extended by its type, state and attributes:
//! its parts are conversation parts, shown as ticket parts.

pub mod attributes;
pub mod requests;

use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::conversation::{Attachment, ContactRef, LinkedObjects, Reference};
use super::ids;
use super::pages::{List, NamedList, TotalCount, listed};
use super::str_enum::str_enum;
pub use attributes::DataType;

str_enum! {
    /// A ticket type's (and its tickets') category.
    pub enum Category {
        Customer => "Customer",
        BackOffice => "Back-office",
        Tracker => "Tracker",
    }
}

str_enum! {
    /// What a ticket state means, whatever its labels.
    pub enum StateCategory {
        Submitted => "submitted",
        InProgress => "in_progress",
        WaitingOnCustomer => "waiting_on_customer",
        Resolved => "resolved",
    }
}

/// Intercom's default states, which every category has: category, internal and external label.
pub const DEFAULT_STATES: [(StateCategory, &str, &str); 4] = [
    (StateCategory::Submitted, "Submitted", "Submitted"),
    (StateCategory::InProgress, "In progress", "In progress"),
    (StateCategory::WaitingOnCustomer, "Waiting on customer", "Waiting on you"),
    (StateCategory::Resolved, "Resolved", "Resolved"),
];

/// `ticket_state`: a state as a ticket or ticket type shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TicketState {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub category: StateCategory,
    pub internal_label: String,
    pub external_label: String,
}

/// `ticket_state_detailed`: a state as `GET /ticket_states` lists it, with the types using it.
#[derive(Debug, Clone, Serialize)]
pub struct TicketStateDetailed {
    #[serde(flatten)]
    pub state: TicketState,
    pub archived: bool,
    pub ticket_types: List<TypeSummary>,
}

/// A ticket type inside a state: no attributes or states of its own.
#[derive(Debug, Clone, Serialize)]
pub struct TypeSummary {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub name: String,
    pub description: String,
    pub icon: String,
    pub archived: bool,
    pub is_internal: bool,
    pub category: Category,
}

/// `ticket_type_attribute`.
#[derive(Debug, Clone, Serialize)]
pub struct TicketTypeAttribute {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub workspace_id: String,
    pub name: String,
    pub description: String,
    pub data_type: DataType,
    pub input_options: Map<String, Json>,
    pub order: i64,
    pub required_to_create: bool,
    pub required_to_create_for_contacts: bool,
    pub visible_on_create: bool,
    pub visible_to_contacts: bool,
    /// Built in: `_default_title_` and `_default_description_`.
    pub default: bool,
    pub ticket_type_id: i64,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

listed!(TicketTypeAttribute: "ticket_type_attributes.list", "ticket_type_attributes");

/// `ticket_type`.
#[derive(Debug, Clone, Serialize)]
pub struct TicketType {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub category: Category,
    pub name: String,
    pub description: String,
    pub icon: String,
    pub workspace_id: String,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub is_internal: bool,
    pub ticket_type_attributes: NamedList<TicketTypeAttribute>,
    pub ticket_states: List<TicketState>,
}

/// A part's `updated_attribute_data` (2.14): which attribute changed, and to what.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct UpdatedAttribute {
    pub attribute: AttributeRef,
    pub value: AttributeValue,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct AttributeRef {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct AttributeValue {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Json,
    pub label: Json,
}

/// What a ticket part keeps beside the conversation part's columns (in its `metadata`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct TicketPartData {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ticket_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub previous_ticket_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub updated_attribute_data: Option<UpdatedAttribute>,
}

/// `ticket_part_author`: `admin`, `bot`, `team` or `user` (a lead writes as a user).
#[derive(Debug, Clone, Serialize)]
pub struct PartAuthor {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub name: Option<String>,
    pub email: String,
}

/// `ticket_part`, and `ticket_reply` (what a reply answers), which shows fewer fields.
#[derive(Debug, Clone, Serialize)]
pub struct TicketPart {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub part_type: String,
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_ticket_state: Option<String>,
    /// The ticket's state when the part was written.
    pub ticket_state: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub assigned_to: Option<Reference>,
    pub author: PartAuthor,
    pub attachments: Vec<Attachment>,
    pub external_id: Option<String>,
    pub redacted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_attribute_data: Option<UpdatedAttribute>,
}

listed!(TicketPart: "ticket_part.list", "ticket_parts");

/// The ticket object.
#[derive(Debug, Clone, Serialize)]
pub struct Ticket {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    /// The number the inbox shows (`ticket_number`).
    #[serde(serialize_with = "ids::as_string")]
    pub ticket_id: i64,
    pub category: Category,
    pub ticket_attributes: Map<String, Json>,
    pub ticket_state: TicketState,
    pub ticket_type: TicketType,
    pub contacts: NamedList<ContactRef>,
    /// 0 when nobody is assigned (2.16); older versions show strings.
    pub admin_assignee_id: i64,
    pub team_assignee_id: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub open: bool,
    /// Absent unless the ticket is snoozed (the schema's integer is not nullable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<i64>,
    pub linked_objects: LinkedObjects,
    pub ticket_parts: NamedList<TicketPart, TotalCount>,
    pub is_shared: bool,
    #[serde(serialize_with = "ids::shown")]
    pub previous_ticket_state_id: Option<i64>,
    /// Up to 2.11 the state's labels sit beside its category.
    pub ticket_state_internal_label: String,
    pub ticket_state_external_label: String,
}

/// `ticket_deleted`.
#[derive(Debug, Serialize)]
pub struct TicketDeleted {
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub object: &'static str,
    pub deleted: bool,
}

/// Part types only tickets have.
pub mod part_type {
    pub const STATE_UPDATED: &str = "ticket_state_updated_by_admin";
    pub const ATTRIBUTE_UPDATED: &str = "ticket_attribute_updated_by_admin";
}
