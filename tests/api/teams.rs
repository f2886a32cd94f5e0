use serde_json::json;
use switchboard::domain::admin::NewAdmin;

use crate::common::{TestApp, assert_error, backend_test};

backend_test!(teams_list_and_retrieve);
async fn teams_list_and_retrieve(app: TestApp) {
    let (status, list) = app.get("/teams").await;
    assert_eq!(status, 200);
    assert_eq!(list, json!({"type": "team.list", "teams": []}));

    let ws = app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap();
    let owner: i64 = app.workspace.admin_id.parse().unwrap();
    let second = app
        .store
        .create_admin(ws.id, &NewAdmin { email: "b@example.com".into(), name: "B".into(), job_title: None })
        .await
        .unwrap()
        .id;
    let team = app.store.create_team(ws.id, "Support", &[second, owner]).await.unwrap();
    app.store.add_team_admin(ws.id, team.id, owner).await.unwrap();

    let (status, list) = app.get("/teams").await;
    assert_eq!(status, 200);
    assert_eq!(
        list["teams"][0],
        json!({"type": "team", "id": team.id.to_string(), "name": "Support", "admin_ids": [owner, second]})
    );
    let (status, one) = app.get(&format!("/teams/{}", team.id)).await;
    assert_eq!(status, 200);
    assert_eq!(one["name"], "Support");
    let (_, admin) = app.get(&format!("/admins/{second}")).await;
    assert_eq!(admin["team_ids"], json!([team.id]));

    for path in ["/teams/999999".to_owned(), "/teams/x".to_owned()] {
        let (status, body) = app.get(&path).await;
        let error = assert_error(status, &body, 404, "team_not_found");
        assert_eq!(error["message"], "Team not found");
    }
    let other = app.other_workspace().await;
    let (status, body) = app.get_as(&other.access_token, &format!("/teams/{}", team.id)).await;
    assert_error(status, &body, 404, "team_not_found");
    let (_, other_list) = app.get_as(&other.access_token, "/teams").await;
    assert_eq!(other_list["teams"], json!([]));
    // Admins of another workspace cannot join this workspace's teams.
    let other_admin: i64 = other.admin_id.parse().unwrap();
    assert!(app.store.add_team_admin(ws.id, team.id, other_admin).await.is_err());
}

backend_test!(teams_have_no_load_balancing);
async fn teams_have_no_load_balancing(app: TestApp) {
    let ws = app.store.workspace_by_code(&app.workspace.workspace_id).await.unwrap();
    let team = app.store.create_team(ws.id, "Support", &[]).await.unwrap();
    let (status, one) =
        crate::conversations::at_2_16(&app, axum::http::Method::GET, &format!("/teams/{}", team.id), None)
            .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["assignment_limit"], serde_json::Value::Null);
    assert_eq!(one["distribution_method"], serde_json::Value::Null);
}
