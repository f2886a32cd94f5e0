//! HTTP-level tests: one binary, every test body run against SQLite and PostgreSQL.

mod abandoned;
mod admins;
mod articles;
mod common;
mod companies;
mod company_fixtures;
mod company_scroll;
mod company_segments;
mod contact_fixtures;
mod contact_search;
mod contacts;
mod conventions;
mod conversation_search;
mod conversations;
mod data_attributes;
mod events;
mod help_center;
mod import;
mod notes;
mod process;
mod search_property;
mod segments;
mod subscriptions;
mod tags;
mod teams;
mod versions;
