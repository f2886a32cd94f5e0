//! Fixtures: a document of objects to create in a workspace at once (docs/fixtures.md). Each
//! object is checked as its API request is; objects name each other by the document's own
//! keys, which the store turns into ids as it creates them, in one transaction.

use serde::Serialize;
use serde_json::Map;

use crate::domain::article::{ArticleInput, ParentRef};
use crate::domain::company::CompanyChanges;
use crate::domain::contact::ContactChanges;
use crate::domain::conversation::requests::{Manage, NewConversation, Reply};
use crate::domain::data_attribute::NewDataAttribute;
use crate::domain::ticket::requests::{AttributeChange, NewTicket, TicketUpdate, TypeChange};

/// One object of the document under its key.
#[derive(Debug)]
pub struct Keyed<T> {
    pub key: String,
    pub value: T,
}

/// A company: its `company_id` and what `POST /companies` would write.
#[derive(Debug)]
pub struct NewCompany {
    pub company_id: String,
    pub changes: CompanyChanges,
}

/// A contact, with the document keys of its tags and companies.
#[derive(Debug)]
pub struct NewContact {
    pub changes: ContactChanges,
    pub tags: Vec<String>,
    pub companies: Vec<String>,
}

/// A conversation part after the first message: a reply (`POST /conversations/{id}/reply`) or
/// an admin's action (`POST /conversations/{id}/parts`). A contact's reply names its contact by
/// document key (`ContactKey::Id(key)`).
#[derive(Debug)]
pub enum NewPart {
    Reply(Reply),
    Manage(Manage),
}

/// A conversation started by the contact whose document key is `from`.
#[derive(Debug)]
pub struct NewThread {
    pub from: String,
    pub start: NewConversation,
    pub parts: Vec<NewPart>,
}

#[derive(Debug)]
pub struct NewArticle {
    pub input: ArticleInput,
    pub parent: Option<ParentRef>,
}

/// A ticket type (`POST /ticket_types`) with its attributes (`POST
/// /ticket_types/{id}/attributes`), each under its name.
#[derive(Debug)]
pub struct NewTicketType {
    pub change: TypeChange,
    pub attributes: Vec<Keyed<AttributeChange>>,
}

/// A ticket: `POST /tickets` for the contact whose document key is `contact` (and the company
/// whose key is `company`) with the type whose key is `ticket_type`; then, when the document
/// says, `PUT /tickets/{id}` (state, open, shared, snoozed) and replies (`POST
/// /tickets/{id}/reply`). The type, contact and company stand in `create` as placeholders until
/// the store has made them; a contact's reply names its contact by document key.
#[derive(Debug)]
pub struct NewTicketFixture {
    pub ticket_type: String,
    pub contact: String,
    pub company: Option<String>,
    pub create: NewTicket,
    pub update: Option<TicketUpdate>,
    pub parts: Vec<Reply>,
}

/// A checked document, in the order it is created: each kind may name only kinds before it.
/// A new kind is a new list here, a section in `api::controls::fixtures::plan` and a
/// step in `store::fixtures`.
#[derive(Debug, Default)]
pub struct Plan {
    pub data_attributes: Vec<Keyed<NewDataAttribute>>,
    pub tags: Vec<Keyed<String>>,
    pub companies: Vec<Keyed<NewCompany>>,
    pub contacts: Vec<Keyed<NewContact>>,
    pub conversations: Vec<Keyed<NewThread>>,
    pub articles: Vec<Keyed<NewArticle>>,
    pub ticket_types: Vec<Keyed<NewTicketType>>,
    pub tickets: Vec<Keyed<NewTicketFixture>>,
}

/// The sections of a document, in the order they are created.
pub const SECTIONS: [&str; 8] = [
    "data_attributes",
    "tags",
    "companies",
    "contacts",
    "conversations",
    "articles",
    "ticket_types",
    "tickets",
];

/// `201` of `POST /_switchboard/fixtures`: the id each document key got, by section, as the
/// API's paths take it.
#[derive(Debug, Serialize)]
pub struct Loaded {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub data_attributes: Map<String, serde_json::Value>,
    pub tags: Map<String, serde_json::Value>,
    pub companies: Map<String, serde_json::Value>,
    pub contacts: Map<String, serde_json::Value>,
    pub conversations: Map<String, serde_json::Value>,
    pub articles: Map<String, serde_json::Value>,
    pub ticket_types: Map<String, serde_json::Value>,
    pub tickets: Map<String, serde_json::Value>,
}

impl Default for Loaded {
    fn default() -> Self {
        Loaded {
            kind: "fixtures",
            data_attributes: Map::new(),
            tags: Map::new(),
            companies: Map::new(),
            contacts: Map::new(),
            conversations: Map::new(),
            articles: Map::new(),
            ticket_types: Map::new(),
            tickets: Map::new(),
        }
    }
}
