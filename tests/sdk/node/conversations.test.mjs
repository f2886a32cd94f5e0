// Conversations, through the official intercom-client SDK (client.conversations.*, client.tags.*):
// a whole conversation's life — create, reply both ways, note, assign, snooze, re-open, close,
// tag, search, redact — plus participants, assignment rules and the documented errors.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Intercom } from "intercom-client";
import { Wire, assertErrorList, cli, createAdmin, makeClient, rejectsWith, switchboard, unique, uniqueEmail } from "./harness.mjs";

async function newUser(client) {
    return (await client.contacts.create({ email: uniqueEmail("conv"), role: "user" })).id;
}

const me = () => switchboard.admin.id;

test("a conversation's whole life", async () => {
    const wire = new Wire();
    const client = makeClient({ wire });
    const joe = await newUser(client);

    const message = await client.conversations.create({ from: { type: "user", id: joe }, body: "I need support" });
    assert.equal(message.type, "user_message");
    const id = message.conversation_id;
    assert.equal(typeof id, "string");

    const found = await client.conversations.find({ conversation_id: id });
    assert.equal(found.state, "open");
    assert.equal(found.source.author.id, joe);
    assert.equal(typeof found.team_assignee_id === "object" || typeof found.team_assignee_id === "number", true);
    const plain = await client.conversations.find({ conversation_id: id, display_as: "plaintext" });
    assert.equal(plain.source.body, "I need support");

    await client.conversations.reply({ conversation_id: id, body: { message_type: "note", type: "admin", admin_id: me(), body: "VIP" } });
    let c = await client.conversations.reply({
        conversation_id: id,
        body: { message_type: "comment", type: "admin", admin_id: me(), body: "How can I help?" },
    });
    assert.equal(c.waiting_since, null);
    assert.deepEqual(c.teammates.admins, [{ type: "admin", id: me() }]);
    c = await client.conversations.reply({
        conversation_id: "last",
        body: { message_type: "comment", type: "user", intercom_user_id: joe, body: "My invoice is wrong" },
    });
    assert.equal(c.id, id);
    assert.equal(typeof c.waiting_since, "number");
    const contactPart = c.conversation_parts.conversation_parts.at(-1);
    assert.equal(contactPart.author.id, joe);

    c = await client.conversations.manage({
        conversation_id: id,
        body: { message_type: "assignment", type: "admin", admin_id: me(), assignee_id: me() },
    });
    assert.equal(c.admin_assignee_id, Number(me()));
    c = await client.conversations.manage({
        conversation_id: id,
        body: { message_type: "snoozed", admin_id: me(), snoozed_until: Math.floor(Date.now() / 1000) + 3600 },
    });
    assert.equal(c.state, "snoozed");
    c = await client.conversations.manage({ conversation_id: id, body: { message_type: "open", admin_id: me() } });
    assert.equal(c.state, "open");
    c = await client.conversations.manage({
        conversation_id: id,
        body: { message_type: "close", type: "admin", admin_id: me(), body: "Fixed" },
    });
    assert.equal(c.state, "closed");
    assert.equal(c.open, false);
    assert.equal(c.statistics.last_closed_by_id, me());
    assert.deepEqual(
        c.conversation_parts.conversation_parts.map((p) => p.part_type),
        ["note", "comment", "comment", "assignment", "snoozed", "open", "close"],
    );

    const tag = await client.tags.create({ name: unique("Billing") });
    const tagged = await client.tags.tagConversation({ conversation_id: id, id: tag.id, admin_id: me() });
    assert.equal(tagged.id, tag.id);
    const page = await client.conversations.search({
        query: {
            operator: "AND",
            value: [
                { field: "tag_ids", operator: "=", value: tag.id },
                { field: "source.body", operator: "=", value: "support" },
                { field: "statistics.count_assignments", operator: ">", value: 0 },
            ],
        },
        pagination: { per_page: 5 },
    });
    const ids = [];
    for await (const conversation of page) ids.push(conversation.id);
    assert.deepEqual(ids, [id]);

    c = await client.conversations.redactConversationPart({ type: "conversation_part", conversation_id: id, conversation_part_id: contactPart.id });
    const redacted = c.conversation_parts.conversation_parts.find((p) => p.id === contactPart.id);
    assert.equal(redacted.redacted, true);
    assert.ok(!redacted.body.includes("invoice"));
    c = await client.conversations.redactConversationPart({ type: "source", conversation_id: id, source_id: id });
    assert.equal(c.source.redacted, true);
    const untagged = await client.tags.untagConversation({ conversation_id: id, tag_id: tag.id, admin_id: me() });
    assert.equal(untagged.id, tag.id);
});

test("lists pages, updates, participants and assignment rules", async () => {
    const wire = new Wire();
    const client = makeClient({ wire });
    const joe = await newUser(client);
    const ann = await newUser(client);
    const made = [];
    for (const body of ["one", "two", "group chat"]) {
        made.push((await client.conversations.create({ from: { type: "user", id: joe }, body })).conversation_id);
    }
    const seen = [];
    for await (const conversation of await client.conversations.list({ per_page: 2 })) seen.push(conversation.id);
    assert.ok(made.every((id) => seen.includes(id)));
    assert.equal(new Set(seen).size, seen.length);

    const attr = unique("issue").replaceAll("-", "_");
    cli("conversation-attribute", "create", "--workspace", switchboard.workspaceId, "--name", attr, "--data-type", "string");
    const updated = await client.conversations.update({ conversation_id: made[0], read: true, title: "Renamed", custom_attributes: { [attr]: "Billing" } });
    assert.equal(updated.read, true);
    assert.equal(updated.title, "Renamed");
    assert.equal(updated.custom_attributes[attr], "Billing");

    const group = made[2];
    await client.conversations.attachContactAsAdmin({ conversation_id: group, admin_id: me(), customer: { intercom_user_id: ann } });
    assert.deepEqual(wire.lastJson().customers.map((c) => c.id), [joe, ann]);
    await client.conversations.detachContactAsAdmin({ conversation_id: group, contact_id: ann, admin_id: me() });
    const error = await rejectsWith(
        client.conversations.detachContactAsAdmin({ conversation_id: group, contact_id: joe, admin_id: me() }),
        Intercom.UnprocessableEntityError,
        422,
    );
    assertErrorList(error.body, "parameter_invalid", 422);

    const member = createAdmin();
    const team = cli("team", "create", "--workspace", switchboard.workspaceId, "--name", unique("Team"), "--admin", member.admin_id);
    const rules = { rules: [{ name: "Groups", match: { field: "source.body", operator: "~", value: "group" }, assign: { team_id: team.id, round_robin: true } }] };
    cli("assignment-rules", "set", "--workspace", switchboard.workspaceId, "--rules", JSON.stringify(rules));
    const assigned = await client.conversations.runAssignmentRules({ conversation_id: group });
    assert.equal(assigned.team_assignee_id, Number(team.id));
    assert.equal(assigned.admin_assignee_id, Number(member.admin_id));
    assert.equal(assigned.conversation_parts.conversation_parts.at(-1).part_type, "default_assignment");
});

test("documented errors", async () => {
    const client = makeClient();
    let error = await rejectsWith(client.conversations.create({ from: { type: "user", id: "123_doesnt_exist" }, body: "Hello there" }), Intercom.NotFoundError, 404);
    assertErrorList(error.body, "not_found", 404);
    error = await rejectsWith(client.conversations.find({ conversation_id: "987654321" }), Intercom.NotFoundError, 404);
    assertErrorList(error.body, "not_found", 404);
    error = await rejectsWith(
        client.conversations.redactConversationPart({ type: "conversation_part", conversation_id: "really_123_doesnt_exist", conversation_part_id: "really_123_doesnt_exist" }),
        Intercom.NotFoundError,
        404,
    );
    assertErrorList(error.body, "conversation_part_or_message_not_found", 404);
    error = await rejectsWith(client.tags.tagConversation({ conversation_id: "987654321", id: "1", admin_id: me() }), Intercom.NotFoundError, 404);
    assertErrorList(error.body, "not_found", 404);
});
