//! Data events and their summaries.
