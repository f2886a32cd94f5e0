use serde_json::json;

use super::*;

#[test]
fn parses_the_enum_and_preview() {
    assert_eq!(Version::parse("2.14"), Some(Version::V2_14));
    assert_eq!(Version::parse(" 2.16 "), Some(Version::V2_16));
    assert_eq!(Version::parse("unstable"), Some(Version::Preview));
    assert_eq!(Version::parse("preview").map(Version::as_str), Some("Preview"));
    assert_eq!(Version::parse("2.99"), None);
    assert_eq!(Version::parse("2.1.0"), None);
    assert_eq!(Version::parse(""), None);
    assert!(
        Version::V1_0 < Version::V2_7 && Version::V2_9 < Version::V2_10 && Version::V2_16 < Version::Preview
    );
    assert_eq!(Version::V2_10.to_string(), "2.10");
}

#[test]
fn drops_fields_a_version_lacks_and_retypes_the_rest() {
    let admin = json!({"type": "admin", "id": "1", "avatar": "https://x/a.png", "away_status_reason_id": null,
                       "team_priority_level": {}, "role": null});
    let at = |version| {
        let mut body = admin.clone();
        shape(version, &mut body);
        body
    };
    assert_eq!(at(Version::V2_7), json!({"type": "admin", "id": "1", "avatar": "https://x/a.png"}));
    assert_eq!(at(Version::V2_0), at(Version::V2_7));
    assert_eq!(at(Version::V2_11)["avatar"], json!({"type": "avatar", "image_url": "https://x/a.png"}));
    assert!(at(Version::V2_11).get("away_status_reason_id").is_none());
    assert_eq!(at(Version::V2_14)["avatar"], json!("https://x/a.png"));
    assert!(at(Version::V2_14).get("role").is_none());
    assert_eq!(at(Version::V2_16), admin);
}

#[test]
fn walks_lists_and_nested_objects_by_their_place() {
    let mut body = json!({"type": "conversation.list", "conversations": [{
        "type": "conversation", "priority": "high", "admin_assignee_id": 0, "scorecards": [],
        "source": {"type": "conversation", "recipients": [], "author": {"type": "user", "is_ai_answer": false}},
        "conversation_parts": {"type": "conversation_part.list", "conversation_parts": [
            {"type": "conversation_part", "state": "open", "author": {"type": "admin", "from_ai_agent": false}}
        ]}
    }]});
    shape(Version::V2_11, &mut body);
    assert_eq!(
        body,
        json!({"type": "conversation.list", "conversations": [{
            "type": "conversation", "priority": "priority", "admin_assignee_id": null,
            "source": {"type": "conversation", "author": {"type": "user"}},
            "conversation_parts": {"type": "conversation_part.list", "conversation_parts": [
                {"type": "conversation_part", "author": {"type": "admin"}}
            ]}
        }]})
    );
}

#[test]
fn leaves_out_list_items_a_version_cannot_describe() {
    let listed = json!({"type": "list", "data": [
        {"type": "data_attribute", "model": "contact"}, {"type": "data_attribute", "model": "conversation"}
    ]});
    // 2.11 lists conversation attributes; 2.16 takes no such model.
    let mut at_2_11 = listed.clone();
    shape(Version::V2_11, &mut at_2_11);
    assert_eq!(at_2_11, listed);
    let mut at_2_16 = listed;
    shape(Version::V2_16, &mut at_2_16);
    assert_eq!(at_2_16, json!({"type": "list", "data": [{"type": "data_attribute", "model": "contact"}]}));
}

/// A contact with every field a contact rule touches set: `formatted_phone`, `owner_id`,
/// `merge_history`, and `enabled_push_messaging` (null, as served).
fn every_rule_contact(id: &str) -> crate::domain::contact::Contact {
    use crate::domain::contact::{
        Contact, Location, MergeHistoryItem, Role, SocialProfiles, Summary, SummaryKind,
    };
    let summary = |kind| Summary::of(kind, id, vec!["7".into()], 1);
    let text = |s: &str| Some(s.to_owned());
    Contact {
        kind: "contact",
        id: id.into(),
        workspace_id: "ws1".into(),
        external_id: text("u-1"),
        role: Role::User,
        email: text("a@x.io"),
        email_domain: text("x.io"),
        phone: text("+1 555"),
        formatted_phone: text("+1555"),
        name: text("Ann \"Quoted\" Smith"),
        avatar: text("https://x/a.png"),
        owner_id: Some(42),
        social_profiles: SocialProfiles::none(),
        has_hard_bounced: false,
        marked_email_as_spam: true,
        unsubscribed_from_emails: false,
        created_at: 1,
        updated_at: 2,
        signed_up_at: Some(3),
        last_seen_at: None,
        last_replied_at: None,
        last_contacted_at: None,
        last_email_opened_at: None,
        last_email_clicked_at: None,
        language_override: None,
        browser: text("firefox"),
        browser_version: None,
        browser_language: None,
        os: None,
        location: Location {
            kind: "location",
            country: text("France"),
            region: None,
            city: text("Paris"),
            country_code: None,
            continent_code: None,
        },
        android_app_name: None,
        android_app_version: None,
        android_device: None,
        android_os_version: None,
        android_sdk_version: None,
        android_last_seen_at: None,
        ios_app_name: None,
        ios_app_version: None,
        ios_device: None,
        ios_os_version: None,
        ios_sdk_version: None,
        ios_last_seen_at: None,
        custom_attributes: json!({"plan": "pro", "seats": 3}).as_object().unwrap().clone(),
        tags: summary(SummaryKind::Tags),
        notes: summary(SummaryKind::Notes),
        companies: summary(SummaryKind::Companies),
        opted_out_subscription_types: summary(SummaryKind::OptedOut),
        opted_in_subscription_types: summary(SummaryKind::OptedIn),
        utm_campaign: None,
        utm_content: None,
        utm_medium: None,
        utm_source: None,
        utm_term: None,
        referrer: None,
        enabled_push_messaging: None,
        merge_history: Some(vec![MergeHistoryItem {
            kind: "merge_history_item",
            source_contact_id: "b".into(),
            source_contact_role: Role::Lead,
            merged_at: Some(5),
        }]),
    }
}

/// What [`shape`] makes of `body` in `version`, written out.
fn reshaped(version: Version, body: &impl Serialize) -> Vec<u8> {
    let mut value = serde_json::to_value(body).unwrap();
    shape(version, &mut value);
    serde_json::to_vec(&value).unwrap()
}

#[test]
fn a_type_that_shapes_itself_writes_what_shape_makes_of_it() {
    use crate::domain::pages::{CursorList, CursorPages};
    let mut without_extras = every_rule_contact("c2");
    without_extras.owner_id = None;
    without_extras.formatted_phone = None;
    without_extras.merge_history = None;
    let page = CursorList::paged(
        vec![every_rule_contact("c1"), without_extras.clone()],
        9,
        CursorPages::new(1, 2, 9, Some("c2".into())),
    );
    for (version, _) in Version::ALL {
        for contact in [every_rule_contact("c1"), without_extras.clone()] {
            let direct = to_vec_shaped(*version, &contact).unwrap();
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                String::from_utf8(reshaped(*version, &contact)).unwrap()
            );
        }
        assert_eq!(to_vec_shaped(*version, &page).unwrap(), reshaped(*version, &page), "{version}");
    }
    // Outside `to_vec_shaped`, the newest shape, as before.
    let newest: serde_json::Value = serde_json::to_value(every_rule_contact("c1")).unwrap();
    assert_eq!(newest["owner_id"], json!(42));
    assert!(newest.get("formatted_phone").is_some() && newest.get("merge_history").is_some());
}
