//! `POST /tickets/enqueue` jobs: stored by the API once the request is checked, run by the
//! worker of `switchboard serve` (`crate::worker`), reported by `GET /jobs/status/{job_id}`.
//!
//! As for content exports (`store::exports`), a worker claims a job with a lease by a
//! compare-and-set on `attempts`, and a job whose worker died is claimed again once its lease
//! lapses. The ticket and the job's success are written in one transaction, under the claim:
//! a job never makes two tickets.

use sea_query::{Expr, ExprTrait, Order};
use serde_json::Value as Json;

use crate::domain::error::{Missing, Rejection};
use crate::domain::export::new_job_identifier;
use crate::domain::ticket::requests::{CreateBody, NewTicket};
use crate::domain::ticket_job::{JobStatus, TicketJob};
use crate::store::schema::tickets::{TicketJobRow, TicketJobs};
use crate::store::tickets::writes::create_in;
use crate::store::{CLOCK, Exec, Store, StoreError, StoreResult, WhereEq, now, real_now};

/// Attempts after which a job whose workers keep dying (or whose database keeps failing) is
/// `failed`.
const MAX_ATTEMPTS: i64 = 3;

/// Pending or running, written out (not bound) so that both planners match it to the partial
/// index `ticket_jobs_queue`, whose predicate it is.
fn active() -> Expr {
    Expr::cust(r#""ticket_jobs"."status" IN ('pending', 'running')"#)
}

fn job(row: TicketJobRow) -> TicketJob {
    TicketJob {
        job_identifier: row.job_identifier,
        // Only this module writes the column, with `JobStatus` spellings.
        status: JobStatus::parse(&row.status).unwrap_or(JobStatus::Failed),
        ticket_id: row.ticket_id,
    }
}

/// A job a worker holds: its claim is `attempt`.
#[derive(Debug, Clone)]
pub struct ClaimedTicketJob {
    pub id: i64,
    pub workspace_id: i64,
    pub job_identifier: String,
    pub admin_id: i64,
    /// The checked request, as `POST /tickets` takes it.
    pub request: Json,
    pub attempt: i64,
}

impl Store {
    /// Checks a new ticket as creating it would, down to every lookup, and writes nothing.
    pub async fn check_new_ticket(
        &self,
        workspace_id: i64,
        admin_id: i64,
        new: &NewTicket,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_in(&mut tx, workspace_id, admin_id, new).await?;
        // Dropped, not committed: the trial is rolled back.
        drop(tx);
        Ok(())
    }

    /// Stores a checked `POST /tickets` request, to be created as the admin `admin_id`.
    pub async fn enqueue_ticket(
        &self,
        workspace_id: i64,
        admin_id: i64,
        request: &Json,
    ) -> StoreResult<TicketJob> {
        let at = now();
        let job_identifier = new_job_identifier();
        let mut tx = self.begin_single().await?;
        tx.execute(&TicketJobs::insert([
            (TicketJobs::WorkspaceId, workspace_id.into()),
            (TicketJobs::JobIdentifier, job_identifier.clone().into()),
            (TicketJobs::AdminId, admin_id.into()),
            (TicketJobs::Status, JobStatus::Pending.as_str().into()),
            (TicketJobs::Request, request.to_string().into()),
            (TicketJobs::CreatedAt, at.into()),
            (TicketJobs::UpdatedAt, at.into()),
        ]))
        .await?;
        tx.commit().await?;
        Ok(TicketJob { job_identifier, status: JobStatus::Pending, ticket_id: None })
    }

    /// A job of the workspace, pending or done.
    pub async fn get_ticket_job(&self, workspace_id: i64, job_identifier: &str) -> StoreResult<TicketJob> {
        let row: TicketJobRow = self
            .conn()
            .await?
            .fetch_optional(
                TicketJobs::select_rows()
                    .where_eq(TicketJobs::WorkspaceId, workspace_id)
                    .where_eq(TicketJobs::JobIdentifier, job_identifier),
            )
            .await?
            .ok_or(StoreError::NotFound(Missing::Job))?;
        Ok(job(row))
    }

    /// Claims the oldest job that is pending or whose worker's lease lapsed; a job that has
    /// used up its attempts is marked failed instead.
    pub async fn claim_ticket_job(&self, lease_seconds: i64) -> StoreResult<Option<ClaimedTicketJob>> {
        let mut conn = self.conn().await?;
        // Leases keep real time; the job's own timestamps follow its workspace's clock.
        let real = real_now();
        let queued: Vec<TicketJobRow> = conn
            .fetch_all(
                TicketJobs::select_rows().and_where(active()).order_by(TicketJobs::Id, Order::Asc).limit(20),
            )
            .await?;
        drop(conn);
        for row in queued {
            let running = row.status == JobStatus::Running.as_str();
            if running && row.lease_until.is_some_and(|until| until >= real) {
                continue;
            }
            let (status, lease) = if row.attempts >= MAX_ATTEMPTS {
                (JobStatus::Failed, None)
            } else {
                (JobStatus::Running, Some(real + lease_seconds))
            };
            let at = self.workspace_clock(row.workspace_id).await?.now(real);
            let mut tx = self.begin_single().await?;
            let claimed = tx
                .execute(
                    TicketJobs::update([
                        (TicketJobs::Status, status.as_str().into()),
                        (TicketJobs::LeaseUntil, lease.into()),
                        (TicketJobs::Attempts, (row.attempts + 1).into()),
                        (TicketJobs::UpdatedAt, at.into()),
                    ])
                    .where_eq(TicketJobs::Id, row.id)
                    .where_eq(TicketJobs::Attempts, row.attempts)
                    .and_where(
                        TicketJobs::Status
                            .col()
                            .is_in([JobStatus::Pending.as_str(), JobStatus::Running.as_str()]),
                    ),
                )
                .await?;
            tx.commit().await?;
            if claimed == 1 && status == JobStatus::Running {
                // Only `enqueue_ticket` writes the column, with JSON.
                let request = serde_json::from_str(&row.request).unwrap_or(Json::Null);
                return Ok(Some(ClaimedTicketJob {
                    id: row.id,
                    workspace_id: row.workspace_id,
                    job_identifier: row.job_identifier,
                    // Only `enqueue_ticket` writes the column, always with an admin.
                    admin_id: row.admin_id.unwrap_or(0),
                    request,
                    attempt: row.attempts + 1,
                }));
            }
        }
        Ok(None)
    }

    /// Creates a claimed job's ticket and records it, in one transaction that holds only if
    /// the claim still does. A request the rules now refuse (its contact was deleted since)
    /// fails the job with the rule's message. False when the claim was lost.
    pub async fn run_ticket_job(&self, claimed: &ClaimedTicketJob) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let created = match serde_json::from_value::<CreateBody>(claimed.request.clone()) {
            Ok(body) => match body.check() {
                Ok(new) => create_in(&mut tx, claimed.workspace_id, claimed.admin_id, &new).await,
                Err(rejection) => Err(rejection.into()),
            },
            Err(err) => Err(Rejection::invalid("body", err.to_string()).into()),
        };
        let (status, ticket_id, error) = match created {
            Ok(id) => (JobStatus::Success, Some(id), None),
            Err(StoreError::Rejected(rejection)) => (JobStatus::Failed, None, Some(rejection.message)),
            Err(StoreError::NotFound(missing)) => {
                (JobStatus::Failed, None, Some(missing.message().to_owned()))
            }
            Err(other) => return Err(other),
        };
        if let Some(id) = ticket_id {
            let topics = [crate::domain::webhook::TICKET_CREATED];
            crate::store::conversations::hooks::notify_ticket(
                &mut tx,
                claimed.workspace_id,
                id,
                &topics,
                None,
            )
            .await?;
        }
        if status == JobStatus::Failed {
            // Nothing of the ticket is kept; the job's failure is written on its own.
            drop(tx);
            tx = self.begin_single().await?;
        }
        let written = tx
            .execute(
                TicketJobs::update([
                    (TicketJobs::Status, status.as_str().into()),
                    (TicketJobs::LeaseUntil, Option::<i64>::None.into()),
                    (TicketJobs::TicketId, ticket_id.into()),
                    (TicketJobs::Error, error.into()),
                    (TicketJobs::UpdatedAt, now().into()),
                ])
                .where_eq(TicketJobs::Id, claimed.id)
                .where_eq(TicketJobs::Status, JobStatus::Running.as_str())
                .where_eq(TicketJobs::Attempts, claimed.attempt),
            )
            .await?;
        if written != 1 {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Runs the next job there is, if any; true when there was one.
    pub async fn run_next_ticket_job(&self, lease_seconds: i64) -> StoreResult<bool> {
        let Some(claimed) = self.claim_ticket_job(lease_seconds).await? else {
            return Ok(false);
        };
        let clock = self.workspace_clock(claimed.workspace_id).await?;
        if !CLOCK.scope(clock, self.run_ticket_job(&claimed)).await? {
            tracing::info!(job = %claimed.job_identifier, "ticket job dropped: taken over by another worker");
        }
        Ok(true)
    }
}
