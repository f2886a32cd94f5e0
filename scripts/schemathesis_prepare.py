"""Helpers of scripts/schemathesis (run with its venv's Python).

  seed BASE_URL TOKEN ADMIN_ID IDS_JSON
      Creates a little data through the API (contacts, a company, tags, a note, a conversation,
      an article, a collection, a data attribute...) and adds the ids to IDS_JSON, which already
      holds those made with the CLI (team, segment, subscription type).
  patch SPEC IDS_JSON OUT_JSON
      Writes a copy of the description (already patched for its own defects by the HTTP tests'
      validator, tests/api/conformance.rs) with the seeded ids as the examples of the path
      parameters, so the examples phase reaches real objects; the other phases still send
      generated ids. Request bodies schemathesis cannot generate from are flattened (see
      GENERATION_DEFECTS).
"""

import json
import sys
import urllib.request

import yaml


def call(base, token, method, path, body=None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        text = response.read()
    return json.loads(text) if text else None


def seed(base, token, admin_id, ids_path):
    with open(ids_path) as f:
        ids = json.load(f)
    api = lambda method, path, body=None: call(base, token, method, path, body)  # noqa: E731
    ids["admin"] = admin_id
    contact = api("POST", "/contacts", {"email": "ada@example.com", "name": "Ada", "external_id": "ada-1"})
    lead = api("POST", "/contacts", {"role": "lead", "name": "Grace"})
    ids["contact"] = contact["id"]
    ids["lead"] = lead["id"]
    company = api("POST", "/companies", {"company_id": "acme-1", "name": "Acme", "plan": "pro"})
    ids["company"] = company["id"]
    api("POST", f"/contacts/{contact['id']}/companies", {"id": company["id"]})
    tag = api("POST", "/tags", {"name": "vip"})
    ids["tag"] = tag["id"]
    api("POST", f"/contacts/{contact['id']}/tags", {"id": tag["id"]})
    note = api("POST", f"/contacts/{contact['id']}/notes", {"body": "Met at the fair", "admin_id": admin_id})
    ids["note"] = note["id"]
    api("POST", f"/contacts/{contact['id']}/subscriptions", {"id": ids["subscription"], "consent_type": "opt_in"})
    message = api("POST", "/conversations", {"from": {"type": "user", "id": contact["id"]}, "body": "Hello"})
    ids["conversation"] = message["conversation_id"]
    api("POST", f"/conversations/{ids['conversation']}/tags", {"id": tag["id"], "admin_id": admin_id})
    article = api("POST", "/articles", {"title": "Getting started", "author_id": int(admin_id), "state": "published"})
    ids["article"] = article["id"]
    collection = api("POST", "/help_center/collections", {"name": "Guides"})
    ids["collection"] = collection["id"]
    ids["help_center"] = api("GET", "/help_center/help_centers")["data"][0]["id"]
    attribute = api("POST", "/data_attributes", {"name": "plan_tier", "model": "contact", "data_type": "string"})
    ids["data_attribute"] = attribute["id"]
    api("POST", "/events", {"event_name": "signed-up", "id": contact["id"], "created_at": 1700000000})
    with open(ids_path, "w") as f:
        json.dump(ids, f, indent=1)


# The seeded object a path parameter names: by the parameter's name, or for a bare `{id}` by the
# path's first segment.
PARAMETER_KINDS = {
    "admin_id": "admin",
    "article_id": "article",
    "collection_id": "collection",
    "help_center_id": "help_center",
    "company_id": "company",
    "contact_id": "contact",
    "subscription_id": "subscription",
    "tag_id": "tag",
    "conversation_id": "conversation",
    "data_attribute_id": "data_attribute",
    "note_id": "note",
    "segment_id": "segment",
    "team_id": "team",
}
FIRST_SEGMENT_KINDS = {
    "admins": "admin",
    "articles": "article",
    "companies": "company",
    "contacts": "contact",
    "conversations": "conversation",
    "data_attributes": "data_attribute",
    "notes": "note",
    "segments": "segment",
    "tags": "tag",
    "teams": "team",
}


def seeded_id(ids, path, name):
    kind = PARAMETER_KINDS.get(name)
    if kind is None and name == "id":
        kind = FIRST_SEGMENT_KINDS.get(path.strip("/").split("/")[0])
    return None if kind is None else str(ids[kind])


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


# Request bodies schemathesis cannot generate from ("Cannot generate test data"): `oneOf` of
# `oneOf`s of `allOf`s beside `properties`. Each is flattened into `anyOf` plain objects, one per
# concrete branch (its properties and requirements merged): the same bodies, in a form the
# generator handles; the server still decides what it accepts.
GENERATION_DEFECTS = [("/tickets/{ticket_id}/reply", "post")]


def branches(spec, schema):
    """The concrete object schemas of `schema`'s nested `oneOf`/`anyOf`, each with its `allOf`
    parts and the properties beside the choice merged in."""
    schema = resolve(spec, schema)
    choice = schema.get("oneOf") or schema.get("anyOf")
    if not choice:
        merged = {"type": "object", "properties": {}, "required": []}
        for part in [schema] + [resolve(spec, p) for p in schema.get("allOf", [])]:
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += [r for r in part.get("required", []) if r not in merged["required"]]
        return [merged]
    found = []
    for branch in choice:
        for concrete in branches(spec, branch):
            for name, property in schema.get("properties", {}).items():
                concrete["properties"].setdefault(name, property)
            found.append(concrete)
    return found


def patch(spec_path, ids_path, out_path):
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    with open(ids_path) as f:
        ids = json.load(f)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for parameter in operation.get("parameters", []):
                parameter = resolve(spec, parameter)
                if parameter.get("in") != "path":
                    continue
                value = seeded_id(ids, path, parameter["name"])
                if value is not None:
                    parameter.pop("examples", None)
                    parameter["example"] = value
    for path, method in GENERATION_DEFECTS:
        operation = spec["paths"].get(path, {}).get(method)
        if operation and "requestBody" in operation:
            content = resolve(spec, operation["requestBody"])["content"]["application/json"]
            content["schema"] = {"anyOf": branches(spec, content["schema"])}
    with open(out_path, "w") as f:
        json.dump(spec, f, default=str)  # YAML dates become strings


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"seed": seed, "patch": patch}[command](*args)
