//! Phone call redirects (Intercom's "Switch"): a caller is texted a link to continue in the
//! Messenger. Switchboard sends no SMS; it records the redirect and the conversation it opens.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::contact::formatted_phone;
use super::error::{ErrorCode, OrMissing, Rejection};

/// `create_phone_switch_request`.
#[derive(Debug, Deserialize)]
pub struct RedirectBody {
    phone: Option<String>,
    custom_attributes: Option<Map<String, Json>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRedirect {
    /// E.164.
    pub phone: String,
    /// Added to the contact's custom attributes.
    pub custom_attributes: Option<Map<String, Json>>,
}

impl RedirectBody {
    pub fn check(self) -> Result<NewRedirect, Rejection> {
        let phone = self.phone.or_missing("phone")?;
        let phone = formatted_phone(&phone).ok_or_else(|| {
            Rejection::new(ErrorCode::InvalidPhoneNumber, "Invalid phone number").with_field("phone")
        })?;
        Ok(NewRedirect { phone, custom_attributes: self.custom_attributes })
    }
}

/// `phone_switch`.
#[derive(Debug, Clone, Serialize)]
pub struct PhoneSwitch {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub phone: String,
}

/// The text the SMS would carry: the conversation's first message.
pub const SMS_BODY: &str = "<p>Continue this conversation with us in our Messenger.</p>";

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn phones_are_checked() {
        let read = |v: Json| serde_json::from_value::<RedirectBody>(v).unwrap().check();
        assert_eq!(read(json!({"phone": "+353 83 234 5678"})).unwrap().phone, "+353832345678");
        assert_eq!(read(json!({})).unwrap_err(), Rejection::missing("phone"));
        assert_eq!(read(json!({"phone": "12"})).unwrap_err().code, ErrorCode::InvalidPhoneNumber);
    }
}
