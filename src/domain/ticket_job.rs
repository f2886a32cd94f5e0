//! `POST /tickets/enqueue` jobs and `GET /jobs/status/{job_id}`: a ticket created later by the
//! worker of `switchboard serve`, and the `job` object that reports on it.

use serde::Serialize;

use super::str_enum::str_enum;

str_enum! {
    /// A job's stored status. `running` is a job a worker holds; the API shows it as pending.
    pub enum JobStatus {
        Pending => "pending",
        Running => "running",
        Success => "success",
        Failed => "failed",
    }
}

impl JobStatus {
    /// The description's `jobs.status`: pending, success or failed.
    pub fn shown(self) -> &'static str {
        match self {
            JobStatus::Pending | JobStatus::Running => "pending",
            JobStatus::Success => "success",
            JobStatus::Failed => "failed",
        }
    }
}

/// A job as stored.
#[derive(Debug, Clone)]
pub struct TicketJob {
    pub job_identifier: String,
    pub status: JobStatus,
    /// The ticket made, once the job succeeded.
    pub ticket_id: Option<i64>,
}

/// `jobs`: the job as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub url: String,
    pub status: &'static str,
    pub resource_type: &'static str,
    pub resource_id: Option<String>,
    pub resource_url: Option<String>,
}

impl TicketJob {
    /// The answer, with its URLs under `origin` (the scheme and host asked).
    pub fn shown(self, origin: &str) -> Job {
        Job {
            kind: "job",
            url: format!("{origin}/jobs/status/{}", self.job_identifier),
            id: self.job_identifier,
            status: self.status.shown(),
            resource_type: "ticket",
            resource_id: self.ticket_id.map(|id| id.to_string()),
            resource_url: self.ticket_id.map(|id| format!("{origin}/tickets/{id}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_job_is_shown_pending_and_a_done_one_names_its_ticket() {
        let running = TicketJob { job_identifier: "j1".into(), status: JobStatus::Running, ticket_id: None };
        let shown = running.shown("http://h");
        assert_eq!(
            (shown.status, shown.url.as_str(), shown.resource_id),
            ("pending", "http://h/jobs/status/j1", None)
        );
        let done = TicketJob { job_identifier: "j1".into(), status: JobStatus::Success, ticket_id: Some(7) };
        let shown = done.shown("http://h");
        assert_eq!(shown.resource_url.as_deref(), Some("http://h/tickets/7"));
        assert_eq!(shown.status, "success");
    }
}
