//! Golden SQL: a toy contacts schema, rendered for both backends.

use super::*;
use crate::domain::data_attribute::Model;
use crate::domain::search::{Catalog, Membership, Resource};
use sea_query::{Iden, PostgresQueryBuilder, Query as Select, SqliteQueryBuilder};
use serde_json::json;

#[derive(Iden, Clone, Copy)]
enum Contacts {
    Table,
    Id,
    WorkspaceId,
    Email,
    Name,
    CreatedAt,
    OwnerId,
    UnsubscribedFromEmails,
}

/// A toy contacts table; custom attributes and tags are the shared resolver's.
struct ToyResolver(Owner);

impl ToyResolver {
    fn new(backend: Backend) -> Self {
        let owner =
            Owner::new(backend, 1, Contacts::Table, Contacts::Id, Contacts::WorkspaceId, Model::Contact)
                .tagged_in("contact_tags", "contact_id");
        ToyResolver(owner)
    }
}

impl ColumnResolver for ToyResolver {
    fn owner(&self) -> &Owner {
        &self.0
    }

    fn resolve(&self, name: &'static str, _: &Filter) -> Result<Target, SearchError> {
        let col = |c: Contacts| Target::Column(Expr::col((Contacts::Table, c)));
        Ok(match name {
            "email" => col(Contacts::Email),
            "name" => col(Contacts::Name),
            "created_at" => col(Contacts::CreatedAt),
            "owner_id" => col(Contacts::OwnerId),
            "unsubscribed_from_emails" => col(Contacts::UnsubscribedFromEmails),
            "phone" => Target::Condition(Condition::all().add(Expr::cust("FALSE"))),
            other => return Err(SearchError::for_field(other, "no column")),
        })
    }
}

fn catalog() -> Catalog {
    Catalog {
        attributes: vec![("plan".into(), FieldType::String), ("seats".into(), FieldType::Integer)],
        ..Catalog::new(Resource::Contacts)
    }
}

fn render(q: &Query, backend: Backend) -> String {
    let cond = lower(q, &ToyResolver::new(backend)).expect("lowers");
    let stmt = Select::select().column(Contacts::Id).from(Contacts::Table).cond_where(cond).take();
    let s = match backend {
        Backend::Postgres => stmt.to_string(PostgresQueryBuilder),
        Backend::Sqlite => stmt.to_string(SqliteQueryBuilder),
    };
    s.split_once(" WHERE ").expect("has a WHERE").1.to_owned()
}

/// The WHERE clause of `SELECT id FROM contacts WHERE <query>` for (PostgreSQL, SQLite).
fn sql(query: serde_json::Value) -> (String, String) {
    let q = catalog().parse_and_validate(&query).expect("valid query");
    (render(&q, Backend::Postgres), render(&q, Backend::Sqlite))
}

/// (query, expected ids on the fixture of `scripts/db_check.py`, PostgreSQL WHERE, SQLite WHERE).
fn cases() -> Vec<(serde_json::Value, &'static str, &'static str, &'static str)> {
    vec![
        (
            json!({"field": "email", "operator": "=", "value": "ANN@x.io"}),
            "1",
            r#"LOWER("contacts"."email") = LOWER('ANN@x.io')"#,
            r#"LOWER("contacts"."email") = LOWER('ANN@x.io')"#,
        ),
        (
            // A contact without an email matches `!=`.
            json!({"field": "email", "operator": "!=", "value": "ann@x.io"}),
            "2,3,4",
            r#"LOWER("contacts"."email") <> LOWER('ann@x.io') OR "contacts"."email" IS NULL"#,
            r#"LOWER("contacts"."email") <> LOWER('ann@x.io') OR "contacts"."email" IS NULL"#,
        ),
        (
            json!({"field": "name", "operator": "NIN", "value": ["Ann", "ann"]}),
            "2,3,4",
            r#""contacts"."name" NOT IN ('Ann', 'ann') OR "contacts"."name" IS NULL"#,
            r#""contacts"."name" NOT IN ('Ann', 'ann') OR "contacts"."name" IS NULL"#,
        ),
        (json!({"field": "name", "operator": "IN", "value": []}), "", "1 = 2", "1 = 2"),
        (
            // `%`, `_`, `!` and a quote are literal text, not wildcards.
            json!({"field": "name", "operator": "~", "value": "50%_OFF!'"}),
            "4",
            r#"("contacts"."name") ILIKE E'%50!%!_OFF!!\'%' ESCAPE '!'"#,
            r#""contacts"."name" LIKE '%50!%!_OFF!!''%' ESCAPE '!'"#,
        ),
        (
            json!({"field": "name", "operator": "~", "value": "_"}),
            "2,4",
            r#"("contacts"."name") ILIKE '%!_%' ESCAPE '!'"#,
            r#""contacts"."name" LIKE '%!_%' ESCAPE '!'"#,
        ),
        (
            json!({"field": "name", "operator": "!~", "value": "b"}),
            "1,3,4",
            r#"(("contacts"."name") NOT ILIKE '%b%' ESCAPE '!') OR "contacts"."name" IS NULL"#,
            r#""contacts"."name" NOT LIKE '%b%' ESCAPE '!' OR "contacts"."name" IS NULL"#,
        ),
        (
            json!({"field": "email", "operator": "$", "value": "@X.IO"}),
            "1,4",
            r#"("contacts"."email") ILIKE '%@X.IO' ESCAPE '!'"#,
            r#""contacts"."email" LIKE '%@X.IO' ESCAPE '!'"#,
        ),
        (
            // The seed's example: > 2020-01-01T09:00Z means from 2020-01-02T00:00Z on.
            json!({"field": "created_at", "operator": ">", "value": 1577869200}),
            "2",
            r#""contacts"."created_at" >= 1577923200"#,
            r#""contacts"."created_at" >= 1577923200"#,
        ),
        (
            json!({"field": "created_at", "operator": "=", "value": "1577836800"}),
            "1,4",
            r#""contacts"."created_at" >= 1577836800 AND "contacts"."created_at" < 1577923200"#,
            r#""contacts"."created_at" >= 1577836800 AND "contacts"."created_at" < 1577923200"#,
        ),
        (
            json!({"field": "created_at", "operator": "<", "value": 1577869200}),
            "3",
            r#""contacts"."created_at" < 1577836800"#,
            r#""contacts"."created_at" < 1577836800"#,
        ),
        (
            json!({"field": "tag_id", "operator": "=", "value": "7"}),
            "1,3",
            r#""contacts"."id" IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = 7)"#,
            r#""contacts"."id" IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = 7)"#,
        ),
        (
            // Contact 4 has no tags at all: it does not carry tag 7.
            json!({"field": "tag_id", "operator": "!=", "value": "7"}),
            "2,4",
            r#""contacts"."id" NOT IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = 7)"#,
            r#""contacts"."id" NOT IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = 7)"#,
        ),
        (
            json!({"field": "custom_attributes.plan", "operator": "^", "value": "PRO_"}),
            "1",
            r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'plan' AND "custom_attribute_values"."text_value" IS NOT NULL AND (("custom_attribute_values"."text_value") ILIKE 'PRO!_%' ESCAPE '!'))"#,
            r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'plan' AND "custom_attribute_values"."text_value" IS NOT NULL AND "custom_attribute_values"."text_value" LIKE 'PRO!_%' ESCAPE '!')"#,
        ),
        (
            json!({"field": "custom_attributes.seats", "operator": ">", "value": "6"}),
            "2",
            r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'seats' AND "custom_attribute_values"."num_value" IS NOT NULL AND "custom_attribute_values"."num_value" > 6)"#,
            r#""contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = 1 AND "custom_attribute_values"."model" = 1 AND "custom_attribute_values"."name" = 'seats' AND "custom_attribute_values"."num_value" IS NOT NULL AND "custom_attribute_values"."num_value" > 6)"#,
        ),
        (
            json!({"field": "unsubscribed_from_emails", "operator": "=", "value": true}),
            "2",
            r#""contacts"."unsubscribed_from_emails" = TRUE"#,
            r#""contacts"."unsubscribed_from_emails" = TRUE"#,
        ),
        (
            json!({"field": "email", "operator": "=", "value": null}),
            "2",
            r#""contacts"."email" IS NULL"#,
            r#""contacts"."email" IS NULL"#,
        ),
        (
            // (1 OR 2) AND (3 OR 4)
            json!({"operator": "AND", "value": [
                {"operator": "OR", "value": [
                    {"field": "email", "operator": "$", "value": "@x.io"},
                    {"field": "tag_id", "operator": "=", "value": "8"}]},
                {"operator": "OR", "value": [
                    {"field": "owner_id", "operator": ">=", "value": 3},
                    {"field": "email", "operator": "=", "value": null}]}]}),
            "1,2",
            r#"((("contacts"."email") ILIKE '%@x.io' ESCAPE '!') OR "contacts"."id" IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = 8)) AND ("contacts"."owner_id" >= 3 OR "contacts"."email" IS NULL)"#,
            r#"("contacts"."email" LIKE '%@x.io' ESCAPE '!' OR "contacts"."id" IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = 8)) AND ("contacts"."owner_id" >= 3 OR "contacts"."email" IS NULL)"#,
        ),
        (
            json!({"operator": "OR", "value": [
                {"field": "name", "operator": "!=", "value": "Ann"},
                {"field": "owner_id", "operator": "NIN", "value": [1, 2]}]}),
            "1,2,3,4",
            r#""contacts"."name" <> 'Ann' OR "contacts"."name" IS NULL OR ("contacts"."owner_id" NOT IN (1, 2) OR "contacts"."owner_id" IS NULL)"#,
            r#""contacts"."name" <> 'Ann' OR "contacts"."name" IS NULL OR ("contacts"."owner_id" NOT IN (1, 2) OR "contacts"."owner_id" IS NULL)"#,
        ),
    ]
}

#[test]
fn golden_sql() {
    for (query, _, pg, lite) in cases() {
        let (got_pg, got_lite) = sql(query.clone());
        assert_eq!(got_pg, pg, "PostgreSQL, {query}");
        assert_eq!(got_lite, lite, "SQLite, {query}");
    }
}

#[test]
fn caller_built_condition_is_used_as_is() {
    let (pg, lite) = sql(json!({"field": "phone", "operator": "=", "value": "1"}));
    assert_eq!((pg.as_str(), lite.as_str()), ("FALSE", "FALSE"));
}

#[test]
fn segments_lower_to_their_queries() {
    let query = |negated, segments| Query::Segments { negated, segments };
    let members = |q: serde_json::Value| Membership {
        role: None,
        query: Box::new(catalog().parse_and_validate(&q).expect("valid")),
    };
    let pro = || Some(members(json!({"field": "owner_id", "operator": "=", "value": 3})));
    assert_eq!(render(&query(false, vec![None]), Backend::Sqlite), "1 = 0");
    assert_eq!(
        render(&query(false, vec![pro(), None]), Backend::Postgres),
        r#""contacts"."owner_id" = 3 OR (1 = 0)"#
    );
    assert_eq!(
        render(&query(true, vec![pro()]), Backend::Sqlite),
        r#""contacts"."id" NOT IN (SELECT "contacts"."id" FROM "contacts" WHERE "contacts"."workspace_id" = 1 AND "contacts"."owner_id" = 3)"#
    );
}

#[test]
fn user_text_is_bound_as_parameters() {
    let q = catalog()
        .parse_and_validate(&json!({"operator": "AND", "value": [
            {"field": "email", "operator": "=", "value": "a@x.io"},
            {"field": "custom_attributes.plan", "operator": "~", "value": "50%"},
            {"field": "tag_id", "operator": "!=", "value": "7"}]}))
        .unwrap();
    let build = |backend| {
        let cond = lower(&q, &ToyResolver::new(backend)).unwrap();
        let stmt = Select::select().column(Contacts::Id).from(Contacts::Table).cond_where(cond).take();
        match backend {
            Backend::Postgres => stmt.build(PostgresQueryBuilder),
            Backend::Sqlite => stmt.build(SqliteQueryBuilder),
        }
    };
    let (pg, values) = build(Backend::Postgres);
    assert_eq!(
        pg,
        r#"SELECT "id" FROM "contacts" WHERE LOWER("contacts"."email") = LOWER($1) AND "contacts"."id" IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = $2 AND "custom_attribute_values"."model" = $3 AND "custom_attribute_values"."name" = $4 AND "custom_attribute_values"."text_value" IS NOT NULL AND (("custom_attribute_values"."text_value") ILIKE $5 ESCAPE '!')) AND "contacts"."id" NOT IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = $6)"#
    );
    let values: Vec<_> = values.into_iter().map(|v| format!("{v:?}")).collect();
    assert_eq!(values[4], format!("{:?}", sea_query::Value::from("%50!%%")));
    let (lite, _) = build(Backend::Sqlite);
    assert_eq!(
        lite,
        r#"SELECT "id" FROM "contacts" WHERE LOWER("contacts"."email") = LOWER(?) AND (+"contacts"."id") IN (SELECT "custom_attribute_values"."object_id" FROM "custom_attribute_values" WHERE "custom_attribute_values"."workspace_id" = ? AND "custom_attribute_values"."model" = ? AND "custom_attribute_values"."name" = ? AND "custom_attribute_values"."text_value" IS NOT NULL AND "custom_attribute_values"."text_value" LIKE ? ESCAPE '!') AND "contacts"."id" NOT IN (SELECT "contact_tags"."contact_id" FROM "contact_tags" WHERE "contact_tags"."tag_id" = ?)"#
    );
}

#[test]
fn escape_like_escapes_wildcards_and_itself() {
    assert_eq!(escape_like("a%b_c!d"), "a!%b!_c!!d");
    assert_eq!(escape_like("plain"), "plain");
    // The PostgreSQL template hard-codes the escape character.
    assert_eq!(LIKE_ESCAPE, '!');
}

/// Writes the cases for `scripts/db_check.py` (run by hand against real databases).
#[test]
#[ignore]
fn dump_cases_for_db_check() {
    let mut out = String::new();
    for (query, expected, pg, lite) in cases() {
        out.push_str(&format!("{query}\t{expected}\t{pg}\t{lite}\n"));
    }
    let path = std::env::var("DB_CHECK_CASES").unwrap_or_else(|_| "target/db_check_cases.tsv".into());
    std::fs::write(path, out).unwrap();
}
