//! A test app: a fresh database per test (a temporary SQLite file, or a uniquely named
//! PostgreSQL database), a fresh workspace, and the router driven in-process.
#![allow(dead_code)] // helpers serve every resource's tests, not each one

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::Connection;
use switchboard::api::{self, ApiConfig, AppState};
use switchboard::domain::workspace::CreatedWorkspace;
use switchboard::store::{Pools, Store};
use tower::ServiceExt;

use crate::conformance;

/// The `Host` every test request names, as a client's would: URLs Switchboard builds from it
/// (`pages.next` links, attachment URLs) are absolute, as the descriptions have them.
pub const TEST_HOST: &str = "switchboard.test";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares the test `name`: the `async fn name` written below it, run once on SQLite and
/// once on PostgreSQL.
///
/// ```ignore
/// backend_test!(contacts_are_created);
/// async fn contacts_are_created(app: TestApp) { /* a fresh app on a fresh database */ }
///
/// backend_test!(small_bodies_only, ApiConfig { max_body_bytes: 1024, ..ApiConfig::default() });
/// async fn small_bodies_only(app: TestApp) { /* the app built with that config */ }
///
/// backend_test!(sets_up_its_own_database);
/// async fn sets_up_its_own_database(backend: Backend) { /* only told which backend */ }
///
/// backend_test!(#[tokio::test(flavor = "multi_thread", worker_threads = 4)] many_at_once);
/// async fn many_at_once(app: TestApp) { /* on a runtime of four threads */ }
/// ```
///
/// The function takes whatever implements [`FromBackend`]: a [`TestApp`], or only the
/// [`Backend`] for a test that sets up its own database. A PostgreSQL case is skipped when no
/// server is reachable outside CI. The body stays a plain function, so rustfmt formats it
/// (rustfmt leaves the insides of macro calls alone). The cases keep the names rstest gave
/// them (`name::backend_1_Backend__Sqlite`), so filters and CI history still match.
macro_rules! backend_test {
    ($name:ident $(, $config:expr)?) => {
        $crate::common::backend_test!(#[tokio::test] $name $(, $config)?);
    };
    (#[$runtime:meta] $name:ident) => {
        mod $name {
            #[$runtime]
            #[allow(non_snake_case)]
            async fn backend_1_Backend__Sqlite() {
                $crate::common::run_case($crate::common::Backend::Sqlite, super::$name).await;
            }

            #[$runtime]
            #[allow(non_snake_case)]
            async fn backend_2_Backend__Postgres() {
                $crate::common::run_case($crate::common::Backend::Postgres, super::$name).await;
            }
        }
    };
    (#[$runtime:meta] $name:ident, $config:expr) => {
        mod $name {
            use super::*; // the config is written in the test's module

            #[$runtime]
            #[allow(non_snake_case)]
            async fn backend_1_Backend__Sqlite() {
                let backend = $crate::common::Backend::Sqlite;
                let Some(app) = $crate::common::TestApp::with_config(backend, $config).await else { return };
                super::$name(app).await;
            }

            #[$runtime]
            #[allow(non_snake_case)]
            async fn backend_2_Backend__Postgres() {
                let backend = $crate::common::Backend::Postgres;
                let Some(app) = $crate::common::TestApp::with_config(backend, $config).await else { return };
                super::$name(app).await;
            }
        }
    };
}
pub(crate) use backend_test;

/// What a [`backend_test!`] function takes, built for one backend.
pub trait FromBackend: Sized {
    /// `None` skips the case: PostgreSQL is unreachable outside CI.
    fn from_backend(backend: Backend) -> impl Future<Output = Option<Self>>;
}

impl FromBackend for TestApp {
    fn from_backend(backend: Backend) -> impl Future<Output = Option<Self>> {
        TestApp::new(backend)
    }
}

impl FromBackend for Backend {
    async fn from_backend(backend: Backend) -> Option<Self> {
        Some(backend)
    }
}

/// One case of a [`backend_test!`].
pub async fn run_case<T: FromBackend, F: Future<Output = ()>>(backend: Backend, test: impl FnOnce(T) -> F) {
    if let Some(given) = T::from_backend(backend).await {
        test(given).await;
    }
}

/// Waits until `condition` holds, checking it every 10 ms; fails the test after `timeout`.
/// For what a test waits on (a server listening, a background task done) instead of a sleep
/// that is too short on a busy machine and too long everywhere else.
pub async fn eventually(timeout: Duration, what: &str, mut condition: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !condition().await {
        assert!(start.elapsed() < timeout, "still not {what} after {timeout:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
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

/// The version a request without `Intercom-Version` gets: the workspace's default.
pub const DEFAULT_VERSION: &str = "2.11";

pub struct TestApp {
    pub backend: Backend,
    router: Router,
    pub store: Store,
    pub workspace: CreatedWorkspace,
    pub token: String,
    /// The `Intercom-Version` every request carries (none: the workspace's default).
    version: Option<String>,
    db: Arc<DbGuard>,
}

impl TestApp {
    /// `None` when PostgreSQL is unreachable outside CI (in CI that is a failure).
    pub async fn new(backend: Backend) -> Option<TestApp> {
        TestApp::with_config(backend, ApiConfig::default()).await
    }

    /// The URL of the app's database, for a second process beside it.
    pub fn database_url(&self) -> String {
        self.db.url()
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
        let token = workspace.access_token.clone();
        Some(TestApp { backend, router, store, token, workspace, version: None, db: Arc::new(guard) })
    }

    /// The same app and workspace, every request carrying `Intercom-Version: version`.
    pub fn at_version(&self, version: &str) -> TestApp {
        TestApp {
            backend: self.backend,
            router: self.router.clone(),
            store: self.store.clone(),
            workspace: self.workspace.clone(),
            token: self.token.clone(),
            version: Some(version.to_owned()),
            db: self.db.clone(),
        }
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

    /// Whether every database connection is back in its pool: a PostgreSQL connection whose
    /// request was dropped goes back from a task of its own; SQLite's go back when dropped.
    pub fn connections_idle(&self) -> bool {
        match self.store.pools() {
            Pools::Postgres(pools) => pools.all_idle(),
            Pools::Sqlite(_) => true,
        }
    }

    /// Sends the request and returns its status, headers and raw body, unchecked: for answers
    /// that are not the REST API's JSON (MCP's transport errors).
    pub async fn send_raw(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Bytes) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        (status, headers, response.into_body().collect().await.unwrap().to_bytes())
    }

    /// Polls the request once and drops it, as hyper drops a handler whose client hung up.
    /// Returns whether it was still unanswered then.
    pub async fn abandon(&self, request: Request<Body>) -> bool {
        let mut response = std::pin::pin!(self.router.clone().oneshot(request));
        std::future::poll_fn(|cx| Poll::Ready(response.as_mut().poll(cx).is_pending())).await
    }

    /// Sends the request and returns its answer, after checking a JSON answer against the
    /// description of the version the request asked for (see [`crate::conformance`]).
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let version = match request.headers().get("intercom-version") {
            Some(version) => version.to_str().unwrap_or(DEFAULT_VERSION).to_owned(),
            None => {
                let token = request.headers().get("authorization").and_then(|v| v.to_str().ok());
                self.default_version_for(token.unwrap_or_default().to_owned()).await
            }
        };
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
        if !body.is_null()
            && let Err(violation) =
                conformance::check(&version, method.as_str(), &path, status.as_u16(), &body)
        {
            panic!("{violation}");
        }
        (status, headers, body)
    }

    /// Sends the request and returns its answer as bytes, unchecked: for answers that are not JSON.
    pub async fn send_bytes(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, axum::body::Bytes) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        (status, headers, response.into_body().collect().await.unwrap().to_bytes())
    }

    /// The version a request without the header gets: its token's workspace default (a test
    /// may change it), or 2.11 for a request no workspace answers.
    async fn default_version_for(&self, authorization: String) -> String {
        let token = authorization.strip_prefix("Bearer ").unwrap_or_default();
        match self.store.authenticate(token).await {
            Ok(Some(owner)) => owner.default_version.to_string(),
            _ => DEFAULT_VERSION.to_owned(),
        }
    }

    pub fn request(&self, method: Method, path: &str, body: Option<&Value>) -> Request<Body> {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header("host", TEST_HOST)
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/json");
        if let Some(version) = &self.version {
            builder = builder.header("intercom-version", version);
        }
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
        let mut request = self.request(Method::GET, path, None);
        request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        let (status, _, body) = self.send(request).await;
        (status, body)
    }

    /// `POST path` with another workspace's `token`.
    pub async fn post_as(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let mut request = self.request(Method::POST, path, Some(&body));
        request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
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
