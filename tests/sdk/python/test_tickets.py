"""Tickets through the official python-intercom SDK: client.ticket_types (and .attributes),
client.ticket_states, client.tickets (create, get, update, reply, delete_ticket).

The suite runs at the workspace's default version (2.11, where a ticket's state is a string)
and at 2.16 (an object): assertions read what both share, and the shapes that the SDK models
whole are checked strictly.
Where the SDK declares no error for a status it raises its ApiError, with the body.
"""

from __future__ import annotations

import pytest
from intercom import (
    AdminReplyTicketRequest,
    ContactReplyTicketIntercomUserIdRequest,
    CreateContactRequestWithEmail,
    CreateTicketRequestContactsItemId,
    CreateTicketTypeRequest,
    Intercom,
    TicketTypeAttribute,
)

from intercom.core.api_error import ApiError

from harness import Wire, api_version, assert_error_list, strict, unique, unique_email


def make_type(client: Intercom, category: str = "Customer"):
    return client.ticket_types.create(request=CreateTicketTypeRequest(name=unique("Type"), category=category))


def make_contact(client: Intercom) -> str:
    return client.contacts.create(request=CreateContactRequestWithEmail(email=unique_email("ticket"))).id


def test_ticket_types_and_attributes(client: Intercom, wire: Wire):
    made = make_type(client, "Back-office")
    assert made.category == "Back-office"
    names = [a.name for a in made.ticket_type_attributes.ticket_type_attributes]
    assert names == ["_default_title_", "_default_description_"]

    attribute = client.ticket_types.attributes.create(
        made.id, name="Priority", description="How urgent", data_type="list", list_items="Low,High", required_to_create=True
    )
    strict(TicketTypeAttribute, wire.last_json())
    assert attribute.data_type == "list"
    assert [o["label"] for o in attribute.input_options["list_options"]] == ["Low", "High"]
    updated = client.ticket_types.attributes.update(made.id, attribute.id, description="Urgency", archived=True)
    assert updated.description == "Urgency" and updated.archived is True

    found = client.ticket_types.get(made.id)
    assert found.id == made.id
    assert len(found.ticket_type_attributes.ticket_type_attributes) == 3
    renamed = client.ticket_types.update(made.id, name="Renamed")
    assert renamed.name == "Renamed"
    listed = client.ticket_types.list()
    assert made.id in [t.id for t in listed.data]

    with pytest.raises(ApiError) as raised:
        client.ticket_types.get("999999")
    assert_error_list(raised.value.body, "not_found", 404)
    with pytest.raises(ApiError) as raised:
        client.ticket_types.attributes.create(made.id, name="x", description="d", data_type="list")
    assert_error_list(raised.value.body, "parameter_not_found", 400)


def test_ticket_states(client: Intercom):
    states = client.ticket_states.list_ticket_states()
    categories = [s.category for s in states.data]
    assert categories[:4] == ["submitted", "in_progress", "waiting_on_customer", "resolved"]
    assert len(states.data) == 12


def test_ticket_lifecycle(client: Intercom, workspace_admin):
    ticket_type = make_type(client)
    contact_id = make_contact(client)
    ticket = client.tickets.create(
        ticket_type_id=ticket_type.id,
        contacts=[CreateTicketRequestContactsItemId(id=contact_id)],
        # The SDK's create has no ticket_attributes parameter: sent as an extra body field.
        request_options={"additional_body_parameters": {"ticket_attributes": {"_default_title_": "Broken", "_default_description_": "It fails"}}},
    )
    assert ticket.type == "ticket"
    assert ticket.ticket_attributes["_default_title_"] == "Broken"
    assert ticket.contacts.contacts[0].id == contact_id
    assert ticket.ticket_parts.total_count == 1

    got = client.tickets.get(ticket.id)
    assert got.id == ticket.id and got.ticket_id == ticket.ticket_id

    if api_version() == "2.16":
        resolved = next(s for s in ticket_type.ticket_states.data if s.category == "resolved")
        updated = client.tickets.update(
            ticket.id, ticket_state_id=resolved.id, admin_id=int(workspace_admin["id"]), assignee_id=workspace_admin["id"]
        )
        assert updated.ticket_state.category == "resolved"
        assert str(updated.admin_assignee_id) == workspace_admin["id"]
    updated = client.tickets.update(ticket.id, ticket_attributes={"_default_title_": "Still broken"}, open=False)
    assert updated.open is False
    assert updated.ticket_attributes["_default_title_"] == "Still broken"

    note = client.tickets.reply(
        ticket.id,
        request=AdminReplyTicketRequest(message_type="note", admin_id=workspace_admin["id"], body="Looking into it"),
    )
    assert note.part_type == "note"
    comment = client.tickets.reply(
        ticket.id,
        request=ContactReplyTicketIntercomUserIdRequest(message_type="comment", intercom_user_id=contact_id, body="Thanks"),
    )
    assert comment.part_type == "comment"

    deleted = client.tickets.delete_ticket(ticket.id)
    assert deleted.deleted is True and deleted.id == ticket.id
    with pytest.raises(ApiError) as raised:
        client.tickets.get(ticket.id)
    assert_error_list(raised.value.body, "ticket_not_found", 404)


def test_ticket_errors(client: Intercom, workspace_admin, make_client, other_workspace):
    back_office = make_type(client, "Back-office")
    contact_id = make_contact(client)
    ticket = client.tickets.create(ticket_type_id=back_office.id, contacts=[CreateTicketRequestContactsItemId(id=contact_id)])
    with pytest.raises(ApiError) as raised:
        client.tickets.reply(
            ticket.id,
            request=ContactReplyTicketIntercomUserIdRequest(message_type="comment", intercom_user_id=contact_id, body="x"),
        )
    assert_error_list(raised.value.body, "parameter_mismatch", 400)
    with pytest.raises(ApiError) as raised:
        client.tickets.update(ticket.id, ticket_state_id="0")
    assert_error_list(raised.value.body, "ticket_state_id_invalid", 400)
    with pytest.raises(ApiError) as raised:
        client.tickets.update(ticket.id, admin_id=int(workspace_admin["id"]), assignee_id="999999")
    assert_error_list(raised.value.body, "assignee_not_found", 404)
    with pytest.raises(ApiError) as raised:
        client.tickets.create(
            ticket_type_id=back_office.id,
            contacts=[CreateTicketRequestContactsItemId(id=contact_id)],
            request_options={"additional_body_parameters": {"ticket_attributes": {"nope": 1}}},
        )
    assert_error_list(raised.value.body, "parameter_invalid", 400)
    other = make_client(token=other_workspace["access_token"])
    with pytest.raises(ApiError):
        other.tickets.get(ticket.id)
