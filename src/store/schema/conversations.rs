//! Conversations, their parts, participants and tags.
