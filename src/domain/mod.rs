//! The API's objects and rules, free of HTTP and storage.

pub mod activity_log;
pub mod admin;
pub mod article;
pub mod help_center;
pub mod ids;
pub mod pages;
pub mod search;
pub mod team;
pub mod version;
pub mod workspace;
