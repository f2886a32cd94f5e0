// Admins, through the official intercom-client SDK (client.admins.*):
// GET /me, GET /admins, GET /admins/{id}, PUT /admins/{id}/away,
// GET /admins/activity_logs, and the errors the SDK throws for them.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { Intercom, IntercomError } from "intercom-client";
import {
    Wire,
    assertErrorList,
    assertFields,
    createAdmin,
    createWorkspace,
    makeClient,
    rejectsWith,
    switchboard,
} from "./harness.mjs";

const MISSING_ADMIN_ID = "987654321";
const nowSeconds = () => Math.floor(Date.now() / 1000);

// Required in intercom-client's Intercom.Admin type (and the spec's admin schema).
function checkAdmin(admin, what = "admin") {
    assertFields(admin, {
        type: "string",
        id: "string",
        name: "string",
        email: "string",
        away_mode_enabled: "boolean",
        away_mode_reassign: "boolean",
        has_inbox_seat: "boolean",
        team_ids: "array",
    }, what);
    assert.equal(admin.type, "admin");
    assert.ok(admin.id.length > 0);
}

function awayLogs(listing, adminId) {
    return (listing.activity_logs ?? []).filter(
        (log) => log?.activity_type === "admin_away_mode_change" && log?.performed_by?.id === adminId,
    );
}

describe("admins (intercom-client)", () => {
    const me = switchboard.admin;

    describe("GET /me", () => {
        test("identify returns the token's admin with the app object", async () => {
            const wire = new Wire();
            const client = makeClient({ wire });
            const admin = await client.admins.identify();
            wire.lastJson();

            assert.equal(admin.type, "admin");
            assert.equal(typeof admin.id, "string");
            assert.equal(admin.id, me.id);
            assert.equal(admin.email, me.email);
            assert.equal(admin.name, me.name);
            assert.equal(typeof admin.email_verified, "boolean");
            assert.equal(typeof admin.has_inbox_seat, "boolean");

            assertFields(admin.app, {
                type: "string",
                id_code: "string",
                name: "string",
                created_at: "number",
                timezone: "string",
                region: "string",
                identity_verification: "boolean",
            }, "me.app");
            assert.equal(admin.app.type, "app");
            assert.equal(admin.app.id_code, switchboard.workspaceId);
            assert.ok(Number.isInteger(admin.app.created_at) && admin.app.created_at > 0);
        });

        test("withRawResponse exposes status and JSON content type", async () => {
            const { data, rawResponse } = await makeClient().admins.identify().withRawResponse();
            assert.equal(rawResponse.status, 200);
            assert.match(rawResponse.headers.get("content-type") ?? "", /^application\/json/);
            assert.equal(data.id, me.id);
        });
    });

    describe("GET /admins", () => {
        test("list contains the token's admin", async () => {
            const wire = new Wire();
            const listing = await makeClient({ wire }).admins.list();
            wire.lastJson();
            assert.equal(listing.type, "admin.list");
            assert.ok(Array.isArray(listing.admins) && listing.admins.length > 0);
            listing.admins.forEach((admin, i) => checkAdmin(admin, `admins[${i}]`));
            const found = listing.admins.find((admin) => admin.id === me.id);
            assert.ok(found, `${me.id} not in ${JSON.stringify(listing.admins.map((a) => a.id))}`);
            assert.equal(found.email, me.email);
        });

        test("list includes an admin created with the CLI", async () => {
            const created = createAdmin({ name: "Node Second Admin" });
            const listing = await makeClient().admins.list();
            const found = listing.admins.find((admin) => admin.id === created.admin_id);
            assert.ok(found, `${created.admin_id} not listed`);
            assert.equal(found.email, created.email);
            assert.equal(found.name, created.name);
            assert.equal(found.away_mode_enabled, false);
            assert.equal(found.away_mode_reassign, false);
            const ids = listing.admins.map((a) => a.id);
            assert.equal(new Set(ids).size, ids.length, "admin ids must be unique");
        });
    });

    describe("GET /admins/{id}", () => {
        test("find returns the admin", async () => {
            const admin = await makeClient().admins.find({ admin_id: me.id });
            checkAdmin(admin);
            assert.equal(admin.id, me.id);
            assert.equal(admin.email, me.email);
            assert.equal(admin.name, me.name);
        });

        test("find returns another admin of the same workspace", async () => {
            const created = createAdmin();
            const admin = await makeClient().admins.find({ admin_id: created.admin_id });
            checkAdmin(admin);
            assert.equal(admin.id, created.admin_id);
            assert.equal(admin.email, created.email);
        });
    });

    test("find and away accept numeric ids, as intercom-client types admin_id: number", async () => {
        const created = createAdmin();
        assert.match(created.admin_id, /^[0-9]+$/, `admin id ${created.admin_id} is not numeric`);
        const client = makeClient();
        const admin = await client.admins.find({ admin_id: Number(created.admin_id) });
        assert.equal(admin.id, created.admin_id);
        const updated = await client.admins.away({
            admin_id: Number(created.admin_id),
            away_mode_enabled: true,
            away_mode_reassign: false,
        });
        assert.equal(updated.id, created.admin_id);
        assert.equal(updated.away_mode_enabled, true);
    });

    describe("PUT /admins/{id}/away", () => {
        for (const [enabled, reassign] of [[true, true], [true, false], [false, true], [false, false]]) {
            test(`away sets away_mode_enabled=${enabled} away_mode_reassign=${reassign}`, async () => {
                const client = makeClient();
                const target = createAdmin();
                const updated = await client.admins.away({
                    admin_id: target.admin_id,
                    away_mode_enabled: enabled,
                    away_mode_reassign: reassign,
                });
                checkAdmin(updated);
                assert.equal(updated.id, target.admin_id);
                assert.equal(updated.away_mode_enabled, enabled);
                assert.equal(updated.away_mode_reassign, reassign);

                const fetched = await client.admins.find({ admin_id: target.admin_id });
                assert.equal(fetched.away_mode_enabled, enabled);
                assert.equal(fetched.away_mode_reassign, reassign);
                const listed = (await client.admins.list()).admins.find((a) => a.id === target.admin_id);
                assert.equal(listed.away_mode_enabled, enabled);
                assert.equal(listed.away_mode_reassign, reassign);
            });
        }

        test("away toggles back and /me reflects it", async () => {
            const client = makeClient();
            const on = await client.admins.away({ admin_id: me.id, away_mode_enabled: true, away_mode_reassign: true });
            assert.deepEqual([on.away_mode_enabled, on.away_mode_reassign], [true, true]);
            const off = await client.admins.away({ admin_id: me.id, away_mode_enabled: false, away_mode_reassign: false });
            assert.deepEqual([off.away_mode_enabled, off.away_mode_reassign], [false, false]);
            const identified = await client.admins.identify();
            assert.deepEqual([identified.away_mode_enabled, identified.away_mode_reassign], [false, false]);
        });
    });

    describe("GET /admins/activity_logs", () => {
        // intercom-client has no pagination iterator here: listAllActivityLogs
        // resolves to one ActivityLogList and takes no cursor.
        test("records away-mode changes", async () => {
            const wire = new Wire();
            const client = makeClient({ wire });
            const started = nowSeconds();
            await client.admins.away({ admin_id: me.id, away_mode_enabled: true, away_mode_reassign: false });
            await client.admins.away({ admin_id: me.id, away_mode_enabled: false, away_mode_reassign: false });

            const listing = await client.admins.listAllActivityLogs({ created_at_after: String(started - 1) });
            wire.lastJson();
            assert.equal(listing.type, "activity_log.list");
            assert.ok(Array.isArray(listing.activity_logs), JSON.stringify(listing));
            for (const log of listing.activity_logs) {
                assertFields(log, { id: "string", created_at: "number", activity_type: "string", performed_by: "object" }, "activity_log");
                assert.ok(Number.isInteger(log.created_at) && log.created_at >= started - 1, JSON.stringify(log));
                assert.equal(log.performed_by.type, "admin");
                assert.equal(typeof log.performed_by.id, "string");
            }
            const logs = awayLogs(listing, me.id);
            assert.ok(logs.length > 0, `no admin_away_mode_change by ${me.id} in ${wire.last.text}`);
            assert.ok(logs.every((log) => log.metadata && typeof log.metadata === "object"), `away-mode logs need metadata: ${wire.last.text}`);
            const modes = new Set(logs.map((log) => log.metadata.away_mode));
            assert.ok(modes.has(true) && modes.has(false), `metadata.away_mode: ${wire.last.text}`);
            for (const log of logs) {
                assert.equal(log.performed_by.email, me.email);
                assert.equal(typeof log.activity_description, "string");
            }
            if (listing.pages != null) {
                assert.equal(listing.pages.type, "pages");
            }
        });

        test("respects created_at_after / created_at_before", async () => {
            const client = makeClient();
            await client.admins.away({ admin_id: me.id, away_mode_enabled: true, away_mode_reassign: true });
            await client.admins.away({ admin_id: me.id, away_mode_enabled: false, away_mode_reassign: false });
            const now = nowSeconds();

            const old = await client.admins.listAllActivityLogs({
                created_at_after: String(now - 7200),
                created_at_before: String(now - 3600),
            });
            assert.equal(old.type, "activity_log.list");
            assert.equal(awayLogs(old, me.id).length, 0);

            const future = await client.admins.listAllActivityLogs({ created_at_after: String(now + 3600) });
            assert.equal((future.activity_logs ?? []).length, 0);

            const window = await client.admins.listAllActivityLogs({
                created_at_after: String(now - 60),
                created_at_before: String(now + 60),
            });
            assert.ok(awayLogs(window, me.id).length > 0);
            for (const log of window.activity_logs) {
                assert.ok(log.created_at >= now - 60 && log.created_at <= now + 60, JSON.stringify(log));
            }
        });
    });

    describe("errors", () => {
        test("a bad token throws UnauthorizedError (401) with an error.list body", async () => {
            const wire = new Wire();
            const bad = makeClient({ token: "not-a-valid-token", wire });
            const error = await rejectsWith(bad.admins.list(), Intercom.UnauthorizedError, 401);
            assertErrorList(error.body, "unauthorized", 401);
            assertErrorList(wire.lastJson(), "unauthorized", 401);

            await rejectsWith(bad.admins.find({ admin_id: "1" }), Intercom.UnauthorizedError, 401);
            await rejectsWith(
                bad.admins.away({ admin_id: "1", away_mode_enabled: true, away_mode_reassign: true }),
                Intercom.UnauthorizedError,
                401,
            );
            await rejectsWith(bad.admins.listAllActivityLogs({ created_at_after: "0" }), Intercom.UnauthorizedError, 401);

            // intercom-client declares no typed errors for GET /me: it throws the base IntercomError.
            const meError = await rejectsWith(bad.admins.identify(), IntercomError, 401);
            assertErrorList(meError.body, "unauthorized", 401);
        });

        test("an empty token is unauthorized", async () => {
            const error = await rejectsWith(makeClient({ token: "" }).admins.list(), Intercom.UnauthorizedError, 401);
            assertErrorList(error.body, "unauthorized", 401);
        });

        test("an unknown admin id throws NotFoundError (404) with an error.list body", async () => {
            const client = makeClient();
            const error = await rejectsWith(client.admins.find({ admin_id: MISSING_ADMIN_ID }), Intercom.NotFoundError, 404);
            assertErrorList(error.body, "admin_not_found", 404);

            const awayError = await rejectsWith(
                client.admins.away({ admin_id: MISSING_ADMIN_ID, away_mode_enabled: true, away_mode_reassign: false }),
                Intercom.NotFoundError,
                404,
            );
            assertErrorList(awayError.body, "admin_not_found", 404);

            const textError = await rejectsWith(client.admins.find({ admin_id: "not-an-admin" }), Intercom.NotFoundError, 404);
            assertErrorList(textError.body, "admin_not_found", 404);
        });
    });

    describe("workspace isolation", () => {
        let other;
        before(() => {
            other = createWorkspace();
        });

        test("a second workspace's token sees only its own admins", async () => {
            const client = makeClient({ token: other.access_token });
            const identified = await client.admins.identify();
            assert.equal(identified.id, other.admin_id);
            assert.notEqual(identified.id, me.id);
            assert.equal(identified.app.id_code, other.workspace_id);

            const listing = await client.admins.list();
            assert.deepEqual(listing.admins.map((a) => a.id), [other.admin_id]);

            const error = await rejectsWith(client.admins.find({ admin_id: me.id }), Intercom.NotFoundError, 404);
            assertErrorList(error.body, "admin_not_found", 404);
            await rejectsWith(
                client.admins.away({ admin_id: me.id, away_mode_enabled: true, away_mode_reassign: true }),
                Intercom.NotFoundError,
                404,
            );
        });

        test("the first workspace does not see the second's admins", async () => {
            const client = makeClient();
            const ids = (await client.admins.list()).admins.map((a) => a.id);
            assert.ok(ids.includes(me.id));
            assert.ok(!ids.includes(other.admin_id));
            await rejectsWith(client.admins.find({ admin_id: other.admin_id }), Intercom.NotFoundError, 404);
        });

        test("activity logs are per workspace", async () => {
            const started = nowSeconds();
            const client = makeClient();
            await client.admins.away({ admin_id: me.id, away_mode_enabled: true, away_mode_reassign: false });
            await client.admins.away({ admin_id: me.id, away_mode_enabled: false, away_mode_reassign: false });
            const listing = await makeClient({ token: other.access_token }).admins.listAllActivityLogs({
                created_at_after: String(started - 1),
            });
            for (const log of listing.activity_logs ?? []) {
                assert.notEqual(log.performed_by?.id, me.id, "another workspace's activity leaked");
            }
        });
    });
});
