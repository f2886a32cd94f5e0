//! Rows of either backend: structs and tuples decoded by column name (sqlx's `FromRow` on
//! PostgreSQL, [`FromSqlite`] on SQLite), JSON columns, and [`table!`], which declares a table
//! once: its sea-query identifiers, its column list and its row type.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use serde::de::DeserializeOwned;

/// A row decoded by column name (structs, see [`row_struct!`]) or by position (tuples).
pub trait FromSqlite: Sized {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

/// A struct field read from a row: one column by name, or (a flattened struct) a run of them.
///
/// `next` is the column after the last one read. A select lists its columns in the order of the
/// struct's fields, so the name is first checked there, and only looked up (a scan of every
/// column's name) when it is elsewhere: a contact has some 40 columns.
pub trait Column: Sized {
    fn read(row: &rusqlite::Row<'_>, name: &str, next: &mut usize) -> rusqlite::Result<Self>;
}

impl<T: FromSql> Column for T {
    fn read(row: &rusqlite::Row<'_>, name: &str, next: &mut usize) -> rusqlite::Result<Self> {
        let statement = row.as_ref();
        let index = match statement.column_name(*next) {
            Ok(found) if found == name => *next,
            _ => statement.column_index(name)?,
        };
        *next = index + 1;
        row.get(index)
    }
}

/// [`Column`] for PostgreSQL: sqlx's derived `FromRow` finds every column by a hash of its name
/// (3% of the server's CPU for a page of contacts on PostgreSQL, some 50 columns a row); this checks the
/// column where the select put it first.
pub trait PgColumn: Sized {
    fn read_pg(row: &sqlx::postgres::PgRow, name: &str, next: &mut usize) -> sqlx::Result<Self>;
}

impl<T> PgColumn for T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    fn read_pg(row: &sqlx::postgres::PgRow, name: &str, next: &mut usize) -> sqlx::Result<Self> {
        use sqlx::{Column as _, Row as _};
        let index = match row.columns().get(*next) {
            Some(column) if column.name() == name => *next,
            _ => sqlx::ColumnIndex::index(&name, row)?,
        };
        *next = index + 1;
        row.try_get(index)
    }
}

macro_rules! tuple_from_sqlite {
    ($($name:ident $index:tt),+) => {
        impl<$($name: FromSql),+> FromSqlite for ($($name,)+) {
            fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(($(row.get::<_, $name>($index)?,)+))
            }
        }
    };
}

tuple_from_sqlite!(A 0);
tuple_from_sqlite!(A 0, B 1);
tuple_from_sqlite!(A 0, B 1, C 2);
tuple_from_sqlite!(A 0, B 1, C 2, D 3);
tuple_from_sqlite!(A 0, B 1, C 2, D 3, E 4);

/// Declares a struct that decodes from a row of either backend by its field names: sqlx's
/// `FromRow` for PostgreSQL (through [`PgColumn`]), [`FromSqlite`] for SQLite. A field whose
/// type is itself such a struct reads its columns from the same row.
macro_rules! row_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($(#[$field_meta:meta])* $field_vis:vis $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $($(#[$field_meta])* $field_vis $field: $ty),*
        }

        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $name {
            fn from_row(row: &'r sqlx::postgres::PgRow) -> sqlx::Result<Self> {
                <Self as $crate::store::backend::rows::PgColumn>::read_pg(row, "", &mut 0)
            }
        }

        impl $crate::store::backend::rows::PgColumn for $name {
            fn read_pg(row: &sqlx::postgres::PgRow, _: &str, next: &mut usize) -> sqlx::Result<Self> {
                Ok($name { $($field: $crate::store::backend::rows::PgColumn::read_pg(row, stringify!($field), next)?),* })
            }
        }

        impl $crate::store::backend::rows::FromSqlite for $name {
            fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                <Self as $crate::store::backend::rows::Column>::read(row, "", &mut 0)
            }
        }

        impl $crate::store::backend::rows::Column for $name {
            fn read(row: &rusqlite::Row<'_>, _: &str, next: &mut usize) -> rusqlite::Result<Self> {
                Ok($name { $($field: $crate::store::backend::rows::Column::read(row, stringify!($field), next)?),* })
            }
        }
    };
}
pub(crate) use row_struct;

/// A JSON document column: `jsonb` on PostgreSQL, text on SQLite.
#[derive(Debug, Clone, Default)]
pub struct JsonColumn<T>(pub T);

impl<T: DeserializeOwned> FromSql for JsonColumn<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = match value {
            ValueRef::Text(text) | ValueRef::Blob(text) => text,
            _ => return Err(FromSqlError::InvalidType),
        };
        serde_json::from_slice(text).map(JsonColumn).map_err(|err| FromSqlError::Other(Box::new(err)))
    }
}

impl<T> sqlx::Type<sqlx::Postgres> for JsonColumn<T> {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <sqlx::types::Json<T> as sqlx::Type<sqlx::Postgres>>::type_info()
    }

    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <sqlx::types::Json<T> as sqlx::Type<sqlx::Postgres>>::compatible(ty)
    }
}

impl<'r, T: DeserializeOwned + 'r> sqlx::Decode<'r, sqlx::Postgres> for JsonColumn<T> {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let sqlx::types::Json(inner) = <sqlx::types::Json<T> as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
        Ok(JsonColumn(inner))
    }
}

/// `WHERE column = value`, the condition most statements are made of.
pub trait WhereEq: sea_query::ConditionalStatement + Sized {
    fn where_eq(
        &mut self,
        column: impl sea_query::IntoColumnRef,
        value: impl Into<sea_query::Expr>,
    ) -> &mut Self {
        use sea_query::ExprTrait;
        self.and_where(sea_query::Expr::col(column).eq(value))
    }

    /// `column = value` as a guard on rows found another way, by their keys (`id IN (...)`).
    /// See [`unindexed`].
    fn where_guard(
        &mut self,
        backend: super::Backend,
        column: impl sea_query::IntoColumnRef,
        value: impl Into<sea_query::Expr>,
    ) -> &mut Self {
        use sea_query::ExprTrait;
        self.and_where(unindexed(backend, sea_query::Expr::col(column)).eq(value))
    }
}

/// `column`, kept out of SQLite's choice of index (a unary `+`: sqlite.org/optoverview.html,
/// "disqualifying WHERE clause terms"). Without statistics SQLite's planner takes an equality
/// on the first column of an index (`workspace_id`) for more selective than a list of more
/// than ten keys, and reads the whole workspace to find a page of rows. PostgreSQL plans from
/// statistics: unchanged.
pub fn unindexed(backend: super::Backend, column: sea_query::Expr) -> sea_query::Expr {
    match backend {
        // `?` is SQLite's placeholder in custom SQL.
        super::Backend::Sqlite => sea_query::Expr::cust_with_exprs("+?", [column]),
        super::Backend::Postgres => column,
    }
}

impl<T: sea_query::ConditionalStatement> WhereEq for T {}

/// Declares a table once: the sea-query identifier enum (`Table` plus a variant per column),
/// `COLUMNS` (every column, in order) and the row type with a field per column, named as the
/// column is (`PublicId` is `public_id`). `select_all` lists `COLUMNS` qualified by the table,
/// so the row reads them in order whatever else the statement joins.
///
/// Columns after `;` are in the table but not in its row (kept by triggers, or read apart).
macro_rules! table {
    (
        $(#[$meta:meta])*
        $vis:vis $table:ident => $row:ident {
            $($(#[$column_meta:meta])* $column:ident : $ty:ty),+ $(,)?
            $(; $($extra:ident),+ $(,)?)?
        }
    ) => {
        $(#[$meta])*
        #[derive(sea_query::Iden, Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $table {
            Table,
            $($column,)+
            $($($extra,)+)?
        }

        #[allow(dead_code)] // a table's helpers serve whichever queries need them
        impl $table {
            /// Every column of the row type, in its order.
            pub const COLUMNS: &'static [$table] = &[$($table::$column),+];

            /// `table.column`, for statements that join.
            pub fn col(self) -> sea_query::Expr {
                sea_query::Expr::col(($table::Table, self))
            }

            /// `SELECT columns FROM table`.
            pub fn select(columns: impl IntoIterator<Item = $table>) -> sea_query::SelectStatement {
                sea_query::Query::select().columns(columns).from($table::Table).take()
            }

            /// `INSERT INTO table (columns) VALUES (values)`, each column beside its value.
            pub fn insert(
                values: impl IntoIterator<Item = ($table, sea_query::Expr)>,
            ) -> sea_query::InsertStatement {
                let (columns, values): (Vec<$table>, Vec<sea_query::Expr>) = values.into_iter().unzip();
                sea_query::Query::insert().into_table($table::Table).columns(columns).values_panic(values).take()
            }

            /// `INSERT ... ON CONFLICT (key) DO NOTHING`: a no-op when the row is already there.
            pub fn insert_or_ignore(
                values: impl IntoIterator<Item = ($table, sea_query::Expr)>,
                key: impl IntoIterator<Item = $table>,
            ) -> sea_query::InsertStatement {
                Self::insert(values).on_conflict(sea_query::OnConflict::columns(key).do_nothing().to_owned()).take()
            }

            /// `SELECT COUNT(table.column) FROM table`.
            pub fn count(column: $table) -> sea_query::SelectStatement {
                use sea_query::ExprTrait;
                sea_query::Query::select().expr(column.col().count()).from($table::Table).take()
            }

            /// `SELECT` every column of the row `FROM table`.
            pub fn select_rows() -> sea_query::SelectStatement {
                Self::select_all(&mut sea_query::Query::select()).from($table::Table).take()
            }

            /// `UPDATE table SET column = value, ...`.
            pub fn update(
                values: impl IntoIterator<Item = ($table, sea_query::Expr)>,
            ) -> sea_query::UpdateStatement {
                sea_query::Query::update().table($table::Table).values(values).take()
            }

            /// `DELETE FROM table`.
            pub fn delete() -> sea_query::DeleteStatement {
                sea_query::Query::delete().from_table($table::Table).take()
            }

            /// Adds every column of the row, qualified by the table, to `select`.
            pub fn select_all(select: &mut sea_query::SelectStatement) -> &mut sea_query::SelectStatement {
                for column in Self::COLUMNS {
                    select.column(($table::Table, *column));
                }
                select
            }
        }

        pastey::paste! {
            $crate::store::backend::rows::row_struct! {
                #[derive(Debug, Clone)]
                #[allow(dead_code)] // a row holds every column; each query reads what it needs
                $vis struct $row {
                    $($(#[$column_meta])* pub [<$column:snake>]: $ty),+
                }
            }
        }
    };
}
pub(crate) use table;
