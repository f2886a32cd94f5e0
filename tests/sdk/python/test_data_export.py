"""Content data export, through the official python-intercom SDK (client.data_export.*):
POST /export/content/data, GET /export/content/data/{job}, POST /export/cancel/{job},
GET /download/content/data/{job}.

The server's worker runs the jobs; each test uses a workspace of its own, since a workspace
may have one active job at a time.
"""

from __future__ import annotations

import csv
import gzip
import io
import time
import typing

import pytest
from intercom import DataExport, Intercom
from intercom.conversations import CreateConversationRequestFrom
from intercom.core.api_error import ApiError

from harness import Switchboard, assert_error_list, strict, unique_email, Wire


def fresh_client(switchboard: Switchboard, make_client, wire: typing.Optional[Wire] = None) -> Intercom:
    return make_client(token=switchboard.create_workspace()["access_token"], wire=wire)


def wait_until_finished(client: Intercom, job: str) -> DataExport:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = client.data_export.find(job_identifier=job)
        if found.status not in ("pending", "in_progress"):
            return found
        time.sleep(0.2)
    raise AssertionError(f"export {job} did not finish")


def test_an_export_runs_and_is_downloaded(switchboard: Switchboard, make_client, wire: Wire):
    client = fresh_client(switchboard, make_client, wire)
    email = unique_email("export")
    contact = client.contacts.create(request={"email": email})
    message = client.conversations.create(from_=CreateConversationRequestFrom(type="user", id=contact.id), body="Hi")
    now = int(time.time())

    job = client.data_export.create(created_at_after=now - 3600, created_at_before=now + 3600)
    strict(DataExport, wire.last_json())
    assert job.status == "pending"
    assert job.download_url == "" and job.download_expires_at == ""

    # One active job per workspace: 429, which the SDK declares no error class for. The server's
    # worker may finish the job between two calls; then the next call starts a job of its own,
    # and the one after it is refused.
    for _ in range(5):
        try:
            job = client.data_export.create(created_at_after=now - 3600, created_at_before=now + 3600)
        except ApiError as refused:
            assert_error_list(refused.body, "rate_limit_exceeded", 429)
            break
    else:
        raise AssertionError("a second active export job was accepted")

    done = wait_until_finished(client, job.job_identifier)
    strict(DataExport, wire.last_json())
    assert done.status == "completed"
    assert done.download_url.endswith(f"/download/content/data/{job.job_identifier}")
    assert int(done.download_expires_at) > now

    raw = client.data_export.with_raw_response.download(job_identifier=job.job_identifier)
    assert raw.data is None
    assert raw.headers["content-type"] == "application/octet-stream"
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(raw._response.content).decode())))
    assert len(rows) == 1
    assert rows[0]["user_id"] == contact.id
    assert rows[0]["email"] == email
    assert rows[0]["ruleset_id"] == message.conversation_id
    assert rows[0]["company_id"] == "-1"
    # The plain method answers nothing, as the SDK types it.
    assert client.data_export.download(job_identifier=job.job_identifier) is None


def test_a_job_is_canceled(switchboard: Switchboard, make_client):
    client = fresh_client(switchboard, make_client)
    now = int(time.time())
    job = client.data_export.create(created_at_after=now - 60, created_at_before=now)
    canceled = client.data_export.cancel(job_identifier=job.job_identifier)
    # The worker may have finished the (empty) job first: then it is answered as it is.
    assert canceled.status in ("canceled", "no_data")
    assert client.data_export.find(job_identifier=job.job_identifier).status == canceled.status
    # The workspace is free for another job.
    again = client.data_export.create(created_at_after=now - 60, created_at_before=now)
    assert wait_until_finished(client, again.job_identifier).status == "no_data"


def test_unknown_and_foreign_jobs_are_not_found(switchboard: Switchboard, make_client, client: Intercom):
    mine = fresh_client(switchboard, make_client)
    now = int(time.time())
    job = mine.data_export.create(created_at_after=now - 60, created_at_before=now).job_identifier
    for call in (
        lambda: client.data_export.find(job_identifier=job),
        lambda: client.data_export.cancel(job_identifier=job),
        lambda: client.data_export.download(job_identifier=job),
        lambda: client.data_export.find(job_identifier="nope"),
    ):
        with pytest.raises(ApiError) as raised:
            call()
        assert_error_list(raised.value.body, "not_found", 404)
    wait_until_finished(mine, job)


def test_a_bad_range_is_parameter_invalid(client: Intercom):
    with pytest.raises(ApiError) as raised:
        client.data_export.create(created_at_after=200, created_at_before=100)
    assert_error_list(raised.value.body, "parameter_invalid", 400)
