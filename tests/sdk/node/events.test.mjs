// Data events through the official intercom-client SDK: client.events.create (and its
// de-duplication), client.events.list (events, pages.next, summary: true),
// client.events.summaries, and the errors the SDK throws for them.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { IntercomError } from "intercom-client";
import { Wire, assertErrorList, assertFields, makeClient, rejectsWith, switchboard, unique, uniqueEmail } from "./harness.mjs";

const now = () => Math.floor(Date.now() / 1000);
const names = (list) => list.events.map((event) => event.event_name);

async function newUser(client) {
    return client.contacts.create({ email: uniqueEmail("events"), external_id: unique("uid") });
}

describe("events", () => {
    test("create by each identifier, then list newest first", async () => {
        const wire = new Wire();
        const client = makeClient({ wire });
        const user = await newUser(client);
        const t = now();
        const created = await client.events.create({
            user_id: user.external_id,
            event_name: "invited-friend",
            created_at: t - 30,
            metadata: { invite_code: "ADDAFRIEND" },
        });
        assert.equal(created, undefined);
        assert.equal(wire.last.status, 202);
        assert.equal(wire.last.text, "");
        await client.events.create({ email: user.email, event_name: "Placed.Order", created_at: t - 20 });
        await client.events.create({
            id: user.id,
            event_name: "paid",
            created_at: t - 10,
            metadata: { price: { amount: 34999, currency: "eur" }, article: { url: "https://example.org/a", value: "A" } },
        });

        for (const by of [{ user_id: user.external_id }, { email: user.email }, { intercom_user_id: user.id }]) {
            const list = await client.events.list({ type: "user", ...by });
            assert.equal(list.type, "event.list");
            assert.deepEqual(names(list), ["paid", "placed-order", "invited-friend"], JSON.stringify(by));
        }
        const list = wire.lastJson();
        for (const event of list.events) {
            assertFields(event, { type: "string", id: "string", event_name: "string", created_at: "number", intercom_user_id: "string" }, "event");
        }
        assert.deepEqual(list.events[0].metadata, { price: { amount: 34999, currency: "eur" }, article: { url: "https://example.org/a", value: "A" } });
        assert.equal(list.events[2].user_id, user.external_id);
        assert.equal(list.events[2].email, user.email);
    });

    test("a duplicate is accepted and stored once", async () => {
        const wire = new Wire();
        const client = makeClient({ wire });
        const user = await newUser(client);
        const at = now() - 60;
        for (const attempt of ["first", "second"]) {
            await client.events.create({ id: user.id, event_name: "placed-order", created_at: at, metadata: { attempt } });
            assert.equal(wire.last.status, 202);
        }
        const list = await client.events.list({ type: "user", intercom_user_id: user.id });
        assert.deepEqual(names(list), ["placed-order"]);
        assert.deepEqual(list.events[0].metadata, { attempt: "first" });
    });

    test("per_page and pages.next", async () => {
        const client = makeClient();
        const user = await newUser(client);
        const t = now();
        for (let i = 0; i < 3; i++) {
            await client.events.create({ id: user.id, event_name: `step-${i}`, created_at: t - 100 + i });
        }
        const first = await client.events.list({ type: "user", intercom_user_id: user.id, per_page: 2 });
        assert.deepEqual(names(first), ["step-2", "step-1"]);
        assert.equal(typeof first.pages.next, "string");
        assert.ok(first.pages.next.startsWith(switchboard.baseUrl), first.pages.next);
        // The SDK has no pager for events: the URL is a plain GET with the same token.
        const response = await fetch(first.pages.next, { headers: { Authorization: `Bearer ${switchboard.token}` } });
        assert.equal(response.status, 200);
        const second = await response.json();
        assert.deepEqual(names(second), ["step-0"]);
        assert.equal(second.pages.next, undefined);
    });

    test("summary: true counts every event, with imported summaries", async () => {
        const client = makeClient();
        const user = await newUser(client);
        const old = now() - 200 * 24 * 3600;
        await client.events.create({ user_id: user.external_id, event_name: "logged-in", created_at: old });
        await client.events.create({ user_id: user.external_id, event_name: "logged-in", created_at: old + 60 });
        const imported = await client.events.summaries({
            user_id: user.external_id,
            event_summaries: { event_name: "imported-order", count: 4, first: 1389913341, last: 1389913941 },
        });
        assert.equal(imported, undefined);

        const summary = await client.events.list({ type: "user", user_id: user.external_id, summary: true });
        assertFields(summary, { type: "string", intercom_user_id: "string", user_id: "string", email: "string", events: "array" }, "summary");
        assert.equal(summary.type, "event.summary");
        assert.equal(summary.intercom_user_id, user.id);
        const byName = Object.fromEntries(summary.events.map((item) => [item.name, item]));
        assert.equal(byName["logged-in"].count, 2);
        assert.deepEqual(byName["imported-order"], {
            name: "imported-order",
            first: "2014-01-16T23:02:21.000+00:00",
            last: "2014-01-16T23:12:21.000+00:00",
            count: 4,
        });
        const list = await client.events.list({ type: "user", user_id: user.external_id });
        assert.deepEqual(list.events, [], "older than 90 days: not listed");
    });

    test("errors", async () => {
        const client = makeClient();
        let error = await rejectsWith(
            client.events.create({ user_id: unique("nobody"), event_name: "e", created_at: 1 }),
            IntercomError,
            404,
        );
        assertErrorList(error.body, "not_found", 404);
        const user = await newUser(client);
        error = await rejectsWith(
            client.events.create({ id: user.id, event_name: "e", created_at: 1, metadata: { deep: { x: 1 } } }),
            IntercomError,
            400,
        );
        assertErrorList(error.body, "parameter_invalid", 400);
        error = await rejectsWith(client.events.list({ type: "user", email: uniqueEmail("nobody") }), IntercomError, 404);
        assertErrorList(error.body, "not_found", 404);
        error = await rejectsWith(client.events.list({ type: "lead", intercom_user_id: user.id }), IntercomError, 400);
        assertErrorList(error.body, "parameter_invalid", 400);
        error = await rejectsWith(client.events.summaries({ user_id: user.external_id }), IntercomError, 400);
        assertErrorList(error.body, "parameter_not_found", 400);
    });
});
