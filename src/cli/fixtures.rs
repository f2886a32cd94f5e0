//! `switchboard fixtures load FILE --workspace W`, and the loading `serve --fixtures FILE` does:
//! the document `POST /_switchboard/fixtures` takes (docs/fixtures.md), all or nothing.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{CliError, print_json, workspace_id};
use crate::domain::fixture::Loaded;
use crate::store::{CLOCK, Store};

#[derive(Subcommand, Debug)]
pub enum FixturesCommand {
    /// Load a fixture document into a workspace, as its first admin, in one transaction;
    /// prints the ids by document key as `POST /_switchboard/fixtures` answers them.
    Load {
        /// The JSON document (see docs/fixtures.md).
        file: PathBuf,
        #[arg(long)]
        workspace: String,
    },
}

pub(super) async fn fixtures(store: &Store, command: FixturesCommand) -> Result<(), CliError> {
    let FixturesCommand::Load { file, workspace } = command;
    let ws = workspace_id(store, &workspace).await?;
    let admin = store
        .first_admin(ws)
        .await?
        .ok_or_else(|| CliError::Usage(format!("workspace {workspace} has no admin to load as")))?;
    print_json(&load_file(store, ws, admin, &file).await?);
    Ok(())
}

/// Loads the document in `file` into the workspace as `admin_id`, on the workspace's clock.
pub(super) async fn load_file(
    store: &Store,
    workspace_id: i64,
    admin_id: i64,
    file: &Path,
) -> Result<Loaded, CliError> {
    let name = file.display();
    let text = std::fs::read(file).map_err(|e| CliError::Usage(format!("{name}: {e}")))?;
    let document = serde_json::from_slice(&text)
        .map_err(|e| CliError::Usage(format!("{name}: not a JSON document: {e}")))?;
    let clock = store.workspace_clock(workspace_id).await?;
    let load = crate::api::controls::fixtures::load(store, workspace_id, admin_id, &document);
    CLOCK.scope(clock, load).await.map_err(|e| {
        let field = e.field.map(|f| format!(" ({f})")).unwrap_or_default();
        CliError::Usage(format!("{name}: nothing loaded: {} {}{field}", e.code.as_str(), e.message))
    })
}
