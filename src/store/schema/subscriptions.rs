//! Subscription types and contacts' choices.
