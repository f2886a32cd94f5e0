use std::io::IsTerminal;

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logs go to stderr: stdout carries the CLI's JSON answers.
    tracing_subscriber::fmt()
        .with_env_filter(log_filter())
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = switchboard::cli::Cli::parse();
    match switchboard::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `RUST_LOG` (`info` without it), with the MCP library at `warn` unless `RUST_LOG` names it: at
/// info it logs three lines for every MCP request (its service set up and ended per request),
/// which cost more than the tool call itself.
fn log_filter() -> EnvFilter {
    const DEFAULT: &str = "info,rmcp=warn";
    match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => {
            let directives =
                if directives.contains("rmcp") { directives } else { format!("{directives},rmcp=warn") };
            EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new(DEFAULT))
        }
        _ => EnvFilter::new(DEFAULT),
    }
}
