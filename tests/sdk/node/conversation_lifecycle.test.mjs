// Contacts and conversations in 2.14-2.16, through the official intercom-client SDK:
// client.contacts.showContactByExternalId and blockContact, client.conversations.deleteConversation,
// client.unstable.conversations.listHandlingEvents. intercom-client 7.0.3 has no method for merge
// history, deleted ids, merging conversations, side conversations or conversation attributes
// (tested over HTTP in tests/api).

import assert from "node:assert/strict";
import { test } from "node:test";
import { Intercom, IntercomError } from "intercom-client";
import { Wire, assertErrorList, createWorkspace, makeClient, rejectsWith, switchboard, unique, uniqueEmail } from "./harness.mjs";

async function newUser(client, externalId) {
    return (await client.contacts.create({ email: uniqueEmail("life"), role: "user", external_id: externalId })).id;
}

async function start(client, contactId) {
    return (await client.conversations.create({ from: { type: "user", id: contactId }, body: "Hi" })).conversation_id;
}

test("a contact by external id, and blocking it", async () => {
    const client = makeClient();
    const externalId = unique("ext");
    const joe = await newUser(client, externalId);
    const found = await client.contacts.showContactByExternalId({ external_id: externalId });
    assert.equal(found.id, joe);
    assert.equal(found.external_id, externalId);
    const missing = await rejectsWith(client.contacts.showContactByExternalId({ external_id: unique("nobody") }), IntercomError, 404);
    assertErrorList(missing.body, "not_found", 404);

    const conversationId = await start(client, joe);
    const blocked = await client.contacts.blockContact({ contact_id: joe });
    assert.deepEqual(blocked, { type: "contact", id: joe, external_id: externalId, blocked: true });
    assert.equal((await client.conversations.find({ conversation_id: conversationId })).state, "closed");
    await rejectsWith(client.contacts.blockContact({ contact_id: "nope" }), IntercomError, 404);
});

test("deleting a conversation", async () => {
    const wire = new Wire();
    const client = makeClient({ wire });
    const id = await start(client, await newUser(client));
    const deleted = await client.conversations.deleteConversation({ conversation_id: Number(id) });
    assert.deepEqual(deleted, { id, object: "conversation", deleted: true });
    await rejectsWith(client.conversations.find({ conversation_id: id }), Intercom.NotFoundError, 404);
    await rejectsWith(client.conversations.deleteConversation({ conversation_id: Number(id) }), IntercomError, 404);

    const kept = await start(client, await newUser(client));
    const other = makeClient({ token: createWorkspace().access_token });
    await rejectsWith(other.conversations.deleteConversation({ conversation_id: Number(kept) }), IntercomError, 404);
    assert.equal((await client.conversations.find({ conversation_id: kept })).id, kept);
});

test("handling events", async () => {
    const client = makeClient();
    const me = switchboard.admin.id;
    const id = await start(client, await newUser(client));
    await client.conversations.manage({ conversation_id: id, body: { message_type: "assignment", type: "admin", admin_id: me, assignee_id: me } });
    await client.conversations.manage({ conversation_id: id, body: { message_type: "close", type: "admin", admin_id: me } });
    const events = await client.unstable.conversations.listHandlingEvents({ id });
    assert.deepEqual(
        events.handling_events.map((e) => [e.type, String(e.teammate.id), e.reason ?? null]),
        [["resumed", me, null], ["paused", me, "Closed"]],
    );
    assert.match(events.handling_events[0].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await rejectsWith(client.unstable.conversations.listHandlingEvents({ id: "999999999" }), IntercomError, 404);
});
