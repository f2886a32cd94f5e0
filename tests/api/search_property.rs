//! Property: random search queries return exactly what a naive evaluation of the same query
//! over the same contacts returns. Seeded, so a failure names a reproducible query. Custom
//! attributes of every type (string, integer, float, boolean, date) are among the fields, so
//! their typed index never changes an answer.

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
    score: Option<f64>,
    vip: Option<bool>,
    renewal: Option<i64>,
    tags: Vec<String>,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

const NAMES: [Option<&str>; 8] =
    [Some("Ann"), Some("ann"), Some("Bob"), Some("Cat_x"), Some("Dan%"), None, Some("Eve Ann"), Some("Zed")];
const PLANS: [Option<&str>; 4] = [Some("pro"), Some("free"), Some("Pro"), None];
/// Floats that are integers too (`2.0` is written as `2`) and some that are not.
const SCORES: [f64; 6] = [-1.5, 0.0, 0.1, 2.0, 2.5, 1e6];
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
        let score = rng.random_bool(0.7).then(|| *pick(rng, &SCORES));
        let vip = rng.random_bool(0.7).then(|| rng.random_bool(0.5));
        let renewal =
            rng.random_bool(0.7).then(|| JAN_1 + rng.random_range(0..5) * DAY + rng.random_range(0..DAY));
        let mut custom = serde_json::Map::new();
        if let Some(plan) = &plan {
            custom.insert("plan".into(), json!(plan));
        }
        if let Some(seats) = seats {
            custom.insert("seats".into(), json!(seats));
        }
        if let Some(score) = score {
            custom.insert("score".into(), json!(score));
        }
        if let Some(vip) = vip {
            custom.insert("vip".into(), json!(vip));
        }
        if let Some(renewal) = renewal {
            custom.insert("renewal".into(), json!(renewal));
        }
        let mut body = json!({"role": role, "name": name, "owner_id": owner, "unsubscribed_from_emails": unsubscribed, "custom_attributes": custom});
        if let Some(email) = &email {
            body["email"] = json!(email);
        } else if role == "user" {
            body["external_id"] = json!(format!("ext-{i}"));
        }
        let id = contact(app, body).await["id"].as_str().unwrap().to_owned();
        // A third of the contacts change their numbers after the create (null removes one), so
        // the index follows updates as well as creates.
        let (seats, score) = if rng.random_bool(0.3) {
            let seats = rng.random_bool(0.7).then(|| rng.random_range(0..5));
            let score = rng.random_bool(0.7).then(|| *pick(rng, &SCORES));
            let changes = json!({"custom_attributes": {"seats": seats, "score": score}});
            let (status, body) = app.put(&format!("/contacts/{id}"), changes).await;
            assert_eq!(status, 200, "{body}");
            (seats, score)
        } else {
            (seats, score)
        };
        let created_at = JAN_1 + rng.random_range(0..5) * DAY + rng.random_range(0..DAY);
        set_columns(app, &id, vec![("created_at", Value::from(created_at))]).await;
        let mut mine = Vec::new();
        for t in tags {
            if rng.random_bool(0.4) {
                tag_contact(app, &id, t).await;
                mine.push(t.clone());
            }
        }
        out.push(Person {
            id,
            role,
            name,
            email,
            owner,
            unsubscribed,
            created_at,
            plan,
            seats,
            score,
            vip,
            renewal,
            tags: mine,
        });
    }
    out
}

/// A random filter, with the naive predicate it stands for.
fn random_filter(rng: &mut StdRng, admin: i64, tags: &[String]) -> (Json, Pred) {
    let like = |hay: &Option<String>, needle: &str, f: fn(&str, &str) -> bool| {
        hay.as_deref().is_some_and(|h| f(&h.to_ascii_lowercase(), &needle.to_ascii_lowercase()))
    };
    match rng.random_range(0..12) {
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
        4 | 8 => {
            let t = JAN_1 + rng.random_range(-1..6) * DAY + rng.random_range(0..DAY);
            let day = t - t.rem_euclid(DAY);
            let op = *pick(rng, &["=", "<", ">"]);
            // A standard date and a custom one follow the same day rule.
            let (field, get): (&str, fn(&Person) -> Option<i64>) = if rng.random_bool(0.5) {
                ("created_at", |p| Some(p.created_at))
            } else {
                ("custom_attributes.renewal", |p| p.renewal)
            };
            let pred: Pred = match op {
                "=" => Box::new(move |p| get(p).is_some_and(|d| d >= day && d < day + DAY)),
                "<" => Box::new(move |p| get(p).is_some_and(|d| d < day)),
                _ => Box::new(move |p| get(p).is_some_and(|d| d >= day + DAY)),
            };
            (json!({"field": field, "operator": op, "value": t}), pred)
        }
        9 => {
            let x = *pick(rng, &SCORES);
            let op = *pick(rng, &["=", "!=", "<", ">", "<=", ">=", "IN", "NIN"]);
            let value = if op == "IN" || op == "NIN" { json!([x, 2.5]) } else { json!(x) };
            let pred: Pred = match op {
                "=" => Box::new(move |p| p.score == Some(x)),
                "!=" => Box::new(move |p| p.score != Some(x)),
                "<" => Box::new(move |p| p.score.is_some_and(|s| s < x)),
                ">" => Box::new(move |p| p.score.is_some_and(|s| s > x)),
                "<=" => Box::new(move |p| p.score.is_some_and(|s| s <= x)),
                ">=" => Box::new(move |p| p.score.is_some_and(|s| s >= x)),
                "IN" => Box::new(move |p| p.score.is_some_and(|s| s == x || s == 2.5)),
                _ => Box::new(move |p| p.score.is_none_or(|s| s != x && s != 2.5)),
            };
            (json!({"field": "custom_attributes.score", "operator": op, "value": value}), pred)
        }
        10 => {
            let b = rng.random_bool(0.5);
            let op = *pick(rng, &["=", "!=", "IN", "NIN"]);
            let value = if op == "IN" || op == "NIN" { json!([b]) } else { json!(b) };
            let pred: Pred = match op {
                "=" | "IN" => Box::new(move |p| p.vip == Some(b)),
                _ => Box::new(move |p| p.vip != Some(b)),
            };
            (json!({"field": "custom_attributes.vip", "operator": op, "value": value}), pred)
        }
        11 => {
            // `= null` and `!= null`: the attribute is absent, or present.
            let (field, get): (&str, fn(&Person) -> bool) = match rng.random_range(0..5) {
                0 => ("custom_attributes.plan", |p| p.plan.is_some()),
                1 => ("custom_attributes.seats", |p| p.seats.is_some()),
                2 => ("custom_attributes.score", |p| p.score.is_some()),
                3 => ("custom_attributes.vip", |p| p.vip.is_some()),
                _ => ("custom_attributes.renewal", |p| p.renewal.is_some()),
            };
            // Dates take `=` alone: `= null` only.
            let present = field != "custom_attributes.renewal" && rng.random_bool(0.5);
            let pred: Pred = Box::new(move |p| get(p) == present);
            (json!({"field": field, "operator": if present { "!=" } else { "=" }, "value": null}), pred)
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
    attribute(&app, "score", "float").await;
    attribute(&app, "vip", "boolean").await;
    attribute(&app, "renewal", "date").await;
    let admin: i64 = app.workspace.admin_id.parse().unwrap();
    let tags = vec![tag(&app, "red").await, tag(&app, "blue").await];
    let people = people(&app, &mut rng, admin, &tags).await;
    let mut discriminating = 0;
    for _ in 0..200 {
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
    assert!(discriminating > 100, "most queries split the contacts ({discriminating} of 200)");
}
