"""Faults and the request journal (docs/controls.md) as an SDK user meets them.

The SDK has no client for /_switchboard/: the tests drive the controls with httpx, as a test
suite would, and the SDK sees the faults. Each test has a workspace of its own, so its faults
touch no other test.
"""

from __future__ import annotations

import typing

import httpx
import pytest
from intercom import CreateContactRequestWithEmail, Intercom
from intercom.core.api_error import ApiError

from harness import Switchboard, assert_error_list, unique_email


class Controls:
    def __init__(self, switchboard: Switchboard, token: str):
        self.http = httpx.Client(
            base_url=switchboard.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def fault(self, **fields: typing.Any) -> typing.Dict[str, typing.Any]:
        response = self.http.post("/_switchboard/faults", json=fields)
        assert response.status_code == 201, response.text
        return response.json()

    def journal(self, **params: typing.Any) -> typing.List[typing.Dict[str, typing.Any]]:
        response = self.http.get("/_switchboard/requests", params=params)
        assert response.status_code == 200, response.text
        return response.json()["data"]


@pytest.fixture
def workspace(switchboard: Switchboard) -> typing.Dict[str, typing.Any]:
    return switchboard.create_workspace()


@pytest.fixture
def controls(switchboard: Switchboard, workspace) -> Controls:
    return Controls(switchboard, workspace["access_token"])


@pytest.fixture
def sdk(make_client, workspace) -> Intercom:
    return make_client(workspace["access_token"])


def test_an_injected_server_error_is_the_sdk_error(sdk: Intercom, controls: Controls):
    controls.fault(method="GET", path="/me", status=503, count=1)
    # The Python SDK does not retry by default (max_retries is 0).
    with pytest.raises(ApiError) as raised:
        sdk.admins.identify()
    assert raised.value.status_code == 503
    assert_error_list(raised.value.body, "service_unavailable", 503)
    assert raised.value.headers["x-request-id"] == raised.value.body["request_id"]
    assert sdk.admins.identify().type == "admin"
    seen = controls.journal(path="/me")
    assert [entry["status"] for entry in seen] == [200, 503]


def test_an_injected_not_found_reaches_the_sdk_once(sdk: Intercom, controls: Controls):
    contact = sdk.contacts.create(request=CreateContactRequestWithEmail(email=unique_email("faulted")))
    controls.fault(path="/contacts/{id}", error_code="not_found", count=1)
    # contacts.find declares no 404, so the SDK raises its base ApiError.
    with pytest.raises(ApiError) as raised:
        sdk.contacts.find(contact_id=contact.id)
    assert raised.value.status_code == 404
    assert_error_list(raised.value.body, "not_found", 404)
    assert sdk.contacts.find(contact_id=contact.id).id == contact.id


def test_the_journal_shows_what_the_sdk_sent_without_its_token(
    sdk: Intercom, controls: Controls, workspace
):
    email = unique_email("journal")
    sdk.contacts.create(request=CreateContactRequestWithEmail(email=email, name="Journal"))
    (entry,) = controls.journal(method="POST", path="/contacts")
    assert entry["request_body"] == {"email": email, "name": "Journal"}
    assert entry["response_body"]["email"] == email
    assert workspace["access_token"] not in str(controls.journal())
