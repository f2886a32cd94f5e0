//! Every table, declared once with [`table!`](crate::store::backend::rows::table): its
//! identifiers, its column list and its row type. Store modules import tables from here, so
//! they need not import each other for a column name.

pub mod admins;
pub mod articles;
pub mod brands;
pub mod companies;
pub mod contacts;
pub mod conversations;
pub mod custom_attribute_values;
pub mod data_attributes;
pub mod events;
pub mod exports;
pub mod faults;
pub mod help_centers;
pub mod messages;
pub mod news;
pub mod notes;
pub mod segments;
pub mod snapshots;
pub mod subscriptions;
pub mod tags;
pub mod tickets;
pub mod uploads;
pub mod visitors;
pub mod workspaces;
