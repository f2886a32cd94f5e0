// Ticket search, tags, conversion and enqueue, through the official intercom-client SDK:
// client.tickets.search (its pages), client.tags.tagTicket / untagTicket,
// client.conversations.convertToTicket, client.tickets.enqueueCreateTicket and client.jobs.status
// (the job is run by the server's worker).

import assert from "node:assert/strict";
import { test } from "node:test";
import { Intercom, IntercomError } from "intercom-client";
import { assertErrorList, makeClient, rejectsWith, switchboard, unique, uniqueEmail } from "./harness.mjs";

async function ticketType(client) {
    return client.ticketTypes.create({ name: unique("Bug"), category: "Customer" });
}

async function contact(client) {
    return (await client.contacts.create({ email: uniqueEmail("tickets"), role: "user" })).id;
}

test("tickets are searched page by page", async () => {
    const client = makeClient();
    const type = await ticketType(client);
    const who = await contact(client);
    const made = [];
    for (const i of [0, 1, 2]) {
        const ticket = await client.tickets.create({
            ticket_type_id: type.id,
            contacts: [{ id: who }],
            ticket_attributes: { _default_title_: `Broken ${i}`, _default_description_: "It fails" },
        });
        made.push(ticket.id);
    }
    const query = {
        operator: "AND",
        value: [
            { field: "ticket_type_id", operator: "=", value: type.id },
            { field: "contact_ids", operator: "=", value: who },
        ],
    };
    const page = await client.tickets.search({ query, pagination: { per_page: 2 } });
    assert.equal(page.response.total_count, 3);
    const seen = [];
    for await (const ticket of page) seen.push(ticket.id);
    assert.deepEqual(seen, [...made].reverse());

    const titled = await client.tickets.search({ query: { field: "title", operator: "^", value: "Broken 2" } });
    assert.deepEqual(titled.data.map((t) => t.id), [made[2]]);
    const error = await rejectsWith(
        client.tickets.search({ query: { field: "nope", operator: "=", value: "x" } }),
        // The SDK names no 400 for a search: its base error.
        IntercomError,
        400,
    );
    assertErrorList(error.body, "parameter_invalid", 400);
});

test("tickets are tagged and conversations converted", async () => {
    const client = makeClient();
    const type = await ticketType(client);
    const who = await contact(client);
    const ticket = await client.tickets.create({ ticket_type_id: type.id, contacts: [{ id: who }] });
    const tag = await client.tags.create({ name: unique("Urgent") });
    const me = switchboard.admin.id;
    const tagged = await client.tags.tagTicket({ ticket_id: ticket.id, id: tag.id, admin_id: me });
    assert.equal(tagged.id, tag.id);
    const untagged = await client.tags.untagTicket({ ticket_id: ticket.id, tag_id: tag.id, admin_id: me });
    assert.equal(untagged.id, tag.id);
    const error = await rejectsWith(
        client.tags.tagTicket({ ticket_id: "999999", id: tag.id, admin_id: me }),
        Intercom.NotFoundError,
        404,
    );
    assertErrorList(error.body, "ticket_not_found", 404);

    const message = await client.conversations.create({ from: { type: "user", id: who }, body: "Invoice wrong" });
    const converted = await client.conversations.convertToTicket({
        conversation_id: Number(message.conversation_id),
        ticket_type_id: type.id,
        attributes: { _default_title_: "Invoice" },
    });
    assert.equal(converted.id, message.conversation_id);
    assert.equal(converted.ticket_attributes._default_title_, "Invoice");
});

test("an enqueued ticket is made by the worker", async () => {
    const client = makeClient();
    const type = await ticketType(client);
    const who = await contact(client);
    const job = await client.tickets.enqueueCreateTicket({ ticket_type_id: type.id, contacts: [{ id: who }] });
    assert.equal(job.status, "pending");
    const deadline = Date.now() + 30_000;
    let status = await client.jobs.status({ job_id: job.id });
    while (status.status === "pending" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = await client.jobs.status({ job_id: job.id });
    }
    assert.equal(status.status, "success");
    const ticket = await client.tickets.get({ ticket_id: status.resource_id });
    assert.equal(ticket.contacts.contacts[0].id, who);
    const error = await rejectsWith(client.jobs.status({ job_id: "nope" }), Intercom.NotFoundError, 404);
    assertErrorList(error.body, "job_not_found", 404);
});
