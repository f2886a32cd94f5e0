"""Admins, through the official python-intercom SDK (client.admins.*).

GET /me, GET /admins, GET /admins/{id}, PUT /admins/{id}/away,
GET /admins/activity_logs, and the errors the SDK raises for them.
"""

from __future__ import annotations

import time

import pytest
from intercom import ActivityLogList, Admin, AdminList, AdminWithApp, Intercom, NotFoundError, UnauthorizedError
from intercom.core.api_error import ApiError

from harness import Switchboard, Wire, assert_error_list, strict

MISSING_ADMIN_ID = "987654321"


def check_admin(admin: Admin) -> None:
    assert admin is not None
    assert admin.type == "admin"
    assert isinstance(admin.id, str) and admin.id
    assert isinstance(admin.name, str)
    assert isinstance(admin.email, str) and "@" in admin.email
    assert isinstance(admin.away_mode_enabled, bool)
    assert isinstance(admin.away_mode_reassign, bool)
    assert isinstance(admin.has_inbox_seat, bool)
    assert isinstance(admin.team_ids, list)


# --- GET /me -------------------------------------------------------------------


def test_identify_returns_token_admin_and_app(client: Intercom, wire: Wire, switchboard: Switchboard, workspace_admin):
    me = client.admins.identify()
    strict(AdminWithApp, wire.last_json())

    assert isinstance(me, AdminWithApp)
    assert me.type == "admin"
    assert isinstance(me.id, str)
    assert me.id == workspace_admin["id"]
    assert me.email == workspace_admin["email"]
    assert me.name == workspace_admin["name"]
    assert isinstance(me.email_verified, bool)
    assert isinstance(me.has_inbox_seat, bool)

    app = me.app
    assert app is not None, "GET /me must embed the app (workspace) object"
    assert app.type == "app"
    assert isinstance(app.id_code, str) and app.id_code
    assert app.id_code == switchboard.workspace_id
    assert isinstance(app.name, str) and app.name
    assert isinstance(app.created_at, int) and app.created_at > 0
    assert isinstance(app.timezone, str)
    assert isinstance(app.region, str)
    assert isinstance(app.identity_verification, bool)


# --- GET /admins ------------------------------------------------------------------


def test_list_contains_token_admin(client: Intercom, wire: Wire, workspace_admin):
    listing = client.admins.list()
    strict(AdminList, wire.last_json())

    assert isinstance(listing, AdminList)
    assert listing.type == "admin.list"
    assert listing.admins, "the workspace has at least its first admin"
    for admin in listing.admins:
        check_admin(admin)
    by_id = {admin.id: admin for admin in listing.admins}
    assert workspace_admin["id"] in by_id
    assert by_id[workspace_admin["id"]].email == workspace_admin["email"]


def test_list_includes_admin_created_with_cli(client: Intercom, wire: Wire, switchboard: Switchboard):
    created = switchboard.create_admin(name="Second Admin")

    listing = client.admins.list()
    strict(AdminList, wire.last_json())
    by_id = {admin.id: admin for admin in listing.admins}
    assert created["admin_id"] in by_id, f"{created['admin_id']} not in {sorted(by_id)}"
    admin = by_id[created["admin_id"]]
    assert admin.email == created["email"]
    assert admin.name == created["name"]
    assert admin.away_mode_enabled is False
    assert admin.away_mode_reassign is False
    assert len(by_id) == len(listing.admins), "admin ids must be unique"


# --- GET /admins/{id} ------------------------------------------------------------------


def test_find_returns_admin(client: Intercom, wire: Wire, workspace_admin):
    admin = client.admins.find(workspace_admin["id"])
    strict(Admin, wire.last_json())

    check_admin(admin)
    assert admin.id == workspace_admin["id"]
    assert admin.email == workspace_admin["email"]
    assert admin.name == workspace_admin["name"]


def test_find_other_admin_of_same_workspace(client: Intercom, wire: Wire, switchboard: Switchboard):
    created = switchboard.create_admin()
    admin = client.admins.find(created["admin_id"])
    strict(Admin, wire.last_json())
    assert admin.id == created["admin_id"]
    assert admin.email == created["email"]


def test_find_and_away_accept_int_ids_as_typed_by_the_sdk(client: Intercom, switchboard: Switchboard):
    # python-intercom types admin_id as int for find/away, while responses carry
    # string ids: admin ids must be numeric strings for typed callers to work.
    created = switchboard.create_admin()
    assert created["admin_id"].isdigit(), f"admin id {created['admin_id']!r} is not numeric"
    admin = client.admins.find(int(created["admin_id"]))
    assert admin.id == created["admin_id"]
    updated = client.admins.away(int(created["admin_id"]), away_mode_enabled=True, away_mode_reassign=False)
    assert updated.id == created["admin_id"] and updated.away_mode_enabled is True


# --- PUT /admins/{id}/away ---------------------------------------------------------------


@pytest.mark.parametrize(
    "enabled, reassign",
    [(True, True), (True, False), (False, True), (False, False)],
)
def test_away_sets_both_flags(client: Intercom, wire: Wire, switchboard: Switchboard, enabled, reassign):
    target = switchboard.create_admin()

    updated = client.admins.away(target["admin_id"], away_mode_enabled=enabled, away_mode_reassign=reassign)
    strict(Admin, wire.last_json())
    check_admin(updated)
    assert updated.id == target["admin_id"]
    assert updated.away_mode_enabled is enabled
    assert updated.away_mode_reassign is reassign

    # The change is stored, not just echoed.
    fetched = client.admins.find(target["admin_id"])
    assert fetched.away_mode_enabled is enabled
    assert fetched.away_mode_reassign is reassign
    listed = {a.id: a for a in client.admins.list().admins}[target["admin_id"]]
    assert listed.away_mode_enabled is enabled
    assert listed.away_mode_reassign is reassign


def test_away_toggles_back(client: Intercom, workspace_admin):
    admin_id = workspace_admin["id"]
    on = client.admins.away(admin_id, away_mode_enabled=True, away_mode_reassign=True)
    assert (on.away_mode_enabled, on.away_mode_reassign) == (True, True)
    off = client.admins.away(admin_id, away_mode_enabled=False, away_mode_reassign=False)
    assert (off.away_mode_enabled, off.away_mode_reassign) == (False, False)
    me = client.admins.identify()
    assert (me.away_mode_enabled, me.away_mode_reassign) == (False, False)


# --- GET /admins/activity_logs -------------------------------------------------------------


def away_logs(listing: ActivityLogList, admin_id: str):
    return [
        log
        for log in (listing.activity_logs or [])
        if log is not None
        and log.activity_type == "admin_away_mode_change"
        and log.performed_by is not None
        and log.performed_by.id == admin_id
    ]


def test_activity_logs_record_away_mode_change(client: Intercom, wire: Wire, workspace_admin):
    # No pagination iterator: the SDK's list_all_activity_logs returns one
    # ActivityLogList and takes no cursor (see the report in tests/sdk/README.md).
    started = int(time.time())
    admin_id = workspace_admin["id"]
    client.admins.away(admin_id, away_mode_enabled=True, away_mode_reassign=False)
    client.admins.away(admin_id, away_mode_enabled=False, away_mode_reassign=False)

    listing = client.admins.list_all_activity_logs(created_at_after=str(started - 1))
    strict(ActivityLogList, wire.last_json())
    assert isinstance(listing, ActivityLogList)
    assert listing.type == "activity_log.list"
    assert listing.activity_logs is not None
    for log in listing.activity_logs:
        assert isinstance(log.id, str) and log.id
        assert isinstance(log.created_at, int)
        assert log.created_at >= started - 1
        assert log.performed_by is not None and log.performed_by.type == "admin"
        assert isinstance(log.performed_by.id, str)
        assert isinstance(log.activity_type, str)

    logs = away_logs(listing, admin_id)
    assert logs, f"no admin_away_mode_change by {admin_id} in {wire.last.text}"
    assert all(log.metadata is not None for log in logs), f"away-mode logs need metadata: {wire.last.text}"
    assert {log.metadata.away_mode for log in logs} >= {True, False}, f"metadata.away_mode: {wire.last.text}"
    for log in logs:
        assert log.performed_by.email == workspace_admin["email"]
        assert isinstance(log.activity_description, str) and log.activity_description

    if listing.pages is not None:
        assert listing.pages.type in (None, "pages")


def test_activity_logs_respect_time_window(client: Intercom, wire: Wire, workspace_admin):
    client.admins.away(workspace_admin["id"], away_mode_enabled=True, away_mode_reassign=True)
    client.admins.away(workspace_admin["id"], away_mode_enabled=False, away_mode_reassign=False)
    now = int(time.time())

    # Entirely before this workspace existed: nothing.
    old = client.admins.list_all_activity_logs(created_at_after=str(now - 7200), created_at_before=str(now - 3600))
    strict(ActivityLogList, wire.last_json())
    assert old.type == "activity_log.list"
    assert not away_logs(old, workspace_admin["id"])

    # In the future: nothing.
    future = client.admins.list_all_activity_logs(created_at_after=str(now + 3600))
    assert not (future.activity_logs or [])

    # A window around now includes the change.
    window = client.admins.list_all_activity_logs(created_at_after=str(now - 60), created_at_before=str(now + 60))
    assert away_logs(window, workspace_admin["id"])
    for log in window.activity_logs:
        assert now - 60 <= log.created_at <= now + 60


# --- errors ----------------------------------------------------------------------------


def test_bad_token_raises_unauthorized(make_client):
    wire = Wire()
    bad = make_client("not-a-valid-token", wire=wire)
    with pytest.raises(UnauthorizedError) as excinfo:
        bad.admins.list()
    assert excinfo.value.status_code == 401
    assert_error_list(wire.last_json(), "unauthorized", 401)
    assert excinfo.value.body.type == "error.list"
    assert excinfo.value.body.errors[0].code == "unauthorized"

    with pytest.raises(UnauthorizedError):
        bad.admins.find("1")
    with pytest.raises(UnauthorizedError):
        bad.admins.away("1", away_mode_enabled=True, away_mode_reassign=True)
    with pytest.raises(UnauthorizedError):
        bad.admins.list_all_activity_logs(created_at_after="0")

    # The SDK declares no typed errors for GET /me: it raises the base ApiError.
    with pytest.raises(ApiError) as excinfo:
        bad.admins.identify()
    assert excinfo.value.status_code == 401
    assert_error_list(wire.last_json(), "unauthorized", 401)


def test_unknown_admin_raises_not_found(client: Intercom, wire: Wire):
    with pytest.raises(NotFoundError) as excinfo:
        client.admins.find(MISSING_ADMIN_ID)
    assert excinfo.value.status_code == 404
    assert_error_list(excinfo.value.body, "admin_not_found", 404)
    assert_error_list(wire.last_json(), "admin_not_found", 404)

    with pytest.raises(NotFoundError) as excinfo:
        client.admins.away(MISSING_ADMIN_ID, away_mode_enabled=True, away_mode_reassign=False)
    assert excinfo.value.status_code == 404
    assert_error_list(excinfo.value.body, "admin_not_found", 404)


def test_non_numeric_admin_id_raises_not_found(client: Intercom):
    with pytest.raises(NotFoundError) as excinfo:
        client.admins.find("not-an-admin")
    assert_error_list(excinfo.value.body, "admin_not_found", 404)


# --- workspace isolation -------------------------------------------------------------------


def test_second_workspace_sees_only_its_own_admins(make_client, other_workspace, workspace_admin):
    wire = Wire()
    other = make_client(other_workspace["access_token"], wire=wire)

    me = other.admins.identify()
    strict(AdminWithApp, wire.last_json())
    assert me.id == other_workspace["admin_id"]
    assert me.id != workspace_admin["id"]
    assert me.app.id_code == other_workspace["workspace_id"]

    ids = {admin.id for admin in other.admins.list().admins}
    assert ids == {other_workspace["admin_id"]}

    with pytest.raises(NotFoundError) as excinfo:
        other.admins.find(workspace_admin["id"])
    assert_error_list(excinfo.value.body, "admin_not_found", 404)

    with pytest.raises(NotFoundError):
        other.admins.away(workspace_admin["id"], away_mode_enabled=True, away_mode_reassign=True)


def test_first_workspace_does_not_see_second_workspace(client: Intercom, other_workspace, workspace_admin):
    ids = {admin.id for admin in client.admins.list().admins}
    assert other_workspace["admin_id"] not in ids
    assert workspace_admin["id"] in ids
    with pytest.raises(NotFoundError):
        client.admins.find(other_workspace["admin_id"])


def test_activity_logs_are_per_workspace(client: Intercom, make_client, other_workspace, workspace_admin):
    started = int(time.time())
    client.admins.away(workspace_admin["id"], away_mode_enabled=True, away_mode_reassign=False)
    client.admins.away(workspace_admin["id"], away_mode_enabled=False, away_mode_reassign=False)

    other = make_client(other_workspace["access_token"])
    listing = other.admins.list_all_activity_logs(created_at_after=str(started - 1))
    for log in listing.activity_logs or []:
        assert log.performed_by.id != workspace_admin["id"], "another workspace's activity leaked"
