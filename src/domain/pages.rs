//! Cursor pagination as Intercom shows it (`cursor_pages` in the description).

use serde::Serialize;

#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct CursorPages {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub page: i64,
    pub per_page: i64,
    pub total_pages: i64,
    /// Absent on the last page: clients follow `next.starting_after` until it is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<NextPage>,
}

#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct NextPage {
    pub page: i64,
    pub starting_after: String,
}

impl CursorPages {
    /// `page` is 1-based; `total` is the number of items in the whole walk.
    pub fn new(page: i64, per_page: i64, total: i64, next_cursor: Option<String>) -> Self {
        let total_pages = if total == 0 { 0 } else { (total + per_page - 1) / per_page };
        CursorPages {
            kind: "pages",
            page,
            per_page,
            total_pages,
            next: next_cursor.map(|starting_after| NextPage { page: page + 1, starting_after }),
        }
    }
}

/// Opaque cursors: the position of the last item served plus the page number, so that
/// `pages.page` keeps counting. Encoded so that clients treat them as opaque strings.
pub mod cursor {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    pub fn encode(page: i64, position: &str) -> String {
        URL_SAFE_NO_PAD.encode(format!("{page}:{position}"))
    }

    /// `(page_of_the_last_served_item, position)`, or `None` for a cursor we did not make.
    pub fn decode(raw: &str) -> Option<(i64, String)> {
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (page, position) = text.split_once(':')?;
        Some((page.parse().ok().filter(|p| *p >= 1)?, position.to_owned()))
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn round_trips_and_rejects_garbage() {
            let c = super::encode(3, "1700000000:42");
            assert_eq!(super::decode(&c), Some((3, "1700000000:42".to_owned())));
            assert_eq!(super::decode("not a cursor"), None);
            assert_eq!(super::decode(""), None);
        }
    }
}
