// Teams, through the official intercom-client SDK (client.teams.*): GET /teams, GET /teams/{id}.
// Teams are made by the operator with `switchboard team create`.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Intercom } from "intercom-client";
import { assertErrorList, cli, createAdmin, createWorkspace, makeClient, rejectsWith, switchboard, unique } from "./harness.mjs";

test("lists and finds teams made with the CLI", async () => {
    const client = makeClient();
    const member = createAdmin();
    const name = unique("Team");
    const made = cli("team", "create", "--workspace", switchboard.workspaceId, "--name", name, "--admin", member.admin_id);

    const teams = await client.teams.list();
    assert.equal(teams.type, "team.list");
    const listed = teams.teams.filter((t) => t.id === made.id);
    assert.equal(listed.length, 1);
    assert.equal(listed[0].name, name);
    assert.deepEqual(listed[0].admin_ids, [Number(member.admin_id)]);

    const team = await client.teams.find({ team_id: made.id });
    assert.equal(team.type, "team");
    assert.equal(team.id, made.id);

    const admin = await client.admins.find({ admin_id: Number(member.admin_id) });
    assert.deepEqual(admin.team_ids, [Number(made.id)]);
});

test("an unknown or foreign team is team_not_found", async () => {
    const client = makeClient();
    const error = await rejectsWith(client.teams.find({ team_id: "987654321" }), Intercom.NotFoundError, 404);
    assertErrorList(error.body, "team_not_found", 404);

    const made = cli("team", "create", "--workspace", switchboard.workspaceId, "--name", unique("Team"));
    const other = makeClient({ token: createWorkspace().access_token });
    await rejectsWith(other.teams.find({ team_id: made.id }), Intercom.NotFoundError, 404);
    assert.ok((await other.teams.list()).teams.every((t) => t.id !== made.id));
});
