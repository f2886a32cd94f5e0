"""Contacts and conversations in 2.14-2.16, through the official python-intercom SDK:
client.contacts.show_contact_by_external_id and block_contact, client.conversations.delete_conversation,
client.unstable.conversations.list_handling_events, and side conversations written with the CLI.
python-intercom 5.0.1 has no method for merge history, deleted ids, merging conversations, side
conversations or conversation attributes (those are tested over HTTP in tests/api).
"""

from __future__ import annotations

import json

import httpx
import pytest
from intercom import Intercom, NotFoundError
from intercom.conversations import ConversationsManageRequestBody_Assignment, ConversationsManageRequestBody_Close
from intercom.conversations import CreateConversationRequestFrom
from intercom.core.api_error import ApiError
from intercom.types import ContactBlocked, ConversationDeleted, CreateContactRequestWithEmail
from intercom.unstable.types import HandlingEventList

from harness import Switchboard, Wire, assert_error_list, strict, unique, unique_email


def new_user(client: Intercom, external_id: str | None = None) -> str:
    request = CreateContactRequestWithEmail(email=unique_email("life"), role="user", external_id=external_id)
    return client.contacts.create(request=request).id


def start(client: Intercom, contact_id: str) -> str:
    return client.conversations.create(from_=CreateConversationRequestFrom(type="user", id=contact_id), body="Hi").conversation_id


def test_contact_by_external_id_and_blocking(client: Intercom, wire: Wire):
    external_id = unique("ext")
    joe = new_user(client, external_id)
    found = client.contacts.show_contact_by_external_id(external_id=external_id)
    assert found.id == joe and found.external_id == external_id
    with pytest.raises(ApiError) as missing:
        client.contacts.show_contact_by_external_id(external_id=unique("nobody"))
    assert missing.value.status_code == 404
    assert_error_list(missing.value.body, "not_found", 404)

    conversation_id = start(client, joe)
    blocked = client.contacts.block_contact(contact_id=joe)
    strict(ContactBlocked, wire.last_json())
    assert blocked.id == joe and blocked.blocked is True
    assert client.conversations.find(conversation_id=conversation_id).state == "closed"
    with pytest.raises(ApiError) as unknown:
        client.contacts.block_contact(contact_id="nope")
    assert unknown.value.status_code == 404


def test_deleting_a_conversation(client: Intercom, wire: Wire, make_client, other_workspace):
    conversation_id = start(client, new_user(client))
    deleted = client.conversations.delete_conversation(conversation_id=int(conversation_id))
    strict(ConversationDeleted, wire.last_json())
    assert deleted.id == conversation_id and deleted.deleted is True and deleted.object == "conversation"
    with pytest.raises(NotFoundError):
        client.conversations.find(conversation_id=conversation_id)
    with pytest.raises(ApiError) as again:
        client.conversations.delete_conversation(conversation_id=int(conversation_id))
    assert again.value.status_code == 404

    kept = start(client, new_user(client))
    with pytest.raises(ApiError) as foreign:
        make_client(other_workspace["access_token"]).conversations.delete_conversation(conversation_id=int(kept))
    assert foreign.value.status_code == 404
    assert client.conversations.find(conversation_id=kept).id == kept


def test_handling_events(client: Intercom, wire: Wire, workspace_admin):
    me = workspace_admin["id"]
    conversation_id = start(client, new_user(client))
    client.conversations.manage(
        conversation_id=conversation_id,
        request=ConversationsManageRequestBody_Assignment(type="admin", admin_id=me, assignee_id=me),
    )
    client.conversations.manage(conversation_id=conversation_id, request=ConversationsManageRequestBody_Close(admin_id=me))
    events = client.unstable.conversations.list_handling_events(id=conversation_id)
    # Validated as JSON: a date-time travels as a string, which pydantic's strict Python mode
    # refuses for the model's datetime field.
    HandlingEventList.model_validate_json(json.dumps(wire.last_json()), strict=True)
    assert [(e.type, str(e.teammate.id), e.reason) for e in events.handling_events] == [
        ("resumed", me, None),
        ("paused", me, "Closed"),
    ]
    with pytest.raises(ApiError) as missing:
        client.unstable.conversations.list_handling_events(id="999999999")
    assert missing.value.status_code == 404


def test_side_conversations_written_by_the_cli(client: Intercom, switchboard: Switchboard, workspace_admin):
    conversation_id = start(client, new_user(client))
    written = switchboard.cli(
        "side-conversation", "write", "--workspace", switchboard.workspace_id,
        "--conversation", conversation_id, "--admin", workspace_admin["id"], "--body", "<p>Asking billing</p>",
    )
    # The SDK has no method for them: read the list over plain HTTP.
    response = httpx.get(
        f"{switchboard.base_url}/conversations/{conversation_id}/side_conversations",
        headers={"Authorization": f"Bearer {switchboard.token}", "Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    listed = response.json()
    assert listed["total_count"] == 1
    assert listed["side_conversations"][0]["side_conversation_id"] == written["side_conversation_id"]
    assert listed["side_conversations"][0]["conversation_parts"][0]["body"] == "<p>Asking billing</p>"
