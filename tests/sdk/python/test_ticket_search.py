"""Ticket search, tags, conversion and enqueue through the official python-intercom SDK:
client.tickets.search (and its pager), client.tags.tag_ticket / untag_ticket,
client.conversations.convert_to_ticket, client.tickets.enqueue_create_ticket and
client.jobs.status (the job run by the server's worker).
"""

from __future__ import annotations

import time

import pytest
from intercom import (
    CreateContactRequestWithEmail,
    CreateTicketRequestContactsItemId,
    CreateTicketTypeRequest,
    Intercom,
    NotFoundError,
)
from intercom.conversations import CreateConversationRequestFrom
from intercom.jobs import Jobs
from intercom.types import (
    CreateOrUpdateTagRequest,
    MultipleFilterSearchRequest,
    SingleFilterSearchRequest,
    StartingAfterPaging,
    TicketList,
)

from harness import Wire, assert_error_list, strict, unique, unique_email


def setup_tickets(client: Intercom, count: int):
    ticket_type = client.ticket_types.create(request=CreateTicketTypeRequest(name=unique("Bug"), category="Customer"))
    contact = client.contacts.create(request=CreateContactRequestWithEmail(email=unique_email("search"))).id
    made = [
        client.tickets.create(
            ticket_type_id=ticket_type.id,
            contacts=[CreateTicketRequestContactsItemId(id=contact)],
            # The SDK's create has no ticket_attributes: the request carries them as an extra field.
            request_options={
                "additional_body_parameters": {
                    "ticket_attributes": {"_default_title_": f"Broken {i}", "_default_description_": "It fails"}
                }
            },
        ).id
        for i in range(count)
    ]
    return ticket_type, contact, made


def test_search_pages_through_tickets(client: Intercom, wire: Wire):
    ticket_type, contact, made = setup_tickets(client, 3)
    query = MultipleFilterSearchRequest(
        operator="AND",
        value=[
            SingleFilterSearchRequest(field="ticket_type_id", operator="=", value=ticket_type.id),
            SingleFilterSearchRequest(field="contact_ids", operator="=", value=contact),
            SingleFilterSearchRequest(field="category", operator="=", value="request"),
        ],
    )
    first = client.tickets.search(query=query, pagination=StartingAfterPaging(per_page=2))
    listed = strict(TicketList, {**wire.last_json(), "tickets": []})
    assert listed.total_count == 3
    # Newest first. The SDK's pager sends the first page's request again for the next page
    # (it drops the cursor), so the next page is asked for with the cursor by hand.
    cursor = first.response.pages.next.starting_after
    second = client.tickets.search(query=query, pagination=StartingAfterPaging(per_page=2, starting_after=cursor))
    assert second.response.pages.next is None
    assert [t.id for t in first.items + second.items] == list(reversed(made))

    found = client.tickets.search(
        query=SingleFilterSearchRequest(field="_default_title_", operator="~", value="Broken 1")
    )
    assert [t.id for t in found.items] == [made[1]]


def test_tickets_are_tagged(client: Intercom, workspace_admin):
    _, _, made = setup_tickets(client, 1)
    me = workspace_admin["id"]
    tag = client.tags.create(request=CreateOrUpdateTagRequest(name=unique("Urgent")))
    tagged = client.tags.tag_ticket(ticket_id=made[0], tag_id=tag.id, admin_id=me)
    assert tagged.id == tag.id and tagged.applied_by.id == me
    found = client.tickets.search(query=SingleFilterSearchRequest(field="tag_ids", operator="=", value=tag.id))
    assert [t.id for t in found.items] == made
    untagged = client.tags.untag_ticket(ticket_id=made[0], tag_id=tag.id, admin_id=me)
    assert untagged.id == tag.id
    with pytest.raises(NotFoundError) as raised:
        client.tags.tag_ticket(ticket_id="999999", tag_id=tag.id, admin_id=me)
    assert_error_list(raised.value.body, "ticket_not_found", 404)


def test_a_conversation_becomes_a_ticket(client: Intercom):
    ticket_type = client.ticket_types.create(request=CreateTicketTypeRequest(name=unique("Bug"), category="Customer"))
    contact = client.contacts.create(request=CreateContactRequestWithEmail(email=unique_email("convert"))).id
    message = client.conversations.create(from_=CreateConversationRequestFrom(type="user", id=contact), body="Invoice wrong")
    ticket = client.conversations.convert_to_ticket(
        conversation_id=int(message.conversation_id),
        ticket_type_id=ticket_type.id,
        attributes={"_default_title_": "Invoice"},
    )
    assert ticket.id == message.conversation_id
    assert ticket.ticket_attributes["_default_title_"] == "Invoice"
    assert ticket.contacts.contacts[0].id == contact


def test_an_enqueued_ticket_is_made_by_the_worker(client: Intercom):
    ticket_type = client.ticket_types.create(request=CreateTicketTypeRequest(name=unique("Bug"), category="Customer"))
    contact = client.contacts.create(request=CreateContactRequestWithEmail(email=unique_email("enqueue"))).id
    job = client.tickets.enqueue_create_ticket(
        ticket_type_id=ticket_type.id, contacts=[CreateTicketRequestContactsItemId(id=contact)], skip_notifications=True
    )
    assert job.status == "pending" and job.resource_type == "ticket"
    deadline = time.monotonic() + 30
    status: Jobs = client.jobs.status(job.id)
    while status.status == "pending" and time.monotonic() < deadline:
        time.sleep(0.2)
        status = client.jobs.status(job.id)
    assert status.status == "success", status
    ticket = client.tickets.get(status.resource_id)
    assert ticket.contacts.contacts[0].id == contact
    with pytest.raises(NotFoundError) as raised:
        client.jobs.status("nope")
    assert_error_list(raised.value.body, "job_not_found", 404)
