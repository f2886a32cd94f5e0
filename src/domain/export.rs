//! Content data export (`/export/content/data`): the job's states, the answer, and the gzip CSV
//! whose columns the description's `data_export_csv` lists.
//!
//! Switchboard has no outbound campaigns: the messages it knows are the ones that open
//! conversations (an admin's message, or a contact's). Each message in the requested range is
//! a row per contact who took part, with the first reply that contact wrote within the range.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use rand::Rng;
use serde::Serialize;

use super::error::{ErrorCode, Rejection};
use super::str_enum::str_enum;

str_enum! {
    /// `data_export.status`.
    pub enum ExportStatus {
        Pending => "pending",
        InProgress => "in_progress",
        Failed => "failed",
        Completed => "completed",
        NoData => "no_data",
        Canceled => "canceled",
    }
}

impl ExportStatus {
    /// Still to run or running: the one job a workspace may have at a time.
    pub fn is_active(self) -> bool {
        matches!(self, ExportStatus::Pending | ExportStatus::InProgress)
    }
}

/// How long a finished export stays downloadable ("Jobs expire after two days").
pub const DOWNLOAD_LIFETIME_SECONDS: i64 = 2 * 24 * 60 * 60;

/// A job as stored.
#[derive(Debug, Clone)]
pub struct ExportJob {
    pub job_identifier: String,
    pub status: ExportStatus,
    pub download_expires_at: Option<i64>,
}

/// `data_export`: the job as the API shows it; the URL and expiry are empty strings until
/// there is something to download.
#[derive(Debug, Clone, Serialize)]
pub struct DataExport {
    pub job_identifier: String,
    pub status: ExportStatus,
    pub download_url: String,
    pub download_expires_at: String,
}

impl ExportJob {
    /// The answer, with the download URL under `origin` (the scheme and host asked).
    pub fn shown(self, origin: &str, now: i64) -> DataExport {
        let downloadable = self.status == ExportStatus::Completed
            && self.download_expires_at.is_some_and(|expires| expires >= now);
        let (download_url, download_expires_at) = match (downloadable, self.download_expires_at) {
            (true, Some(expires)) => {
                (format!("{origin}/download/content/data/{}", self.job_identifier), expires.to_string())
            }
            _ => (String::new(), String::new()),
        };
        DataExport {
            job_identifier: self.job_identifier,
            status: self.status,
            download_url,
            download_expires_at,
        }
    }
}

/// The range a job exports, both ends inclusive: "Date ranges are inclusive", to the end of
/// `created_at_before`'s day (UTC), as the description documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportRange {
    pub created_at_after: i64,
    pub created_at_before: i64,
}

impl ExportRange {
    pub fn new(created_at_after: i64, created_at_before: i64) -> Result<ExportRange, Rejection> {
        if created_at_after < 0 {
            return Err(Rejection::invalid("created_at_after", "created_at_after must be a UNIX timestamp"));
        }
        if created_at_before < created_at_after {
            return Err(Rejection::invalid(
                "created_at_before",
                "created_at_before must not be earlier than created_at_after",
            ));
        }
        Ok(ExportRange { created_at_after, created_at_before })
    }

    /// The last second exported: 23:59:59 UTC of `created_at_before`'s day.
    pub fn last_second(&self) -> i64 {
        const DAY: i64 = 86_400;
        self.created_at_before.div_euclid(DAY).saturating_mul(DAY).saturating_add(DAY - 1)
    }

    pub fn contains(&self, at: i64) -> bool {
        (self.created_at_after..=self.last_second()).contains(&at)
    }
}

/// The answer to a second job while one is active.
pub fn one_active_job() -> Rejection {
    Rejection::new(ErrorCode::RateLimitExceeded, "Exceeded rate limit of 1 pending message data export jobs")
}

/// A new job's identifier: 16 lowercase letters and digits, like Intercom's.
pub fn new_job_identifier() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..16).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// One delivery of a message to a contact: a row of the CSV. Columns Switchboard has no data
/// for (series, goals, opens, clicks, bounces: it sends nothing) are empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Receipt {
    pub user_id: String,
    pub user_external_id: Option<String>,
    /// The company's `company_id`, or "-1" when there is none.
    pub company_id: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The message: the conversation it opened.
    pub message_id: i64,
    pub content_type: String,
    pub content_title: String,
    pub received_at: i64,
    pub first_reply: Option<i64>,
}

/// The CSV's columns, in the description's order.
pub const COLUMNS: [&str; 26] = [
    "user_id",
    "user_external_id",
    "company_id",
    "email",
    "name",
    "ruleset_id",
    "content_id",
    "content_type",
    "content_title",
    "ruleset_version_id",
    "receipt_id",
    "received_at",
    "series_id",
    "series_title",
    "node_id",
    "first_reply",
    "first_completion",
    "first_series_completion",
    "first_series_disengagement",
    "first_series_exit",
    "first_goal_success",
    "first_open",
    "first_click",
    "first_dismisall",
    "first_unsubscribe",
    "first_hard_bounce",
];

/// The content type a conversation's source type stands for.
pub fn content_type(source_type: &str) -> String {
    match source_type {
        "conversation" => "Chat".into(),
        "email" => "Email".into(),
        "push" => "Push".into(),
        "facebook" => "Facebook".into(),
        "twitter" => "Twitter".into(),
        "whatsapp" => "WhatsApp".into(),
        "phone_call" => "Phone call".into(),
        "sms" => "SMS".into(),
        other => {
            let mut chars = other.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
    }
}

impl Receipt {
    fn cells(&self) -> [String; COLUMNS.len()] {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let time = |v: Option<i64>| v.map(|t| t.to_string()).unwrap_or_default();
        let id = self.message_id.to_string();
        [
            self.user_id.clone(),
            opt(&self.user_external_id),
            self.company_id.clone().unwrap_or_else(|| "-1".into()),
            opt(&self.email),
            opt(&self.name),
            id.clone(),
            id.clone(),
            self.content_type.clone(),
            self.content_title.clone(),
            id.clone(),
            format!("{id}-{}", self.user_id),
            self.received_at.to_string(),
            "-1".into(),
            String::new(),
            String::new(),
            time(self.first_reply),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]
    }
}

/// A CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// The gzip-compressed CSV, written as rows come.
pub struct CsvFile {
    encoder: GzEncoder<Vec<u8>>,
    rows: i64,
}

impl Default for CsvFile {
    fn default() -> Self {
        CsvFile::new()
    }
}

impl CsvFile {
    pub fn new() -> CsvFile {
        let mut file = CsvFile { encoder: GzEncoder::new(Vec::new(), Compression::default()), rows: 0 };
        file.line(COLUMNS.iter().map(|c| c.to_string()));
        file
    }

    fn line(&mut self, cells: impl IntoIterator<Item = String>) {
        let line = cells.into_iter().map(|c| field(&c)).collect::<Vec<_>>().join(",");
        // Writing into a Vec cannot fail.
        let _ = self.encoder.write_all(line.as_bytes());
        let _ = self.encoder.write_all(b"\r\n");
    }

    pub fn push(&mut self, receipt: &Receipt) {
        self.line(receipt.cells());
        self.rows += 1;
    }

    pub fn rows(&self) -> i64 {
        self.rows
    }

    /// The finished gzip bytes.
    pub fn finish(self) -> Vec<u8> {
        self.encoder.finish().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn the_file_is_a_gzip_csv_with_the_documented_columns() {
        let mut file = CsvFile::new();
        file.push(&Receipt {
            user_id: "abc".into(),
            email: Some("a@b.test".into()),
            name: Some("Ann, \"the\" admin".into()),
            message_id: 7,
            content_type: content_type("email"),
            content_title: "Hi".into(),
            received_at: 100,
            first_reply: Some(150),
            ..Receipt::default()
        });
        assert_eq!(file.rows(), 1);
        let mut text = String::new();
        flate2::read::GzDecoder::new(&file.finish()[..]).read_to_string(&mut text).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0].split(',').count(), COLUMNS.len());
        assert!(lines[0].starts_with("user_id,user_external_id,company_id,email,name,ruleset_id"));
        assert!(
            lines[1].starts_with(
                "abc,,-1,a@b.test,\"Ann, \"\"the\"\" admin\",7,7,Email,Hi,7,7-abc,100,-1,,,150,"
            )
        );
    }

    #[test]
    fn ranges_are_inclusive_and_ordered() {
        let range = ExportRange::new(10, 20).unwrap();
        assert!(
            range.contains(10) && range.contains(20) && range.contains(86_399) && !range.contains(86_400)
        );
        assert!(!range.contains(9));
        assert_eq!(ExportRange::new(0, 1_527_811_200).unwrap().last_second(), 1_527_897_599);
        assert_eq!(ExportRange::new(20, 10).unwrap_err().field.as_deref(), Some("created_at_before"));
    }

    #[test]
    fn only_a_live_completed_job_shows_a_download() {
        let job =
            |status, expires| ExportJob { job_identifier: "j".into(), status, download_expires_at: expires };
        let shown = job(ExportStatus::Completed, Some(500)).shown("http://h", 100);
        assert_eq!(shown.download_url, "http://h/download/content/data/j");
        assert_eq!(shown.download_expires_at, "500");
        assert_eq!(job(ExportStatus::Completed, Some(50)).shown("http://h", 100).download_url, "");
        assert_eq!(job(ExportStatus::Pending, None).shown("http://h", 100).download_expires_at, "");
        assert_eq!(new_job_identifier().len(), 16);
    }
}
