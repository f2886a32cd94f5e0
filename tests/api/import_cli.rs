//! `switchboard import contacts|companies FILE`, run as a second process beside the app on its
//! database: lines land as `POST /contacts` (or `POST /companies`) would write them, with their
//! tags and companies, and a refused line refuses its batch with the API's own error.

use std::process::Command;

use serde_json::{Value, json};

use crate::common::{TestApp, backend_test};

/// What one run printed on stdout (a JSON value a line) and whether it succeeded.
struct Run {
    printed: Vec<Value>,
    ok: bool,
}

impl Run {
    fn summary(&self) -> &Value {
        let last = self.printed.last().expect("a summary");
        assert_eq!(last["type"], "import.summary", "{last}");
        last
    }

    /// The refused lines: (line number, the error.list's errors).
    fn refused(&self) -> Vec<(u64, Value)> {
        let refused = self.printed.iter().filter(|v| v.get("line").is_some());
        refused.map(|v| (v["line"].as_u64().unwrap(), v["error"]["errors"].clone())).collect()
    }
}

fn import(app: &TestApp, object: &str, lines: &[Value], extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lines.ndjson");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["import", object])
        .arg(&file)
        .args(["--workspace", &app.workspace.workspace_id, "--database-url", &app.database_url()])
        .args(extra)
        .output()
        .expect("run switchboard import");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let printed = stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    Run { printed, ok: out.status.success() }
}

/// The errors of the error.list `POST path` answers for `body`.
async fn api_errors(app: &TestApp, path: &str, body: Value) -> Value {
    let (status, answer) = app.post(path, body).await;
    assert!(status.as_u16() >= 400, "{answer}");
    answer["errors"].clone()
}

backend_test!(imported_contacts_land_with_tags_and_companies);
async fn imported_contacts_land_with_tags_and_companies(app: TestApp) {
    let attribute = json!({"name": "plan", "model": "contact", "data_type": "string"});
    assert_eq!(app.post("/data_attributes", attribute).await.0, 200);
    let vip = app.post("/tags", json!({"name": "VIP"})).await.1["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post("/companies", json!({"company_id": "c-1", "name": "Acme"})).await.0, 200);
    assert_eq!(app.post("/companies", json!({"company_id": "c-2", "name": "Beta"})).await.0, 200);
    let lines = [
        json!({"email": "ann@x.io", "name": "Ann", "custom_attributes": {"plan": "pro"},
               "tags": ["vip", "new"], "companies": ["c-1", "c-2"]}),
        json!({"role": "lead", "email": "lead@x.io", "tags": ["new"]}),
        json!({"external_id": "bob-1", "companies": ["c-2"]}),
    ];
    let run = import(&app, "contacts", &lines, &[]);
    assert!(run.ok, "{:?}", run.printed);
    assert_eq!(run.summary()["written"], 3);
    assert_eq!(run.summary()["rejected_lines"], 0);

    let search = json!({"query": {"field": "email", "operator": "=", "value": "ann@x.io"}});
    let (_, found) = app.post("/contacts/search", search).await;
    let ann = &found["data"][0];
    assert_eq!(ann["custom_attributes"]["plan"], "pro");
    let id = ann["id"].as_str().unwrap();
    let (_, tags) = app.get(&format!("/contacts/{id}/tags")).await;
    let mut names: Vec<&str> =
        tags["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    // The existing tag is found without case; the missing one is created once for both lines.
    assert_eq!(names, ["VIP", "new"]);
    assert!(tags["data"].as_array().unwrap().iter().any(|t| t["id"] == json!(vip)));
    let (_, companies) = app.get(&format!("/contacts/{id}/companies")).await;
    assert_eq!(companies["total_count"], 2, "{companies}");
    let (_, all_tags) = app.get("/tags").await;
    assert_eq!(all_tags["data"].as_array().unwrap().len(), 2, "{all_tags}");

    // The custom attribute is searchable like one written through the API.
    let search = json!({"query": {"field": "custom_attributes.plan", "operator": "=", "value": "pro"}});
    let (status, found) = app.post("/contacts/search", search).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["total_count"], 1);
    let (_, list) = app.get("/contacts").await;
    assert_eq!(list["total_count"], 3);
}

backend_test!(a_refused_line_refuses_its_batch_with_the_api_error);
async fn a_refused_line_refuses_its_batch_with_the_api_error(app: TestApp) {
    let attribute = json!({"name": "seats", "model": "contact", "data_type": "integer"});
    assert_eq!(app.post("/data_attributes", attribute).await.0, 200);
    let bad_type = json!({"email": "b@x.io", "custom_attributes": {"seats": "many"}});
    let no_company = json!({"email": "d@x.io", "companies": ["nope"]});
    let lines = [
        json!({"email": "a@x.io"}),
        bad_type.clone(),
        json!({"email": "c@x.io"}),
        no_company,
        json!({"email": "e@x.io"}),
    ];
    let run = import(&app, "contacts", &lines, &["--batch-size", "2"]);
    assert!(!run.ok);
    let expected = api_errors(&app, "/contacts", bad_type).await;
    let (_, unknown) = app.get("/companies?company_id=nope").await;
    assert_eq!(run.refused(), [(2, expected), (4, unknown["errors"].clone())]);
    let batch = &run.printed[0]["batch"];
    assert_eq!((batch["first_line"].as_u64(), batch["last_line"].as_u64()), (Some(1), Some(2)));
    let summary = run.summary();
    assert_eq!((summary["lines"].as_u64(), summary["written"].as_u64()), (Some(5), Some(1)));
    assert_eq!(summary["rejected_batches"], 2);
    // Only the last batch landed.
    let (_, list) = app.get("/contacts").await;
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["data"][0]["email"], "e@x.io");

    // A line that is not JSON, or a bad `tags`, is refused before the database is asked.
    let run =
        import(&app, "contacts", &[json!("not an object"), json!({"email": "f@x.io", "tags": "vip"})], &[]);
    let refused = run.refused();
    assert_eq!(refused[0].1, api_errors(&app, "/contacts", json!("not an object")).await);
    assert_eq!(refused[1].0, 2);
    assert_eq!(refused[1].1[0]["field"], "tags");
}

backend_test!(a_second_run_refuses_the_duplicates_as_the_api_does);
async fn a_second_run_refuses_the_duplicates_as_the_api_does(app: TestApp) {
    let lines = [
        json!({"email": "Ann@X.io"}),
        json!({"external_id": "bob"}),
        json!({"role": "lead", "email": "l@x.io"}),
    ];
    assert!(import(&app, "contacts", &lines, &[]).ok);
    let run = import(&app, "contacts", &lines, &[]);
    assert!(!run.ok);
    let expected = api_errors(&app, "/contacts", json!({"email": "ann@x.io"})).await;
    assert_eq!(run.refused(), [(1, expected)]);
    assert_eq!(run.summary()["written"], 0);
    // Twice in one file: the second is refused, naming the first line.
    let run = import(&app, "contacts", &[json!({"email": "z@x.io"}), json!({"email": "Z@x.io"})], &[]);
    let refused = run.refused();
    assert_eq!(refused[0].0, 2);
    assert_eq!(refused[0].1[0]["code"], "conflict");
    let (_, list) = app.get("/contacts").await;
    assert_eq!(list["total_count"], 3);
}

backend_test!(companies_import_creates_and_updates);
async fn companies_import_creates_and_updates(app: TestApp) {
    let attribute = json!({"name": "tier", "model": "company", "data_type": "string"});
    assert_eq!(app.post("/data_attributes", attribute).await.0, 200);
    let lines = [
        json!({"company_id": "c-1", "name": "Acme", "plan": "pro", "custom_attributes": {"tier": "gold"}}),
        json!({"company_id": 42, "name": "Numbered", "size": 10}),
    ];
    let run = import(&app, "companies", &lines, &[]);
    assert!(run.ok, "{:?}", run.printed);
    assert_eq!(run.summary()["written"], 2);
    let (_, acme) = app.get("/companies?company_id=c-1").await;
    assert_eq!((acme["name"].as_str(), acme["plan"]["name"].as_str()), (Some("Acme"), Some("pro")), "{acme}");
    assert_eq!(acme["custom_attributes"]["tier"], "gold");

    // As `POST /companies`: a known company_id updates; a line without one is refused.
    let run = import(
        &app,
        "companies",
        &[json!({"company_id": "c-1", "name": "Acme Inc"}), json!({"name": "x"})],
        &[],
    );
    assert_eq!(run.refused(), [(2, api_errors(&app, "/companies", json!({"name": "x"})).await)]);
    let (_, acme_again) = app.get("/companies?company_id=c-1").await;
    assert_eq!(acme_again["name"], "Acme");
    let run = import(&app, "companies", &[json!({"company_id": "c-1", "name": "Acme Inc"})], &[]);
    assert!(run.ok);
    let (_, acme_again) = app.get("/companies?company_id=c-1").await;
    assert_eq!(acme_again["name"], "Acme Inc");
    assert_eq!(acme_again["id"], acme["id"]);
    let (_, numbered) = app.get("/companies?company_id=42").await;
    assert_eq!(
        (numbered["name"].as_str(), numbered["size"].as_i64()),
        (Some("Numbered"), Some(10)),
        "{numbered}"
    );
}

/// A contact as the API shows it, with what differs between two creations blanked.
fn normalised(contact: &Value) -> Value {
    let id = contact["id"].as_str().unwrap();
    let mut text = contact.to_string().replace(id, "ID");
    for field in ["created_at", "updated_at"] {
        text = text.replace(&format!("\"{field}\":{}", contact[field]), &format!("\"{field}\":0"));
    }
    serde_json::from_str(&text).unwrap()
}

async fn search_count(app: &TestApp, field: &str, operator: &str, value: Value) -> i64 {
    let query = json!({"query": {"field": field, "operator": operator, "value": value}});
    let (status, found) = app.post("/contacts/search", query).await;
    assert_eq!(status, 200, "{found}");
    found["total_count"].as_i64().unwrap()
}

backend_test!(values_with_tabs_newlines_backslashes_and_unicode_land_as_the_api_writes_them);
async fn values_with_tabs_newlines_backslashes_and_unicode_land_as_the_api_writes_them(app: TestApp) {
    for (name, data_type) in [("note", "string"), ("seats", "integer")] {
        let attribute = json!({"name": name, "model": "contact", "data_type": data_type});
        assert_eq!(app.post("/data_attributes", attribute).await.0, 200);
    }
    let tag_name = "Ünï \\ tag 😀";
    let tag = app.post("/tags", json!({"name": tag_name})).await.1["id"].as_str().unwrap().to_owned();
    let (_, company) = app.post("/companies", json!({"company_id": "c-1", "name": "Acme"})).await;
    let company = company["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post("/companies", json!({"company_id": "c-2", "name": "Beta"})).await.0, 200);
    let note = "a\tb\nc\r\\d \\N \"q\" ü 😀\\";
    let body = json!({
        "email": "tab@x.io", "name": "Tab\tName\nNext \\ back é 😀", "phone": "+1 201 555 0100",
        "last_seen_at": 1_700_000_500,
        "custom_attributes": {"note": note, "seats": 7},
    });

    // The reference: the same contact through the API, then deleted to free its email.
    let (status, created) = app.post("/contacts", body.clone()).await;
    assert_eq!(status, 200, "{created}");
    let created_id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post(&format!("/contacts/{created_id}/tags"), json!({"id": tag})).await.0, 200);
    assert_eq!(app.post(&format!("/contacts/{created_id}/companies"), json!({"id": company})).await.0, 200);
    let (_, reference) = app.get(&format!("/contacts/{created_id}")).await;
    assert_eq!(app.delete(&format!("/contacts/{created_id}")).await.0, 200);

    let mut line = body.clone();
    // Named twice (and in another case), applied and attached once.
    line["tags"] = json!([tag_name, tag_name.to_uppercase()]);
    line["companies"] = json!(["c-1", "c-1"]);
    let lines = [
        line,
        json!({"email": "late@x.io", "last_seen_at": 1_700_000_900, "companies": ["c-2"]}),
        json!({"email": "early@x.io", "last_seen_at": 1_700_000_100, "companies": ["c-2"]}),
        json!({"email": "never@x.io", "companies": ["c-2"]}),
    ];
    let run = import(&app, "contacts", &lines, &[]);
    assert!(run.ok, "{:?}", run.printed);
    assert_eq!(run.summary()["written"], 4);

    let search = json!({"query": {"field": "email", "operator": "=", "value": "tab@x.io"}});
    let (_, found) = app.post("/contacts/search", search).await;
    let id = found["data"][0]["id"].as_str().unwrap().to_owned();
    let (_, imported) = app.get(&format!("/contacts/{id}")).await;
    assert_eq!(normalised(&imported), normalised(&reference));
    assert_eq!(imported["custom_attributes"]["note"], note);
    let (_, tags) = app.get(&format!("/contacts/{id}/tags")).await;
    assert_eq!(tags["data"].as_array().unwrap().len(), 1, "{tags}");
    assert_eq!(tags["data"][0]["name"], tag_name);

    // The typed custom-attribute index and the text search see the values as written.
    assert_eq!(search_count(&app, "custom_attributes.note", "=", json!(note)).await, 1);
    assert_eq!(search_count(&app, "custom_attributes.note", "~", json!("\\d \\N")).await, 1);
    assert_eq!(search_count(&app, "custom_attributes.seats", ">", json!(6)).await, 1);
    assert_eq!(search_count(&app, "name", "~", json!("back é 😀")).await, 1);

    // Companies: attached once each; last_request_at is the latest last_seen_at attached.
    let (_, one) = app.get(&format!("/companies/{company}")).await;
    assert_eq!((one["user_count"].as_i64(), one["last_request_at"].as_i64()), (Some(1), Some(1_700_000_500)));
    let (_, two) = app.get("/companies?company_id=c-2").await;
    assert_eq!((two["user_count"].as_i64(), two["last_request_at"].as_i64()), (Some(3), Some(1_700_000_900)));
}

backend_test!(a_batch_refused_after_its_rows_were_written_leaves_nothing);
async fn a_batch_refused_after_its_rows_were_written_leaves_nothing(app: TestApp) {
    let attribute = json!({"name": "plan", "model": "contact", "data_type": "string"});
    assert_eq!(app.post("/data_attributes", attribute).await.0, 200);
    let (_, company) = app.post("/companies", json!({"company_id": "c-1", "name": "Acme"})).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let good: Vec<Value> = (0..3)
        .map(|i| {
            json!({"email": format!("u{i}@x.io"), "last_seen_at": 1_700_000_000 + i,
                   "custom_attributes": {"plan": "pro"}, "tags": ["fresh"], "companies": ["c-1"]})
        })
        .collect();
    // The unknown company is found after the batch's contacts were written: all of it goes.
    let mut lines = good.clone();
    lines.push(json!({"email": "u3@x.io", "tags": ["fresh"], "companies": ["c-1", "nope"]}));
    let run = import(&app, "contacts", &lines, &[]);
    assert!(!run.ok);
    assert_eq!(run.refused().iter().map(|(line, _)| *line).collect::<Vec<_>>(), [4]);
    assert_eq!(run.summary()["written"], 0);
    assert_eq!(app.get("/contacts").await.1["total_count"], 0);
    assert_eq!(app.get("/tags").await.1["data"].as_array().unwrap().len(), 0);
    assert_eq!(search_count(&app, "custom_attributes.plan", "=", json!("pro")).await, 0);
    let (_, acme) = app.get(&format!("/companies/{company}")).await;
    assert_eq!((acme["user_count"].as_i64(), acme["last_request_at"].as_i64()), (Some(0), None), "{acme}");

    // The same lines without the bad one load whole.
    let run = import(&app, "contacts", &good, &[]);
    assert!(run.ok, "{:?}", run.printed);
    assert_eq!(app.get("/contacts").await.1["total_count"], 3);
    assert_eq!(search_count(&app, "custom_attributes.plan", "=", json!("pro")).await, 3);
    let (_, acme) = app.get(&format!("/companies/{company}")).await;
    assert_eq!(
        (acme["user_count"].as_i64(), acme["last_request_at"].as_i64()),
        (Some(3), Some(1_700_000_002))
    );
}
