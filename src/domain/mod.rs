//! The API's objects and rules, free of HTTP and storage.

pub mod activity_log;
pub mod admin;
pub mod article;
pub mod assignment_rules;
pub mod away_status_reason;
pub mod company;
pub mod contact;
pub mod conversation;
pub mod data_attribute;
pub mod error;
pub mod event;
pub mod export;
pub mod help_center;
pub mod ids;
pub mod note;
pub mod nullable;
pub mod pages;
pub mod search;
pub mod segment;
pub mod str_enum;
pub mod subscription;
pub mod tag;
pub mod team;
pub mod upload;
pub mod version;
pub mod workspace;
