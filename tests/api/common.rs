//! A test app: a fresh database per test (a temporary SQLite file, or a uniquely named
//! PostgreSQL database), a fresh workspace, and the router driven in-process.
#![allow(dead_code)] // helpers serve every resource's tests, not each one

use std::future::Future;
use std::task::Poll;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::Connection;
use switchboard::api::{self, ApiConfig, AppState};
use switchboard::domain::workspace::CreatedWorkspace;
use switchboard::store::Store;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the PostgreSQL tests create their databases (trust auth on this machine).
fn postgres_admin_url() -> String {
    std::env::var("SWITCHBOARD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

enum DbGuard {
    Sqlite(tempfile::TempDir),
    Postgres { name: String },
}

impl DbGuard {
    fn url(&self) -> String {
        match self {
            DbGuard::Sqlite(dir) => format!("sqlite://{}", dir.path().join("test.db").display()),
            DbGuard::Postgres { name } => {
                format!("{}/{name}", postgres_admin_url().rsplit_once('/').unwrap().0)
            }
        }
    }
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { name } = self {
            let name = name.clone();
            // Drop runs inside the test's runtime; the cleanup needs a runtime of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(drop)).execute(&mut conn).await;
                    }
                });
            })
            .join();
        }
    }
}

/// A fresh, uniquely named PostgreSQL database, dropped with this value.
pub struct PgDatabase(DbGuard);

impl PgDatabase {
    pub fn url(&self) -> String {
        self.0.url()
    }
}

/// `None` when PostgreSQL is unreachable outside CI (in CI that is a failure).
pub async fn postgres_database() -> Option<PgDatabase> {
    let mut conn = match sqlx::PgConnection::connect(&postgres_admin_url()).await {
        Ok(conn) => conn,
        Err(err) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("skipping PostgreSQL case: {err}");
            return None;
        }
        Err(err) => panic!("PostgreSQL is required in CI: {err}"),
    };
    let name = format!("sb_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    Some(PgDatabase(DbGuard::Postgres { name }))
}

pub struct TestApp {
    router: Router,
    pub store: Store,
    pub workspace: CreatedWorkspace,
    pub token: String,
    db: DbGuard,
}

impl TestApp {
    /// `None` when PostgreSQL is unreachable outside CI (in CI that is a failure).
    pub async fn new(backend: Backend) -> Option<TestApp> {
        TestApp::with_config(backend, ApiConfig::default()).await
    }

    pub async fn with_config(backend: Backend, config: ApiConfig) -> Option<TestApp> {
        let (store, guard) = match backend {
            Backend::Sqlite => {
                let guard = DbGuard::Sqlite(tempfile::tempdir().expect("temp dir"));
                (Store::connect(&guard.url()).await.expect("sqlite store"), guard)
            }
            Backend::Postgres => {
                let db = postgres_database().await?;
                (Store::connect(&db.url()).await.expect("postgres store"), db.0)
            }
        };
        let workspace = store.create_workspace("Test Workspace", "owner@example.com", "Owner").await.unwrap();
        let router = api::router(AppState::new(store.clone(), &config), &config);
        Some(TestApp { router, store, token: workspace.access_token.clone(), workspace, db: guard })
    }

    /// Another workspace in the same database, with its own token.
    pub async fn other_workspace(&self) -> CreatedWorkspace {
        self.store.create_workspace("Other Workspace", "other@example.com", "Other").await.unwrap()
    }

    /// Another store on the same database, with pools of its own: it sees only what was
    /// committed.
    pub async fn other_store(&self) -> Store {
        Store::connect(&self.db.url()).await.expect("second store")
    }

    /// Polls the request once and drops it, as hyper drops a handler whose client hung up.
    /// Returns whether it was still unanswered then.
    pub async fn abandon(&self, request: Request<Body>) -> bool {
        let mut response = std::pin::pin!(self.router.clone().oneshot(request));
        std::future::poll_fn(|cx| Poll::Ready(response.as_mut().poll(cx).is_pending())).await
    }

    pub async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
        };
        (status, headers, body)
    }

    pub fn request(&self, method: Method, path: &str, body: Option<&Value>) -> Request<Body> {
        let builder = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/json");
        match body {
            Some(body) => builder.body(Body::from(body.to_string())).unwrap(),
            None => builder.body(Body::empty()).unwrap(),
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
        let (status, _, body) = self.send(self.request(method, path, body)).await;
        (status, body)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(&body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(&body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, None).await
    }

    /// The same request with another token.
    pub async fn get_as(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let request = Request::builder()
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = self.send(request).await;
        (status, body)
    }
}

/// Asserts an Intercom error list with one error of `code`, and returns that error.
#[track_caller]
pub fn assert_error(status: StatusCode, body: &Value, expected_status: u16, code: &str) -> Value {
    assert_eq!(status.as_u16(), expected_status, "status of {body}");
    assert_eq!(body["type"], "error.list", "{body}");
    assert!(body["request_id"].as_str().is_some_and(|id| id.len() == 36), "request_id in {body}");
    assert_eq!(body["errors"][0]["code"], code, "{body}");
    body["errors"][0].clone()
}
