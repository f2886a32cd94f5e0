"""Teams, through the official python-intercom SDK (client.teams.*): GET /teams, GET /teams/{id}.

Teams are made by the operator with `switchboard team create`.
"""

from __future__ import annotations

import pytest
from intercom import Intercom, NotFoundError, Team, TeamList

from harness import Switchboard, Wire, assert_error_list, strict, unique


def test_list_and_find_teams(client: Intercom, wire: Wire, switchboard: Switchboard):
    member = switchboard.create_admin()
    name = unique("Team")
    made = switchboard.cli(
        "team", "create", "--workspace", switchboard.workspace_id, "--name", name, "--admin", member["admin_id"]
    )

    teams = client.teams.list()
    strict(TeamList, wire.last_json())
    assert teams.type == "team.list"
    listed = [t for t in teams.teams if t.id == made["id"]]
    assert len(listed) == 1
    assert listed[0].name == name
    assert listed[0].admin_ids == [int(member["admin_id"])]

    team = client.teams.find(team_id=made["id"])
    strict(Team, wire.last_json())
    assert team.type == "team"
    assert team.id == made["id"]
    assert team.admin_ids == [int(member["admin_id"])]

    admin = client.admins.find(admin_id=int(member["admin_id"]))
    assert admin.team_ids == [int(made["id"])]


def test_unknown_team_is_not_found(client: Intercom):
    with pytest.raises(NotFoundError) as raised:
        client.teams.find(team_id="987654321")
    assert_error_list(raised.value.body, "team_not_found", 404)


def test_other_workspace_teams_are_invisible(switchboard: Switchboard, make_client, other_workspace):
    made = switchboard.cli("team", "create", "--workspace", switchboard.workspace_id, "--name", unique("Team"))
    other = make_client(token=other_workspace["access_token"])
    assert all(t.id != made["id"] for t in other.teams.list().teams)
    with pytest.raises(NotFoundError):
        other.teams.find(team_id=made["id"])
