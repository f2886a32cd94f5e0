//! Company segments: computed from their saved query over the company fields, like contact
//! segments, and shown on companies, by `GET /companies/{id}/segments` and as a filter.

use serde_json::{Value, json};
use switchboard::domain::segment::PersonType;

use crate::common::{TestApp, assert_error, backend_test};
use crate::company_fixtures::{attach, company, user};
use crate::contact_fixtures::{segment, workspace_id};

async fn company_segment(app: &TestApp, name: &str, query: Value) -> String {
    let ws = workspace_id(app).await;
    app.store.create_company_segment(ws, name, &query).await.unwrap().id
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect()
}

backend_test!(company_segments_are_computed_from_their_query);
async fn company_segments_are_computed_from_their_query(app: TestApp) {
    let (status, body) = app
        .post("/data_attributes", json!({"name": "seats", "model": "company", "data_type": "integer"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (a, b) = (user(&app, "a@x.test").await, user(&app, "b@x.test").await);
    let big = company(
        &app,
        json!({"company_id": "big", "name": "Big Co", "plan": "Pro", "custom_attributes": {"seats": 50}}),
    )
    .await;
    let small = company(
        &app,
        json!({"company_id": "small", "name": "Small", "plan": "Free", "custom_attributes": {"seats": 2}}),
    )
    .await;
    let (big, small) = (big["id"].as_str().unwrap().to_owned(), small["id"].as_str().unwrap().to_owned());
    attach(&app, &a, &big).await;
    attach(&app, &b, &big).await;
    attach(&app, &a, &small).await;

    let pro =
        company_segment(&app, "Pro plans", json!({"field": "plan", "operator": "=", "value": "Pro"})).await;
    let many = company_segment(
        &app,
        "Many seats, several users",
        json!({"operator": "AND", "value": [
            {"field": "custom_attributes.seats", "operator": ">", "value": 10},
            {"field": "user_count", "operator": ">", "value": 1}]}),
    )
    .await;
    let named =
        company_segment(&app, "Named S", json!({"field": "name", "operator": "^", "value": "s"})).await;
    let people = segment(
        &app,
        "Users at x.test",
        PersonType::User,
        json!({"field": "email", "operator": "$", "value": "@x.test"}),
    )
    .await;

    let (status, segs) = app.get(&format!("/companies/{big}/segments")).await;
    assert_eq!(status, 200, "{segs}");
    assert_eq!(segs["type"], "list");
    assert_eq!(names(&segs["data"]), ["Pro plans", "Many seats, several users"]);
    assert_eq!(segs["data"][0]["type"], "segment");
    assert_eq!(segs["data"][0]["id"], json!(pro));
    assert_eq!(segs["data"][0]["person_type"], "user");
    let (_, segs) = app.get(&format!("/companies/{small}/segments")).await;
    assert_eq!(names(&segs["data"]), ["Named S"], "prefix match without case");
    let (_, got) = app.get(&format!("/companies/{big}")).await;
    assert_eq!(got["segments"]["type"], "segment.list");
    assert_eq!(names(&got["segments"]["segments"]), ["Pro plans", "Many seats, several users"]);

    // Membership follows the data: a detached user takes "big" out of `many`.
    app.delete(&format!("/contacts/{b}/companies/{big}")).await;
    let (_, segs) = app.get(&format!("/companies/{big}/segments")).await;
    assert_eq!(names(&segs["data"]), ["Pro plans"]);

    // As a filter of GET /companies, and in the segment counts.
    let (_, listed) = app.get(&format!("/companies?segment_id={named}")).await;
    assert_eq!(
        (listed["total_count"].as_i64(), listed["data"][0]["id"].as_str()),
        (Some(1), Some(small.as_str()))
    );
    let (_, listed) = app.get(&format!("/companies?segment_id={people}")).await;
    assert_eq!(listed["total_count"], 2, "a contact segment filters companies by their contacts");
    let (_, all) = app.get("/segments?include_count=true").await;
    let count = |id: &str| {
        all["segments"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()["count"].clone()
    };
    assert_eq!(
        (count(&pro), count(&many), count(&named), count(&people)),
        (json!(1), json!(0), json!(1), json!(2))
    );
    let (_, one) = app.get(&format!("/segments/{pro}?include_count=true")).await;
    assert_eq!(one["count"], 1);

    // Company segments have no contacts.
    let (_, contact_segs) = app.get(&format!("/contacts/{a}/segments")).await;
    assert_eq!(names(&contact_segs["data"]), ["Users at x.test"]);
    let (_, found) = app
        .post("/contacts/search", json!({"query": {"field": "segment_id", "operator": "=", "value": pro}}))
        .await;
    assert_eq!(found["total_count"], 0);
}

backend_test!(company_segment_queries_are_checked);
async fn company_segment_queries_are_checked(app: TestApp) {
    let ws = workspace_id(&app).await;
    for bad in [
        json!({"field": "email", "operator": "=", "value": "x"}),
        json!({"field": "custom_attributes.nope", "operator": "=", "value": 1}),
        json!({"field": "segment_id", "operator": "=", "value": "x"}),
        json!({"field": "size", "operator": "~", "value": "1"}),
    ] {
        assert!(app.store.create_company_segment(ws, "bad", &bad).await.is_err(), "{bad}");
    }
    let tagged =
        company_segment(&app, "Tagged", json!({"field": "tag_id", "operator": "!=", "value": "1"})).await;
    let c = company(&app, json!({"company_id": "c"})).await;
    let (_, segs) = app.get(&format!("/companies/{}/segments", c["id"].as_str().unwrap())).await;
    assert_eq!(segs["data"][0]["id"], json!(tagged));

    // A company attribute that a company segment filters on cannot be archived.
    let (_, attr) = app
        .post("/data_attributes", json!({"name": "tier", "model": "company", "data_type": "string"}))
        .await;
    company_segment(
        &app,
        "Gold tier",
        json!({"field": "custom_attributes.tier", "operator": "=", "value": "gold"}),
    )
    .await;
    let (status, body) =
        app.put(&format!("/data_attributes/{}", attr["id"]), json!({"archived": true})).await;
    assert_error(status, &body, 422, "data_invalid");
    let (status, body) = app.get("/companies/nope/segments").await;
    assert_error(status, &body, 404, "company_not_found");
}
