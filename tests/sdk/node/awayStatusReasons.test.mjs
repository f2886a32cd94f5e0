// What 2.14-2.16 add to admins and companies, as far as intercom-client 7.0.3 reaches them:
// GET /away_status_reasons (client.awayStatusReasons) and GET /companies/{id}/notes
// (client.unstable.notes.listCompanyNotes).

import assert from "node:assert/strict";
import { test } from "node:test";
import { IntercomError } from "intercom-client";
import { assertErrorList, cli, createWorkspace, makeClient, rejectsWith, switchboard, unique } from "./harness.mjs";

test("away status reasons are listed and chosen for away mode", async () => {
    const workspace = createWorkspace();
    const client = makeClient({ token: workspace.access_token });
    const label = unique("Focus");
    const added = cli("away-status-reason", "create", "--workspace", workspace.workspace_id, "--label", label, "--emoji", "🎧");
    // The SDK types the answer as an array; every description (2.14-2.16) says it is
    // `away_status_reason_list`, {"type": "list", "data": [...]}, which is what is served.
    const listed = await client.awayStatusReasons.listAwayStatusReasons();
    assert.equal(listed.type, "list");
    const labels = listed.data.map((r) => r.label);
    assert.ok(labels.includes("On a break") && labels.includes(label), JSON.stringify(labels));

    const admin = await client.admins.away({
        admin_id: Number(workspace.admin_id),
        away_mode_enabled: true,
        away_mode_reassign: false,
        away_status_reason_id: Number(added.id),
    });
    assert.equal(admin.away_status_reason_id, Number(added.id));
    cli("away-status-reason", "delete", "--workspace", workspace.workspace_id, "--id", added.id);
    const error = await rejectsWith(
        client.admins.away({
            admin_id: Number(workspace.admin_id),
            away_mode_enabled: true,
            away_mode_reassign: false,
            away_status_reason_id: Number(added.id),
        }),
        IntercomError,
        400,
    );
    assertErrorList(error.body, "parameter_invalid", 400);
});

test("company notes are listed", async () => {
    const client = makeClient();
    const company = await client.companies.createOrUpdate({ company_id: unique("co"), name: "Acme" });
    const notes = await client.unstable.notes.listCompanyNotes({ id: company.id });
    assert.equal(notes.type, "list");
    assert.deepEqual(notes.data, []);
    const error = await rejectsWith(client.unstable.notes.listCompanyNotes({ id: "nope" }), IntercomError, 404);
    assertErrorList(error.body, "company_not_found", 404);
    assert.ok(switchboard.workspaceId);
});
