"""Fixtures for the MCP tests: the official MCP Python client against a running Switchboard.

tests/sdk/run.sh starts the server and exports SWITCHBOARD_BASE_URL, SWITCHBOARD_TOKEN,
SWITCHBOARD_ADMIN_ID (and the rest, see tests/sdk/README.md).
"""

from __future__ import annotations

import json
import os
import typing
import urllib.error
import urllib.request

import pytest


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run through tests/sdk/run.sh")
    return value


class Rest:
    """The REST API with the same token, to compare the tools' answers with."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token

    def call(self, method: str, path: str, body: typing.Any = None) -> typing.Tuple[int, typing.Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def ok(self, method: str, path: str, body: typing.Any = None) -> typing.Any:
        status, answer = self.call(method, path, body)
        assert status == 200, (method, path, status, answer)
        return answer


@pytest.fixture(scope="session")
def base_url() -> str:
    return env("SWITCHBOARD_BASE_URL")


@pytest.fixture(scope="session")
def token() -> str:
    return env("SWITCHBOARD_TOKEN")


@pytest.fixture(scope="session")
def admin_id() -> str:
    return env("SWITCHBOARD_ADMIN_ID")


@pytest.fixture(scope="session")
def rest(base_url: str, token: str) -> Rest:
    return Rest(base_url, token)
