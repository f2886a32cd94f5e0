//! Article bodies: stored as Intercom stores them, and read as plain text for phrase search.

/// Bodies as Intercom stores them: plain text becomes paragraphs, and bare `<p>` tags get the
/// `no-margin` class its editor gives them (the spec's examples show both).
pub fn normalize_body(body: &str) -> String {
    if body.trim().is_empty() {
        return String::new();
    }
    if has_markup(body) {
        return body.replace("<p>", r#"<p class="no-margin">"#);
    }
    body.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| format!(r#"<p class="no-margin">{}</p>"#, escape_html(line)))
        .collect()
}

/// A markdown body (`body_markdown`) as the HTML body it stands for.
pub fn markdown_to_html(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
    html
}

fn has_markup(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The text of an HTML body: tags dropped (block tags leave a space), common entities decoded.
pub fn html_to_text(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "table",
        "blockquote",
        "pre",
        "hr",
        "section",
        "article",
    ];
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = rest[start + 1..start + len].trim_start_matches('/');
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if BLOCKS.contains(&name.to_ascii_lowercase().as_str()) {
            text.push(' ');
        }
        rest = &rest[start + len + 1..];
    }
    text.push_str(rest);
    let decoded = decode_entities(&text);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Lower-cased title, description and body text: the haystack of a phrase search.
pub fn search_text(title: &str, description: &str, body: &str) -> String {
    normalize_phrase(&format!("{title}\n{description}\n{}", html_to_text(body)))
}

/// A phrase as searched: lower case, runs of whitespace as one space.
pub fn normalize_phrase(phrase: &str) -> String {
    phrase.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_normalized_like_intercom() {
        assert_eq!(normalize_body("Body of the Article"), r#"<p class="no-margin">Body of the Article</p>"#);
        assert_eq!(normalize_body("<p>New gifts</p>"), r#"<p class="no-margin">New gifts</p>"#);
        assert_eq!(normalize_body("a < b & c"), r#"<p class="no-margin">a &lt; b &amp; c</p>"#);
        assert_eq!(normalize_body("  "), "");
    }

    #[test]
    fn html_text_drops_tags_and_decodes_entities() {
        assert_eq!(html_to_text("<p>Hel<b>lo</b></p><p>World &amp; co&#33;</p>"), "Hello World & co!");
        assert_eq!(html_to_text("a &bogus b < c"), "a &bogus b < c");
    }
}
