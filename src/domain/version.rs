//! The `Intercom-Version` header.

/// Every version of the official descriptions' enum (2.11 and 2.14), plus the named
/// channels Intercom accepts.
const KNOWN: &[&str] = &[
    "1.0", "1.1", "1.2", "1.3", "1.4", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9",
    "2.10", "2.11", "2.12", "2.13", "2.14", "Preview", "Unstable",
];

pub const DEFAULT: &str = "2.11";

/// The canonical spelling of a requested version, or `None` if Intercom has no such version.
pub fn parse(raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    KNOWN.iter().copied().find(|known| known.eq_ignore_ascii_case(raw))
}

#[cfg(test)]
mod tests {
    #[test]
    fn accepts_the_enum_and_rejects_the_rest() {
        assert_eq!(super::parse("2.14"), Some("2.14"));
        assert_eq!(super::parse("unstable"), Some("Unstable"));
        assert_eq!(super::parse("2.99"), None);
        assert_eq!(super::parse(""), None);
    }
}
