"""Messages, visitors and phone call redirects, through the official python-intercom SDK:
client.messages.create, client.unstable.messages.get_whats_app_message_status,
client.visitors.find / update / merge_to_contact, and
client.phone_call_redirects.create.

Visitors come from Intercom's Messenger; here the operator makes them with
`switchboard visitor create`.
"""

from __future__ import annotations

import pytest
from intercom import (
    Contact,
    CreateContactRequestWithEmail,
    CreateMessageRequest_Email,
    CreateMessageRequest_Inapp,
    CreateMessageRequestFrom,
    CreateMessageRequestTo,
    CreatePhoneSwitchRequest,
    Intercom,
    NotFoundError,
    UpdateVisitorRequestWithUserId,
    Visitor,
)
from intercom.core.api_error import ApiError
from intercom.messages import Message
from intercom.unstable.types.whatsapp_message_status_list import WhatsappMessageStatusList
from intercom.visitors import UserWithId, VisitorWithUserId

from harness import Switchboard, Wire, assert_error_list, strict, unique, unique_email


def new_contact(client: Intercom) -> str:
    return client.contacts.create(request=CreateContactRequestWithEmail(email=unique_email("msg"), role="user")).id


def test_admin_messages_start_conversations(client: Intercom, wire: Wire, workspace_admin):
    contact = new_contact(client)
    admin = int(workspace_admin["id"])
    message = client.messages.create(
        request=CreateMessageRequest_Inapp(
            body="heyy",
            from_=CreateMessageRequestFrom(id=admin),
            to=CreateMessageRequestTo(type="user", id=contact),
            create_conversation_without_contact_reply=True,
        )
    )
    strict(Message, wire.last_json())
    assert message.type == "admin_message"
    assert message.message_type == "inapp"
    assert message.body == "heyy"
    conversation = client.conversations.find(conversation_id=message.conversation_id)
    assert conversation.state == "open"
    assert conversation.source.delivered_as == "admin_initiated"
    assert conversation.source.id == message.id

    email = client.messages.create(
        request=CreateMessageRequest_Email(
            subject="Thanks for everything",
            body="Hello there",
            template="plain",
            from_=CreateMessageRequestFrom(id=admin),
            to=CreateMessageRequestTo(type="user", id=contact),
        )
    )
    assert email.message_type == "email"
    assert email.subject == "Thanks for everything"
    assert client.conversations.find(conversation_id=email.conversation_id).state == "closed"


def test_message_errors(client: Intercom, workspace_admin):
    contact = new_contact(client)
    admin = int(workspace_admin["id"])
    with pytest.raises(ApiError) as raised:
        client.messages.create(
            request=CreateMessageRequest_Inapp(
                body="x", from_=CreateMessageRequestFrom(id=admin), to=CreateMessageRequestTo(type="user", id="nobody")
            )
        )
    assert_error_list(raised.value.body, "not_found", 404)
    # No subject for an email: the SDK's model requires one, so the request is sent as a dict.
    with pytest.raises(ApiError) as raised:
        client.messages.create(
            request={
                "message_type": "email",
                "body": "hey there",
                "template": "plain",
                "from": {"type": "admin", "id": admin},
                "to": {"type": "user", "id": contact},
            }
        )
    assert_error_list(raised.value.body, "parameter_not_found", 422)


def test_whatsapp_message_statuses(client: Intercom, wire: Wire, workspace_admin):
    # A WhatsApp template message (the 2.11 models have no WhatsApp shape: sent as a dict).
    sent = client.messages.create(
        request={
            "message_type": "whatsapp",
            "template": "order_update",
            "locale": "en",
            "components": [{"type": "BODY", "parameters": [{"type": "text", "text": "Order 7"}]}],
            "from": {"type": "admin", "id": int(workspace_admin["id"])},
            "to": {"phone": "+15550104242"},
        }
    )
    assert sent.message_type == "whatsapp"

    statuses = client.unstable.messages.get_whats_app_message_status(ruleset_id=sent.id)
    strict(WhatsappMessageStatusList, wire.last_json())
    assert statuses.ruleset_id == sent.id
    assert statuses.total_count == 1
    (event,) = statuses.events
    assert (event.status, event.template_name, event.conversation_id) == ("sent", "order_update", sent.id)

    first = client.unstable.messages.get_whats_app_message_status(ruleset_id=sent.id, per_page=1)
    assert first.pages.per_page == 1 and first.pages.next is None
    after = client.unstable.messages.get_whats_app_message_status(
        ruleset_id=sent.id, starting_after=first.events[0].id
    )
    assert after.events == []
    # A ruleset that sent nothing has no statuses.
    assert client.unstable.messages.get_whats_app_message_status(ruleset_id="0").total_count == 0
    with pytest.raises(ApiError) as raised:
        client.unstable.messages.get_whats_app_message_status(ruleset_id=sent.id, per_page=101)
    assert_error_list(raised.value.body, "parameter_invalid", 400)


def test_visitors_are_found_updated_and_converted(client: Intercom, wire: Wire, switchboard: Switchboard):
    user_id = unique("visitor")
    made = switchboard.cli("visitor", "create", "--workspace", switchboard.workspace_id, "--user-id", user_id)
    visitor = client.visitors.find(user_id=user_id)
    strict(Visitor, wire.last_json())
    assert visitor.id == made["id"]
    assert visitor.anonymous is True

    updated = client.visitors.update(request=UpdateVisitorRequestWithUserId(user_id=user_id, name="Gareth Bale"))
    assert updated.name == "Gareth Bale"

    contact = new_contact(client)
    merged = client.visitors.merge_to_contact(
        type="user", user=UserWithId(id=contact), visitor=VisitorWithUserId(user_id=user_id)
    )
    strict(Contact, wire.last_json())
    assert merged.id == contact
    assert merged.name == "Gareth Bale"
    with pytest.raises(NotFoundError) as raised:
        client.visitors.find(user_id=user_id)
    assert_error_list(raised.value.body, "not_found", 404)


def test_visitors_of_another_workspace_are_not_found(switchboard: Switchboard, make_client, other_workspace):
    user_id = unique("visitor")
    switchboard.cli("visitor", "create", "--workspace", switchboard.workspace_id, "--user-id", user_id)
    other = make_client(token=other_workspace["access_token"])
    with pytest.raises(NotFoundError):
        other.visitors.find(user_id=user_id)
    with pytest.raises(NotFoundError):
        other.visitors.update(request=UpdateVisitorRequestWithUserId(user_id=user_id, name="x"))


def test_phone_calls_are_redirected(client: Intercom):
    redirect = client.phone_call_redirects.create(request=CreatePhoneSwitchRequest(phone="+353832345678"))
    assert redirect is not None
    assert redirect.type == "phone_call_redirect"
    assert redirect.phone == "+353832345678"
    with pytest.raises(ApiError) as raised:
        client.phone_call_redirects.create(request=CreatePhoneSwitchRequest(phone="not a phone"))
    assert_error_list(raised.value.body, "invalid_phone_number", 400)
