//! Conversation search (every field family, nested groups, pages), assignment rules, and what
//! a contact merge does to a lead's conversations.

use serde_json::{Value as Json, json};
use switchboard::domain::admin::NewAdmin;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::{contact, tag, workspace_id};
use crate::conversations::{admin, conversation_attribute, part, reply, start, user};
use switchboard::domain::data_attribute::DataType;

async fn ids(app: &TestApp, query: Json) -> Vec<String> {
    let (status, body) = app.post("/conversations/search", json!({"query": query})).await;
    assert_eq!(status, 200, "{query}: {body}");
    let mut ids: Vec<String> = body["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn sorted(mut v: Vec<&String>) -> Vec<String> {
    v.sort();
    v.into_iter().cloned().collect()
}

backend_test!(search_every_kind_of_field);
async fn search_every_kind_of_field(app: TestApp) {
    let ws = workspace_id(&app).await;
    let me = admin(&app);
    let joe = user(&app, "joe@example.com").await;
    let ann = user(&app, "ann@vip.example").await;
    let a = start(&app, &joe, "I need support").await;
    let b = start(&app, &ann, "Invoice question").await;
    let c = start(&app, &joe, "Thanks, all good").await;
    let team = app.store.create_team(ws, "Billing", &[]).await.unwrap().id;
    part(
        &app,
        &b,
        json!({"message_type": "assignment", "type": "team", "admin_id": me, "assignee_id": team}),
    )
    .await;
    part(&app, &b, json!({"message_type": "assignment", "type": "admin", "admin_id": me, "assignee_id": me}))
        .await;
    reply(&app, &a, json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "On it"}))
        .await;
    part(&app, &c, json!({"message_type": "close", "type": "admin", "admin_id": me})).await;
    let vip = tag(&app, "VIP").await;
    app.post(&format!("/conversations/{b}/tags"), json!({"id": vip, "admin_id": me})).await;
    conversation_attribute(&app, "plan", DataType::String).await;
    app.put(&format!("/conversations/{a}"), json!({"custom_attributes": {"plan": "pro"}})).await;

    let cases: Vec<(Json, Vec<&String>)> = vec![
        (json!({"field": "id", "operator": "=", "value": a}), vec![&a]),
        (json!({"field": "id", "operator": "IN", "value": [a, "nope"]}), vec![&a]),
        (json!({"field": "source.body", "operator": "=", "value": "support"}), vec![&a]),
        (json!({"field": "source.body", "operator": "=", "value": "need support"}), vec![]),
        (json!({"field": "source.body", "operator": "~", "value": "invoice"}), vec![&b]),
        (json!({"field": "source.author.email", "operator": "$", "value": "@vip.example"}), vec![&b]),
        (json!({"field": "source.author.email", "operator": "=", "value": "JOE@example.com"}), vec![&a, &c]),
        (json!({"field": "source.author.id", "operator": "=", "value": ann}), vec![&b]),
        (json!({"field": "source.author.type", "operator": "=", "value": "user"}), vec![&a, &b, &c]),
        (
            json!({"field": "source.delivered_as", "operator": "=", "value": "customer_initiated"}),
            vec![&a, &b, &c],
        ),
        (json!({"field": "source.type", "operator": "=", "value": "conversation"}), vec![&a, &b, &c]),
        (json!({"field": "contact_ids", "operator": "=", "value": joe}), vec![&a, &c]),
        (json!({"field": "contact_ids", "operator": "!=", "value": joe}), vec![&b]),
        (json!({"field": "teammate_ids", "operator": "=", "value": me}), vec![&a, &b, &c]),
        (json!({"field": "tag_ids", "operator": "=", "value": vip}), vec![&b]),
        (json!({"field": "tag_ids", "operator": "NIN", "value": [vip]}), vec![&a, &c]),
        (json!({"field": "admin_assignee_id", "operator": "=", "value": me}), vec![&b]),
        (json!({"field": "team_assignee_id", "operator": "=", "value": team.to_string()}), vec![&b]),
        (json!({"field": "state", "operator": "=", "value": "closed"}), vec![&c]),
        (json!({"field": "open", "operator": "=", "value": true}), vec![&a, &b]),
        (json!({"field": "read", "operator": "=", "value": false}), vec![&a, &b, &c]),
        (json!({"field": "waiting_since", "operator": "=", "value": null}), vec![&a]),
        (json!({"field": "priority", "operator": "=", "value": "not_priority"}), vec![&a, &b, &c]),
        (json!({"field": "statistics.count_assignments", "operator": ">", "value": 1}), vec![&b]),
        (json!({"field": "statistics.first_admin_reply_at", "operator": ">", "value": 0}), vec![&a]),
        (json!({"field": "statistics.last_closed_by_id", "operator": "=", "value": me}), vec![&c]),
        (json!({"field": "statistics.count_conversation_parts", "operator": ">=", "value": 2}), vec![&a, &b]),
        (json!({"field": "conversation_rating.score", "operator": "=", "value": 5}), vec![]),
        (json!({"field": "conversation_rating.admin_d", "operator": "=", "value": me}), vec![]),
        (json!({"field": "custom_attributes.plan", "operator": "=", "value": "pro"}), vec![&a]),
        // Text matches on a custom string of few values become the values they match.
        (json!({"field": "custom_attributes.plan", "operator": "~", "value": "PR"}), vec![&a]),
        (json!({"field": "custom_attributes.plan", "operator": "$", "value": "ro"}), vec![&a]),
        (json!({"field": "custom_attributes.plan", "operator": "!~", "value": "pr"}), vec![&b, &c]),
        (json!({"field": "custom_attributes.plan", "operator": "~", "value": "x"}), vec![]),
        (json!({"field": "created_at", "operator": ">", "value": "1306054154"}), vec![&a, &b, &c]),
        (
            json!({"operator": "AND", "value": [
                {"operator": "OR", "value": [
                    {"field": "state", "operator": "=", "value": "closed"},
                    {"field": "tag_ids", "operator": "=", "value": vip}]},
                {"field": "contact_ids", "operator": "=", "value": joe}]}),
            vec![&c],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(ids(&app, query.clone()).await, sorted(expected), "{query}");
    }

    // Pages: newest update first, a cursor to the next page.
    let (status, first) =
        app.post("/conversations/search", json!({"query": {"field": "open", "operator": "!=", "value": "x"}, "pagination": {"per_page": 2}})).await;
    assert_error(status, &first, 400, "parameter_invalid");
    let query = json!({"field": "source.type", "operator": "=", "value": "conversation"});
    let (_, first) =
        app.post("/conversations/search", json!({"query": query, "pagination": {"per_page": 2}})).await;
    assert_eq!((first["total_count"].as_i64(), first["pages"]["total_pages"].as_i64()), (Some(3), Some(2)));
    let cursor = first["pages"]["next"]["starting_after"].clone();
    let (_, second) = app
        .post(
            "/conversations/search",
            json!({"query": query, "pagination": {"per_page": 2, "starting_after": cursor}}),
        )
        .await;
    assert_eq!(second["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(second["pages"]["page"], 2);

    for bad in [
        json!({"query": {"field": "nope", "operator": "=", "value": 1}}),
        json!({"query": {"field": "created_at", "operator": "~", "value": "x"}}),
        json!({"query": {"field": "created_at", "operator": "=", "value": "foorbar"}}),
        json!({"query": {"field": "id", "operator": "=", "value": a}, "pagination": {"per_page": 151}}),
        json!({"query": {"field": "custom_attributes.missing", "operator": "=", "value": 1}}),
    ] {
        let (status, body) = app.post("/conversations/search", bad).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
    let (status, body) = app.post("/conversations/search", json!({})).await;
    assert_error(status, &body, 400, "parameter_not_found");

    // Another workspace finds none of these.
    let other = app.other_workspace().await;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/conversations/search")
        .header("authorization", format!("Bearer {}", other.access_token))
        .body(axum::body::Body::from(
            json!({"query": {"field": "source.type", "operator": "=", "value": "conversation"}}).to_string(),
        ))
        .unwrap();
    let (_, _, body) = app.send(request).await;
    assert_eq!(body["total_count"], 0);
}

backend_test!(assignment_rules_assign_in_turn);
async fn assignment_rules_assign_in_turn(app: TestApp) {
    let ws = workspace_id(&app).await;
    let joe = user(&app, "joe@example.com").await;
    let billing = start(&app, &joe, "Where is my invoice?").await;
    let other = start(&app, &joe, "Hello").await;

    // No rules: Operator leaves it unassigned.
    let (status, c) = app.post(&format!("/conversations/{other}/run_assignment_rules"), json!({})).await;
    assert_eq!(status, 200, "{c}");
    let p = &c["conversation_parts"]["conversation_parts"][0];
    assert_eq!(p["part_type"], "default_assignment");
    assert_eq!(p["assigned_to"], json!({"type": "nobody_admin", "id": null}));
    assert_eq!(p["author"]["type"], "bot");
    assert_eq!(p["author"]["name"], "Operator");

    let new_admin =
        |email: &'static str| NewAdmin { email: email.into(), name: email.into(), job_title: None };
    let x = app.store.create_admin(ws, &new_admin("x@example.com")).await.unwrap().id;
    let y = app.store.create_admin(ws, &new_admin("y@example.com")).await.unwrap().id;
    let team = app.store.create_team(ws, "Billing", &[x, y]).await.unwrap().id;
    let fallback = app.store.create_team(ws, "Front", &[]).await.unwrap().id;
    let rules = json!({"rules": [
        {"name": "Billing", "match": {"field": "source.body", "operator": "~", "value": "invoice"},
         "assign": {"team_id": team.to_string(), "round_robin": true}},
        {"name": "Everyone else", "assign": {"team_id": fallback}}
    ]});
    app.store.set_assignment_rules(ws, &rules.to_string()).await.unwrap();

    let mut picked = vec![];
    for _ in 0..3 {
        let (status, c) =
            app.post(&format!("/conversations/{billing}/run_assignment_rules"), json!({})).await;
        assert_eq!(status, 200, "{c}");
        assert_eq!(c["team_assignee_id"], team);
        picked.push(c["admin_assignee_id"].as_i64().unwrap());
    }
    assert_eq!(picked, vec![x, y, x]);
    let (_, c) = app.post(&format!("/conversations/{other}/run_assignment_rules"), json!({})).await;
    assert_eq!((c["team_assignee_id"].as_i64(), c["admin_assignee_id"].as_i64()), (Some(fallback), None));
    let parts = c["conversation_parts"]["conversation_parts"].as_array().unwrap();
    assert_eq!(parts.last().unwrap()["assigned_to"], json!({"type": "team", "id": fallback.to_string()}));
    assert_eq!(c["statistics"]["count_assignments"], 1);

    // Rules that cannot apply are refused when set.
    for bad in [
        json!({"rules": [{"name": "x", "assign": {"team_id": 999999}}]}),
        json!({"rules": [{"name": "x", "match": {"field": "nope", "operator": "=", "value": 1}, "assign": {"team_id": team}}]}),
        json!({"rules": [{"name": "x", "assign": {}}]}),
    ] {
        assert!(app.store.set_assignment_rules(ws, &bad.to_string()).await.is_err(), "{bad}");
    }
    let (status, body) = app.post("/conversations/999999/run_assignment_rules", json!({})).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(merging_a_lead_moves_its_conversations);
async fn merging_a_lead_moves_its_conversations(app: TestApp) {
    let lead = contact(&app, json!({"role": "lead", "email": "visitor@example.com"})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let user = user(&app, "joe@example.com").await;
    let (status, m) =
        app.post("/conversations", json!({"from": {"type": "lead", "id": lead}, "body": "Hi"})).await;
    assert_eq!(status, 200, "{m}");
    let id = m["conversation_id"].as_str().unwrap().to_owned();
    reply(
        &app,
        &id,
        json!({"message_type": "comment", "type": "user", "intercom_user_id": lead, "body": "Anyone?"}),
    )
    .await;

    let (status, merged) = app.post("/contacts/merge", json!({"from": lead, "into": user})).await;
    assert_eq!(status, 200, "{merged}");
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(c["contacts"]["contacts"][0]["id"], user);
    assert_eq!(c["source"]["author"]["id"], user);
    assert_eq!(c["source"]["author"]["type"], "user");
    assert_eq!(c["conversation_parts"]["conversation_parts"][0]["author"]["id"], user);
    assert_eq!(
        ids(&app, json!({"field": "contact_ids", "operator": "=", "value": user})).await,
        vec![id.clone()]
    );
    reply(
        &app,
        &id,
        json!({"message_type": "comment", "type": "user", "intercom_user_id": user, "body": "Me again"}),
    )
    .await;
}

backend_test!(deleting_a_contact_deletes_the_conversations_only_they_were_in);
async fn deleting_a_contact_deletes_the_conversations_only_they_were_in(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let ann = user(&app, "ann@example.com").await;
    let alone = start(&app, &joe, "Just me").await;
    let group = start(&app, &joe, "Both of us").await;
    let (status, body) = app
        .post(
            &format!("/conversations/{group}/customers"),
            json!({"admin_id": admin(&app), "customer": {"intercom_user_id": ann}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.delete(&format!("/contacts/{joe}")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.get(&format!("/conversations/{alone}")).await;
    assert_error(status, &body, 404, "not_found");
    let (status, c) = app.get(&format!("/conversations/{group}")).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["contacts"]["contacts"], json!([{"type": "contact", "id": ann, "external_id": null}]));
}
