//! Content data export jobs: created by the API, run by the worker of `switchboard serve`.
//!
//! A worker claims a job with a lease (`lease_until`) by a compare-and-set on `attempts`, so
//! two processes never run the same attempt, and a job whose worker was killed is claimed
//! again once its lease lapses. The result is written only if the claim still holds: a job
//! canceled meanwhile stays canceled.

use std::collections::HashMap;

use sea_query::{Cond, Expr, ExprTrait, Order, Query};

use crate::domain::error::Missing;
use crate::domain::export::{
    self, CsvFile, DOWNLOAD_LIFETIME_SECONDS, ExportJob, ExportRange, ExportStatus, Receipt,
};
use crate::store::backend::rows::row_struct;
use crate::store::schema::companies::Companies;
use crate::store::schema::contacts::Contacts;
use crate::store::schema::conversations::{ConversationContacts, ConversationParts, Conversations};
use crate::store::schema::exports::{ContentExportRow, ContentExports};
use crate::store::{CLOCK, Exec, Store, StoreError, StoreResult, WhereEq, now, real_now};

/// Attempts after which a job whose workers keep dying is `failed`.
const MAX_ATTEMPTS: i64 = 3;
/// Messages read per query while a job walks its range.
const BATCH: u64 = 500;

const ACTIVE: [&str; 2] = ["pending", "in_progress"];

/// Pending or running, written out (not bound) so that both planners match it to the partial
/// index `content_exports_queue`, whose predicate it is.
fn active() -> Expr {
    Expr::cust(r#""content_exports"."status" IN ('pending', 'in_progress')"#)
}

fn job(row: ContentExportRow) -> ExportJob {
    ExportJob {
        job_identifier: row.job_identifier,
        // Only this module writes the column, with `ExportStatus` spellings.
        status: ExportStatus::parse(&row.status).unwrap_or(ExportStatus::Failed),
        download_expires_at: row.download_expires_at,
    }
}

async fn find(db: &mut impl Exec, workspace_id: i64, job_identifier: &str) -> StoreResult<ContentExportRow> {
    db.fetch_optional(
        ContentExports::select_rows()
            .where_eq(ContentExports::WorkspaceId, workspace_id)
            .where_eq(ContentExports::JobIdentifier, job_identifier),
    )
    .await?
    .ok_or(StoreError::NotFound(Missing::Resource))
}

/// A job a worker holds: its claim is `attempt`.
#[derive(Debug, Clone)]
pub struct ClaimedExport {
    pub id: i64,
    pub workspace_id: i64,
    pub job_identifier: String,
    pub range: ExportRange,
    pub attempt: i64,
}

row_struct! {
    /// A message opened in the range: the conversation's first part.
    struct MessageRow {
        id: i64,
        created_at: i64,
        source_type: String,
        source_subject: String,
        title: Option<String>,
        company_id: Option<String>,
    }
}

row_struct! {
    /// A contact who took part in a message's conversation.
    struct RecipientRow {
        conversation_id: i64,
        contact_id: i64,
        public_id: String,
        external_id: Option<String>,
        email: Option<String>,
        name: Option<String>,
    }
}

row_struct! {
    struct FirstReplyRow {
        conversation_id: i64,
        author_contact_id: i64,
        first_reply: i64,
    }
}

/// The messages opened in `range` after `after` (`created_at`, `id`), oldest first.
async fn messages(
    db: &mut impl Exec,
    workspace_id: i64,
    range: ExportRange,
    after: Option<(i64, i64)>,
) -> StoreResult<Vec<MessageRow>> {
    let created_at = (Conversations::Table, Conversations::CreatedAt);
    let mut cond = Cond::all()
        .add(Conversations::WorkspaceId.col().eq(workspace_id))
        .add(Expr::col(created_at).gte(range.created_at_after))
        .add(Expr::col(created_at).lte(range.last_second()));
    if let Some((at, id)) = after {
        cond = cond.add(
            Cond::any()
                .add(Expr::col(created_at).gt(at))
                .add(Cond::all().add(Expr::col(created_at).eq(at)).add(Conversations::Id.col().gt(id))),
        );
    }
    db.fetch_all(
        Query::select()
            .expr_as(Conversations::Id.col(), "id")
            .expr_as(Expr::col(created_at), "created_at")
            .expr_as(Conversations::SourceType.col(), "source_type")
            .expr_as(Conversations::SourceSubject.col(), "source_subject")
            .expr_as(Conversations::Title.col(), "title")
            .expr_as(Companies::CompanyId.col(), "company_id")
            .from(Conversations::Table)
            .left_join(
                Companies::Table,
                Companies::Id.col().equals((Conversations::Table, Conversations::CompanyId)),
            )
            .cond_where(cond)
            .order_by(created_at, Order::Asc)
            .order_by((Conversations::Table, Conversations::Id), Order::Asc)
            .limit(BATCH),
    )
    .await
}

/// The receipts of a batch of messages: one per participant.
async fn receipts(db: &mut impl Exec, range: ExportRange, batch: &[MessageRow]) -> StoreResult<Vec<Receipt>> {
    let ids: Vec<i64> = batch.iter().map(|m| m.id).collect();
    let recipients: Vec<RecipientRow> = db
        .fetch_all(
            Query::select()
                .expr_as(ConversationContacts::ConversationId.col(), "conversation_id")
                .expr_as(ConversationContacts::ContactId.col(), "contact_id")
                .expr_as(Contacts::PublicId.col(), "public_id")
                .expr_as(Contacts::ExternalId.col(), "external_id")
                .expr_as(Contacts::Email.col(), "email")
                .expr_as(Contacts::Name.col(), "name")
                .from(ConversationContacts::Table)
                .inner_join(
                    Contacts::Table,
                    Contacts::Id.col().equals((ConversationContacts::Table, ConversationContacts::ContactId)),
                )
                .and_where(ConversationContacts::ConversationId.col().is_in(ids.iter().copied()))
                .order_by((ConversationContacts::Table, ConversationContacts::ConversationId), Order::Asc)
                .order_by((ConversationContacts::Table, ConversationContacts::AddedAt), Order::Asc)
                .order_by((ConversationContacts::Table, ConversationContacts::ContactId), Order::Asc),
        )
        .await?;
    // "Only events within the export job's requested date range are counted."
    let replies: Vec<FirstReplyRow> = db
        .fetch_all(
            Query::select()
                .expr_as(ConversationParts::ConversationId.col(), "conversation_id")
                .expr_as(ConversationParts::AuthorContactId.col(), "author_contact_id")
                .expr_as(ConversationParts::CreatedAt.col().min(), "first_reply")
                .from(ConversationParts::Table)
                .and_where(ConversationParts::ConversationId.col().is_in(ids.iter().copied()))
                .and_where(ConversationParts::AuthorContactId.col().is_not_null())
                .and_where(ConversationParts::PartType.col().eq("comment"))
                .and_where(ConversationParts::CreatedAt.col().gte(range.created_at_after))
                .and_where(ConversationParts::CreatedAt.col().lte(range.last_second()))
                .group_by_col((ConversationParts::Table, ConversationParts::ConversationId))
                .group_by_col((ConversationParts::Table, ConversationParts::AuthorContactId)),
        )
        .await?;
    let first_reply: HashMap<(i64, i64), i64> =
        replies.into_iter().map(|r| ((r.conversation_id, r.author_contact_id), r.first_reply)).collect();
    let by_id: HashMap<i64, &MessageRow> = batch.iter().map(|m| (m.id, m)).collect();
    let mut out = Vec::with_capacity(recipients.len());
    for m in batch {
        for r in recipients.iter().filter(|r| r.conversation_id == m.id) {
            let message = by_id[&m.id];
            let title = message
                .title
                .clone()
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| message.source_subject.clone());
            out.push(Receipt {
                user_id: r.public_id.clone(),
                user_external_id: r.external_id.clone(),
                company_id: message.company_id.clone(),
                email: r.email.clone(),
                name: r.name.clone(),
                message_id: message.id,
                content_type: export::content_type(&message.source_type),
                content_title: title,
                received_at: message.created_at,
                first_reply: first_reply.get(&(message.id, r.contact_id)).copied(),
            });
        }
    }
    Ok(out)
}

impl Store {
    /// Queues a job: at most one active job per workspace (the unique index decides a race).
    pub async fn create_export(&self, workspace_id: i64, range: ExportRange) -> StoreResult<ExportJob> {
        let at = now();
        let job_identifier = export::new_job_identifier();
        let mut tx = self.begin_single().await?;
        let inserted = tx
            .execute(&ContentExports::insert([
                (ContentExports::WorkspaceId, workspace_id.into()),
                (ContentExports::JobIdentifier, job_identifier.clone().into()),
                (ContentExports::Status, ExportStatus::Pending.as_str().into()),
                (ContentExports::CreatedAtAfter, range.created_at_after.into()),
                (ContentExports::CreatedAtBefore, range.created_at_before.into()),
                (ContentExports::CreatedAt, at.into()),
                (ContentExports::UpdatedAt, at.into()),
            ]))
            .await;
        match inserted {
            Ok(_) => tx.commit().await?,
            Err(StoreError::Conflict { .. }) => return Err(StoreError::Rejected(export::one_active_job())),
            Err(other) => return Err(other),
        }
        Ok(ExportJob { job_identifier, status: ExportStatus::Pending, download_expires_at: None })
    }

    pub async fn get_export(&self, workspace_id: i64, job_identifier: &str) -> StoreResult<ExportJob> {
        let mut conn = self.conn().await?;
        Ok(job(find(&mut conn, workspace_id, job_identifier).await?))
    }

    /// Cancels a pending or running job; a finished one is answered as it is.
    pub async fn cancel_export(&self, workspace_id: i64, job_identifier: &str) -> StoreResult<ExportJob> {
        let mut tx = self.begin().await?;
        let row = find(&mut tx, workspace_id, job_identifier).await?;
        tx.execute(
            ContentExports::update([
                (ContentExports::Status, ExportStatus::Canceled.as_str().into()),
                (ContentExports::LeaseUntil, Option::<i64>::None.into()),
                (ContentExports::UpdatedAt, now().into()),
            ])
            .where_eq(ContentExports::Id, row.id)
            .and_where(ContentExports::Status.col().is_in(ACTIVE)),
        )
        .await?;
        let row = find(&mut tx, workspace_id, job_identifier).await?;
        tx.commit().await?;
        Ok(job(row))
    }

    /// The gzip CSV of a completed job, while it is downloadable.
    pub async fn export_file(&self, workspace_id: i64, job_identifier: &str) -> StoreResult<Vec<u8>> {
        let mut conn = self.conn().await?;
        let file: Option<(Option<Vec<u8>>,)> = conn
            .fetch_optional(
                ContentExports::select([ContentExports::File])
                    .where_eq(ContentExports::WorkspaceId, workspace_id)
                    .where_eq(ContentExports::JobIdentifier, job_identifier)
                    .where_eq(ContentExports::Status, ExportStatus::Completed.as_str())
                    .and_where(ContentExports::DownloadExpiresAt.col().gte(now())),
            )
            .await?;
        file.and_then(|(file,)| file).ok_or(StoreError::NotFound(Missing::Resource))
    }

    /// Claims the oldest job that is pending or whose worker's lease lapsed; a job that has
    /// used up its attempts is marked failed instead.
    pub async fn claim_export(&self, lease_seconds: i64) -> StoreResult<Option<ClaimedExport>> {
        let mut conn = self.conn().await?;
        // Leases keep real time (every workspace's workers share them); the job's own
        // timestamps follow its workspace's clock.
        let real = real_now();
        let queued: Vec<ContentExportRow> = conn
            .fetch_all(
                ContentExports::select_rows()
                    .and_where(active())
                    .order_by(ContentExports::Id, Order::Asc)
                    .limit(20),
            )
            .await?;
        drop(conn);
        for row in queued {
            let running = row.status == ExportStatus::InProgress.as_str();
            if running && row.lease_until.is_some_and(|until| until >= real) {
                continue;
            }
            let (status, lease) = if row.attempts >= MAX_ATTEMPTS {
                (ExportStatus::Failed, None)
            } else {
                (ExportStatus::InProgress, Some(real + lease_seconds))
            };
            let at = self.workspace_clock(row.workspace_id).await?.now(real);
            let mut tx = self.begin_single().await?;
            let claimed = tx
                .execute(
                    ContentExports::update([
                        (ContentExports::Status, status.as_str().into()),
                        (ContentExports::LeaseUntil, lease.into()),
                        (ContentExports::Attempts, (row.attempts + 1).into()),
                        (ContentExports::UpdatedAt, at.into()),
                    ])
                    .where_eq(ContentExports::Id, row.id)
                    .where_eq(ContentExports::Attempts, row.attempts)
                    .and_where(ContentExports::Status.col().is_in(ACTIVE)),
                )
                .await?;
            tx.commit().await?;
            if claimed == 1 && status == ExportStatus::InProgress {
                return Ok(Some(ClaimedExport {
                    id: row.id,
                    workspace_id: row.workspace_id,
                    job_identifier: row.job_identifier,
                    range: ExportRange {
                        created_at_after: row.created_at_after,
                        created_at_before: row.created_at_before,
                    },
                    attempt: row.attempts + 1,
                }));
            }
        }
        Ok(None)
    }

    /// Walks a claimed job's messages and writes its file. False when the claim was lost
    /// (the job was canceled, or another worker took it over), and the work is dropped.
    pub async fn run_export(&self, claimed: &ClaimedExport, lease_seconds: i64) -> StoreResult<bool> {
        let mut file = CsvFile::new();
        let mut after = None;
        loop {
            let mut conn = self.conn().await?;
            let batch = messages(&mut conn, claimed.workspace_id, claimed.range, after).await?;
            for receipt in receipts(&mut conn, claimed.range, &batch).await? {
                file.push(&receipt);
            }
            drop(conn);
            if !self.renew_export(claimed, lease_seconds).await? {
                return Ok(false);
            }
            match batch.last() {
                Some(last) if batch.len() as u64 == BATCH => after = Some((last.created_at, last.id)),
                _ => break,
            }
        }
        let at = now();
        let rows = file.rows();
        let (status, bytes, expires) = if rows == 0 {
            (ExportStatus::NoData, None, None)
        } else {
            (ExportStatus::Completed, Some(file.finish()), Some(at + DOWNLOAD_LIFETIME_SECONDS))
        };
        let mut tx = self.begin_single().await?;
        let written = tx
            .execute(
                ContentExports::update([
                    (ContentExports::Status, status.as_str().into()),
                    (ContentExports::LeaseUntil, Option::<i64>::None.into()),
                    (ContentExports::RowCount, rows.into()),
                    (ContentExports::CompletedAt, at.into()),
                    (ContentExports::DownloadExpiresAt, expires.into()),
                    (ContentExports::File, bytes.into()),
                    (ContentExports::UpdatedAt, at.into()),
                ])
                .where_eq(ContentExports::Id, claimed.id)
                .where_eq(ContentExports::Status, ExportStatus::InProgress.as_str())
                .where_eq(ContentExports::Attempts, claimed.attempt),
            )
            .await?;
        tx.commit().await?;
        Ok(written == 1)
    }

    /// Extends a claim between batches; false when it was lost (canceled, or taken over).
    async fn renew_export(&self, claimed: &ClaimedExport, lease_seconds: i64) -> StoreResult<bool> {
        let mut tx = self.begin_single().await?;
        let renewed = tx
            .execute(
                ContentExports::update([(ContentExports::LeaseUntil, (real_now() + lease_seconds).into())])
                    .where_eq(ContentExports::Id, claimed.id)
                    .where_eq(ContentExports::Status, ExportStatus::InProgress.as_str())
                    .where_eq(ContentExports::Attempts, claimed.attempt),
            )
            .await?;
        tx.commit().await?;
        Ok(renewed == 1)
    }

    /// Runs the next job there is, if any; true when there was one.
    pub async fn run_next_export(&self, lease_seconds: i64) -> StoreResult<bool> {
        let Some(claimed) = self.claim_export(lease_seconds).await? else {
            return Ok(false);
        };
        let clock = self.workspace_clock(claimed.workspace_id).await?;
        if !CLOCK.scope(clock, self.run_export(&claimed, lease_seconds)).await? {
            tracing::info!(job = %claimed.job_identifier, "export dropped: canceled or taken over");
        }
        Ok(true)
    }

    /// Frees the files of exports past their download expiry, by real time (a workspace whose
    /// clock stands in the past may see its file freed before its clock reaches the expiry).
    pub async fn expire_export_files(&self) -> StoreResult<u64> {
        let mut tx = self.begin_single().await?;
        let freed = tx
            .execute(
                ContentExports::update([(ContentExports::File, Option::<Vec<u8>>::None.into())])
                    .and_where(ContentExports::File.col().is_not_null())
                    .and_where(ContentExports::DownloadExpiresAt.col().lt(now())),
            )
            .await?;
        tx.commit().await?;
        Ok(freed)
    }
}
