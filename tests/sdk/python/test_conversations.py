"""Conversations, through the official python-intercom SDK (client.conversations.*, client.tags.*):
a whole conversation's life — create, reply both ways, note, assign, snooze, re-open, close, tag,
search, redact — plus participants, assignment rules and the documented errors.
"""

from __future__ import annotations

import json
import time

import pytest
from intercom import Intercom, NotFoundError
from intercom.conversations import (
    AttachContactToConversationRequestCustomerIntercomUserId,
    Conversation,
    ConversationsManageRequestBody_Assignment,
    ConversationsManageRequestBody_Close,
    ConversationsManageRequestBody_Open,
    ConversationsManageRequestBody_Snoozed,
    CreateConversationRequestFrom,
)
from intercom.core.api_error import ApiError
from intercom.messages import Message
from intercom.types import (
    AdminReplyConversationRequest,
    ContactReplyIntercomUserIdRequest,
    CreateContactRequestWithEmail,
    CreateOrUpdateTagRequest,
    ConversationList,
    MultipleFilterSearchRequest,
    RedactConversationRequest_ConversationPart,
    RedactConversationRequest_Source,
    SingleFilterSearchRequest,
    StartingAfterPaging,
)

from harness import Switchboard, Wire, assert_error_list, strict, unique, unique_email


def conversation_strict(data):
    """The SDK's Conversation model types `team_assignee_id` as a string where both specs
    (2.11 and 2.14) say integer; Switchboard follows the specs, so that one field is checked
    separately."""
    data = dict(data)
    team = data.pop("team_assignee_id", None)
    assert team is None or isinstance(team, int), team
    return strict(Conversation, data)


def new_user(client: Intercom) -> str:
    return client.contacts.create(request=CreateContactRequestWithEmail(email=unique_email("conv"), role="user")).id


def parts(data) -> list:
    return data["conversation_parts"]["conversation_parts"]


def test_a_conversations_whole_life(client: Intercom, wire: Wire, switchboard: Switchboard, workspace_admin):
    me = workspace_admin["id"]
    joe = new_user(client)

    message = client.conversations.create(from_=CreateConversationRequestFrom(type="user", id=joe), body="I need support")
    strict(Message, wire.last_json())
    assert message.type == "user_message"
    conversation_id = message.conversation_id
    assert isinstance(conversation_id, str)

    found = client.conversations.find(conversation_id=conversation_id)
    conversation_strict(wire.last_json())
    assert found.id == conversation_id
    assert found.state == "open"
    assert found.source.author.id == joe
    assert found.contacts.contacts[0].id == joe
    plain = client.conversations.find(conversation_id=conversation_id, display_as="plaintext")
    assert plain.source.body == "I need support"

    # Reply as an admin (comment and note) and as the contact.
    client.conversations.reply(
        conversation_id=conversation_id,
        request=AdminReplyConversationRequest(message_type="note", admin_id=me, body="VIP customer"),
    )
    replied = client.conversations.reply(
        conversation_id=conversation_id,
        request=AdminReplyConversationRequest(message_type="comment", admin_id=me, body="How can I help?"),
    )
    conversation_strict(wire.last_json())
    assert replied.waiting_since is None
    assert [p.part_type for p in replied.conversation_parts.conversation_parts] == ["note", "comment"]
    replied = client.conversations.reply(
        conversation_id=conversation_id,
        request=ContactReplyIntercomUserIdRequest(
            message_type="comment", type="user", intercom_user_id=joe, body="My invoice is wrong",
            attachment_urls=["https://files.example/invoice.pdf"],
        ),
    )
    assert replied.waiting_since is not None
    assert parts(wire.last_json())[-1]["attachments"][0]["name"] == "invoice.pdf"

    # Assign, snooze, re-open, close.
    assigned = client.conversations.manage(
        conversation_id=conversation_id,
        request=ConversationsManageRequestBody_Assignment(type="admin", admin_id=me, assignee_id=me),
    )
    conversation_strict(wire.last_json())
    assert assigned.admin_assignee_id == int(me)
    assert assigned.statistics.count_assignments == 1
    snoozed = client.conversations.manage(
        conversation_id=conversation_id,
        request=ConversationsManageRequestBody_Snoozed(admin_id=me, snoozed_until=int(time.time()) + 3600),
    )
    assert snoozed.state == "snoozed"
    reopened = client.conversations.manage(
        conversation_id=conversation_id, request=ConversationsManageRequestBody_Open(admin_id=me)
    )
    assert reopened.state == "open"
    closed = client.conversations.manage(
        conversation_id=conversation_id, request=ConversationsManageRequestBody_Close(admin_id=me, body="Fixed")
    )
    conversation_strict(wire.last_json())
    assert closed.state == "closed" and closed.open is False
    assert closed.statistics.last_closed_by_id == me

    # Tag it, and find it by tag and by a word of its first message.
    tag = client.tags.create(request=CreateOrUpdateTagRequest(name=unique("Billing")))
    tagged = client.tags.tag_conversation(conversation_id=conversation_id, tag_id=tag.id, admin_id=me)
    assert tagged.id == tag.id and tagged.applied_by.id == me
    page = client.conversations.search(
        query=MultipleFilterSearchRequest(
            operator="AND",
            value=[
                SingleFilterSearchRequest(field="tag_ids", operator="=", value=tag.id),
                SingleFilterSearchRequest(field="source.body", operator="=", value="support"),
                SingleFilterSearchRequest(field="state", operator="=", value="closed"),
            ],
        ),
        pagination=StartingAfterPaging(per_page=5),
    )
    listed = strict(ConversationList, {**wire.last_json(), "conversations": []})
    assert listed.total_count == 1
    assert [c.id for c in page] == [conversation_id]

    # Redact the contact's reply and the source message.
    contact_part = next(p for p in parts(client.conversations.find(conversation_id=conversation_id).dict()) if p["part_type"] == "comment" and p["author"]["id"] == joe)
    redacted = client.conversations.redact_conversation_part(
        request=RedactConversationRequest_ConversationPart(conversation_id=conversation_id, conversation_part_id=contact_part["id"])
    )
    conversation_strict(wire.last_json())
    part = next(p for p in redacted.conversation_parts.conversation_parts if p.id == contact_part["id"])
    assert part.redacted is True and "invoice" not in part.body
    redacted = client.conversations.redact_conversation_part(
        request=RedactConversationRequest_Source(conversation_id=conversation_id, source_id=conversation_id)
    )
    assert redacted.source.redacted is True

    untagged = client.tags.untag_conversation(conversation_id=conversation_id, tag_id=tag.id, admin_id=me)
    assert untagged.id == tag.id


def test_list_pages_and_update(client: Intercom, wire: Wire, workspace_admin, switchboard: Switchboard):
    joe = new_user(client)
    made = [
        client.conversations.create(from_=CreateConversationRequestFrom(type="user", id=joe), body=f"message {i}").conversation_id
        for i in range(3)
    ]
    pager = client.conversations.list(per_page=2)
    seen = [c.id for c in pager]
    assert set(made) <= set(seen)
    assert len(seen) == len(set(seen))

    switchboard.cli(
        "conversation-attribute", "create", "--workspace", switchboard.workspace_id,
        "--name", unique("issue").replace("-", "_"), "--data-type", "string",
    )
    updated = client.conversations.update(conversation_id=made[0], read=True, title="Renamed")
    conversation_strict(wire.last_json())
    assert updated.read is True and updated.title == "Renamed"


def test_participants_and_assignment_rules(client: Intercom, wire: Wire, switchboard: Switchboard, workspace_admin):
    me = workspace_admin["id"]
    joe, ann = new_user(client), new_user(client)
    conversation_id = client.conversations.create(
        from_=CreateConversationRequestFrom(type="user", id=joe), body="Group chat"
    ).conversation_id
    client.conversations.attach_contact_as_admin(
        conversation_id=conversation_id,
        admin_id=me,
        customer=AttachContactToConversationRequestCustomerIntercomUserId(intercom_user_id=ann),
    )
    assert [c["id"] for c in wire.last_json()["customers"]] == [joe, ann]
    client.conversations.detach_contact_as_admin(conversation_id=conversation_id, contact_id=ann, admin_id=me)
    assert [c["id"] for c in wire.last_json()["customers"]] == [joe]
    with pytest.raises(ApiError) as raised:
        client.conversations.detach_contact_as_admin(conversation_id=conversation_id, contact_id=joe, admin_id=me)
    assert raised.value.status_code == 422
    assert_error_list(raised.value.body, "parameter_invalid", 422)

    member = switchboard.create_admin()
    team = switchboard.cli("team", "create", "--workspace", switchboard.workspace_id, "--name", unique("Team"), "--admin", member["admin_id"])
    rules = {"rules": [{"name": "Group chats", "match": {"field": "source.body", "operator": "~", "value": "group"},
                        "assign": {"team_id": team["id"], "round_robin": True}}]}
    switchboard.cli("assignment-rules", "set", "--workspace", switchboard.workspace_id, "--rules", json.dumps(rules))
    assigned = client.conversations.run_assignment_rules(conversation_id=conversation_id)
    conversation_strict(wire.last_json())
    assert assigned.team_assignee_id == int(team["id"])
    assert assigned.admin_assignee_id == int(member["admin_id"])
    assert assigned.conversation_parts.conversation_parts[-1].part_type == "default_assignment"


def test_documented_errors(client: Intercom, make_client, other_workspace, workspace_admin):
    with pytest.raises(NotFoundError) as raised:
        client.conversations.create(from_=CreateConversationRequestFrom(type="user", id="123_doesnt_exist"), body="Hello there")
    assert_error_list(raised.value.body, "not_found", 404)
    with pytest.raises(NotFoundError) as raised:
        client.conversations.find(conversation_id="987654321")
    assert_error_list(raised.value.body, "not_found", 404)
    with pytest.raises(NotFoundError) as raised:
        client.conversations.redact_conversation_part(
            request=RedactConversationRequest_ConversationPart(conversation_id="really_123_doesnt_exist", conversation_part_id="really_123_doesnt_exist")
        )
    assert_error_list(raised.value.body, "conversation_part_or_message_not_found", 404)

    joe = new_user(client)
    conversation_id = client.conversations.create(from_=CreateConversationRequestFrom(type="user", id=joe), body="x").conversation_id
    with pytest.raises(ApiError) as raised:
        client.conversations.manage(
            conversation_id=conversation_id,
            request=ConversationsManageRequestBody_Snoozed(admin_id=workspace_admin["id"], snoozed_until=1000),
        )
    assert raised.value.status_code == 400
    other = make_client(token=other_workspace["access_token"])
    with pytest.raises(NotFoundError):
        other.conversations.find(conversation_id=conversation_id)
