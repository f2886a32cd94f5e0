use axum::http::Method;
use serde_json::json;
use switchboard::domain::admin::NewAdmin;

use crate::common::{TestApp, assert_error, backend_test};

async fn add_admin(app: &TestApp, email: &str, name: &str) -> i64 {
    let ws = app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap();
    let new = NewAdmin { email: email.into(), name: name.into(), job_title: Some("Support".into()) };
    app.store.create_admin(ws.id, &new).await.unwrap().id
}

backend_test!(me_shows_the_token_admin_with_its_app);
async fn me_shows_the_token_admin_with_its_app(app: TestApp) {
    let (status, me) = app.get("/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["type"], "admin");
    assert_eq!(me["id"], app.workspace.admin_id);
    assert_eq!(me["email"], "owner@example.com");
    assert_eq!(me["name"], "Owner");
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["has_inbox_seat"], true);
    assert_eq!(me["app"]["type"], "app");
    assert_eq!(me["app"]["id_code"], app.workspace.workspace_id);
    assert_eq!(me["app"]["name"], "Test Workspace");
    assert!(me["app"]["created_at"].is_i64());
    assert_eq!(me["app"]["identity_verification"], false);
    assert_eq!(me["avatar"]["type"], "avatar");
}

backend_test!(lists_and_retrieves_admins);
async fn lists_and_retrieves_admins(app: TestApp) {
    let second = add_admin(&app, "second@example.com", "Second").await;

    let (status, list) = app.get("/admins").await;
    assert_eq!(status, 200);
    assert_eq!(list["type"], "admin.list");
    let admins = list["admins"].as_array().unwrap();
    assert_eq!(admins.len(), 2);
    assert_eq!(admins[1]["id"], second.to_string());
    assert_eq!(admins[1]["job_title"], "Support");
    assert_eq!(admins[1]["team_ids"], json!([]));
    assert!(admins[1].get("avatar").is_none(), "avatar only with display_avatar");

    let (_, list) = app.get("/admins?display_avatar=true").await;
    // The owner has no avatar: 2.11's `admin.avatar` is then null.
    assert!(list["admins"][0].as_object().unwrap().contains_key("avatar"));

    let (status, admin) = app.get(&format!("/admins/{second}")).await;
    assert_eq!(status, 200);
    assert_eq!(admin["type"], "admin");
    assert_eq!(admin["email"], "second@example.com");
    assert_eq!(admin["away_mode_enabled"], false);
}

backend_test!(unknown_admins_are_admin_not_found);
async fn unknown_admins_are_admin_not_found(app: TestApp) {
    for path in ["/admins/999999", "/admins/abc", "/admins/-1"] {
        let (status, body) = app.get(path).await;
        let error = assert_error(status, &body, 404, "admin_not_found");
        assert_eq!(error["message"], "Admin not found");
    }
    let (status, body) =
        app.put("/admins/999999/away", json!({"away_mode_enabled": true, "away_mode_reassign": false})).await;
    assert_error(status, &body, 404, "admin_not_found");
}

backend_test!(another_workspaces_admins_are_invisible);
async fn another_workspaces_admins_are_invisible(app: TestApp) {
    let other = app.other_workspace().await;
    let (status, body) = app.get(&format!("/admins/{}", other.admin_id)).await;
    assert_error(status, &body, 404, "admin_not_found");
    let (_, list) = app.get_as(&other.access_token, "/admins").await;
    let ids: Vec<_> = list["admins"].as_array().unwrap().iter().map(|a| a["id"].clone()).collect();
    assert_eq!(ids, vec![json!(other.admin_id)]);
    let (status, body) = app
        .put(
            &format!("/admins/{}/away", other.admin_id),
            json!({"away_mode_enabled": true, "away_mode_reassign": true}),
        )
        .await;
    assert_error(status, &body, 404, "admin_not_found");
    let (_, other_admin) = app.get_as(&other.access_token, &format!("/admins/{}", other.admin_id)).await;
    assert_eq!(other_admin["away_mode_enabled"], false, "nothing changed in the other workspace");
}

backend_test!(away_mode_is_set_and_logged);
async fn away_mode_is_set_and_logged(app: TestApp) {
    let second = add_admin(&app, "second@example.com", "Second").await;
    let (status, admin) = app
        .put(
            &format!("/admins/{second}/away"),
            json!({"away_mode_enabled": true, "away_mode_reassign": true}),
        )
        .await;
    assert_eq!(status, 200, "{admin}");
    assert_eq!(admin["id"], second.to_string());
    assert_eq!(admin["away_mode_enabled"], true);
    assert_eq!(admin["away_mode_reassign"], true);
    let (_, again) = app.get(&format!("/admins/{second}")).await;
    assert_eq!(again["away_mode_enabled"], true);

    let (status, logs) = app.get("/admins/activity_logs?created_at_after=0").await;
    assert_eq!(status, 200);
    assert_eq!(logs["type"], "activity_log.list");
    assert_eq!(logs["pages"]["type"], "pages");
    let newest = &logs["activity_logs"][0];
    assert_eq!(newest["activity_type"], "admin_away_mode_change");
    assert_eq!(newest["performed_by"]["id"], app.workspace.admin_id);
    assert_eq!(newest["performed_by"]["type"], "admin");
    assert_eq!(newest["metadata"]["away_mode"], true);
    assert_eq!(newest["metadata"]["reassign_conversations"], true);
    assert!(newest["created_at"].is_i64());
}

backend_test!(away_mode_validation);
async fn away_mode_validation(app: TestApp) {
    let me = &app.workspace.admin_id;
    let path = format!("/admins/{me}/away");
    let (status, body) = app.put(&path, json!({"away_mode_enabled": true})).await;
    let error = assert_error(status, &body, 400, "parameter_not_found");
    assert_eq!(error["field"], "away_mode_reassign");
    let (status, body) = app.put(&path, json!({})).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) =
        app.put(&path, json!({"away_mode_enabled": "yes", "away_mode_reassign": false})).await;
    let error = assert_error(status, &body, 400, "parameter_invalid");
    assert_eq!(error["field"], "away_mode_enabled");
    let (_, admin) = app.get(&format!("/admins/{me}")).await;
    assert_eq!(admin["away_mode_enabled"], false, "a rejected request changes nothing");
}

backend_test!(activity_logs_filter_by_time_and_page);
async fn activity_logs_filter_by_time_and_page(app: TestApp) {
    let me = app.workspace.admin_id.clone();
    for i in 0..5 {
        let body = json!({"away_mode_enabled": i % 2 == 0, "away_mode_reassign": false});
        assert_eq!(app.put(&format!("/admins/{me}/away"), body).await.0, 200);
    }
    // 1 entry from creating the workspace + 5 away changes.
    let mut seen = Vec::new();
    let mut path = "/admins/activity_logs?created_at_after=0&per_page=4".to_owned();
    loop {
        let (status, page) = app.get(&path).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["pages"]["total_pages"], 2);
        for log in page["activity_logs"].as_array().unwrap() {
            seen.push(log["id"].as_str().unwrap().to_owned());
        }
        match page["pages"]["next"]["starting_after"].as_str() {
            Some(next) => {
                path = format!("/admins/activity_logs?created_at_after=0&per_page=4&starting_after={next}")
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6, "no entry twice");

    let future = switchboard::store::now() + 3600;
    let (_, none) = app.get(&format!("/admins/activity_logs?created_at_after={future}")).await;
    assert_eq!(none["activity_logs"], json!([]));
    let (_, none) = app.get("/admins/activity_logs?created_at_after=0&created_at_before=1").await;
    assert_eq!(none["activity_logs"], json!([]));
}

backend_test!(activity_logs_validate_parameters);
async fn activity_logs_validate_parameters(app: TestApp) {
    let (status, body) = app.get("/admins/activity_logs").await;
    let error = assert_error(status, &body, 400, "parameter_not_found");
    assert_eq!(error["field"], "created_at_after");
    let (status, body) = app.get("/admins/activity_logs?created_at_after=yesterday").await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.get("/admins/activity_logs?created_at_after=0&starting_after=garbage").await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.get("/admins/activity_logs?created_at_after=0&per_page=0").await;
    assert_error(status, &body, 400, "parameter_invalid");
}

backend_test!(away_status_reason_is_kept_while_away);
async fn away_status_reason_is_kept_while_away(app: TestApp) {
    let path = format!("/admins/{}/away", app.workspace.admin_id);
    let (_, reasons) = crate::conversations::at_2_16(&app, Method::GET, "/away_status_reasons", None).await;
    let reason: i64 = reasons["data"][1]["id"].as_str().unwrap().parse().unwrap();
    let away =
        json!({"away_mode_enabled": true, "away_mode_reassign": false, "away_status_reason_id": reason});
    let (status, admin) = crate::conversations::at_2_16(&app, Method::PUT, &path, Some(&away)).await;
    assert_eq!(status, 200, "{admin}");
    assert_eq!(admin["away_status_reason_id"], reason);
    assert_eq!(admin["role"], serde_json::Value::Null);
    let (_, admin) = crate::conversations::at_2_16(
        &app,
        Method::GET,
        &format!("/admins/{}", app.workspace.admin_id),
        None,
    )
    .await;
    assert_eq!(admin["away_status_reason_id"], reason);

    // Back from away: no reason.
    let back =
        json!({"away_mode_enabled": false, "away_mode_reassign": false, "away_status_reason_id": 12345});
    let (status, admin) = crate::conversations::at_2_16(&app, Method::PUT, &path, Some(&back)).await;
    assert_eq!(status, 200, "{admin}");
    assert_eq!(admin["away_status_reason_id"], serde_json::Value::Null);

    let wrong =
        json!({"away_mode_enabled": true, "away_mode_reassign": false, "away_status_reason_id": "soon"});
    let (status, body) = app.put(&path, wrong).await;
    assert_eq!(status, 400, "{body}");
}
