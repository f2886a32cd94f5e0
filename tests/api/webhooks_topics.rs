//! The conversation, conversation part and ticket webhook topics, and `contact.tag.deleted`
//! when a tag is deleted: each fires on its trigger with its item, delivered to a real
//! receiver; a write to a ticket sends the ticket's topics, never the conversation's; a write
//! that fails records nothing.

use serde_json::{Value, json};

use crate::common::{TestApp, backend_test, eventually};
use crate::contact_fixtures::{tag, tag_contact};
use crate::conversations::{admin, part, reply, start, user};
use crate::ticket_fixtures::{id, ticket, ticket_attribute, ticket_type};
use crate::webhooks::{Receiver, WAIT, start_worker, subscribe};

/// The `n`th (from 0) notification of `topic` the receiver got, once it has.
async fn nth(receiver: &Receiver, topic: &str, n: usize) -> Value {
    eventually(WAIT, &format!("sent {topic} #{n}"), async || receiver.items(topic).len() > n).await;
    receiver.items(topic).remove(n)
}

/// The topics recorded for the subscription, oldest first (the `ping` left out).
async fn recorded(app: &TestApp, subscription: &str) -> Vec<String> {
    let (status, deliveries) =
        app.get(&format!("/_switchboard/webhooks/{subscription}/deliveries?per_page=150")).await;
    assert_eq!(status, 200, "{deliveries}");
    let mut topics: Vec<String> = deliveries["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["topic"].as_str().unwrap().to_owned())
        .filter(|t| t != "ping")
        .collect();
    topics.reverse();
    topics
}

fn all_topics() -> Vec<&'static str> {
    switchboard::domain::webhook::TOPICS.iter().map(|t| t.name).collect()
}

fn last_part(conversation: &Value) -> &Value {
    conversation["conversation_parts"]["conversation_parts"].as_array().unwrap().last().unwrap()
}

backend_test!(conversation_topics_fire_with_the_conversation);
async fn conversation_topics_fire_with_the_conversation(app: TestApp) {
    let receiver = Receiver::start().await;
    let _worker = start_worker(&app.store, 100, 60_000);
    let me = admin(&app);
    let joe = user(&app, "joe@example.com").await;
    let subscription = subscribe(&app, &receiver, &all_topics()).await;

    let id = start(&app, &joe, "My invoice is wrong").await;
    let item = receiver.item("conversation.user.created").await;
    assert_eq!((&item["type"], &item["id"]), (&json!("conversation"), &json!(id)));
    assert_eq!(item["source"]["author"]["id"], joe.as_str());

    let answered = reply(
        &app,
        &id,
        json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "Looking"}),
    )
    .await;
    let comment = last_part(&answered)["id"].as_str().unwrap().to_owned();
    let item = receiver.item("conversation.admin.replied").await;
    assert_eq!(item["id"], id.as_str());
    assert_eq!(last_part(&item)["body"], "<p>Looking</p>");
    reply(&app, &id, json!({"message_type": "note", "type": "admin", "admin_id": me, "body": "Refund?"}))
        .await;
    assert_eq!(last_part(&receiver.item("conversation.admin.noted").await)["part_type"], "note");
    reply(
        &app,
        &id,
        json!({"message_type": "comment", "type": "user", "intercom_user_id": joe, "body": "Thanks"}),
    )
    .await;
    assert_eq!(last_part(&receiver.item("conversation.user.replied").await)["author"]["id"], joe.as_str());

    part(
        &app,
        &id,
        json!({"message_type": "assignment", "type": "admin", "admin_id": me, "assignee_id": me}),
    )
    .await;
    assert_eq!(last_part(&receiver.item("conversation.admin.assigned").await)["part_type"], "assignment");
    let until = switchboard::store::now() + 3600;
    part(&app, &id, json!({"message_type": "snoozed", "admin_id": me, "snoozed_until": until})).await;
    assert_eq!(receiver.item("conversation.admin.snoozed").await["state"], "snoozed");
    part(&app, &id, json!({"message_type": "open", "admin_id": me})).await;
    assert_eq!(receiver.item("conversation.admin.unsnoozed").await["state"], "open");
    part(&app, &id, json!({"message_type": "close", "type": "admin", "admin_id": me})).await;
    assert_eq!(receiver.item("conversation.admin.closed").await["state"], "closed");
    part(&app, &id, json!({"message_type": "open", "admin_id": me})).await;
    assert_eq!(receiver.item("conversation.admin.opened").await["state"], "open");

    let vip = tag(&app, "VIP").await;
    for _ in 0..2 {
        let (status, body) =
            app.post(&format!("/conversations/{id}/tags"), json!({"id": vip, "admin_id": me})).await;
        assert_eq!(status, 200, "{body}");
    }
    let item = receiver.item("conversation_part.tag.created").await;
    assert_eq!((&item["type"], &item["id"]), (&json!("conversation"), &json!(id)));
    assert_eq!(item["tags_added"]["type"], "tag.list");
    assert_eq!(item["tags_added"]["tags"][0]["id"], vip.as_str());

    let (status, body) = app
        .post(
            "/conversations/redact",
            json!({"type": "conversation_part", "conversation_id": id, "conversation_part_id": comment}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let item = receiver.item("conversation_part.redacted").await;
    let redacted = item["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == comment.as_str())
        .unwrap();
    assert_eq!(redacted["redacted"], true);

    let (status, message) = app
        .post("/messages", json!({"to": {"type": "user", "id": joe}, "message_type": "inapp", "body": "Hi"}))
        .await;
    assert_eq!(status, 200, "{message}");
    let item = receiver.item("conversation.admin.single.created").await;
    assert_eq!(item["id"], message["conversation_id"]);
    let (status, message) =
        app.post("/messages", json!({"from": {"type": "user", "id": joe}, "body": "Again"})).await;
    assert_eq!(status, 200, "{message}");
    assert_eq!(nth(&receiver, "conversation.user.created", 1).await["id"], message["conversation_id"]);

    let (status, _) = app.delete(&format!("/conversations/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(receiver.item("conversation.deleted").await, json!({"type": "conversation", "id": id}));

    assert_eq!(
        recorded(&app, &subscription).await,
        [
            "conversation.user.created",
            "conversation.admin.replied",
            "conversation.admin.noted",
            "conversation.user.replied",
            "conversation.admin.assigned",
            "conversation.admin.snoozed",
            "conversation.admin.unsnoozed",
            "conversation.admin.closed",
            "conversation.admin.opened",
            "conversation_part.tag.created",
            "conversation_part.redacted",
            "conversation.admin.single.created",
            "conversation.user.created",
            "conversation.deleted",
        ],
        "one notification each; tagging again is no new tagging"
    );
}

backend_test!(ticket_topics_fire_with_the_ticket);
async fn ticket_topics_fire_with_the_ticket(app: TestApp) {
    let receiver = Receiver::start().await;
    let _worker = start_worker(&app.store, 100, 60_000);
    let me = admin(&app);
    let joe = user(&app, "joe@example.com").await;
    // At 2.16, where a ticket's state is an object.
    let body = json!({"url": receiver.url, "topics": all_topics(), "api_version": "2.16"});
    let (status, created) = app.post("/_switchboard/webhooks", body).await;
    assert_eq!(status, 201, "{created}");
    let subscription = id(&created);
    let v16 = app.at_version("2.16");
    let bug = ticket_type(&app, "Bug", "Customer").await;
    ticket_attribute(&app, &bug, "Priority", "list").await;

    let created = ticket(&v16, &bug, &joe, "Broken", json!({})).await;
    let t = id(&created);
    let item = receiver.item("ticket.created").await;
    assert_eq!((&item["type"], &item["id"]), (&json!("ticket"), &json!(t)));

    let states = created["ticket_type"]["ticket_states"]["data"].as_array().unwrap().clone();
    let state = |category: &str| states.iter().find(|s| s["category"] == category).unwrap()["id"].clone();
    let (status, body) = v16
        .put(
            &format!("/tickets/{t}"),
            json!({"ticket_state_id": state("in_progress"), "ticket_attributes": {"Priority": "high"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let item = receiver.item("ticket.state.updated").await;
    assert_eq!(item["ticket_state"]["category"], "in_progress", "{item}");
    assert_eq!(receiver.item("ticket.attribute.updated").await["ticket_attributes"]["Priority"], "high");

    // Teams and admins are numbered apart: a team whose id no admin has.
    let ws = crate::contact_fixtures::workspace_id(&app).await;
    let mut team = String::new();
    for name in ["Billing", "Sales", "Support"] {
        team = app.store.create_team(ws, name, &[]).await.unwrap().id.to_string();
    }
    v16.put(&format!("/tickets/{t}"), json!({"assignee_id": me})).await;
    assert_eq!(text(&receiver.item("ticket.admin.assigned").await["admin_assignee_id"]), me);
    v16.put(&format!("/tickets/{t}"), json!({"assignee_id": team})).await;
    assert_eq!(text(&receiver.item("ticket.team.assigned").await["team_assignee_id"]), team);

    // Its participants change through the conversation endpoints.
    let ann = user(&app, "ann@example.com").await;
    let customers = format!("/conversations/{t}/customers");
    let (status, body) =
        app.post(&customers, json!({"admin_id": me, "customer": {"intercom_user_id": ann}})).await;
    assert_eq!(status, 200, "{body}");
    let item = receiver.item("ticket.contact.attached").await;
    assert_eq!(item["contacts"]["contacts"].as_array().unwrap().len(), 2, "{item}");
    let detach = Some(json!({"admin_id": me}));
    let (status, body) =
        app.call(axum::http::Method::DELETE, &format!("{customers}/{ann}"), detach.as_ref()).await;
    assert_eq!(status, 200, "{body}");
    let item = receiver.item("ticket.contact.detached").await;
    assert_eq!(item["contacts"]["contacts"].as_array().unwrap().len(), 1, "{item}");

    let path = format!("/tickets/{t}/reply");
    let (status, body) = v16
        .post(&path, json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "On it"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(receiver.item("ticket.admin.replied").await["id"], t.as_str());
    v16.post(&path, json!({"message_type": "note", "type": "admin", "admin_id": me, "body": "Hm"})).await;
    assert_eq!(receiver.item("ticket.note.created").await["id"], t.as_str());
    v16.post(
        &path,
        json!({"message_type": "comment", "type": "user", "intercom_user_id": joe, "body": "Ok"}),
    )
    .await;
    assert_eq!(receiver.item("ticket.contact.replied").await["id"], t.as_str());
    // Through the conversation endpoints, a ticket still sends the ticket's topic.
    reply(&app, &t, json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "Again"}))
        .await;
    assert_eq!(nth(&receiver, "ticket.admin.replied", 1).await["id"], t.as_str());

    v16.put(&format!("/tickets/{t}"), json!({"ticket_state_id": state("resolved"), "open": false})).await;
    assert_eq!(receiver.item("ticket.resolved").await["ticket_state"]["category"], "resolved");
    let item = receiver.item("ticket.closed").await;
    assert_eq!((&item["ticket"]["type"], &item["ticket"]["id"]), (&json!("ticket"), &json!(t)), "{item}");

    let conversation = start(&app, &joe, "Refund").await;
    let (status, converted) =
        app.post(&format!("/conversations/{conversation}/convert"), json!({"ticket_type_id": bug})).await;
    assert_eq!(status, 200, "{converted}");
    assert_eq!(nth(&receiver, "ticket.created", 1).await["id"], conversation.as_str());
    let (status, _) = v16.delete(&format!("/tickets/{t}")).await;
    assert_eq!(status, 200);

    assert_eq!(
        recorded(&app, &subscription).await,
        [
            "ticket.created",
            "ticket.state.updated",
            "ticket.attribute.updated",
            "ticket.admin.assigned",
            "ticket.team.assigned",
            "contact.user.created",
            "ticket.contact.attached",
            "ticket.contact.detached",
            "ticket.admin.replied",
            "ticket.note.created",
            "ticket.contact.replied",
            "ticket.admin.replied",
            "ticket.state.updated",
            "ticket.resolved",
            "ticket.closed",
            "conversation.user.created",
            "ticket.created",
        ],
        "no conversation topic for a ticket's writes, nothing for deleting a ticket"
    );
}

backend_test!(deleting_a_tag_untags_each_contact_that_had_it);
async fn deleting_a_tag_untags_each_contact_that_had_it(app: TestApp) {
    let receiver = Receiver::start().await;
    let _worker = start_worker(&app.store, 100, 60_000);
    let (ann, bob) = (user(&app, "ann@example.com").await, user(&app, "bob@example.com").await);
    let vip = tag(&app, "VIP").await;
    tag_contact(&app, &ann, &vip).await;
    tag_contact(&app, &bob, &vip).await;
    let subscription = subscribe(&app, &receiver, &["contact.tag.deleted"]).await;
    let (status, body) = app.delete(&format!("/tags/{vip}")).await;
    assert_eq!(status, 200, "{body}");
    let first = nth(&receiver, "contact.tag.deleted", 0).await;
    let second = nth(&receiver, "contact.tag.deleted", 1).await;
    let mut contacts = vec![first["contact"]["id"].clone(), second["contact"]["id"].clone()];
    contacts.sort_by_key(|c| c.as_str().unwrap().to_owned());
    let mut expected = vec![json!(ann), json!(bob)];
    expected.sort_by_key(|c| c.as_str().unwrap().to_owned());
    assert_eq!(contacts, expected);
    assert_eq!((&first["type"], &first["tag"]["id"]), (&json!("contact_tag"), &json!(vip)));
    assert_eq!(recorded(&app, &subscription).await.len(), 2);
}

backend_test!(failed_conversation_and_ticket_writes_record_nothing);
async fn failed_conversation_and_ticket_writes_record_nothing(app: TestApp) {
    let receiver = Receiver::start().await;
    let me = admin(&app);
    let joe = user(&app, "joe@example.com").await;
    let id = start(&app, &joe, "Hello").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let t = id_of(ticket(&app.at_version("2.16"), &bug, &joe, "Broken", json!({})).await);
    let subscription = subscribe(&app, &receiver, &all_topics()).await;
    let failing = [
        (
            format!("/conversations/{id}/reply"),
            json!({"message_type": "comment", "type": "admin", "admin_id": "999999", "body": "x"}),
        ),
        (
            "/conversations/999999/reply".to_owned(),
            json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "x"}),
        ),
        (
            format!("/conversations/{id}/parts"),
            json!({"message_type": "snoozed", "admin_id": me, "snoozed_until": 1000}),
        ),
        (
            format!("/conversations/{id}/parts"),
            json!({"message_type": "assignment", "type": "team", "admin_id": me, "assignee_id": "999999"}),
        ),
        (format!("/conversations/{id}/tags"), json!({"id": "999999", "admin_id": me})),
        ("/conversations".to_owned(), json!({"from": {"type": "user", "id": "nobody"}, "body": "x"})),
        (
            "/tickets".to_owned(),
            json!({"ticket_type_id": bug, "contacts": [{"id": joe}], "ticket_attributes": {"nope": 1}}),
        ),
        (
            format!("/tickets/{t}/reply"),
            json!({"message_type": "comment", "type": "admin", "admin_id": "999999", "body": "x"}),
        ),
    ];
    for (path, body) in failing {
        let (status, answer) = app.at_version("2.16").post(&path, body.clone()).await;
        assert!(status.is_client_error(), "{path} {body}: {status} {answer}");
    }
    let (status, answer) =
        app.at_version("2.16").put(&format!("/tickets/{t}"), json!({"ticket_state_id": "999999"})).await;
    assert!(status.is_client_error(), "{status} {answer}");
    assert_eq!(recorded(&app, &subscription).await, Vec::<String>::new());
}

/// A string, or a number's digits.
fn text(value: &Value) -> String {
    value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string())
}

fn id_of(object: Value) -> String {
    id(&object)
}
