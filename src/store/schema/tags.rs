//! Tags and taggings.
