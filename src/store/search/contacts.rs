//! Contacts in the search language: where each documented field lives in SQL, for
//! `POST /contacts/search` and for segment membership, which is the same compiler applied to
//! a segment's saved query. Custom attributes, `tag_id` and `segment_id` are the shared
//! resolver's (`resolve`).
//!
//! `~ ^ $` on name, email and phone: on PostgreSQL `ILIKE`, which the pg_trgm indexes serve;
//! on SQLite a phrase MATCH on the FTS5 trigram table picks the candidates (from the index
//! alone) and the exact, escaped LIKE decides. `!~` matches nearly every row, so a scan beats
//! any index: SQLite takes a plain `NOT LIKE` (a million rows in well under a second, where
//! the candidate set would cost seconds).

use sea_query::{Condition, Expr, ExprTrait, LikeExpr, Query as Select, QueryStatementBuilder};

use crate::domain::data_attribute::Model;
use crate::domain::search::{Field, Filter, GroupOp, Needs, Predicate, Query, Resource, SearchError};
use crate::domain::segment::SavedSegment;
use crate::store::schema::contacts::Contacts;
use crate::store::search::resolve::{self, Owner, catalog};
use crate::store::search::{ColumnResolver, LIKE_ESCAPE, Target, escape_like, lower};
use crate::store::{Backend, Exec, StoreResult};

pub(crate) use crate::store::search::resolve::never;

/// The alias of the contact a walked page probes (`ContactSearch::row_condition`).
#[derive(sea_query::Iden)]
struct Walked;

/// Lowers contact queries of one workspace; with the workspace's catalog, also segments.
pub(crate) struct ContactSearch {
    /// The searched table, for the fields every resource shares.
    owner: Owner,
    catalog: crate::domain::search::Catalog,
}

impl ContactSearch {
    /// For lowering checked queries alone.
    pub(crate) fn new(backend: Backend, workspace_id: i64) -> ContactSearch {
        let owner = Owner::new(
            backend,
            workspace_id,
            Contacts::Table,
            Contacts::Id,
            Contacts::WorkspaceId,
            Model::Contact,
        )
        .tagged_in("contact_tags", "contact_id")
        .with_role(Contacts::Role);
        ContactSearch { owner, catalog: crate::domain::search::Catalog::new(Resource::Contacts) }
    }

    /// For the workspace's segments: with its custom attributes and segments.
    pub(crate) async fn load(db: &mut impl Exec, workspace_id: i64) -> StoreResult<ContactSearch> {
        let catalog = catalog(db, workspace_id, Resource::Contacts, Needs::ALL).await?;
        Ok(ContactSearch { catalog, ..ContactSearch::new(db.backend(), workspace_id) })
    }

    /// The condition of a search, and the workspace scope that should go with it. SQLite's
    /// planner (which has no statistics) always starts from a workspace index, such as the
    /// created_at one for a date range, and would read every contact of the workspace to probe
    /// the trigram candidates. When every contact the query can match is a trigram candidate
    /// (a `~ ^ $` of three characters or more in each branch), the candidates are the smaller
    /// set: the scope is then written so that no index can take it, and the candidates drive.
    pub(crate) fn filter(&self, query: &Query) -> Result<(Condition, Condition), SearchError> {
        let owner = &self.owner;
        let condition = lower(query, self)?;
        let scope = match owner.backend == Backend::Sqlite && among_trigram_candidates(query) {
            true => Condition::all()
                .add(crate::store::contacts::in_workspace_unindexed(owner.workspace_id))
                .add(Contacts::Archived.col().eq(false)),
            false => crate::store::contacts::live(owner.workspace_id),
        };
        Ok((scope, condition))
    }

    /// The condition of `query` on one row at a time, for a page that walks the workspace's
    /// contacts in id order: memberships probe their index for the row, and text matches are
    /// the LIKE alone (no trigram candidates). On SQLite, read in a scalar subquery on the
    /// walked row, so that no filter can choose the statement's index: SQLite 3.51 turns an
    /// `EXISTS` into a join and then drives it from the created_at index of a date range (600
    /// ms to sort 40,000 matches at 1M contacts, against 1 ms to walk to the page's end).
    /// PostgreSQL, whose statistics say the walk is cheapest, tests the row itself: the
    /// subquery cost it a second lookup of every walked contact.
    pub(crate) fn row_condition(&self, query: &Query) -> Result<Condition, SearchError> {
        let walking = ContactSearch { owner: self.owner.clone().probing(), catalog: self.catalog.clone() };
        let condition = lower(query, &walking)?;
        if self.owner.backend == Backend::Postgres {
            return Ok(condition);
        }
        let row = Select::select()
            .expr(Expr::cust("1"))
            .from_as(Contacts::Table, Walked)
            .and_where(Expr::col((Walked, Contacts::Id)).equals((Contacts::Table, Contacts::Id)))
            .cond_where(condition)
            .take();
        Ok(Condition::all().add(Expr::SubQuery(None, Box::new(row.into_sub_query_statement())).is_not_null()))
    }

    /// A membership holding every match of `query`, listed in id order by its index, and
    /// what is left of `query` to test on its members ([`crate::store::search::driver`]).
    pub(crate) fn driver(&self, query: &Query) -> Option<(crate::store::search::Members, Option<Query>)> {
        crate::store::search::driver(query, self)
    }

    /// The members of `query` where it is one membership alone: a tag, or positive filters on
    /// one custom attribute.
    pub(crate) fn members(&self, query: &Query) -> Option<crate::store::search::Members> {
        crate::store::search::lone_membership(query, self)
    }

    /// Membership of `segment`: its saved query, for contacts of its person type. A company
    /// segment has no contacts.
    pub(crate) fn segment_condition(&self, segment: &SavedSegment) -> Result<Condition, SearchError> {
        resolve::segment(&self.catalog, self, segment)
    }
}

impl ColumnResolver for ContactSearch {
    fn owner(&self) -> &Owner {
        &self.owner
    }

    fn resolve(&self, name: &'static str, f: &Filter) -> Result<Target, SearchError> {
        use Contacts::*;
        let column = match name {
            "id" => PublicId,
            "role" => Role,
            "name" => Name,
            "avatar" => Avatar,
            "owner_id" => OwnerId,
            "email" => Email,
            "email_domain" => EmailDomain,
            "phone" => Phone,
            "formatted_phone" => FormattedPhone,
            "external_id" => ExternalId,
            "created_at" => CreatedAt,
            "signed_up_at" => SignedUpAt,
            "updated_at" => UpdatedAt,
            "last_seen_at" => LastSeenAt,
            "last_contacted_at" => LastContactedAt,
            "last_replied_at" => LastRepliedAt,
            "last_email_opened_at" => LastEmailOpenedAt,
            "last_email_clicked_at" => LastEmailClickedAt,
            "language_override" => LanguageOverride,
            "browser" => Browser,
            "browser_language" => BrowserLanguage,
            "os" => Os,
            "location.country" => LocationCountry,
            "location.region" => LocationRegion,
            "location.city" => LocationCity,
            "unsubscribed_from_emails" => UnsubscribedFromEmails,
            "marked_email_as_spam" => MarkedEmailAsSpam,
            "has_hard_bounced" => HasHardBounced,
            "ios_last_seen_at" => IosLastSeenAt,
            "ios_app_version" => IosAppVersion,
            "ios_device" => IosDevice,
            "ios_os_version" => IosOsVersion,
            "ios_app_name" => IosAppName,
            "ios_sdk_version" => IosSdkVersion,
            "android_last_seen_at" => AndroidLastSeenAt,
            "android_app_version" => AndroidAppVersion,
            "android_device" => AndroidDevice,
            "android_app_name" => AndroidAppName,
            "android_sdk_version" => AndroidSdkVersion,
            other => {
                return Err(SearchError::for_field(other, format!("'{other}' is not a searchable field")));
            }
        };
        let found = match self.owner.backend {
            Backend::Sqlite if !self.owner.probing => trigram_any(&[f]),
            Backend::Postgres if self.owner.probing => ascii_first_ilike(column, &f.predicate),
            _ => None,
        };
        Ok(found.map(Target::Condition).unwrap_or(Target::Column(column.col())))
    }

    /// SQLite: an OR of `~ ^ $` filters on name, email and phone is one trigram lookup.
    fn resolve_group(&self, operator: GroupOp, items: &[Query]) -> Option<Condition> {
        if self.owner.backend != Backend::Sqlite || self.owner.probing || operator != GroupOp::Or {
            return None;
        }
        let filters: Option<Vec<&Filter>> = items
            .iter()
            .map(|item| match item {
                Query::Filter(f) => Some(f),
                Query::Group { .. } | Query::Segments { .. } => None,
            })
            .collect();
        trigram_any(&filters?)
    }
}

/// Whether every match of `q` is among the trigram candidates of one of its filters.
fn among_trigram_candidates(q: &Query) -> bool {
    match q {
        Query::Filter(f) => trigram_column(&f.field).is_some() && trigram_pattern(&f.predicate).is_some(),
        Query::Group { operator: GroupOp::And, items } => items.iter().any(among_trigram_candidates),
        Query::Group { operator: GroupOp::Or, items } => {
            !items.is_empty() && items.iter().all(among_trigram_candidates)
        }
        Query::Segments { .. } => false,
    }
}

/// The text of a `~ ^ $` the trigram index can serve (three characters or more: a shorter one
/// has no trigram, and MATCH would find nothing) and the escaped LIKE pattern of its shape.
fn trigram_pattern(predicate: &Predicate) -> Option<(&str, String)> {
    let (text, pattern) = match predicate {
        Predicate::Contains(s) => (s, format!("%{}%", escape_like(s))),
        Predicate::StartsWith(s) => (s, format!("{}%", escape_like(s))),
        Predicate::EndsWith(s) => (s, format!("%{}", escape_like(s))),
        _ => return None,
    };
    (text.chars().count() >= 3).then_some((text, pattern))
}

/// The trigram-indexed column of a contact field, and its name in `contacts_fts`.
fn trigram_column(field: &Field) -> Option<(Contacts, &'static str)> {
    match field {
        Field::Standard("name") => Some((Contacts::Name, "name")),
        Field::Standard("email") => Some((Contacts::Email, "email")),
        Field::Standard("phone") => Some((Contacts::Phone, "phone")),
        _ => None,
    }
}

/// PostgreSQL, on a walked row: `~ !~ ^ $` with a pattern of ASCII characters alone, as
/// `ILIKE` decides it but first under the "C" collation, which folds ASCII letters alone and so
/// needs no conversion of the text to wide characters (half the cost: ~0.4 against ~0.8 µs a
/// row for a name and an email at 1M contacts). An ASCII pattern found that way is found by
/// `ILIKE` too; the other way round, only a text with other characters can differ (`İ` and the
/// Kelvin sign fold to `i` and `k`), and such a text goes on to `ILIKE`. The answer is `ILIKE`'s
/// wherever the database's locale folds ASCII letters as ASCII does (all but Turkish and Azeri,
/// whose `I` folds to a dotless `ı`). A walk is the only user: the trigram indexes serve `ILIKE`
/// as written, not this.
fn ascii_first_ilike(column: Contacts, predicate: &Predicate) -> Option<Condition> {
    let (text, text_pattern, negated) = match predicate {
        Predicate::Contains(s) => (s, format!("%{}%", escape_like(s)), false),
        Predicate::NotContains(s) => (s, format!("%{}%", escape_like(s)), true),
        Predicate::StartsWith(s) => (s, format!("{}%", escape_like(s)), false),
        Predicate::EndsWith(s) => (s, format!("%{}", escape_like(s)), false),
        _ => return None,
    };
    if !text.is_ascii() {
        return None;
    }
    let col = || Expr::col((Contacts::Table, column));
    // The pattern as a subquery's value: PostgreSQL plans the walk at every run (its `LIMIT` is
    // bound), and a pattern it can read makes it match the pattern against the column's
    // statistics to estimate the rows, for a plan that is the same whatever they are (0.44 →
    // 0.15 ms of planning for a name-or-email walk at 1M contacts). The subquery also
    // applies the escape once per run, not once per row.
    let pattern = format!("(SELECT like_escape($2, '{LIKE_ESCAPE}'))");
    let ascii = Expr::cust_with_exprs(
        format!(r#"($1 COLLATE "C") ILIKE {pattern}"#),
        [col(), Expr::val(text_pattern.clone())],
    );
    let other = Expr::cust_with_exprs("octet_length($1) <> char_length($1)", [col()])
        .and(Expr::cust_with_exprs(format!("($1) ILIKE {pattern}"), [col(), Expr::val(text_pattern)]));
    let found = Condition::any().add(ascii).add(other);
    Some(match negated {
        false => found,
        true => Condition::any().add(found.not()).add(col().is_null()),
    })
}

/// SQLite: `~ ^ $` filters (any of them) through the FTS5 trigram index, then the exact LIKE.
/// The candidates come from one MATCH of the filters' phrases, which reads only the index (an
/// FTS5 LIKE also rereads each candidate's text: ~13 ms against ~0.3 ms for 8,000 candidates)
/// and yields each candidate once, in rowid order, so a page can stop early. A phrase is the
/// literal text, so `%` and `_` mean themselves, as `~` wants. `None` where a filter is not
/// such a filter, or its text is too short for a trigram: the LIKE alone decides there.
fn trigram_any(filters: &[&Filter]) -> Option<Condition> {
    if filters.is_empty() {
        return None;
    }
    let mut phrases = Vec::new();
    let mut likes = Condition::any();
    for f in filters {
        let (column, fts_column) = trigram_column(&f.field)?;
        let (text, pattern) = trigram_pattern(&f.predicate)?;
        phrases.push(format!("({fts_column} : \"{}\")", text.replace('"', "\"\"")));
        likes = likes.add(column.col().like(LikeExpr::new(pattern).escape(LIKE_ESCAPE)));
    }
    let candidates = Select::select()
        .column("rowid")
        .from("contacts_fts")
        .and_where(Expr::cust_with_values("contacts_fts MATCH ?", [phrases.join(" OR ")]))
        .take();
    Some(Condition::all().add(Contacts::Id.col().in_subquery(candidates)).add(likes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search::{Catalog, FieldType};
    use crate::domain::segment::{PersonType, SegmentModel};
    use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
    use serde_json::{Value as Json, json};

    fn catalog() -> Catalog {
        Catalog {
            attributes: vec![
                ("plan".into(), FieldType::String),
                ("seats".into(), FieldType::Integer),
                ("mrr".into(), FieldType::Float),
            ],
            segments: vec![SavedSegment {
                public_id: "seg".into(),
                name: "Pro".into(),
                person_type: PersonType::User,
                model: SegmentModel::Contact,
                query: json!({"field": "custom_attributes.plan", "operator": "=", "value": "pro"}),
                created_at: 0,
                updated_at: 0,
            }],
            ..Catalog::new(Resource::Contacts)
        }
    }

    fn search(backend: Backend) -> ContactSearch {
        ContactSearch { catalog: catalog(), ..ContactSearch::new(backend, 1) }
    }

    /// The WHERE clause of a search, for (PostgreSQL, SQLite).
    fn sql(query: Json) -> (String, String) {
        let query = catalog().parse_and_validate(&query).expect("valid");
        let render = |backend| {
            let (_, cond) = ContactSearch::new(backend, 1).filter(&query).expect("compiles");
            let stmt = Select::select().column(Contacts::Id).from(Contacts::Table).cond_where(cond).take();
            let text = match backend {
                Backend::Postgres => stmt.to_string(PostgresQueryBuilder),
                Backend::Sqlite => stmt.to_string(SqliteQueryBuilder),
            };
            text.split_once(" WHERE ").expect("a WHERE").1.to_owned()
        };
        (render(Backend::Postgres), render(Backend::Sqlite))
    }

    #[test]
    fn golden_sql() {
        let cases = [
            (
                json!({"field": "name", "operator": "~", "value": "a_b"}),
                r#"("contacts"."name") ILIKE '%a!_b%' ESCAPE '!'"#,
                r#""contacts"."id" IN (SELECT "rowid" FROM "contacts_fts" WHERE contacts_fts MATCH '(name : "a_b")') AND "contacts"."name" LIKE '%a!_b%' ESCAPE '!'"#,
            ),
            (
                json!({"operator": "OR", "value": [
                    {"field": "name", "operator": "~", "value": "van"},
                    {"field": "email", "operator": "$", "value": "a\"b"}]}),
                r#"(("contacts"."name") ILIKE '%van%' ESCAPE '!') OR (("contacts"."email") ILIKE '%a"b' ESCAPE '!')"#,
                r#""contacts"."id" IN (SELECT "rowid" FROM "contacts_fts" WHERE contacts_fts MATCH '(name : "van") OR (email : "a""b")') AND ("contacts"."name" LIKE '%van%' ESCAPE '!' OR "contacts"."email" LIKE '%a"b' ESCAPE '!')"#,
            ),
            (
                json!({"operator": "OR", "value": [
                    {"field": "name", "operator": "~", "value": "van"},
                    {"field": "email", "operator": "~", "value": "ab"}]}),
                r#"(("contacts"."name") ILIKE '%van%' ESCAPE '!') OR (("contacts"."email") ILIKE '%ab%' ESCAPE '!')"#,
                r#"("contacts"."id" IN (SELECT "rowid" FROM "contacts_fts" WHERE contacts_fts MATCH '(name : "van")') AND "contacts"."name" LIKE '%van%' ESCAPE '!') OR "contacts"."email" LIKE '%ab%' ESCAPE '!'"#,
            ),
            (
                json!({"field": "name", "operator": "^", "value": "ab"}),
                r#"("contacts"."name") ILIKE 'ab%' ESCAPE '!'"#,
                r#""contacts"."name" LIKE 'ab%' ESCAPE '!'"#,
            ),
            (
                json!({"field": "email", "operator": "!~", "value": "x"}),
                r#"(("contacts"."email") NOT ILIKE '%x%' ESCAPE '!') OR "contacts"."email" IS NULL"#,
                r#""contacts"."email" NOT LIKE '%x%' ESCAPE '!' OR "contacts"."email" IS NULL"#,
            ),
            (
                json!({"field": "custom_attributes.plan", "operator": "=", "value": "pro"}),
                r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'plan' AND "custom_attribute_values"."text_value" IS NOT NULL AND "custom_attribute_values"."text_value" = 'pro')"#,
                r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'plan' AND "custom_attribute_values"."text_value" IS NOT NULL AND "custom_attribute_values"."text_value" = 'pro')"#,
            ),
            (
                json!({"field": "custom_attributes.seats", "operator": ">", "value": 3}),
                r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'seats' AND "custom_attribute_values"."num_value" IS NOT NULL AND "custom_attribute_values"."num_value" > 3)"#,
                r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'seats' AND "custom_attribute_values"."num_value" IS NOT NULL AND "custom_attribute_values"."num_value" > 3)"#,
            ),
            (
                // PostgreSQL's numeric column meets a float through the float's shortest text.
                json!({"field": "custom_attributes.mrr", "operator": "<", "value": 9.5}),
                r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'mrr' AND "custom_attribute_values"."num_value" IS NOT NULL AND "custom_attribute_values"."num_value" < (CAST(CAST(9.5 AS text) AS numeric)))"#,
                r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'mrr' AND "custom_attribute_values"."num_value" IS NOT NULL AND "custom_attribute_values"."num_value" < 9.5)"#,
            ),
            (
                json!({"field": "tag_id", "operator": "!=", "value": "7"}),
                r#""contacts"."id" NOT IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = 7)"#,
                r#""contacts"."id" NOT IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = 7)"#,
            ),
            (
                json!({"field": "segment_id", "operator": "!=", "value": "seg"}),
                r#""contacts"."id" NOT IN (SELECT "contacts"."id" FROM "contacts" WHERE "contacts"."workspace_id" = 1 AND ("contacts"."role" = 'user' AND "contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'plan' AND "custom_attribute_values"."text_value" IS NOT NULL AND "custom_attribute_values"."text_value" = 'pro')))"#,
                r#""contacts"."id" NOT IN (SELECT "contacts"."id" FROM "contacts" WHERE "contacts"."workspace_id" = 1 AND ("contacts"."role" = 'user' AND (+"contacts"."id") IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'plan' AND "custom_attribute_values"."text_value" IS NOT NULL AND "custom_attribute_values"."text_value" = 'pro')))"#,
            ),
            (json!({"field": "segment_id", "operator": "=", "value": "unknown"}), "1 = 0", "1 = 0"),
        ];
        for (query, pg, lite) in cases {
            let (got_pg, got_lite) = sql(query.clone());
            assert_eq!(got_pg, pg, "PostgreSQL, {query}");
            assert_eq!(got_lite, lite, "SQLite, {query}");
        }
    }

    #[test]
    fn filters_on_one_attribute_are_one_membership_which_drives_only_alone() {
        let (_, lite) = sql(json!({"operator": "AND", "value": [
            {"field": "custom_attributes.seats", "operator": ">", "value": 3},
            {"field": "role", "operator": "=", "value": "user"},
            {"field": "custom_attributes.seats", "operator": "<", "value": 9}]}));
        assert_eq!(
            lite,
            r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'seats' AND "custom_attribute_values"."num_value" IS NOT NULL AND "custom_attribute_values"."num_value" > 3 AND "custom_attribute_values"."num_value" < 9) AND "contacts"."role" = 'user'"#
        );
        // Two attributes, or one beside a tag: each membership a filter (`+id`).
        for other in [
            json!({"field": "custom_attributes.plan", "operator": "=", "value": "pro"}),
            json!({"field": "tag_id", "operator": "=", "value": "7"}),
        ] {
            let (_, lite) = sql(json!({"operator": "AND", "value": [
                {"field": "custom_attributes.seats", "operator": ">", "value": 3}, other]}));
            assert!(lite.starts_with(r#"(+"contacts"."id") IN"#), "{lite}");
        }
        // A negative filter stays its own membership.
        let (_, lite) = sql(json!({"operator": "AND", "value": [
            {"field": "custom_attributes.seats", "operator": ">", "value": 3},
            {"field": "custom_attributes.seats", "operator": "!=", "value": 5}]}));
        assert_eq!(lite.matches("IN (SELECT").count(), 2, "{lite}");
    }

    #[test]
    fn a_lone_membership_is_a_tag_or_positive_filters_on_one_attribute() {
        let lone = |query: Json| {
            let query = catalog().parse_and_validate(&query).expect("valid");
            ContactSearch::new(Backend::Sqlite, 1).members(&query).map(|m| {
                m.count().to_string(SqliteQueryBuilder).split_once(" WHERE ").expect("a WHERE").1.to_owned()
            })
        };
        let seats =
            |op: &str, v: i64| json!({"field": "custom_attributes.seats", "operator": op, "value": v});
        assert_eq!(
            lone(json!({"field": "tag_id", "operator": "=", "value": "7"})).as_deref(),
            Some(
                r#""contact_tags"."tag_id" = 7 AND EXISTS(SELECT 1 FROM "tags" WHERE "tags"."id" = 7 AND "tags"."workspace_id" = 1)"#
            )
        );
        assert_eq!(
            lone(json!({"operator": "AND", "value": [seats(">", 3), seats("<", 9)]})).as_deref(),
            Some(
                r#""custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'seats' AND "custom_attribute_values"."num_value" IS NOT NULL AND "custom_attribute_values"."num_value" > 3 AND "custom_attribute_values"."num_value" < 9"#
            )
        );
        assert!(
            lone(json!({"field": "custom_attributes.plan", "operator": "IN", "value": ["pro", "free"]}))
                .is_some()
        );
        for not_lone in [
            json!({"field": "tag_id", "operator": "!=", "value": "7"}),
            json!({"field": "tag_id", "operator": "=", "value": "x"}),
            seats("!=", 3),
            json!({"operator": "AND", "value": [seats(">", 3), seats("!=", 5)]}),
            json!({"operator": "AND", "value": [seats(">", 3),
                {"field": "custom_attributes.plan", "operator": "=", "value": "pro"}]}),
            json!({"operator": "AND", "value": [seats(">", 3), {"field": "role", "operator": "=", "value": "user"}]}),
            json!({"operator": "OR", "value": [seats(">", 3), seats("<", 1)]}),
            json!({"field": "segment_id", "operator": "=", "value": "seg"}),
        ] {
            assert_eq!(lone(not_lone.clone()), None, "{not_lone}");
        }
    }

    #[test]
    fn a_walked_row_on_postgres_tests_ascii_text_under_the_c_collation_first() {
        let walked = |query: Json| {
            let query = catalog().parse_and_validate(&query).expect("valid");
            let cond = search(Backend::Postgres).row_condition(&query).expect("compiles");
            let stmt = Select::select().column(Contacts::Id).from(Contacts::Table).cond_where(cond).take();
            stmt.to_string(PostgresQueryBuilder).split_once(" WHERE ").expect("a WHERE").1.to_owned()
        };
        assert_eq!(
            walked(json!({"field": "name", "operator": "~", "value": "a_b"})),
            r#"(("contacts"."name" COLLATE "C") ILIKE (SELECT like_escape('%a!_b%', '!'))) OR ((octet_length("contacts"."name") <> char_length("contacts"."name")) AND (("contacts"."name") ILIKE (SELECT like_escape('%a!_b%', '!'))))"#
        );
        assert_eq!(
            walked(json!({"field": "email", "operator": "!~", "value": "x"})),
            r#"(NOT ((("contacts"."email" COLLATE "C") ILIKE (SELECT like_escape('%x%', '!'))) OR ((octet_length("contacts"."email") <> char_length("contacts"."email")) AND (("contacts"."email") ILIKE (SELECT like_escape('%x%', '!')))))) OR "contacts"."email" IS NULL"#
        );
        // Other letters in the pattern: ILIKE alone.
        assert_eq!(
            walked(json!({"field": "name", "operator": "^", "value": "Zoë"})),
            r#"("contacts"."name") ILIKE 'Zoë%' ESCAPE '!'"#
        );
    }

    #[test]
    fn segments_do_not_nest() {
        let s = search(Backend::Sqlite);
        let nested = SavedSegment {
            query: json!({"field": "segment_id", "operator": "=", "value": "seg"}),
            ..s.catalog.segments[0].clone()
        };
        assert!(s.segment_condition(&nested).is_err());
    }
}
