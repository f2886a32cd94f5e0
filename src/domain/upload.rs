//! Files sent inline with a reply as `attachment_files` (`conversation_attachment_files`:
//! `name`, `content_type` and the base64 `data`). Each is kept with a random token and shown
//! as a part attachment (`{type: "upload", name, url, content_type, filesize, width,
//! height}`) whose `url` serves its bytes to whoever holds it, as Intercom's attachment URLs
//! do (a browser showing the image sends no token).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value as Json;

use super::conversation::Attachment;
use super::error::Rejection;

/// "You can include up to 10 files".
pub const MAX_FILES: usize = 10;

/// Where uploads are served: `{URL_PATH}/{token}`.
pub const URL_PATH: &str = "/_switchboard/attachments";

/// Longest `name` and `content_type` kept.
const MAX_TEXT_CHARS: usize = 255;

/// One checked file of `attachment_files`.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// The secret part of its URL.
    pub token: String,
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

impl Upload {
    /// The part attachment that shows this file, its URL under `origin` (`scheme://host`, or
    /// empty for a relative URL). Width and height are an image's, read from its header.
    pub fn attachment(&self, origin: &str) -> Attachment {
        let size = imagesize::blob_size(&self.data).ok();
        Attachment {
            kind: "upload".into(),
            name: self.name.clone(),
            url: format!("{origin}{URL_PATH}/{}", self.token),
            content_type: self.content_type.clone(),
            filesize: Some(self.data.len() as i64),
            width: size.map(|s| s.width as i64),
            height: size.map(|s| s.height as i64),
        }
    }
}

/// Checks `attachment_files`: at most [`MAX_FILES`] objects, each with a non-blank `name`, a
/// `content_type` of the form `type/subtype` and non-empty base64 `data`.
pub fn uploads(files: Option<Vec<Json>>) -> Result<Vec<Upload>, Rejection> {
    let files = files.unwrap_or_default();
    if files.len() > MAX_FILES {
        return Err(Rejection::invalid(
            "attachment_files",
            format!("attachment_files takes at most {MAX_FILES} files"),
        ));
    }
    files.iter().enumerate().map(|(i, file)| upload(i, file)).collect()
}

fn upload(i: usize, file: &Json) -> Result<Upload, Rejection> {
    let field = |name: &str| format!("attachment_files[{i}].{name}");
    let Some(file) = file.as_object() else {
        return Err(Rejection::invalid(
            &format!("attachment_files[{i}]"),
            "each of attachment_files must be an object with name, content_type and data",
        ));
    };
    let text = |name: &str| -> Result<&str, Rejection> {
        match file.get(name) {
            None | Some(Json::Null) => Err(Rejection::missing(&field(name))),
            Some(Json::String(s)) if s.trim().is_empty() => {
                Err(Rejection::invalid(&field(name), format!("{} must not be blank", field(name))))
            }
            Some(Json::String(s)) if name != "data" && s.chars().count() > MAX_TEXT_CHARS => Err(
                Rejection::invalid(&field(name), format!("{} is longer than {MAX_TEXT_CHARS}", field(name))),
            ),
            Some(Json::String(s)) => Ok(s),
            Some(_) => Err(Rejection::invalid(&field(name), format!("{} must be a string", field(name)))),
        }
    };
    let name = text("name")?.trim().to_owned();
    let content_type = text("content_type")?.trim().to_ascii_lowercase();
    // It is sent back as a header: printable ASCII, `type/subtype`.
    let well_formed =
        content_type.split_once('/').is_some_and(|(kind, sub)| !kind.is_empty() && !sub.is_empty())
            && content_type.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    if !well_formed {
        return Err(Rejection::invalid(
            &field("content_type"),
            format!("{} must be a media type such as image/png", field("content_type")),
        ));
    }
    let data = STANDARD.decode(text("data")?.trim()).map_err(|_| {
        Rejection::invalid(&field("data"), format!("{} must be base64-encoded file data", field("data")))
    })?;
    Ok(Upload { token: uuid::Uuid::new_v4().simple().to_string(), name, content_type, data })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::ErrorCode;
    use serde_json::json;

    /// A 3×2 PNG.
    const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAAEklEQVR4nGP8z8Dwn4EIwESMIgCc4gIA9cVXbQAAAABJRU5ErkJggg==";

    #[test]
    fn files_are_checked_and_described() {
        let files = uploads(Some(vec![
            json!({"name": "dot.png", "content_type": "image/png", "data": PNG}),
            json!({"name": "test.json", "content_type": "application/json", "data": "ewogICJ0ZXN0IjogMQp9"}),
        ]))
        .unwrap();
        assert_eq!(files[1].data, b"{\n  \"test\": 1\n}");
        let image = files[0].attachment("http://x");
        assert_eq!(
            (image.width, image.height, image.filesize),
            (Some(3), Some(2), Some(files[0].data.len() as i64))
        );
        assert_eq!(image.url, format!("http://x/_switchboard/attachments/{}", files[0].token));
        assert_eq!(files[0].token.len(), 32);
        assert_ne!(files[0].token, files[1].token);
        let other = files[1].attachment("");
        assert_eq!((other.width, other.height, other.kind.as_str()), (None, None, "upload"));
    }

    #[test]
    fn bad_files_are_refused() {
        let refused = |file: Json| uploads(Some(vec![file])).unwrap_err();
        let bad = refused(json!({"name": "a", "content_type": "text/plain", "data": "not base64!"}));
        assert_eq!(
            (bad.code, bad.field.as_deref()),
            (ErrorCode::ParameterInvalid, Some("attachment_files[0].data"))
        );
        let missing = refused(json!({"content_type": "text/plain", "data": "YQ=="}));
        assert_eq!(
            (missing.code, missing.field.as_deref()),
            (ErrorCode::ParameterNotFound, Some("attachment_files[0].name"))
        );
        assert_eq!(
            refused(json!({"name": "a", "content_type": "text", "data": "YQ=="})).code,
            ErrorCode::ParameterInvalid
        );
        assert_eq!(
            refused(json!({"name": "a", "content_type": "text/x\ny", "data": "YQ=="})).code,
            ErrorCode::ParameterInvalid
        );
        assert_eq!(refused(json!("YQ==")).code, ErrorCode::ParameterInvalid);
        let file = json!({"name": "a", "content_type": "text/plain", "data": "YQ=="});
        assert_eq!(uploads(Some(vec![file; 11])).unwrap_err().field.as_deref(), Some("attachment_files"));
    }
}
