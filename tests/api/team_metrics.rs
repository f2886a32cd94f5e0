//! `GET /teams/{id}/metrics` (2.16): each team admin's open, idle and snoozed conversations.

use serde_json::json;
use switchboard::domain::admin::NewAdmin;
use switchboard::store::now;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::workspace_id;
use crate::conversations::{admin, part, sql, start, user};

backend_test!(team_metrics_count_each_admins_conversations);
async fn team_metrics_count_each_admins_conversations(app: TestApp) {
    let ws = workspace_id(&app).await;
    let me: i64 = admin(&app).parse().unwrap();
    let new = NewAdmin { email: "b@example.com".into(), name: "B".into(), job_title: None };
    let second = app.store.create_admin(ws, &new).await.unwrap().id;
    let team = app.store.create_team(ws, "Support", &[me, second]).await.unwrap();
    let app = app.at_version("2.16");
    let path = format!("/teams/{}/metrics", team.id);

    let (status, empty) = app.get(&path).await;
    assert_eq!(status, 200, "{empty}");
    assert_eq!(
        empty,
        json!({"type": "team_metric.list", "data": [
            {"type": "team_metric", "admin_id": me.to_string(), "open": 0, "idle": 0, "snoozed": 0},
            {"type": "team_metric", "admin_id": second.to_string(), "open": 0, "idle": 0, "snoozed": 0},
        ]})
    );

    let joe = user(&app, "joe@example.com").await;
    let mut ids = Vec::new();
    for body in ["one", "two", "three"] {
        let id = start(&app, &joe, body).await;
        let assign = json!({"message_type": "assignment", "type": "admin", "admin_id": me.to_string(), "assignee_id": me.to_string()});
        part(&app, &id, assign).await;
        ids.push(id);
    }
    // One waits for a reply for an hour: idle past the default 30 minutes, not past 2 hours.
    sql(&app, &format!("UPDATE conversations SET waiting_since = {} WHERE id = {}", now() - 3600, ids[0]))
        .await;
    let snooze =
        json!({"message_type": "snoozed", "admin_id": me.to_string(), "snoozed_until": now() + 3600});
    part(&app, &ids[1], snooze).await;
    // A closed one counts nowhere.
    let closed = start(&app, &joe, "four").await;
    part(&app, &closed, json!({"message_type": "assignment", "type": "admin", "admin_id": me.to_string(), "assignee_id": me.to_string()})).await;
    part(&app, &closed, json!({"message_type": "close", "type": "admin", "admin_id": me.to_string()})).await;

    let (_, metrics) = app.get(&path).await;
    assert_eq!(
        metrics["data"][0],
        json!({"type": "team_metric", "admin_id": me.to_string(), "open": 2, "idle": 1, "snoozed": 1})
    );
    assert_eq!(metrics["data"][1]["open"], 0);
    let (_, patient) = app.get(&format!("{path}?idle_threshold=7200")).await;
    assert_eq!(patient["data"][0]["idle"], 0);
    // Clamped to 1..=86400.
    let (status, _) = app.get(&format!("{path}?idle_threshold=0")).await;
    assert_eq!(status, 200);
    let (_, clamped) = app.get(&format!("{path}?idle_threshold=999999")).await;
    assert_eq!(clamped["data"][0]["idle"], 0);
}

backend_test!(team_metrics_errors);
async fn team_metrics_errors(app: TestApp) {
    let ws = workspace_id(&app).await;
    let team = app.store.create_team(ws, "Support", &[]).await.unwrap();
    let app = app.at_version("2.16");
    for path in ["/teams/999999/metrics", "/teams/x/metrics"] {
        let (status, error) = app.get(path).await;
        let error = assert_error(status, &error, 404, "team_not_found");
        assert_eq!(error["message"], "Team not found");
    }
    let (status, error) = app.get(&format!("/teams/{}/metrics?idle_threshold=soon", team.id)).await;
    let error = assert_error(status, &error, 400, "parameter_invalid");
    assert_eq!(error["field"], "idle_threshold");
    let other = app.other_workspace().await;
    let (status, error) = app.get_as(&other.access_token, &format!("/teams/{}/metrics", team.id)).await;
    assert_error(status, &error, 404, "team_not_found");
}
