//! Message bodies: what is stored, how it reads as plain text, the words `source.body` is
//! searched by, and attachments given as URLs.

use super::Attachment;

/// What a redacted part or source message shows instead of its text.
pub const REDACTED: &str = "<p><i>This message was deleted</i></p>";

/// The most attachments one message takes ("You can include up to 10 URLs").
pub const MAX_ATTACHMENTS: usize = 10;

/// A body as stored. HTML is kept as sent (notes "accept some HTML formatting"); plain text is
/// escaped and becomes one paragraph per line, as Intercom shows `"Hello"` as `<p>Hello</p>`.
pub fn to_html(text: &str) -> String {
    if looks_like_html(text) {
        return text.trim().to_owned();
    }
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| format!("<p>{}</p>", escape(line)))
        .collect()
}

fn looks_like_html(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('<') && t.contains('>')
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// The text of an HTML body (`display_as=plaintext`): tags dropped, block ends as line
/// breaks, the common entities decoded.
pub fn plaintext(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        let name = tag.trim_start_matches('/').split(|c: char| c.is_whitespace() || c == '/').next();
        let breaks = matches!(name, Some("br" | "p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "tr"));
        if breaks && (tag.starts_with('/') || name == Some("br")) && !out.ends_with('\n') && !out.is_empty() {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    decode_entities(out.trim_end())
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The words of a body, lower-cased and without duplicates: `source.body` "will not be
/// performed against the entire value, but instead against every element of the value
/// separately", so `=` "support" finds "I need support".
pub fn words(html: &str) -> Vec<String> {
    let mut words: Vec<String> = plaintext(html)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Why an attachment list is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentError {
    TooMany,
    NotAUrl(String),
}

/// Attachments for `attachment_urls`: at most ten absolute http(s) URLs. The name is the
/// last path segment, the content type guessed from its extension.
pub fn attachments(urls: &[String]) -> Result<Vec<Attachment>, AttachmentError> {
    if urls.len() > MAX_ATTACHMENTS {
        return Err(AttachmentError::TooMany);
    }
    urls.iter()
        .map(|raw| {
            let parsed = url::Url::parse(raw.trim()).map_err(|_| AttachmentError::NotAUrl(raw.clone()))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                return Err(AttachmentError::NotAUrl(raw.clone()));
            }
            let name = parsed
                .path_segments()
                .and_then(|mut segments| segments.next_back())
                .filter(|s| !s.is_empty())
                .unwrap_or("attachment")
                .to_owned();
            Ok(Attachment {
                kind: "upload".into(),
                content_type: content_type(&name).into(),
                name,
                url: parsed.to_string(),
                filesize: None,
                width: None,
                height: None,
            })
        })
        .collect()
}

fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_becomes_escaped_paragraphs_and_html_is_kept() {
        assert_eq!(to_html("Hello there"), "<p>Hello there</p>");
        assert_eq!(to_html("a < b\n\nc"), "<p>a &lt; b</p><p>c</p>");
        assert_eq!(to_html("<p>Hi <b>you</b></p>"), "<p>Hi <b>you</b></p>");
    }

    #[test]
    fn plaintext_strips_tags_and_decodes_entities() {
        assert_eq!(plaintext("<p>Hello</p><p>a &lt; b</p>"), "Hello\na < b");
        assert_eq!(plaintext("<h2>List</h2><ul><li>Tea</li><li>Milk</li></ul>"), "List\nTea\nMilk");
        assert_eq!(plaintext("no tags"), "no tags");
    }

    #[test]
    fn words_are_searched_one_by_one() {
        assert_eq!(words("<p>I need support, SUPPORT!</p>"), vec!["i", "need", "support"]);
    }

    #[test]
    fn attachment_urls_are_checked() {
        let got = attachments(&["https://example.com/files/cat.PNG?x=1".into()]).unwrap();
        assert_eq!(got[0].name, "cat.PNG");
        assert_eq!(got[0].content_type, "image/png");
        assert_eq!(attachments(&["ftp://x/y".into()]), Err(AttachmentError::NotAUrl("ftp://x/y".into())));
        assert_eq!(attachments(&vec!["https://x.io/a".to_owned(); 11]), Err(AttachmentError::TooMany));
    }
}
