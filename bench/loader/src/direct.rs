//! The direct contact phase: the same seeded contacts, tags and company attachments written
//! into the database through the server's bulk import (`Store::import_*`), a batch per
//! transaction, instead of one HTTP request per contact and per link. Each planned body is
//! read by the server's own parser of `POST /contacts`, so the same rules apply.

use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard::api::contacts::contact_changes;
use switchboard::domain::contact::ContactChanges;
use switchboard::store::Store;

use crate::generate::{self, Sizes};
use crate::{ContactRow, pool};

pub struct Direct {
    pub store: Store,
    pub workspace_id: i64,
    pub admin_id: i64,
}

impl Direct {
    /// Opens the server's database (its schema is already migrated) and finds the workspace.
    pub async fn connect(url: &str, workspace_code: &str, admin_id: &str) -> Result<Direct, String> {
        let store = Store::connect(url).await.map_err(|e| format!("{url}: {e}"))?;
        let workspace = store
            .workspace_by_code(workspace_code)
            .await
            .map_err(|e| format!("workspace {workspace_code}: {e}"))?;
        let admin_id = admin_id.parse().map_err(|_| format!("admin id {admin_id} is not numeric"))?;
        Ok(Direct { store, workspace_id: workspace.id, admin_id })
    }
}

/// One batch, ready to write: the parsed contacts and what to link them to.
struct Batch {
    start: u64,
    changes: Vec<ContactChanges>,
    plans: Vec<generate::ContactPlan>,
}

pub struct Counts {
    pub batches: u64,
    pub tag_links: u64,
    pub company_links: u64,
    pub link_failures: u64,
}

#[allow(clippy::too_many_arguments)]
pub async fn contacts(
    direct: &Direct,
    seed: u64,
    sizes: Arc<Sizes>,
    owner: String,
    attributes: Arc<Vec<&'static str>>,
    tag_ids: Option<Vec<i64>>,
    company_ids: Arc<Vec<Option<String>>>,
    batch: u64,
) -> (pool::Phase<ContactRow>, Counts) {
    let started = Instant::now();
    let count = sizes.contacts;
    // Plans are generated and parsed on a thread of their own while the previous batch is
    // written: the database, not the generator, sets the pace.
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Result<Batch, (u64, u64, String)>>(2);
    let generator = {
        let sizes = sizes.clone();
        std::thread::spawn(move || {
            let mut start = 0;
            while start < count {
                let end = (start + batch.max(1)).min(count);
                let plans: Vec<_> = (start..end)
                    .map(|i| generate::contact(seed, i, &sizes, Some(&owner), &attributes))
                    .collect();
                let parsed: Result<Vec<_>, _> = plans
                    .iter()
                    .map(|p| contact_changes(p.body.to_string().as_bytes()).map_err(|e| e.message))
                    .collect();
                let item = match parsed {
                    Ok(changes) => Ok(Batch { start, changes, plans }),
                    Err(e) => Err((start, end, e)),
                };
                if sender.blocking_send(item).is_err() {
                    return;
                }
                start = end;
            }
        })
    };

    let mut results: Vec<Option<ContactRow>> = (0..count).map(|_| None).collect();
    let mut failed = 0;
    let mut counts = Counts { batches: 0, tag_links: 0, company_links: 0, link_failures: 0 };
    let mut reported = Instant::now();
    let mut done = 0u64;
    let mut analyzed_at = 0u64;
    while let Some(item) = batches.recv().await {
        let batch = match item {
            Ok(batch) => batch,
            Err((start, end, e)) => {
                eprintln!("  contacts #{start}..#{end}: refused by the parser: {e}");
                failed += end - start;
                continue;
            }
        };
        // As `switchboard import` does: PostgreSQL's statistics refreshed after the first batch
        // and whenever the import has doubled, or its lookups by key are planned as reads of the
        // whole workspace (the load slowed to ~1,000/s by 400k).
        if done > 0 && done >= 2 * analyzed_at {
            if let Err(e) = direct.store.refresh_import_statistics().await {
                eprintln!("  statistics not refreshed: {e}");
            }
            analyzed_at = done;
        }
        let size = batch.changes.len() as u64;
        let ids = match direct.store.import_contacts(direct.workspace_id, &batch.changes).await {
            Ok(ids) => ids,
            Err(e) => {
                eprintln!("  contacts #{}..#{}: {e}", batch.start, batch.start + size);
                failed += size;
                continue;
            }
        };
        counts.batches += 1;
        let mut tags: Vec<(&str, i64)> = Vec::new();
        let mut companies: Vec<(&str, &str)> = Vec::new();
        for (id, plan) in ids.iter().zip(&batch.plans) {
            if let Some(tag_ids) = &tag_ids {
                tags.extend(plan.tags.iter().map(|t| (id.as_str(), tag_ids[*t])));
            }
            if let Some(Some(company)) = plan.company.map(|c| &company_ids[c as usize]) {
                companies.push((id.as_str(), company.as_str()));
            }
        }
        if !tags.is_empty() {
            match direct.store.import_contact_tags(direct.workspace_id, direct.admin_id, &tags).await {
                Ok(()) => counts.tag_links += tags.len() as u64,
                Err(e) => {
                    counts.link_failures += tags.len() as u64;
                    eprintln!("  tags of contacts #{}..: {e}", batch.start);
                }
            }
        }
        if !companies.is_empty() {
            match direct.store.import_contact_companies(direct.workspace_id, &companies).await {
                Ok(()) => counts.company_links += companies.len() as u64,
                Err(e) => {
                    counts.link_failures += companies.len() as u64;
                    eprintln!("  companies of contacts #{}..: {e}", batch.start);
                }
            }
        }
        for (offset, (id, plan)) in ids.into_iter().zip(batch.plans).enumerate() {
            results[(batch.start as usize) + offset] = Some(ContactRow {
                id,
                role: plan.role,
                email: plan.email,
                external_id: plan.external_id,
                name: plan.name,
                name_part: plan.name_part,
            });
        }
        done += size;
        if reported.elapsed() >= Duration::from_secs(5) {
            reported = Instant::now();
            let rate = done as f64 / started.elapsed().as_secs_f64();
            eprintln!("  contacts (direct): {done}/{count} ({rate:.0}/s)");
        }
    }
    generator.join().expect("the generator does not panic");
    let phase = pool::Phase { results, seconds: started.elapsed().as_secs_f64(), failed, unavailable: false };
    (phase, counts)
}
