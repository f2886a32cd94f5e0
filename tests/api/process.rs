//! The real binary: first-run output, durability across a killed process, graceful shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{Backend, backend_test, postgres_database};

struct Server {
    child: Child,
    port: u16,
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

/// Starts `switchboard serve` and returns it with the first lines it printed on stdout.
fn start(database_url: &str) -> (Server, Vec<String>) {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--database-url", database_url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start switchboard");
    let stdout = child.stdout.take().unwrap();
    let lines = std::thread::spawn(move || {
        BufReader::new(stdout).lines().map_while(Result::ok).take(3).collect::<Vec<_>>()
    });
    let server = Server { child, port };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // A restarted server prints nothing; don't wait for lines that will not come.
    std::thread::sleep(Duration::from_millis(200));
    let printed = if lines.is_finished() { lines.join().unwrap() } else { Vec::new() };
    (server, printed)
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
    let (server, printed) = start(&url);
    let token_line = printed.iter().find(|l| l.contains("shown once")).expect("the first run prints a token");
    let token = token_line.rsplit(' ').next().unwrap().to_owned();
    assert!(printed.iter().any(|l| l.contains("curl -s http://") && l.contains("/me")), "{printed:?}");
    let (status, me) = http(server.port, "GET", "/me", &token, "").await;
    assert_eq!(status, 200, "{me}");
    let admin = me["id"].as_str().unwrap().to_owned();
    let body = r#"{"away_mode_enabled": true, "away_mode_reassign": true}"#;
    assert_eq!(http(server.port, "PUT", &format!("/admins/{admin}/away"), &token, body).await.0, 200);
    drop(server); // SIGKILL, no chance to flush anything

    let (server, printed) = start(&url);
    assert!(printed.is_empty(), "a database with a workspace gets no new one: {printed:?}");
    let (status, again) = http(server.port, "GET", &format!("/admins/{admin}"), &token, "").await;
    assert_eq!(status, 200);
    assert_eq!(again["away_mode_enabled"], true);
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, _) = start(&format!("sqlite://{}", dir.path().join("term.db").display()));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    for _ in 0..100 {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server did not stop on SIGTERM");
}

/// A request refused before its handler (here: a bad token) leaves its connection usable even
/// when its body comes late: clients send their next request on the same connection.
#[tokio::test]
async fn a_refused_request_keeps_its_connection() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _) = start(&format!("sqlite://{}", dir.path().join("refused.db").display()));
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
    let body = r#"{"away_mode_enabled": true, "away_mode_reassign": true}"#;
    let head = format!(
        "PUT /admins/1/away HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer not-a-token\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
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
    tokio::time::sleep(Duration::from_millis(200)).await;
    stream.write_all(body.as_bytes()).await.unwrap();
    stream
        .write_all(b"GET /no/such/path HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answers = String::new();
    stream.read_to_string(&mut answers).await.unwrap();
    assert_eq!(answers.matches("HTTP/1.1 404").count(), 2, "answers: {answers:?}");
}
