//! switchboard-loader: generates a realistic workspace from a seed and loads it through
//! Switchboard's public API with bounded concurrency, then writes what the load runs need:
//! `contacts.tsv`, `companies.tsv`, `conversations.tsv`, `tickets.tsv` (ids and searchable values) and
//! `load.json` (counts and import rates). Endpoints the server does not have yet are skipped
//! with a note, so the same loader serves while the API grows.

mod api;
mod direct;
mod generate;
mod pool;
mod tickets;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use reqwest::Method;
use serde_json::{Value, json};

use api::{Api, CallError};
use generate::Sizes;

#[derive(Parser)]
#[command(name = "switchboard-loader", about = "Seeded workspace generator and bulk loader")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the generated requests as JSON lines (method, path, body) without sending them.
    Gen(Shape),
    /// Send the generated workspace to a server and write the ids the load runs need.
    Load(LoadArgs),
}

#[derive(Args, Clone)]
struct Shape {
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value_t = 10_000)]
    contacts: u64,
    /// Default: one company for every 20 contacts.
    #[arg(long)]
    companies: Option<u64>,
    /// Default: one conversation for every 10 contacts.
    #[arg(long)]
    conversations: Option<u64>,
    /// Default: one ticket for every 10 contacts.
    #[arg(long)]
    tickets: Option<u64>,
}

impl Shape {
    fn sizes(&self) -> Sizes {
        Sizes { contacts: self.contacts, companies: self.companies.unwrap_or(self.contacts / 20) }
    }
    fn conversations(&self) -> u64 {
        if self.contacts == 0 { 0 } else { self.conversations.unwrap_or(self.contacts / 10) }
    }
    fn tickets(&self) -> u64 {
        if self.contacts == 0 { 0 } else { self.tickets.unwrap_or(self.contacts / 10) }
    }
}

#[derive(Args)]
struct LoadArgs {
    #[command(flatten)]
    shape: Shape,
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base_url: String,
    #[arg(long, env = "SWITCHBOARD_TOKEN", hide_env_values = true)]
    token: String,
    /// The admin that owns contacts and replies to conversations.
    #[arg(long)]
    admin_id: String,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Most contacts written to contacts.tsv (an evenly spread sample).
    #[arg(long, default_value_t = 100_000)]
    sample: u64,
    /// Where to write the .tsv files and load.json.
    #[arg(long)]
    out: PathBuf,
    /// Write the contacts, their tags and their companies straight into this database (the
    /// server's, which may be serving it) through the server's bulk import; data attributes,
    /// tags, companies and conversations still go through the API.
    #[arg(long, requires = "workspace_id")]
    database_url: Option<String>,
    /// The workspace to import into (`workspace_id` of `switchboard workspace create`).
    #[arg(long)]
    workspace_id: Option<String>,
    /// Contacts per transaction with --database-url.
    #[arg(long, default_value_t = 1000)]
    batch: u64,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    match Cli::parse().command {
        Command::Gen(shape) => generate_lines(&shape),
        Command::Load(args) => load(args).await,
    }
}

fn generate_lines(shape: &Shape) -> Result<(), String> {
    let sizes = shape.sizes();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut line = |value: Value| writeln!(out, "{value}").map_err(|e| e.to_string());
    for (name, data_type) in generate::CONTACT_ATTRIBUTES {
        line(json!({"method": "POST", "path": "/data_attributes",
            "body": {"name": name, "model": "contact", "data_type": data_type}}))?;
    }
    for name in generate::TAGS {
        line(json!({"method": "POST", "path": "/tags", "body": {"name": name}}))?;
    }
    for i in 0..sizes.companies {
        line(json!({"method": "POST", "path": "/companies", "body": generate::company(shape.seed, i)}))?;
    }
    for i in 0..sizes.contacts {
        let all: Vec<&str> = generate::CONTACT_ATTRIBUTES.iter().map(|(name, _)| *name).collect();
        let plan = generate::contact(shape.seed, i, &sizes, Some("1"), &all);
        line(json!({"method": "POST", "path": "/contacts", "body": plan.body}))?;
        for tag in plan.tags {
            line(json!({"method": "POST", "path": format!("/contacts/{{contact:{i}}}/tags"),
                "body": {"id": format!("{{tag:{}}}", generate::TAGS[tag])}}))?;
        }
        if let Some(c) = plan.company {
            line(json!({"method": "POST", "path": format!("/contacts/{{contact:{i}}}/companies"),
                "body": {"id": format!("{{company:{c}}}")}}))?;
        }
    }
    for i in 0..shape.conversations() {
        let plan = generate::conversation(shape.seed, i, sizes.contacts);
        line(json!({"method": "POST", "path": "/conversations",
            "body": {"from": {"id": format!("{{contact:{}}}", plan.contact)}, "body": plan.body}}))?;
        for (by_admin, body) in plan.replies {
            let author = if by_admin { "admin" } else { "user" };
            line(json!({"method": "POST", "path": format!("/conversations/{{conversation:{i}}}/reply"),
                "body": {"message_type": "comment", "type": author, "body": body}}))?;
        }
    }
    Ok(())
}

/// A phase's figures for load.json.
fn phase_report<T>(phase: &pool::Phase<T>, requests: u64) -> Value {
    json!({
        "count": phase.results.len(),
        "created": phase.done(),
        "failed": phase.failed,
        "seconds": round2(phase.seconds),
        "per_second": round2(phase.done() as f64 / phase.seconds.max(1e-9)),
        "requests": requests,
        "requests_per_second": round2(requests as f64 / phase.seconds.max(1e-9)),
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

struct ContactRow {
    id: String,
    role: &'static str,
    email: String,
    external_id: Option<String>,
    name: String,
    name_part: String,
}

async fn load(args: LoadArgs) -> Result<(), String> {
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let api = Arc::new(Api::new(&args.base_url, &args.token, args.concurrency));
    let seed = args.shape.seed;
    let sizes = Arc::new(args.shape.sizes());
    let started = Instant::now();
    let mut skipped: Vec<String> = Vec::new();
    let mut report = serde_json::Map::new();
    let unavailable = |skipped: &mut Vec<String>, what: &str, effect: &str| {
        eprintln!("  {what}: endpoint not available; {effect}");
        skipped.push(format!("{what}: endpoint not available; {effect}"));
    };

    // Data attributes: contacts carry only the custom attributes the server accepted.
    let mut attributes: Vec<&'static str> = Vec::new();
    for (name, data_type) in generate::CONTACT_ATTRIBUTES {
        let body = json!({"name": name, "model": "contact", "data_type": data_type});
        match api.call(Method::POST, "/data_attributes", Some(&body)).await {
            Ok(_) => attributes.push(name),
            Err(CallError::Unavailable) => {
                unavailable(&mut skipped, "POST /data_attributes", "contacts get no custom attributes");
                break;
            }
            Err(e) => eprintln!("  data attribute {name} left out: {e}"),
        }
    }
    let attributes = Arc::new(attributes);

    let mut tag_ids: Option<Vec<String>> = Some(Vec::new());
    for name in generate::TAGS {
        match api.call(Method::POST, "/tags", Some(&json!({"name": name}))).await {
            Ok(tag) => tag_ids.as_mut().into_iter().for_each(|ids| ids.push(id_of(&tag))),
            Err(CallError::Unavailable) => {
                unavailable(&mut skipped, "POST /tags", "contacts are not tagged");
                tag_ids = None;
                break;
            }
            Err(e) => return Err(format!("tag {name}: {e}")),
        }
    }
    let tag_ids = Arc::new(tag_ids);

    eprintln!(
        "loading {} companies, {} contacts, {} conversations (seed {seed}, {} in flight)",
        sizes.companies,
        sizes.contacts,
        args.shape.conversations(),
        args.concurrency
    );
    let before = api.requests.load(Ordering::Relaxed);
    let companies = {
        let api = api.clone();
        pool::run("companies", sizes.companies, args.concurrency, move |i| {
            let api = api.clone();
            async move {
                let company = api.call(Method::POST, "/companies", Some(&generate::company(seed, i))).await?;
                Ok((id_of(&company), format!("cmp_{i:07}")))
            }
        })
        .await
    };
    report
        .insert("companies".into(), phase_report(&companies, api.requests.load(Ordering::Relaxed) - before));
    if companies.unavailable {
        unavailable(&mut skipped, "POST /companies", "contacts belong to no company");
    }
    let company_ids: Arc<Vec<Option<String>>> =
        Arc::new(companies.results.iter().map(|c| c.as_ref().map(|(id, _)| id.clone())).collect());

    let created_from = now();
    let before = api.requests.load(Ordering::Relaxed);
    let attach_failed = Arc::new(AtomicU64::new(0));
    let can_tag = Arc::new(AtomicBool::new(tag_ids.is_some()));
    let can_join = Arc::new(AtomicBool::new(!companies.unavailable));
    let mut direct_counts = None;
    let contacts = if let (Some(url), Some(workspace)) = (&args.database_url, &args.workspace_id) {
        let direct = direct::Direct::connect(url, workspace, &args.admin_id).await?;
        let tags: Option<Vec<i64>> = match tag_ids.as_ref() {
            Some(ids) => Some(
                ids.iter()
                    .map(|id| id.parse().map_err(|_| format!("tag id {id} is not numeric")))
                    .collect::<Result<_, _>>()?,
            ),
            None => None,
        };
        eprintln!("  contacts: direct import into the database, {} per transaction", args.batch);
        let (phase, counts) = direct::contacts(
            &direct,
            seed,
            sizes.clone(),
            args.admin_id.clone(),
            attributes.clone(),
            tags,
            company_ids.clone(),
            args.batch,
        )
        .await;
        direct.store.close().await;
        direct_counts = Some(counts);
        phase
    } else {
        let (api, sizes, tag_ids, company_ids) =
            (api.clone(), sizes.clone(), tag_ids.clone(), company_ids.clone());
        let (attach_failed, can_tag, can_join) = (attach_failed.clone(), can_tag.clone(), can_join.clone());
        let (owner, attributes) = (args.admin_id.clone(), attributes.clone());
        pool::run("contacts", sizes.contacts, args.concurrency, move |i| {
            let plan = generate::contact(seed, i, &sizes, Some(&owner), &attributes);
            let (api, tag_ids, company_ids) = (api.clone(), tag_ids.clone(), company_ids.clone());
            let (attach_failed, can_tag, can_join) =
                (attach_failed.clone(), can_tag.clone(), can_join.clone());
            async move {
                let contact = api.call(Method::POST, "/contacts", Some(&plan.body)).await?;
                let id = id_of(&contact);
                let mut links = Vec::new();
                if let (true, Some(tags)) = (can_tag.load(Ordering::Relaxed), tag_ids.as_ref()) {
                    for tag in &plan.tags {
                        links.push((format!("/contacts/{id}/tags"), json!({"id": tags[*tag]}), &*can_tag));
                    }
                }
                if let Some(Some(company)) = plan.company.map(|c| &company_ids[c as usize])
                    && can_join.load(Ordering::Relaxed)
                {
                    links.push((format!("/contacts/{id}/companies"), json!({"id": company}), &*can_join));
                }
                for (path, body, available) in links {
                    match api.call(Method::POST, &path, Some(&body)).await {
                        Ok(_) => {}
                        Err(CallError::Unavailable) => available.store(false, Ordering::Relaxed),
                        Err(e) => {
                            if attach_failed.fetch_add(1, Ordering::Relaxed) < 5 {
                                eprintln!("  POST {path}: {e}");
                            }
                        }
                    }
                }
                Ok(ContactRow {
                    id,
                    role: plan.role,
                    email: plan.email,
                    external_id: plan.external_id,
                    name: plan.name,
                    name_part: plan.name_part,
                })
            }
        })
        .await
    };
    let created_to = now();
    let mut contact_report = phase_report(&contacts, api.requests.load(Ordering::Relaxed) - before);
    contact_report["link_failures"] = json!(attach_failed.load(Ordering::Relaxed));
    if let Some(counts) = &direct_counts {
        contact_report["mode"] = json!("direct");
        contact_report["batch"] = json!(args.batch);
        contact_report["transactions"] = json!(counts.batches);
        contact_report["tag_links"] = json!(counts.tag_links);
        contact_report["company_links"] = json!(counts.company_links);
        contact_report["link_failures"] = json!(counts.link_failures);
    }
    report.insert("contacts".into(), contact_report);
    if contacts.unavailable {
        unavailable(&mut skipped, "POST /contacts", "no contacts, so no conversations");
    }
    if tag_ids.is_some() && !can_tag.load(Ordering::Relaxed) {
        unavailable(&mut skipped, "POST /contacts/{id}/tags", "contacts are not tagged");
    }
    if !companies.unavailable && !can_join.load(Ordering::Relaxed) {
        unavailable(&mut skipped, "POST /contacts/{id}/companies", "contacts belong to no company");
    }
    let contact_ids: Arc<Vec<Option<(String, &'static str)>>> =
        Arc::new(contacts.results.iter().map(|c| c.as_ref().map(|c| (c.id.clone(), c.role))).collect());

    let before = api.requests.load(Ordering::Relaxed);
    let conversation_count = if contacts.done() == 0 { 0 } else { args.shape.conversations() };
    let reply_available = Arc::new(AtomicBool::new(true));
    let conversations = {
        let (api, contact_ids, reply_available) = (api.clone(), contact_ids.clone(), reply_available.clone());
        let admin_id = args.admin_id.clone();
        pool::run("conversations", conversation_count, args.concurrency, move |i| {
            let plan = generate::conversation(seed, i, contact_ids.len() as u64);
            let contact = contact_ids[plan.contact as usize].clone();
            let (api, reply_available, admin_id) = (api.clone(), reply_available.clone(), admin_id.clone());
            async move {
                let Some((contact_id, role)) = contact else {
                    return Err(CallError::Status(0, format!("contact #{} was not created", plan.contact)));
                };
                let body = json!({"from": {"type": role, "id": contact_id}, "body": plan.body});
                let message = api.call(Method::POST, "/conversations", Some(&body)).await?;
                // Intercom answers with the message; its conversation is `conversation_id`.
                let id = message["conversation_id"].as_str().map(str::to_owned).unwrap_or_else(|| id_of(&message));
                for (by_admin, text) in plan.replies {
                    if !reply_available.load(Ordering::Relaxed) {
                        break;
                    }
                    let body = if by_admin {
                        json!({"message_type": "comment", "type": "admin", "admin_id": admin_id, "body": text})
                    } else {
                        json!({"message_type": "comment", "type": "user", "intercom_user_id": contact_id, "body": text})
                    };
                    match api.call(Method::POST, &format!("/conversations/{id}/reply"), Some(&body)).await {
                        Err(CallError::Unavailable) => reply_available.store(false, Ordering::Relaxed),
                        other => drop(other?),
                    }
                }
                Ok((id, contact_id))
            }
        })
        .await
    };
    report.insert(
        "conversations".into(),
        phase_report(&conversations, api.requests.load(Ordering::Relaxed) - before),
    );
    if conversations.unavailable {
        unavailable(&mut skipped, "POST /conversations", "no conversations");
    }

    let before = api.requests.load(Ordering::Relaxed);
    let ticket_count = if contacts.done() == 0 { 0 } else { args.shape.tickets() };
    let tickets = match tickets::ticket_type(&api).await {
        Ok((type_id, states)) => {
            tickets::load(
                api.clone(),
                seed,
                ticket_count,
                args.concurrency,
                type_id,
                Arc::new(states),
                contact_ids.clone(),
            )
            .await
        }
        Err(CallError::Unavailable) => {
            unavailable(&mut skipped, "POST /ticket_types", "no tickets");
            pool::run("tickets", 0, 1, |_| async { Err::<tickets::TicketRow, _>(CallError::Unavailable) }).await
        }
        Err(e) => return Err(format!("ticket type: {e}")),
    };
    report.insert("tickets".into(), phase_report(&tickets, api.requests.load(Ordering::Relaxed) - before));
    if tickets.unavailable {
        unavailable(&mut skipped, "POST /tickets", "no tickets");
    }

    write_tsv(
        &args.out.join("contacts.tsv"),
        &["contact_id", "email", "external_id", "name", "name_part"],
        sample(&contacts.results, args.sample).map(|c| {
            vec![c.id.as_str(), &c.email, c.external_id.as_deref().unwrap_or(""), &c.name, &c.name_part]
        }),
    )?;
    write_tsv(
        &args.out.join("companies.tsv"),
        &["company_id", "company_external_id"],
        sample(&companies.results, args.sample).map(|(id, external)| vec![id.as_str(), external.as_str()]),
    )?;
    write_tsv(
        &args.out.join("conversations.tsv"),
        &["conversation_id", "contact_id"],
        sample(&conversations.results, args.sample).map(|(id, contact)| vec![id.as_str(), contact.as_str()]),
    )?;

    write_tsv(
        &args.out.join("tickets.tsv"),
        &["ticket_id", "contact_id", "component"],
        sample(&tickets.results, args.sample).map(|t| vec![t.id.as_str(), t.contact_id.as_str(), t.component]),
    )?;

    let seconds = started.elapsed().as_secs_f64();
    let requests = api.requests.load(Ordering::Relaxed);
    let summary = json!({
        "seed": seed,
        "custom_attributes": *attributes,
        "tags": tag_ids.as_ref().as_ref().map_or(0, Vec::len),
        "phases": report,
        "requests": requests,
        "seconds": round2(seconds),
        "requests_per_second": round2(requests as f64 / seconds.max(1e-9)),
        "contacts_created_at": {"first": created_from, "last": created_to},
        "skipped": skipped,
    });
    let text = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    std::fs::write(args.out.join("load.json"), &text).map_err(|e| e.to_string())?;
    eprintln!("loaded in {seconds:.1}s: {requests} requests ({:.0}/s)", requests as f64 / seconds.max(1e-9));
    for (name, phase) in summary["phases"].as_object().into_iter().flatten() {
        eprintln!(
            "  {name}: {} created, {} failed, {}/s",
            phase["created"], phase["failed"], phase["per_second"]
        );
    }
    Ok(())
}

/// The `id` of an API object, which Intercom sends as a string.
fn id_of(object: &Value) -> String {
    match &object["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// At most `limit` of the created items, evenly spread over the whole run.
fn sample<T>(items: &[Option<T>], limit: u64) -> impl Iterator<Item = &T> {
    let step = (items.len() as u64).div_ceil(limit.max(1)).max(1) as usize;
    items.iter().step_by(step).flatten()
}

fn write_tsv<'a>(
    path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<&'a str>>,
) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut write = |fields: &[&str]| {
        let clean: Vec<String> = fields.iter().map(|f| f.replace(['\t', '\n'], " ")).collect();
        writeln!(out, "{}", clean.join("\t")).map_err(|e| e.to_string())
    };
    write(header)?;
    for row in rows {
        write(&row)?;
    }
    out.flush().map_err(|e| e.to_string())
}
