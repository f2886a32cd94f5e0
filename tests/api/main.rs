//! HTTP-level tests: one binary, every test body run against SQLite and PostgreSQL.

mod admins;
mod common;
mod contact_fixtures;
mod contact_search;
mod contacts;
mod conventions;
mod conversation_search;
mod conversations;
mod process;
mod teams;
