//! Copying a table's rows of one workspace out to JSON and back, on either backend. These
//! statements are written as SQL text because their table is chosen at run time (from the
//! fixed list in `WORKSPACE_DATA`, never from a request).
//!
//! PostgreSQL builds and reads the JSON itself (`json_agg`, `json_populate_recordset`): an
//! array of row objects. SQLite's rows are read value by value into an array of arrays, a
//! BLOB as `{"hex": "..."}`, so every stored type comes back as it was (SQLite's own JSON
//! functions refuse BLOBs and round REALs).

use rusqlite::types::Value as SqlValue;
use serde_json::{Value, json};
use sqlx::AssertSqlSafe;

use super::{Owned, param, scope};
use crate::store::{ConnRef, Exec, StoreError, StoreResult};

/// One table's rows of a workspace.
pub(super) struct TableCopy {
    pub columns: Vec<String>,
    pub rows: i64,
    pub data: String,
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

/// The workspace's rows of `owned`.
pub(super) async fn dump(db: &mut impl Exec, owned: &Owned, workspace_id: i64) -> StoreResult<TableCopy> {
    let columns = columns(db, owned.table).await?;
    let condition = scope(owned, param(db.backend()));
    match db.conn() {
        ConnRef::Sqlite(c) => {
            let sql = format!("SELECT {} FROM {} WHERE {condition}", quoted(&columns), owned.table);
            let mut stmt = c.prepare(&sql)?;
            let mut rows = stmt.query([workspace_id])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let values = (0..columns.len())
                    .map(|i| row.get::<_, SqlValue>(i).map(to_json))
                    .collect::<Result<Vec<_>, _>>()?;
                out.push(Value::Array(values));
            }
            Ok(TableCopy { rows: out.len() as i64, data: Value::Array(out).to_string(), columns })
        }
        ConnRef::Postgres(c) => {
            let sql = format!(
                "SELECT COUNT(*), COALESCE(json_agg(t), '[]'::json)::text FROM {} t WHERE {condition}",
                owned.table
            );
            let (rows, data): (i64, String) =
                sqlx::query_as(AssertSqlSafe(sql)).bind(workspace_id).fetch_one(c).await?;
            Ok(TableCopy { columns, rows, data })
        }
    }
}

/// Inserts rows [`dump`] read, with their ids. The columns are the snapshot's: a column added
/// since takes its default.
pub(super) async fn load(db: &mut impl Exec, table: &str, columns: &[String], data: &str) -> StoreResult<()> {
    let list = quoted(columns);
    match db.conn() {
        ConnRef::Sqlite(c) => {
            let rows: Vec<Vec<Value>> = serde_json::from_str(data).map_err(corrupt)?;
            let marks = (1..=columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
            let mut stmt = c.prepare(&format!("INSERT INTO {table} ({list}) VALUES ({marks})"))?;
            for row in rows {
                let values = row.into_iter().map(from_json).collect::<StoreResult<Vec<_>>>()?;
                stmt.execute(rusqlite::params_from_iter(values))?;
            }
            Ok(())
        }
        ConnRef::Postgres(c) => {
            let sql = format!(
                "INSERT INTO {table} ({list}) SELECT {list} FROM json_populate_recordset(NULL::{table}, $1::json)"
            );
            sqlx::query(AssertSqlSafe(sql)).bind(data).execute(c).await?;
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
