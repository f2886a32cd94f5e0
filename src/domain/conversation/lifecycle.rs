//! What 2.14–2.16 add around a conversation: deleting it (and the ids kept of deleted ones),
//! its handling events, and its side conversations.

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Part, Reference, part_type};
use crate::domain::ids;
use crate::domain::pages::{NamedList, NumberedPages, Paged, PagesLink, listed};

/// `DELETE /conversations/{id}` (`conversation_deleted`).
#[derive(Debug, Clone, Serialize)]
pub struct ConversationDeleted {
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub object: &'static str,
    pub deleted: bool,
}

/// `deleted_conversation_item`: the id of a deleted conversation.
#[derive(Debug, Clone, Serialize)]
pub struct DeletedConversation {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub metrics_retained: bool,
    pub deleted_at: i64,
}

listed!(DeletedConversation: "conversations.list", "conversations");

/// `deleted_conversation_list`.
pub type DeletedConversationList = NamedList<DeletedConversation, Paged<PagesLink>>;

/// `teammate_reference`: an admin, with a numeric id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Teammate {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
}

/// `handling_event`: a teammate paused or resumed handling the conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HandlingEvent {
    pub teammate: Teammate,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// ISO 8601, UTC.
    pub timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

/// `handling_event_list`.
#[derive(Debug, Clone, Serialize)]
pub struct HandlingEventList {
    pub handling_events: Vec<HandlingEvent>,
}

/// A part as handling events are derived from it.
#[derive(Debug, Clone)]
pub struct HandlingStep {
    pub part_type: String,
    pub assigned_to: Option<Reference>,
    pub at: i64,
}

/// A derived event before its teammate's name is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handling {
    pub admin_id: i64,
    pub resumed: bool,
    pub at: i64,
    pub reason: Option<&'static str>,
}

/// Switchboard has no pause button: a conversation is handled by its admin assignee while it
/// is open. Handling resumes when an admin is assigned an open conversation or the
/// conversation it is assigned reopens; it pauses when the conversation is closed or
/// snoozed, or assigned to someone else (or to nobody). `steps` are the parts, oldest first,
/// of a conversation that started open and unassigned.
pub fn handling(steps: &[HandlingStep]) -> Vec<Handling> {
    let mut out = Vec::new();
    let mut handler: Option<i64> = None;
    let mut open = true;
    let pause = |out: &mut Vec<Handling>, handler: Option<i64>, open: bool, at: i64, reason: &'static str| {
        if let (Some(admin_id), true) = (handler, open) {
            out.push(Handling { admin_id, resumed: false, at, reason: Some(reason) });
        }
    };
    for step in steps {
        match step.part_type.as_str() {
            part_type::ASSIGNMENT | part_type::ASSIGN_AND_REOPEN | part_type::DEFAULT_ASSIGNMENT => {
                let Some(to) = &step.assigned_to else { continue };
                let reopened = step.part_type == part_type::ASSIGN_AND_REOPEN;
                let next = match to.kind {
                    "admin" => to.id,
                    "team" => {
                        if reopened && !open {
                            open = true;
                            if let Some(admin_id) = handler {
                                out.push(Handling { admin_id, resumed: true, at: step.at, reason: None });
                            }
                        }
                        continue;
                    }
                    _ => None,
                };
                if next == handler && (open || !reopened) {
                    continue;
                }
                let reason = if next.is_some() { "Reassigned" } else { "Unassigned" };
                pause(&mut out, handler, open, step.at, reason);
                handler = next;
                open = open || reopened;
                if let (Some(admin_id), true) = (handler, open) {
                    out.push(Handling { admin_id, resumed: true, at: step.at, reason: None });
                }
            }
            part_type::CLOSE => {
                pause(&mut out, handler, open, step.at, "Closed");
                open = false;
            }
            part_type::SNOOZED => {
                pause(&mut out, handler, open, step.at, "Snoozed");
                open = false;
            }
            part_type::OPEN => {
                if !open && let Some(admin_id) = handler {
                    out.push(Handling { admin_id, resumed: true, at: step.at, reason: None });
                }
                open = true;
            }
            _ => {}
        }
    }
    out
}

/// `at` (Unix seconds) as ISO 8601 in UTC: `2026-01-09T09:00:00Z`.
pub fn iso8601(at: i64) -> String {
    OffsetDateTime::from_unix_timestamp(at).ok().and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default()
}

/// `side_conversation_summary`: a side conversation and its messages.
#[derive(Debug, Clone, Serialize)]
pub struct SideConversation {
    #[serde(serialize_with = "ids::as_string")]
    pub side_conversation_id: i64,
    pub conversation_parts: Vec<Part>,
    pub total_count: i64,
}

listed!(SideConversation: "side_conversation.list", "side_conversations");

/// `side_conversation_list`.
pub type SideConversationList = NamedList<SideConversation, Paged<NumberedPages>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn step(part_type: &str, assigned_to: Option<Reference>, at: i64) -> HandlingStep {
        HandlingStep { part_type: part_type.into(), assigned_to, at }
    }

    fn event(admin_id: i64, resumed: bool, at: i64, reason: Option<&'static str>) -> Handling {
        Handling { admin_id, resumed, at, reason }
    }

    #[test]
    fn handling_follows_assignments_closes_and_reopens() {
        let steps = [
            step(part_type::COMMENT, None, 1),
            step(part_type::ASSIGNMENT, Some(Reference::team(9)), 2),
            step(part_type::ASSIGNMENT, Some(Reference::admin(1)), 3),
            step(part_type::SNOOZED, None, 4),
            step(part_type::OPEN, None, 5),
            step(part_type::ASSIGNMENT, Some(Reference::admin(2)), 6),
            step(part_type::CLOSE, None, 7),
            step(part_type::ASSIGN_AND_REOPEN, Some(Reference::admin(2)), 8),
            step(part_type::ASSIGNMENT, Some(Reference::nobody()), 9),
        ];
        assert_eq!(
            handling(&steps),
            vec![
                event(1, true, 3, None),
                event(1, false, 4, Some("Snoozed")),
                event(1, true, 5, None),
                event(1, false, 6, Some("Reassigned")),
                event(2, true, 6, None),
                event(2, false, 7, Some("Closed")),
                event(2, true, 8, None),
                event(2, false, 9, Some("Unassigned")),
            ]
        );
    }

    #[test]
    fn an_admin_assigned_a_closed_conversation_starts_when_it_reopens() {
        let steps = [
            step(part_type::CLOSE, None, 1),
            step(part_type::ASSIGNMENT, Some(Reference::admin(1)), 2),
            step(part_type::OPEN, None, 3),
        ];
        assert_eq!(handling(&steps), vec![event(1, true, 3, None)]);
        assert_eq!(iso8601(1767949200), "2026-01-09T09:00:00Z");
    }
}
