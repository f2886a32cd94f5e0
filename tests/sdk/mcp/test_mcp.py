"""The official MCP Python client (mcp 2.3.0) against Switchboard's /mcp: it connects over
Streamable HTTP with a bearer token, negotiates (the initialize handshake, and the 2026-07-28
revision without it), lists the tools, and calls each one on a seeded workspace, comparing
what they return with what the REST API returns for the same objects."""

from __future__ import annotations

import json
import typing
import uuid

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from conftest import Rest

TOOLS = {
    "search", "fetch", "search_conversations", "get_conversation", "search_contacts", "get_contact",
    "list_companies", "get_company", "list_articles", "search_articles", "get_article", "create_article",
    "update_article", "create_contact", "update_contact", "tag_contact", "untag_contact",
    "create_conversation", "reply_to_conversation", "assign_conversation", "close_conversation",
    "open_conversation", "snooze_conversation", "tag_conversation", "create_note", "create_ticket",
    "reply_to_ticket", "list_operations",
    "describe_operation", "call_api",
}


def run(base_url: str, token: str, body: typing.Callable[[Client], typing.Awaitable[None]], mode: str = "legacy") -> None:
    """Connects a client with `token` in `mode` and runs `body` with it."""

    async def main() -> None:
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        async with http:
            transport = streamable_http_client(f"{base_url}/mcp", http_client=http, terminate_on_close=False)
            async with Client(transport, mode=mode, cache=None) as client:
                await body(client)

    anyio.run(main)


async def ok(client: Client, tool: str, arguments: dict) -> typing.Any:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, (tool, result)
    assert result.content and result.content[0].text, (tool, result)
    return result.structured_content


async def fails(client: Client, tool: str, arguments: dict, code: str) -> dict:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, (tool, result)
    error = result.structured_content["errors"][0]
    assert error["code"] == code, (tool, result)
    assert result.content[0].text.startswith(code), (tool, result)
    return error


@pytest.fixture(scope="module")
def seeded(rest: Rest, admin_id: str) -> dict:
    """A contact with a conversation, a company, a tag and an article, made through REST."""
    mark = uuid.uuid4().hex[:8]
    contact = rest.ok("POST", "/contacts", {"email": f"mcp-{mark}@example.com", "name": f"Mcp {mark}"})
    message = rest.ok("POST", "/conversations", {"from": {"type": "user", "id": contact["id"]}, "body": f"Refund {mark}"})
    company = rest.ok("POST", "/companies", {"company_id": f"mcp-{mark}", "name": f"Mcp Co {mark}"})
    tag = rest.ok("POST", "/tags", {"name": f"mcp-{mark}"})
    article = rest.ok(
        "POST",
        "/articles",
        {"title": f"Mcp article {mark}", "author_id": int(admin_id), "body": "<p>Reset</p>", "state": "published"},
    )
    return {
        "mark": mark,
        "contact": contact,
        "conversation_id": str(message["conversation_id"]),
        "company": company,
        "tag": tag,
        "article": article,
    }


@pytest.mark.parametrize("mode", ["legacy", "auto", "2026-07-28"])
def test_connects_and_lists_tools(base_url: str, token: str, mode: str) -> None:
    async def body(client: Client) -> None:
        tools = await client.list_tools()
        names = {tool.name for tool in tools.tools}
        assert TOOLS <= names, TOOLS - names
        for tool in tools.tools:
            assert tool.input_schema["type"] == "object", tool.name
        if client.server_info is not None:  # optional at 2026-07-28
            assert client.server_info.name == "switchboard"

    run(base_url, token, body, mode)


def test_a_bad_token_is_refused(base_url: str) -> None:
    async def body(client: Client) -> None:
        await client.list_tools()

    # The client gives up on the 401 (it reports no status)...
    with pytest.raises(BaseException):
        run(base_url, "not-a-token", body)
    # ...which is Intercom's error list, before any MCP processing.
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    response = httpx2.post(
        f"{base_url}/mcp",
        json=message,
        headers={"Authorization": "Bearer not-a-token", "Accept": "application/json, text/event-stream"},
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unauthorized"


def test_read_tools_match_rest(base_url: str, token: str, rest: Rest, seeded: dict) -> None:
    contact_id = seeded["contact"]["id"]
    conversation_id = seeded["conversation_id"]

    async def body(client: Client) -> None:
        rest_contact = rest.ok("GET", f"/contacts/{contact_id}")
        assert await ok(client, "get_contact", {"id": contact_id}) == rest_contact
        rest_conversation = rest.ok("GET", f"/conversations/{conversation_id}")
        for id in [conversation_id, f"conversation_{conversation_id}"]:
            assert await ok(client, "get_conversation", {"id": id}) == rest_conversation
        company_id = seeded["company"]["id"]
        assert await ok(client, "get_company", {"id": company_id}) == rest.ok("GET", f"/companies/{company_id}")
        assert await ok(client, "list_companies", {"per_page": 50}) == rest.ok("GET", "/companies?per_page=50")
        article_id = seeded["article"]["id"]
        assert await ok(client, "get_article", {"id": article_id}) == rest.ok("GET", f"/articles/{article_id}")
        assert await ok(client, "list_articles", {}) == rest.ok("GET", "/articles")
        found = await ok(client, "search_articles", {"phrase": seeded["mark"]})
        assert found == rest.ok("GET", f"/articles/search?phrase={seeded['mark']}")
        email = seeded["contact"]["email"]
        by_email = await ok(client, "search_contacts", {"email": email})
        query = {"query": {"field": "email", "operator": "=", "value": email}}
        assert by_email == rest.ok("POST", "/contacts/search", query)
        assert by_email["total_count"] == 1
        mine = await ok(client, "search_conversations", {"source_author_email": email})
        assert [c["id"] for c in mine["conversations"]] == [rest_conversation["id"]]

        results = await ok(client, "search", {"query": f"object_type:contacts email:{email}"})
        assert [r["id"] for r in results["results"]] == [f"contact_{contact_id}"]
        hit = results["results"][0]
        assert set(hit) >= {"id", "title", "text", "url"}
        assert await ok(client, "fetch", {"id": hit["id"]}) == rest_contact
        talk = await ok(client, "search", {"query": f"object_type:conversations {seeded['mark']}"})
        assert f"conversation_{conversation_id}" in [r["id"] for r in talk["results"]]
        assert await ok(client, "fetch", {"id": f"conversation_{conversation_id}"}) == rest_conversation

        await fails(client, "get_contact", {"id": "nobody"}, "not_found")
        await fails(client, "fetch", {"id": "ticket_1"}, "parameter_invalid")

    run(base_url, token, body)


def test_write_tools_change_what_rest_reads(base_url: str, token: str, rest: Rest, seeded: dict, admin_id: str) -> None:
    async def body(client: Client) -> None:
        created = await ok(client, "create_contact", {"email": f"w-{seeded['mark']}@example.com", "role": "lead"})
        contact_id = created["id"]
        assert rest.ok("GET", f"/contacts/{contact_id}") == created
        updated = await ok(client, "update_contact", {"contact_id": contact_id, "name": "Written"})
        assert rest.ok("GET", f"/contacts/{contact_id}")["name"] == updated["name"] == "Written"
        tag_id = seeded["tag"]["id"]
        await ok(client, "tag_contact", {"contact_id": contact_id, "tag_id": tag_id})
        assert [t["id"] for t in rest.ok("GET", f"/contacts/{contact_id}/tags")["data"]] == [tag_id]
        await ok(client, "untag_contact", {"contact_id": contact_id, "tag_id": tag_id})
        assert rest.ok("GET", f"/contacts/{contact_id}/tags")["data"] == []
        note = await ok(client, "create_note", {"contact_id": contact_id, "body": "A note"})
        assert rest.ok("GET", f"/notes/{note['id']}") == note

        started = await ok(client, "create_conversation", {"contact_id": contact_id, "body": "Help"})
        conversation_id = str(started["conversation_id"])
        path = f"/conversations/{conversation_id}"
        await ok(client, "reply_to_conversation", {"conversation_id": conversation_id, "body": "Hello"})
        await ok(client, "reply_to_conversation", {"conversation_id": conversation_id, "body": "Inside", "message_type": "note"})
        await ok(client, "assign_conversation", {"conversation_id": conversation_id, "assignee_id": admin_id})
        assert str(rest.ok("GET", path)["admin_assignee_id"]) == admin_id
        await ok(client, "tag_conversation", {"conversation_id": conversation_id, "tag_id": tag_id})
        snoozed = await ok(client, "snooze_conversation", {"conversation_id": conversation_id, "snoozed_until": 4102444800})
        assert snoozed["state"] == "snoozed"
        assert (await ok(client, "open_conversation", {"conversation_id": conversation_id}))["state"] == "open"
        closed = await ok(client, "close_conversation", {"conversation_id": conversation_id})
        assert closed["state"] == "closed"
        now = rest.ok("GET", path)
        assert now["state"] == "closed" and [t["id"] for t in now["tags"]["tags"]] == [tag_id]
        parts = [p["part_type"] for p in now["conversation_parts"]["conversation_parts"]]
        assert "comment" in parts and "note" in parts

        ticket_type = rest.ok("POST", "/ticket_types", {"name": f"MCP {seeded['mark']}", "category": "Customer"})
        ticket = await ok(
            client,
            "create_ticket",
            {"ticket_type_id": ticket_type["id"], "contact_id": contact_id, "ticket_attributes": {"_default_title_": "Stuck"}},
        )
        assert rest.ok("GET", f"/tickets/{ticket['id']}")["ticket_attributes"]["_default_title_"] == "Stuck"
        reply = await ok(client, "reply_to_ticket", {"ticket_id": ticket["id"], "body": "On it"})
        assert reply["part_type"] == "comment"
        await fails(client, "reply_to_ticket", {"ticket_id": "999999", "body": "x"}, "not_found")

        article = await ok(client, "create_article", {"title": "From MCP", "author_id": int(admin_id)})
        changed = await ok(client, "update_article", {"id": article["id"], "title": "Changed"})
        assert rest.ok("GET", f"/articles/{article['id']}") == changed

        error = await fails(client, "create_contact", {"role": "owner"}, "parameter_invalid")
        status, answer = rest.call("POST", "/contacts", {"role": "owner"})
        assert status == 400 and answer["errors"][0] == error

    run(base_url, token, body)


def test_the_api_description_and_call_api(base_url: str, token: str, rest: Rest, seeded: dict) -> None:
    async def body(client: Client) -> None:
        listed = await ok(client, "list_operations", {"tag": "Contacts"})
        paths = {(o["method"], o["path"]) for o in listed["data"]}
        assert ("POST", "/contacts/search") in paths, paths
        described = await ok(client, "describe_operation", {"method": "POST", "path": "/contacts/search"})
        assert "query" in described["request_body"]["properties"]
        contact_id = seeded["contact"]["id"]
        called = await ok(client, "call_api", {"method": "GET", "path": f"/contacts/{contact_id}"})
        assert called == {"status": 200, "body": rest.ok("GET", f"/contacts/{contact_id}")}

    run(base_url, token, body, "2026-07-28")


def test_articles_are_resources(base_url: str, token: str, rest: Rest, seeded: dict) -> None:
    async def body(client: Client) -> None:
        uri = f"intercom://articles/{seeded['article']['id']}"
        listed = await client.list_resources()
        resources = list(listed.resources)
        cursor = listed.next_cursor
        while cursor:
            page = await client.list_resources(cursor=cursor)
            resources.extend(page.resources)
            cursor = page.next_cursor
        assert uri in [str(r.uri) for r in resources]
        read = await client.read_resource(uri)
        assert json.loads(read.contents[0].text) == rest.ok("GET", f"/articles/{seeded['article']['id']}")

    run(base_url, token, body)
