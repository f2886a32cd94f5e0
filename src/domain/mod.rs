//! The API's objects and rules, free of HTTP and storage.

pub mod activity_log;
pub mod admin;
pub mod assignment_rules;
pub mod company;
pub mod conversation;
pub mod contact;
pub mod data_attribute;
pub mod ids;
pub mod note;
pub mod pages;
pub mod search;
pub mod team;
pub mod segment;
pub mod subscription;
pub mod tag;
pub mod version;
pub mod workspace;
