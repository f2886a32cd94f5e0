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
