"""Data events, through the official python-intercom SDK (client.events.*).

POST /events (create, de-duplication), GET /events (list, summary=true),
POST /events/summaries, and the errors the SDK raises for them.
"""

from __future__ import annotations

import time
import typing

import httpx
import pytest
from intercom import (
    Contact,
    CreateContactRequestWithEmail,
    CreateContactRequestWithRole,
    CreateDataEventRequestWithEmail,
    CreateDataEventRequestWithId,
    CreateDataEventRequestWithUserId,
    DataEventList,
    DataEventSummary,
    Intercom,
)
from intercom.core.api_error import ApiError
from intercom.events import CreateDataEventSummariesRequestEventSummaries

from harness import Switchboard, Wire, assert_error_list, strict, unique, unique_email


def new_user(client: Intercom) -> Contact:
    return client.contacts.create(
        request=CreateContactRequestWithEmail(email=unique_email("events"), external_id=unique("uid"))
    )


def names(listed: typing.Any) -> typing.List[str]:
    return [event["event_name"] for event in listed["events"]]


def test_create_by_each_identifier_and_list(client: Intercom, wire: Wire):
    user = new_user(client)
    now = int(time.time())
    assert (
        client.events.create(
            request=CreateDataEventRequestWithUserId(
                user_id=user.external_id,
                event_name="invited-friend",
                created_at=now - 30,
                metadata={"invite_code": "ADDAFRIEND"},
            )
        )
        is None
    )
    assert wire.last.status_code == 202 and wire.last.text == ""
    client.events.create(
        request=CreateDataEventRequestWithEmail(email=user.email, event_name="Placed.Order", created_at=now - 20)
    )
    client.events.create(request=CreateDataEventRequestWithId(id=user.id, event_name="updated-plan", created_at=now - 10))

    for by in ({"user_id": user.external_id}, {"email": user.email}, {"intercom_user_id": user.id}):
        listed = client.events.list(type="user", **by)
        body = wire.last_json()
        strict(DataEventList, body)
        assert body["type"] == "event.list"
        assert names(body) == ["updated-plan", "placed-order", "invited-friend"], by
        assert listed.type is None or listed.type == "event.list"
    first = body["events"][-1]
    assert first["type"] == "event"
    assert first["created_at"] == now - 30
    assert first["user_id"] == user.external_id
    assert first["email"] == user.email
    assert first["intercom_user_id"] == user.id
    assert first["metadata"] == {"invite_code": "ADDAFRIEND"}


def test_duplicates_are_accepted_and_stored_once(client: Intercom, wire: Wire):
    user = new_user(client)
    at = int(time.time()) - 60
    for metadata in ({"attempt": "first"}, {"attempt": "second"}):
        client.events.create(
            request=CreateDataEventRequestWithUserId(
                user_id=user.external_id, event_name="placed-order", created_at=at, metadata=metadata
            )
        )
        assert wire.last.status_code == 202
    client.events.list(type="user", user_id=user.external_id)
    body = wire.last_json()
    assert names(body) == ["placed-order"]
    assert body["events"][0]["metadata"] == {"attempt": "first"}


def test_list_pages_follow_next(client: Intercom, wire: Wire, switchboard: Switchboard):
    user = new_user(client)
    now = int(time.time())
    for i in range(3):
        client.events.create(
            request=CreateDataEventRequestWithId(id=user.id, event_name=f"step-{i}", created_at=now - 100 + i)
        )
    client.events.list(type="user", intercom_user_id=user.id, per_page=2)
    body = wire.last_json()
    assert names(body) == ["step-2", "step-1"]
    next_url = body["pages"]["next"]
    assert isinstance(next_url, str) and "/events?" in next_url
    assert next_url.startswith(switchboard.base_url), next_url
    # The SDK has no pager here: the URL is a plain GET of the same API with the same token.
    response = httpx.get(next_url, headers={"Authorization": f"Bearer {switchboard.token}"})
    assert response.status_code == 200
    assert names(response.json()) == ["step-0"]
    assert "next" not in response.json()["pages"]


def test_summary_counts_all_events(client: Intercom, wire: Wire):
    user = new_user(client)
    old = int(time.time()) - 200 * 24 * 3600  # too old to list, still counted
    for at in (old, old + 60):
        client.events.create(
            request=CreateDataEventRequestWithUserId(user_id=user.external_id, event_name="logged-in", created_at=at)
        )
    client.events.summaries(
        user_id=user.external_id,
        event_summaries=CreateDataEventSummariesRequestEventSummaries(
            event_name="imported-order", count=4, first=1389913341, last=1389913941
        ),
    )
    assert wire.last.status_code == 200

    summary = client.events.list(type="user", user_id=user.external_id, summary=True)
    strict(DataEventSummary, wire.last_json())
    assert isinstance(summary, DataEventSummary)
    assert summary.type == "event.summary"
    assert summary.intercom_user_id == user.id
    assert summary.user_id == user.external_id
    assert summary.email == user.email
    by_name = {item.name: item for item in summary.events}
    assert by_name["logged-in"].count == 2
    assert by_name["imported-order"].count == 4
    assert by_name["imported-order"].first == "2014-01-16T23:02:21.000+00:00"
    assert by_name["imported-order"].last == "2014-01-16T23:12:21.000+00:00"

    listed = client.events.list(type="user", user_id=user.external_id)
    assert wire.last_json()["events"] == []
    assert listed.events == []


def test_lead_events_by_id(client: Intercom, wire: Wire):
    lead = client.contacts.create(request=CreateContactRequestWithRole(role="lead"))
    client.events.create(
        request=CreateDataEventRequestWithId(id=lead.id, event_name="viewed-pricing", created_at=int(time.time()))
    )
    client.events.list(type="user", intercom_user_id=lead.id)
    assert names(wire.last_json()) == ["viewed-pricing"]


def test_errors(client: Intercom, wire: Wire):
    with pytest.raises(ApiError) as caught:
        client.events.create(
            request=CreateDataEventRequestWithUserId(user_id=unique("nobody"), event_name="e", created_at=1)
        )
    assert caught.value.status_code == 404
    assert_error_list(caught.value.body, "not_found", 404)

    user = new_user(client)
    with pytest.raises(ApiError) as caught:
        client.events.create(
            request={"user_id": user.external_id, "event_name": "e", "created_at": 1, "metadata": {"deep": {"x": 1}}}
        )
    assert caught.value.status_code == 400
    assert_error_list(caught.value.body, "parameter_invalid", 400)

    with pytest.raises(ApiError) as caught:
        client.events.list(type="user", user_id=unique("nobody"))
    assert caught.value.status_code == 404
    assert_error_list(caught.value.body, "not_found", 404)

    with pytest.raises(ApiError) as caught:
        client.events.summaries(user_id=unique("nobody"))
    assert caught.value.status_code == 400
    assert_error_list(caught.value.body, "parameter_not_found", 400)
