//! Companies: create or update, retrieve, update, delete, the lists, attaching contacts,
//! tagging, and their errors.

use serde_json::{Value, json};

use crate::common::{TestApp, assert_error, backend_test};
use crate::company_fixtures::{attach, company, listed_company, user};
use crate::contact_fixtures::contact;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

backend_test!(a_new_company_has_every_field_of_the_object);
async fn a_new_company_has_every_field_of_the_object(app: TestApp) {
    let c = company(
        &app,
        json!({
            "company_id": "acme-1", "name": "Acme", "plan": "Enterprise", "size": "100",
            "website": "https://acme.test", "industry": "Manufacturing",
            "remote_created_at": 1394531169, "monthly_spend": 155.98
        }),
    )
    .await;
    let id = id(&c);
    assert_eq!(id.len(), 24);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(c["type"], "company");
    assert_eq!(c["company_id"], "acme-1");
    assert_eq!(c["app_id"], app.workspace.workspace_id);
    assert_eq!(c["name"], "Acme");
    assert_eq!(c["plan"]["type"], "plan");
    assert_eq!(c["plan"]["name"], "Enterprise");
    assert!(c["plan"]["id"].as_str().is_some_and(|p| p.parse::<i64>().is_ok()), "{c}");
    assert_eq!(c["size"], 100);
    assert_eq!(c["website"], "https://acme.test");
    assert_eq!(c["industry"], "Manufacturing");
    assert_eq!(c["remote_created_at"], 1394531169);
    assert_eq!(c["monthly_spend"], 155, "floats are truncated");
    assert_eq!(c["session_count"], 0);
    assert_eq!(c["user_count"], 0);
    assert_eq!(c["last_request_at"], Value::Null);
    assert!(c["created_at"].is_i64());
    assert_eq!(c["created_at"], c["updated_at"]);
    assert_eq!(c["tags"], json!({"type": "tag.list", "tags": []}));
    assert_eq!(c["segments"], json!({"type": "segment.list", "segments": []}));
    assert_eq!(c["custom_attributes"], json!({}));

    // A second company on the same plan shows the same plan id; no plan is `{}`.
    let other = company(&app, json!({"company_id": "acme-2", "plan": "Enterprise"})).await;
    assert_eq!(other["plan"], c["plan"]);
    let bare = company(&app, json!({"company_id": 3})).await;
    assert_eq!(bare["company_id"], "3", "numeric company_ids are strings");
    assert_eq!(bare["plan"], json!({}));
    assert_eq!(bare["name"], Value::Null);
    assert_eq!(bare["monthly_spend"], 0);
}

backend_test!(post_updates_the_company_with_the_same_company_id);
async fn post_updates_the_company_with_the_same_company_id(app: TestApp) {
    let first =
        company(&app, json!({"company_id": "c-1", "name": "Old", "industry": "Retail", "size": 5})).await;
    let second =
        company(&app, json!({"company_id": "c-1", "name": "New", "size": null, "plan": "Pro"})).await;
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["name"], "New");
    assert_eq!(second["industry"], "Retail", "absent fields are left alone");
    assert_eq!(second["size"], Value::Null, "null clears");
    assert_eq!(second["plan"]["name"], "Pro");
    assert_eq!(second["created_at"], first["created_at"]);
    let (_, found) = app.get(&format!("/companies/{}", id(&first))).await;
    assert_eq!(found, second);
    let (_, list) = app.get("/companies?company_id=c-1").await;
    assert_eq!(list["id"], first["id"]);
}

backend_test!(bad_company_writes_are_refused);
async fn bad_company_writes_are_refused(app: TestApp) {
    let (status, body) = app.post("/companies", json!({"test": "invalid"})).await;
    let err = assert_error(status, &body, 400, "bad_request");
    assert_eq!(err["message"], "bad 'test' parameter");
    let (status, body) = app.post("/companies", json!({"name": "No id"})).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) =
        app.post("/companies", json!({"company_id": "x", "monthly_spend": 2147483648i64})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.post("/companies", json!({"company_id": "x", "size": "many"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.post("/companies", json!({"company_id": "x", "name": 7})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.call(axum::http::Method::POST, "/companies", None).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) = app.get("/companies?company_id=x").await;
    assert_error(status, &body, 404, "company_not_found");
}

backend_test!(custom_attributes_are_checked_against_company_data_attributes);
async fn custom_attributes_are_checked_against_company_data_attributes(app: TestApp) {
    for (name, model, ty) in
        [("seats", "company", "integer"), ("paid", "company", "boolean"), ("mood", "contact", "string")]
    {
        let (status, body) =
            app.post("/data_attributes", json!({"name": name, "model": model, "data_type": ty})).await;
        assert_eq!(status, 200, "{body}");
    }
    let c = company(&app, json!({"company_id": "c", "custom_attributes": {"seats": 9, "paid": true}})).await;
    assert_eq!(c["custom_attributes"], json!({"seats": 9, "paid": true}));
    for bad in [json!({"seats": "nine"}), json!({"nope": 1}), json!({"mood": "happy"})] {
        let (status, body) =
            app.post("/companies", json!({"company_id": "c", "custom_attributes": bad})).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
    let (status, body) =
        app.put(&format!("/companies/{}", id(&c)), json!({"custom_attributes": {"paid": null}})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["custom_attributes"], json!({"seats": 9}), "null removes, the rest stays");
}

backend_test!(retrieve_update_and_delete_by_id);
async fn retrieve_update_and_delete_by_id(app: TestApp) {
    let c = company(&app, json!({"company_id": "c-1", "name": "Acme"})).await;
    let cid = id(&c);
    let u = user(&app, "a@acme.test").await;
    attach(&app, &u, &cid).await;

    let (status, body) =
        app.put(&format!("/companies/{cid}"), json!({"name": "Acme Inc", "website": "w"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["name"].as_str(), body["website"].as_str()), (Some("Acme Inc"), Some("w")));
    assert_eq!(body["user_count"], 1);
    let (status, body) = app.put(&format!("/companies/{cid}"), json!({"company_id": "c-1", "size": 3})).await;
    assert_eq!((status.as_u16(), &body["size"]), (200, &json!(3)), "an unchanged company_id is fine");
    let (status, body) = app.put(&format!("/companies/{cid}"), json!({"company_id": "c-2"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.put(&format!("/companies/{cid}"), json!({"bogus": 1})).await;
    assert_error(status, &body, 400, "bad_request");
    let (status, body) = app.call(axum::http::Method::PUT, &format!("/companies/{cid}"), None).await;
    assert_eq!(status, 200, "an empty update: {body}");

    let other = app.other_workspace().await;
    let (status, body) = app.get_as(&other.access_token, &format!("/companies/{cid}")).await;
    assert_error(status, &body, 404, "company_not_found");
    for (status, body) in [
        app.get("/companies/000000000000000000000000").await,
        app.put("/companies/nope", json!({"name": "x"})).await,
        app.delete("/companies/nope").await,
        app.get("/companies/nope/contacts").await,
        app.get("/companies/nope/segments").await,
    ] {
        let err = assert_error(status, &body, 404, "company_not_found");
        assert_eq!(err["message"], "Company Not Found");
    }

    let (status, deleted) = app.delete(&format!("/companies/{cid}")).await;
    assert_eq!(status, 200);
    assert_eq!(deleted, json!({"id": cid, "object": "company", "deleted": true}));
    let (status, body) = app.get(&format!("/companies/{cid}")).await;
    assert_error(status, &body, 404, "company_not_found");
    let (status, contact) = app.get(&format!("/contacts/{u}")).await;
    assert_eq!(status, 200, "the contact stays");
    assert_eq!(contact["companies"]["total_count"], 0, "and is detached");
    let again = company(&app, json!({"company_id": "c-1"})).await;
    assert_eq!(again["id"], json!(cid), "created again, the archived company comes back");
}

backend_test!(attaching_and_detaching_contacts);
async fn attaching_and_detaching_contacts(app: TestApp) {
    let c = id(&company(&app, json!({"company_id": "c-1", "name": "Acme"})).await);
    let (a, b) = (user(&app, "a@acme.test").await, user(&app, "b@acme.test").await);

    let (_, list) = app.post("/companies/list", json!({})).await;
    assert_eq!(list["total_count"], 0, "a company without contacts is not listed");
    let attached = attach(&app, &a, &c).await;
    assert_eq!((attached["id"].as_str(), &attached["user_count"]), (Some(c.as_str()), &json!(1)));
    assert_eq!(attach(&app, &a, &c).await["user_count"], 1, "attaching again changes nothing");
    assert_eq!(attach(&app, &b, &c).await["user_count"], 2);
    let (_, list) = app.post("/companies/list", json!({})).await;
    assert_eq!((list["total_count"].as_i64(), list["data"][0]["user_count"].as_i64()), (Some(1), Some(2)));

    let (status, contacts) = app.get(&format!("/companies/{c}/contacts")).await;
    assert_eq!(status, 200);
    assert_eq!(contacts["type"], "list");
    assert_eq!(contacts["total_count"], 2);
    assert_eq!(contacts["data"][0]["id"], json!(a));
    assert_eq!(contacts["data"][0]["type"], "contact");
    assert_eq!(contacts["pages"]["type"], "pages");
    let (_, first) = app.get(&format!("/companies/{c}/contacts?per_page=1")).await;
    assert_eq!(first["data"][0]["id"], json!(a));
    let after = first["pages"]["next"]["starting_after"].as_str().unwrap();
    let (_, second) = app.get(&format!("/companies/{c}/contacts?per_page=1&starting_after={after}")).await;
    assert_eq!(
        (second["data"][0]["id"].as_str(), second["pages"]["page"].as_i64()),
        (Some(b.as_str()), Some(2))
    );
    assert!(second["pages"].get("next").is_none());
    let (_, contact) = app.get(&format!("/contacts/{a}")).await;
    assert_eq!(contact["companies"]["data"][0]["id"], json!(c));

    let (status, detached) = app.delete(&format!("/contacts/{a}/companies/{c}")).await;
    assert_eq!((status.as_u16(), &detached["user_count"]), (200, &json!(1)));
    let (status, body) = app.delete(&format!("/contacts/{a}/companies/{c}")).await;
    assert_error(status, &body, 404, "company_not_found");
    app.delete(&format!("/contacts/{b}/companies/{c}")).await;
    let (_, list) = app.post("/companies/list", json!({})).await;
    assert_eq!(list["total_count"], 0, "listing follows detaching at once");

    // Errors, as the spec gives them.
    let (status, body) = app.post(&format!("/contacts/{a}/companies"), json!({})).await;
    let err = assert_error(status, &body, 400, "parameter_not_found");
    assert_eq!(err["message"], "company not specified");
    let (status, body) = app.post(&format!("/contacts/{a}/companies"), json!({"id": "123"})).await;
    assert_error(status, &body, 404, "company_not_found");
    let (status, body) = app.post("/contacts/nobody/companies", json!({"id": c})).await;
    let err = assert_error(status, &body, 404, "not_found");
    assert_eq!(err["message"], "User Not Found");
    let (status, body) = app.delete(&format!("/contacts/nobody/companies/{c}")).await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.delete(&format!("/contacts/{a}/companies/nope")).await;
    assert_error(status, &body, 404, "company_not_found");
    let other = app.other_workspace().await;
    let (status, body) = app.get_as(&other.access_token, &format!("/companies/{c}/contacts")).await;
    assert_error(status, &body, 404, "company_not_found");
}

backend_test!(a_contact_has_at_most_1000_companies);
async fn a_contact_has_at_most_1000_companies(app: TestApp) {
    let ws = crate::contact_fixtures::workspace_id(&app).await;
    let u = user(&app, "busy@acme.test").await;
    let ids = crate::company_fixtures::bulk_companies(&app, ws, "held", 1000, Some(&u)).await;
    let extra = id(&company(&app, json!({"company_id": "one-more"})).await);
    let (status, body) = app.post(&format!("/contacts/{u}/companies"), json!({"id": extra})).await;
    let err = assert_error(status, &body, 400, "contact_company_limit_exceeded");
    assert_eq!(err["message"], "Contact has reached the maximum of 1000 company associations");
    assert_eq!(attach(&app, &u, &ids[0]).await["user_count"], 1, "re-attaching one it has is fine");
}

backend_test!(lists_are_ordered_by_last_request_at);
async fn lists_are_ordered_by_last_request_at(app: TestApp) {
    let seen = |email: &str, at: i64| json!({"email": email, "last_seen_at": at});
    let old = id(&contact(&app, seen("old@x.test", 1_600_000_000)).await);
    let new = id(&contact(&app, seen("new@x.test", 1_700_000_000)).await);
    let never = user(&app, "never@x.test").await;
    let a = listed_company(&app, "a", &old).await;
    let b = listed_company(&app, "b", &new).await;
    let c = listed_company(&app, "c", &never).await;
    company(&app, json!({"company_id": "unlisted"})).await;

    let (_, got) = app.get(&format!("/companies/{a}")).await;
    assert_eq!(got["last_request_at"], 1_600_000_000, "a company's requests are its contacts'");
    let ids = |list: &Value| list["data"].as_array().unwrap().iter().map(id).collect::<Vec<_>>();
    let (status, desc) = app.post("/companies/list", json!({})).await;
    assert_eq!(status, 200, "{desc}");
    assert_eq!(ids(&desc), [b.clone(), a.clone(), c.clone()], "most recent first, never last");
    assert_eq!(desc["total_count"], 3);
    assert_eq!(desc["pages"], json!({"type": "pages", "page": 1, "per_page": 15, "total_pages": 1}));
    let (_, asc) = app.post("/companies/list?order=asc", json!({})).await;
    assert_eq!(ids(&asc), [c.clone(), a.clone(), b.clone()]);

    // A contact seen later moves its companies up.
    let (status, _) = app.put(&format!("/contacts/{old}"), json!({"last_seen_at": 1_800_000_000})).await;
    assert_eq!(status, 200);
    let (_, desc) = app.post("/companies/list", json!({})).await;
    assert_eq!(ids(&desc), [a.clone(), b.clone(), c.clone()]);

    // Page numbers: the SDKs ask for page+1 until a page is empty.
    let (_, first) = app.post("/companies/list?per_page=2", json!({})).await;
    assert_eq!(first["pages"]["total_pages"], 2);
    assert_eq!(first["pages"]["next"], json!({"page": 2, "per_page": 2}));
    let (_, second) = app.post("/companies/list?per_page=2&page=2", json!({})).await;
    assert_eq!(ids(&second), [c]);
    assert!(second["pages"].get("next").is_none());
    let (_, past) = app.post("/companies/list?per_page=2&page=3", json!({})).await;
    assert_eq!(past["data"], json!([]));

    for bad in ["per_page=0", "per_page=61", "page=0", "order=sideways", "per_page=x"] {
        let (status, body) = app.post(&format!("/companies/list?{bad}"), json!({})).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
    let other = app.other_workspace().await;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/companies/list")
        .header("authorization", format!("Bearer {}", other.access_token))
        .body(axum::body::Body::empty())
        .unwrap();
    let (_, _, list) = app.send(request).await;
    assert_eq!(list["total_count"], 0, "another workspace sees none of them");
}

backend_test!(get_companies_finds_one_or_filters_by_tag_and_segment);
async fn get_companies_finds_one_or_filters_by_tag_and_segment(app: TestApp) {
    let u = user(&app, "u@x.test").await;
    let a = listed_company(&app, "a", &u).await;
    let b = listed_company(&app, "b", &u).await;
    let lonely = id(&company(&app, json!({"company_id": "lonely", "name": "Lonely"})).await);

    // One company by company_id or name, listed or not.
    let (status, one) = app.get("/companies?name=Lonely").await;
    assert_eq!((status.as_u16(), one["id"].as_str()), (200, Some(lonely.as_str())));
    assert_eq!(one["type"], "company");
    let (_, one) = app.get("/companies?company_id=a").await;
    assert_eq!(one["id"], json!(a));
    let (status, body) = app.get("/companies?name=Nobody").await;
    assert_error(status, &body, 404, "company_not_found");

    // The list: listed companies only.
    let (status, all) = app.get("/companies").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!((all["type"].as_str(), all["total_count"].as_i64()), (Some("list"), Some(2)));
    assert_eq!(all["pages"]["per_page"], 15);

    let (status, tag) = app.post("/tags", json!({"name": "Gold", "companies": [{"id": b}]})).await;
    assert_eq!(status, 200, "{tag}");
    let tag_id = tag["id"].as_str().unwrap();
    let (_, tagged) = app.get(&format!("/companies?tag_id={tag_id}")).await;
    assert_eq!(tagged["total_count"], 1);
    assert_eq!(tagged["data"][0]["id"], json!(b));
    assert_eq!(tagged["data"][0]["tags"]["tags"][0]["name"], "Gold");
    let (_, none) = app.get("/companies?tag_id=999999").await;
    assert_eq!((none["total_count"].as_i64(), &none["data"]), (Some(0), &json!([])));
    let (_, none) = app.get("/companies?segment_id=unknown").await;
    assert_eq!(none["total_count"], 0);
    let (_, paged) = app.get(&format!("/companies?tag_id={tag_id}&per_page=1&page=2")).await;
    assert_eq!(paged["data"], json!([]));
    let (status, body) = app.get("/companies?per_page=100").await;
    assert_error(status, &body, 400, "parameter_invalid");
}

backend_test!(tagging_and_untagging_companies);
async fn tagging_and_untagging_companies(app: TestApp) {
    let a = id(&company(&app, json!({"company_id": "a"})).await);
    company(&app, json!({"company_id": "b"})).await;

    let (status, tag) = app
        .post("/tags", json!({"name": "Independent", "companies": [{"id": a}, {"company_id": "b"}]}))
        .await;
    assert_eq!(status, 200, "{tag}");
    assert_eq!((tag["type"].as_str(), tag["name"].as_str()), (Some("tag"), Some("Independent")));
    let (_, got) = app.get(&format!("/companies/{a}")).await;
    assert_eq!(got["tags"]["tags"][0]["id"], tag["id"]);
    let (_, b) = app.get("/companies?company_id=b").await;
    assert_eq!(b["tags"]["tags"][0]["name"], "Independent");

    let (status, untagged) =
        app.post("/tags", json!({"name": "Independent", "companies": [{"id": a, "untag": true}]})).await;
    assert_eq!((status.as_u16(), &untagged["id"]), (200, &tag["id"]));
    let (_, got) = app.get(&format!("/companies/{a}")).await;
    assert_eq!(got["tags"]["tags"], json!([]));
    let (_, b) = app.get("/companies?company_id=b").await;
    assert_eq!(b["tags"]["tags"].as_array().unwrap().len(), 1, "only the named company is untagged");

    let (status, body) = app.post("/tags", json!({"name": "X", "companies": [{"id": "nope"}]})).await;
    assert_error(status, &body, 404, "company_not_found");
    let (status, body) = app
        .post("/tags", json!({"name": "X", "companies": [{"company_id": "b"}, {"company_id": "nope"}]}))
        .await;
    assert_error(status, &body, 404, "company_not_found");
    let (_, b) = app.get("/companies?company_id=b").await;
    assert_eq!(b["tags"]["tags"].as_array().unwrap().len(), 1, "nothing is written when one is unknown");
}

backend_test!(update_last_request_at_sets_it_to_now);
async fn update_last_request_at_sets_it_to_now(app: TestApp) {
    let created = company(&app, json!({"company_id": "seen", "update_last_request_at": true})).await;
    let seen = created["last_request_at"].as_i64().unwrap();
    assert!((seen - created["created_at"].as_i64().unwrap()).abs() <= 1, "{created}");
    let untouched = company(&app, json!({"company_id": "unseen"})).await;
    assert!(!untouched["last_request_at"].is_i64() || untouched["last_request_at"] == 0, "{untouched}");
    let (status, body) =
        app.post("/companies", json!({"company_id": "x", "update_last_request_at": "now"})).await;
    assert_eq!(status, 400, "{body}");
}
