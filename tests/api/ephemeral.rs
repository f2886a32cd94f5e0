//! `switchboard serve --ephemeral`: the real binary on an in-memory database.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long the test waits for the server before it fails (a debug build on a busy machine);
/// docs/controls.md gives the figure of a release build.
const WAIT: Duration = Duration::from_secs(10);

async fn status_of(port: u16, method: &str, path: &str, token: &str, body: &str) -> Option<u16> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.ok()?;
    raw.get(9..12)?.parse().ok()
}

#[tokio::test]
async fn ephemeral_starts_fast_serves_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["serve", "--ephemeral", "--listen", &format!("127.0.0.1:{port}")])
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start switchboard");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("Created a first workspace"));
    let token_line = lines.next().unwrap().unwrap();
    let token = token_line.rsplit(' ').next().unwrap().to_owned();
    let ready = loop {
        if status_of(port, "GET", "/me", &token, "").await == Some(200) {
            break started.elapsed();
        }
        assert!(started.elapsed() < WAIT, "no answer from the ephemeral server");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    eprintln!("ephemeral: first 200 after {} ms", ready.as_millis());
    let created = status_of(port, "POST", "/contacts", &token, r#"{"email": "e@example.com"}"#).await;
    assert_eq!(created, Some(200));
    assert_eq!(status_of(port, "GET", "/contacts", &token, "").await, Some(200));
    let _ = child.kill();
    let _ = child.wait();
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "files written: {left:?}");
}

#[test]
fn ephemeral_refuses_a_database_url() {
    let output = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["serve", "--ephemeral", "--database-url", "sqlite://x.db"])
        .output()
        .expect("run switchboard");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("'--ephemeral' cannot be used with '--database-url"), "{stderr}");
}
