//! Property: random search queries return exactly what a naive evaluation of the same query
//! over the same contacts returns. Seeded, so a failure names a reproducible query.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_query::Value;
use serde_json::{Value as Json, json};
use std::collections::BTreeSet;

use crate::common::{TestApp, backend_test};
use crate::contact_fixtures::{attribute, contact, set_columns, tag, tag_contact};

const JAN_1: i64 = 1_577_836_800;
const DAY: i64 = 86_400;

/// The naive evaluation of a query.
type Pred = Box<dyn Fn(&Person) -> bool>;

/// What the naive evaluator knows of a contact.
#[derive(Debug, Clone)]
struct Person {
    id: String,
    role: &'static str,
    name: Option<String>,
    email: Option<String>,
    owner: Option<i64>,
    unsubscribed: bool,
    created_at: i64,
    plan: Option<String>,
    seats: Option<i64>,
    tags: Vec<String>,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

const NAMES: [Option<&str>; 8] =
    [Some("Ann"), Some("ann"), Some("Bob"), Some("Cat_x"), Some("Dan%"), None, Some("Eve Ann"), Some("Zed")];
const PLANS: [Option<&str>; 4] = [Some("pro"), Some("free"), Some("Pro"), None];
const TEXTS: [&str; 11] = ["ann", "Ann", "a", "x", "_", "%", "b@", ".io", "zed", "a%n", "\"an"];

async fn people(app: &TestApp, rng: &mut StdRng, admin: i64, tags: &[String]) -> Vec<Person> {
    let mut out = Vec::new();
    for i in 0..40 {
        let role = if rng.random_bool(0.8) { "user" } else { "lead" };
        let name = pick(rng, &NAMES).map(str::to_owned);
        let email = rng
            .random_bool(0.85)
            .then(|| format!("{}{i}@{}", pick(rng, &["a", "B", "ann"]), pick(rng, &["x.io", "Y.org"])));
        let owner = rng.random_bool(0.5).then_some(admin);
        let unsubscribed = rng.random_bool(0.3);
        let plan = pick(rng, &PLANS).map(str::to_owned);
        let seats = rng.random_bool(0.7).then(|| rng.random_range(0..5));
        let mut custom = serde_json::Map::new();
        if let Some(plan) = &plan {
            custom.insert("plan".into(), json!(plan));
        }
        if let Some(seats) = seats {
            custom.insert("seats".into(), json!(seats));
        }
        let mut body = json!({"role": role, "name": name, "owner_id": owner, "unsubscribed_from_emails": unsubscribed, "custom_attributes": custom});
        if let Some(email) = &email {
            body["email"] = json!(email);
        } else if role == "user" {
            body["external_id"] = json!(format!("ext-{i}"));
        }
        let id = contact(app, body).await["id"].as_str().unwrap().to_owned();
        let created_at = JAN_1 + rng.random_range(0..5) * DAY + rng.random_range(0..DAY);
        set_columns(app, &id, vec![("created_at", Value::from(created_at))]).await;
        let mut mine = Vec::new();
        for t in tags {
            if rng.random_bool(0.4) {
                tag_contact(app, &id, t).await;
                mine.push(t.clone());
            }
        }
        out.push(Person { id, role, name, email, owner, unsubscribed, created_at, plan, seats, tags: mine });
    }
    out
}

/// A random filter, with the naive predicate it stands for.
fn random_filter(rng: &mut StdRng, admin: i64, tags: &[String]) -> (Json, Pred) {
    let like = |hay: &Option<String>, needle: &str, f: fn(&str, &str) -> bool| {
        hay.as_deref().is_some_and(|h| f(&h.to_ascii_lowercase(), &needle.to_ascii_lowercase()))
    };
    match rng.random_range(0..8) {
        0 | 1 => {
            let (field, get): (&str, fn(&Person) -> Option<String>) = if rng.random_bool(0.5) {
                ("name", |p| p.name.clone())
            } else {
                ("custom_attributes.plan", |p| p.plan.clone())
            };
            let text = pick(rng, &TEXTS).to_string();
            let op = *pick(rng, &["=", "!=", "~", "!~", "^", "$", "IN", "NIN"]);
            let value = match op {
                "IN" | "NIN" => json!([text, pick(rng, &["Bob", "free", "Zed"])]),
                _ => json!(text),
            };
            let list: Vec<String> = value
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            let pred: Pred = match op {
                "=" => Box::new(move |p| get(p).as_deref() == Some(text.as_str())),
                "!=" => Box::new(move |p| get(p).as_deref() != Some(text.as_str())),
                "~" => Box::new(move |p| like(&get(p), &text, |h, n| h.contains(n))),
                "!~" => Box::new(move |p| !like(&get(p), &text, |h, n| h.contains(n))),
                "^" => Box::new(move |p| like(&get(p), &text, |h, n| h.starts_with(n))),
                "$" => Box::new(move |p| like(&get(p), &text, |h, n| h.ends_with(n))),
                "IN" => Box::new(move |p| get(p).is_some_and(|v| list.contains(&v))),
                _ => Box::new(move |p| get(p).is_none_or(|v| !list.contains(&v))),
            };
            (json!({"field": field, "operator": op, "value": value}), pred)
        }
        2 => {
            let text = pick(rng, &["ANN", "b", "x.io", "@y.ORG", "a1"]).to_string();
            let op = *pick(rng, &["=", "!=", "~", "!~", "^", "$"]);
            let value = if op == "=" || op == "!=" {
                format!("{text}{}@x.io", rng.random_range(0..40))
            } else {
                text
            };
            let v = value.clone();
            let pred: Pred = match op {
                "=" => Box::new(move |p| p.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&v))),
                "!=" => Box::new(move |p| !p.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&v))),
                "~" => Box::new(move |p| like(&p.email, &v, |h, n| h.contains(n))),
                "!~" => Box::new(move |p| !like(&p.email, &v, |h, n| h.contains(n))),
                "^" => Box::new(move |p| like(&p.email, &v, |h, n| h.starts_with(n))),
                _ => Box::new(move |p| like(&p.email, &v, |h, n| h.ends_with(n))),
            };
            (json!({"field": "email", "operator": op, "value": value}), pred)
        }
        3 => {
            let n = rng.random_range(-1..6);
            let op = *pick(rng, &["=", "!=", "<", ">", "<=", ">=", "IN", "NIN"]);
            let value = if op == "IN" || op == "NIN" { json!([n, n + 2]) } else { json!(n) };
            let pred: Pred = match op {
                "=" => Box::new(move |p| p.seats == Some(n)),
                "!=" => Box::new(move |p| p.seats != Some(n)),
                "<" => Box::new(move |p| p.seats.is_some_and(|s| s < n)),
                ">" => Box::new(move |p| p.seats.is_some_and(|s| s > n)),
                "<=" => Box::new(move |p| p.seats.is_some_and(|s| s <= n)),
                ">=" => Box::new(move |p| p.seats.is_some_and(|s| s >= n)),
                "IN" => Box::new(move |p| p.seats.is_some_and(|s| s == n || s == n + 2)),
                _ => Box::new(move |p| p.seats.is_none_or(|s| s != n && s != n + 2)),
            };
            (json!({"field": "custom_attributes.seats", "operator": op, "value": value}), pred)
        }
        4 => {
            let t = JAN_1 + rng.random_range(-1..6) * DAY + rng.random_range(0..DAY);
            let day = t - t.rem_euclid(DAY);
            let op = *pick(rng, &["=", "<", ">"]);
            let pred: Pred = match op {
                "=" => Box::new(move |p| p.created_at >= day && p.created_at < day + DAY),
                "<" => Box::new(move |p| p.created_at < day),
                _ => Box::new(move |p| p.created_at >= day + DAY),
            };
            (json!({"field": "created_at", "operator": op, "value": t}), pred)
        }
        5 => {
            let t = pick(rng, tags).clone();
            let positive = rng.random_bool(0.5);
            let tt = t.clone();
            let pred: Pred = Box::new(move |p| p.tags.contains(&tt) == positive);
            (json!({"field": "tag_id", "operator": if positive { "=" } else { "!=" }, "value": t}), pred)
        }
        6 => {
            let b = rng.random_bool(0.5);
            let op = *pick(rng, &["=", "!="]);
            let pred: Pred = if op == "=" {
                Box::new(move |p| p.unsubscribed == b)
            } else {
                Box::new(move |p| p.unsubscribed != b)
            };
            (json!({"field": "unsubscribed_from_emails", "operator": op, "value": b}), pred)
        }
        _ => {
            if rng.random_bool(0.5) {
                let role = *pick(rng, &["user", "lead"]);
                (json!({"field": "role", "operator": "=", "value": role}), Box::new(move |p| p.role == role))
            } else {
                let op = *pick(rng, &["=", "!="]);
                let pred: Pred = if op == "=" {
                    Box::new(move |p| p.owner == Some(admin))
                } else {
                    Box::new(move |p| p.owner != Some(admin))
                };
                (json!({"field": "owner_id", "operator": op, "value": admin}), pred)
            }
        }
    }
}

/// A random query of at most two levels of groups.
fn random_query(rng: &mut StdRng, depth: usize, admin: i64, tags: &[String]) -> (Json, Pred) {
    if depth == 2 || rng.random_bool(0.4) {
        return random_filter(rng, admin, tags);
    }
    let and = rng.random_bool(0.5);
    let (items, preds): (Vec<Json>, Vec<Pred>) =
        (0..rng.random_range(1..4)).map(|_| random_query(rng, depth + 1, admin, tags)).unzip();
    let pred: Pred = if and {
        Box::new(move |p| preds.iter().all(|f| f(p)))
    } else {
        Box::new(move |p| preds.iter().any(|f| f(p)))
    };
    (json!({"operator": if and { "AND" } else { "OR" }, "value": items}), pred)
}

backend_test!(random_queries_match_a_naive_evaluation);
async fn random_queries_match_a_naive_evaluation(app: TestApp) {
    let mut rng = StdRng::seed_from_u64(0x5eed_c0ffee);
    attribute(&app, "plan", "string").await;
    attribute(&app, "seats", "integer").await;
    let admin: i64 = app.workspace.admin_id.parse().unwrap();
    let tags = vec![tag(&app, "red").await, tag(&app, "blue").await];
    let people = people(&app, &mut rng, admin, &tags).await;
    let mut discriminating = 0;
    for _ in 0..150 {
        let (query, pred) = random_query(&mut rng, 0, admin, &tags);
        let expected: BTreeSet<&str> = people.iter().filter(|p| pred(p)).map(|p| p.id.as_str()).collect();
        let (status, body) =
            app.post("/contacts/search", json!({"query": query, "pagination": {"per_page": 150}})).await;
        assert_eq!(status, 200, "{query}: {body}");
        let got: BTreeSet<&str> =
            body["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(got, expected, "{query}");
        assert_eq!(body["total_count"], expected.len(), "{query}");
        if !expected.is_empty() && expected.len() < people.len() {
            discriminating += 1;
        }
    }
    assert!(discriminating > 75, "most queries split the contacts ({discriminating} of 150)");
}
