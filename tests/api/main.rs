//! HTTP-level tests: one binary, every test body run against SQLite and PostgreSQL.

mod admins;
mod articles;
mod common;
mod conventions;
mod help_center;
mod process;
mod teams;
