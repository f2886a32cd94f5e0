//! HTTP-level tests: one binary, every test body run against SQLite and PostgreSQL.

mod admins;
mod common;
mod conventions;
mod process;
mod teams;
