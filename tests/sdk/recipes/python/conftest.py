import json
import os
import socket
import subprocess
import urllib.request

import pytest
from intercom import Intercom

SWITCHBOARD = os.environ.get("SWITCHBOARD_BIN", "switchboard")
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures.json")


class Switchboard:
    """A running server: its URL, its workspace's token, and the ids its fixtures got."""

    def __init__(self, base_url, token, ids):
        self.base_url, self.token, self.ids = base_url, token, ids

    def control(self, method, path, body=None):
        """Calls a /_switchboard/ control of the workspace."""
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            data=json.dumps(body or {}).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:
            return json.load(response)

    def client(self):
        return Intercom(token=self.token, base_url=self.base_url)


@pytest.fixture(scope="session")
def switchboard():
    """One server for the whole session: in memory, with the fixtures loaded at start."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [SWITCHBOARD, "serve", "--ephemeral", "--listen", f"127.0.0.1:{port}", "--fixtures", FIXTURES],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        # Created a first workspace ... / Its access token (shown once): TOKEN / Try: ... /
        # Loaded fixtures: {"type": "fixtures", "contacts": {"ada": "..."}, ...}
        lines = [process.stdout.readline() for _ in range(4)]
        token = lines[1].rsplit(" ", 1)[1].strip()
        ids = json.loads(lines[3].split(": ", 1)[1])
        server = Switchboard(f"http://127.0.0.1:{port}", token, ids)
        # The state every test starts from.
        server.control("POST", "/_switchboard/snapshots", {"name": "fixtures"})
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def intercom(switchboard):
    """A client on the fixtures' data, as it was loaded: whatever an earlier test wrote is gone."""
    switchboard.control("POST", "/_switchboard/snapshots/fixtures/restore")
    return switchboard.client()


@pytest.fixture
def empty_intercom(switchboard):
    """A client on an empty workspace (its admins and token stay)."""
    switchboard.control("POST", "/_switchboard/reset")
    return switchboard.client()
