//! News: news items (announcements an admin sends), the newsfeeds they are published on, and
//! the rules of a news item request.
//!
//! A news item is a `draft` or `live`. Its newsfeed assignments say which newsfeeds it is on;
//! an assignment's `published_at` is set only while the item is live (the description: "On
//! write, this field will be ignored if the news item state is draft"), and a newsfeed shows
//! only live items.

use serde::Serialize;

use super::error::{OrMissing, Rejection};
use super::ids;
use super::str_enum::str_enum;

str_enum! {
    /// "News items will not be visible to your users in the assigned newsfeeds until they are
    /// set live."
    pub enum NewsItemState {
        Draft => "draft",
        Live => "live",
    }
}

/// `news_item`.
#[derive(Debug, Clone, Serialize)]
pub struct NewsItem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    /// The workspace's `id_code`.
    pub workspace_id: String,
    pub title: String,
    pub body: String,
    pub sender_id: i64,
    pub state: NewsItemState,
    pub labels: Vec<String>,
    pub cover_image_url: Option<String>,
    pub reactions: Vec<Option<String>>,
    pub deliver_silently: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub newsfeed_assignments: Vec<NewsfeedAssignment>,
}

/// `newsfeed_assignment`: `published_at` is null while the item is a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewsfeedAssignment {
    pub newsfeed_id: i64,
    pub published_at: Option<i64>,
}

/// `newsfeed`.
#[derive(Debug, Clone, Serialize)]
pub struct Newsfeed {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `deleted_object`.
#[derive(Debug, Clone, Serialize)]
pub struct DeletedNewsItem {
    pub id: String,
    pub object: &'static str,
    pub deleted: bool,
}

/// The newsfeeds every workspace has (Intercom makes newsfeeds only in its UI): one for signed-in
/// users and one for visitors. The operator adds others with `switchboard newsfeed create`.
pub const DEFAULT_NEWSFEEDS: [&str; 2] = ["User Feed", "Visitor Feed"];

/// What a create or update request sets; `None` leaves a field as it is (an update) or at its
/// default (a create).
#[derive(Debug, Clone, Default)]
pub struct NewsItemInput {
    pub title: Option<String>,
    pub body: Option<String>,
    pub sender_id: Option<i64>,
    pub state: Option<NewsItemState>,
    pub deliver_silently: Option<bool>,
    pub labels: Option<Vec<String>>,
    pub reactions: Option<Vec<Option<String>>>,
    /// `Some(None)`: remove the cover image.
    pub cover_image_url: Option<Option<String>>,
    pub newsfeed_assignments: Option<Vec<AssignmentInput>>,
}

/// One of a request's `newsfeed_assignments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssignmentInput {
    pub newsfeed_id: i64,
    pub published_at: Option<i64>,
}

impl NewsItemInput {
    /// The checks of a create: `title` and `sender_id` are required.
    pub fn check_new(&self, now: i64) -> Result<(), Rejection> {
        self.title.as_ref().or_missing("title")?;
        self.sender_id.or_missing("sender_id")?;
        self.check(now)
    }

    /// The checks of any request, on the fields it holds.
    pub fn check(&self, now: i64) -> Result<(), Rejection> {
        if self.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Rejection::invalid("title", "title must not be blank"));
        }
        if let Some(labels) = &self.labels
            && labels.iter().any(|l| l.trim().is_empty())
        {
            return Err(Rejection::invalid("labels", "labels must not be blank"));
        }
        if let Some(reactions) = &self.reactions
            && reactions.iter().flatten().any(|r| r.trim().is_empty())
        {
            return Err(Rejection::invalid("reactions", "reactions must not be blank"));
        }
        if let Some(Some(url)) = &self.cover_image_url {
            check_cover_image_url(url)?;
        }
        if let Some(assignments) = &self.newsfeed_assignments {
            check_assignments(assignments, now)?;
        }
        Ok(())
    }
}

/// "URL of the image used as cover. Must have .jpg or .png extension."
fn check_cover_image_url(url: &str) -> Result<(), Rejection> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let path = rest.and_then(|r| r.split_once('/')).map(|(_, path)| path);
    let path = path.map(|p| p.split(['?', '#']).next().unwrap_or_default().to_ascii_lowercase());
    let is_image = path.is_some_and(|p| [".jpg", ".jpeg", ".png"].iter().any(|ext| p.ends_with(ext)));
    if is_image {
        Ok(())
    } else {
        Err(Rejection::invalid(
            "cover_image_url",
            "cover_image_url must be an http(s) URL of a .jpg or .png image",
        ))
    }
}

fn check_assignments(assignments: &[AssignmentInput], now: i64) -> Result<(), Rejection> {
    const FIELD: &str = "newsfeed_assignments";
    for (i, a) in assignments.iter().enumerate() {
        if assignments[..i].iter().any(|b| b.newsfeed_id == a.newsfeed_id) {
            return Err(Rejection::invalid(
                FIELD,
                format!("newsfeed {} is assigned more than once", a.newsfeed_id),
            ));
        }
        match a.published_at {
            Some(at) if at < 0 => {
                return Err(Rejection::invalid(FIELD, "published_at must be a Unix timestamp"));
            }
            // "Publish dates cannot be in the future."
            Some(at) if at > now => {
                return Err(Rejection::invalid(FIELD, "published_at cannot be in the future"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Labels as Intercom answers them: sorted, each once.
pub fn normalize_labels(mut labels: Vec<String>) -> Vec<String> {
    labels.sort();
    labels.dedup();
    labels
}

/// When an item in `state` is published on a newsfeed: never while a draft; when live, the date
/// the request sent, else the one it already had, else now.
pub fn published_at(state: NewsItemState, sent: Option<i64>, kept: Option<i64>, now: i64) -> Option<i64> {
    match state {
        NewsItemState::Draft => None,
        NewsItemState::Live => Some(sent.or(kept).unwrap_or(now)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(newsfeed_id: i64, published_at: Option<i64>) -> AssignmentInput {
        AssignmentInput { newsfeed_id, published_at }
    }

    #[test]
    fn a_create_needs_a_title_and_a_sender() {
        let input = NewsItemInput { sender_id: Some(1), ..Default::default() };
        assert_eq!(input.check_new(0).unwrap_err().field.as_deref(), Some("title"));
        let input = NewsItemInput { title: Some("News".into()), ..Default::default() };
        assert_eq!(input.check_new(0).unwrap_err().field.as_deref(), Some("sender_id"));
        let input = NewsItemInput { title: Some(" ".into()), sender_id: Some(1), ..Default::default() };
        assert_eq!(input.check_new(0).unwrap_err().field.as_deref(), Some("title"));
    }

    #[test]
    fn publish_dates_are_past_and_feeds_named_once() {
        let check = |a: Vec<AssignmentInput>| {
            NewsItemInput { newsfeed_assignments: Some(a), ..Default::default() }.check(100)
        };
        assert!(check(vec![assignment(1, Some(100)), assignment(2, None)]).is_ok());
        assert!(check(vec![assignment(1, Some(101))]).is_err());
        assert!(check(vec![assignment(1, Some(-1))]).is_err());
        assert!(check(vec![assignment(1, None), assignment(1, Some(5))]).is_err());
    }

    #[test]
    fn cover_images_are_jpg_or_png_urls() {
        assert!(check_cover_image_url("https://example.com/cover.jpg").is_ok());
        assert!(check_cover_image_url("http://example.com/a/b.PNG?v=2").is_ok());
        assert!(check_cover_image_url("https://example.com/cover.gif").is_err());
        assert!(check_cover_image_url("ftp://example.com/cover.png").is_err());
        assert!(check_cover_image_url("https://example.png").is_err());
    }

    #[test]
    fn only_live_items_are_published() {
        use NewsItemState::*;
        assert_eq!(published_at(Draft, Some(5), Some(6), 9), None);
        assert_eq!(published_at(Live, Some(5), Some(6), 9), Some(5));
        assert_eq!(published_at(Live, None, Some(6), 9), Some(6));
        assert_eq!(published_at(Live, None, None, 9), Some(9));
        assert_eq!(normalize_labels(vec!["b".into(), "a".into(), "b".into()]), vec!["a", "b"]);
    }
}
