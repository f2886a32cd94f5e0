//! Custom data attributes.
