//! Tickets. A ticket is a conversation row extended by a `tickets` row (type, state,
//! attributes, `is_shared`, the number the inbox shows): its contacts, assignees, open/snoozed
//! state and parts are the conversation's, so the part model is the conversations' own. Ticket
//! parts keep what only tickets have (the state a part moved from and to, the attribute it
//! changed) in the part's `metadata`. Types, their attributes and the workspace's states are
//! in `types`. Links to trackers are `links`, type changes and conversion `conversion`, and
//! `POST /tickets/enqueue`'s queue `jobs`.

pub mod conversion;
pub mod jobs;
pub mod links;
pub mod reads;
pub mod types;
pub mod writes;
