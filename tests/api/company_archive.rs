//! `DELETE /companies/{id}` archives the company: answered as deleted, its contacts detached
//! (and kept), and no read shows it again until its `company_id` is created again.

use serde_json::json;

use crate::common::{TestApp, assert_error, backend_test};
use crate::company_fixtures::{attach, listed_company, user};
use crate::contact_fixtures::tag;

backend_test!(a_deleted_company_is_archived_and_read_by_nothing);
async fn a_deleted_company_is_archived_and_read_by_nothing(app: TestApp) {
    let (ann, bob) = (user(&app, "ann@acme.test").await, user(&app, "bob@acme.test").await);
    let acme = listed_company(&app, "acme", &ann).await;
    attach(&app, &bob, &acme).await;
    let other = listed_company(&app, "other", &ann).await;
    let vip = tag(&app, "VIP").await;
    let (status, body) = app.post("/tags", json!({"name": "VIP", "companies": [{"id": acme}]})).await;
    assert_eq!(status, 200, "{body}");

    let (status, deleted) = app.delete(&format!("/companies/{acme}")).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted, json!({"id": acme, "object": "company", "deleted": true}));

    for path in [
        format!("/companies/{acme}"),
        "/companies?company_id=acme".to_owned(),
        "/companies?name=acme".to_owned(),
        format!("/companies/{acme}/contacts"),
        format!("/companies/{acme}/segments"),
    ] {
        let (status, body) = app.get(&path).await;
        assert_error(status, &body, 404, "company_not_found");
    }
    for (status, body) in [
        app.delete(&format!("/companies/{acme}")).await,
        app.put(&format!("/companies/{acme}"), json!({"name": "Acme 2"})).await,
        app.post(&format!("/contacts/{ann}/companies"), json!({"id": acme})).await,
        app.post("/tags", json!({"name": "VIP", "companies": [{"id": acme}]})).await,
    ] {
        assert_error(status, &body, 404, "company_not_found");
    }

    // The lists, the scroll and the tag filter show only the other company.
    let (_, list) = app.get("/companies").await;
    assert_eq!(list["total_count"], 1, "{list}");
    assert_eq!(list["data"][0]["id"], json!(other));
    let (_, scroll) = app.get("/companies/scroll").await;
    assert_eq!(scroll["data"].as_array().unwrap().len(), 1, "{scroll}");
    let (_, tagged) = app.get(&format!("/companies?tag_id={vip}")).await;
    assert_eq!(tagged["total_count"], 0, "{tagged}");

    // The contacts stay, detached from it only.
    for contact in [&ann, &bob] {
        let (status, found) = app.get(&format!("/contacts/{contact}")).await;
        assert_eq!(status, 200, "{found}");
        let (_, companies) = app.get(&format!("/contacts/{contact}/companies")).await;
        let ids: Vec<_> = companies["data"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
        let expected = if contact == &ann { vec![json!(other)] } else { vec![] };
        assert_eq!(ids, expected, "{companies}");
    }

    // Created again (as the description warns a sync does), the company comes back, without
    // the contacts it had.
    let (status, again) = app.post("/companies", json!({"company_id": "acme", "plan": "Pro"})).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (&again["id"], &again["user_count"], &again["plan"]["name"]),
        (&json!(acme), &json!(0), &json!("Pro"))
    );
    let (status, _) = app.get(&format!("/companies/{acme}")).await;
    assert_eq!(status, 200);
}
