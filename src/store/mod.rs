//! Storage: one interface over SQLite (the embedded default) and PostgreSQL.
//!
//! Statements are built once with sea-query and rendered for whichever backend the
//! database URL picked: PostgreSQL through sqlx, SQLite through rusqlite (`backend/sqlite.rs`,
//! which says why). Every table is declared once in `schema/` with `table!`; a query that
//! joins wraps a table's row in a `row_struct!`. Rows decode by column name on both. The few
//! true dialect differences live next to the queries that need them, behind `Backend`.
//!
//! A resource's storage is `<resource>.rs`, or a folder `<resource>/` once it has several files.

pub mod admins;
pub mod articles;
pub mod backend;
pub mod brands;
pub mod companies;
pub mod contacts;
pub mod controls;
pub mod conversation_attributes;
pub mod conversations;
pub mod data_attributes;
pub mod events;
pub mod exports;
pub mod faults;
pub mod fixtures;
pub mod help_centers;
pub mod import;
pub mod messages;
pub mod news;
pub mod notes;
pub mod phone_call_redirects;
pub mod schema;
pub mod search;
pub mod segments;
pub mod subscriptions;
pub mod tags;
pub mod tickets;
pub mod uploads;
pub mod visitors;
pub mod webhooks;
pub mod workspaces;

pub use backend::*;
