//! Workspaces, access tokens and rate-limit windows.
