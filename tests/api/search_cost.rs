//! A search's cost follows what it finds, not the size of the workspace: on SQLite (whose
//! planner, without statistics, plans the same for any data) a search by contact (of
//! tickets or conversations) takes the same number of steps, within 2% (a B-tree one level deeper
//! moves a few), after 60 tickets and 60 conversations of another contact are added: a plan
//! that read the workspace would take some ten steps more per added row. Each search also
//! runs on PostgreSQL, for its answers.

use serde_json::{Value as Json, json};

use crate::common::{TestApp, backend_test};
use crate::conversations::{start, user};
use crate::ticket_fixtures::{ticket, ticket_type};

/// `POST path` with `body`: its total_count and SQLite's steps for it.
async fn cost(app: &TestApp, path: &str, body: &Json) -> (i64, u64) {
    let ((status, found), counted) = switchboard::store::count_statements(app.post(path, body.clone())).await;
    assert_eq!(status, 200, "{found}");
    (found["total_count"].as_i64().unwrap(), counted.sqlite_steps)
}

backend_test!(a_search_by_contact_costs_the_same_in_a_larger_workspace);
async fn a_search_by_contact_costs_the_same_in_a_larger_workspace(app: TestApp) {
    let bug = ticket_type(&app, "Bug", "Customer").await;
    let joe = user(&app, "joe@example.com").await;
    // More than ten: a page of more keys than SQLite's guess for a workspace's rows.
    for n in 0..12 {
        ticket(&app, &bug, &joe, &format!("Joe's {n}"), json!({})).await;
    }
    start(&app, &joe, "Hello from Joe").await;
    let searches = [
        (
            "/tickets/search",
            json!({"query": {"operator": "AND", "value": [
                {"field": "contact_ids", "operator": "=", "value": joe},
                {"field": "state", "operator": "!=", "value": "resolved"}]}}),
        ),
        ("/conversations/search", json!({"query": {"field": "contact_ids", "operator": "=", "value": joe}})),
    ];
    let mut before = Vec::new();
    for (path, body) in &searches {
        before.push(cost(&app, path, body).await);
    }
    assert_eq!(before.iter().map(|(total, _)| *total).collect::<Vec<_>>(), [12, 1]);

    let ann = user(&app, "ann@example.com").await;
    for n in 0..60 {
        ticket(&app, &bug, &ann, &format!("Ann's {n}"), json!({})).await;
        start(&app, &ann, &format!("Hello from Ann {n}")).await;
    }
    for ((path, body), (total, steps)) in searches.iter().zip(before) {
        let (total_now, steps_now) = cost(&app, path, body).await;
        assert_eq!(total_now, total, "{path} {body}");
        assert!(
            steps_now <= steps + steps / 50,
            "{path} {body}: {steps} SQLite steps, {steps_now} in the larger workspace"
        );
    }
}
