//! PostgreSQL's `COPY ... FROM STDIN` for the bulk import: rows written in COPY's text format
//! (tab-separated, `\N` for NULL, backslash escapes) and sent in one statement per table and
//! batch. The rows are the ones the import's multi-row INSERTs would write, and the triggers
//! fire for them as for an INSERT (statement triggers over the copied rows, migration 0023).

use sea_query::{Iden, Value};
use sqlx::PgConnection;

use crate::store::{StoreError, StoreResult};

/// Rows of one table in COPY's text format.
pub(super) struct CopyRows {
    table: String,
    columns: Vec<String>,
    data: Vec<u8>,
    rows: usize,
}

impl CopyRows {
    pub(super) fn new(table: impl Iden) -> Self {
        CopyRows { table: quote(&table), columns: Vec::new(), data: Vec::new(), rows: 0 }
    }

    /// Appends a row of (column, value); every row names the same columns, in the same order.
    pub(super) fn push<C: Iden>(&mut self, row: impl IntoIterator<Item = (C, Value)>) -> StoreResult<()> {
        let first = self.rows == 0;
        for (i, (column, value)) in row.into_iter().enumerate() {
            if first {
                self.columns.push(quote(&column));
            }
            if i > 0 {
                self.data.push(b'\t');
            }
            field(&mut self.data, value)?;
        }
        self.data.push(b'\n');
        self.rows += 1;
        Ok(())
    }

    /// Sends the rows (none: nothing is sent).
    pub(super) async fn send(self, conn: &mut PgConnection) -> StoreResult<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let statement = format!("COPY {} ({}) FROM STDIN", self.table, self.columns.join(", "));
        let mut copy = conn.copy_in_raw(&statement).await?;
        if let Err(err) = copy.send(self.data).await {
            // Ends the COPY so that the connection can roll the transaction back.
            copy.abort(err.to_string()).await.ok();
            return Err(err.into());
        }
        copy.finish().await?;
        Ok(())
    }
}

/// An identifier, quoted for PostgreSQL.
fn quote(iden: &impl Iden) -> String {
    format!("\"{}\"", iden.unquoted().replace('"', "\"\""))
}

/// One value in COPY's text format.
fn field(out: &mut Vec<u8>, value: Value) -> StoreResult<()> {
    match value {
        Value::Bool(Some(b)) => out.push(if b { b't' } else { b'f' }),
        Value::SmallInt(Some(n)) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::Int(Some(n)) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::BigInt(Some(n)) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::String(Some(s)) => text(out, &s),
        Value::Json(Some(json)) => text(out, &json.to_string()),
        Value::Bool(None)
        | Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::String(None)
        | Value::Json(None) => out.extend_from_slice(b"\\N"),
        other => {
            return Err(StoreError::Db(sqlx::Error::Protocol(format!("no COPY text for {other:?}"))));
        }
    }
    Ok(())
}

/// Text with COPY's escapes: backslash, and the row and column delimiters.
fn text(out: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(values: Vec<Value>) -> String {
        let mut out = Vec::new();
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            field(&mut out, v).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_delimiters_and_backslashes() {
        let got = row(vec![
            "a\tb\nc\rd\\e \u{e9}".into(),
            Value::String(None),
            true.into(),
            (-3i64).into(),
            serde_json::json!({"k": "x\ty\\"}).into(),
        ]);
        assert_eq!(got, "a\\tb\\nc\\rd\\\\e \u{e9}\t\\N\tt\t-3\t{\"k\":\"x\\\\ty\\\\\\\\\"}");
    }
}
