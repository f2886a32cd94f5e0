//! `conversation_statistics`: reporting figures kept up to date by every part, the way the
//! spec's field descriptions define them. Switchboard has no office hours, so "subtracts out
//! of business hours" subtracts nothing. Durations count from the first contact reply (for a
//! conversation a contact started: its creation).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// What happened to a conversation, as far as its statistics care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A comment by a contact (a reply, or the message that started the conversation).
    ContactReply,
    /// A comment by an admin (notes are not replies).
    AdminReply,
    /// Assigned to an admin or team (unassigning is not an assignment).
    Assignment,
    Close {
        admin_id: i64,
    },
    /// Opened after being closed.
    Reopen,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Statistics {
    #[serde(rename = "type")]
    pub kind: &'static str,
    // Each time and duration is left out until it has happened: the description types them as
    // integers, never null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_assignment: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_admin_reply: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_first_close: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_last_close: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_time_to_reply: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_contact_reply_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_assignment_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_admin_reply_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_close_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_assignment_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_assignment_admin_reply_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_contact_reply_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_admin_reply_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_close_at: Option<i64>,
    #[serde(serialize_with = "crate::domain::ids::shown")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_closed_by_id: Option<i64>,
    pub count_reopens: i64,
    pub count_assignments: i64,
    pub count_conversation_parts: i64,
    /// 2.14: "Time from conversation assignment to conversation close" (see [`Statistics::handling_time`]).
    pub handling_time: i64,
    /// Switchboard does not know when teammates are idle, so it has no adjusted time.
    pub adjusted_handling_time: Option<i64>,
    /// Filled in when read, from `team_responses` and the teams' names.
    pub assigned_team_first_response_time: Vec<TeamResponseTime>,
    /// Switchboard has no office hours: the same times.
    pub assigned_team_first_response_time_in_office_hours: Vec<TeamResponseTime>,
    /// Each team assignment, and how long the team took to reply.
    #[serde(skip_serializing)]
    pub team_responses: Vec<TeamResponse>,
    /// How long each admin reply to a waiting contact took: the median's input.
    #[serde(skip_serializing)]
    pub reply_times: Vec<i64>,
}

pub const KIND: &str = "conversation_statistics";

/// A team assignment; `response_time` is `None` until an admin replies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamResponse {
    pub team_id: i64,
    pub assigned_at: i64,
    pub response_time: Option<i64>,
}

/// `conversation_response_time`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamResponseTime {
    pub team_id: i64,
    pub team_name: String,
    pub response_time: i64,
}

impl Statistics {
    /// A conversation a contact started at `at`.
    pub fn started_by_contact(at: i64) -> Statistics {
        Statistics {
            kind: KIND,
            first_contact_reply_at: Some(at),
            last_contact_reply_at: Some(at),
            ..Statistics::default()
        }
    }

    /// A conversation an admin's message started: nothing has happened in it yet.
    pub fn started_by_admin() -> Statistics {
        Statistics { kind: KIND, ..Statistics::default() }
    }

    /// Seconds from the first assignment to the last close, 0 until a conversation that was
    /// assigned has been closed.
    pub fn handling_time(&self) -> i64 {
        match (self.first_assignment_at, self.last_close_at) {
            (Some(assigned), Some(closed)) if closed >= assigned => closed - assigned,
            _ => 0,
        }
    }

    /// The conversation was assigned to the team `team_id` at `at`: the team's response
    /// time runs until the next admin reply.
    pub fn assigned_to_team(&mut self, team_id: i64, at: i64) {
        self.team_responses.push(TeamResponse { team_id, assigned_at: at, response_time: None });
    }

    /// Shows the teams that have replied, each with its name (`names`, by team id).
    pub fn show_team_responses(&mut self, names: &HashMap<i64, String>) {
        let answered: Vec<TeamResponseTime> = self
            .team_responses
            .iter()
            .filter_map(|r| {
                Some(TeamResponseTime {
                    team_id: r.team_id,
                    team_name: names.get(&r.team_id).cloned().unwrap_or_default(),
                    response_time: r.response_time?,
                })
            })
            .collect();
        self.assigned_team_first_response_time_in_office_hours = answered.clone();
        self.assigned_team_first_response_time = answered;
    }

    /// Records one part (`count_conversation_parts`) and what it did. `waiting_since` is the
    /// conversation's value before the part.
    pub fn record(&mut self, event: Option<Event>, at: i64, waiting_since: Option<i64>) {
        self.count_conversation_parts += 1;
        let Some(event) = event else { return };
        let since_first = |stats: &Statistics| stats.first_contact_reply_at.map(|first| (at - first).max(0));
        match event {
            Event::ContactReply => {
                self.first_contact_reply_at.get_or_insert(at);
                self.last_contact_reply_at = Some(at);
            }
            Event::AdminReply => {
                if self.first_admin_reply_at.is_none() {
                    self.first_admin_reply_at = Some(at);
                    self.time_to_admin_reply = since_first(self);
                }
                self.last_admin_reply_at = Some(at);
                for pending in self.team_responses.iter_mut().filter(|r| r.response_time.is_none()) {
                    pending.response_time = Some((at - pending.assigned_at).max(0));
                }
                if self.last_assignment_at.is_some() && self.last_assignment_admin_reply_at.is_none() {
                    self.last_assignment_admin_reply_at = Some(at);
                }
                if let Some(waiting) = waiting_since {
                    self.reply_times.push((at - waiting).max(0));
                    self.median_time_to_reply = median(&self.reply_times);
                }
            }
            Event::Assignment => {
                // Only assignments after the contact first wrote count.
                if self.first_contact_reply_at.is_none() {
                    return;
                }
                self.count_assignments += 1;
                self.first_assignment_at.get_or_insert(at);
                self.last_assignment_at = Some(at);
                self.last_assignment_admin_reply_at = None;
                // "Duration until last assignment before first admin reply."
                if self.first_admin_reply_at.is_none() {
                    self.time_to_assignment = since_first(self);
                }
            }
            Event::Close { admin_id } => {
                if self.first_close_at.is_none() {
                    self.first_close_at = Some(at);
                    self.time_to_first_close = since_first(self);
                }
                self.last_close_at = Some(at);
                self.time_to_last_close = since_first(self);
                self.last_closed_by_id = Some(admin_id);
            }
            Event::Reopen => {
                if self.first_contact_reply_at.is_some() {
                    self.count_reopens += 1;
                }
            }
        }
    }
}

fn median(values: &[i64]) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conversations_life_in_figures() {
        let mut s = Statistics::started_by_contact(1000);
        s.record(Some(Event::Assignment), 1010, Some(1000));
        s.record(Some(Event::Assignment), 1020, Some(1000));
        assert_eq!((s.first_assignment_at, s.last_assignment_at), (Some(1010), Some(1020)));
        assert_eq!((s.count_assignments, s.time_to_assignment), (2, Some(20)));
        s.record(Some(Event::AdminReply), 1100, Some(1000));
        assert_eq!((s.first_admin_reply_at, s.time_to_admin_reply), (Some(1100), Some(100)));
        assert_eq!(s.last_assignment_admin_reply_at, Some(1100));
        // An assignment after the first reply does not move time_to_assignment.
        s.record(Some(Event::Assignment), 1150, None);
        assert_eq!((s.time_to_assignment, s.last_assignment_admin_reply_at), (Some(20), None));
        s.record(Some(Event::ContactReply), 1200, None);
        s.record(Some(Event::AdminReply), 1300, Some(1200));
        s.record(Some(Event::AdminReply), 1310, None);
        assert_eq!(s.median_time_to_reply, Some(100));
        assert_eq!(s.last_assignment_admin_reply_at, Some(1300));
        s.record(Some(Event::Close { admin_id: 7 }), 1400, None);
        s.record(Some(Event::Reopen), 1500, None);
        s.record(Some(Event::Close { admin_id: 8 }), 1600, None);
        assert_eq!((s.first_close_at, s.time_to_first_close), (Some(1400), Some(400)));
        assert_eq!((s.last_close_at, s.time_to_last_close), (Some(1600), Some(600)));
        assert_eq!((s.last_closed_by_id, s.count_reopens), (Some(8), 1));
        assert_eq!(s.handling_time(), 590);
        s.record(None, 1700, None);
        assert_eq!(s.count_conversation_parts, 11);
        assert_eq!(s.last_contact_reply_at, Some(1200));
    }

    #[test]
    fn a_team_responds_at_the_next_admin_reply() {
        let mut s = Statistics::started_by_contact(1000);
        s.assigned_to_team(7, 1010);
        s.record(Some(Event::Assignment), 1010, Some(1000));
        s.show_team_responses(&HashMap::new());
        assert!(s.assigned_team_first_response_time.is_empty(), "no reply yet");
        s.record(Some(Event::AdminReply), 1100, Some(1000));
        s.record(Some(Event::AdminReply), 1200, None);
        s.show_team_responses(&HashMap::from([(7, "Billing".to_owned())]));
        let expected = TeamResponseTime { team_id: 7, team_name: "Billing".into(), response_time: 90 };
        assert_eq!(s.assigned_team_first_response_time, vec![expected.clone()]);
        assert_eq!(s.assigned_team_first_response_time_in_office_hours, vec![expected]);
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5, 1, 3]), Some(3));
        assert_eq!(median(&[1, 2, 3, 10]), Some(2));
    }

    #[test]
    fn serializes_like_the_spec() {
        let json = serde_json::to_value(Statistics::started_by_contact(5)).unwrap();
        assert_eq!(json["type"], "conversation_statistics");
        assert_eq!(json["first_contact_reply_at"], 5);
        assert_eq!(json["last_closed_by_id"], serde_json::Value::Null);
        assert!(json.get("reply_times").is_none());
    }
}
