//! `serve`: the API on a listener until a shutdown signal.

use clap::Args;

use super::{CliError, DatabaseArgs};
use crate::api::ApiConfig;
use crate::store::Store;
use crate::store::webhooks::deliveries::RetryPolicy;
use crate::webhooks::WebhookWorker;
use crate::worker::JobWorker;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SWITCHBOARD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Requests per minute allowed per workspace, spread over 10-second windows.
    #[arg(long, env = "SWITCHBOARD_RATE_LIMIT", default_value_t = ApiConfig::default().rate_limit_per_minute)]
    pub rate_limit: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "SWITCHBOARD_MAX_BODY_BYTES", default_value_t = ApiConfig::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// Seconds a checked access token is trusted before it is looked up again: the longest a
    /// token revoked by `switchboard token revoke` keeps working in a running server (0: none).
    #[arg(long, env = "SWITCHBOARD_TOKEN_CACHE_SECONDS", default_value_t = ApiConfig::default().token_cache.as_secs())]
    pub token_cache_seconds: u64,
    /// Run content data export and enqueued ticket jobs in this process (0: leave them to
    /// another process on the same database).
    #[arg(long, env = "SWITCHBOARD_EXPORT_WORKERS", default_value_t = 1)]
    pub export_workers: u32,
    /// Seconds a worker's claim on an export or ticket job holds unrenewed: how soon a job
    /// whose process died is run again.
    #[arg(long, env = "SWITCHBOARD_EXPORT_LEASE_SECONDS", default_value_t = JobWorker::default().lease_seconds)]
    pub export_lease_seconds: i64,
    /// `Host` values `/mcp` answers (`name` or `name:port`, comma-separated); none: any.
    #[arg(long = "mcp-allowed-hosts", env = "SWITCHBOARD_MCP_ALLOWED_HOSTS", value_delimiter = ',')]
    pub mcp_allowed_hosts: Vec<String>,
    /// Browser origins `/mcp` accepts (`https://app.example.com:443`, comma-separated); none: any.
    #[arg(long = "mcp-allowed-origins", env = "SWITCHBOARD_MCP_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub mcp_allowed_origins: Vec<String>,
    /// Keep the database in memory (SQLite) and write nothing to disk: everything is gone when
    /// the process stops. For tests and trials; not with --database-url.
    #[arg(long, env = "SWITCHBOARD_EPHEMERAL", conflicts_with = "database_url")]
    pub ephemeral: bool,
    /// Serve the `/_switchboard/` controls (faults, request journal, ...); `off` for a
    /// deployment that serves real data: every control path is then not found.
    #[arg(long, env = "SWITCHBOARD_CONTROLS", default_value = "on", value_parser = ["on", "off"])]
    pub controls: String,
    /// A fixture document (docs/fixtures.md) to load into the first workspace at start, as its
    /// first admin; the server does not start if it is refused.
    #[arg(long, env = "SWITCHBOARD_FIXTURES")]
    pub fixtures: Option<std::path::PathBuf>,
    /// Requests the journal (`/_switchboard/requests`) keeps per workspace (0: none recorded).
    #[arg(long, env = "SWITCHBOARD_JOURNAL_SIZE", default_value_t = ApiConfig::default().journal_size)]
    pub journal_size: usize,
    /// Contact search counts this process remembers, each reused while the workspace's
    /// contacts are unchanged (0: every search counts its matches).
    #[arg(long, env = "SWITCHBOARD_SEARCH_COUNT_CACHE", default_value_t = 1_024)]
    pub search_count_cache: usize,
    /// Webhook notifications this process sends at once (0: leave delivery to another process
    /// on the same database).
    #[arg(long, env = "SWITCHBOARD_WEBHOOK_CONCURRENCY", default_value_t = WebhookWorker::default().concurrency)]
    pub webhook_concurrency: usize,
    /// Seconds one webhook attempt may take before it counts as failed.
    #[arg(long, env = "SWITCHBOARD_WEBHOOK_TIMEOUT_SECONDS", default_value_t = 10.0)]
    pub webhook_timeout_seconds: f64,
    /// Seconds before the first retry of a failed webhook attempt; each next retry waits twice
    /// as long (with jitter).
    #[arg(long, env = "SWITCHBOARD_WEBHOOK_RETRY_BASE_SECONDS", default_value_t = 30.0)]
    pub webhook_retry_base_seconds: f64,
    /// Seconds after which a notification that was never answered 2xx is marked failed.
    #[arg(long, env = "SWITCHBOARD_WEBHOOK_RETRY_MAX_SECONDS", default_value_t = 86_400.0)]
    pub webhook_retry_max_seconds: f64,
}

pub(super) async fn serve(args: ServeArgs) -> Result<(), CliError> {
    let mut store = if args.ephemeral { Store::in_memory().await? } else { args.db.connect().await? };
    store.set_count_cache_size(args.search_count_cache);
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    let address = listener.local_addr()?;
    if let Some(created) = store.create_first_workspace("My Workspace", "admin@example.com", "Admin").await? {
        println!("Created a first workspace ({}) with admin {}.", created.workspace_id, created.admin_id);
        println!("Its access token (shown once): {}", created.access_token);
        println!("Try: curl -s http://{address}/me -H 'Authorization: Bearer {}'", created.access_token);
    }
    if let Some(file) = &args.fixtures {
        let (workspace_id, admin_id) = store
            .first_workspace_admin()
            .await?
            .ok_or_else(|| CliError::Usage("--fixtures: no workspace with an admin to load into".into()))?;
        let loaded = super::fixtures::load_file(&store, workspace_id, admin_id, file).await?;
        println!("Loaded fixtures: {}", serde_json::to_string(&loaded).unwrap_or_default());
    }
    let database =
        if args.ephemeral { "in memory (ephemeral)".to_owned() } else { redact(&args.db.database_url) };
    tracing::info!(%address, %database, "switchboard is listening");
    let config = ApiConfig {
        rate_limit_per_minute: args.rate_limit,
        max_body_bytes: args.max_body_bytes,
        token_cache: std::time::Duration::from_secs(args.token_cache_seconds),
        mcp_allowed_hosts: args.mcp_allowed_hosts,
        mcp_allowed_origins: args.mcp_allowed_origins,
        controls: args.controls == "on",
        journal_size: args.journal_size,
    };
    let worker = JobWorker { lease_seconds: args.export_lease_seconds.max(1), ..JobWorker::default() };
    let workers: Vec<_> = (0..args.export_workers).map(|_| tokio::spawn(worker.run(store.clone()))).collect();
    let (stop_webhooks, stopped) = tokio::sync::watch::channel(false);
    let webhooks = (args.webhook_concurrency > 0).then(|| {
        let worker = WebhookWorker {
            timeout: seconds(args.webhook_timeout_seconds, 0.001),
            retry: RetryPolicy {
                base_ms: seconds(args.webhook_retry_base_seconds, 0.001).as_millis() as u64,
                max_ms: seconds(args.webhook_retry_max_seconds, 0.0).as_millis() as i64,
            },
            concurrency: args.webhook_concurrency,
            ..WebhookWorker::default()
        };
        tokio::spawn(worker.run(store.clone(), stopped))
    });
    crate::serve(listener, store.clone(), config, shutdown_signal()).await?;
    // A job cut short here is run again once its lease lapses.
    workers.iter().for_each(|w| w.abort());
    // Webhook sends under way finish (each within its timeout); the rest wait for the next start.
    let _ = stop_webhooks.send(true);
    if let Some(webhooks) = webhooks {
        let _ = webhooks.await;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// A duration given in seconds, at least `min` (a bad value from the environment is `min`).
fn seconds(value: f64, min: f64) -> std::time::Duration {
    std::time::Duration::try_from_secs_f64(value.max(min)).unwrap_or(std::time::Duration::from_secs_f64(min))
}

/// The database URL without its password, for the logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
