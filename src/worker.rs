//! Background work of `switchboard serve`: content data export jobs and `POST /tickets/enqueue`
//! jobs.
//!
//! Jobs live in the database, so any number of processes on one database may run workers: a
//! job is claimed with a lease (see `store::exports`, `store::tickets::jobs`), and one whose
//! process died is run again once its lease lapses.

use std::time::Duration;

use crate::store::{Store, real_now};

/// How the job worker runs.
#[derive(Debug, Clone, Copy)]
pub struct JobWorker {
    /// How often to look for a job when there was none.
    pub poll: Duration,
    /// How long a claim on a job holds without being renewed (it is renewed between batches).
    pub lease_seconds: i64,
}

impl Default for JobWorker {
    fn default() -> Self {
        JobWorker { poll: Duration::from_secs(1), lease_seconds: 60 }
    }
}

/// How often files past their download expiry are freed.
const CLEANUP_EVERY_SECONDS: i64 = 3600;

impl JobWorker {
    /// Runs jobs until the task is dropped; an error is logged and retried after `poll`.
    pub async fn run(self, store: Store) {
        let mut cleaned_at = 0;
        loop {
            let tickets = match store.run_next_ticket_job(self.lease_seconds).await {
                Ok(ran) => ran,
                Err(err) => {
                    tracing::warn!(%err, "enqueued ticket failed; it will be retried");
                    false
                }
            };
            match store.run_next_export(self.lease_seconds).await {
                Ok(true) => continue,
                Ok(false) if tickets => continue,
                Ok(false) => {}
                Err(err) => tracing::warn!(%err, "content export failed; it will be retried"),
            }
            if real_now() - cleaned_at >= CLEANUP_EVERY_SECONDS {
                match store.expire_export_files().await {
                    Ok(freed) if freed > 0 => tracing::info!(freed, "expired content exports freed"),
                    Ok(_) => {}
                    Err(err) => tracing::warn!(%err, "expired content exports were not freed"),
                }
                cleaned_at = real_now();
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}
