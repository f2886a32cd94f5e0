//! Lists and pages as Intercom shows them: every list object of the API is one of two
//! wrappers, with the fields a list adds beside its items (`total_count`, `pages`, ...) as a
//! flattened `extra`:
//!
//! - [`List`]: `{"type": "list", "data": [...], ..extra}`;
//! - [`NamedList`]: `{"type": "tag.list", "tags": [...], ..extra}`, named by its items' [`Listed`].
//!
//! and the `pages` object in its two forms: [`CursorPages`] (`next` is a cursor) and [`PagesLink`]
//! (`next` is a URL). [`cursor`] makes and reads the cursors of every cursor-paged endpoint.

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

/// `{"type": "list", "data": [...]}` and the fields of `extra` beside them.
#[derive(Debug, Clone, Serialize)]
pub struct List<T, E = ()> {
    #[serde(rename = "type")]
    kind: &'static str,
    pub data: Vec<T>,
    #[serde(flatten)]
    pub extra: E,
}

impl<T> List<T> {
    pub fn new(data: Vec<T>) -> Self {
        List::with(data, ())
    }
}

impl<T, E> List<T, E> {
    pub fn with(data: Vec<T>, extra: E) -> Self {
        List { kind: "list", data, extra }
    }
}

/// Items that Intercom lists under their own name rather than `data`.
pub trait Listed {
    /// The list's `type`, e.g. `tag.list`.
    const LIST_TYPE: &'static str;
    /// The key of the items, e.g. `tags`.
    const LIST_KEY: &'static str;
}

/// `listed!(Tag: "tag.list", "tags")`: Tags are listed as `{"type": "tag.list", "tags": [...]}`.
macro_rules! listed {
    ($item:ty: $list_type:literal, $key:literal) => {
        impl $crate::domain::pages::Listed for $item {
            const LIST_TYPE: &'static str = $list_type;
            const LIST_KEY: &'static str = $key;
        }
    };
}
pub(crate) use listed;

/// `{"type": T::LIST_TYPE, T::LIST_KEY: [...]}` and the fields of `extra` beside them.
#[derive(Debug, Clone)]
pub struct NamedList<T, E = ()> {
    pub items: Vec<T>,
    pub extra: E,
}

impl<T> NamedList<T> {
    pub fn new(items: Vec<T>) -> Self {
        NamedList::with(items, ())
    }
}

impl<T, E> NamedList<T, E> {
    pub fn with(items: Vec<T>, extra: E) -> Self {
        NamedList { items, extra }
    }
}

impl<T: Listed + Serialize, E: Serialize> Serialize for NamedList<T, E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A derived field name is fixed at compile time; the items' key comes from `T`, so the
        // head is written by hand and serde's flattening merges `extra` beside it.
        struct Head<'a, T>(&'a [T]);
        impl<T: Listed + Serialize> Serialize for Head<'_, T> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut head = serializer.serialize_struct("NamedList", 2)?;
                head.serialize_field("type", T::LIST_TYPE)?;
                head.serialize_field(T::LIST_KEY, self.0)?;
                head.end()
            }
        }
        #[derive(Serialize)]
        struct Wire<'a, T: Listed + Serialize, E> {
            #[serde(flatten)]
            head: Head<'a, T>,
            #[serde(flatten)]
            extra: &'a E,
        }
        Wire { head: Head(&self.items), extra: &self.extra }.serialize(serializer)
    }
}

/// The `extra` of a paged list: the number of items in all pages and the page shown.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<P> {
    pub total_count: i64,
    pub pages: P,
}

/// The `extra` of a paged list that does not count its items.
#[derive(Debug, Clone, Serialize)]
pub struct PagesOnly<P> {
    pub pages: P,
}

/// The `extra` of a list that shows its count but has no pages.
#[derive(Debug, Clone, Serialize)]
pub struct TotalCount {
    pub total_count: i64,
}

/// `{"type": "list", "data": [...], "total_count": n, "pages": cursor_pages}`.
pub type CursorList<T> = List<T, Paged<CursorPages>>;

/// `{"type": "list", "data": [...], "total_count": n, "pages": cursor_pages}`, numbered.
pub type NumberedList<T> = List<T, Paged<NumberedPages>>;

impl<T, P> List<T, Paged<P>> {
    pub fn paged(data: Vec<T>, total_count: i64, pages: P) -> Self {
        List::with(data, Paged { total_count, pages })
    }
}

/// The `pages` object: this page, the page size, how many pages there are, and the way to the
/// next page, absent on the last one.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct Pages<N> {
    #[serde(rename = "type")]
    kind: &'static str,
    pub page: i64,
    pub per_page: i64,
    pub total_pages: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<N>,
}

/// `cursor_pages`: clients follow `next.starting_after` until it is gone.
pub type CursorPages = Pages<NextPage>;

/// `pages_link` (page-numbered lists): `next` is the URL of the next page.
pub type PagesLink = Pages<String>;

/// `cursor_pages` of a page-numbered list (`GET /companies`, `POST /companies/list`): `next`
/// names the next page by number (`starting_after_paging` requires only `per_page`).
pub type NumberedPages = Pages<PageNumber>;

#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct PageNumber {
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct NextPage {
    pub page: i64,
    /// `starting_after_paging` requires the page size.
    pub per_page: i64,
    pub starting_after: String,
}

impl<N> Pages<N> {
    /// `page` is 1-based; `total` is the number of items in the whole walk.
    fn of(page: i64, per_page: i64, total: i64, next: Option<N>) -> Self {
        let total_pages = if total == 0 { 0 } else { (total + per_page - 1) / per_page };
        Pages { kind: "pages", page, per_page, total_pages, next }
    }
}

impl CursorPages {
    /// `next_cursor` is where the page after this one starts, if there is one.
    pub fn new(page: i64, per_page: i64, total: i64, next_cursor: Option<String>) -> Self {
        Pages::of(
            page,
            per_page,
            total,
            next_cursor.map(|starting_after| NextPage { page: page + 1, per_page, starting_after }),
        )
    }
}

impl NumberedPages {
    /// Page `page` of `total` items.
    pub fn new(page: u64, per_page: u64, total: i64) -> Self {
        let mut pages = Pages::of(page as i64, per_page as i64, total, None);
        pages.next = (pages.page < pages.total_pages)
            .then_some(PageNumber { page: pages.page + 1, per_page: pages.per_page });
        pages
    }
}

impl PagesLink {
    /// Page `page` of `total` items; `next_url(page)` is the URL of another page.
    pub fn new(page: u64, per_page: u64, total: i64, next_url: impl Fn(u64) -> String) -> Self {
        let mut pages = Pages::of(page as i64, per_page as i64, total, None);
        pages.next = (pages.page < pages.total_pages).then(|| next_url(page + 1));
        pages
    }
}

/// `pages` of a list that links to its next (older) page and to what comes after it
/// (`data_event_list`: `next` and `since`).
#[derive(Debug, Clone, Serialize)]
pub struct NextLink {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// Opaque cursors: the page number of the last item served and that item's [`Position`], so
/// that `pages.page` keeps counting. Encoded so that clients treat them as opaque strings.
///
/// [`Position`]: cursor::Position
pub mod cursor {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    /// Where a walk resumes: the sort key of the last item served, as two integers.
    pub trait Position: Sized {
        /// Written between the two integers. Each endpoint keeps the one its cursors have always
        /// had, so that a cursor handed out before still reads.
        const SEPARATOR: char;
        fn to_pair(&self) -> (i64, i64);
        /// `None` for a pair that is no position of this walk.
        fn from_pair(first: i64, second: i64) -> Option<Self>;
    }

    /// The cursor of the page after `page`, whose last item is at `at`.
    pub fn encode<P: Position>(page: i64, at: &P) -> String {
        let (first, second) = at.to_pair();
        URL_SAFE_NO_PAD.encode(format!("{page}:{first}{}{second}", P::SEPARATOR))
    }

    /// `(page_of_the_last_served_item, position)`, or `None` for a cursor we did not make.
    pub fn decode<P: Position>(raw: &str) -> Option<(i64, P)> {
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (page, position) = text.split_once(':')?;
        let page = page.parse().ok().filter(|p| (1..i64::MAX).contains(p))?;
        let (first, second) = position.split_once(P::SEPARATOR)?;
        Some((page, P::from_pair(first.parse().ok()?, second.parse().ok()?)?))
    }

    /// A cursor this server did not make.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct BadCursor;

    /// The page a walk is on and where it resumes: page 1 from the start without a cursor,
    /// else the page after the cursor's.
    pub fn resume<P: Position>(raw: Option<&str>) -> Result<(i64, Option<P>), BadCursor> {
        match raw {
            None => Ok((1, None)),
            Some(raw) => decode(raw).map(|(page, at)| (page + 1, Some(at))).ok_or(BadCursor),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[derive(Debug, PartialEq)]
        struct At(i64, i64);

        impl Position for At {
            const SEPARATOR: char = '/';
            fn to_pair(&self) -> (i64, i64) {
                (self.0, self.1)
            }
            fn from_pair(first: i64, second: i64) -> Option<Self> {
                (second >= 0).then_some(At(first, second))
            }
        }

        #[test]
        fn round_trips_and_rejects_garbage() {
            let c = encode(3, &At(1700000000, 42));
            assert_eq!(c, URL_SAFE_NO_PAD.encode("3:1700000000/42"));
            assert_eq!(decode(&c), Some((3, At(1700000000, 42))));
            assert_eq!(resume(Some(&c)), Ok((4, Some(At(1700000000, 42)))));
            assert_eq!(resume::<At>(None), Ok((1, None)));
            let (page_zero, other_separator) =
                (URL_SAFE_NO_PAD.encode("0:1/2"), URL_SAFE_NO_PAD.encode("1:1:2"));
            for bad in ["not a cursor", "", &page_zero, &other_separator] {
                assert_eq!(decode::<At>(bad), None, "{bad}");
            }
            assert_eq!(decode::<At>(&URL_SAFE_NO_PAD.encode("1:1/-2")), None, "refused by the position");
            assert_eq!(resume::<At>(Some("nope")), Err(BadCursor));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct Item(i64);

    impl Listed for Item {
        const LIST_TYPE: &'static str = "item.list";
        const LIST_KEY: &'static str = "items";
    }

    fn text(value: impl Serialize) -> String {
        serde_json::to_string(&value).unwrap()
    }

    #[test]
    fn lists_show_their_items_and_extra_fields() {
        assert_eq!(text(List::new(vec![Item(1)])), r#"{"type":"list","data":[1]}"#);
        assert_eq!(text(NamedList::new(Vec::<Item>::new())), r#"{"type":"item.list","items":[]}"#);
        assert_eq!(
            text(NamedList::with(vec![Item(1)], TotalCount { total_count: 7 })),
            r#"{"type":"item.list","items":[1],"total_count":7}"#
        );
        let pages = CursorPages::new(1, 1, 2, Some("c".into()));
        assert_eq!(
            serde_json::to_value(CursorList::paged(vec![Item(1)], 2, pages)).unwrap(),
            json!({"type": "list", "data": [1], "total_count": 2,
                   "pages": {"type": "pages", "page": 1, "per_page": 1, "total_pages": 2,
                             "next": {"page": 2, "per_page": 1, "starting_after": "c"}}})
        );
    }

    #[test]
    fn cursor_pages_count_pages_and_leave_next_out_at_the_end() {
        let last = serde_json::to_value(CursorPages::new(3, 10, 21, None)).unwrap();
        assert_eq!(last, json!({"type": "pages", "page": 3, "per_page": 10, "total_pages": 3}));
        assert_eq!(CursorPages::new(1, 10, 0, None).total_pages, 0);
    }

    #[test]
    fn pages_link_points_at_the_next_page_only_when_there_is_one() {
        let pages = PagesLink::new(1, 15, 16, |p| format!("/x?page={p}"));
        assert_eq!((pages.total_pages, pages.next.as_deref()), (2, Some("/x?page=2")));
        let last = PagesLink::new(2, 15, 16, |p| format!("/x?page={p}"));
        assert_eq!(last.next, None);
        assert_eq!(PagesLink::new(1, 15, 0, |_| String::new()).total_pages, 0);
        assert_eq!(text(NextLink { next: None, since: None }), "{}");
    }
}
