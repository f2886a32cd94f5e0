//! Contacts in the search language: the field table (built-in fields plus the workspace's
//! custom attributes) and where each field lives in SQL, for `POST /contacts/search` and for
//! segment membership, which is the same compiler applied to a segment's saved query.
//!
//! Dialect differences live here and nowhere else:
//! * `custom_attributes.<name>`: `json_extract` on SQLite; on PostgreSQL `->>` for text, a
//!   number or boolean read only where `jsonb_typeof` says it is one (another workspace may
//!   use the name with another type, and PostgreSQL does not promise to filter by workspace
//!   first), and `=` as a containment test (`@>`) that the GIN index serves. Each type gets
//!   its own cast in the SQL text: sqlx caches a PostgreSQL statement by its text with the
//!   parameter types of its first use, so one text must never see two parameter types.
//! * `~ ^ $` on name, email and phone: on PostgreSQL `ILIKE`, which the pg_trgm indexes
//!   serve; on SQLite a phrase MATCH on the FTS5 trigram table picks the candidates (from
//!   the index alone) and the exact, escaped LIKE decides. `!~` matches nearly every row, so
//!   a scan beats any index: SQLite takes a plain `NOT LIKE` (a million rows in well under a
//!   second, where the candidate set would cost seconds).

use sea_query::{Condition, Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement};
use serde_json::Value as Json;

use crate::domain::data_attribute::{DataAttribute, Model};
use crate::domain::ids;
use crate::domain::search::{
    self, FieldType, GroupOp, Predicate, Resource, Scalar, SearchError, StandardFields, ValidatedFilter,
    ValidatedQuery,
};
use crate::domain::segment::SegmentModel;
use crate::store::data_attributes;
use crate::store::schema::contacts::Contacts;
use crate::store::search::{ColumnResolver, Dialect, LIKE_ESCAPE, Target, escape_like, lower, scalar_value};
use crate::store::segments::saved::{self as segments, SavedSegment};
use crate::store::{Backend, Exec, StoreResult};

/// What compiling a contacts query needs from the workspace.
pub(crate) struct ContactSearch {
    backend: Backend,
    workspace_id: i64,
    attributes: Vec<DataAttribute>,
    segments: Vec<SavedSegment>,
}

/// Every `field` a query names, at any depth of its nesting.
fn named_fields<'q>(query: &'q Json, out: &mut Vec<&'q str>) {
    match query {
        Json::Object(map) => {
            if let Some(Json::String(field)) = map.get("field") {
                out.push(field);
            }
            map.values().for_each(|v| named_fields(v, out));
        }
        Json::Array(items) => items.iter().for_each(|v| named_fields(v, out)),
        _ => {}
    }
}

fn col(c: Contacts) -> Expr {
    Expr::col((Contacts::Table, c))
}

pub(crate) fn never() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

fn always() -> Condition {
    Condition::all().add(Expr::cust("1 = 1"))
}

impl ContactSearch {
    pub(crate) async fn load(db: &mut impl Exec, workspace_id: i64) -> StoreResult<ContactSearch> {
        Ok(ContactSearch {
            backend: db.backend(),
            workspace_id,
            attributes: data_attributes::custom(db, workspace_id, Model::Contact).await?,
            segments: segments::all(db, workspace_id).await?,
        })
    }

    /// Like [`ContactSearch::load`], reading only what `query` can need: the custom attributes
    /// when it names one or a segment (whose own query may), the segments when it names one.
    /// A search on standard fields alone then costs no statement before its own.
    pub(crate) async fn load_for(
        db: &mut impl Exec,
        workspace_id: i64,
        query: &Json,
    ) -> StoreResult<ContactSearch> {
        let mut fields = Vec::new();
        named_fields(query, &mut fields);
        let needs_segments = fields.contains(&"segment_id");
        let needs_attributes = needs_segments || fields.iter().any(|f| f.contains("custom_attributes"));
        Ok(ContactSearch {
            backend: db.backend(),
            workspace_id,
            attributes: match needs_attributes {
                true => data_attributes::custom(db, workspace_id, Model::Contact).await?,
                false => Vec::new(),
            },
            segments: match needs_segments {
                true => segments::all(db, workspace_id).await?,
                false => Vec::new(),
            },
        })
    }

    /// Parses and checks a query against the contact fields and this workspace's attributes.
    pub(crate) fn validate(&self, query: &Json) -> Result<ValidatedQuery, SearchError> {
        let lookup =
            |name: &str| self.attributes.iter().find(|a| a.name == name).map(|a| a.data_type.field_type());
        search::parse_and_validate(query, &StandardFields::new(Resource::Contacts, &lookup))
    }

    /// The condition of a search, and the workspace scope that should go with it. SQLite's
    /// planner (which has no statistics) always starts from a workspace index, such as the
    /// created_at one for a date range, and would read every contact of the workspace to probe
    /// the trigram candidates. When every contact the query can match is a trigram candidate
    /// (a `~ ^ $` of three characters or more in each branch), the candidates are the smaller
    /// set: the scope is then written so that no index can take it, and the candidates drive.
    pub(crate) fn filter(&self, query: &Json) -> Result<(Condition, Condition), SearchError> {
        let validated = self.validate(query)?;
        let condition = lower(&validated, &Resolver { search: self, in_segment: false })?;
        let scope = match self.backend == Backend::Sqlite && among_trigram_candidates(&validated) {
            true => Condition::all()
                .add(crate::store::contacts::in_workspace_unindexed(self.workspace_id))
                .add(col(Contacts::Archived).eq(false)),
            false => crate::store::contacts::live(self.workspace_id),
        };
        Ok((scope, condition))
    }

    /// Membership of `segment`: its saved query, for contacts of its person type. A company
    /// segment has no contacts.
    pub(crate) fn segment_condition(&self, segment: &SavedSegment) -> Result<Condition, SearchError> {
        if segment.model == SegmentModel::Company {
            return Ok(never());
        }
        let query = lower(&self.validate(&segment.query)?, &Resolver { search: self, in_segment: true })?;
        Ok(Condition::all().add(col(Contacts::Role).eq(segment.person_type.role().as_str())).add(query))
    }

    /// `SELECT contacts.id FROM contacts WHERE <workspace> AND cond`, for negated memberships.
    fn ids_where(&self, cond: Condition) -> SelectStatement {
        Query::select()
            .column((Contacts::Table, Contacts::Id))
            .from(Contacts::Table)
            .and_where(col(Contacts::WorkspaceId).eq(self.workspace_id))
            .cond_where(cond)
            .take()
    }
}

struct Resolver<'a> {
    search: &'a ContactSearch,
    /// Lowering a segment's own query, where `segment_id` would let segments nest.
    in_segment: bool,
}

impl ColumnResolver for Resolver<'_> {
    fn dialect(&self) -> Dialect {
        match self.search.backend {
            Backend::Sqlite => Dialect::Sqlite,
            Backend::Postgres => Dialect::Postgres,
        }
    }

    fn resolve(&self, f: &ValidatedFilter) -> Result<Target, SearchError> {
        use Contacts::*;
        let column = match f.field.as_str() {
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
            "tag_id" => {
                return tag_condition(col(Contacts::Id), ("contact_tags", "contact_id"), &f.predicate)
                    .map(Target::Condition);
            }
            "segment_id" => return self.segment_target(&f.predicate).map(Target::Condition),
            other => {
                return match other.strip_prefix("custom_attributes.") {
                    Some(name) => {
                        Ok(custom_attribute(self.search.backend, col(Contacts::CustomAttributes), name, f))
                    }
                    None => {
                        Err(SearchError::for_field(other, format!("'{other}' is not a searchable field")))
                    }
                };
            }
        };
        match self.search.backend {
            Backend::Sqlite => {
                Ok(trigram_any(&[f]).map(Target::Condition).unwrap_or(Target::Column(col(column))))
            }
            Backend::Postgres => Ok(Target::Column(col(column))),
        }
    }

    /// SQLite: an OR of `~ ^ $` filters on name, email and phone is one trigram lookup.
    fn resolve_group(&self, operator: GroupOp, items: &[ValidatedQuery]) -> Option<Condition> {
        if self.search.backend != Backend::Sqlite || operator != GroupOp::Or {
            return None;
        }
        let filters: Option<Vec<&ValidatedFilter>> = items
            .iter()
            .map(|item| match item {
                ValidatedQuery::Filter(f) => Some(f),
                ValidatedQuery::Group { .. } => None,
            })
            .collect();
        trigram_any(&filters?)
    }
}

impl Resolver<'_> {
    /// `segment_id`: the segment's own condition, inlined for `=`/`IN`; for `!=`/`NIN` the
    /// contacts outside it (`NOT IN`, so that a condition that is unknown on a contact's
    /// empty fields still counts as "not a member"). Unknown segments have no members.
    fn segment_target(&self, predicate: &Predicate) -> Result<Condition, SearchError> {
        if self.in_segment {
            return Err(SearchError::for_field(
                "segment_id",
                "a segment's query cannot filter on segment_id",
            ));
        }
        let search = self.search;
        let members = |ids: &[Scalar]| -> Result<Condition, SearchError> {
            let mut any = Condition::any();
            for id in ids {
                let found =
                    search.segments.iter().find(|s| matches!(id, Scalar::Str(i) if *i == s.public_id));
                any = any.add(match found {
                    Some(segment) => search.segment_condition(segment)?,
                    None => never(),
                });
            }
            Ok(any)
        };
        Ok(match predicate {
            Predicate::Eq(id) => members(std::slice::from_ref(id))?,
            Predicate::In(ids) => members(ids)?,
            Predicate::Ne(id) => Condition::all()
                .add(col(Contacts::Id).not_in_subquery(search.ids_where(members(std::slice::from_ref(id))?))),
            Predicate::Nin(ids) => {
                Condition::all().add(col(Contacts::Id).not_in_subquery(search.ids_where(members(ids)?)))
            }
            _ => return Err(SearchError::for_field("segment_id", "segment_id takes a segment id, not null")),
        })
    }
}

/// `custom_attributes.<name>` of the JSON column `json` (contacts' or companies').
pub(crate) fn custom_attribute(backend: Backend, json: Expr, name: &str, f: &ValidatedFilter) -> Target {
    let key = || Expr::val(name.to_owned());
    match backend {
        Backend::Sqlite => {
            Target::Column(Func::cust("json_extract").arg(json).arg(format!("$.\"{name}\"")).into())
        }
        Backend::Postgres => {
            let typed = |json_type: &'static str, cast: &'static str| {
                Expr::cust_with_exprs(
                    format!("CASE WHEN jsonb_typeof($1 -> $2) = '{json_type}' THEN ($3 ->> $4)::{cast} END"),
                    [json.clone(), key(), json.clone(), key()],
                )
            };
            if let Predicate::Eq(value) = &f.predicate {
                let cast = match value {
                    Scalar::Str(_) => "text",
                    Scalar::Int(_) => "bigint",
                    Scalar::Float(_) => "double precision",
                    Scalar::Bool(_) => "boolean",
                };
                return Target::Condition(Condition::all().add(Expr::cust_with_exprs(
                    format!("$1 @> jsonb_build_object($2, $3::{cast})"),
                    [json.clone(), key(), Expr::val(scalar_value(value))],
                )));
            }
            Target::Column(match f.def.ty {
                FieldType::String => Expr::cust_with_exprs("$1 ->> $2", [json.clone(), key()]),
                FieldType::Integer | FieldType::Date => typed("number", "bigint"),
                FieldType::Float => typed("number", "double precision"),
                FieldType::Boolean => typed("boolean", "boolean"),
            })
        }
    }
}

/// `tag_id`: membership of `id` in the taggings table (`contact_tags.contact_id`,
/// `company_tags.company_id`), by the tag's numeric id (a value that is not one names no tag).
pub(crate) fn tag_condition(
    id: Expr,
    (taggings, owner): (&'static str, &'static str),
    predicate: &Predicate,
) -> Result<Condition, SearchError> {
    let tagged = |tag: Option<i64>| {
        let mut q = Query::select();
        q.column((taggings, owner)).from(taggings);
        if let Some(tag) = tag {
            q.and_where(Expr::col((taggings, "tag_id")).eq(tag));
        }
        q
    };
    let tag_id = |v: &Scalar| match v {
        Scalar::Str(s) => ids::parse_numeric(s),
        _ => None,
    };
    Ok(match predicate {
        Predicate::Eq(v) => match tag_id(v) {
            Some(tag) => Condition::all().add(id.in_subquery(tagged(Some(tag)))),
            None => never(),
        },
        Predicate::Ne(v) => match tag_id(v) {
            Some(tag) => Condition::all().add(id.not_in_subquery(tagged(Some(tag)))),
            None => always(),
        },
        Predicate::IsNull => Condition::all().add(id.not_in_subquery(tagged(None))),
        Predicate::IsNotNull => Condition::all().add(id.in_subquery(tagged(None))),
        _ => return Err(SearchError::for_field("tag_id", "tag_id supports only the = and != operators")),
    })
}

/// Whether every match of `q` is among the trigram candidates of one of its filters.
fn among_trigram_candidates(q: &ValidatedQuery) -> bool {
    match q {
        ValidatedQuery::Filter(f) => {
            trigram_column(&f.field).is_some() && trigram_pattern(&f.predicate).is_some()
        }
        ValidatedQuery::Group { operator: GroupOp::And, items } => items.iter().any(among_trigram_candidates),
        ValidatedQuery::Group { operator: GroupOp::Or, items } => {
            !items.is_empty() && items.iter().all(among_trigram_candidates)
        }
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
fn trigram_column(field: &str) -> Option<(Contacts, &'static str)> {
    match field {
        "name" => Some((Contacts::Name, "name")),
        "email" => Some((Contacts::Email, "email")),
        "phone" => Some((Contacts::Phone, "phone")),
        _ => None,
    }
}

/// SQLite: `~ ^ $` filters (any of them) through the FTS5 trigram index, then the exact LIKE.
/// The candidates come from one MATCH of the filters' phrases, which reads only the index (an
/// FTS5 LIKE also rereads each candidate's text: ~13 ms against ~0.3 ms for 8,000 candidates)
/// and yields each candidate once, in rowid order, so a page can stop early. A phrase is the
/// literal text, so `%` and `_` mean themselves, as `~` wants. `None` where a filter is not
/// such a filter, or its text is too short for a trigram: the LIKE alone decides there.
fn trigram_any(filters: &[&ValidatedFilter]) -> Option<Condition> {
    if filters.is_empty() {
        return None;
    }
    let mut phrases = Vec::new();
    let mut likes = Condition::any();
    for f in filters {
        let (column, fts_column) = trigram_column(&f.field)?;
        let (text, pattern) = trigram_pattern(&f.predicate)?;
        phrases.push(format!("({fts_column} : \"{}\")", text.replace('"', "\"\"")));
        likes = likes.add(col(column).like(LikeExpr::new(pattern).escape(LIKE_ESCAPE)));
    }
    let candidates = Query::select()
        .column("rowid")
        .from("contacts_fts")
        .and_where(Expr::cust_with_values("contacts_fts MATCH ?", [phrases.join(" OR ")]))
        .take();
    Some(Condition::all().add(col(Contacts::Id).in_subquery(candidates)).add(likes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::data_attribute::{DataType, builtins};
    use crate::domain::segment::PersonType;
    use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
    use serde_json::json;

    fn search(backend: Backend) -> ContactSearch {
        let attribute = |name: &str, data_type| DataAttribute {
            id: Some(1),
            name: name.to_owned(),
            custom: true,
            data_type,
            ..builtins(Model::Contact).remove(0)
        };
        ContactSearch {
            backend,
            workspace_id: 1,
            attributes: vec![attribute("plan", DataType::String), attribute("seats", DataType::Integer)],
            segments: vec![SavedSegment {
                public_id: "seg".into(),
                name: "Pro".into(),
                person_type: PersonType::User,
                model: SegmentModel::Contact,
                query: json!({"field": "custom_attributes.plan", "operator": "=", "value": "pro"}),
                created_at: 0,
                updated_at: 0,
            }],
        }
    }

    /// The WHERE clause of a search, for (PostgreSQL, SQLite).
    fn sql(query: Json) -> (String, String) {
        let render = |backend| {
            let (_, cond) = search(backend).filter(&query).expect("compiles");
            let stmt = Query::select().column(Contacts::Id).from(Contacts::Table).cond_where(cond).take();
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
                r#""contacts"."custom_attributes" @> jsonb_build_object('plan', 'pro'::text)"#,
                r#"json_extract("contacts"."custom_attributes", '$."plan"') = 'pro'"#,
            ),
            (
                json!({"field": "custom_attributes.seats", "operator": ">", "value": 3}),
                r#"(CASE WHEN jsonb_typeof("contacts"."custom_attributes" -> 'seats') = 'number' THEN ("contacts"."custom_attributes" ->> 'seats')::bigint END) > 3"#,
                r#"json_extract("contacts"."custom_attributes", '$."seats"') > 3"#,
            ),
            (
                json!({"field": "tag_id", "operator": "!=", "value": "7"}),
                r#""contacts"."id" NOT IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = 7)"#,
                r#""contacts"."id" NOT IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = 7)"#,
            ),
            (
                json!({"field": "segment_id", "operator": "!=", "value": "seg"}),
                r#""contacts"."id" NOT IN (SELECT "contacts"."id" FROM "contacts" WHERE "contacts"."workspace_id" = 1 AND ("contacts"."role" = 'user' AND ("contacts"."custom_attributes" @> jsonb_build_object('plan', 'pro'::text))))"#,
                r#""contacts"."id" NOT IN (SELECT "contacts"."id" FROM "contacts" WHERE "contacts"."workspace_id" = 1 AND ("contacts"."role" = 'user' AND json_extract("contacts"."custom_attributes", '$."plan"') = 'pro'))"#,
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
    fn segments_do_not_nest() {
        let s = search(Backend::Sqlite);
        let nested = SavedSegment {
            query: json!({"field": "segment_id", "operator": "=", "value": "seg"}),
            ..s.segments[0].clone()
        };
        assert!(s.segment_condition(&nested).is_err());
    }
}
