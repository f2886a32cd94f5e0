use super::*;
use crate::domain::segment::{PersonType, SavedSegment, SegmentModel};
use serde_json::{Value as Json, json};

/// The documented fields of `resource` plus a few custom attributes.
fn catalog(resource: Resource) -> Catalog {
    let attributes = [
        ("plan", FieldType::String),
        ("seats", FieldType::Integer),
        ("mrr", FieldType::Float),
        ("trial_ends", FieldType::Date),
        ("vip", FieldType::Boolean),
    ];
    Catalog {
        attributes: attributes.into_iter().map(|(name, ty)| (name.to_owned(), ty)).collect(),
        ..Catalog::new(resource)
    }
}

fn contacts(query: Json) -> Result<Query, SearchError> {
    catalog(Resource::Contacts).parse_and_validate(&query)
}

fn conversations(query: Json) -> Result<Query, SearchError> {
    catalog(Resource::Conversations).parse_and_validate(&query)
}

fn filter(field: &str, op: &str, value: Json) -> Json {
    json!({"field": field, "operator": op, "value": value})
}

fn predicate(q: Result<Query, SearchError>) -> Predicate {
    match q.expect("valid") {
        Query::Filter(f) => f.predicate,
        other => panic!("not a filter: {other:?}"),
    }
}

#[track_caller]
fn assert_err(q: Result<Query, SearchError>, code: &str, needles: &[&str]) -> SearchError {
    let err = q.expect_err("should be rejected");
    assert_eq!(err.code, code, "{err:?}");
    for needle in needles {
        assert!(err.message.contains(needle), "{:?} does not mention {needle:?}", err.message);
    }
    err
}

fn group(op: &str, items: Vec<Json>) -> Json {
    json!({"operator": op, "value": items})
}

// ---- parsing ---------------------------------------------------------------------------------

#[test]
fn parses_single_filter_and_groups() {
    let q = parse(&filter("email", "=", json!("a@x.io"))).unwrap();
    assert_eq!(
        q,
        RawQuery::Filter(RawFilter {
            field: "email".into(),
            operator: Operator::Eq,
            value: Literal::String("a@x.io".into())
        })
    );
    let q = parse(&group("and", vec![filter("name", "in", json!(["a", 1]))])).unwrap();
    let RawQuery::Group(g) = q else { panic!() };
    assert_eq!(g.operator, GroupOp::And);
    assert_eq!(
        g.items[0],
        RawQuery::Filter(RawFilter {
            field: "name".into(),
            operator: Operator::In,
            value: Literal::List(vec![Literal::String("a".into()), Literal::Number(1.into())]),
        })
    );
}

#[test]
fn every_operator_parses() {
    for op in Operator::ALL {
        assert_eq!(Operator::parse(op.as_str()), Some(op));
    }
    assert_eq!(Operator::parse("=="), None);
}

#[test]
fn two_levels_of_groups_is_the_limit() {
    // The documented example: (1 OR 2) AND (3 OR 4).
    let f = || filter("name", "=", json!("x"));
    let ok = group("AND", vec![group("OR", vec![f(), f()]), group("OR", vec![f(), f()])]);
    assert!(contacts(ok).is_ok());
    let too_deep = group("AND", vec![group("OR", vec![group("AND", vec![f()])])]);
    assert_err(contacts(too_deep), PARAMETER_INVALID, &["query.value[0].value[0]", "2 nested"]);
}

#[test]
fn fifteen_filters_per_group_is_the_limit() {
    let f = |i: i64| filter("owner_id", "=", json!(i));
    assert!(contacts(group("OR", (0..15).map(f).collect())).is_ok());
    assert_err(contacts(group("OR", (0..16).map(f).collect())), PARAMETER_INVALID, &["16 filters", "15"]);
    // Also in a nested group.
    let nested = group("AND", vec![f(0), group("OR", (0..16).map(f).collect())]);
    assert_err(contacts(nested), PARAMETER_INVALID, &["query.value[1]", "15"]);
    assert_eq!(
        parse_with_limits(&group("OR", (0..16).map(f).collect()), Limits { max_depth: 2, max_group_len: 20 })
            .map(|_| ()),
        Ok(())
    );
}

#[test]
fn empty_group_is_rejected() {
    assert_err(contacts(group("AND", vec![])), PARAMETER_INVALID, &["at least one"]);
}

#[test]
fn group_operator_must_be_and_or() {
    let err = assert_err(
        contacts(group("XOR", vec![filter("name", "=", json!("x"))])),
        INVALID_OPERATOR,
        &["Composite operators must be of type AND or OR", "XOR"],
    );
    assert_eq!(err.field, None);
}

#[test]
fn malformed_shapes_are_rejected() {
    assert_err(contacts(json!("email")), PARAMETER_INVALID, &["query must be an object"]);
    assert_err(
        contacts(json!({"field": "email", "value": "x"})),
        PARAMETER_INVALID,
        &["operator is required"],
    );
    assert_err(
        contacts(json!({"field": 3, "operator": "=", "value": "x"})),
        PARAMETER_INVALID,
        &["field must be a string"],
    );
    assert_err(contacts(json!({"operator": "=", "value": "x"})), PARAMETER_INVALID, &["field is required"]);
    assert_err(contacts(json!({"operator": "AND", "value": "x"})), PARAMETER_INVALID, &["must be an array"]);
    assert_err(contacts(json!({"operator": "AND"})), PARAMETER_INVALID, &["must be an array"]);
    let err = assert_err(
        contacts(json!({"field": "email", "operator": "="})),
        PARAMETER_INVALID,
        &["value is required"],
    );
    assert_eq!(err.field.as_deref(), Some("email"));
    let err =
        assert_err(contacts(filter("email", "==", json!("x"))), PARAMETER_INVALID, &["'=='", "'email'"]);
    assert_eq!(err.field.as_deref(), Some("email"));
    assert_err(
        contacts(filter("email", "AND", json!("x"))),
        PARAMETER_INVALID,
        &["'AND'", "not a filter operator"],
    );
    assert_err(
        contacts(filter("email", "=", json!({"a": 1}))),
        PARAMETER_INVALID,
        &["must be a string, number"],
    );
    assert_err(
        contacts(filter("email", "IN", json!([["a"]]))),
        PARAMETER_INVALID,
        &["must be a string, number"],
    );
}

// ---- fields and operators --------------------------------------------------------------------

#[test]
fn unknown_fields_are_rejected() {
    let err = assert_err(contacts(filter("shoe_size", "=", json!(1))), PARAMETER_INVALID, &["'shoe_size'"]);
    assert_eq!(err.field.as_deref(), Some("shoe_size"));
    assert_err(
        contacts(filter("custom_attributes.nope", "=", json!(1))),
        PARAMETER_INVALID,
        &["custom_attributes.nope"],
    );
    // A conversation field is not a contact field, and the other way round.
    assert_err(contacts(filter("source.author.email", "=", json!("a"))), PARAMETER_INVALID, &[]);
    assert_err(conversations(filter("email", "=", json!("a"))), PARAMETER_INVALID, &[]);
}

#[test]
fn operators_not_allowed_for_the_type_are_rejected() {
    let cases: &[(&str, &[&str], Json)] = &[
        // String: no ordering.
        ("email", &["<", ">", "<=", ">="], json!("a")),
        // Integer: no text matching.
        ("owner_id", &["~", "!~", "^", "$"], json!(1)),
        ("custom_attributes.mrr", &["~", "^"], json!(1.5)),
        // Boolean: equality only.
        ("has_hard_bounced", &["<", ">", "<=", ">=", "~", "!~", "^", "$"], json!(true)),
        // Date (contacts): =, <, > only.
        ("created_at", &["!=", "<=", ">=", "~", "!~", "^", "$"], json!(1577836800)),
        ("custom_attributes.trial_ends", &["!=", ">="], json!(1577836800)),
        // tag_id: = and != only.
        ("tag_id", &["~", "!~", "^", "$"], json!("7")),
    ];
    for (field, ops, value) in cases {
        for op in *ops {
            let err = assert_err(contacts(filter(field, op, value.clone())), PARAMETER_INVALID, &[field, op]);
            assert_eq!(err.field.as_deref(), Some(*field));
        }
    }
    for (field, op) in [("created_at", "IN"), ("created_at", "NIN"), ("tag_id", "IN"), ("tag_id", "NIN")] {
        assert_err(
            contacts(filter(field, op, json!(["1"]))),
            PARAMETER_INVALID,
            &[field, op, "supported operators"],
        );
    }
    // The message lists what would work.
    assert_err(
        contacts(filter("email", ">", json!("a"))),
        PARAMETER_INVALID,
        &[
            "operator '>' is not supported for field 'email' of type string; supported operators: =, !=, IN, NIN, ~, !~, ^, $",
        ],
    );
}

#[test]
fn operators_allowed_for_the_type_are_accepted() {
    for op in ["=", "!=", "~", "!~", "^", "$"] {
        contacts(filter("email", op, json!("a"))).unwrap();
    }
    for op in ["=", "!=", "<", ">", "<=", ">="] {
        contacts(filter("owner_id", op, json!(1))).unwrap();
        conversations(filter("statistics.time_to_admin_reply", op, json!(60))).unwrap();
    }
    for op in ["=", "<", ">"] {
        contacts(filter("created_at", op, json!(1))).unwrap();
    }
    for op in ["=", "!="] {
        contacts(filter("tag_id", op, json!("7"))).unwrap();
        contacts(filter("unsubscribed_from_emails", op, json!(false))).unwrap();
    }
    for op in ["IN", "NIN"] {
        contacts(filter("segment_id", op, json!(["a"]))).unwrap();
        contacts(filter("owner_id", op, json!([1, "2"]))).unwrap();
    }
    // Conversations: dates take every comparison and the set operators.
    for op in ["=", "!=", "<", ">", "<=", ">="] {
        conversations(filter("updated_at", op, json!(1726674883))).unwrap();
    }
    conversations(filter("created_at", "IN", json!([1, 2]))).unwrap();
}

// ---- values ----------------------------------------------------------------------------------

#[test]
fn values_must_match_the_field_type() {
    // "as created_at accepts a date, the value cannot be a string such as "foorbar""
    assert_err(
        contacts(filter("created_at", ">", json!("foorbar"))),
        PARAMETER_INVALID,
        &["created_at", "UNIX timestamp", "\"foorbar\""],
    );
    assert_err(contacts(filter("created_at", "=", json!(1.5))), PARAMETER_INVALID, &["created_at"]);
    assert_err(
        contacts(filter("owner_id", "=", json!(true))),
        PARAMETER_INVALID,
        &["owner_id", "an integer"],
    );
    assert_err(contacts(filter("owner_id", "=", json!(1.25))), PARAMETER_INVALID, &["an integer"]);
    assert_err(contacts(filter("owner_id", "=", json!(u64::MAX))), PARAMETER_INVALID, &["an integer"]);
    assert_err(
        contacts(filter("has_hard_bounced", "=", json!("yes"))),
        PARAMETER_INVALID,
        &["true or false"],
    );
    assert_err(contacts(filter("has_hard_bounced", "=", json!(1))), PARAMETER_INVALID, &["true or false"]);
    assert_err(contacts(filter("email", "=", json!(false))), PARAMETER_INVALID, &["a string"]);
    assert_err(contacts(filter("email", "~", json!(true))), PARAMETER_INVALID, &["a string"]);
    assert_err(
        contacts(filter("custom_attributes.mrr", ">", json!("lots"))),
        PARAMETER_INVALID,
        &["a number"],
    );
    assert_err(contacts(filter("owner_id", "IN", json!([1, "x"]))), PARAMETER_INVALID, &["\"x\""]);
    assert_err(contacts(filter("owner_id", "IN", json!([1, null]))), PARAMETER_INVALID, &["null"]);
}

#[test]
fn lenient_but_typed_coercions() {
    // The spec's own example sends a date as a string.
    assert_eq!(
        predicate(conversations(filter("created_at", ">", json!("1306054154")))),
        Predicate::Ge(Scalar::Int(1306054154))
    );
    assert_eq!(predicate(contacts(filter("owner_id", "=", json!(5.0)))), Predicate::Eq(Scalar::Int(5)));
    assert_eq!(
        predicate(contacts(filter("external_id", "=", json!(123)))),
        Predicate::Eq(Scalar::Str("123".into()))
    );
    assert_eq!(
        predicate(contacts(filter("has_hard_bounced", "=", json!("TRUE")))),
        Predicate::Eq(Scalar::Bool(true))
    );
    assert_eq!(
        predicate(contacts(filter("custom_attributes.mrr", ">", json!("9.5")))),
        Predicate::Gt(Scalar::Float(9.5))
    );
    assert_eq!(
        predicate(conversations(filter("admin_assignee_id", "=", json!("991267715")))),
        Predicate::Eq(Scalar::Int(991267715))
    );
}

#[test]
fn arrays_only_with_in_and_nin() {
    assert_err(contacts(filter("email", "=", json!(["a"]))), PARAMETER_INVALID, &["'='", "not an array"]);
    assert_err(
        contacts(filter("email", "IN", json!("a"))),
        PARAMETER_INVALID,
        &["'IN'", "requires an array"],
    );
    assert_err(
        contacts(filter("email", "NIN", json!(null))),
        PARAMETER_INVALID,
        &["'NIN'", "requires an array"],
    );
    assert_eq!(
        predicate(contacts(filter("email", "NIN", json!(["a", "b"])))),
        Predicate::Nin(vec![Scalar::Str("a".into()), Scalar::Str("b".into())])
    );
    assert_eq!(predicate(contacts(filter("email", "IN", json!([])))), Predicate::In(vec![]));
}

#[test]
fn null_means_empty_with_equality_only() {
    assert_eq!(predicate(contacts(filter("email", "=", json!(null)))), Predicate::IsNull);
    assert_eq!(predicate(contacts(filter("email", "!=", json!(null)))), Predicate::IsNotNull);
    assert_eq!(predicate(contacts(filter("last_seen_at", "=", json!(null)))), Predicate::IsNull);
    for op in ["~", "^", ">"] {
        let field = if op == ">" { "owner_id" } else { "email" };
        assert_err(contacts(filter(field, op, json!(null))), PARAMETER_INVALID, &["does not accept null"]);
    }
}

// ---- dates -----------------------------------------------------------------------------------

const JAN_1_9AM: i64 = 1577869200; // 2020-01-01T09:00:00Z
const JAN_1: i64 = 1577836800; // 2020-01-01T00:00:00Z
const JAN_2: i64 = 1577923200; // 2020-01-02T00:00:00Z

#[test]
fn contact_dates_match_by_calendar_day() {
    // "> 1577869200 ... will be interpreted as 1577836800 ... results will then include
    // Contacts created from January 2nd, 2020 12:00 AM onwards."
    assert_eq!(
        predicate(contacts(filter("created_at", ">", json!(JAN_1_9AM)))),
        Predicate::Ge(Scalar::Int(JAN_2))
    );
    // "If you'd like to get contacts created on January 1st, 2020 you should search with a
    // created_at value equal (=) to 1577836800" -- any instant of that day works the same.
    let day = Predicate::Range { start: JAN_1, end: JAN_2 };
    assert_eq!(predicate(contacts(filter("created_at", "=", json!(JAN_1)))), day);
    assert_eq!(predicate(contacts(filter("created_at", "=", json!(JAN_1_9AM)))), day);
    // "`<` matches everything before the start of that day."
    assert_eq!(
        predicate(contacts(filter("created_at", "<", json!(JAN_1_9AM)))),
        Predicate::Lt(Scalar::Int(JAN_1))
    );
    // Date custom attributes too.
    assert_eq!(predicate(contacts(filter("custom_attributes.trial_ends", "=", json!(JAN_1_9AM)))), day);
}

#[test]
fn day_boundaries_follow_the_workspace_offset() {
    let mut catalog = catalog(Resource::Contacts);
    catalog.utc_offset = -5 * 3600; // 09:00Z on Jan 1st is 04:00 on Jan 1st at UTC-5
    let q = catalog.parse_and_validate(&filter("created_at", "=", json!(JAN_1_9AM))).unwrap();
    let Query::Filter(f) = q else { panic!() };
    assert_eq!(f.predicate, Predicate::Range { start: JAN_1 + 5 * 3600, end: JAN_2 + 5 * 3600 });
}

#[test]
fn day_bounds_arithmetic() {
    assert_eq!(utc_day_bounds(JAN_1_9AM), (JAN_1, JAN_2));
    assert_eq!(utc_day_bounds(JAN_1), (JAN_1, JAN_2));
    assert_eq!(utc_day_bounds(JAN_2 - 1), (JAN_1, JAN_2));
    assert_eq!(utc_day_bounds(-1), (-86400, 0));
    assert_eq!(offset_day_bounds(JAN_1 + 3600, 2 * 3600), (JAN_1 - 2 * 3600, JAN_2 - 2 * 3600));
    // No overflow at the extremes.
    let _ = utc_day_bounds(i64::MAX);
    let _ = utc_day_bounds(i64::MIN);
}

#[test]
fn conversation_dates_compare_to_the_second() {
    assert_eq!(
        predicate(conversations(filter("created_at", ">", json!(JAN_1_9AM)))),
        Predicate::Ge(Scalar::Int(JAN_1_9AM))
    );
    assert_eq!(
        predicate(conversations(filter("created_at", "=", json!(JAN_1_9AM)))),
        Predicate::Eq(Scalar::Int(JAN_1_9AM))
    );
    assert_eq!(
        predicate(conversations(filter("updated_at", ">=", json!(JAN_1)))),
        Predicate::Ge(Scalar::Int(JAN_1))
    );
}

// ---- the typed tree ----------------------------------------------------------------------

#[test]
fn typed_filter_carries_definition_and_canonical_name() {
    let Query::Filter(f) = contacts(filter("andoid_sdk_version", "^", json!("13"))).unwrap() else {
        panic!()
    };
    assert_eq!(f.field, Field::Standard("android_sdk_version"));
    assert_eq!(f.operator, Operator::StartsWith);
    assert_eq!(f.predicate, Predicate::StartsWith("13".into()));
    let Query::Filter(f) = contacts(filter("ios_app_device", "=", json!("iPhone"))).unwrap() else {
        panic!()
    };
    assert_eq!(f.field, Field::Standard("ios_device"));
    assert!(contacts(filter("segment_id", "~", json!("abc"))).is_err(), "segment ids are not text");
    let Query::Filter(f) = contacts(filter("email", "=", json!("A@X.io"))).unwrap() else { panic!() };
    assert!(f.def.case_insensitive);
    let Query::Filter(f) = conversations(filter("conversation_rating.admin_d", "=", json!("1"))).unwrap()
    else {
        panic!()
    };
    assert_eq!(f.field, Field::Standard("conversation_rating.admin_id"));
}

#[test]
fn groups_keep_their_shape() {
    let q = contacts(group(
        "OR",
        vec![
            filter("email", "$", json!("@x.io")),
            group("AND", vec![filter("owner_id", ">", json!(1)), filter("tag_id", "=", json!("t"))]),
        ],
    ))
    .unwrap();
    let Query::Group { operator: GroupOp::Or, items } = q else { panic!() };
    assert!(matches!(&items[1], Query::Group { operator: GroupOp::And, items } if items.len() == 2));
}

#[test]
fn search_request_body_deserializes() {
    let body: SearchRequest = serde_json::from_value(json!({
        "query": {"operator": "AND", "value": [{"field": "created_at", "operator": ">", "value": "1306054154"}]},
        "pagination": {"per_page": 5, "starting_after": "WzE3MjY3NTIxNDUwMDAsNSwyXQ=="}
    }))
    .unwrap();
    assert_eq!(body.pagination.as_ref().and_then(|p| p.per_page), Some(5));
    assert!(contacts(body.query).is_ok());
    let body: SearchRequest = serde_json::from_value(json!({"query": {}, "pagination": null})).unwrap();
    assert!(body.pagination.is_none());
}

#[test]
fn in_lists_are_bounded() {
    let values: Vec<i64> = (0..=MAX_LIST_LEN as i64).collect();
    assert!(contacts(filter("owner_id", "IN", json!(values))).is_err());
    assert!(contacts(filter("owner_id", "IN", json!(values[1..]))).is_ok());
}

// ---- fields every resource shares ------------------------------------------------------------

#[test]
fn custom_attributes_and_tags_are_typed_fields() {
    let Query::Filter(f) = contacts(filter("custom_attributes.seats", ">", json!("3"))).unwrap() else {
        panic!()
    };
    assert_eq!(f.field, Field::Custom("seats".into()));
    assert_eq!(f.def.ty, FieldType::Integer);
    assert_eq!(f.predicate, Predicate::Gt(Scalar::Int(3)));
    let Query::Filter(f) = contacts(filter("tag_id", "!=", json!(7))).unwrap() else { panic!() };
    assert_eq!(f.field, Field::Tag);
    assert_eq!(f.predicate, Predicate::Ne(Scalar::Str("7".into())));
    // Companies share both; conversations keep `tag_ids`, their own field.
    let companies = catalog(Resource::Companies);
    assert_eq!(companies.lookup("tag_id").map(|(field, _)| field), Some(Field::Tag));
    assert_eq!(
        companies.lookup("custom_attributes.vip").map(|(field, def)| (field, def.ty)),
        Some((Field::Custom("vip".into()), FieldType::Boolean))
    );
    assert_eq!(catalog(Resource::Conversations).lookup("tag_ids").unwrap().0, Field::Standard("tag_ids"));
    assert!(catalog(Resource::Conversations).lookup("tag_id").is_none());
    assert!(Catalog::new(Resource::Contacts).lookup("custom_attributes.plan").is_none());
}

#[test]
fn needs_follow_the_named_fields() {
    let needs = |q: Json| parse(&q).unwrap().needs();
    assert_eq!(needs(filter("email", "=", json!("a"))), Needs::default());
    assert_eq!(
        needs(group(
            "OR",
            vec![filter("email", "=", json!("a")), filter("custom_attributes.x", "=", json!(1))]
        )),
        Needs { attributes: true, segments: false }
    );
    assert_eq!(needs(filter("segment_id", "=", json!("s"))), Needs::ALL);
}

// ---- segments --------------------------------------------------------------------------------

fn saved(id: &str, model: SegmentModel, query: Json) -> SavedSegment {
    SavedSegment {
        public_id: id.into(),
        name: id.into(),
        person_type: PersonType::Contact,
        model,
        query,
        created_at: 0,
        updated_at: 0,
    }
}

fn with_segments(segments: Vec<SavedSegment>) -> Catalog {
    Catalog { segments, ..catalog(Resource::Contacts) }
}

#[test]
fn segment_ids_become_the_segments_queries() {
    let catalog = with_segments(vec![
        saved("pro", SegmentModel::Contact, filter("custom_attributes.plan", "=", json!("pro"))),
        saved("firms", SegmentModel::Company, filter("name", "=", json!("x"))),
    ]);
    let q =
        catalog.parse_and_validate(&filter("segment_id", "NIN", json!(["pro", "firms", "gone"]))).unwrap();
    let Query::Segments { negated: true, segments } = q else { panic!("{q:?}") };
    let Some(Membership { role, query }) = &segments[0] else { panic!() };
    assert_eq!(*role, Some(crate::domain::contact::Role::Lead));
    assert!(matches!(&**query, Query::Filter(Filter { field: Field::Custom(name), .. }) if name == "plan"));
    // A company segment has no contacts; an unknown id names no segment.
    assert_eq!(segments[1..], [None, None]);
    let q = catalog.parse_and_validate(&filter("segment_id", "=", json!("pro"))).unwrap();
    assert!(matches!(q, Query::Segments { negated: false, ref segments } if segments.len() == 1));
}

#[test]
fn segments_do_not_nest_and_take_ids() {
    let nested = saved("n", SegmentModel::Contact, filter("segment_id", "=", json!("n")));
    let catalog = with_segments(vec![nested.clone()]);
    let err = catalog.membership(&nested).unwrap_err();
    assert_eq!(
        (err.field.as_deref(), err.message.as_str()),
        (Some("segment_id"), "a segment's query cannot filter on segment_id")
    );
    assert!(catalog.parse_and_validate(&filter("segment_id", "=", json!("n"))).is_err());
    let err = catalog.parse_and_validate(&filter("segment_id", "=", json!(null))).unwrap_err();
    assert_eq!(err.message, "segment_id takes a segment id, not null");
    // The query's own mistakes come first.
    let both = group("AND", vec![filter("segment_id", "=", json!(null)), filter("nope", "=", json!(1))]);
    assert!(catalog.parse_and_validate(&both).unwrap_err().message.contains("'nope'"));
}

#[test]
fn company_segments_are_company_queries() {
    let firms = saved("firms", SegmentModel::Company, filter("size", ">", json!(10)));
    let Some(Membership { role: None, query }) = catalog(Resource::Companies).membership(&firms).unwrap()
    else {
        panic!()
    };
    assert!(matches!(*query, Query::Filter(Filter { field: Field::Standard("size"), .. })));
    let people = saved("people", SegmentModel::Contact, filter("email", "=", json!("a")));
    assert_eq!(catalog(Resource::Companies).membership(&people).unwrap(), None);
    let bad = saved("bad", SegmentModel::Company, filter("email", "=", json!("a")));
    assert!(catalog(Resource::Companies).membership(&bad).is_err());
}
