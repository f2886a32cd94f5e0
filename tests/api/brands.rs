//! Brands and sender addresses exist from 2.15: tested at 2.16.

use serde_json::{Value, json};
use switchboard::domain::brand::{NewBrand, NewEmailSetting};

use crate::common::{TestApp, assert_error, backend_test};

async fn workspace_id(app: &TestApp) -> i64 {
    app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap().id
}

fn address(email: &str, brand: Option<&str>) -> NewEmailSetting {
    NewEmailSetting {
        email: email.into(),
        brand: brand.map(str::to_owned),
        verified: true,
        forwarding_enabled: false,
        brand_default: false,
    }
}

backend_test!(every_workspace_has_a_default_brand_and_the_operator_adds_others);
async fn every_workspace_has_a_default_brand_and_the_operator_adds_others(app: TestApp) {
    let app = app.at_version("2.16");
    let (status, list) = app.get("/brands").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["type"], "list");
    let brands = list["data"].as_array().unwrap();
    assert_eq!(brands.len(), 1);
    let default = &brands[0];
    assert_eq!(default["type"], "brand");
    assert_eq!(default["id"], app.workspace.workspace_id, "the default brand's id is the workspace's");
    assert_eq!(default["name"], "Test Workspace");
    assert_eq!(default["is_default"], true);
    assert!(default["created_at"].is_i64() && default["updated_at"].is_i64());
    let (_, centers) = app.get("/help_center/help_centers").await;
    assert_eq!(default["help_center_id"], centers["data"][0]["id"], "the default help center");
    assert!(default.get("default_address_settings_id").is_none(), "no sender address yet: {default}");
    let (_, again) = app.get("/brands").await;
    assert_eq!(again, list, "made once");

    let ws = workspace_id(&app).await;
    let premium = NewBrand { name: "Premium Brand".into(), help_center_id: None };
    let created = app.store.create_brand(ws, &premium).await.unwrap();
    assert!(app.store.create_brand(ws, &premium).await.is_err(), "names are unique");
    assert!(app.store.create_brand(ws, &NewBrand { name: " ".into(), help_center_id: None }).await.is_err());
    let elsewhere = NewBrand { name: "Elsewhere".into(), help_center_id: Some(999_999) };
    assert!(app.store.create_brand(ws, &elsewhere).await.is_err(), "the help center must be the workspace's");

    let (_, list) = app.get("/brands").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    assert_eq!(list["data"][0]["is_default"], true, "the default first");
    let brand = &list["data"][1];
    assert_eq!(brand["id"], created.id);
    assert_eq!(brand["name"], "Premium Brand");
    assert_eq!(brand["is_default"], false);
    assert!(brand.get("help_center_id").is_none());

    let (status, found) = app.get(&format!("/brands/{}", created.id)).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(&found, brand);
    let (status, found) = app.get(&format!("/brands/{}", app.workspace.workspace_id)).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found, list["data"][0]);

    let other = app.other_workspace().await;
    for path in
        ["/brands/999999".to_owned(), "/brands/abc".to_owned(), format!("/brands/{}", other.workspace_id)]
    {
        let (status, body) = app.get(&path).await;
        let error = assert_error(status, &body, 404, "not_found");
        assert_eq!(error["message"], "Brand not found");
    }
    let (status, body) = app.get_as(&other.access_token, &format!("/brands/{}", created.id)).await;
    assert_error(status, &body, 404, "not_found");
    let (_, theirs) = app.get_as(&other.access_token, "/brands").await;
    assert_eq!(theirs["data"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["data"][0]["id"], other.workspace_id);
}

backend_test!(sender_addresses_are_listed_and_retrieved_with_their_brands);
async fn sender_addresses_are_listed_and_retrieved_with_their_brands(app: TestApp) {
    let app = app.at_version("2.16");
    let (status, empty) = app.get("/emails").await;
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty, json!({"type": "list", "data": []}));

    let ws = workspace_id(&app).await;
    let support = app.store.create_email(ws, &address("support@Company.com", None)).await.unwrap();
    let premium =
        app.store.create_brand(ws, &NewBrand { name: "Premium".into(), help_center_id: None }).await.unwrap();
    let mut hello = address("hello@premium.example", Some(&premium.id));
    hello.verified = false;
    hello.forwarding_enabled = true;
    let hello = app.store.create_email(ws, &hello).await.unwrap();
    let mut vip = address("vip@premium.example", Some(&premium.id));
    vip.brand_default = true;
    let vip = app.store.create_email(ws, &vip).await.unwrap();

    assert!(app.store.create_email(ws, &address("Support@company.com", None)).await.is_err(), "unique");
    assert!(app.store.create_email(ws, &address("not an address", None)).await.is_err());
    assert!(app.store.create_email(ws, &address("x@company.com", Some("999999"))).await.is_err());

    let (status, list) = app.get("/emails").await;
    assert_eq!(status, 200, "{list}");
    let data = list["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    let first = &data[0];
    assert_eq!(first["type"], "email_setting");
    assert_eq!(first["id"], support.id.to_string());
    assert_eq!(first["email"], "support@company.com", "kept in lower case");
    assert_eq!(first["domain"], "company.com");
    assert_eq!(first["brand_id"], app.workspace.workspace_id);
    assert_eq!(first["verified"], true);
    assert_eq!(first["forwarding_enabled"], false);
    assert_eq!(first["forwarded_email_last_received_at"], Value::Null);
    assert!(first["created_at"].is_i64() && first["updated_at"].is_i64());
    assert_eq!(data[1]["id"], hello.id.to_string());
    assert_eq!(data[1]["brand_id"], premium.id);
    assert_eq!(data[1]["verified"], false);
    assert_eq!(data[1]["forwarding_enabled"], true);

    let (status, found) = app.get(&format!("/emails/{}", hello.id)).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found, data[1]);

    // A brand's first address is its default, until another is made the default.
    let (_, default) = app.get(&format!("/brands/{}", app.workspace.workspace_id)).await;
    assert_eq!(default["default_address_settings_id"], support.id.to_string());
    let (_, brand) = app.get(&format!("/brands/{}", premium.id)).await;
    assert_eq!(brand["default_address_settings_id"], vip.id.to_string());

    for path in ["/emails/999999", "/emails/abc"] {
        let (status, body) = app.get(path).await;
        let error = assert_error(status, &body, 404, "not_found");
        assert_eq!(error["message"], "Email setting not found");
    }
    let other = app.other_workspace().await;
    let (status, body) = app.get_as(&other.access_token, &format!("/emails/{}", support.id)).await;
    assert_error(status, &body, 404, "not_found");
    let (_, theirs) = app.get_as(&other.access_token, "/emails").await;
    assert_eq!(theirs["data"], json!([]));
}
