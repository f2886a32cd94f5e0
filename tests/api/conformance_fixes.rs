//! Where Switchboard differed from Intercom's description (issue 15 §2): each answer below is
//! also checked against the description by `TestApp::send`; the assertions say what changed.

use serde_json::json;

use crate::common::{TestApp, backend_test};
use crate::company_fixtures::company;
use crate::contact_fixtures::contact;
use crate::conversations::{start, user};

backend_test!(a_contact_without_email_or_avatar_leaves_email_out_and_has_a_null_avatar);
async fn a_contact_without_email_or_avatar_leaves_email_out_and_has_a_null_avatar(app: TestApp) {
    let lead = contact(&app, json!({"role": "lead", "name": "Anonymous"})).await;
    assert!(lead.get("email").is_none() && lead.get("email_domain").is_none(), "{lead}");
    assert_eq!(lead["avatar"], serde_json::Value::Null);
    let user = contact(
        &app,
        json!({"role": "user", "email": "a@example.com", "avatar": "https://example.org/a.png"}),
    )
    .await;
    assert_eq!(user["avatar"], json!({"type": "avatar", "image_url": "https://example.org/a.png"}));
}

backend_test!(a_company_leaves_out_what_it_has_no_value_for);
async fn a_company_leaves_out_what_it_has_no_value_for(app: TestApp) {
    let bare = company(&app, json!({"company_id": "bare"})).await;
    for absent in ["name", "last_request_at", "size", "website", "industry"] {
        assert!(bare.get(absent).is_none(), "{absent} in {bare}");
    }
    // Without a creation time of its own, the company was created when Switchboard created it.
    assert_eq!(bare["remote_created_at"], bare["created_at"]);
    let full = company(
        &app,
        json!({"company_id": "full", "name": "Full", "remote_created_at": 1374138000, "size": 12,
               "website": "https://full.example", "industry": "Retail"}),
    )
    .await;
    assert_eq!(
        (&full["remote_created_at"], &full["size"], &full["industry"]),
        (&json!(1374138000), &json!(12), &json!("Retail"))
    );
}

backend_test!(statistics_leave_out_what_has_not_happened);
async fn statistics_leave_out_what_has_not_happened(app: TestApp) {
    let contact = user(&app, "joe@example.com").await;
    let id = start(&app, &contact, "Hi").await;
    let (status, conversation) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(status, 200, "{conversation}");
    let statistics = &conversation["statistics"];
    assert!(
        statistics.get("first_assignment_at").is_none() && statistics.get("first_close_at").is_none(),
        "{statistics}"
    );
    assert_eq!(statistics["first_contact_reply_at"], conversation["created_at"]);
}

backend_test!(cursor_pages_give_the_next_page_size);
async fn cursor_pages_give_the_next_page_size(app: TestApp) {
    for email in ["a@example.com", "b@example.com"] {
        contact(&app, json!({"role": "user", "email": email})).await;
    }
    let (status, page) = app.get("/contacts?per_page=1").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["pages"]["next"]["per_page"], 1, "{page}");
}

backend_test!(an_activity_log_leaves_out_an_unknown_ip);
async fn an_activity_log_leaves_out_an_unknown_ip(app: TestApp) {
    let admin = &app.workspace.admin_id;
    let (status, _) = app
        .put(
            &format!("/admins/{admin}/away"),
            json!({"away_mode_enabled": true, "away_mode_reassign": false}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, logs) = app.get("/admins/activity_logs?created_at_after=0").await;
    assert_eq!(status, 200, "{logs}");
    let performed_by = &logs["activity_logs"][0]["performed_by"];
    assert_eq!(performed_by["id"], admin.as_str());
    assert!(performed_by.get("ip").is_none(), "{performed_by}");
}

backend_test!(a_companys_segments_are_counted);
async fn a_companys_segments_are_counted(app: TestApp) {
    let acme = company(&app, json!({"company_id": "acme", "name": "Acme"})).await;
    let (status, segments) = app.get(&format!("/companies/{}/segments", acme["id"].as_str().unwrap())).await;
    assert_eq!(status, 200, "{segments}");
    assert_eq!((&segments["type"], &segments["total_count"]), (&json!("list"), &json!(0)));
}
