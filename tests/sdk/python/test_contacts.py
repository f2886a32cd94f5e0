"""Contacts and what they point at, through the official python-intercom SDK.

client.contacts.* (create, find, update, delete, archive, unarchive, list with its pager,
search, merge_lead_in_user, list_attached_*, attach/detach_subscription), client.tags.*,
client.notes.*, client.segments.*, client.subscription_types.*, client.data_attributes.*,
and the errors the SDK raises for them.
"""

from __future__ import annotations

import json
import typing

import pytest
from intercom import (
    BadRequestError,
    Contact,
    ContactArchived,
    ContactDeleted,
    ContactList,
    ContactSegments,
    ContactUnarchived,
    CreateContactRequestWithEmail,
    CreateContactRequestWithRole,
    CreateDataAttributeRequestOne,
    CreateDataAttributeRequestOptions,
    CreateOrUpdateTagRequest,
    DataAttribute,
    DataAttributeList,
    Intercom,
    MultipleFilterSearchRequest,
    NotFoundError,
    Note,
    Segment,
    SegmentList,
    SingleFilterSearchRequest,
    StartingAfterPaging,
    SubscriptionType,
    SubscriptionTypeList,
    Tag,
    TagList,
    TagMultipleUsersRequest,
    UnprocessableEntityError,
    UpdateDataAttributeRequestOptions,
)
from intercom.core.api_error import ApiError

from harness import Switchboard, Wire, api_version, assert_error_list, strict, unique, unique_email

Workspace = typing.Tuple[Intercom, typing.Dict[str, typing.Any]]


@pytest.fixture
def fresh(switchboard: Switchboard, make_client) -> Workspace:
    """A workspace of its own, so that counts and listings are exact."""
    ws = switchboard.create_workspace()
    return make_client(ws["access_token"]), ws


def new_user(client: Intercom, **fields: typing.Any) -> Contact:
    return client.contacts.create(request=CreateContactRequestWithEmail(email=unique_email("user"), **fields))


def new_lead(client: Intercom, **fields: typing.Any) -> Contact:
    return client.contacts.create(request=CreateContactRequestWithRole(role="lead", **fields))


def check_contact(contact: typing.Any) -> None:
    assert contact.type == "contact"
    assert isinstance(contact.id, str) and len(contact.id) == 24
    assert isinstance(contact.workspace_id, str)
    assert contact.role in ("user", "lead")
    assert isinstance(contact.created_at, int) and isinstance(contact.updated_at, int)
    assert contact.location is not None and contact.location.type == "location"
    assert contact.social_profiles is not None and contact.social_profiles.data == []
    for summary in (contact.tags, contact.notes, contact.companies):
        assert summary is not None
        assert isinstance(summary.url, str) and summary.url.startswith(f"/contacts/{contact.id}/")
        assert isinstance(summary.total_count, int)
        assert isinstance(summary.has_more, bool)
        assert isinstance(summary.data, list)


# --- create, find, update, delete, archive ------------------------------------------------


def test_create_find_update_delete(client: Intercom, wire: Wire):
    email = unique_email("crud")
    created = client.contacts.create(request=CreateContactRequestWithEmail(email=email, name="Joe", phone="+1 555 0100"))
    strict(Contact, wire.last_json())
    check_contact(created)
    assert created.email == email
    assert created.role == "user"
    assert created.email_domain == "example.com"

    found = client.contacts.find(created.id)
    strict(Contact, wire.last_json())
    assert found.id == created.id and found.name == "Joe"

    updated = client.contacts.update(created.id, name="Joe Bloggs", signed_up_at=1571672154)
    strict(Contact, wire.last_json())
    assert updated.name == "Joe Bloggs"
    assert updated.signed_up_at == 1571672154
    assert updated.phone == "+1 555 0100"

    deleted = client.contacts.delete(created.id)
    strict(ContactDeleted, wire.last_json())
    assert deleted.id == created.id and deleted.deleted is True
    # contacts.find declares no 404, so the SDK raises its generic ApiError.
    with pytest.raises(ApiError) as err:
        client.contacts.find(created.id)
    assert err.value.status_code == 404
    assert_error_list(err.value.body, "not_found", 404)


def test_archive_and_unarchive(client: Intercom, wire: Wire):
    contact = new_user(client)
    archived = client.contacts.archive(contact.id)
    strict(ContactArchived, wire.last_json())
    assert archived.archived is True and archived.id == contact.id
    query = SingleFilterSearchRequest(field="email", operator="=", value=contact.email)
    assert list(client.contacts.search(query=query)) == []
    unarchived = client.contacts.unarchive(contact.id)
    strict(ContactUnarchived, wire.last_json())
    assert unarchived.archived is False
    assert [c.id for c in client.contacts.search(query=query)] == [contact.id]


def test_duplicates_and_bad_input_are_refused(client: Intercom):
    contact = new_user(client)
    with pytest.raises(ApiError) as err:
        client.contacts.create(request=CreateContactRequestWithEmail(email=contact.email.upper()))
    assert err.value.status_code == 409
    assert_error_list(err.value.body, "conflict", 409)
    assert contact.id in err.value.body["errors"][0]["message"]
    with pytest.raises(ApiError) as err:
        client.contacts.update(contact.id, custom_attributes={"no_such_attribute": 1})
    assert err.value.status_code == 400
    assert_error_list(err.value.body, "parameter_invalid", 400)
    with pytest.raises(ApiError) as err:
        client.contacts.update("000000000000000000000000", name="x")
    assert err.value.status_code == 404


# --- listing and its pager ---------------------------------------------------------------


def test_list_pager_walks_every_contact(fresh: Workspace, switchboard: Switchboard):
    client, ws = fresh
    wire = Wire()
    client = switchboard.client(ws["access_token"], wire=wire)
    created = [new_user(client).id for _ in range(6)]
    created.append(new_lead(client).id)
    seen = [c.id for c in client.contacts.list(per_page=3)]
    assert seen == created, "the SDK's pager follows pages.next.starting_after to the end"
    strict(ContactList, wire.last_json())
    pages = list(client.contacts.list(per_page=3).iter_pages())
    assert [len(p.items) for p in pages] == [3, 3, 1]
    assert pages[0].response.total_count == 7
    assert pages[0].response.pages.next.starting_after
    assert pages[-1].response.pages.next is None
    for c in pages[0].items:
        check_contact(c)


# --- search ------------------------------------------------------------------------------


def test_search_single_and_nested_queries(fresh: Workspace, wire: Wire, switchboard: Switchboard):
    client, ws = fresh
    client = switchboard.client(ws["access_token"], wire=wire)
    acme = [new_user(client, name=f"Acme {i}").id for i in range(2)]
    client.contacts.create(request=CreateContactRequestWithEmail(email=unique_email("other"), name="Other"))
    lead = new_lead(client, name="Acme lead").id

    by_name = client.contacts.search(query=SingleFilterSearchRequest(field="name", operator="^", value="acme"))
    strict(ContactList, wire.last_json())
    assert sorted(c.id for c in by_name) == sorted(acme + [lead])

    # (name ~ Acme) AND (role = lead OR name $ " 1"): the SDK's types want groups of groups here.
    nested = MultipleFilterSearchRequest(
        operator="AND",
        value=[
            MultipleFilterSearchRequest(
                operator="OR", value=[SingleFilterSearchRequest(field="name", operator="~", value="Acme")]
            ),
            MultipleFilterSearchRequest(
                operator="OR",
                value=[
                    SingleFilterSearchRequest(field="role", operator="=", value="lead"),
                    SingleFilterSearchRequest(field="name", operator="$", value=" 1"),
                ],
            ),
        ],
    )
    found = client.contacts.search(query=nested, pagination=StartingAfterPaging(per_page=50))
    assert sorted(c.id for c in found) == sorted([acme[1], lead])

    # One page at a time (the python pager re-sends the first body, so pages are asked for by hand).
    query = SingleFilterSearchRequest(field="name", operator="!=", value="nobody")
    first = client.contacts.search(query=query, pagination=StartingAfterPaging(per_page=2))
    body = wire.last_json()
    assert body["total_count"] == 4 and len(body["data"]) == 2
    cursor = body["pages"]["next"]["starting_after"]
    second = client.contacts.search(query=query, pagination=StartingAfterPaging(per_page=2, starting_after=cursor))
    ids = [c.id for c in first.items] + [c.id for c in second.items]
    assert len(set(ids)) == 4


def test_search_errors(client: Intercom):
    with pytest.raises(ApiError) as err:
        client.contacts.search(query=SingleFilterSearchRequest(field="created_at", operator="=", value="foorbar"))
    assert err.value.status_code == 400
    assert_error_list(err.value.body, "parameter_invalid", 400)
    with pytest.raises(ApiError) as err:
        client.contacts.search(query=SingleFilterSearchRequest(field="name", operator=">", value="a"))
    assert err.value.status_code == 400


# --- merge --------------------------------------------------------------------------------


def test_merge_lead_into_user(client: Intercom, wire: Wire):
    user = new_user(client)
    lead = new_lead(client, name="Lead Name")
    client.notes.create(lead.id, body="From the lead")
    merged = client.contacts.merge_lead_in_user(lead_id=lead.id, contact_id=user.id)
    strict(Contact, wire.last_json())
    assert merged.id == user.id
    assert merged.name == "Lead Name"
    assert merged.notes.total_count == 1
    with pytest.raises(ApiError) as err:
        client.contacts.find(lead.id)
    # From 2.16 the merged lead's id is Gone, with a Link to the user; before, not found.
    if api_version() == "2.16":
        assert err.value.status_code == 410
        assert_error_list(err.value.body, "contact_merged", 410)
        assert err.value.headers["link"] == f'</contacts/{user.id}>; rel="canonical"'
    else:
        assert err.value.status_code == 404
    with pytest.raises(ApiError) as err:
        client.contacts.merge_lead_in_user(lead_id=user.id, contact_id=new_user(client).id)
    assert err.value.status_code == 400


# --- tags ----------------------------------------------------------------------------------


def test_tags(client: Intercom, wire: Wire):
    name = unique("tag")
    tag = client.tags.create(request=CreateOrUpdateTagRequest(name=name))
    strict(Tag, wire.last_json())
    assert tag.name == name and isinstance(tag.id, str)
    assert client.tags.find(tag.id).name == name
    assert any(t.id == tag.id for t in client.tags.list().data)
    strict(TagList, wire.last_json())

    contact = new_user(client)
    applied = client.tags.tag_contact(contact.id, tag_id=tag.id)
    strict(Tag, wire.last_json())
    assert applied.id == tag.id and isinstance(applied.applied_at, int)
    attached = client.contacts.list_attached_tags(contact.id)
    strict(TagList, wire.last_json())
    assert [t.id for t in attached.data] == [tag.id]
    assert client.contacts.find(contact.id).tags.total_count == 1
    found = client.contacts.search(query=SingleFilterSearchRequest(field="tag_id", operator="=", value=tag.id))
    assert [c.id for c in found] == [contact.id]
    removed = client.tags.untag_contact(contact.id, tag.id)
    assert removed.id == tag.id
    assert client.contacts.list_attached_tags(contact.id).data == []

    other = new_user(client)
    bulk = client.tags.create(request=TagMultipleUsersRequest(name=unique("bulk"), users=[{"id": contact.id}, {"id": other.id}]))
    assert client.contacts.find(other.id).tags.data[0].id == bulk.id

    client.tags.delete(tag.id)
    with pytest.raises(NotFoundError) as err:
        client.tags.find(tag.id)
    assert_error_list(err.value.body, "not_found", 404)


# --- notes ---------------------------------------------------------------------------------


def test_notes(client: Intercom, wire: Wire, workspace_admin):
    contact = new_user(client)
    note = client.notes.create(contact.id, body="Hello")
    strict(Note, wire.last_json())
    assert note.body == "<p>Hello</p>"
    assert note.author.id == workspace_admin["id"]
    assert note.contact.id == contact.id
    for i in range(3):
        client.notes.create(contact.id, body=f"more {i}", admin_id=workspace_admin["id"])
    notes = list(client.notes.list(contact.id, per_page=2))
    assert len(notes) == 4, "the pager asks for page + 1 until a page is empty"
    assert notes[-1].id == note.id
    assert client.notes.find(int(note.id)).body == "<p>Hello</p>"
    with pytest.raises(NotFoundError):
        client.notes.create("000000000000000000000000", body="x")


# --- segments and subscriptions (made with the CLI, as Intercom makes them in its UI) ------


def test_segments(fresh: Workspace, switchboard: Switchboard, wire: Wire):
    client, ws = fresh
    client = switchboard.client(ws["access_token"], wire=wire)
    query = json.dumps({"field": "email", "operator": "$", "value": "@vip.test"})
    made = switchboard.cli("segment", "create", "--workspace", ws["workspace_id"], "--name", "VIPs", "--query", query)
    vip = client.contacts.create(request=CreateContactRequestWithEmail(email="someone@vip.test"))
    new_user(client)

    segments = client.segments.list(include_count=True)
    strict(SegmentList, wire.last_json())
    assert [(s.id, s.name, s.count) for s in segments.segments] == [(made["id"], "VIPs", 1)]
    one = client.segments.find(made["id"])
    strict(Segment, wire.last_json())
    assert one.person_type == "user"
    attached = client.contacts.list_attached_segments(vip.id)
    strict(ContactSegments, wire.last_json())
    assert [s.id for s in attached.data] == [made["id"]]
    found = client.contacts.search(query=SingleFilterSearchRequest(field="segment_id", operator="=", value=made["id"]))
    assert [c.id for c in found] == [vip.id]
    with pytest.raises(NotFoundError):
        client.segments.find("000000000000000000000000")


def test_subscriptions(fresh: Workspace, switchboard: Switchboard, wire: Wire):
    client, ws = fresh
    client = switchboard.client(ws["access_token"], wire=wire)
    made = switchboard.cli(
        "subscription-type", "create", "--workspace", ws["workspace_id"], "--name", "Newsletters",
        "--consent-type", "opt_out", "--content-types", "email",
    )
    types = client.subscription_types.list()
    strict(SubscriptionTypeList, wire.last_json())
    assert [t.id for t in types.data] == [made["id"]]
    contact = new_user(client)
    attached = client.contacts.attach_subscription(contact.id, subscription_id=made["id"], consent_type="opt_out")
    strict(SubscriptionType, wire.last_json())
    assert attached.consent_type == "opt_out"
    listed = client.contacts.list_attached_subscriptions(contact.id)
    assert [s.id for s in listed.data] == [made["id"]]
    # Not in the SDK's model: kept as the plain JSON object.
    assert client.contacts.find(contact.id).opted_out_subscription_types["total_count"] == 1
    detached = client.contacts.detach_subscription(contact.id, made["id"])
    assert detached.id == made["id"]
    assert client.contacts.list_attached_subscriptions(contact.id).data == []
    with pytest.raises(NotFoundError):
        client.contacts.attach_subscription(contact.id, subscription_id="invalid_id", consent_type="opt_in")


def test_attached_companies_pager(client: Intercom, wire: Wire):
    contact = new_user(client)
    assert list(client.contacts.list_attached_companies(contact.id)) == []
    body = wire.last_json()
    assert body["companies"] == [] and body["total_count"] == 0
    with pytest.raises(NotFoundError):
        list(client.contacts.list_attached_companies("000000000000000000000000"))


# --- data attributes -------------------------------------------------------------------------


def test_data_attributes(fresh: Workspace, switchboard: Switchboard, wire: Wire):
    client, ws = fresh
    client = switchboard.client(ws["access_token"], wire=wire)
    listed = client.data_attributes.list(model="contact")
    strict(DataAttributeList, wire.last_json())
    assert any(a.full_name == "email" and a.custom is False for a in listed.data)

    plan = client.data_attributes.create(
        request=CreateDataAttributeRequestOne(name="plan", model="contact", data_type="string", description="Plan")
    )
    strict(DataAttribute, wire.last_json())
    assert plan.full_name == "custom_attributes.plan" and isinstance(plan.id, int)
    tier = client.data_attributes.create(
        request=CreateDataAttributeRequestOptions(
            name="tier", model="contact", data_type="options", options=[{"value": "gold"}, {"value": "silver"}]
        )
    )
    assert tier.options == ["gold", "silver"] and tier.data_type == "string"

    contact = new_user(client, custom_attributes={"plan": "pro", "tier": "gold"})
    assert contact.custom_attributes == {"plan": "pro", "tier": "gold"}
    found = client.contacts.search(
        query=SingleFilterSearchRequest(field="custom_attributes.plan", operator="=", value="pro")
    )
    assert [c.id for c in found] == [contact.id]

    updated = client.data_attributes.update(
        tier.id, request=UpdateDataAttributeRequestOptions(options=[{"value": "gold"}, {"value": "bronze"}])
    )
    assert updated.options == ["gold", "bronze"]
    archived = client.data_attributes.update(plan.id, request={"archived": True})
    assert archived.archived is True
    assert all(a.name != "plan" for a in client.data_attributes.list(model="contact").data)
    assert any(a.name == "plan" for a in client.data_attributes.list(model="contact", include_archived=True).data)

    with pytest.raises(BadRequestError) as err:
        client.data_attributes.create(request=CreateDataAttributeRequestOne(name="x", model="contact", data_type="mithril"))
    assert_error_list(err.value.body, "parameter_invalid", 400)
    with pytest.raises(NotFoundError) as err:
        client.data_attributes.update(999999, request={"description": "x"})
    assert_error_list(err.value.body, "field_not_found", 404)
    switchboard.cli(
        "segment", "create", "--workspace", ws["workspace_id"], "--name", "Gold",
        "--query", json.dumps({"field": "custom_attributes.tier", "operator": "=", "value": "gold"}),
    )
    with pytest.raises(UnprocessableEntityError) as err:
        client.data_attributes.update(tier.id, request={"archived": True})
    assert_error_list(err.value.body, "data_invalid", 422)
