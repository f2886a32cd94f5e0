//! The operator's assignment rules (see `domain::assignment_rules` for the format) and
//! `run_assignment_rules`, which applies them to one conversation.

use sea_query::{Expr, ExprTrait, OnConflict, Query};

use crate::domain::assignment_rules::{self, Assign, Rule};
use crate::domain::conversation::statistics::Event;
use crate::domain::conversation::{Conversation, Reference, part_type};
use crate::store::conversations::exists;
use crate::store::conversations::parts::{NewPart, PartAuthor, insert_part, record_all, save};
use crate::store::conversations::reads::{get, row};
use crate::store::schema::admins::Teams;
use crate::store::schema::admins::{Admins, TeamAdmins};
use crate::store::schema::conversations::{AssignmentRules, AssignmentTurns, Conversations};
use crate::store::search::conversations::ConversationSearch;
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

async fn admin_exists(db: &mut impl Exec, workspace_id: i64, admin_id: i64) -> StoreResult<bool> {
    exists(
        db,
        Admins::select([Admins::Id])
            .where_eq(Admins::WorkspaceId, workspace_id)
            .where_eq(Admins::Id, admin_id),
    )
    .await
}

async fn team_exists(db: &mut impl Exec, workspace_id: i64, team_id: i64) -> StoreResult<bool> {
    exists(
        db,
        Teams::select([Teams::Id]).where_eq(Teams::WorkspaceId, workspace_id).where_eq(Teams::Id, team_id),
    )
    .await
}

async fn load_rules(db: &mut impl Exec, workspace_id: i64) -> StoreResult<Vec<Rule>> {
    let text: Option<(String,)> = db
        .fetch_optional(
            AssignmentRules::select([AssignmentRules::Rules])
                .where_eq(AssignmentRules::WorkspaceId, workspace_id),
        )
        .await?;
    // Only documents that passed `set_assignment_rules` are stored.
    Ok(text.and_then(|(t,)| assignment_rules::parse(&t).ok()).unwrap_or_default())
}

/// What the rule assigns now: `(admin, team)`; `None` if its admin or team is gone.
async fn decide(
    db: &mut impl Exec,
    workspace_id: i64,
    assign: Assign,
) -> StoreResult<Option<(Option<i64>, Option<i64>)>> {
    if let Some(team) = assign.team_id()
        && !team_exists(db, workspace_id, team).await?
    {
        return Ok(None);
    }
    Ok(match assign {
        Assign::Admin { admin_id, team_id } => {
            admin_exists(db, workspace_id, admin_id).await?.then_some((Some(admin_id), team_id))
        }
        Assign::Team { team_id } => Some((None, Some(team_id))),
        Assign::RoundRobin { team_id } => {
            let available: Vec<(i64,)> = db
                .fetch_all(
                    Query::select()
                        .column((TeamAdmins::Table, TeamAdmins::AdminId))
                        .from(TeamAdmins::Table)
                        .inner_join(
                            Admins::Table,
                            Expr::col((Admins::Table, Admins::Id))
                                .equals((TeamAdmins::Table, TeamAdmins::AdminId)),
                        )
                        .and_where(Expr::col((TeamAdmins::Table, TeamAdmins::TeamId)).eq(team_id))
                        .and_where(Expr::col((Admins::Table, Admins::AwayModeEnabled)).eq(false)),
                )
                .await?;
            let last: Option<(i64,)> = db
                .fetch_optional(
                    AssignmentTurns::select([AssignmentTurns::LastAdminId])
                        .where_eq(AssignmentTurns::WorkspaceId, workspace_id)
                        .where_eq(AssignmentTurns::TeamId, team_id),
                )
                .await?;
            let candidates: Vec<i64> = available.into_iter().map(|(id,)| id).collect();
            let pick = assignment_rules::next_in_turn(&candidates, last.map(|(id,)| id));
            if let Some(admin) = pick {
                db.execute(
                    AssignmentTurns::insert([
                        (AssignmentTurns::WorkspaceId, workspace_id.into()),
                        (AssignmentTurns::TeamId, team_id.into()),
                        (AssignmentTurns::LastAdminId, admin.into()),
                    ])
                    .on_conflict(
                        OnConflict::columns([AssignmentTurns::WorkspaceId, AssignmentTurns::TeamId])
                            .update_column(AssignmentTurns::LastAdminId)
                            .to_owned(),
                    ),
                )
                .await?;
            }
            Some((pick, Some(team_id)))
        }
    })
}

impl Store {
    /// Replaces the workspace's rules after checking them: the document's shape, each
    /// `match` against the conversation search fields, each admin and team.
    pub async fn set_assignment_rules(&self, workspace_id: i64, text: &str) -> Result<Vec<Rule>, String> {
        let run = async {
            let rules = match assignment_rules::parse(text) {
                Ok(rules) => rules,
                Err(problem) => return Ok(Err(problem)),
            };
            let mut tx = self.begin().await?;
            let search = ConversationSearch::load(&mut tx, workspace_id, now()).await?;
            for rule in &rules {
                if let Some(when) = &rule.when
                    && let Err(err) = search.validate(when)
                {
                    return Ok(Err(format!("rule '{}': match: {}", rule.name, err.message)));
                }
                if let Assign::Admin { admin_id, .. } = rule.assign
                    && !admin_exists(&mut tx, workspace_id, admin_id).await?
                {
                    return Ok(Err(format!("rule '{}': no admin {admin_id} in this workspace", rule.name)));
                }
                if let Some(team) = rule.assign.team_id()
                    && !team_exists(&mut tx, workspace_id, team).await?
                {
                    return Ok(Err(format!("rule '{}': no team {team} in this workspace", rule.name)));
                }
            }
            tx.execute(
                AssignmentRules::insert([
                    (AssignmentRules::WorkspaceId, workspace_id.into()),
                    (AssignmentRules::Rules, text.into()),
                    (AssignmentRules::UpdatedAt, now().into()),
                ])
                .on_conflict(
                    OnConflict::column(AssignmentRules::WorkspaceId)
                        .update_columns([AssignmentRules::Rules, AssignmentRules::UpdatedAt])
                        .to_owned(),
                ),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, crate::store::StoreError>(Ok(rules))
        };
        run.await.map_err(|err| format!("storage failure: {err}"))?
    }

    pub async fn assignment_rules(&self, workspace_id: i64) -> StoreResult<Vec<Rule>> {
        load_rules(&mut self.conn().await?, workspace_id).await
    }

    /// Applies the first rule that holds for the conversation (or none: unassigned), as a
    /// `default_assignment` part written by Operator.
    pub async fn run_assignment_rules(&self, workspace_id: i64, id: i64) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        let row = row(&mut tx, workspace_id, id).await?;
        let at = now();
        let rules = load_rules(&mut tx, workspace_id).await?;
        let search = ConversationSearch::load(&mut tx, workspace_id, at).await?;
        let mut outcome = (None, None);
        for rule in rules {
            if let Some(when) = &rule.when {
                // A rule whose query no longer compiles (an attribute archived since) is skipped.
                let Ok(cond) = search.condition(when) else { continue };
                let matched = exists(
                    &mut tx,
                    Query::select()
                        .column((Conversations::Table, Conversations::Id))
                        .from(Conversations::Table)
                        .and_where(Conversations::Id.col().eq(id))
                        .cond_where(cond),
                )
                .await?;
                if !matched {
                    continue;
                }
            }
            if let Some(decided) = decide(&mut tx, workspace_id, rule.assign).await? {
                outcome = decided;
                break;
            }
        }
        let mut core = row.core(at);
        let waiting = core.waiting_since;
        let (admin, team) = outcome;
        core.admin_assignee_id = admin;
        core.team_assignee_id = team;
        if let Some(team) = team {
            core.stats.assigned_to_team(team, at);
        }
        let assigned_to = match (admin, team) {
            (Some(admin), _) => Reference::admin(admin),
            (None, Some(team)) => Reference::team(team),
            (None, None) => Reference::nobody(),
        };
        let events = if assigned_to.id.is_some() { vec![Event::Assignment] } else { vec![] };
        let part = NewPart {
            assigned_to: Some(assigned_to),
            ..NewPart::event(part_type::DEFAULT_ASSIGNMENT, PartAuthor::Bot, core.state, at)
        };
        insert_part(&mut tx, id, part).await?;
        record_all(&mut core.stats, &events, at, waiting);
        save(&mut tx, id, &core, at).await?;
        let conversation = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(conversation)
    }
}
