//! `switchboard import contacts|companies FILE --workspace W`: a bulk load of NDJSON, one
//! `POST /contacts` (or `POST /companies`) body a line, checked as the API checks it, written a
//! batch per transaction. A refused line refuses its batch: stdout gets one JSON line for it
//! (its line number, the batch's lines and the `error.list` the API would answer), and a
//! summary object at the end. A progress bar is drawn on stderr when stderr is a terminal.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value as Json, json};

use super::{CliError, print_json, workspace_id};
use crate::api::companies::company_created;
use crate::api::contacts::contact_changes;
use crate::domain::tag;
use crate::error::{ApiError, ApiResult};
use crate::store::import::{BatchError, CompanyLine, ContactBatch};
use crate::store::{CLOCK, Store};

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Create contacts: a `POST /contacts` body a line, with optional `tags` (tag names,
    /// created if missing) and `companies` (`company_id`s of existing companies) to attach.
    Contacts(ImportArgs),
    /// Create or update companies: a `POST /companies` body a line.
    Companies(ImportArgs),
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The NDJSON file; `-` reads stdin.
    file: PathBuf,
    #[arg(long)]
    workspace: String,
    /// Lines per transaction: one refused line refuses the lines of its batch.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    batch_size: u32,
}

/// What a run did, printed at the end.
#[derive(Default)]
struct Tally {
    lines: u64,
    written: u64,
    rejected_lines: u64,
    rejected_batches: u64,
}

pub(super) async fn import(store: &Store, command: ImportCommand) -> Result<(), CliError> {
    let (object, args) = match command {
        ImportCommand::Contacts(args) => ("contacts", args),
        ImportCommand::Companies(args) => ("companies", args),
    };
    let ws = workspace_id(store, &args.workspace).await?;
    let mut input = Input::open(&args)?;
    let started = Instant::now();
    let clock = store.workspace_clock(ws).await?;
    let mut tally = Tally::default();
    let outcome = match object {
        "contacts" => {
            let admin = store.first_admin(ws).await?.ok_or_else(|| {
                CliError::Usage(format!("workspace {} has no admin to tag as", args.workspace))
            })?;
            CLOCK.scope(clock, contacts(store, ws, admin, &mut input, &mut tally)).await
        }
        _ => CLOCK.scope(clock, companies(store, ws, &mut input, &mut tally)).await,
    };
    input.progress.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    print_json(&json!({
        "type": "import.summary",
        "object": object,
        "lines": tally.lines,
        "written": tally.written,
        "rejected_lines": tally.rejected_lines,
        "rejected_batches": tally.rejected_batches,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "per_second": (tally.written as f64 / seconds.max(0.001)).round(),
    }));
    outcome?;
    match tally.rejected_batches {
        0 => Ok(()),
        n => Err(CliError::Usage(format!("{n} batches refused; their lines were not written"))),
    }
}

async fn contacts(
    store: &Store,
    ws: i64,
    admin: i64,
    input: &mut Input,
    tally: &mut Tally,
) -> Result<(), CliError> {
    // Statistics refreshed after the first batch and whenever the import has doubled what it
    // had written at the last refresh: a handful of times for a million lines.
    let mut analyzed_at = 0;
    while let Some(lines) = input.batch(tally)? {
        if tally.written > 0 && tally.written >= 2 * analyzed_at {
            store.refresh_import_statistics().await?;
            analyzed_at = tally.written;
        }
        let mut batch = ContactBatch::default();
        let mut refused = Vec::new();
        for (line, text) in &lines {
            match contact_line(text) {
                Ok((changes, tags, companies)) => batch.push(*line, changes, tags, companies),
                Err(error) => refused.push((*line, error)),
            }
        }
        if refused.is_empty() {
            match store.import_contact_batch(ws, admin, &batch).await {
                Ok(n) => tally.written += n as u64,
                Err(BatchError::Item { index, error }) => refused.push((batch.lines[index], error)),
                Err(BatchError::Store(err)) => return Err(err.into()),
            }
        }
        input.report(&lines, refused, tally);
    }
    Ok(())
}

async fn companies(store: &Store, ws: i64, input: &mut Input, tally: &mut Tally) -> Result<(), CliError> {
    while let Some(lines) = input.batch(tally)? {
        let mut batch = Vec::with_capacity(lines.len());
        let mut refused = Vec::new();
        for (line, text) in &lines {
            match company_created(text.as_bytes()) {
                Ok((company_id, changes)) => batch.push(CompanyLine { line: *line, company_id, changes }),
                Err(error) => refused.push((*line, error)),
            }
        }
        if refused.is_empty() {
            match store.import_company_batch(ws, &batch).await {
                Ok(n) => tally.written += n as u64,
                Err(BatchError::Item { index, error }) => refused.push((batch[index].line, error)),
                Err(BatchError::Store(err)) => return Err(err.into()),
            }
        }
        input.report(&lines, refused, tally);
    }
    Ok(())
}

/// A contact line: the `POST /contacts` body without `tags` and `companies`, read by the
/// endpoint's own parser, and the tag names and `company_id`s to attach.
fn contact_line(text: &str) -> ApiResult<(crate::domain::contact::ContactChanges, Vec<String>, Vec<String>)> {
    let Ok(mut body) = serde_json::from_str::<Map<String, Json>>(text) else {
        // Not an object: the endpoint's parser says how the API refuses it.
        contact_changes(text.as_bytes())?;
        return Err(ApiError::invalid("body", "the line is not a JSON object"));
    };
    let tags = names(body.remove("tags"), "tags", |v| v.as_str().and_then(tag::clean_name))?;
    let companies = names(body.remove("companies"), "companies", |v| {
        let id = match v {
            Json::String(s) => s.trim().to_owned(),
            Json::Number(n) => n.to_string(),
            _ => return None,
        };
        (!id.is_empty()).then_some(id)
    })?;
    let changes = contact_changes(&serde_json::to_vec(&Json::Object(body)).unwrap_or_default())?;
    Ok((changes, tags, companies))
}

/// The list in `field` (absent or `null`: none), each item read by `item`.
fn names(value: Option<Json>, field: &str, item: impl Fn(&Json) -> Option<String>) -> ApiResult<Vec<String>> {
    let invalid = || ApiError::invalid(field, format!("{field} must be a list of names"));
    match value {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(items)) => items.iter().map(|v| item(v).ok_or_else(invalid)).collect(),
        Some(_) => Err(invalid()),
    }
}

/// The NDJSON being read, and the progress bar that follows it.
struct Input {
    reader: Box<dyn BufRead>,
    line: u64,
    batch_size: usize,
    progress: ProgressBar,
}

impl Input {
    fn open(args: &ImportArgs) -> Result<Self, CliError> {
        let name = args.file.display();
        let (reader, size): (Box<dyn Read>, Option<u64>) = if args.file.as_os_str() == "-" {
            (Box::new(std::io::stdin()), None)
        } else {
            let file = File::open(&args.file).map_err(|e| CliError::Usage(format!("{name}: {e}")))?;
            let size = file.metadata().ok().map(|m| m.len());
            (Box::new(file), size)
        };
        let progress = if !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else if let Some(size) = size {
            ProgressBar::new(size).with_style(
                ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {elapsed} eta {eta} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            )
        } else {
            ProgressBar::new_spinner()
        };
        Ok(Input {
            reader: Box::new(BufReader::with_capacity(1 << 20, progress.wrap_read(reader))),
            line: 0,
            batch_size: args.batch_size as usize,
            progress,
        })
    }

    /// The next batch's non-blank lines with their numbers (from 1), or `None` at the end.
    fn batch(&mut self, tally: &mut Tally) -> Result<Option<Vec<(u64, String)>>, CliError> {
        let mut lines = Vec::with_capacity(self.batch_size);
        let mut text = String::new();
        while lines.len() < self.batch_size {
            text.clear();
            if self.reader.read_line(&mut text)? == 0 {
                break;
            }
            self.line += 1;
            if !text.trim().is_empty() {
                lines.push((self.line, text.trim_end().to_owned()));
            }
        }
        tally.lines += lines.len() as u64;
        Ok((!lines.is_empty()).then_some(lines))
    }

    /// Prints each refused line of a batch (then none of it was written) and counts it.
    fn report(&self, lines: &[(u64, String)], refused: Vec<(u64, ApiError)>, tally: &mut Tally) {
        if !refused.is_empty() {
            tally.rejected_batches += 1;
            tally.rejected_lines += refused.len() as u64;
        }
        let (first, last) = (lines[0].0, lines[lines.len() - 1].0);
        for (line, error) in refused {
            let mut item = json!({"code": error.code.as_str(), "message": error.message});
            if let Some(field) = &error.field {
                item["field"] = json!(field);
            }
            let list = json!({"type": "error.list", "request_id": null, "errors": [item]});
            self.progress.suspend(|| {
                print_json(
                    &json!({"line": line, "batch": {"first_line": first, "last_line": last}, "error": list}),
                )
            });
        }
        self.progress
            .set_message(format!("{} written, {} batches refused", tally.written, tally.rejected_batches));
    }
}
