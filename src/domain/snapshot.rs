//! Reset and snapshots of a workspace's data (`/_switchboard/reset`, `/_switchboard/snapshots`).

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::{ErrorCode, Rejection};

/// What `POST /_switchboard/reset` deleted: rows per table.
#[derive(Debug, Serialize)]
pub struct Reset {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub deleted: Map<String, Value>,
}

impl Reset {
    pub fn new(deleted: Map<String, Value>) -> Self {
        Reset { kind: "reset", deleted }
    }
}

/// A named copy of a workspace's data; `counts` is rows per table.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub created_at: i64,
    pub counts: Map<String, Value>,
}

const MAX_NAME: usize = 100;

/// A snapshot's name goes in a path: letters, digits, `.`, `_` and `-`, up to 100 of them.
pub fn check_name(name: &str) -> Result<(), Rejection> {
    if name.is_empty() {
        return Err(Rejection::missing("name"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if name.len() > MAX_NAME || !name.chars().all(allowed) {
        return Err(Rejection::invalid(
            "name",
            format!("name must be 1 to {MAX_NAME} letters, digits, '.', '_' or '-'"),
        ));
    }
    Ok(())
}

pub fn not_found(name: &str) -> Rejection {
    Rejection::new(ErrorCode::NotFound, format!("Snapshot '{name}' not found"))
}

pub fn exists(name: &str) -> Rejection {
    Rejection::new(ErrorCode::Conflict, format!("A snapshot named '{name}' already exists"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_path_safe() {
        assert!(check_name("before-test_1.v2").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("a/b").is_err());
        assert!(check_name("with space").is_err());
        assert!(check_name(&"x".repeat(101)).is_err());
    }
}
