//! Brands and sender email addresses (`email_setting`): workspace settings that Intercom makes
//! in its UI and the operator makes with `switchboard brand` and `switchboard email`.
//!
//! Every workspace has one default brand, whose id is the workspace's id ("For default brand,
//! matches the workspace ID"); other brands have numeric ids.

use serde::Serialize;

use super::error::Rejection;
use super::ids;

/// `brand`.
#[derive(Debug, Clone, Serialize)]
pub struct Brand {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The workspace's `id_code` for the default brand, else the brand's number.
    pub id: String,
    pub name: String,
    pub is_default: bool,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ids::shown")]
    pub help_center_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ids::shown")]
    pub default_address_settings_id: Option<i64>,
}

/// `email_setting`.
#[derive(Debug, Clone, Serialize)]
pub struct EmailSetting {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub email: String,
    pub verified: bool,
    pub domain: String,
    pub brand_id: String,
    pub forwarding_enabled: bool,
    /// Switchboard receives no forwarded email, so this is always null ("null if never").
    pub forwarded_email_last_received_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A brand the operator adds.
#[derive(Debug, Clone)]
pub struct NewBrand {
    pub name: String,
    pub help_center_id: Option<i64>,
}

/// A sender address the operator adds.
#[derive(Debug, Clone)]
pub struct NewEmailSetting {
    pub email: String,
    /// A brand id as the API shows it; the default brand when absent.
    pub brand: Option<String>,
    pub verified: bool,
    pub forwarding_enabled: bool,
    /// Make it its brand's default sender address (a brand's first address is its default).
    pub brand_default: bool,
}

impl NewBrand {
    pub fn check(&self) -> Result<(), Rejection> {
        if self.name.trim().is_empty() {
            return Err(Rejection::invalid("name", "name must not be blank"));
        }
        Ok(())
    }
}

/// The domain of a sender address, which must be `local@domain` with a dotted domain.
pub fn email_domain(email: &str) -> Result<String, Rejection> {
    match email.trim().rsplit_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.trim().contains(char::is_whitespace) =>
        {
            Ok(domain.to_ascii_lowercase())
        }
        _ => Err(Rejection::invalid("email", format!("{email} is not an email address"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sender_address_has_a_domain() {
        assert_eq!(email_domain("support@Company.com").unwrap(), "company.com");
        assert!(email_domain("support").is_err());
        assert!(email_domain("@company.com").is_err());
        assert!(email_domain("a@localhost").is_err());
        assert!(email_domain("a b@company.com").is_err());
    }
}
