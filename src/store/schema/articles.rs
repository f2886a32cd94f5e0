//! Articles and their per-locale content.
