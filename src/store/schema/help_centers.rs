//! Help centers and their collections.
