//! `POST /tickets/search`: every documented field, ticket attributes by id and by name, nested
//! groups, pages to the last one, errors, isolation, and what a contact merge does to tickets.

use serde_json::{Value as Json, json};

use crate::common::{TestApp, assert_error, backend_test};
use crate::company_fixtures::company;
use crate::contact_fixtures::{contact, tag};
use crate::conversations::{admin, start, user};
use crate::ticket_fixtures::{id, post_as, ticket, ticket_attribute, ticket_type};

async fn found(app: &TestApp, query: Json) -> Vec<String> {
    let (status, body) = app.post("/tickets/search", json!({"query": query})).await;
    assert_eq!(status, 200, "{query}: {body}");
    assert_eq!(body["type"], "ticket.list", "{body}");
    let mut ids: Vec<String> = body["tickets"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(body["total_count"], ids.len(), "{query}: {body}");
    ids.sort();
    ids
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|s| (*s).clone()).collect();
    ids.sort();
    ids
}

backend_test!(ticket_search_every_field);
async fn ticket_search_every_field(app: TestApp) {
    let me = admin(&app);
    let joe = user(&app, "joe@example.com").await;
    let ann = user(&app, "ann@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let component = ticket_attribute(&app, &bug, "component", "string").await;
    ticket_attribute(&app, &bug, "severity", "integer").await;
    ticket_attribute(&app, &bug, "urgent", "boolean").await;
    let task = ticket_type(&app, "Chore", "Back-office").await;
    let incident = ticket_type(&app, "Incident", "Tracker").await;

    let t1 = ticket(
        &app,
        &bug,
        &joe,
        "Login broken",
        json!({"component": "login", "severity": 3, "urgent": true}),
    )
    .await;
    let t2 = ticket(
        &app,
        &bug,
        &ann,
        "Billing wrong",
        json!({"component": "billing", "severity": 1, "urgent": false}),
    )
    .await;
    let t3 = ticket(&app, &task, &joe, "Refund order", json!({})).await;
    let t4 = ticket(&app, &incident, &ann, "Outage", json!({})).await;
    let (t1, t2, t3, t4) = (id(&t1), id(&t2), id(&t3), id(&t4));

    // t1 moves on; t2 is assigned and tagged.
    let (status, moved) =
        app.put(&format!("/tickets/{t1}"), json!({"state": "in_progress", "admin_id": me})).await;
    assert_eq!(status, 200, "{moved}");
    let (status, body) = app.put(&format!("/tickets/{t2}"), json!({"admin_id": me, "assignee_id": me})).await;
    assert_eq!(status, 200, "{body}");
    let urgent = tag(&app, "Urgent").await;
    let (status, body) =
        app.post(&format!("/tickets/{t2}/tags"), json!({"id": urgent, "admin_id": me})).await;
    assert_eq!(status, 200, "{body}");
    let (_, t1_now) = app.at_version("2.16").get(&format!("/tickets/{t1}")).await;
    let in_progress = t1_now["ticket_state"]["id"].as_str().unwrap().to_owned();
    let number = t1_now["ticket_id"].as_str().unwrap().to_owned();
    let created = t1_now["created_at"].as_i64().unwrap();

    let all = sorted(&[&t1, &t2, &t3, &t4]);
    let cases: Vec<(Json, Vec<String>)> = vec![
        (json!({"field": "id", "operator": "=", "value": t1}), sorted(&[&t1])),
        (json!({"field": "id", "operator": "IN", "value": [t1, "nope"]}), sorted(&[&t1])),
        (json!({"field": "ticket_id", "operator": "=", "value": number}), sorted(&[&t1])),
        (json!({"field": "_default_title_", "operator": "~", "value": "LOGIN"}), sorted(&[&t1])),
        (json!({"field": "title", "operator": "^", "value": "Billing"}), sorted(&[&t2])),
        (json!({"field": "description", "operator": "$", "value": "order"}), sorted(&[&t3])),
        (json!({"field": "category", "operator": "=", "value": "request"}), sorted(&[&t1, &t2])),
        (json!({"field": "category", "operator": "=", "value": "task"}), sorted(&[&t3])),
        (json!({"field": "category", "operator": "IN", "value": ["tracker", "task"]}), sorted(&[&t3, &t4])),
        (json!({"field": "category", "operator": "!=", "value": "tracker"}), sorted(&[&t1, &t2, &t3])),
        (json!({"field": "ticket_type_id", "operator": "=", "value": bug}), sorted(&[&t1, &t2])),
        (json!({"field": "ticket_type_id", "operator": "NIN", "value": [bug]}), sorted(&[&t3, &t4])),
        (json!({"field": "contact_ids", "operator": "=", "value": joe}), sorted(&[&t1, &t3])),
        (json!({"field": "contact_ids", "operator": "!=", "value": joe}), sorted(&[&t2, &t4])),
        (json!({"field": "admin_assignee_id", "operator": "=", "value": me}), sorted(&[&t2])),
        (json!({"field": "team_assignee_id", "operator": "=", "value": null}), all.clone()),
        // The admin wrote every ticket's first part (its state).
        (json!({"field": "teammate_ids", "operator": "=", "value": me}), all.clone()),
        (json!({"field": "tag_ids", "operator": "=", "value": urgent}), sorted(&[&t2])),
        (json!({"field": "state", "operator": "=", "value": "in_progress"}), sorted(&[&t1])),
        (json!({"field": "state", "operator": "!=", "value": "in_progress"}), sorted(&[&t2, &t3, &t4])),
        (json!({"field": "ticket_state_id", "operator": "=", "value": in_progress}), sorted(&[&t1])),
        (json!({"field": "previous_ticket_state_id", "operator": "!=", "value": null}), sorted(&[&t1])),
        (json!({"field": "open", "operator": "=", "value": true}), all.clone()),
        (json!({"field": "snoozed_until", "operator": "=", "value": null}), all.clone()),
        (json!({"field": "is_shared", "operator": "=", "value": false}), all.clone()),
        (json!({"field": "created_at", "operator": ">=", "value": created}), all.clone()),
        (json!({"field": "created_at", "operator": "<", "value": created - 1}), vec![]),
        (json!({"field": "updated_at", "operator": ">", "value": "1306054154"}), all.clone()),
        (
            json!({"field": format!("ticket_attribute.{component}"), "operator": "=", "value": "login"}),
            sorted(&[&t1]),
        ),
        (
            json!({"field": "ticket_attribute.component", "operator": "IN", "value": ["billing", "x"]}),
            sorted(&[&t2]),
        ),
        (
            json!({"field": "ticket_attribute.component", "operator": "!=", "value": "login"}),
            sorted(&[&t2, &t3, &t4]),
        ),
        (json!({"field": "ticket_attribute.severity", "operator": ">", "value": 2}), sorted(&[&t1])),
        (json!({"field": "ticket_attribute.urgent", "operator": "=", "value": false}), sorted(&[&t2])),
        (
            json!({"operator": "AND", "value": [
                {"field": "category", "operator": "=", "value": "request"},
                {"operator": "OR", "value": [
                    {"field": "ticket_attribute.component", "operator": "=", "value": "login"},
                    {"field": "ticket_attribute.severity", "operator": "<", "value": 2}]}]}),
            sorted(&[&t1, &t2]),
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(found(&app, query.clone()).await, expected, "{query}");
    }

    // The same search at 2.16 (its shape is checked against the description).
    let (status, body) = app
        .at_version("2.16")
        .post("/tickets/search", json!({"query": {"field": "id", "operator": "=", "value": t1}}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tickets"][0]["ticket_state"]["category"], "in_progress", "{body}");
}

backend_test!(ticket_search_refuses_what_it_cannot_answer);
async fn ticket_search_refuses_what_it_cannot_answer(app: TestApp) {
    let bug = ticket_type(&app, "Bug", "Customer").await;
    ticket_attribute(&app, &bug, "severity", "integer").await;
    for query in [
        json!({"field": "nope", "operator": "=", "value": "x"}),
        json!({"field": "custom_attributes.plan", "operator": "=", "value": "x"}),
        json!({"field": "ticket_attribute.unknown", "operator": "=", "value": "x"}),
        json!({"field": "category", "operator": ">", "value": "x"}),
        json!({"field": "created_at", "operator": "=", "value": "foobar"}),
        json!({"field": "ticket_attribute.severity", "operator": "=", "value": "high"}),
        json!({"field": "open", "operator": "~", "value": "t"}),
    ] {
        let (status, body) = app.post("/tickets/search", json!({"query": query})).await;
        assert_error(status, &body, 400, "parameter_invalid");
    }
    let (status, body) = app
        .post(
            "/tickets/search",
            json!({"query": {"operator": "XOR", "value": [{"field": "id", "operator": "=", "value": "1"}]}}),
        )
        .await;
    assert_error(status, &body, 400, "invalid_operator");
    let (status, body) = app
        .post(
            "/tickets/search",
            json!({"query": {"field": "id", "operator": "=", "value": "1"}, "pagination": {"starting_after": "nope"}}),
        )
        .await;
    assert_error(status, &body, 400, "parameter_invalid");
}

backend_test!(ticket_search_pages_to_the_end_and_keeps_to_its_workspace);
async fn ticket_search_pages_to_the_end_and_keeps_to_its_workspace(app: TestApp) {
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let mut made = Vec::new();
    for i in 0..5 {
        made.push(id(&ticket(&app, &bug, &joe, &format!("Issue {i}"), json!({})).await));
    }
    let query = json!({"field": "category", "operator": "=", "value": "request"});
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut pagination = json!({"per_page": 2});
        if let Some(cursor) = &after {
            pagination["starting_after"] = json!(cursor);
        }
        let (status, body) =
            app.post("/tickets/search", json!({"query": query, "pagination": pagination})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["total_count"], 5, "{body}");
        seen.extend(body["tickets"].as_array().unwrap().iter().map(id));
        match body["pages"]["next"]["starting_after"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => break,
        }
    }
    // Newest update first: the last made comes first.
    made.reverse();
    assert_eq!(seen, made);

    // Another workspace sees none of them, and its own only.
    let other = app.other_workspace().await;
    let (status, body) = post_as(&app, &other.access_token, "/tickets/search", json!({"query": query})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total_count"], 0, "{body}");
}

backend_test!(merging_contacts_moves_their_tickets);
async fn merging_contacts_moves_their_tickets(app: TestApp) {
    let lead =
        contact(&app, json!({"role": "lead", "name": "Lead"})).await["id"].as_str().unwrap().to_owned();
    let joe = user(&app, "joe@example.com").await;
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let t = id(&ticket(&app, &bug, &lead, "From the lead", json!({})).await);
    let (status, body) = app.post("/contacts/merge", json!({"from": lead, "into": joe})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        found(&app, json!({"field": "contact_ids", "operator": "=", "value": joe})).await,
        vec![t.clone()]
    );
    assert_eq!(
        found(&app, json!({"field": "contact_ids", "operator": "=", "value": lead})).await,
        Vec::<String>::new()
    );
    let (status, body) = app.get(&format!("/tickets/{t}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["contacts"]["contacts"][0]["id"], joe.as_str(), "{body}");
}

/// A ticket with everything a result embeds: a company, an assignee, a tag, a linked
/// conversation, and parts by an admin and a contact.
async fn full_ticket(app: &TestApp, type_id: &str, contact: &str, company: &str, tag_id: &str) -> String {
    let me = admin(app);
    let linked = start(app, contact, "Linked").await;
    let (status, created) = app
        .post(
            "/tickets",
            json!({"ticket_type_id": type_id, "contacts": [{"id": contact}], "company_id": company,
                   "assignment": {"admin_assignee_id": me}, "conversation_to_link_id": linked,
                   "ticket_attributes": {"_default_title_": "Full", "_default_description_": "Everything"}}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let t = id(&created);
    let (status, body) = app.post(&format!("/tickets/{t}/tags"), json!({"id": tag_id, "admin_id": me})).await;
    assert_eq!(status, 200, "{body}");
    for reply in [
        json!({"message_type": "comment", "type": "user", "intercom_user_id": contact, "body": "Help"}),
        json!({"message_type": "comment", "type": "admin", "admin_id": me, "body": "On it"}),
    ] {
        let (status, body) = app.post(&format!("/tickets/{t}/reply"), reply).await;
        assert_eq!(status, 200, "{body}");
    }
    t
}

/// A search answer and the number of statements it took.
async fn counted_search(app: &TestApp, query: &Json) -> (Json, u64) {
    let ((status, body), counted) =
        switchboard::store::count_statements(app.post("/tickets/search", query.clone())).await;
    assert_eq!(status, 200, "{body}");
    (body, counted.statements)
}

backend_test!(a_page_of_tickets_costs_a_fixed_number_of_statements);
async fn a_page_of_tickets_costs_a_fixed_number_of_statements(app: TestApp) {
    let v16 = app.at_version("2.16");
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let question = ticket_type(&app, "Question", "Customer").await;
    let vip = tag(&app, "VIP").await;
    let acme =
        company(&app, json!({"company_id": "acme", "name": "Acme"})).await["id"].as_str().unwrap().to_owned();
    let joe = user(&app, "joe@example.com").await;
    full_ticket(&v16, &bug, &joe, &acme, &vip).await;
    let query = json!({"query": {"field": "created_at", "operator": ">", "value": 0}});
    counted_search(&v16, &query).await;
    let (one, for_one) = counted_search(&v16, &query).await;
    assert_eq!(one["total_count"], 1, "{one}");

    for (n, type_id) in [&bug, &question, &bug, &question, &bug].into_iter().enumerate() {
        let someone = user(&app, &format!("user{n}@example.com")).await;
        full_ticket(&v16, type_id, &someone, &acme, &vip).await;
    }
    let (six, for_six) = counted_search(&v16, &query).await;
    assert_eq!(six["total_count"], 6, "{six}");
    assert_eq!(for_six, for_one, "a page of 6 tickets took {for_six} statements, a page of 1 took {for_one}");
    // Each result is the ticket as `GET /tickets/{id}` shows it.
    for found in six["tickets"].as_array().unwrap() {
        let (status, got) = v16.get(&format!("/tickets/{}", id(found))).await;
        assert_eq!(status, 200, "{got}");
        assert_eq!(found, &got);
        assert_eq!(got["ticket_parts"]["total_count"], 4, "{got}");
        assert_eq!(got["linked_objects"]["total_count"], 1, "{got}");
    }
}
