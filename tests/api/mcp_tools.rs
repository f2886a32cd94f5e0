//! MCP write tools (the same validation, errors and writes as their REST endpoints) and the
//! tools that read the API's own description.

use serde_json::{Value, json};

use crate::common::{TestApp, backend_test};
use crate::contact_fixtures::{contact, tag};
use crate::mcp::{Mcp, conversation};

backend_test!(mcp_contact_writes);
async fn mcp_contact_writes(app: TestApp) {
    let mcp = Mcp::new(&app);
    let created =
        mcp.ok("create_contact", json!({"email": "new@example.com", "name": "New", "role": "lead"})).await;
    assert_eq!(created["type"], "contact");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&format!("/contacts/{id}")).await.1, created);
    let updated = mcp.ok("update_contact", json!({"contact_id": id, "name": "Renamed", "phone": null})).await;
    assert_eq!(updated["name"], "Renamed");
    assert_eq!(app.get(&format!("/contacts/{id}")).await.1["name"], "Renamed");

    let vip = tag(&app, "VIP").await;
    let tagged = mcp.ok("tag_contact", json!({"contact_id": id, "tag_id": vip})).await;
    assert_eq!(tagged["type"], "tag");
    assert_eq!(app.get(&format!("/contacts/{id}/tags")).await.1["data"][0]["id"], vip.as_str());
    mcp.ok("untag_contact", json!({"contact_id": id, "tag_id": vip})).await;
    assert_eq!(app.get(&format!("/contacts/{id}/tags")).await.1["data"], json!([]));

    let note = mcp.ok("create_note", json!({"contact_id": id, "body": "Called about billing"})).await;
    assert_eq!(note["type"], "note");
    assert_eq!(note["author"]["id"], app.workspace.admin_id);
    assert_eq!(app.get(&format!("/contacts/{id}/notes")).await.1["data"][0]["id"], note["id"]);

    // The endpoints' own refusals, unchanged.
    let (_, rest) = app.post("/contacts", json!({"role": "owner"})).await;
    let error = mcp.fails("create_contact", json!({"role": "owner"}), "parameter_invalid").await;
    assert_eq!(error, rest["errors"][0]);
    mcp.fails("create_contact", json!({"email": 42}), "parameter_invalid").await;
    mcp.fails("update_contact", json!({"name": "x"}), "parameter_not_found").await;
    mcp.fails("tag_contact", json!({"contact_id": id, "tag_id": "999999"}), "not_found").await;
    mcp.fails("create_note", json!({"contact_id": id}), "parameter_not_found").await;
    mcp.fails("create_note", json!({"contact_id": "nobody", "body": "x"}), "not_found").await;
    assert_eq!(app.get(&format!("/contacts/{id}/notes")).await.1["total_count"], 1);
}

backend_test!(mcp_conversation_writes);
async fn mcp_conversation_writes(app: TestApp) {
    let mcp = Mcp::new(&app);
    let (contact_id, _) = conversation(&app, "c@example.com", "first").await;
    let started =
        mcp.ok("create_conversation", json!({"contact_id": contact_id, "body": "Where is my order?"})).await;
    assert_eq!(started["type"], "user_message", "{started}");
    let id = started["conversation_id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| started["conversation_id"].to_string());
    let path = format!("/conversations/{id}");

    let replied = mcp.ok("reply_to_conversation", json!({"conversation_id": id, "body": "On its way"})).await;
    let parts =
        |c: &Value| c["conversation_parts"]["conversation_parts"].as_array().cloned().unwrap_or_default();
    let last = parts(&replied).last().cloned().unwrap();
    assert_eq!(last["part_type"], "comment", "{last}");
    assert_eq!(last["author"]["id"], app.workspace.admin_id);
    let noted = mcp
        .ok("reply_to_conversation", json!({"conversation_id": id, "message_type": "note", "body": "VIP"}))
        .await;
    assert_eq!(parts(&noted).last().unwrap()["part_type"], "note");
    let by_contact = mcp
        .ok(
            "reply_to_conversation",
            json!({"conversation_id": id, "intercom_user_id": contact_id, "body": "Thanks"}),
        )
        .await;
    assert_eq!(parts(&by_contact).last().unwrap()["author"]["type"], "user");

    let admin: i64 = app.workspace.admin_id.parse().unwrap();
    let assigned =
        mcp.ok("assign_conversation", json!({"conversation_id": id, "assignee_id": admin.to_string()})).await;
    assert_eq!(assigned["admin_assignee_id"], admin, "{assigned}");
    let snooze_until = switchboard::store::now() + 3600;
    let snoozed =
        mcp.ok("snooze_conversation", json!({"conversation_id": id, "snoozed_until": snooze_until})).await;
    assert_eq!(snoozed["state"], "snoozed");
    let opened = mcp.ok("open_conversation", json!({"conversation_id": id})).await;
    assert_eq!(opened["state"], "open");
    let closed = mcp.ok("close_conversation", json!({"conversation_id": id, "body": "Done"})).await;
    assert_eq!(closed["state"], "closed");
    let urgent = tag(&app, "Urgent").await;
    let tagged = mcp.ok("tag_conversation", json!({"conversation_id": id, "tag_id": urgent})).await;
    assert_eq!(tagged["id"], urgent.as_str());
    let (_, now) = app.get(&path).await;
    assert_eq!(now["state"], "closed");
    assert_eq!(now["tags"]["tags"][0]["id"], urgent.as_str());
    assert_eq!(mcp.ok("get_conversation", json!({"id": id})).await, now);

    // The endpoints' refusals, and nothing written by a refused call.
    mcp.fails("reply_to_conversation", json!({"conversation_id": id}), "parameter_not_found").await;
    mcp.fails(
        "reply_to_conversation",
        json!({"conversation_id": id, "body": "x", "admin_id": "999999"}),
        "admin_not_found",
    )
    .await;
    mcp.fails("assign_conversation", json!({"conversation_id": id}), "parameter_not_found").await;
    mcp.fails("snooze_conversation", json!({"conversation_id": id}), "parameter_not_found").await;
    mcp.fails("close_conversation", json!({"conversation_id": "999999"}), "not_found").await;
    mcp.fails("tag_conversation", json!({"conversation_id": id}), "parameter_not_found").await;
    mcp.fails("create_conversation", json!({"contact_id": "nobody", "body": "x"}), "not_found").await;
    assert_eq!(parts(&app.get(&path).await.1).len(), parts(&now).len());
}

backend_test!(mcp_article_writes);
async fn mcp_article_writes(app: TestApp) {
    let mcp = Mcp::new(&app);
    let admin: i64 = app.workspace.admin_id.parse().unwrap();
    let created = mcp
        .ok("create_article", json!({"title": "Billing FAQ", "author_id": admin, "body": "<p>Hi</p>"}))
        .await;
    assert_eq!(created["type"], "article");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&format!("/articles/{id}")).await.1, created);
    let updated =
        mcp.ok("update_article", json!({"id": id, "title": "Billing questions", "state": "published"})).await;
    assert_eq!(updated["title"], "Billing questions");
    assert_eq!(app.get(&format!("/articles/{id}")).await.1["state"], "published");
    let (_, rest) = app.post("/articles", json!({"author_id": admin})).await;
    let error = mcp
        .fails("create_article", json!({"author_id": admin}), rest["errors"][0]["code"].as_str().unwrap())
        .await;
    assert_eq!(error, rest["errors"][0]);
    mcp.fails("update_article", json!({"id": "999999", "title": "x"}), "not_found").await;
    mcp.fails("update_article", json!({"id": id, "state": "gone"}), "parameter_invalid").await;
}

backend_test!(mcp_lists_and_describes_operations);
async fn mcp_lists_and_describes_operations(app: TestApp) {
    let mcp = Mcp::new(&app);
    let all = mcp.ok("list_operations", json!({})).await;
    assert_eq!(all["version"], "2.11");
    let ops = all["data"].as_array().unwrap();
    let has = |ops: &[Value], method: &str, path: &str| {
        ops.iter().any(|o| o["method"] == method && o["path"] == path)
    };
    assert!(has(ops, "GET", "/contacts/{contact_id}") || has(ops, "GET", "/contacts/{id}"), "{all}");
    assert!(
        has(ops, "POST", "/conversations/{conversation_id}/reply")
            || has(ops, "POST", "/conversations/{id}/reply")
    );
    assert!(has(ops, "POST", "/tickets/search") && has(ops, "POST", "/tickets/{ticket_id}/tags"), "{all}");
    assert_eq!(all["total_count"], ops.len());
    let contacts = mcp.ok("list_operations", json!({"tag": "Contacts"})).await;
    assert!(contacts["data"].as_array().unwrap().iter().all(|o| o["tag"].is_string()));
    assert!(contacts["total_count"].as_u64().unwrap() < ops.len() as u64);
    let search = mcp.ok("list_operations", json!({"words": "search contacts"})).await;
    assert!(has(search["data"].as_array().unwrap(), "POST", "/contacts/search"), "{search}");
    let newer = mcp.ok("list_operations", json!({"version": "2.16"})).await;
    assert_eq!(newer["version"], "2.16");
    mcp.fails("list_operations", json!({"version": "9.9"}), "parameter_invalid").await;

    let described = mcp.ok("describe_operation", json!({"method": "post", "path": "/contacts/search"})).await;
    assert_eq!(described["method"], "POST");
    assert_eq!(described["operation_id"], "SearchContacts");
    assert!(described["request_body"]["properties"]["query"].is_object(), "{described}");
    assert!(described["responses"]["200"]["schema"].is_object(), "{described}");
    assert!(!described.to_string().contains("\"examples\""));
    // A concrete path finds its operation; shallow resolution keeps deeper $refs.
    let contact_get =
        mcp.ok("describe_operation", json!({"method": "GET", "path": "/contacts/abc", "depth": 0})).await;
    assert!(contact_get["responses"]["200"]["schema"]["$ref"].is_string(), "{contact_get}");
    assert_eq!(contact_get["parameters"][0]["in"], "path");
    mcp.fails("describe_operation", json!({"method": "GET", "path": "/nowhere"}), "not_found").await;
    mcp.fails(
        "describe_operation",
        json!({"method": "GET", "path": "/contacts/search", "depth": 99}),
        "parameter_invalid",
    )
    .await;
    mcp.fails("describe_operation", json!({"path": "/contacts"}), "parameter_not_found").await;
}

backend_test!(mcp_call_api_runs_any_operation);
async fn mcp_call_api_runs_any_operation(app: TestApp) {
    let mcp = Mcp::new(&app);
    let c = contact(&app, json!({"email": "api@example.com"})).await;
    let id = c["id"].as_str().unwrap();
    let got = mcp.ok("call_api", json!({"method": "GET", "path": format!("/contacts/{id}")})).await;
    assert_eq!(got, json!({"status": 200, "body": c}));
    let me = mcp.ok("call_api", json!({"method": "get", "path": "/me"})).await;
    assert_eq!(me["body"], app.get("/me").await.1);
    let listed =
        mcp.ok("call_api", json!({"method": "GET", "path": "/contacts", "query": {"per_page": 1}})).await;
    assert_eq!(listed["body"]["pages"]["per_page"], 1, "{listed}");
    let created =
        mcp.ok("call_api", json!({"method": "POST", "path": "/tags", "body": {"name": "From MCP"}})).await;
    assert_eq!(created["body"]["name"], "From MCP");
    assert_eq!(app.get("/tags").await.1["data"][0]["name"], "From MCP");
    let at_216 = mcp
        .ok("call_api", json!({"method": "GET", "path": format!("/contacts/{id}"), "version": "2.16"}))
        .await;
    assert_eq!(at_216["body"], app.at_version("2.16").get(&format!("/contacts/{id}")).await.1);

    // A failed operation is the tool's error, with the status and Intercom's error list.
    let failed =
        mcp.call("call_api", json!({"method": "POST", "path": "/contacts", "body": {"role": "owner"}})).await;
    assert_eq!(failed["isError"], true);
    assert_eq!(failed["structuredContent"]["status"], 400);
    assert_eq!(failed["structuredContent"]["body"]["errors"][0]["code"], "parameter_invalid");
    let missing = mcp.call("call_api", json!({"method": "GET", "path": "/nowhere"})).await;
    assert_eq!(missing["structuredContent"]["status"], 404);
    mcp.fails("call_api", json!({"method": "TRACE", "path": "/me"}), "parameter_invalid").await;
    mcp.fails("call_api", json!({"method": "GET", "path": "me"}), "parameter_invalid").await;
    mcp.fails("call_api", json!({"method": "POST", "path": "/tags", "body": [1]}), "parameter_invalid").await;
    let bad_version = mcp.call("call_api", json!({"method": "GET", "path": "/me", "version": "0.1"})).await;
    assert_eq!(bad_version["structuredContent"]["body"]["errors"][0]["code"], "intercom_version_invalid");
    // /mcp is not an operation call_api reaches.
    let nested = mcp.call("call_api", json!({"method": "POST", "path": "/mcp", "body": {}})).await;
    assert_eq!(nested["structuredContent"]["status"], 404);
}

backend_test!(mcp_ticket_writes);
async fn mcp_ticket_writes(app: TestApp) {
    let mcp = Mcp::new(&app);
    let (contact_id, _) = conversation(&app, "t@example.com", "first").await;
    let bug = crate::ticket_fixtures::ticket_type(&app, "Bug", "Customer").await;
    let created = mcp
        .ok(
            "create_ticket",
            json!({"ticket_type_id": bug, "contact_id": contact_id, "ticket_attributes": {"_default_title_": "Broken"}}),
        )
        .await;
    assert_eq!(created["type"], "ticket", "{created}");
    assert_eq!(created["contacts"]["contacts"][0]["id"], contact_id.as_str());
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&format!("/tickets/{id}")).await.1["ticket_attributes"]["_default_title_"], "Broken");

    let replied = mcp.ok("reply_to_ticket", json!({"ticket_id": id, "body": "On it"})).await;
    assert_eq!(
        (replied["type"].as_str(), replied["part_type"].as_str()),
        (Some("ticket_part"), Some("comment"))
    );
    assert_eq!(replied["author"]["id"], app.workspace.admin_id.to_string());
    let noted =
        mcp.ok("reply_to_ticket", json!({"ticket_id": id, "message_type": "note", "body": "VIP"})).await;
    assert_eq!(noted["part_type"], "note");
    let by_contact = mcp
        .ok("reply_to_ticket", json!({"ticket_id": id, "intercom_user_id": contact_id, "body": "Thanks"}))
        .await;
    assert_eq!(by_contact["author"]["type"], "user", "{by_contact}");

    // The endpoints' own refusals.
    mcp.fails("create_ticket", json!({"contact_id": contact_id}), "parameter_not_found").await;
    mcp.fails("create_ticket", json!({"ticket_type_id": bug}), "parameter_not_found").await;
    mcp.fails("reply_to_ticket", json!({"ticket_id": id}), "parameter_not_found").await;
    mcp.fails("reply_to_ticket", json!({"body": "x"}), "parameter_not_found").await;
    mcp.fails("reply_to_ticket", json!({"ticket_id": "999999", "body": "x"}), "not_found").await;
}

// A tool's REST call is part of the MCP request: its error and its journal entry carry the MCP
// request's id (the one in the MCP answer's X-Request-Id).
backend_test!(mcp_rest_calls_carry_the_mcp_request_id);
async fn mcp_rest_calls_carry_the_mcp_request_id(app: TestApp) {
    let mcp = Mcp::new(&app);
    let request =
        mcp.request("tools/call", json!({"name": "get_contact", "arguments": {"id": "nope"}}), Some(1));
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, 200, "{body}");
    let result = &body["result"];
    assert_eq!(result["isError"], true, "{result}");
    let request_id = headers["x-request-id"].to_str().unwrap();
    assert_eq!(result["structuredContent"]["request_id"], request_id, "{result}");

    let (_, journal) = app.get("/_switchboard/requests?path=/contacts/nope").await;
    let entries = journal["data"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{journal}");
    assert_eq!(entries[0]["status"], 404);
    assert_eq!(entries[0]["request_id"], request_id, "{journal}");
}
