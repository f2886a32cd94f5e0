//! Conversations in 2.14–2.16: delete and the deleted ids, merge, handling events, side
//! conversations.

use serde_json::{Value as Json, json};
use switchboard::domain::admin::NewAdmin;
use switchboard::domain::contact::{ContactChanges, Role};
use switchboard::domain::conversation::requests::CreateBody;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::workspace_id;
use crate::conversations::{admin, part, reply, start, user};

fn parts(conversation: &Json) -> &Vec<Json> {
    conversation["conversation_parts"]["conversation_parts"].as_array().unwrap()
}

backend_test!(deleted_conversations_are_gone_and_their_ids_listed);
async fn deleted_conversations_are_gone_and_their_ids_listed(app: TestApp) {
    let app = app.at_version("2.16");
    let joe = user(&app, "joe@example.com").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(start(&app, &joe, &format!("Message {i}")).await);
    }
    let (status, deleted) = app.delete(&format!("/conversations/{}", ids[0])).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted, json!({"id": ids[0], "object": "conversation", "deleted": true}));
    let (status, body) = app.get(&format!("/conversations/{}", ids[0])).await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.delete(&format!("/conversations/{}", ids[0])).await;
    assert_error(status, &body, 404, "not_found");
    let (status, _) = app.delete(&format!("/conversations/{}?retain_metrics=false", ids[1])).await;
    assert_eq!(status, 200);
    let (status, _) = app.delete(&format!("/conversations/{}?retain_metrics=true", ids[2])).await;
    assert_eq!(status, 200);
    let (_, list) = app.get("/conversations").await;
    assert_eq!(list["total_count"], 0);

    let (status, page) = app.get("/conversations/deleted?per_page=2").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["type"], "conversations.list");
    assert_eq!(page["total_count"], 3);
    assert_eq!((page["pages"]["page"].clone(), page["pages"]["total_pages"].clone()), (json!(1), json!(2)));
    assert!(
        page["pages"]["next"]
            .as_str()
            .unwrap()
            .ends_with("/conversations/deleted?per_page=2&order=desc&page=2")
    );
    let shown: Vec<&str> =
        page["conversations"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(shown, vec![ids[2].as_str(), ids[1].as_str()], "newest id first");
    let first = &page["conversations"][1];
    assert_eq!(
        (first["type"].clone(), first["metrics_retained"].clone()),
        (json!("conversation"), json!(false))
    );
    assert!(first["deleted_at"].is_i64());
    let (_, last) = app.get("/conversations/deleted?per_page=2&page=2").await;
    assert_eq!(last["conversations"][0]["id"], ids[0]);
    assert_eq!(last["conversations"][0]["metrics_retained"], true);
    assert!(last["pages"].get("next").is_none());
    let (_, ascending) = app.get("/conversations/deleted?order=asc").await;
    assert_eq!(ascending["conversations"][0]["id"], ids[0]);

    for bad in ["per_page=61", "page=0", "order=up"] {
        let (status, body) = app.get(&format!("/conversations/deleted?{bad}")).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
    let (status, body) = app.delete("/conversations/abc").await;
    assert_error(status, &body, 404, "not_found");
    let joe2 = user(&app, "joe2@example.com").await;
    let kept = start(&app, &joe2, "Keep me").await;
    let (status, body) = app.delete(&format!("/conversations/{kept}?retain_metrics=perhaps")).await;
    assert_error(status, &body, 400, "parameter_invalid");

    // Another workspace neither sees the ids nor deletes this one's conversations.
    let other = app.other_workspace().await;
    let (status, theirs) = app.get_as(&other.access_token, "/conversations/deleted").await;
    assert_eq!((status.as_u16(), theirs["total_count"].clone()), (200, json!(0)));
    let (status, body) = app.get_as(&other.access_token, &format!("/conversations/{kept}")).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(merging_closes_the_secondary_and_links_it_to_the_primary);
async fn merging_closes_the_secondary_and_links_it_to_the_primary(app: TestApp) {
    let app = app.at_version("2.16");
    let ann = user(&app, "ann@example.com").await;
    let bob = user(&app, "bob@example.com").await;
    let primary = start(&app, &ann, "First").await;
    let secondary = start(&app, &bob, "Second").await;

    let (status, merged) = app
        .post(
            &format!("/conversations/{secondary}/merge"),
            json!({"merge_into_conversation_id": primary.parse::<i64>().unwrap()}),
        )
        .await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["id"], primary);
    assert_eq!(merged["state"], "open");
    let last = parts(&merged).last().unwrap();
    assert_eq!(last["part_type"], "merged_primary_conversation");
    assert_eq!(last["author"]["type"], "bot");
    let contacts: Vec<&str> = merged["contacts"]["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(contacts.len(), 2);
    assert!(contacts.contains(&ann.as_str()) && contacts.contains(&bob.as_str()), "{contacts:?}");
    assert_eq!(
        merged["linked_objects"]["data"],
        json!([{"type": "conversation", "id": secondary, "category": null}])
    );

    let (_, gone) = app.get(&format!("/conversations/{secondary}")).await;
    assert_eq!(gone["state"], "closed");
    assert_eq!(parts(&gone).last().unwrap()["part_type"], "close");
    assert_eq!(gone["linked_objects"]["data"][0]["id"], primary);

    // Documented refusals.
    let (status, body) = app
        .post(&format!("/conversations/{secondary}/merge"), json!({"merge_into_conversation_id": primary}))
        .await;
    let error = assert_error(status, &body, 422, "merge_failed");
    assert_eq!(error["message"], "Secondary conversation has already been merged");
    let third = start(&app, &ann, "Third").await;
    let (status, body) = app
        .post(&format!("/conversations/{third}/merge"), json!({"merge_into_conversation_id": third}))
        .await;
    assert_eq!(
        assert_error(status, &body, 422, "merge_failed")["message"],
        "Cannot merge a conversation into itself"
    );
    let (status, body) = app
        .post(&format!("/conversations/{third}/merge"), json!({"merge_into_conversation_id": 999999}))
        .await;
    assert_eq!(assert_error(status, &body, 422, "merge_failed")["message"], "Primary conversation not found");
    let (status, body) = app
        .post(&format!("/conversations/{third}/merge"), json!({"merge_into_conversation_id": secondary}))
        .await;
    assert_error(status, &body, 422, "merge_failed");
    for bad in [
        json!({"merge_into_conversation_id": "abc"}),
        json!({"merge_into_conversation_id": 1.5}),
        json!({"merge_into_conversation_id": [1]}),
    ] {
        let (status, body) = app.post(&format!("/conversations/{third}/merge"), bad).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
    let (status, body) = app.post(&format!("/conversations/{third}/merge"), json!({})).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) =
        app.post("/conversations/999999/merge", json!({"merge_into_conversation_id": primary})).await;
    assert_error(status, &body, 404, "not_found");
    let (_, c) = app.get(&format!("/conversations/{third}")).await;
    assert_eq!(c["state"], "open", "a refused merge changes nothing");

    // Another workspace's conversation is no primary here, nor a secondary.
    let foreign = foreign_conversation(&app).await;
    let (status, body) = app
        .post(&format!("/conversations/{third}/merge"), json!({"merge_into_conversation_id": foreign}))
        .await;
    assert_eq!(assert_error(status, &body, 422, "merge_failed")["message"], "Primary conversation not found");
    let (status, body) = app
        .post(&format!("/conversations/{foreign}/merge"), json!({"merge_into_conversation_id": third}))
        .await;
    assert_error(status, &body, 404, "not_found");
}

/// A conversation of another workspace; returns its id.
async fn foreign_conversation(app: &TestApp) -> i64 {
    let ws = app.store.workspace_by_code(&app.other_workspace().await.workspace_id).await.unwrap().id;
    let who = ContactChanges {
        role: Some(Role::User),
        email: Some(Some("x@example.com".into())),
        ..Default::default()
    };
    let contact = app.store.create_contact(ws, &who).await.unwrap();
    let body: CreateBody =
        serde_json::from_value(json!({"from": {"type": "user", "id": contact.id}, "body": "Elsewhere"}))
            .unwrap();
    app.store.create_conversation(ws, &body.check().unwrap()).await.unwrap().0
}

backend_test!(handling_events_follow_assignment_and_state);
async fn handling_events_follow_assignment_and_state(app: TestApp) {
    let app = app.at_version("2.16");
    let ws = workspace_id(&app).await;
    let owner = admin(&app);
    let second = app
        .store
        .create_admin(ws, &NewAdmin { name: "Sam".into(), email: "sam@example.com".into(), job_title: None })
        .await
        .unwrap()
        .id
        .to_string();
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Help").await;
    let (status, none) = app.get(&format!("/conversations/{id}/handling_events")).await;
    assert_eq!(status, 200, "{none}");
    assert_eq!(none, json!({"handling_events": []}));

    let assign = |to: &str| json!({"message_type": "assignment", "type": "admin", "admin_id": owner, "assignee_id": to});
    part(&app, &id, assign(&owner)).await;
    part(&app, &id, json!({"message_type": "close", "type": "admin", "admin_id": owner})).await;
    reply(
        &app,
        &id,
        json!({"message_type": "comment", "type": "user", "intercom_user_id": joe, "body": "Still broken"}),
    )
    .await;
    part(&app, &id, assign(&second)).await;
    let (status, list) = app.get(&format!("/conversations/{id}/handling_events")).await;
    assert_eq!(status, 200, "{list}");
    let events = list["handling_events"].as_array().unwrap();
    let summary: Vec<(String, String, Option<String>)> = events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["teammate"]["id"].to_string(),
                e["reason"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("resumed".into(), owner.clone(), None),
            ("paused".into(), owner.clone(), Some("Closed".into())),
            ("resumed".into(), owner.clone(), None),
            ("paused".into(), owner.clone(), Some("Reassigned".into())),
            ("resumed".into(), second.clone(), None),
        ]
    );
    assert_eq!(
        events[4]["teammate"],
        json!({"type": "admin", "id": second.parse::<i64>().unwrap(), "name": "Sam", "email": "sam@example.com"})
    );
    assert!(events[0]["timestamp"].as_str().unwrap().ends_with('Z'));

    let (status, body) = app.get("/conversations/999999/handling_events").await;
    assert_error(status, &body, 404, "not_found");
    let other = app.other_workspace().await;
    let (status, body) =
        app.get_as(&other.access_token, &format!("/conversations/{id}/handling_events")).await;
    assert_error(status, &body, 404, "not_found");
}

backend_test!(side_conversations_are_listed_with_their_messages);
async fn side_conversations_are_listed_with_their_messages(app: TestApp) {
    let app = app.at_version("2.16");
    let ws = workspace_id(&app).await;
    let owner: i64 = admin(&app).parse().unwrap();
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Help").await;
    let (status, empty) = app.get(&format!("/conversations/{id}/side_conversations")).await;
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty["type"], "side_conversation.list");
    assert_eq!((empty["total_count"].clone(), empty["side_conversations"].clone()), (json!(0), json!([])));

    let numeric: i64 = id.parse().unwrap();
    let first =
        app.store.write_side_conversation(ws, numeric, None, owner, "<p>Asking billing</p>").await.unwrap();
    app.store
        .write_side_conversation(ws, numeric, Some(first), owner, "<p>Billing says yes</p>")
        .await
        .unwrap();
    for i in 0..2 {
        app.store
            .write_side_conversation(ws, numeric, None, owner, &format!("<p>Thread {i}</p>"))
            .await
            .unwrap();
    }
    let (status, page) = app.get(&format!("/conversations/{id}/side_conversations?per_page=2")).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total_count"], 3);
    assert_eq!((page["pages"]["page"].clone(), page["pages"]["total_pages"].clone()), (json!(1), json!(2)));
    let side = &page["side_conversations"][0];
    assert_eq!(side["side_conversation_id"], first.to_string());
    assert_eq!(side["total_count"], 2);
    assert_eq!(side["conversation_parts"][1]["body"], "<p>Billing says yes</p>");
    assert_eq!(side["conversation_parts"][0]["part_type"], "comment");
    assert_eq!(side["conversation_parts"][0]["author"]["id"], owner.to_string());
    let (_, last) = app.get(&format!("/conversations/{id}/side_conversations?per_page=2&page=2")).await;
    assert_eq!(last["side_conversations"].as_array().unwrap().len(), 1);

    // The parent conversation's own parts are untouched.
    let (_, c) = app.get(&format!("/conversations/{id}")).await;
    assert_eq!(c["conversation_parts"]["total_count"], 0);

    let (status, body) = app.get(&format!("/conversations/{id}/side_conversations?per_page=51")).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (status, body) = app.get("/conversations/999999/side_conversations").await;
    assert_error(status, &body, 404, "not_found");
    let other = app.other_workspace().await;
    let (status, body) =
        app.get_as(&other.access_token, &format!("/conversations/{id}/side_conversations")).await;
    assert_error(status, &body, 404, "not_found");
    // A side conversation belongs to its conversation.
    let second = start(&app, &joe, "Other").await;
    let err = app.store.write_side_conversation(ws, second.parse().unwrap(), Some(first), owner, "x").await;
    assert!(err.is_err());
}
