//! The real binary: first-run output, durability across a killed process, graceful shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{Backend, backend_test, eventually, postgres_database};

/// How long a test waits for the server to start, answer or stop before it fails.
const WAIT: Duration = Duration::from_secs(10);

struct Server {
    child: Child,
    port: u16,
    /// What it prints on stdout, line by line.
    stdout: mpsc::Receiver<String>,
}

impl Server {
    /// The first `n` lines it prints, waiting for them.
    fn first_lines(&self, n: usize) -> Vec<String> {
        (0..n).map(|_| self.stdout.recv_timeout(WAIT).expect("a line on stdout")).collect()
    }

    /// Kills it (SIGKILL, no chance to flush anything) and returns the lines it printed that
    /// were not read yet: its stdout ends with it.
    fn kill(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stdout.iter().collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `switchboard serve` and waits until it listens.
async fn start(database_url: &str) -> Server {
    start_with(database_url, &[]).await
}

/// Starts `switchboard serve` with more arguments and waits until it listens.
async fn start_with(database_url: &str, args: &[&str]) -> Server {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--database-url", database_url])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start switchboard");
    let (lines, stdout) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let server = Server { child, port, stdout };
    let listening = async || tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok();
    eventually(WAIT, "listening", listening).await;
    server
}

/// One HTTP/1.1 exchange over a fresh connection.
async fn http(port: u16, method: &str, path: &str, token: &str, body: &str) -> (u16, Value) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let status = raw[9..12].parse().unwrap();
    let json = raw.split_once("\r\n\r\n").map(|(_, b)| serde_json::from_str(b).unwrap_or(Value::Null));
    (status, json.unwrap_or(Value::Null))
}

backend_test!(export_jobs_survive_a_killed_process);
async fn export_jobs_survive_a_killed_process(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let _pg;
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("export.db").display()),
        Backend::Postgres => {
            let Some(db) = postgres_database().await else { return };
            let url = db.url();
            _pg = db;
            url
        }
    };
    // A process that runs no exports takes the jobs, and is killed.
    let server = start_with(&url, &["--export-workers", "0"]).await;
    let printed = server.first_lines(3);
    let token_line = printed.iter().find(|l| l.contains("shown once")).expect("the first run prints a token");
    let token = token_line.rsplit(' ').next().unwrap().to_owned();
    let (status, contact) =
        http(server.port, "POST", "/contacts", &token, r#"{"email": "a@example.com"}"#).await;
    assert_eq!(status, 200, "{contact}");
    let body = format!(
        r#"{{"from": {{"type": "user", "id": "{}"}}, "body": "Hi"}}"#,
        contact["id"].as_str().unwrap()
    );
    assert_eq!(http(server.port, "POST", "/conversations", &token, &body).await.0, 200);
    let now = switchboard::store::now();
    let range = format!(r#"{{"created_at_after": {}, "created_at_before": {}}}"#, now - 60, now + 60);
    let (status, job) = http(server.port, "POST", "/export/content/data", &token, &range).await;
    assert_eq!(status, 200, "{job}");
    let job = job["job_identifier"].as_str().unwrap().to_owned();
    server.kill();
    // A worker claimed the job and died with it: its claim lapses at once here.
    let store = switchboard::store::Store::connect(&url).await.unwrap();
    assert!(store.claim_export(-1).await.unwrap().is_some());
    store.close().await;

    // The next process's worker runs it again, to the end.
    let server = start(&url).await;
    let path = format!("/export/content/data/{job}");
    let completed = async || http(server.port, "GET", &path, &token, "").await.1["status"] == "completed";
    eventually(WAIT, "the export completed", completed).await;
    let (_, done) = http(server.port, "GET", &path, &token, "").await;
    assert!(
        done["download_url"].as_str().unwrap().ends_with(&format!("/download/content/data/{job}")),
        "{done}"
    );
}

backend_test!(answered_writes_survive_a_killed_process);
async fn answered_writes_survive_a_killed_process(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let _pg;
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("kill.db").display()),
        Backend::Postgres => {
            let Some(db) = postgres_database().await else { return };
            let url = db.url();
            _pg = db;
            url
        }
    };
    let server = start(&url).await;
    let printed = server.first_lines(3);
    let token_line = printed.iter().find(|l| l.contains("shown once")).expect("the first run prints a token");
    let token = token_line.rsplit(' ').next().unwrap().to_owned();
    assert!(printed.iter().any(|l| l.contains("curl -s http://") && l.contains("/me")), "{printed:?}");
    let (status, me) = http(server.port, "GET", "/me", &token, "").await;
    assert_eq!(status, 200, "{me}");
    let admin = me["id"].as_str().unwrap().to_owned();
    let body = r#"{"away_mode_enabled": true, "away_mode_reassign": true}"#;
    assert_eq!(http(server.port, "PUT", &format!("/admins/{admin}/away"), &token, body).await.0, 200);
    server.kill(); // no chance to flush anything

    let server = start(&url).await;
    let (status, again) = http(server.port, "GET", &format!("/admins/{admin}"), &token, "").await;
    assert_eq!(status, 200);
    assert_eq!(again["away_mode_enabled"], true);
    let printed = server.kill();
    assert!(printed.is_empty(), "a database with a workspace gets no new one: {printed:?}");
}

backend_test!(snapshots_survive_a_restart);
async fn snapshots_survive_a_restart(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let _pg;
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("snapshots.db").display()),
        Backend::Postgres => {
            let Some(db) = postgres_database().await else { return };
            let url = db.url();
            _pg = db;
            url
        }
    };
    let server = start(&url).await;
    let printed = server.first_lines(3);
    let token_line = printed.iter().find(|l| l.contains("shown once")).expect("the first run prints a token");
    let token = token_line.rsplit(' ').next().unwrap().to_owned();
    let (status, contact) =
        http(server.port, "POST", "/contacts", &token, r#"{"email": "a@example.com"}"#).await;
    assert_eq!(status, 200, "{contact}");
    let (status, _) =
        http(server.port, "POST", "/_switchboard/snapshots", &token, r#"{"name": "base"}"#).await;
    assert_eq!(status, 201);
    assert_eq!(http(server.port, "POST", "/_switchboard/reset", &token, "").await.0, 200);
    server.kill();

    let server = start(&url).await;
    let (status, restored) =
        http(server.port, "POST", "/_switchboard/snapshots/base/restore", &token, "").await;
    assert_eq!(status, 200, "{restored}");
    let path = format!("/contacts/{}", contact["id"].as_str().unwrap());
    let (status, again) = http(server.port, "GET", &path, &token, "").await;
    assert_eq!(status, 200);
    assert_eq!(again, contact);
    server.kill();
}

/// Whether process `pid` has a handler for SIGTERM: bit 15 of the `SigCgt` mask Linux shows
/// in /proc. Elsewhere there is no telling, so yes.
fn catches_sigterm(pid: u32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else { return true };
    let mask = status.lines().find_map(|line| line.strip_prefix("SigCgt:")).expect("a SigCgt line");
    u64::from_str_radix(mask.trim(), 16).unwrap() & (1 << (15 - 1)) != 0
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(&format!("sqlite://{}", dir.path().join("term.db").display())).await;
    let pid = server.child.id();
    // Listening comes before the handler is installed; a SIGTERM before it kills the process.
    eventually(WAIT, "catching SIGTERM", async || catches_sigterm(pid)).await;
    let pid = pid.to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    eventually(WAIT, "stopped on SIGTERM", async || server.child.try_wait().unwrap().is_some()).await;
    let status = server.child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
}

/// A request refused before its handler (here: a bad token) leaves its connection usable even
/// when its body comes late: clients send their next request on the same connection.
#[tokio::test]
async fn a_refused_request_keeps_its_connection() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&format!("sqlite://{}", dir.path().join("refused.db").display())).await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
    let body = r#"{"away_mode_enabled": true, "away_mode_reassign": true}"#;
    let head = format!(
        "PUT /admins/1/away HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer not-a-token\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // A slow client's pause: the server answers only after the body, so nothing can be awaited.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stream.write_all(body.as_bytes()).await.unwrap();
    let next = "GET /admins HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer not-a-token\r\n\
                Connection: close\r\n\r\n";
    stream.write_all(next.as_bytes()).await.unwrap();
    let mut answers = String::new();
    stream.read_to_string(&mut answers).await.unwrap();
    assert_eq!(answers.matches("HTTP/1.1 401").count(), 2, "answers: {answers:?}");

    // The same for a path that does not exist.
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
    let head = format!(
        "POST /no/such/path HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await; // the body comes late, as above
    stream.write_all(body.as_bytes()).await.unwrap();
    stream
        .write_all(b"GET /no/such/path HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answers = String::new();
    stream.read_to_string(&mut answers).await.unwrap();
    assert_eq!(answers.matches("HTTP/1.1 404").count(), 2, "answers: {answers:?}");
}

/// A database URL for a process test, and what keeps its database alive.
async fn database(
    backend: Backend,
    dir: &tempfile::TempDir,
) -> Option<(String, Option<crate::common::PgDatabase>)> {
    Some(match backend {
        Backend::Sqlite => (format!("sqlite://{}", dir.path().join("webhooks.db").display()), None),
        Backend::Postgres => {
            let db = postgres_database().await?;
            (db.url(), Some(db))
        }
    })
}

backend_test!(webhooks_recorded_by_a_killed_process_are_sent_after_a_restart);
async fn webhooks_recorded_by_a_killed_process_are_sent_after_a_restart(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((url, _pg)) = database(backend, &dir).await else { return };
    let receiver = crate::webhooks::Receiver::start().await;
    // A process that sends no webhooks records them, and is killed.
    let server = start_with(&url, &["--webhook-concurrency", "0"]).await;
    let printed = server.first_lines(3);
    let token_line = printed.iter().find(|l| l.contains("shown once")).expect("the first run prints a token");
    let token = token_line.rsplit(' ').next().unwrap().to_owned();
    let body = format!(r#"{{"url": "{}", "topics": ["contact.user.created"]}}"#, receiver.url);
    let (status, created) = http(server.port, "POST", "/_switchboard/webhooks", &token, &body).await;
    assert_eq!(status, 201, "{created}");
    let (status, contact) =
        http(server.port, "POST", "/contacts", &token, r#"{"email": "w@example.com"}"#).await;
    assert_eq!(status, 200, "{contact}");
    server.kill();
    assert!(receiver.got().is_empty());

    let _server = start(&url).await;
    assert_eq!(receiver.item("contact.user.created").await["id"], contact["id"]);
    receiver.item("ping").await;
}

backend_test!(two_processes_on_one_database_send_each_notification_once);
async fn two_processes_on_one_database_send_each_notification_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((url, _pg)) = database(backend, &dir).await else { return };
    let receiver = crate::webhooks::Receiver::start().await;
    let first = start(&url).await;
    let printed = first.first_lines(3);
    let token_line = printed.iter().find(|l| l.contains("shown once")).expect("the first run prints a token");
    let token = token_line.rsplit(' ').next().unwrap().to_owned();
    let second = start(&url).await;
    let body = format!(r#"{{"url": "{}", "topics": ["contact.lead.created"]}}"#, receiver.url);
    assert_eq!(http(first.port, "POST", "/_switchboard/webhooks", &token, &body).await.0, 201);
    const N: usize = 30;
    for n in 0..N {
        let port = if n % 2 == 0 { first.port } else { second.port };
        let lead = format!(r#"{{"role": "lead", "name": "lead {n}"}}"#);
        assert_eq!(http(port, "POST", "/contacts", &token, &lead).await.0, 200);
    }
    eventually(WAIT, "every lead sent", async || receiver.items("contact.lead.created").len() >= N).await;
    // A duplicate would follow within a poll or two.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for got in receiver.got() {
        *seen.entry(got.json["id"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    assert_eq!(seen.len(), N + 1, "every lead and the ping");
    assert!(seen.values().all(|n| *n == 1), "each sent once: {seen:?}");
}
