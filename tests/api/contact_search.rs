//! `POST /contacts/search`: every operator on every field type, nesting, limits, errors,
//! pagination; answers compared with the fixture's known members.

use sea_query::Value;
use serde_json::{Value as Json, json};
use switchboard::domain::segment::PersonType;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{attribute, contact, segment, set_columns, tag, tag_contact};

/// 2020-01-01T00:00Z and the day after.
const JAN_1: i64 = 1_577_836_800;
const DAY: i64 = 86_400;

/// Four contacts with known values; returns their ids by name and the ids of tags and
/// segments the cases use, keyed by name.
struct Fixture {
    app: TestApp,
    ids: Vec<(&'static str, String)>,
    refs: Vec<(&'static str, String)>,
}

impl Fixture {
    async fn new(app: TestApp) -> Fixture {
        for (name, ty) in [
            ("plan", "string"),
            ("seats", "integer"),
            ("spend", "float"),
            ("paid", "boolean"),
            ("renews_at", "date"),
        ] {
            attribute(&app, name, ty).await;
        }
        let admin: i64 = app.workspace.admin_id.parse().unwrap();
        let ann = contact(
            &app,
            json!({"email": "ann@acme.test", "name": "Ann Smith", "phone": "+15550001", "external_id": "e-ann",
                   "owner_id": admin, "unsubscribed_from_emails": true, "signed_up_at": JAN_1 + 9 * 3600,
                   "custom_attributes": {"plan": "pro", "seats": 5, "spend": 10.5, "paid": true, "renews_at": JAN_1 + 31 * DAY}}),
        )
        .await;
        let bob = contact(
            &app,
            json!({"email": "Bob@Example.com", "name": "Bob 50%_off",
                   "custom_attributes": {"plan": "free", "seats": 1, "paid": false}}),
        )
        .await;
        let cat = contact(&app, json!({"role": "lead", "name": "Cat", "phone": "+15550002"})).await;
        let dan = contact(
            &app,
            json!({"email": "dan@acme.test", "last_seen_at": JAN_1 + 2 * DAY, "custom_attributes": {"seats": 20, "spend": 3.0}}),
        )
        .await;
        let id = |c: &Json| c["id"].as_str().unwrap().to_owned();
        let ids = vec![("ann", id(&ann)), ("bob", id(&bob)), ("cat", id(&cat)), ("dan", id(&dan))];
        let text = |s: &str| Value::from(s.to_owned());
        set_columns(
            &app,
            &ids[0].1,
            vec![
                ("created_at", Value::from(JAN_1 + 3600)),
                ("location_country", text("Ireland")),
                ("location_city", text("Dublin")),
                ("browser", text("Chrome")),
                ("ios_device", text("iPhone")),
            ],
        )
        .await;
        set_columns(
            &app,
            &ids[1].1,
            vec![
                ("created_at", Value::from(JAN_1 + DAY + 100)),
                ("location_country", text("France")),
                ("browser", text("Firefox")),
            ],
        )
        .await;
        set_columns(&app, &ids[2].1, vec![("created_at", Value::from(JAN_1 + 2 * DAY))]).await;
        set_columns(
            &app,
            &ids[3].1,
            vec![("created_at", Value::from(JAN_1 - 100)), ("marked_email_as_spam", Value::from(true))],
        )
        .await;
        let vip = tag(&app, "vip").await;
        let other = tag(&app, "other").await;
        tag_contact(&app, &ids[0].1, &vip).await;
        tag_contact(&app, &ids[2].1, &vip).await;
        tag_contact(&app, &ids[2].1, &other).await;
        let acme = segment(
            &app,
            "Acme users",
            PersonType::User,
            json!({"field": "email", "operator": "$", "value": "@acme.test"}),
        )
        .await;
        let leads = segment(
            &app,
            "Leads",
            PersonType::Contact,
            json!({"field": "role", "operator": "=", "value": "lead"}),
        )
        .await;
        let refs = vec![
            ("vip", vip),
            ("other", other),
            ("acme", acme),
            ("leads", leads),
            ("admin", admin.to_string()),
        ];
        Fixture { app, ids, refs }
    }

    /// Replaces `#name` strings in the query with fixture ids (tags, segments, contacts).
    fn resolve(&self, value: Json) -> Json {
        match value {
            Json::String(s) if s.starts_with('#') => {
                let key = &s[1..];
                let found = self.refs.iter().chain(self.ids.iter()).find(|(k, _)| *k == key);
                Json::String(found.map(|(_, v)| v.clone()).unwrap_or(s))
            }
            Json::Array(items) => Json::Array(items.into_iter().map(|v| self.resolve(v)).collect()),
            Json::Object(map) => Json::Object(map.into_iter().map(|(k, v)| (k, self.resolve(v))).collect()),
            other => other,
        }
    }

    /// The names of the contacts a query finds, in the order returned.
    async fn search(&self, query: Json) -> Vec<&'static str> {
        let (status, body) =
            self.app.post("/contacts/search", json!({"query": self.resolve(query.clone())})).await;
        assert_eq!(status, 200, "{query}: {body}");
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                self.ids
                    .iter()
                    .find(|(_, id)| c["id"] == **id)
                    .map(|(name, _)| *name)
                    .expect("a fixture contact")
            })
            .collect()
    }
}

fn filter(field: &str, operator: &str, value: Json) -> Json {
    json!({"field": field, "operator": operator, "value": value})
}

backend_test!(every_operator_on_every_field_type);
async fn every_operator_on_every_field_type(app: TestApp) {
    let fx = Fixture::new(app).await;
    let cases: Vec<(Json, &str)> = vec![
        // strings
        (filter("name", "=", json!("Ann Smith")), "ann"),
        (filter("name", "=", json!("ann smith")), ""),
        (filter("name", "!=", json!("Ann Smith")), "bob cat dan"),
        (filter("name", "IN", json!(["Cat", "Bob 50%_off"])), "bob cat"),
        (filter("name", "NIN", json!(["Cat"])), "ann bob dan"),
        (filter("name", "~", json!("SMI")), "ann"),
        (filter("name", "!~", json!("a")), "bob dan"),
        (filter("name", "^", json!("an")), "ann"),
        (filter("name", "$", json!("OFF")), "bob"),
        (filter("name", "~", json!("50%_")), "bob"),
        (filter("name", "~", json!("%")), "bob"),
        (filter("name", "~", json!("o_o")), ""),
        (filter("name", "=", Json::Null), "dan"),
        (filter("name", "!=", Json::Null), "ann bob cat"),
        (filter("email", "=", json!("BOB@example.com")), "bob"),
        (filter("email", "IN", json!(["ANN@acme.test", "dan@ACME.test"])), "ann dan"),
        (filter("email", "~", json!("@acme")), "ann dan"),
        (filter("email", "$", json!(".TEST")), "ann dan"),
        (filter("email", "^", json!("bob@")), "bob"),
        (filter("email", "!~", json!("acme")), "bob cat"),
        (filter("email", "=", Json::Null), "cat"),
        (filter("email_domain", "=", json!("EXAMPLE.com")), "bob"),
        (filter("phone", "^", json!("+1555")), "ann cat"),
        (filter("phone", "~", json!("0002")), "cat"),
        (filter("phone", "$", json!("01")), "ann"),
        (filter("role", "=", json!("lead")), "cat"),
        (filter("role", "!=", json!("lead")), "ann bob dan"),
        (filter("id", "=", json!("#bob")), "bob"),
        (filter("id", "IN", json!(["#bob", "#cat"])), "bob cat"),
        (filter("external_id", "=", json!("e-ann")), "ann"),
        (filter("location.country", "=", json!("Ireland")), "ann"),
        (filter("location.country", "NIN", json!(["Ireland"])), "bob cat dan"),
        (filter("location.city", "~", json!("dub")), "ann"),
        (filter("browser", "=", json!("Firefox")), "bob"),
        (filter("ios_device", "=", json!("iPhone")), "ann"),
        (filter("ios_app_device", "=", json!("iPhone")), "ann"),
        // integers
        (filter("owner_id", "=", json!("#admin")), "ann"),
        (filter("owner_id", ">", json!(0)), "ann"),
        (filter("owner_id", "<", json!(0)), ""),
        (filter("owner_id", "NIN", json!(["#admin"])), "bob cat dan"),
        // booleans
        (filter("unsubscribed_from_emails", "=", json!(true)), "ann"),
        (filter("unsubscribed_from_emails", "=", json!("false")), "bob cat dan"),
        (filter("unsubscribed_from_emails", "!=", json!(true)), "bob cat dan"),
        (filter("unsubscribed_from_emails", "IN", json!([true])), "ann"),
        (filter("marked_email_as_spam", "=", json!(true)), "dan"),
        (filter("has_hard_bounced", "NIN", json!([true])), "ann bob cat dan"),
        // dates, by calendar day: "> 9:00 on Jan 1" means from Jan 2.
        (filter("created_at", "=", json!(JAN_1)), "ann"),
        (filter("created_at", "=", json!((JAN_1 + 12 * 3600).to_string())), "ann"),
        (filter("created_at", ">", json!(JAN_1 + 9 * 3600)), "bob cat"),
        (filter("created_at", "<", json!(JAN_1 + DAY)), "ann dan"),
        (filter("created_at", "<", json!(JAN_1)), "dan"),
        (filter("signed_up_at", "=", json!(JAN_1)), "ann"),
        (filter("last_seen_at", ">", json!(JAN_1)), "dan"),
        (filter("last_seen_at", "=", Json::Null), "ann bob cat"),
        // tags and segments
        (filter("tag_id", "=", json!("#vip")), "ann cat"),
        (filter("tag_id", "!=", json!("#vip")), "bob dan"),
        (filter("tag_id", "=", json!(999_999)), ""),
        (filter("tag_id", "!=", json!("#other")), "ann bob dan"),
        (filter("segment_id", "=", json!("#acme")), "ann dan"),
        (filter("segment_id", "!=", json!("#acme")), "bob cat"),
        (filter("segment_id", "IN", json!(["#acme", "#leads"])), "ann cat dan"),
        (filter("segment_id", "NIN", json!(["#acme", "#leads"])), "bob"),
        (filter("segment_id", "=", json!("000000000000000000000000")), ""),
        // custom attributes, by their type
        (filter("custom_attributes.plan", "=", json!("pro")), "ann"),
        (filter("custom_attributes.plan", "!=", json!("pro")), "bob cat dan"),
        (filter("custom_attributes.plan", "IN", json!(["pro", "free"])), "ann bob"),
        (filter("custom_attributes.plan", "~", json!("R")), "ann bob"),
        (filter("custom_attributes.plan", "^", json!("fr")), "bob"),
        (filter("custom_attributes.plan", "=", Json::Null), "cat dan"),
        (filter("custom_attributes.seats", ">", json!(4)), "ann dan"),
        (filter("custom_attributes.seats", "<", json!("5")), "bob"),
        (filter("custom_attributes.seats", ">=", json!(5)), "ann dan"),
        (filter("custom_attributes.seats", "<=", json!(5)), "ann bob"),
        (filter("custom_attributes.seats", "=", json!(1)), "bob"),
        (filter("custom_attributes.seats", "!=", json!(5)), "bob cat dan"),
        (filter("custom_attributes.seats", "IN", json!([1, 20])), "bob dan"),
        (filter("custom_attributes.spend", ">", json!(5)), "ann"),
        (filter("custom_attributes.spend", "=", json!(3)), "dan"),
        (filter("custom_attributes.spend", "<=", json!(3.5)), "dan"),
        (filter("custom_attributes.paid", "=", json!(true)), "ann"),
        (filter("custom_attributes.paid", "=", json!(false)), "bob"),
        (filter("custom_attributes.paid", "!=", json!(true)), "bob cat dan"),
        (filter("custom_attributes.renews_at", "=", json!(JAN_1 + 31 * DAY + 5000)), "ann"),
        (filter("custom_attributes.renews_at", ">", json!(JAN_1 + 30 * DAY)), "ann"),
        (filter("custom_attributes.renews_at", "<", json!(JAN_1 + 31 * DAY)), ""),
        // nesting: (1 OR 2) AND (3 OR 4)
        (
            json!({"operator": "AND", "value": [
                {"operator": "OR", "value": [filter("email", "~", json!("acme")), filter("role", "=", json!("lead"))]},
                {"operator": "OR", "value": [filter("custom_attributes.seats", ">", json!(10)), filter("tag_id", "=", json!("#vip"))]}]}),
            "ann cat dan",
        ),
        (json!({"operator": "or", "value": [filter("name", "=", json!("Cat"))]}), "cat"),
        (
            json!({"operator": "AND", "value": [filter("role", "=", json!("user")), filter("email", "!=", Json::Null)]}),
            "ann bob dan",
        ),
    ];
    for (query, expected) in cases {
        let expected: Vec<&str> = expected.split_whitespace().collect();
        assert_eq!(fx.search(query.clone()).await, expected, "{query}");
    }
}

backend_test!(queries_a_field_cannot_take_are_refused);
async fn queries_a_field_cannot_take_are_refused(app: TestApp) {
    let fx = Fixture::new(app).await;
    let deep = json!({"operator": "AND", "value": [{"operator": "OR", "value": [{"operator": "AND", "value": [filter("name", "=", json!("x"))]}]}]});
    let wide = json!({"operator": "OR", "value": (0..16).map(|i| filter("name", "=", json!(i.to_string()))).collect::<Vec<_>>()});
    let cases = [
        (filter("favourite_colour", "=", json!("red")), "parameter_invalid"),
        (filter("custom_attributes.unknown", "=", json!("x")), "parameter_invalid"),
        (filter("name", ">", json!("a")), "parameter_invalid"),
        (filter("owner_id", "~", json!(1)), "parameter_invalid"),
        (filter("created_at", "!=", json!(JAN_1)), "parameter_invalid"),
        (filter("created_at", ">=", json!(JAN_1)), "parameter_invalid"),
        (filter("created_at", "IN", json!([JAN_1])), "parameter_invalid"),
        (filter("created_at", "=", json!("foorbar")), "parameter_invalid"),
        (filter("custom_attributes.seats", "=", json!("many")), "parameter_invalid"),
        (filter("custom_attributes.paid", "=", json!(3)), "parameter_invalid"),
        (filter("custom_attributes.renews_at", "<=", json!(JAN_1)), "parameter_invalid"),
        (filter("tag_id", "IN", json!(["1"])), "parameter_invalid"),
        (filter("segment_id", "~", json!("a")), "parameter_invalid"),
        (filter("name", "IN", json!("Cat")), "parameter_invalid"),
        (filter("name", "=", json!(["Cat"])), "parameter_invalid"),
        (filter("unsubscribed_from_emails", "=", json!("yes")), "parameter_invalid"),
        (json!({"field": "name", "operator": "="}), "parameter_invalid"),
        (json!({"operator": "XOR", "value": [filter("name", "=", json!("x"))]}), "invalid_operator"),
        (json!({"operator": "AND", "value": []}), "parameter_invalid"),
        (json!("name = Cat"), "parameter_invalid"),
        (deep, "parameter_invalid"),
        (wide, "parameter_invalid"),
    ];
    for (query, code) in cases {
        let (status, error) = fx.app.post("/contacts/search", json!({"query": query.clone()})).await;
        assert_error(status, &error, 400, code);
        assert!(error["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{query}: {error}");
    }
    let (status, error) = fx.app.post("/contacts/search", json!({"pagination": {"per_page": 5}})).await;
    let error = assert_error(status, &error, 400, "parameter_not_found");
    assert_eq!(error["field"], "query");
    for pagination in [
        json!({"per_page": 151}),
        json!({"per_page": 0}),
        json!({"per_page": "ten"}),
        json!({"per_page": 5, "starting_after": "x"}),
    ] {
        let body = json!({"query": filter("name", "!=", Json::Null), "pagination": pagination});
        let (status, error) = fx.app.post("/contacts/search", body).await;
        assert_error(status, &error, 400, "parameter_invalid");
    }
    // The documented limits themselves are fine: two levels, fifteen filters.
    let fifteen = json!({"operator": "AND", "value": [
        {"operator": "OR", "value": (0..15).map(|i| filter("name", "=", json!(i.to_string()))).collect::<Vec<_>>()}]});
    assert_eq!(fx.search(fifteen).await, Vec::<&str>::new());
}

backend_test!(search_pages_with_cursors);
async fn search_pages_with_cursors(app: TestApp) {
    let fx = Fixture::new(app).await;
    let query = filter("name", "!=", json!("nobody"));
    let (_, first) =
        fx.app.post("/contacts/search", json!({"query": query, "pagination": {"per_page": 3}})).await;
    assert_eq!(first["type"], "list");
    assert_eq!(first["total_count"], 4);
    assert_eq!(first["pages"]["per_page"], 3);
    assert_eq!(first["pages"]["total_pages"], 2);
    assert_eq!(first["data"].as_array().unwrap().len(), 3);
    let cursor = first["pages"]["next"]["starting_after"].as_str().unwrap();
    let body = json!({"query": query, "pagination": {"per_page": 3, "starting_after": cursor}});
    let (_, second) = fx.app.post("/contacts/search", body).await;
    assert_eq!(second["pages"]["page"], 2);
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second["data"][0]["id"], fx.ids[3].1);
    assert!(second["pages"].get("next").is_none());
    let (_, all) = fx.app.post("/contacts/search", json!({"query": query})).await;
    assert_eq!(all["pages"]["per_page"], 50, "the documented default");

    // Consistent at once: a new contact is found by the very next search.
    contact(&fx.app, json!({"email": "new@acme.test"})).await;
    let (_, found) =
        fx.app.post("/contacts/search", json!({"query": filter("email", "=", json!("new@acme.test"))})).await;
    assert_eq!(found["total_count"], 1);
}

backend_test!(search_sees_only_its_workspace);
async fn search_sees_only_its_workspace(app: TestApp) {
    let fx = Fixture::new(app).await;
    let other = fx.app.other_workspace().await;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/contacts/search")
        .header("authorization", format!("Bearer {}", other.access_token))
        .body(axum::body::Body::from(json!({"query": filter("email", "~", json!("acme"))}).to_string()))
        .unwrap();
    let (status, _, body) = fx.app.send(request).await;
    assert_eq!(status, 200);
    assert_eq!(body["total_count"], 0);
    // Its custom attributes are its own too.
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/contacts/search")
        .header("authorization", format!("Bearer {}", other.access_token))
        .body(axum::body::Body::from(
            json!({"query": filter("custom_attributes.plan", "=", json!("pro"))}).to_string(),
        ))
        .unwrap();
    let (status, _, body) = fx.app.send(request).await;
    assert_error(status, &body, 400, "parameter_invalid");
}
