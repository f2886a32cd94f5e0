// Contacts and what they point at, through the official intercom-client SDK:
// client.contacts.* (create, find, update, delete, archive, unarchive, list and its Page,
// search and its Page, mergeLeadInUser, listAttached*, attach/detachSubscription),
// client.tags.*, client.notes.*, client.segments.*, client.subscriptionTypes.*,
// client.dataAttributes.*, and the errors the SDK throws for them.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Intercom, IntercomError } from "intercom-client";
import {
    Wire,
    assertErrorList,
    assertFields,
    cli,
    createWorkspace,
    makeClient,
    rejectsWith,
    switchboard,
    unique,
    uniqueEmail,
} from "./harness.mjs";

/** A client on a workspace of its own, so that counts and listings are exact. */
function freshClient(wire) {
    const ws = createWorkspace();
    return { client: makeClient({ token: ws.access_token, wire }), ws };
}

const newUser = (client, fields = {}) => client.contacts.create({ email: uniqueEmail("user"), ...fields });
const newLead = (client, fields = {}) => client.contacts.create({ role: "lead", ...fields });

function checkContact(contact) {
    assertFields(contact, {
        type: "string",
        id: "string",
        workspace_id: "string",
        role: "string",
        created_at: "number",
        updated_at: "number",
        location: "object",
        social_profiles: "object",
        custom_attributes: "object",
        tags: "object",
        notes: "object",
        companies: "object",
    }, "contact");
    assert.equal(contact.type, "contact");
    assert.equal(contact.id.length, 24);
    for (const key of ["tags", "notes", "companies"]) {
        assertFields(contact[key], { url: "string", total_count: "number", has_more: "boolean", data: "array" }, `contact.${key}`);
    }
}

async function collect(page) {
    const items = [];
    for await (const item of page) {
        items.push(item);
    }
    return items;
}

describe("contacts (intercom-client)", () => {
    test("create, find, update, archive, delete", async () => {
        const wire = new Wire();
        const client = makeClient({ wire });
        const email = uniqueEmail("crud");
        const created = await client.contacts.create({ email, name: "Joe", custom_attributes: {} });
        checkContact(created);
        assert.equal(created.email, email);
        assert.equal(created.role, "user");

        const found = await client.contacts.find({ contact_id: created.id });
        assert.equal(found.name, "Joe");
        const updated = await client.contacts.update({ contact_id: created.id, name: "Joe Bloggs", last_seen_at: 1571672154 });
        assert.equal(updated.name, "Joe Bloggs");
        assert.equal(updated.last_seen_at, 1571672154);

        const archived = await client.contacts.archive({ contact_id: created.id });
        assert.deepEqual(archived, { id: created.id, external_id: null, type: "contact", archived: true });
        const unarchived = await client.contacts.unarchive({ contact_id: created.id });
        assert.equal(unarchived.archived, false);

        const deleted = await client.contacts.delete({ contact_id: created.id });
        assert.equal(deleted.deleted, true);
        const err = await rejectsWith(client.contacts.find({ contact_id: created.id }), IntercomError, 404);
        assertErrorList(err.body, "not_found", 404);
    });

    test("duplicates and unknown attributes are refused", async () => {
        const client = makeClient();
        const contact = await newUser(client);
        const conflict = await rejectsWith(client.contacts.create({ email: contact.email }), IntercomError, 409);
        assertErrorList(conflict.body, "conflict", 409);
        assert.match(conflict.body.errors[0].message, new RegExp(`id=${contact.id}$`));
        const invalid = await rejectsWith(
            client.contacts.update({ contact_id: contact.id, custom_attributes: { nope: 1 } }),
            IntercomError,
            400,
        );
        assertErrorList(invalid.body, "parameter_invalid", 400);
    });

    test("the list Page walks every contact by cursor", async () => {
        const { client } = freshClient();
        const created = [];
        for (let i = 0; i < 5; i++) {
            created.push((await newUser(client)).id);
        }
        created.push((await newLead(client)).id);
        const page = await client.contacts.list({ per_page: 4 });
        assert.equal(page.data.length, 4);
        assert.ok(page.hasNextPage());
        assert.equal(page.response.total_count, 6);
        assert.equal(page.response.pages.next.page, 2);
        const all = await collect(await client.contacts.list({ per_page: 4 }));
        assert.deepEqual(all.map((c) => c.id), created);
        all.forEach(checkContact);
    });

    test("search: filters, nesting and the Page's cursor", async () => {
        const { client } = freshClient();
        const acme = [];
        for (let i = 0; i < 3; i++) {
            acme.push((await newUser(client, { name: `Acme ${i}` })).id);
        }
        await newUser(client, { name: "Other" });
        const lead = (await newLead(client, { name: "Acme lead" })).id;

        const page = await client.contacts.search({
            query: { field: "name", operator: "^", value: "acme" },
            pagination: { per_page: 2 },
        });
        assert.equal(page.response.total_count, 4);
        assert.equal(page.data.length, 2);
        const all = await collect(page);
        assert.deepEqual(all.map((c) => c.id).sort(), [...acme, lead].sort(), "the Page sends pagination.starting_after");

        const nested = await client.contacts.search({
            query: {
                operator: "AND",
                value: [
                    { field: "name", operator: "~", value: "Acme" },
                    { operator: "OR", value: [{ field: "role", operator: "=", value: "lead" }, { field: "name", operator: "$", value: " 1" }] },
                ],
            },
        });
        assert.deepEqual(nested.data.map((c) => c.id).sort(), [acme[1], lead].sort());

        const bad = await rejectsWith(
            client.contacts.search({ query: { field: "created_at", operator: "!=", value: 1 } }),
            IntercomError,
            400,
        );
        assertErrorList(bad.body, "parameter_invalid", 400);
    });

    test("merge a lead into a user", async () => {
        const client = makeClient();
        const user = await newUser(client);
        const lead = await newLead(client, { phone: "+15550123" });
        const merged = await client.contacts.mergeLeadInUser({ from: lead.id, into: user.id });
        assert.equal(merged.id, user.id);
        assert.equal(merged.phone, "+15550123");
        await rejectsWith(client.contacts.find({ contact_id: lead.id }), IntercomError, 404);
        const err = await rejectsWith(client.contacts.mergeLeadInUser({ from: user.id, into: user.id }), IntercomError, 400);
        assertErrorList(err.body, "parameter_invalid", 400);
    });

    test("tags", async () => {
        const client = makeClient();
        const name = unique("tag");
        const tag = await client.tags.create({ name });
        assert.deepEqual(tag, { type: "tag", id: tag.id, name });
        assert.equal((await client.tags.find({ tag_id: tag.id })).name, name);
        assert.ok((await client.tags.list()).data.some((t) => t.id === tag.id));

        const contact = await newUser(client);
        const applied = await client.tags.tagContact({ contact_id: contact.id, id: tag.id });
        assert.equal(applied.id, tag.id);
        assert.equal(typeof applied.applied_at, "number");
        assert.deepEqual((await client.contacts.listAttachedTags({ contact_id: contact.id })).data.map((t) => t.id), [tag.id]);
        const again = await client.contacts.find({ contact_id: contact.id });
        assert.equal(again.tags.total_count, 1);
        assert.deepEqual(again.tags.data[0], { type: "tag", id: tag.id, url: `/tags/${tag.id}` });
        await client.tags.untagContact({ contact_id: contact.id, tag_id: tag.id });
        assert.deepEqual((await client.contacts.listAttachedTags({ contact_id: contact.id })).data, []);

        const other = await newUser(client);
        const bulk = await client.tags.create({ name: unique("bulk"), users: [{ id: contact.id }, { id: other.id }] });
        const found = await client.contacts.search({ query: { field: "tag_id", operator: "=", value: bulk.id } });
        assert.equal(found.data.length, 2);

        await client.tags.delete({ tag_id: tag.id });
        const err = await rejectsWith(client.tags.find({ tag_id: tag.id }), Intercom.NotFoundError, 404);
        assertErrorList(err.body, "not_found", 404);
        await rejectsWith(client.tags.tagContact({ contact_id: contact.id, id: "999999" }), Intercom.NotFoundError, 404);
    });

    test("notes and their Page", async () => {
        const client = makeClient();
        const contact = await newUser(client);
        const note = await client.notes.create({ contact_id: contact.id, body: "Hello" });
        assert.equal(note.body, "<p>Hello</p>");
        assert.equal(note.author.id, switchboard.admin.id);
        assert.equal(note.contact.id, contact.id);
        for (let i = 0; i < 2; i++) {
            await client.notes.create({ contact_id: contact.id, body: `more ${i}`, admin_id: switchboard.admin.id });
        }
        const all = await collect(await client.notes.list({ contact_id: contact.id, per_page: 2 }));
        assert.equal(all.length, 3, "the Page asks for page + 1 until a page is empty");
        assert.equal(all[2].id, note.id);
        assert.equal((await client.notes.find({ note_id: Number(note.id) })).id, note.id);
        await rejectsWith(client.notes.create({ contact_id: "000000000000000000000000", body: "x" }), Intercom.NotFoundError, 404);
    });

    test("segments made with the CLI", async () => {
        const { client, ws } = freshClient();
        const segment = cli(
            "segment", "create", "--workspace", ws.workspace_id, "--name", "VIPs",
            "--query", JSON.stringify({ field: "email", operator: "$", value: "@vip.test" }),
        );
        const vip = await client.contacts.create({ email: "someone@vip.test" });
        await newUser(client);
        const listed = await client.segments.list({ include_count: true });
        assert.equal(listed.type, "segment.list");
        assert.deepEqual(listed.segments.map((s) => [s.id, s.name, s.count, s.person_type]), [[segment.id, "VIPs", 1, "user"]]);
        assert.equal((await client.segments.find({ segment_id: segment.id })).name, "VIPs");
        const attached = await client.contacts.listAttachedSegments({ contact_id: vip.id });
        assert.deepEqual(attached.data.map((s) => s.id), [segment.id]);
        const found = await client.contacts.search({ query: { field: "segment_id", operator: "=", value: segment.id } });
        assert.deepEqual(found.data.map((c) => c.id), [vip.id]);
        await rejectsWith(client.segments.find({ segment_id: "000000000000000000000000" }), Intercom.NotFoundError, 404);
    });

    test("subscription types and a contact's choices", async () => {
        const { client, ws } = freshClient();
        const made = cli(
            "subscription-type", "create", "--workspace", ws.workspace_id, "--name", "Offers",
            "--consent-type", "opt_in", "--content-types", "email,sms_message",
        );
        const types = await client.subscriptionTypes.list();
        assert.deepEqual(types.data.map((t) => [t.id, t.consent_type, t.content_types]), [[made.id, "opt_in", ["email", "sms_message"]]]);
        assert.equal(types.data[0].default_translation.name, "Offers");
        const contact = await newUser(client);
        const attached = await client.contacts.attachSubscription({ contact_id: contact.id, id: made.id, consent_type: "opt_in" });
        assert.equal(attached.id, made.id);
        const listed = await client.contacts.listAttachedSubscriptions({ contact_id: contact.id });
        assert.deepEqual(listed.data.map((s) => s.id), [made.id]);
        assert.equal((await client.contacts.find({ contact_id: contact.id })).opted_in_subscription_types.total_count, 1);
        await client.contacts.detachSubscription({ contact_id: contact.id, subscription_id: made.id });
        assert.deepEqual((await client.contacts.listAttachedSubscriptions({ contact_id: contact.id })).data, []);
        await rejectsWith(
            client.contacts.attachSubscription({ contact_id: contact.id, id: "invalid_id", consent_type: "opt_in" }),
            Intercom.NotFoundError,
            404,
        );
    });

    test("a contact's companies Page", async () => {
        const client = makeClient();
        const contact = await newUser(client);
        const page = await client.contacts.listAttachedCompanies({ contact_id: contact.id });
        assert.deepEqual(await collect(page), []);
        await rejectsWith(
            client.contacts.listAttachedCompanies({ contact_id: "000000000000000000000000" }),
            Intercom.NotFoundError,
            404,
        );
    });

    test("data attributes", async () => {
        const wire = new Wire();
        const { client } = freshClient(wire);
        const listed = await client.dataAttributes.list({ model: "contact" });
        assert.ok(listed.data.some((a) => a.full_name === "email" && a.custom === false));
        const plan = await client.dataAttributes.create({ name: "plan", model: "contact", data_type: "string" });
        assert.equal(plan.full_name, "custom_attributes.plan");
        assert.equal(typeof plan.id, "number");
        const tier = await client.dataAttributes.create({
            name: "tier",
            model: "contact",
            data_type: "options",
            options: [{ value: "gold" }, { value: "silver" }],
        });
        assert.deepEqual(tier.options, ["gold", "silver"]);
        const contact = await newUser(client, { custom_attributes: { plan: "pro", tier: "silver" } });
        assert.deepEqual(contact.custom_attributes, { plan: "pro", tier: "silver" });
        const found = await client.contacts.search({ query: { field: "custom_attributes.tier", operator: "=", value: "silver" } });
        assert.deepEqual(found.data.map((c) => c.id), [contact.id]);
        const updated = await client.dataAttributes.update({ data_attribute_id: plan.id, body: { description: "The plan", archived: true } });
        assert.equal(updated.archived, true);
        assert.equal(updated.description, "The plan");
        const withArchived = await client.dataAttributes.list({ model: "contact", include_archived: true });
        assert.ok(withArchived.data.some((a) => a.name === "plan"));
        const bad = await rejectsWith(
            client.dataAttributes.create({ name: "x", model: "contact", data_type: "mithril" }),
            Intercom.BadRequestError,
            400,
        );
        assertErrorList(bad.body, "parameter_invalid", 400);
        const missing = await rejectsWith(
            client.dataAttributes.update({ data_attribute_id: 999999, body: { description: "x" } }),
            Intercom.NotFoundError,
            404,
        );
        assertErrorList(missing.body, "field_not_found", 404);
    });
});
