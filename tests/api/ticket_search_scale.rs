//! Ticket search at scale (ignored: run by hand): a workspace of 10k contacts and 100k tickets
//! made by copying one API-made contact and ticket in SQL, then the two bench scenarios'
//! searches (`contact_ids = X AND state != resolved`; `ticket_attribute.component = X AND
//! created_at > T`), timed through the API.
//!
//! `cargo test --test api ticket_search_scale -- --ignored --nocapture`

use std::time::Instant;

use serde_json::json;
use sqlx::Connection;

use crate::common::{Backend, TestApp, backend_test};
use crate::conversations::user;
use crate::ticket_fixtures::{id, ticket, ticket_attribute, ticket_type};

const CONTACTS: i64 = 10_000;
const TICKETS: i64 = 100_000;

/// Runs `sql` statements (`;`-separated) on the app's database.
async fn run(app: &TestApp, sql: &str) {
    let url = app.database_url();
    match app.backend {
        Backend::Sqlite => {
            let conn = rusqlite::Connection::open(url.trim_start_matches("sqlite://")).unwrap();
            conn.busy_timeout(std::time::Duration::from_secs(30)).unwrap();
            conn.execute_batch(sql).unwrap_or_else(|e| panic!("{e}: {sql}"));
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{e}: {sql}"));
        }
    }
}

async fn columns(app: &TestApp, table: &str) -> Vec<String> {
    let url = app.database_url();
    match app.backend {
        Backend::Sqlite => {
            let conn = rusqlite::Connection::open(url.trim_start_matches("sqlite://")).unwrap();
            let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap();
            stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns WHERE table_name = $1 \
                 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(&mut conn)
            .await
            .unwrap()
        }
    }
}

/// Inserts a copy of `table`'s row `template` for each `seq.i` in `1..=n`, the columns of
/// `overrides` computed from `i` and `t` (the template row).
async fn copy(app: &TestApp, table: &str, template: &str, n: i64, overrides: &[(&str, String)]) {
    let cols = columns(app, table).await;
    let exprs: Vec<String> = cols
        .iter()
        .map(|c| match overrides.iter().find(|(name, _)| name == c) {
            Some((_, expr)) => expr.clone(),
            None => format!("t.{c}"),
        })
        .collect();
    run(
        app,
        &format!(
            "INSERT INTO {table} ({}) SELECT {} FROM seq, (SELECT * FROM {table} WHERE {template}) AS t \
             WHERE seq.i <= {n}",
            cols.join(", "),
            exprs.join(", ")
        ),
    )
    .await;
}

/// Prints the plan of each statement in the file `TICKET_SEARCH_EXPLAIN.<backend>` (one a line).
async fn explain(app: &TestApp) {
    let Ok(dir) = std::env::var("TICKET_SEARCH_EXPLAIN") else { return };
    let file = format!("{dir}.{}", if app.backend == Backend::Sqlite { "sqlite" } else { "postgres" });
    let Ok(text) = std::fs::read_to_string(&file) else { return };
    for sql in text.lines().filter(|l| !l.trim().is_empty()) {
        let plan: Vec<String> = match app.backend {
            Backend::Sqlite => {
                let url = app.database_url();
                let conn = rusqlite::Connection::open(url.trim_start_matches("sqlite://")).unwrap();
                let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
                stmt.query_map([], |r| Ok(format!("{} {}", r.get::<_, i64>(1)?, r.get::<_, String>(3)?)))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&app.database_url()).await.unwrap();
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("EXPLAIN (ANALYZE, BUFFERS) {sql}")))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap()
            }
        };
        eprintln!("PLAN {:?}: {sql}\n  {}", app.backend, plan.join("\n  "));
    }
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    use sea_query::{Expr, Query};
    use switchboard::store::Exec;
    let mut conn = app.store.conn().await.unwrap();
    conn.fetch_scalar(&Query::select().expr(Expr::cust(sql.to_owned())).take()).await.unwrap()
}

async fn time(app: &TestApp, what: &str, queries: impl Iterator<Item = serde_json::Value>) {
    let mut ms = Vec::new();
    let mut totals = Vec::new();
    for query in queries {
        let started = Instant::now();
        let (status, body) =
            app.post("/tickets/search", json!({"query": query, "pagination": {"per_page": 20}})).await;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(status, 200, "{body}");
        totals.push(body["total_count"].as_i64().unwrap());
    }
    ms.sort_by(f64::total_cmp);
    eprintln!(
        "{:?} {what}: {} searches, p50 {:.1} ms, max {:.1} ms, total_counts {:?}",
        app.backend,
        ms.len(),
        ms[ms.len() / 2],
        ms[ms.len() - 1],
        &totals[..5]
    );
}

backend_test!(ticket_search_scale);
async fn ticket_search_scale(app: TestApp) {
    if std::env::var("TICKET_SEARCH_SCALE").is_err() {
        return;
    }
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    ticket_attribute(&app, &bug, "component", "string").await;
    let first = ticket(&app, &bug, &joe, "First", json!({"component": "c0"})).await;
    let ticket_id = id(&first);
    let contact: i64 = scalar(&app, "(SELECT MAX(id) FROM contacts)").await;
    let conversation: i64 = ticket_id.parse().unwrap();
    let now: i64 =
        scalar(&app, &format!("(SELECT created_at FROM tickets WHERE conversation_id = {conversation})"))
            .await;

    let started = Instant::now();
    match app.backend {
        Backend::Sqlite => {
            run(&app, &format!("CREATE TABLE seq AS WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {TICKETS}) SELECT i FROM s")).await
        }
        Backend::Postgres => run(&app, &format!("CREATE TABLE seq AS SELECT i FROM generate_series(1, {TICKETS}) AS i")).await,
    }
    copy(
        &app,
        "contacts",
        &format!("id = {contact}"),
        CONTACTS - 1,
        &[
            ("id", format!("{contact} + seq.i")),
            ("public_id", "'scale' || seq.i".into()),
            ("email", "'scale' || seq.i || '@example.com'".into()),
        ],
    )
    .await;
    let at = |spread: i64| format!("{now} - seq.i * {spread}");
    copy(
        &app,
        "conversations",
        &format!("id = {conversation}"),
        TICKETS - 1,
        &[("id", format!("{conversation} + seq.i")), ("created_at", at(60)), ("updated_at", at(30))],
    )
    .await;
    copy(
        &app,
        "conversation_contacts",
        &format!("conversation_id = {conversation}"),
        TICKETS - 1,
        &[
            ("conversation_id", format!("{conversation} + seq.i")),
            ("contact_id", format!("{contact} + seq.i % {CONTACTS}")),
        ],
    )
    .await;
    let mut states = Vec::new();
    for k in 0..4 {
        let sql = format!(
            "(SELECT id FROM ticket_states WHERE ticket_category = 'Customer' ORDER BY id LIMIT 1 OFFSET {k})"
        );
        states.push(scalar(&app, &sql).await);
    }
    let state = format!(
        "CASE seq.i % 4 WHEN 0 THEN {} WHEN 1 THEN {} WHEN 2 THEN {} ELSE {} END",
        states[0], states[1], states[2], states[3]
    );
    copy(
        &app,
        "tickets",
        &format!("conversation_id = {conversation}"),
        TICKETS - 1,
        &[
            ("conversation_id", format!("{conversation} + seq.i")),
            ("ticket_number", "t.ticket_number + seq.i".into()),
            ("ticket_state_id", state),
            (
                "ticket_attributes",
                "'{\"_default_title_\": \"Scale ' || seq.i || '\", \"component\": \"c' || (seq.i % 8) || '\"}'"
                    .into(),
            ),
            ("created_at", at(60)),
            ("updated_at", at(30)),
        ],
    )
    .await;
    match app.backend {
        Backend::Sqlite => run(&app, "DROP TABLE seq; ANALYZE").await,
        Backend::Postgres => {
            run(&app, "DROP TABLE seq").await;
            run(&app, "VACUUM ANALYZE").await;
        }
    }
    eprintln!("{:?}: loaded in {:.1} s", app.backend, started.elapsed().as_secs_f64());

    explain(&app).await;
    let contacts = (1..=20).map(|i| if i == 1 { joe.clone() } else { format!("scale{}", i * 37) });
    time(
        &app,
        "contact_ids = X AND state != resolved",
        contacts.map(|c| {
            json!({"operator": "AND", "value": [
                {"field": "contact_ids", "operator": "=", "value": c},
                {"field": "state", "operator": "!=", "value": "resolved"}]})
        }),
    )
    .await;
    time(
        &app,
        "ticket_attribute.component = X AND created_at > all created_at",
        (0..20).map(|i| {
            json!({"operator": "AND", "value": [
                {"field": "ticket_attribute.component", "operator": "=", "value": format!("c{i}")},
                {"field": "created_at", "operator": ">", "value": now - 100 * 86_400}]})
        }),
    )
    .await;
}
