"""What 2.14-2.16 add to admins and companies, as far as python-intercom 5.0.1 reaches them:
GET /away_status_reasons (client.away_status_reasons) and GET /companies/{id}/notes
(client.unstable.notes.list_company_notes).
"""

from __future__ import annotations

import pytest
from intercom import Intercom
from intercom.core.api_error import ApiError
from intercom.unstable import NoteList

from harness import Switchboard, Wire, api_version, assert_error_list, strict, unique


def test_away_status_reasons_are_listed_and_chosen(client: Intercom, wire: Wire, switchboard: Switchboard, workspace_admin):
    label = unique("Focus")
    added = switchboard.cli("away-status-reason", "create", "--workspace", switchboard.workspace_id, "--label", label, "--emoji", "🎧")
    listed = client.away_status_reasons.list_away_status_reasons()
    # The SDK types the answer as a bare array; every description (2.14-2.16) says it is
    # `away_status_reason_list`, {"type": "list", "data": [...]}, which is what is served.
    body = wire.last_json()
    assert body["type"] == "list"
    assert listed == body
    labels = [r["label"] for r in body["data"]]
    assert "On a break" in labels and label in labels
    assert all(r["type"] == "away_status_reason" and isinstance(r["id"], str) for r in body["data"])

    admin = client.admins.away(
        admin_id=int(workspace_admin["id"]), away_mode_enabled=True, away_mode_reassign=False,
        away_status_reason_id=int(added["id"]),
    )
    # The admin shows its reason from 2.14 on; the suite's default 2.11 workspace omits it.
    if api_version() != "2.11":
        assert admin.away_status_reason_id == int(added["id"])
    switchboard.cli("away-status-reason", "delete", "--workspace", switchboard.workspace_id, "--id", added["id"])
    with pytest.raises(ApiError) as raised:
        client.admins.away(
            admin_id=int(workspace_admin["id"]), away_mode_enabled=True, away_mode_reassign=False,
            away_status_reason_id=int(added["id"]),
        )
    assert_error_list(raised.value.body, "parameter_invalid", 400)
    client.admins.away(admin_id=int(workspace_admin["id"]), away_mode_enabled=False, away_mode_reassign=False)


def test_company_notes_are_listed(client: Intercom, wire: Wire):
    company = client.companies.create_or_update(request={"company_id": unique("co"), "name": "Acme"})
    notes = client.unstable.notes.list_company_notes(id=company.id)
    strict(NoteList, wire.last_json())
    assert notes.type == "list" and notes.data == []
    with pytest.raises(ApiError) as raised:
        client.unstable.notes.list_company_notes(id="nope")
    assert_error_list(raised.value.body, "company_not_found", 404)
