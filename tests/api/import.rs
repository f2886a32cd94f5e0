//! Bulk import (`Store::import_*`, what the benchmark loader writes with): imported contacts,
//! taggings and company attachments read back through the API like API-created ones, and a
//! refused item refuses its whole batch.

use serde_json::{Value, json};
use switchboard::api::contacts::contact_changes;
use switchboard::domain::contact::{ContactChanges, Rejection};
use switchboard::domain::error::Missing;
use switchboard::store::import::ImportError;

use crate::common::{TestApp, backend_test};

fn changes(body: &Value) -> ContactChanges {
    contact_changes(body.to_string().as_bytes()).expect("a valid contact body")
}

async fn workspace_id(app: &TestApp) -> i64 {
    app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap().id
}

/// A contact as the API shows it, with what differs between two creations blanked.
fn normalised(contact: &Value) -> Value {
    let id = contact["id"].as_str().unwrap();
    let mut text = contact.to_string().replace(id, "ID");
    for field in ["created_at", "updated_at"] {
        text = text.replace(&format!("\"{field}\":{}", contact[field]), &format!("\"{field}\":0"));
    }
    serde_json::from_str(&text).unwrap()
}

async fn total(app: &TestApp) -> i64 {
    app.get("/contacts").await.1["total_count"].as_i64().unwrap()
}

backend_test!(imported_contacts_read_back_like_created_ones);
async fn imported_contacts_read_back_like_created_ones(app: TestApp) {
    let ws = workspace_id(&app).await;
    let admin: i64 = app.workspace.admin_id.parse().unwrap();
    let attribute = json!({"name": "plan", "model": "contact", "data_type": "string"});
    assert_eq!(app.post("/data_attributes", attribute).await.0, 200);
    let vip = app.post("/tags", json!({"name": "vip"})).await.1["id"].as_str().unwrap().to_owned();
    let (_, company) = app.post("/companies", json!({"company_id": "c-1", "name": "Acme"})).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let user = json!({
        "role": "user", "email": " Ann.Lee@X.io ", "external_id": "ann-1", "name": " Ann Lee ",
        "phone": "+1 201 555 0100", "avatar": "https://avatars.example/1.png",
        "signed_up_at": 1_700_000_000, "last_seen_at": 1_700_000_100, "owner_id": admin,
        "unsubscribed_from_emails": true, "custom_attributes": {"plan": "pro"},
    });
    let lead = json!({"role": "lead", "email": "lead@x.io", "name": "Lead"});

    // The same contact through the API, as the reference, then deleted to free its email.
    let (status, created) = app.post("/contacts", user.clone()).await;
    assert_eq!(status, 200, "{created}");
    let created_id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post(&format!("/contacts/{created_id}/tags"), json!({"id": vip})).await.0, 200);
    assert_eq!(app.post(&format!("/contacts/{created_id}/companies"), json!({"id": company})).await.0, 200);
    let (_, reference) = app.get(&format!("/contacts/{created_id}")).await;
    let (_, reference_tags) = app.get(&format!("/contacts/{created_id}/tags")).await;
    let (_, reference_companies) = app.get(&format!("/contacts/{created_id}/companies")).await;
    assert_eq!(app.delete(&format!("/contacts/{created_id}")).await.0, 200);

    let ids = app.store.import_contacts(ws, &[changes(&user), changes(&lead)]).await.unwrap();
    let (ann, lead_id) = (ids[0].as_str(), ids[1].as_str());
    let tag: i64 = vip.parse().unwrap();
    // Tagging twice changes nothing, as through the API.
    app.store.import_contact_tags(ws, admin, &[(ann, tag), (lead_id, tag), (ann, tag)]).await.unwrap();
    app.store.import_contact_companies(ws, &[(ann, company.as_str())]).await.unwrap();

    let (status, imported) = app.get(&format!("/contacts/{ann}")).await;
    assert_eq!(status, 200);
    assert_eq!(normalised(&imported), normalised(&reference));
    assert_eq!(imported["tags"]["data"][0]["id"], json!(vip));
    assert_eq!(imported["companies"]["total_count"], 1);
    let (_, tags) = app.get(&format!("/contacts/{ann}/tags")).await;
    assert_eq!(tags["data"][0]["applied_by"], reference_tags["data"][0]["applied_by"]);
    assert!(tags["data"][0]["applied_at"].is_i64());
    let (_, companies) = app.get(&format!("/contacts/{ann}/companies")).await;
    assert_eq!(companies, reference_companies);
    let (_, lead_view) = app.get(&format!("/contacts/{lead_id}")).await;
    assert_eq!(
        (lead_view["role"].as_str(), lead_view["tags"]["total_count"].as_i64()),
        (Some("lead"), Some(1))
    );

    assert_eq!(total(&app).await, 2);
    for (field, operator, value) in [
        ("email", "=", "ann.lee@x.io"),
        ("name", "~", "n Le"),
        ("phone", "~", "201 555"),
        ("custom_attributes.plan", "=", "pro"),
    ] {
        let query = json!({"query": {"field": field, "operator": operator, "value": value}});
        let (status, found) = app.post("/contacts/search", query).await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found["total_count"], 1, "{field} {operator} {value}: {found}");
        assert_eq!(found["data"][0]["id"], json!(ann));
    }
    let (_, company_view) = app.get(&format!("/companies/{company}")).await;
    assert_eq!(company_view["user_count"], 1);
    // Kept by the attach trigger from the contact's last_seen_at.
    assert_eq!(company_view["last_request_at"], 1_700_000_100);
}

backend_test!(a_refused_item_refuses_the_batch);
async fn a_refused_item_refuses_the_batch(app: TestApp) {
    let ws = workspace_id(&app).await;
    let admin: i64 = app.workspace.admin_id.parse().unwrap();
    let attribute = json!({"name": "seats", "model": "contact", "data_type": "integer"});
    assert_eq!(app.post("/data_attributes", attribute).await.0, 200);
    let ok = json!({"email": "ok@x.io", "custom_attributes": {"seats": 3}});

    let bad_type = json!({"email": "bad@x.io", "custom_attributes": {"seats": "many"}});
    let err = app.store.import_contacts(ws, &[changes(&ok), changes(&bad_type)]).await.unwrap_err();
    assert!(matches!(err, ImportError::Rejected { index: 1, rejection: Rejection::Attribute(_) }), "{err:?}");
    let unknown = json!({"email": "unknown@x.io", "custom_attributes": {"nope": 1}});
    let err = app.store.import_contacts(ws, &[changes(&unknown)]).await.unwrap_err();
    assert!(matches!(err, ImportError::Rejected { index: 0, rejection: Rejection::Attribute(_) }), "{err:?}");
    let no_identity = json!({"role": "user", "name": "Nobody"});
    let err = app.store.import_contacts(ws, &[changes(&ok), changes(&no_identity)]).await.unwrap_err();
    assert!(matches!(err, ImportError::Rejected { index: 1, rejection: Rejection::UserWithoutIdentity }));
    let bad_owner = json!({"email": "owned@x.io", "owner_id": admin + 1000});
    let err = app.store.import_contacts(ws, &[changes(&ok), changes(&bad_owner)]).await.unwrap_err();
    assert!(matches!(err, ImportError::Rejected { index: 1, rejection: Rejection::OwnerNotFound }));

    // Users' emails compare without case, within the batch and against the workspace.
    let twin = json!({"email": "OK@x.io"});
    let err = app.store.import_contacts(ws, &[changes(&ok), changes(&twin)]).await.unwrap_err();
    assert!(matches!(err, ImportError::DuplicateInBatch { index: 1, first: 0 }), "{err:?}");
    let (_, existing) = app.post("/contacts", json!({"email": "taken@x.io", "external_id": "t-1"})).await;
    let existing = existing["id"].as_str().unwrap().to_owned();
    for taken in [json!({"email": "Taken@X.io"}), json!({"role": "lead", "external_id": "t-1"})] {
        let err = app.store.import_contacts(ws, &[changes(&ok), changes(&taken)]).await.unwrap_err();
        match err {
            ImportError::Rejected { index: 1, rejection: Rejection::Duplicate { existing_id, archived } } => {
                assert_eq!((existing_id.as_str(), archived), (existing.as_str(), false));
            }
            other => panic!("{taken}: {other:?}"),
        }
    }
    assert_eq!(total(&app).await, 1, "only the API-created contact exists");
    // Leads may share an email with a user.
    let ids =
        app.store.import_contacts(ws, &[changes(&json!({"role": "lead", "email": "taken@x.io"}))]).await;
    assert_eq!(ids.unwrap().len(), 1);

    // Links: an unknown tag, company or contact refuses the links that were valid too.
    let vip: i64 = app.post("/tags", json!({"name": "vip"})).await.1["id"].as_str().unwrap().parse().unwrap();
    let err = app.store.import_contact_tags(ws, admin, &[(&existing, vip), (&existing, vip + 99)]).await;
    assert!(matches!(err, Err(ImportError::NotFound { missing: Missing::Tag, .. })), "{err:?}");
    let err = app.store.import_contact_tags(ws, admin, &[(&existing, vip), ("nobody", vip)]).await;
    assert!(matches!(err, Err(ImportError::NotFound { missing: Missing::Contact, .. })), "{err:?}");
    assert_eq!(app.get(&format!("/contacts/{existing}")).await.1["tags"]["total_count"], 0);
    let (_, company) = app.post("/companies", json!({"company_id": "c-1"})).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let err = app.store.import_contact_companies(ws, &[(&existing, &company), (&existing, "nope")]).await;
    assert!(matches!(err, Err(ImportError::NotFound { missing: Missing::Company, .. })), "{err:?}");
    assert_eq!(app.get(&format!("/companies/{company}")).await.1["user_count"], 0);
}

backend_test!(one_statement_attaching_many_contacts_raises_the_company_once_to_the_latest);
async fn one_statement_attaching_many_contacts_raises_the_company_once_to_the_latest(app: TestApp) {
    let ws = workspace_id(&app).await;
    let attribute = json!({"name": "seats", "model": "contact", "data_type": "integer"});
    assert_eq!(app.post("/data_attributes", attribute).await.0, 200);
    let (_, company) = app.post("/companies", json!({"company_id": "c-1"})).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let items: Vec<ContactChanges> = [Some(1_700_000_300), Some(1_700_000_900), None, Some(1_700_000_100)]
        .iter()
        .enumerate()
        .map(|(i, seen)| {
            changes(&json!({"email": format!("u{i}@x.io"), "last_seen_at": seen,
                            "custom_attributes": {"seats": i}}))
        })
        .collect();
    let ids = app.store.import_contacts(ws, &items).await.unwrap();
    let links: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), company.as_str())).collect();
    app.store.import_contact_companies(ws, &links).await.unwrap();
    let (_, view) = app.get(&format!("/companies/{company}")).await;
    assert_eq!(
        (view["user_count"].as_i64(), view["last_request_at"].as_i64()),
        (Some(4), Some(1_700_000_900))
    );

    // A later attachment of an earlier-seen contact leaves it; a later-seen one raises it.
    let (_, early) =
        app.post("/contacts", json!({"email": "early@x.io", "last_seen_at": 1_600_000_000})).await;
    let early = early["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post(&format!("/contacts/{early}/companies"), json!({"id": company})).await.0, 200);
    assert_eq!(app.get(&format!("/companies/{company}")).await.1["last_request_at"], 1_700_000_900);
    let (_, late) = app.post("/contacts", json!({"email": "late@x.io", "last_seen_at": 1_800_000_000})).await;
    let late = late["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post(&format!("/contacts/{late}/companies"), json!({"id": company})).await.0, 200);
    assert_eq!(app.get(&format!("/companies/{company}")).await.1["last_request_at"], 1_800_000_000);

    // Each row of the statement has its typed custom-attribute values, as a single write has.
    for (seats, expected) in [(0, 1), (3, 1), (4, 0)] {
        let query = json!({"query": {"field": "custom_attributes.seats", "operator": "=", "value": seats}});
        let (_, found) = app.post("/contacts/search", query).await;
        assert_eq!(found["total_count"], expected, "seats = {seats}: {found}");
    }
    let query = json!({"query": {"field": "custom_attributes.seats", "operator": ">", "value": 0}});
    assert_eq!(app.post("/contacts/search", query).await.1["total_count"], 3);
}
