//! `GET /articles/search`: what it asks for, and the highlights of its hits.

use serde::Serialize;

use super::text::{html_to_text, normalize_phrase};
use super::{Article, ArticleState, Content};
use crate::domain::help_center::PageRequest;
use crate::domain::pages::CursorPages;

/// `GET /articles/search`: every filter is optional; `phrase` matches any locale's title,
/// description or body text, and `state` the state of the content that matched.
#[derive(Debug, Clone)]
pub struct ArticleSearch {
    pub phrase: Option<String>,
    pub state: Option<ArticleState>,
    pub help_center_id: Option<i64>,
    pub page: PageRequest,
}

/// One run of highlighted text: `highlight` (matches the phrase) or `plain`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Highlight {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
}

/// `article_search_highlights`.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleHighlights {
    pub article_id: String,
    pub highlighted_title: Vec<Highlight>,
    pub highlighted_summary: Vec<Vec<Highlight>>,
}

#[derive(Debug, Serialize)]
pub struct SearchData {
    pub articles: Vec<Article>,
    pub highlights: Vec<ArticleHighlights>,
}

/// `article_search_response`: its `data` is an object, not a list of items.
#[derive(Debug, Serialize)]
pub struct ArticleSearchResponse {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub total_count: i64,
    pub data: SearchData,
    pub pages: CursorPages,
}

/// Context shown around the first match of a summary.
const SUMMARY_BEFORE: usize = 60;
const SUMMARY_AFTER: usize = 140;

/// The highlights of a search hit, from the default locale's content if it matches the search,
/// else from the first translation that does.
pub fn search_highlights(article: &Article, phrase: &str, state: Option<ArticleState>) -> ArticleHighlights {
    let needle = normalize_phrase(phrase);
    let matches = |c: &&Content| state.is_none_or(|s| s == c.state) && c.search_text().contains(&needle);
    let translated = &article.translated_content;
    let content = translated
        .get(&article.default_locale)
        .map(|c| &c.content)
        .filter(matches)
        .or_else(|| translated.entries.iter().map(|(_, c)| &c.content).find(matches))
        .unwrap_or(&article.content);
    highlight(article.id, &content.title, &content.description, &content.body, phrase)
}

/// Where `phrase` occurs: the whole title split into plain and highlighted runs, and a snippet
/// of the description and of the body text around their first match.
pub fn highlight(
    article_id: i64,
    title: &str,
    description: &str,
    body: &str,
    phrase: &str,
) -> ArticleHighlights {
    let phrase: Vec<char> = normalize_phrase(phrase).chars().collect();
    let title: Vec<char> = title.chars().collect();
    let mut summary = Vec::new();
    for text in [description.to_owned(), html_to_text(body)] {
        let chars: Vec<char> = text.chars().collect();
        let matches = find_matches(&chars, &phrase);
        if let Some(first) = matches.first() {
            let start = first.0.saturating_sub(SUMMARY_BEFORE);
            let end = (first.1 + SUMMARY_AFTER).min(chars.len());
            summary.push(runs(&chars, &matches, start, end));
        }
    }
    ArticleHighlights {
        article_id: article_id.to_string(),
        highlighted_title: runs(&title, &find_matches(&title, &phrase), 0, title.len()),
        highlighted_summary: summary,
    }
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Non-overlapping `[start, end)` char ranges of `needle` in `hay`, ignoring case.
fn find_matches(hay: &[char], needle: &[char]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    if needle.is_empty() {
        return found;
    }
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()].iter().zip(needle).all(|(a, b)| fold(*a) == fold(*b)) {
            found.push((i, i + needle.len()));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    found
}

/// `chars[start..end]` as plain and highlighted runs.
fn runs(chars: &[char], matches: &[(usize, usize)], start: usize, end: usize) -> Vec<Highlight> {
    let mut out = Vec::new();
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let mut at = start;
    for &(m_start, m_end) in matches.iter().filter(|(s, e)| *s >= start && *e <= end) {
        if m_start > at {
            out.push(Highlight { kind: "plain", text: text(at, m_start) });
        }
        out.push(Highlight { kind: "highlight", text: text(m_start, m_end) });
        at = m_end;
    }
    if at < end {
        out.push(Highlight { kind: "plain", text: text(at, end) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_split_title_and_summaries() {
        let h = highlight(
            9,
            "Getting Started with getting",
            "How to get started",
            "<p>Before getting started, read this.</p>",
            "getting",
        );
        assert_eq!(h.article_id, "9");
        let title: Vec<_> = h.highlighted_title.iter().map(|r| (r.kind, r.text.as_str())).collect();
        assert_eq!(
            title,
            vec![("highlight", "Getting"), ("plain", " Started with "), ("highlight", "getting")]
        );
        assert_eq!(h.highlighted_summary.len(), 1, "the description does not match");
        let body: Vec<_> = h.highlighted_summary[0].iter().map(|r| (r.kind, r.text.as_str())).collect();
        assert_eq!(
            body,
            vec![("plain", "Before "), ("highlight", "getting"), ("plain", " started, read this.")]
        );
    }
}
