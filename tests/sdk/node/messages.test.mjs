// Messages, visitors and phone call redirects, through the official intercom-client SDK:
// client.messages.create, client.visitors.find / update / mergeToContact and
// client.phoneCallRedirects.create. Visitors are made by the operator with
// `switchboard visitor create` (Switchboard has no Messenger).

import assert from "node:assert/strict";
import { test } from "node:test";
import { Intercom } from "intercom-client";
import { assertErrorList, cli, createWorkspace, makeClient, rejectsWith, switchboard, unique, uniqueEmail } from "./harness.mjs";

async function newContact(client) {
    return (await client.contacts.create({ email: uniqueEmail("msg"), role: "user" })).id;
}

test("an admin's message starts its conversation", async () => {
    const client = makeClient();
    const contact = await newContact(client);
    const message = await client.messages.create({
        message_type: "inapp",
        body: "heyy",
        from: { type: "admin", id: Number(switchboard.admin.id) },
        to: { type: "user", id: contact },
    });
    assert.equal(message.type, "admin_message");
    assert.equal(message.message_type, "inapp");
    const conversation = await client.conversations.find({ conversation_id: message.conversation_id });
    assert.equal(conversation.state, "closed", "waiting for the contact's reply");
    assert.equal(conversation.source.id, message.id);

    const email = await client.messages.create({
        message_type: "email",
        subject: "Thanks for everything",
        body: "hey there",
        template: "plain",
        from: { type: "admin", id: Number(switchboard.admin.id) },
        to: { type: "user", id: contact },
        create_conversation_without_contact_reply: true,
    });
    assert.equal(email.subject, "Thanks for everything");
    assert.equal((await client.conversations.find({ conversation_id: email.conversation_id })).state, "open");

    const error = await rejectsWith(
        client.messages.create({
            message_type: "email",
            body: "hey there",
            template: "plain",
            from: { type: "admin", id: Number(switchboard.admin.id) },
            to: { type: "user", id: contact },
        }),
        Intercom.UnprocessableEntityError,
        422,
    );
    assertErrorList(error.body, "parameter_not_found", 422);
});

test("visitors are found, updated and converted", async () => {
    const client = makeClient();
    const userId = unique("visitor");
    const made = cli("visitor", "create", "--workspace", switchboard.workspaceId, "--user-id", userId);
    const visitor = await client.visitors.find({ user_id: userId });
    assert.equal(visitor.id, made.id);
    assert.equal(visitor.type, "visitor");
    const updated = await client.visitors.update({ user_id: userId, name: "Gareth Bale" });
    assert.equal(updated.name, "Gareth Bale");

    const email = uniqueEmail("converted");
    const contact = await client.visitors.mergeToContact({ type: "user", user: { email }, visitor: { user_id: userId } });
    assert.equal(contact.role, "user");
    assert.equal(contact.email, email);
    assert.equal(contact.name, "Gareth Bale");
    const gone = await rejectsWith(client.visitors.find({ user_id: userId }), Intercom.NotFoundError, 404);
    assertErrorList(gone.body, "not_found", 404);

    const other = makeClient({ token: createWorkspace().access_token });
    const kept = unique("visitor");
    cli("visitor", "create", "--workspace", switchboard.workspaceId, "--user-id", kept);
    await rejectsWith(other.visitors.find({ user_id: kept }), Intercom.NotFoundError, 404);
});

test("a phone call is redirected", async () => {
    const client = makeClient();
    const redirect = await client.phoneCallRedirects.create({ phone: "+353832345678" });
    assert.equal(redirect.type, "phone_call_redirect");
    assert.equal(redirect.phone, "+353832345678");
    const error = await rejectsWith(client.phoneCallRedirects.create({ phone: "nope" }), Intercom.BadRequestError, 400);
    assertErrorList(error.body, "invalid_phone_number", 400);
});
