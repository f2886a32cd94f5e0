//! Copying a table's rows of one workspace out to JSON and back, on either backend. These
//! statements are written as SQL text because their table is chosen at run time (from the
//! fixed list in `WORKSPACE_DATA`, never from a request).
//!
//! PostgreSQL builds and reads the JSON itself (`json_agg`, `json_populate_recordset`): an
//! array of row objects. SQLite's rows are read value by value into an array of arrays, a
//! BLOB as `{"hex": "..."}`, so every stored type comes back as it was (SQLite's own JSON
//! functions refuse BLOBs and round REALs).

use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::types::Value as SqlValue;
use serde_json::{Value, json};
use sqlx::AssertSqlSafe;

use super::{Owned, param, scope};
use crate::store::{ConnRef, Exec, StoreError, StoreResult};

/// Rows per `snapshot_tables` row: a snapshot is written, and restored, one chunk at a time,
/// so neither holds more than a chunk of a table in memory.
static CHUNK_ROWS: AtomicUsize = AtomicUsize::new(2_000);

/// Rows a snapshot keeps per chunk from now on (at least 1). Tests lower it to make a small
/// workspace span several chunks; restoring reads whatever chunks a snapshot has.
pub fn set_chunk_rows(rows: usize) {
    CHUNK_ROWS.store(rows.max(1), Ordering::Relaxed);
}

fn chunk_rows() -> usize {
    CHUNK_ROWS.load(Ordering::Relaxed)
}

/// What [`dump`] wrote of one table.
pub(super) struct Dumped {
    pub rows: i64,
    pub chunks: i64,
}

/// One `snapshot_tables` row, without its data.
pub(super) struct Chunk {
    pub position: i64,
    pub table: String,
    pub columns: Vec<String>,
}

/// Runs `sql`, with the workspace bound as its one parameter; returns the rows it touched.
pub(super) async fn execute(db: &mut impl Exec, sql: &str, workspace_id: i64) -> StoreResult<u64> {
    match db.conn() {
        ConnRef::Sqlite(c) => Ok(c.execute(sql, [workspace_id])? as u64),
        ConnRef::Postgres(c) => Ok(sqlx::query(AssertSqlSafe(sql.to_owned()))
            .bind(workspace_id)
            .execute(c)
            .await?
            .rows_affected()),
    }
}

pub(super) async fn table_names(db: &mut impl Exec) -> StoreResult<Vec<String>> {
    match db.conn() {
        ConnRef::Sqlite(c) => {
            let mut stmt = c.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' ORDER BY name",
            )?;
            let names = stmt.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            Ok(names)
        }
        ConnRef::Postgres(c) => Ok(sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
             AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_sqlx%' ORDER BY table_name",
        )
        .fetch_all(c)
        .await?),
    }
}

/// The table's columns, in their order.
async fn columns(db: &mut impl Exec, table: &str) -> StoreResult<Vec<String>> {
    match db.conn() {
        ConnRef::Sqlite(c) => {
            let mut stmt = c.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
            let names =
                stmt.query_map([table], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            Ok(names)
        }
        ConnRef::Postgres(c) => Ok(sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() \
             AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(c)
        .await?),
    }
}

fn quoted(columns: &[String]) -> String {
    columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
}

const INSERT_CHUNK: &str = "INSERT INTO snapshot_tables \
    (snapshot_id, position, table_name, columns, row_count, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// Copies the workspace's rows of `owned` into `snapshot_tables` rows of the snapshot
/// `snapshot_id`, [`CHUNK_ROWS`] rows each, at positions from `position` on. SQLite's rows pass
/// through here a chunk at a time; PostgreSQL's never leave the database.
pub(super) async fn dump(
    db: &mut impl Exec,
    owned: &Owned,
    workspace_id: i64,
    snapshot_id: i64,
    position: i64,
) -> StoreResult<Dumped> {
    let columns = columns(db, owned.table).await?;
    let columns_text = serde_json::to_string(&columns).unwrap_or_default();
    let condition = scope(owned, param(db.backend()));
    let per_chunk = chunk_rows();
    match db.conn() {
        ConnRef::Sqlite(c) => {
            let sql = format!("SELECT {} FROM {} WHERE {condition}", quoted(&columns), owned.table);
            let mut select = c.prepare(&sql)?;
            let mut insert = c.prepare(INSERT_CHUNK)?;
            let mut written = Dumped { rows: 0, chunks: 0 };
            let mut write = |data: &mut String, count: usize, written: &mut Dumped| -> StoreResult<()> {
                data.push(']');
                let at = position + written.chunks;
                insert.execute(rusqlite::params![
                    snapshot_id,
                    at,
                    owned.table,
                    columns_text,
                    count as i64,
                    data.as_str()
                ])?;
                written.chunks += 1;
                written.rows += count as i64;
                data.clear();
                data.push('[');
                Ok(())
            };
            let mut rows = select.query([workspace_id])?;
            let mut data = String::from("[");
            let mut count = 0;
            while let Some(row) = rows.next()? {
                let values = (0..columns.len())
                    .map(|i| row.get::<_, SqlValue>(i).map(to_json))
                    .collect::<Result<Vec<_>, _>>()?;
                if count > 0 {
                    data.push(',');
                }
                data.push_str(&Value::Array(values).to_string());
                count += 1;
                if count == per_chunk {
                    write(&mut data, count, &mut written)?;
                    count = 0;
                }
            }
            if count > 0 {
                write(&mut data, count, &mut written)?;
            }
            Ok(written)
        }
        ConnRef::Postgres(c) => {
            // Numbered rows, grouped per chunk; each group one row object array.
            let sql = format!(
                "INSERT INTO snapshot_tables (snapshot_id, position, table_name, columns, row_count, data) \
                 SELECT $2, $3 + chunk, $4, $5, COUNT(*), json_agg(r)::text \
                 FROM (SELECT t AS r, (row_number() OVER () - 1) / $6 AS chunk FROM {} t WHERE {condition}) s \
                 GROUP BY chunk RETURNING row_count",
                owned.table
            );
            let counts: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(sql))
                .bind(workspace_id)
                .bind(snapshot_id)
                .bind(position)
                .bind(owned.table)
                .bind(columns_text)
                .bind(per_chunk as i64)
                .fetch_all(c)
                .await?;
            Ok(Dumped { rows: counts.iter().sum(), chunks: counts.len() as i64 })
        }
    }
}

/// The snapshot's chunks, in order, without their data.
pub(super) async fn chunks(db: &mut impl Exec, snapshot_id: i64) -> StoreResult<Vec<Chunk>> {
    let sql = format!(
        "SELECT position, table_name, columns FROM snapshot_tables WHERE snapshot_id = {} ORDER BY position",
        param(db.backend())
    );
    let rows: Vec<(i64, String, String)> = match db.conn() {
        ConnRef::Sqlite(c) => {
            let mut stmt = c.prepare(&sql)?;
            stmt.query_map([snapshot_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect::<Result<_, _>>()?
        }
        ConnRef::Postgres(c) => sqlx::query_as(AssertSqlSafe(sql)).bind(snapshot_id).fetch_all(c).await?,
    };
    Ok(rows
        .into_iter()
        .map(|(position, table, columns)| Chunk {
            position,
            table,
            columns: serde_json::from_str(&columns).unwrap_or_default(),
        })
        .collect())
}

/// Most values one SQLite statement binds (the bundled library allows 32,766).
const SQLITE_MAX_PARAMS: usize = 32_000;
/// Most rows one SQLite `INSERT` carries.
const SQLITE_ROWS_PER_INSERT: usize = 500;

/// Inserts the rows of the snapshot's chunks `chunks` (consecutive, of one table), with their
/// ids. The columns are the snapshot's: a column added since takes its default. SQLite reads
/// and inserts one chunk at a time; PostgreSQL inserts them all in one statement that reads
/// them in the database (so a row may reference one in a later chunk of its table).
pub(super) async fn load(db: &mut impl Exec, snapshot_id: i64, chunks: &[Chunk]) -> StoreResult<()> {
    let Some(first) = chunks.first() else { return Ok(()) };
    let (table, columns) = (first.table.as_str(), &first.columns);
    let list = quoted(columns);
    match db.conn() {
        ConnRef::Sqlite(c) => {
            let width = columns.len();
            let per_insert = (SQLITE_MAX_PARAMS / width.max(1)).clamp(1, SQLITE_ROWS_PER_INSERT);
            let insert_sql = |rows: usize| {
                let row = format!("({})", vec!["?"; width].join(", "));
                format!("INSERT INTO {table} ({list}) VALUES {}", vec![row; rows].join(", "))
            };
            let mut full = c.prepare(&insert_sql(per_insert))?;
            let mut read =
                c.prepare("SELECT data FROM snapshot_tables WHERE snapshot_id = ?1 AND position = ?2")?;
            for chunk in chunks {
                let data: String = read.query_row([snapshot_id, chunk.position], |row| row.get(0))?;
                let rows: Vec<Vec<Value>> = serde_json::from_str(&data).map_err(corrupt)?;
                drop(data);
                let mut values = Vec::with_capacity(per_insert * width);
                let mut pending = 0;
                for row in rows {
                    if row.len() != width {
                        return Err(corrupt("a row with a different number of columns"));
                    }
                    for value in row {
                        values.push(from_json(value)?);
                    }
                    pending += 1;
                    if pending == per_insert {
                        full.execute(rusqlite::params_from_iter(values.drain(..)))?;
                        pending = 0;
                    }
                }
                if pending > 0 {
                    c.prepare(&insert_sql(pending))?.execute(rusqlite::params_from_iter(values.drain(..)))?;
                }
            }
            Ok(())
        }
        ConnRef::Postgres(c) => {
            let from_r = columns.iter().map(|c| format!("r.\"{c}\"")).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "INSERT INTO {table} ({list}) SELECT {from_r} FROM snapshot_tables s \
                 CROSS JOIN LATERAL json_populate_recordset(NULL::{table}, s.data::json) r \
                 WHERE s.snapshot_id = $1 AND s.position BETWEEN $2 AND $3"
            );
            let last = chunks.last().map_or(first.position, |c| c.position);
            sqlx::query(AssertSqlSafe(sql))
                .bind(snapshot_id)
                .bind(first.position)
                .bind(last)
                .execute(c)
                .await?;
            Ok(())
        }
    }
}

fn to_json(value: SqlValue) -> Value {
    match value {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => json!(i),
        SqlValue::Real(f) => json!(f),
        SqlValue::Text(s) => Value::String(s),
        SqlValue::Blob(b) => json!({ "hex": hex::encode(b) }),
    }
}

fn from_json(value: Value) -> StoreResult<SqlValue> {
    Ok(match value {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(b as i64),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => SqlValue::Text(s),
        Value::Object(o) => match o.get("hex").and_then(Value::as_str).map(hex::decode) {
            Some(Ok(bytes)) => SqlValue::Blob(bytes),
            _ => return Err(corrupt("a BLOB that is not hex")),
        },
        Value::Array(_) => return Err(corrupt("an array where a value was expected")),
    })
}

fn corrupt(err: impl std::fmt::Display) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(format!("a stored snapshot is unreadable: {err}")))
}
