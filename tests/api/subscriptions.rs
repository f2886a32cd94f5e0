//! Subscription types and contacts' opt-ins and opt-outs.

use serde_json::json;
use switchboard::domain::subscription::ConsentType;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{contact, subscription_type};

backend_test!(contacts_opt_in_and_out);
async fn contacts_opt_in_and_out(app: TestApp) {
    let newsletter = subscription_type(&app, "Newsletters", ConsentType::OptOut).await;
    let offers = subscription_type(&app, "Offers", ConsentType::OptIn).await;
    let (status, types) = app.get("/subscription_types").await;
    assert_eq!(status, 200);
    assert_eq!(types["type"], "list");
    assert_eq!(
        types["data"][0],
        json!({
            "type": "subscription", "id": newsletter, "state": "live", "consent_type": "opt_out",
            "default_translation": {"name": "Newsletters", "description": "About Newsletters", "locale": "en"},
            "translations": [{"name": "Newsletters", "description": "About Newsletters", "locale": "en"}],
            "content_types": ["email"]
        })
    );
    let c = contact(&app, json!({"email": "s@x.io"})).await["id"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&format!("/contacts/{c}/subscriptions")).await.1["data"], json!([]));

    let (status, out) = app
        .post(&format!("/contacts/{c}/subscriptions"), json!({"id": newsletter, "consent_type": "opt_out"}))
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["id"], newsletter);
    let (status, _) = app
        .post(
            &format!("/contacts/{c}/subscriptions"),
            json!({"id": offers.parse::<i64>().unwrap(), "consent_type": "opt_in"}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, list) = app.get(&format!("/contacts/{c}/subscriptions")).await;
    let ids: Vec<&str> = list["data"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [newsletter.as_str(), offers.as_str()]);
    let (_, contact) = app.get(&format!("/contacts/{c}")).await;
    assert_eq!(contact["opted_out_subscription_types"]["data"][0]["id"], newsletter);
    assert_eq!(contact["opted_in_subscription_types"]["data"][0]["id"], offers);
    assert_eq!(contact["opted_in_subscription_types"]["total_count"], 1);
    // Each summary holds its own kind only (on PostgreSQL one join reads both).
    assert_eq!(contact["opted_out_subscription_types"]["total_count"], 1);
    assert_eq!(contact["opted_out_subscription_types"]["data"].as_array().unwrap().len(), 1);
    assert_eq!(contact["opted_in_subscription_types"]["data"].as_array().unwrap().len(), 1);

    let (status, removed) = app.delete(&format!("/contacts/{c}/subscriptions/{newsletter}")).await;
    assert_eq!(status, 200);
    assert_eq!(removed["id"], newsletter);
    let (_, contact) = app.get(&format!("/contacts/{c}")).await;
    assert_eq!(contact["opted_out_subscription_types"]["total_count"], 0);
}

backend_test!(subscription_errors);
async fn subscription_errors(app: TestApp) {
    let newsletter = subscription_type(&app, "Newsletters", ConsentType::OptOut).await;
    let c = contact(&app, json!({"email": "s@x.io"})).await["id"].as_str().unwrap().to_owned();
    let path = format!("/contacts/{c}/subscriptions");
    for (body, status_code, code) in [
        (json!({"id": "invalid_id", "consent_type": "opt_in"}), 404, "not_found"),
        (json!({"id": "999999", "consent_type": "opt_out"}), 404, "not_found"),
        (json!({"id": newsletter, "consent_type": "opt_in"}), 400, "parameter_invalid"),
        (json!({"id": newsletter, "consent_type": "maybe"}), 400, "parameter_invalid"),
        (json!({"id": newsletter}), 400, "parameter_not_found"),
    ] {
        let (status, error) = app.post(&path, body).await;
        assert_error(status, &error, status_code, code);
    }
    let (status, error) =
        app.post("/contacts/123/subscriptions", json!({"id": newsletter, "consent_type": "opt_out"})).await;
    let error = assert_error(status, &error, 404, "not_found");
    assert_eq!(error["message"], "User Not Found");
    let (status, error) = app.delete(&format!("{path}/999999")).await;
    let error = assert_error(status, &error, 404, "not_found");
    assert_eq!(error["message"], "Resource Not Found");
    assert_eq!(app.get(&path).await.1["data"], json!([]));
    let other = app.other_workspace().await;
    assert_eq!(app.get_as(&other.access_token, "/subscription_types").await.1["data"], json!([]));
}
