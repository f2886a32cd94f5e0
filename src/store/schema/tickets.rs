//! Tickets: their types, type attributes, states, the ticket rows that extend conversations,
//! links between tickets and conversations, and `POST /tickets/enqueue` jobs.

use crate::store::backend::rows::table;

table! {
    /// `ticket_types`: Customer, Back-office or Tracker types of a workspace.
    pub(crate) TicketTypes => TicketTypeRow {
        Id: i64,
        WorkspaceId: i64,
        Category: String,
        Name: String,
        Description: String,
        Icon: String,
        IsInternal: bool,
        Archived: bool,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}

table! {
    /// `ticket_type_attributes`: the attributes a ticket of a type carries.
    pub(crate) TicketTypeAttributes => TicketTypeAttributeRow {
        Id: i64,
        WorkspaceId: i64,
        TicketTypeId: i64,
        Name: String,
        Description: String,
        DataType: String,
        InputOptions: String,
        SortOrder: i64,
        RequiredToCreate: bool,
        RequiredToCreateForContacts: bool,
        VisibleOnCreate: bool,
        VisibleToContacts: bool,
        IsDefault: bool,
        Archived: bool,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}

table! {
    /// `ticket_states`: the states tickets of a category move between.
    pub(crate) TicketStates => TicketStateRow {
        Id: i64,
        WorkspaceId: i64,
        TicketCategory: String,
        Category: String,
        InternalLabel: String,
        ExternalLabel: String,
        SortOrder: i64,
        Archived: bool,
    }
}

table! {
    /// `tickets`: the ticket part of a conversation row (same id).
    pub(crate) Tickets => TicketRow {
        ConversationId: i64,
        WorkspaceId: i64,
        TicketNumber: i64,
        TicketTypeId: i64,
        Category: String,
        TicketStateId: i64,
        PreviousTicketStateId: Option<i64>,
        TicketAttributes: String,
        IsShared: bool,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}

table! {
    /// `ticket_links`: a ticket and a conversation or ticket linked to it.
    pub(crate) TicketLinks => TicketLinkRow {
        TicketId: i64,
        LinkedId: i64,
        WorkspaceId: i64,
        CreatedAt: i64,
    }
}

table! {
    /// `ticket_jobs`: a `POST /tickets/enqueue` request waiting for, or done by, the worker.
    pub(crate) TicketJobs => TicketJobRow {
        Id: i64,
        WorkspaceId: i64,
        JobIdentifier: String,
        AdminId: Option<i64>,
        Status: String,
        Request: String,
        TicketId: Option<i64>,
        Error: Option<String>,
        LeaseUntil: Option<i64>,
        Attempts: i64,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}
