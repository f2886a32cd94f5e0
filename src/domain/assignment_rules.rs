//! Assignment rules: what `POST /conversations/{id}/run_assignment_rules` applies. Intercom
//! edits them in its UI; here the operator sets them per workspace with
//! `switchboard assignment-rules set --workspace W --rules FILE_OR_JSON`:
//!
//! ```json
//! {"rules": [
//!   {"name": "Billing", "match": {"field": "source.body", "operator": "~", "value": "invoice"},
//!    "assign": {"team_id": "12", "round_robin": true}},
//!   {"name": "VIP", "match": {"operator": "AND", "value": [
//!      {"field": "source.author.email", "operator": "$", "value": "@vip.example"},
//!      {"field": "custom_attributes.plan", "operator": "=", "value": "enterprise"}]},
//!    "assign": {"admin_id": "7", "team_id": "12"}},
//!   {"name": "Everyone else", "assign": {"team_id": "3"}}
//! ]}
//! ```
//!
//! Rules are tried in order and the first whose `match` holds for the conversation wins; a rule
//! without `match` always holds. `match` is a query of the conversation search language, with
//! its fields, operators and limits, compiled by the same compiler. `assign` names an admin, a
//! team, or both; with `round_robin` the admin is the team's next member in turn (by id, skipping
//! admins in away mode), the turn being kept per team in the database so that every server
//! process shares it. When no rule holds the conversation is left unassigned, as Intercom's
//! default assignment does.

use serde::Deserialize;
use serde_json::Value as Json;

use super::conversation::requests::IdValue;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesDoc {
    rules: Vec<RuleDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDoc {
    name: String,
    #[serde(rename = "match")]
    when: Option<Json>,
    assign: AssignDoc,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignDoc {
    admin_id: Option<IdValue>,
    team_id: Option<IdValue>,
    #[serde(default)]
    round_robin: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: String,
    /// A conversation search query; `None` holds for every conversation.
    pub when: Option<Json>,
    pub assign: Assign,
}

/// What a rule assigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assign {
    Admin { admin_id: i64, team_id: Option<i64> },
    Team { team_id: i64 },
    RoundRobin { team_id: i64 },
}

impl Assign {
    pub fn team_id(self) -> Option<i64> {
        match self {
            Assign::Admin { team_id, .. } => team_id,
            Assign::Team { team_id } | Assign::RoundRobin { team_id } => Some(team_id),
        }
    }
}

/// Reads a rules document; the search queries are checked by the caller, who knows the
/// workspace's custom attributes.
pub fn parse(text: &str) -> Result<Vec<Rule>, String> {
    let doc: RulesDoc = serde_json::from_str(text).map_err(|e| format!("not a rules document: {e}"))?;
    doc.rules
        .into_iter()
        .enumerate()
        .map(|(i, rule)| {
            let at = |msg: &str| format!("rules[{i}] ({}): {msg}", rule.name);
            if rule.name.trim().is_empty() {
                return Err(format!("rules[{i}]: name must not be blank"));
            }
            let id = |v: &Option<IdValue>, what: &str| -> Result<Option<i64>, String> {
                v.as_ref().map(|v| v.numeric().ok_or_else(|| at(&format!("{what} is not an id")))).transpose()
            };
            let admin_id = id(&rule.assign.admin_id, "admin_id")?;
            let team_id = id(&rule.assign.team_id, "team_id")?;
            let assign = match (admin_id, team_id, rule.assign.round_robin) {
                (Some(admin_id), team_id, false) => Assign::Admin { admin_id, team_id },
                (None, Some(team_id), false) => Assign::Team { team_id },
                (None, Some(team_id), true) => Assign::RoundRobin { team_id },
                (Some(_), _, true) => {
                    return Err(at("round_robin picks the admin: give a team_id, not an admin_id"));
                }
                (None, None, _) => return Err(at("assign needs an admin_id, a team_id or both")),
            };
            Ok(Rule { name: rule.name.trim().to_owned(), when: rule.when, assign })
        })
        .collect()
}

/// The round-robin pick: the first of `candidates` (in id order) after the one picked last,
/// wrapping around; `None` if no one can take it.
pub fn next_in_turn(candidates: &[i64], last: Option<i64>) -> Option<i64> {
    let mut sorted = candidates.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    match last {
        Some(last) => sorted.iter().copied().find(|id| *id > last).or_else(|| sorted.first().copied()),
        None => sorted.first().copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rules_in_order() {
        let rules = parse(
            r#"{"rules": [
                {"name": "b", "match": {"field": "state", "operator": "=", "value": "open"},
                 "assign": {"team_id": "2", "round_robin": true}},
                {"name": "c", "assign": {"admin_id": 5, "team_id": "2"}},
                {"name": "d", "assign": {"team_id": 3}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(rules[0].assign, Assign::RoundRobin { team_id: 2 });
        assert!(rules[0].when.is_some());
        assert_eq!(rules[1].assign, Assign::Admin { admin_id: 5, team_id: Some(2) });
        assert_eq!(rules[2].assign, Assign::Team { team_id: 3 });
        assert!(rules[2].when.is_none());
    }

    #[test]
    fn refuses_what_cannot_be_applied() {
        assert!(parse(r#"{"rules": [{"name": "x", "assign": {}}]}"#).is_err());
        assert!(
            parse(r#"{"rules": [{"name": "x", "assign": {"admin_id": 1, "round_robin": true}}]}"#).is_err()
        );
        assert!(parse(r#"{"rules": [{"name": " ", "assign": {"team_id": 1}}]}"#).is_err());
        assert!(parse(r#"{"rules": [{"name": "x", "assign": {"team_id": "abc"}}]}"#).is_err());
        assert!(parse(r#"{"rules": [{"name": "x", "assign": {"team_id": 1}, "when": {}}]}"#).is_err());
        assert_eq!(parse(r#"{"rules": []}"#).unwrap(), vec![]);
    }

    #[test]
    fn round_robin_takes_turns_and_wraps() {
        assert_eq!(next_in_turn(&[3, 1, 2], None), Some(1));
        assert_eq!(next_in_turn(&[3, 1, 2], Some(1)), Some(2));
        assert_eq!(next_in_turn(&[3, 1, 2], Some(3)), Some(1));
        // The last pick left the team: the next one up still gets it.
        assert_eq!(next_in_turn(&[1, 5], Some(4)), Some(5));
        assert_eq!(next_in_turn(&[], Some(4)), None);
    }
}
