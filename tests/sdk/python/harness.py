"""Shared helpers for the official-SDK tests (python-intercom).

The tests talk to a running Switchboard server only through the official
`intercom` package; this module holds what every test_<resource>.py needs:

* the environment exported by tests/sdk/run.sh,
* the `switchboard` CLI (extra admins and workspaces),
* a recorder of the raw HTTP responses the SDK received, so that tests can
  validate the wire JSON strictly (the SDK itself does not validate: it builds
  its pydantic models with `construct`, which accepts missing or mistyped
  fields silently).
"""

from __future__ import annotations

import json
import os
import subprocess
import typing
import uuid
from dataclasses import dataclass, field

import httpx
import pydantic
from intercom import Intercom


class HarnessError(RuntimeError):
    pass


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise HarnessError(f"{name} is not set: run these tests through tests/sdk/run.sh")
    return value


def unique(prefix: str = "sdk") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def unique_email(prefix: str = "sdk") -> str:
    return f"{unique(prefix)}@example.com"


@dataclass
class WireResponse:
    method: str
    url: str
    status_code: int
    headers: httpx.Headers
    text: str

    def json(self) -> typing.Any:
        return json.loads(self.text)


@dataclass
class Wire:
    """Records every response the SDK's httpx client receives."""

    responses: typing.List[WireResponse] = field(default_factory=list)

    def hook(self, response: httpx.Response) -> None:
        response.read()
        self.responses.append(
            WireResponse(
                method=response.request.method,
                url=str(response.request.url),
                status_code=response.status_code,
                headers=response.headers,
                text=response.text,
            )
        )

    @property
    def last(self) -> WireResponse:
        if not self.responses:
            raise HarnessError("no HTTP response was recorded")
        return self.responses[-1]

    def last_json(self) -> typing.Any:
        last = self.last
        content_type = last.headers.get("content-type", "")
        assert content_type.startswith("application/json"), (
            f"{last.method} {last.url} answered Content-Type {content_type!r}, expected application/json"
        )
        return last.json()


def api_version() -> str:
    """The version the suite's workspace answers requests without `Intercom-Version` (the
    Python SDK sends none)."""
    return os.environ.get("SWITCHBOARD_API_VERSION") or "2.11"


@dataclass
class Switchboard:
    base_url: str
    token: str
    bin: str
    database_url: str
    workspace_id: str

    @classmethod
    def from_env(cls) -> "Switchboard":
        return cls(
            base_url=env("SWITCHBOARD_BASE_URL"),
            token=env("SWITCHBOARD_TOKEN"),
            bin=env("SWITCHBOARD_BIN"),
            database_url=env("SWITCHBOARD_DATABASE_URL"),
            workspace_id=env("SWITCHBOARD_WORKSPACE_ID"),
        )

    def client(self, token: typing.Optional[str] = None, wire: typing.Optional[Wire] = None) -> Intercom:
        """An SDK client built as an Intercom user would, but for base_url.

        With `wire`, the raw responses are recorded there too (through an
        httpx event hook: the SDK's public `httpx_client=` option).
        """
        httpx_client = httpx.Client(
            timeout=30,
            follow_redirects=True,
            event_hooks={"response": [wire.hook]} if wire is not None else {},
        )
        return Intercom(
            token=token if token is not None else self.token,
            base_url=self.base_url,
            httpx_client=httpx_client,
        )

    def cli(self, *args: str) -> typing.Dict[str, typing.Any]:
        """Runs `switchboard ARGS --database-url URL` and parses its JSON stdout."""
        cmd = [self.bin, *args, "--database-url", self.database_url]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise HarnessError(
                f"{' '.join(cmd)} exited {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
            )
        try:
            return json.loads(proc.stdout)
        except json.JSONDecodeError as exc:
            raise HarnessError(f"{' '.join(cmd)} printed non-JSON stdout: {proc.stdout!r}") from exc

    def create_admin(
        self,
        *,
        workspace_id: typing.Optional[str] = None,
        email: typing.Optional[str] = None,
        name: typing.Optional[str] = None,
    ) -> typing.Dict[str, typing.Any]:
        email = email or unique_email("admin")
        name = name or f"Admin {email.split('@')[0]}"
        out = self.cli(
            "admin",
            "create",
            "--workspace",
            workspace_id or self.workspace_id,
            "--email",
            email,
            "--name",
            name,
        )
        assert isinstance(out.get("admin_id"), str), f"admin create printed {out!r}"
        return {**out, "email": email, "name": name}

    def create_workspace(self, *, name: typing.Optional[str] = None) -> typing.Dict[str, typing.Any]:
        name = name or unique("Workspace")
        email = unique_email("owner")
        admin_name = f"Owner of {name}"
        # A new workspace answers the same default version as the suite's own.
        version = os.environ.get("SWITCHBOARD_API_VERSION")
        out = self.cli(
            "workspace",
            "create",
            "--name",
            name,
            "--admin-email",
            email,
            "--admin-name",
            admin_name,
            *(["--api-version", version] if version else []),
        )
        for key in ("workspace_id", "admin_id", "access_token"):
            assert isinstance(out.get(key), str) and out[key], f"workspace create printed {out!r}"
        return {**out, "name": name, "admin_email": email, "admin_name": admin_name}


ModelT = typing.TypeVar("ModelT", bound=pydantic.BaseModel)


def strict(model: typing.Type[ModelT], data: typing.Any) -> ModelT:
    """Validates wire JSON against the SDK's own pydantic model, in strict mode.

    The SDK only `construct`s its models, so a response missing a required
    field or carrying an int where the SDK declares a string still "parses".
    This makes such a response fail the test with pydantic's explanation.
    """
    try:
        return model.model_validate(data, strict=True)
    except pydantic.ValidationError as exc:
        raise AssertionError(
            f"response does not match intercom {model.__name__}:\n{exc}\nresponse: {json.dumps(data, indent=2)}"
        ) from None


def assert_error_list(body: typing.Any, code: str, status: int) -> None:
    """Checks an Intercom error body: {"type": "error.list", "errors": [{"code", "message"}]}."""
    if isinstance(body, pydantic.BaseModel):
        body = body.model_dump(mode="json", by_alias=True)
    assert isinstance(body, dict), f"HTTP {status} body is not a JSON object: {body!r}"
    assert body.get("type") == "error.list", f"HTTP {status} body type: {body!r}"
    errors = body.get("errors")
    assert isinstance(errors, list) and errors, f"HTTP {status} body has no errors: {body!r}"
    for item in errors:
        assert isinstance(item.get("code"), str) and isinstance(item.get("message"), str), body
    codes = [item["code"] for item in errors]
    assert code in codes, f"HTTP {status}: expected error code {code!r}, got {codes!r}"
    if "request_id" in body and body["request_id"] is not None:
        assert isinstance(body["request_id"], str), body
