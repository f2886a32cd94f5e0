"""Fixtures for the python-intercom SDK tests against a running Switchboard.

tests/sdk/run.sh starts the server and exports:
  SWITCHBOARD_BASE_URL      e.g. http://127.0.0.1:41234
  SWITCHBOARD_TOKEN         access token of the workspace's first admin
  SWITCHBOARD_BIN           the switchboard binary (for `admin create`, `workspace create`)
  SWITCHBOARD_DATABASE_URL  the database the server uses
  SWITCHBOARD_WORKSPACE_ID  the workspace the token belongs to
  SWITCHBOARD_ADMIN_ID, SWITCHBOARD_ADMIN_EMAIL, SWITCHBOARD_ADMIN_NAME  (its first admin)

A new resource adds tests/sdk/python/test_<resource>.py using these fixtures.
"""

from __future__ import annotations

import typing

import pytest
from intercom import Intercom

from harness import Switchboard, Wire, env


@pytest.fixture(scope="session")
def switchboard() -> Switchboard:
    """The running server, its CLI, and its database (see harness.Switchboard)."""
    return Switchboard.from_env()


@pytest.fixture(scope="session")
def workspace_admin() -> typing.Dict[str, str]:
    """The admin that owns SWITCHBOARD_TOKEN, as created by run.sh."""
    return {
        "id": env("SWITCHBOARD_ADMIN_ID"),
        "email": env("SWITCHBOARD_ADMIN_EMAIL"),
        "name": env("SWITCHBOARD_ADMIN_NAME"),
    }


@pytest.fixture
def wire() -> Wire:
    """The raw HTTP responses received by `client`, newest last."""
    return Wire()


@pytest.fixture
def client(switchboard: Switchboard, wire: Wire) -> Intercom:
    """`intercom.Intercom(token=SWITCHBOARD_TOKEN, base_url=SWITCHBOARD_BASE_URL)`."""
    return switchboard.client(wire=wire)


@pytest.fixture
def make_client(switchboard: Switchboard) -> typing.Callable[..., Intercom]:
    """make_client(token, wire=None): an SDK client for another token."""
    return switchboard.client


@pytest.fixture(scope="session")
def other_workspace(switchboard: Switchboard) -> typing.Dict[str, typing.Any]:
    """A second workspace (created through the CLI) with its own admin and token."""
    return switchboard.create_workspace()
