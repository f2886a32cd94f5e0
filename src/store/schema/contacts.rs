//! Contacts (users and leads).
