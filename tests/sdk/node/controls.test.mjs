// Faults and the request journal (docs/controls.md) as an SDK user meets them. The SDK has no
// client for /_switchboard/: the tests drive the controls with fetch, as a test suite would,
// and the SDK sees the faults. Each test has a workspace of its own.

import assert from "node:assert/strict";
import { test } from "node:test";
import { IntercomError } from "intercom-client";
import { assertErrorList, createWorkspace, makeClient, rejectsWith, switchboard, uniqueEmail } from "./harness.mjs";

function controls(token) {
    const call = async (method, path, body) => {
        const response = await fetch(`${switchboard.baseUrl}${path}`, {
            method,
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.status, body: await response.json() };
    };
    return {
        async fault(fields) {
            const { status, body } = await call("POST", "/_switchboard/faults", fields);
            assert.equal(status, 201, JSON.stringify(body));
            return body;
        },
        async journal(query = "") {
            const { status, body } = await call("GET", `/_switchboard/requests${query}`);
            assert.equal(status, 200, JSON.stringify(body));
            return body.data;
        },
    };
}

test("an injected rate limit reaches the SDK with its headers", async () => {
    const token = createWorkspace().access_token;
    const client = makeClient({ token });
    const control = controls(token);
    await control.fault({ method: "GET", path: "/me", status: 429, count: 1 });
    const error = await rejectsWith(client.admins.identify({ maxRetries: 0 }), IntercomError, 429);
    assertErrorList(error.body, "rate_limit_exceeded", 429);
    assert.equal(error.rawResponse.headers.get("x-ratelimit-remaining"), "0");
    assert.ok(Number(error.rawResponse.headers.get("x-ratelimit-reset")) > 0);
    assert.equal((await client.admins.identify()).type, "admin");
    const seen = await control.journal("?path=/me");
    assert.deepEqual(seen.map((e) => e.status), [200, 429]);
});

test("an injected not found reaches the SDK once", async () => {
    const token = createWorkspace().access_token;
    const client = makeClient({ token });
    const control = controls(token);
    const contact = await client.contacts.create({ email: uniqueEmail("faulted") });
    await control.fault({ path: "/contacts/{id}", error_code: "not_found", count: 1 });
    const error = await rejectsWith(client.contacts.find({ contact_id: contact.id }), IntercomError, 404);
    assertErrorList(error.body, "not_found", 404);
    assert.equal((await client.contacts.find({ contact_id: contact.id })).id, contact.id);
    const [entry] = await control.journal("?method=POST&path=/contacts");
    assert.equal(entry.request_body.email, contact.email);
    assert.ok(!JSON.stringify(await control.journal()).includes(token));
});
