//! The seeded generator: realistic workspaces as the JSON bodies of Intercom API requests.
//!
//! Every item is drawn from its own random stream, `(seed, kind, index)`, so a run gives the same
//! data whatever the order or the concurrency of the requests. The PRNG is written here
//! (SplitMix64) so that the data cannot change with a dependency's version.

use serde_json::{Value, json};

/// Timestamps are drawn relative to a fixed instant (2024-01-01T00:00:00Z), not the clock.
const EPOCH: i64 = 1_704_067_200;
const YEAR: i64 = 365 * 24 * 3600;

pub struct Rng(u64);

impl Rng {
    /// The stream of item `index` of `kind` (a small constant per kind of item).
    pub fn item(seed: u64, kind: u64, index: u64) -> Rng {
        let mut rng =
            Rng(seed ^ kind.wrapping_mul(0xA076_1D64_78BD_642F) ^ index.wrapping_mul(0xE703_7ED1_A0B4_28DB));
        rng.next();
        rng
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }

    pub fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low).max(1) as u64) as i64
    }
}

const CONTACT: u64 = 1;
const COMPANY: u64 = 2;
const CONVERSATION: u64 = 3;

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Aaliyah", "Adam", "Aisha", "Alejandro", "Alice", "Amara", "Amelia", "Ana", "Andrei", "Anna",
    "Arjun", "Ava", "Benjamin", "Bianca", "Carlos", "Charlotte", "Chen", "Chloe", "Daniel", "David",
    "Diego", "Elena", "Elif", "Emma", "Ethan", "Fatima", "Felix", "Freya", "Gabriel", "Grace", "Hana",
    "Hannah", "Hiroshi", "Ibrahim", "Ines", "Isabella", "Ivan", "Jack", "James", "Joanne", "Johan",
    "John", "Jose", "Julia", "Kai", "Karim", "Kenji", "Laila", "Lars", "Laura", "Leila", "Liam",
    "Lucas", "Lucia", "Maria", "Mateo", "Maya", "Mei", "Mia", "Mohammed", "Nadia", "Noah", "Nora",
    "Oliver", "Olivia", "Omar", "Pablo", "Priya", "Rahul", "Rosa", "Sakura", "Samuel", "Sara",
    "Sebastian", "Sofia", "Sophie", "Tariq", "Thomas", "Tomas", "Valentina", "Victor", "William",
    "Yara", "Yusuf", "Zara", "Zoe",
];

#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Abadi", "Adeyemi", "Andersen", "Bauer", "Becker", "Bianchi", "Brown", "Campbell", "Castro", "Chen",
    "Costa", "Davies", "Dubois", "Evans", "Fernandez", "Fischer", "Garcia", "Gonzalez", "Gupta",
    "Hansen", "Hernandez", "Hoffmann", "Ivanova", "Jansen", "Johnson", "Kim", "Kowalski", "Kumar",
    "Larsen", "Lee", "Lopez", "Martin", "Martinez", "Moreau", "Muller", "Murphy", "Nakamura", "Nguyen",
    "Novak", "Nowak", "OBrien", "Okafor", "Olsen", "Patel", "Petrov", "Popescu", "Ramirez", "Rossi",
    "Sato", "Schmidt", "Schneider", "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Thompson",
    "Walsh", "Wang", "Weber", "Williams", "Wilson", "Wright", "Yamamoto", "Yilmaz", "Young", "Zhang",
    "Zielinski",
];

const MAIL_DOMAINS: &[&str] = &["mail.example", "inbox.example", "post.example", "webmail.example"];

#[rustfmt::skip]
const CITIES: &[&str] = &[
    "Amsterdam", "Austin", "Berlin", "Bogota", "Cape Town", "Chicago", "Dublin", "Istanbul", "Lagos",
    "Lisbon", "London", "Madrid", "Melbourne", "Mexico City", "Mumbai", "Nairobi", "New York", "Paris",
    "Sao Paulo", "Seoul", "Singapore", "Stockholm", "Tokyo", "Toronto", "Warsaw",
];

const PLANS: &[&str] = &["free", "starter", "pro", "enterprise"];

#[rustfmt::skip]
const COMPANY_WORDS: &[&str] = &[
    "Acme", "Apex", "Blue", "Bright", "Cedar", "Cloud", "Delta", "Echo", "Falcon", "Green", "Harbor",
    "Iron", "Juniper", "Kite", "Lumen", "Maple", "Nimbus", "North", "Orbit", "Pine", "Quantum", "River",
    "Signal", "Summit", "Terra", "Vertex", "Willow",
];

const COMPANY_KINDS: &[&str] = &["Labs", "Systems", "Works", "Group", "Partners", "Digital", "Logistics"];

const INDUSTRIES: &[&str] =
    &["Software", "Retail", "Healthcare", "Finance", "Manufacturing", "Education", "Media", "Travel"];

#[rustfmt::skip]
pub const TAGS: &[&str] = &[
    "vip", "beta", "churn-risk", "newsletter", "trial", "enterprise-lead", "partner", "advocate",
    "support-heavy", "onboarding", "upsell", "renewal-q1", "renewal-q2", "renewal-q3", "renewal-q4",
    "event-2024", "webinar", "integration-api", "integration-sdk", "feedback",
];

/// The contact custom attributes, one of each data type (`office_city` stands in for the
/// location, which Intercom derives from the messenger and does not take through the API).
pub const CONTACT_ATTRIBUTES: &[(&str, &str)] = &[
    ("plan", "string"),
    ("seats", "integer"),
    ("mrr", "float"),
    ("vip", "boolean"),
    ("trial_ends_at", "date"),
    ("office_city", "string"),
];

pub const SENTENCES: &[&str] = &[
    "Hi, I can't log in since this morning.",
    "How do I export my invoices as CSV?",
    "The mobile app crashes when I open settings.",
    "Can we upgrade to the annual plan?",
    "Thanks, that fixed it!",
    "Is there an API to sync our CRM contacts?",
    "Our team needs two more seats, how do we add them?",
    "The webhook stopped firing after we rotated the token.",
    "Could you reset the password for our shared account?",
    "We were charged twice this month.",
];

/// What the loader needs to create one contact and link it.
pub struct ContactPlan {
    pub body: Value,
    pub role: &'static str,
    pub email: String,
    pub external_id: Option<String>,
    pub name: String,
    /// Three lowercase letters of the last name: the value of the benchmark's `~` searches.
    pub name_part: String,
    /// Indexes into `TAGS`.
    pub tags: Vec<usize>,
    /// Index of the company to attach the contact to.
    pub company: Option<u64>,
}

pub struct Sizes {
    pub contacts: u64,
    pub companies: u64,
}

pub fn contact(seed: u64, i: u64, sizes: &Sizes, owner_id: Option<&str>, attributes: &[&str]) -> ContactPlan {
    let mut rng = Rng::item(seed, CONTACT, i);
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    let name = format!("{first} {last}");
    let role = if rng.percent(85) { "user" } else { "lead" };
    let company = (sizes.companies > 0 && rng.percent(60)).then(|| rng.below(sizes.companies));
    let domain = match company {
        Some(c) => company_domain(c),
        None => rng.pick(MAIL_DOMAINS).to_owned(),
    };
    let email = format!("{}.{}.{i}@{domain}", first.to_lowercase(), last.to_lowercase());
    let external_id = (role == "user").then(|| format!("usr_{i:08}"));
    let mut body = json!({ "role": role, "email": email, "name": name });
    if let Some(external_id) = &external_id {
        body["external_id"] = json!(external_id);
        let signed_up_at = EPOCH - rng.between(0, 3 * YEAR);
        body["signed_up_at"] = json!(signed_up_at);
        body["last_seen_at"] = json!(signed_up_at + rng.between(0, EPOCH - signed_up_at));
    }
    if rng.percent(70) {
        body["phone"] = json!(match rng.below(3) {
            0 => format!("+1 {} 555 {:04}", rng.between(201, 990), rng.below(10_000)),
            1 => format!("+44 20 7946 {:04}", rng.below(10_000)),
            _ => format!("+353 87 {:07}", rng.below(10_000_000)),
        });
    }
    if rng.percent(20) {
        body["avatar"] = json!(format!("https://avatars.example/{i}.png"));
    }
    if let Some(owner) = owner_id.filter(|_| rng.percent(30)) {
        body["owner_id"] = json!(owner.parse::<i64>().unwrap_or_default());
    }
    if rng.percent(10) {
        body["unsubscribed_from_emails"] = json!(true);
    }
    if !attributes.is_empty() {
        let mut attrs = serde_json::Map::new();
        if rng.percent(80) {
            attrs.insert("plan".into(), json!(rng.pick(PLANS)));
        }
        if rng.percent(80) {
            attrs.insert("seats".into(), json!(rng.between(1, 500)));
        }
        if rng.percent(80) {
            attrs.insert("mrr".into(), json!(rng.between(0, 500_000) as f64 / 100.0));
        }
        if rng.percent(80) {
            attrs.insert("vip".into(), json!(rng.percent(5)));
        }
        if rng.percent(50) {
            attrs.insert("trial_ends_at".into(), json!(EPOCH + rng.between(0, YEAR / 4)));
        }
        if rng.percent(90) {
            attrs.insert("office_city".into(), json!(rng.pick(CITIES)));
        }
        attrs.retain(|name, _| attributes.contains(&name.as_str()));
        body["custom_attributes"] = Value::Object(attrs);
    }
    let mut tags = Vec::new();
    for _ in 0..rng.below(4) {
        let tag = rng.below(TAGS.len() as u64) as usize;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let name_part = last.to_lowercase().chars().skip(1).take(3).collect();
    ContactPlan { body, role, email, external_id, name, name_part, tags, company }
}

fn company_domain(c: u64) -> String {
    format!("company{c}.example")
}

/// The body of `POST /companies` for company `i`.
pub fn company(seed: u64, i: u64) -> Value {
    let mut rng = Rng::item(seed, COMPANY, i);
    let name = format!("{} {} {i}", rng.pick(COMPANY_WORDS), rng.pick(COMPANY_KINDS));
    json!({
        "company_id": format!("cmp_{i:07}"),
        "name": name,
        "plan": rng.pick(PLANS),
        "size": rng.between(1, 5000),
        "website": format!("https://{}", company_domain(i)),
        "industry": rng.pick(INDUSTRIES),
        "monthly_spend": rng.between(0, 50_000),
        "remote_created_at": EPOCH - rng.between(0, 5 * YEAR),
    })
}

/// A conversation: which contact starts it, its first message, and the replies that follow
/// (`true` for the admin's, `false` for the contact's).
pub struct ConversationPlan {
    pub contact: u64,
    pub body: String,
    pub replies: Vec<(bool, String)>,
}

pub fn conversation(seed: u64, i: u64, contacts: u64) -> ConversationPlan {
    let mut rng = Rng::item(seed, CONVERSATION, i);
    let contact = rng.below(contacts);
    let body = rng.pick(SENTENCES).to_owned();
    let replies = (0..rng.below(4)).map(|n| (n % 2 == 0, rng.pick(SENTENCES).to_owned())).collect();
    ConversationPlan { contact, body, replies }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_do_not_depend_on_the_run_size() {
        let small = Sizes { contacts: 10, companies: 2 };
        let a = contact(42, 7, &small, None, &["plan"]);
        let b = contact(42, 7, &small, None, &["plan"]);
        assert_eq!(a.body, b.body);
        assert_ne!(contact(43, 7, &small, None, &["plan"]).body, a.body);
        assert_eq!(company(42, 3), company(42, 3));
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = Rng::item(1, 1, 1);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
    }
}
