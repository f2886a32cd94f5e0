// Tickets through the official intercom-client SDK (it sends Intercom-Version 2.14):
// client.ticketTypes (and .attributes), client.ticketStates, client.tickets (create, get,
// update, reply, deleteTicket). Where the SDK declares no error for a status, it rejects with
// its IntercomError.

import assert from "node:assert/strict";
import { test } from "node:test";
import { IntercomError } from "intercom-client";
import { assertErrorList, createWorkspace, makeClient, rejectsWith, unique, uniqueEmail } from "./harness.mjs";

async function makeType(client, category = "Customer") {
    return client.ticketTypes.create({ name: unique("Type"), category });
}

async function makeContact(client) {
    return (await client.contacts.create({ email: uniqueEmail("ticket") })).id;
}

test("ticket types, their attributes and the ticket states", async () => {
    const client = makeClient();
    const made = await makeType(client, "Tracker");
    assert.equal(made.category, "Tracker");
    assert.deepEqual(
        made.ticket_type_attributes.ticket_type_attributes.map((a) => a.name),
        ["_default_title_", "_default_description_"],
    );
    assert.equal(made.ticket_states.data.length, 4);

    const attribute = await client.ticketTypes.attributes.create({
        ticket_type_id: made.id,
        name: "Affected",
        description: "How many users",
        data_type: "integer",
        required_to_create: true,
    });
    assert.equal(attribute.data_type, "integer");
    assert.equal(attribute.required_to_create, true);
    const updated = await client.ticketTypes.attributes.update({
        ticket_type_id: made.id,
        attribute_id: attribute.id,
        required_to_create: false,
    });
    assert.equal(updated.required_to_create, false);

    const renamed = await client.ticketTypes.update({ ticket_type_id: made.id, name: "Outage" });
    assert.equal(renamed.name, "Outage");
    const found = await client.ticketTypes.get({ ticket_type_id: made.id });
    assert.equal(found.ticket_type_attributes.ticket_type_attributes.length, 3);
    assert.ok((await client.ticketTypes.list()).data.some((t) => t.id === made.id));

    const states = await client.ticketStates.listTicketStates();
    assert.equal(states.data.length, 12);
    assert.deepEqual(
        states.data.slice(0, 4).map((s) => s.category),
        ["submitted", "in_progress", "waiting_on_customer", "resolved"],
    );

    const error = await rejectsWith(client.ticketTypes.get({ ticket_type_id: "999999" }), IntercomError, 404);
    assertErrorList(error.body, "not_found", 404);
});

test("a ticket is created, moved, replied to and deleted", async () => {
    const client = makeClient();
    const type = await makeType(client);
    const contactId = await makeContact(client);
    const ticket = await client.tickets.create({ ticket_type_id: type.id, contacts: [{ id: contactId }] });
    assert.equal(ticket.type, "ticket");
    assert.equal(ticket.ticket_state.category, "submitted");
    assert.equal(ticket.contacts.contacts[0].id, contactId);

    const inProgress = type.ticket_states.data.find((s) => s.category === "in_progress");
    const me = await client.admins.identify();
    const updated = await client.tickets.update({
        ticket_id: ticket.id,
        ticket_state_id: inProgress.id,
        ticket_attributes: { _default_title_: "Broken" },
        admin_id: Number(me.id),
        assignee_id: me.id,
    });
    assert.equal(updated.ticket_state.id, inProgress.id);
    assert.equal(updated.ticket_attributes._default_title_, "Broken");
    assert.equal(String(updated.admin_assignee_id), me.id);
    const kinds = updated.ticket_parts.ticket_parts.map((p) => p.part_type);
    assert.deepEqual(kinds.slice(1), ["ticket_attribute_updated_by_admin", "ticket_state_updated_by_admin", "assignment"]);

    const note = await client.tickets.reply({
        ticket_id: ticket.id,
        body: { message_type: "note", type: "admin", admin_id: me.id, body: "Looking" },
    });
    assert.equal(note.part_type, "note");
    const comment = await client.tickets.reply({
        ticket_id: ticket.id,
        body: { message_type: "comment", type: "user", intercom_user_id: contactId, body: "Thanks" },
    });
    assert.equal(comment.part_type, "comment");
    assert.equal((await client.tickets.get({ ticket_id: ticket.id })).ticket_parts.total_count, 6);

    const deleted = await client.tickets.deleteTicket({ ticket_id: ticket.id });
    assert.equal(deleted.deleted, true);
    const error = await rejectsWith(client.tickets.get({ ticket_id: ticket.id }), IntercomError, 404);
    assertErrorList(error.body, "ticket_not_found", 404);
});

test("ticket errors are Intercom's", async () => {
    const client = makeClient();
    const type = await makeType(client, "Back-office");
    const contactId = await makeContact(client);
    const ticket = await client.tickets.create({ ticket_type_id: type.id, contacts: [{ id: contactId }] });
    let error = await rejectsWith(
        client.tickets.reply({
            ticket_id: ticket.id,
            body: { message_type: "comment", type: "user", intercom_user_id: contactId, body: "x" },
        }),
        IntercomError,
        400,
    );
    assertErrorList(error.body, "parameter_mismatch", 400);
    error = await rejectsWith(client.tickets.update({ ticket_id: ticket.id, ticket_state_id: "0" }), IntercomError, 400);
    assertErrorList(error.body, "ticket_state_id_invalid", 400);
    error = await rejectsWith(
        client.tickets.update({ ticket_id: ticket.id, assignee_id: "999999" }),
        IntercomError,
        404,
    );
    assertErrorList(error.body, "assignee_not_found", 404);
    const other = makeClient({ token: createWorkspace().access_token });
    await rejectsWith(other.tickets.get({ ticket_id: ticket.id }), IntercomError, 404);
});
