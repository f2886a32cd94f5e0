//! Ticket tags (`/tickets/{id}/tags`) and a tracker ticket's linked conversations
//! (`/tickets/{id}/linked_conversations`, 2.16), both ways, with their documented errors.

use axum::http::Method;
use serde_json::json;

use crate::common::{TestApp, assert_error, backend_test};
use crate::contact_fixtures::tag;
use crate::conversations::{admin, start, user};
use crate::ticket_fixtures::{id, post_as, ticket, ticket_type};

backend_test!(tickets_are_tagged_and_untagged);
async fn tickets_are_tagged_and_untagged(app: TestApp) {
    let me = admin(&app);
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let t = id(&ticket(&app, &bug, &joe, "Login broken", json!({})).await);
    let vip = tag(&app, "VIP").await;

    let (status, tagged) = app.post(&format!("/tickets/{t}/tags"), json!({"id": vip, "admin_id": me})).await;
    assert_eq!(status, 200, "{tagged}");
    assert_eq!(
        (tagged["type"].as_str(), tagged["id"].as_str(), tagged["name"].as_str()),
        (Some("tag"), Some(vip.as_str()), Some("VIP"))
    );
    assert_eq!(tagged["applied_by"]["id"], me.as_str(), "{tagged}");
    // Twice keeps the first application.
    let (status, again) = app.post(&format!("/tickets/{t}/tags"), json!({"id": vip, "admin_id": me})).await;
    assert_eq!((status.as_u16(), &again["applied_at"]), (200, &tagged["applied_at"]));
    let (_, shown) = app.get(&format!("/conversations/{t}")).await;
    assert_eq!(shown["tags"]["tags"][0]["id"], vip.as_str(), "{shown}");

    let path = format!("/tickets/{t}/tags/{vip}");
    let (status, untagged) = app.call(Method::DELETE, &path, Some(&json!({"admin_id": me}))).await;
    assert_eq!(status, 200, "{untagged}");
    assert_eq!(untagged["id"], vip.as_str());
    let (status, body) = app.call(Method::DELETE, &path, Some(&json!({"admin_id": me}))).await;
    assert_error(status, &body, 404, "tag_not_found");

    // Errors: the ticket, the tag, the admin.
    let conversation = start(&app, &joe, "Not a ticket").await;
    for ticket_id in ["999999", "abc", conversation.as_str()] {
        let (status, body) =
            app.post(&format!("/tickets/{ticket_id}/tags"), json!({"id": vip, "admin_id": me})).await;
        assert_error(status, &body, 404, "ticket_not_found");
        let (status, body) = app
            .call(Method::DELETE, &format!("/tickets/{ticket_id}/tags/{vip}"), Some(&json!({"admin_id": me})))
            .await;
        assert_error(status, &body, 404, "ticket_not_found");
    }
    let (status, body) =
        app.post(&format!("/tickets/{t}/tags"), json!({"id": "999999", "admin_id": me})).await;
    assert_error(status, &body, 404, "tag_not_found");
    let (status, body) = app.post(&format!("/tickets/{t}/tags"), json!({"id": vip})).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) = app.post(&format!("/tickets/{t}/tags"), json!({"admin_id": me})).await;
    assert_error(status, &body, 400, "parameter_not_found");
    let (status, body) =
        app.post(&format!("/tickets/{t}/tags"), json!({"id": vip, "admin_id": "999999"})).await;
    assert_error(status, &body, 404, "admin_not_found");

    // Another workspace's ticket is not found.
    let other = app.other_workspace().await;
    let (status, body) = post_as(
        &app,
        &other.access_token,
        &format!("/tickets/{t}/tags"),
        json!({"id": vip, "admin_id": other.admin_id.to_string()}),
    )
    .await;
    assert_error(status, &body, 404, "ticket_not_found");
}

backend_test!(a_tracker_links_conversations_and_customer_tickets);
async fn a_tracker_links_conversations_and_customer_tickets(app: TestApp) {
    let v2 = app.at_version("2.16");
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let chore = ticket_type(&app, "Chore", "Back-office").await;
    let incident = ticket_type(&app, "Incident", "Tracker").await;
    let tracker = id(&ticket(&app, &incident, &joe, "Outage", json!({})).await);
    let other_tracker = id(&ticket(&app, &incident, &joe, "Another outage", json!({})).await);
    let customer = id(&ticket(&app, &bug, &joe, "Cannot log in", json!({})).await);
    let back_office = id(&ticket(&app, &chore, &joe, "Refund", json!({})).await);
    let conversation = start(&app, &joe, "Is it down?").await;
    let link = |t: &str| format!("/tickets/{t}/linked_conversations");

    let (status, linked) = v2.post(&link(&tracker), json!({"conversation_id": conversation})).await;
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked["type"], "conversation");
    assert_eq!(linked["id"], conversation.as_str());
    assert_eq!(
        linked["linked_objects"]["data"],
        json!([{"type": "ticket", "id": tracker, "category": "Tracker"}]),
        "{linked}"
    );
    // Again: nothing changes.
    let (status, again) =
        v2.post(&link(&tracker), json!({"conversation_id": conversation.parse::<i64>().unwrap()})).await;
    assert_eq!((status.as_u16(), &again["linked_objects"]["total_count"]), (200, &json!(1)), "{again}");
    let (status, body) = v2.post(&link(&tracker), json!({"conversation_id": customer})).await;
    assert_eq!(status, 200, "{body}");

    // Both ways: the tracker lists both, each lists the tracker.
    let (_, shown) = v2.get(&format!("/tickets/{tracker}")).await;
    assert_eq!(shown["linked_objects"]["total_count"], 2, "{shown}");
    let mut objects = shown["linked_objects"]["data"].as_array().unwrap().clone();
    objects.sort_by_key(|o| o["type"].as_str().unwrap().to_owned());
    assert_eq!(
        objects,
        [
            json!({"type": "conversation", "id": conversation, "category": null}),
            json!({"type": "ticket", "id": customer, "category": "Customer"})
        ],
        "{shown}"
    );
    let (_, shown) = v2.get(&format!("/tickets/{customer}")).await;
    assert_eq!(shown["linked_objects"]["data"][0]["id"], tracker.as_str(), "{shown}");
    let (_, shown) = v2.get(&format!("/conversations/{conversation}")).await;
    assert_eq!(shown["linked_objects"]["data"][0]["id"], tracker.as_str(), "{shown}");

    // The documented refusals.
    let (status, body) = v2.post(&link(&other_tracker), json!({"conversation_id": conversation})).await;
    assert_error(status, &body, 400, "already_linked_to_tracker");
    let (status, body) = v2.post(&link(&customer), json!({"conversation_id": conversation})).await;
    assert_error(status, &body, 400, "invalid_ticket_type");
    let (status, body) = v2.post(&link(&other_tracker), json!({"conversation_id": back_office})).await;
    assert_error(status, &body, 400, "invalid_ticket_type");
    let (status, body) = v2.post(&link(&other_tracker), json!({})).await;
    let error = assert_error(status, &body, 400, "parameter_not_found");
    assert_eq!(error["message"], "conversation_id not specified");
    for missing in ["999999", "nope"] {
        let (status, body) = v2.post(&link(&other_tracker), json!({"conversation_id": missing})).await;
        assert_error(status, &body, 404, "conversation_not_found");
        let (status, body) = v2.post(&link(missing), json!({"conversation_id": conversation})).await;
        assert_error(status, &body, 404, "ticket_not_found");
    }

    // Unlinking.
    let (status, unlinked) = v2.delete(&format!("{}/{conversation}", link(&tracker))).await;
    assert_eq!(status, 200, "{unlinked}");
    assert_eq!(unlinked["linked_objects"]["total_count"], 0, "{unlinked}");
    let (status, body) = v2.delete(&format!("{}/{conversation}", link(&tracker))).await;
    let error = assert_error(status, &body, 404, "conversation_not_found");
    assert_eq!(error["message"], "Conversation is not linked to this ticket");
    let (status, body) = v2.delete(&format!("{}/{conversation}", link(&customer))).await;
    assert_error(status, &body, 400, "invalid_ticket_type");
    let (status, body) = v2.delete(&format!("{}/{conversation}", link("999999"))).await;
    assert_error(status, &body, 404, "ticket_not_found");
    // Now free, it may join the other tracker.
    let (status, body) = v2.post(&link(&other_tracker), json!({"conversation_id": conversation})).await;
    assert_eq!(status, 200, "{body}");

    // Another workspace's tracker is not found.
    let other = app.other_workspace().await;
    let (status, body) =
        post_as(&v2, &other.access_token, &link(&tracker), json!({"conversation_id": conversation})).await;
    assert_error(status, &body, 404, "ticket_not_found");
}

backend_test!(a_cross_posted_note_reaches_the_linked_conversations);
async fn a_cross_posted_note_reaches_the_linked_conversations(app: TestApp) {
    let v16 = app.at_version("2.16");
    let me = admin(&app);
    let joe = user(&app, "joe@example.com").await;
    let chore = ticket_type(&app, "Refund", "Back-office").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let conversation = start(&app, &joe, "Please refund me").await;
    let (status, back_office) = v16
        .post(
            "/tickets",
            json!({"ticket_type_id": chore, "contacts": [{"id": joe}], "conversation_to_link_id": conversation,
                   "ticket_attributes": {"_default_title_": "Refund joe"}}),
        )
        .await;
    assert_eq!(status, 200, "{back_office}");
    let t = id(&back_office);
    let note = |body: &str, cross_post: bool| json!({"message_type": "note", "type": "admin", "admin_id": me, "body": body, "cross_post": cross_post});

    let (status, part) = v16.post(&format!("/tickets/{t}/reply"), note("Refund approved", true)).await;
    assert_eq!(status, 200, "{part}");
    assert_eq!(
        (part["part_type"].as_str(), part["body"].as_str()),
        (Some("note"), Some("<p>Refund approved</p>"))
    );
    let (_, shown) = v16.get(&format!("/conversations/{conversation}")).await;
    let parts = shown["conversation_parts"]["conversation_parts"].as_array().unwrap();
    let last = parts.last().unwrap();
    assert_eq!(
        (last["part_type"].as_str(), last["body"].as_str(), last["author"]["id"].as_str()),
        (Some("note"), Some("<p>Refund approved</p>"), Some(me.as_str())),
        "{shown}"
    );
    // `false` (the default) keeps the note on the ticket.
    let (status, _) = v16.post(&format!("/tickets/{t}/reply"), note("Internal only", false)).await;
    assert_eq!(status, 200);
    let (_, again) = v16.get(&format!("/conversations/{conversation}")).await;
    assert_eq!(again["conversation_parts"]["total_count"], shown["conversation_parts"]["total_count"]);

    // Only notes, and only on back-office tickets: anything else is refused, nothing written.
    let comment =
        json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "Hi", "cross_post": true});
    let (status, body) = v16.post(&format!("/tickets/{t}/reply"), comment).await;
    let error = assert_error(status, &body, 400, "parameter_invalid");
    assert!(error["message"].as_str().unwrap().contains("cross_post"), "{error}");
    let customer = id(&ticket(&app, &bug, &joe, "Login broken", json!({})).await);
    let (status, body) = v16.post(&format!("/tickets/{customer}/reply"), note("x", true)).await;
    assert_error(status, &body, 400, "parameter_invalid");
    let (_, unchanged) = v16.get(&format!("/tickets/{customer}")).await;
    assert_eq!(unchanged["ticket_parts"]["total_count"], 1, "{unchanged}");
    let (status, body) =
        v16.post(&format!("/tickets/{t}/reply"), json!({"message_type": "note", "type": "admin", "admin_id": me, "body": "x", "cross_post": "yes"})).await;
    assert_error(status, &body, 400, "parameter_invalid");
}
