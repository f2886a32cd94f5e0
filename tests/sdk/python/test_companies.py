"""Companies, through the official python-intercom SDK (client.companies.*, client.tags.create).

POST /companies, GET /companies, POST /companies/list, GET /companies/scroll,
GET|PUT|DELETE /companies/{id}, GET /companies/{id}/contacts, GET /companies/{id}/segments,
POST /contacts/{id}/companies, DELETE /contacts/{id}/companies/{id}, tagging companies.
"""

from __future__ import annotations

import concurrent.futures
import json
import typing

import pytest
from intercom import BadRequestError, Intercom, NotFoundError
from intercom.companies.types.company import Company
from intercom.core.api_error import ApiError
from intercom.types import CreateOrUpdateCompanyRequest, DeletedCompanyObject, UpdateCompanyRequestBody

from harness import Switchboard, Wire, assert_error_list, strict, unique, unique_email


def new_contact(client: Intercom) -> str:
    return client.contacts.create(request={"email": unique_email("company-user")}).id


def new_company(client: Intercom, **fields: typing.Any) -> Company:
    return client.companies.create_or_update(request={"company_id": unique("co"), **fields})


def check_company(data: typing.Any) -> Company:
    """The wire JSON of a company, validated strictly against the SDK's Company model."""
    company = strict(Company, data)
    assert company.type == "company"
    assert len(company.id) == 24
    assert company.tags is not None and company.tags.type == "tag.list"
    assert company.segments is not None and company.segments.type == "segment.list"
    return company


@pytest.fixture
def fresh(switchboard: Switchboard) -> Intercom:
    """A client of a new workspace: lists and scrolls there see only this test's companies."""
    return switchboard.client(token=switchboard.create_workspace()["access_token"])


def test_create_or_update_then_find(client: Intercom, wire: Wire) -> None:
    company_id = unique("acme")
    created = client.companies.create_or_update(
        request=CreateOrUpdateCompanyRequest(
            company_id=company_id,
            name="Acme",
            plan="Enterprise",
            size=100,
            website="https://acme.test",
            industry="Manufacturing",
            remote_created_at=1394531169,
            monthly_spend=1000,
        )
    )
    check_company(wire.last_json())
    assert created.company_id == company_id
    assert created.name == "Acme"
    assert created.plan is not None and created.plan.name == "Enterprise" and created.plan.type == "plan"
    assert isinstance(created.plan.id, str)
    assert (created.size, created.monthly_spend, created.user_count) == (100, 1000, 0)
    assert created.remote_created_at == 1394531169

    # Looked up by company_id: the same company, updated; company_id never changes.
    updated = client.companies.create_or_update(request={"company_id": company_id, "name": "Acme Inc"})
    check_company(wire.last_json())
    assert updated.id == created.id
    assert (updated.name, updated.industry) == ("Acme Inc", "Manufacturing")

    found = client.companies.find(created.id)
    check_company(wire.last_json())
    assert found.name == "Acme Inc"
    by_company_id = client.companies.retrieve(company_id=company_id)
    assert by_company_id.type == "company" and by_company_id.id == created.id
    check_company(wire.last_json())
    by_name = client.companies.retrieve(name="Acme Inc")
    assert by_name.type == "company"


def test_update_and_delete(client: Intercom, wire: Wire) -> None:
    company = new_company(client, name="Before")
    contact = new_contact(client)
    client.companies.attach_contact(contact, company_id=company.id)

    updated = client.companies.update(company.id, request=UpdateCompanyRequestBody(name="After", website="w"))
    check_company(wire.last_json())
    assert (updated.name, updated.website, updated.user_count) == ("After", "w", 1)

    deleted = client.companies.delete(company.id)
    strict(DeletedCompanyObject, wire.last_json())
    assert (deleted.id, deleted.object, deleted.deleted) == (company.id, "company", True)
    with pytest.raises(NotFoundError) as err:
        client.companies.find(company.id)
    assert_error_list(err.value.body, "company_not_found", 404)
    assert list(client.contacts.list_attached_companies(contact)) == [], "the contact is detached"


def test_errors(client: Intercom) -> None:
    with pytest.raises(BadRequestError) as err:
        client.companies.create_or_update(request={"test": "invalid"})
    assert_error_list(err.value.body, "bad_request", 400)
    for call in (
        lambda: client.companies.find("000000000000000000000000"),
        lambda: client.companies.update("nope", request=UpdateCompanyRequestBody(name="x")),
        lambda: client.companies.delete("nope"),
        lambda: client.companies.list_attached_contacts("nope"),
        lambda: client.companies.list_attached_segments("nope"),
        lambda: client.companies.retrieve(company_id=unique("missing")),
    ):
        with pytest.raises(NotFoundError) as err:
            call()
        assert_error_list(err.value.body, "company_not_found", 404)
    contact = new_contact(client)
    with pytest.raises(NotFoundError) as err:
        client.companies.attach_contact(contact, company_id="123")
    assert_error_list(err.value.body, "company_not_found", 404)
    with pytest.raises(BadRequestError) as err:
        client.companies.attach_contact(contact, company_id="")
    assert_error_list(err.value.body, "parameter_not_found", 400)
    company = new_company(client)
    with pytest.raises(NotFoundError) as err:
        client.companies.attach_contact("nobody", company_id=company.id)
    assert_error_list(err.value.body, "not_found", 404)
    with pytest.raises(NotFoundError) as err:
        client.companies.detach_contact(contact, company.id)
    assert_error_list(err.value.body, "company_not_found", 404)


def test_attach_detach_and_attached_lists(client: Intercom, wire: Wire) -> None:
    company = new_company(client, name="Team")
    first, second = new_contact(client), new_contact(client)
    attached = client.companies.attach_contact(first, company_id=company.id)
    check_company(wire.last_json())
    assert attached.user_count == 1
    assert client.companies.attach_contact(second, company_id=company.id).user_count == 2

    contacts = client.companies.list_attached_contacts(company.id)
    assert contacts.type == "list"
    assert contacts.total_count == 2
    assert [c.id for c in contacts.data] == [first, second]
    assert [c.id for c in client.contacts.list_attached_companies(first)] == [company.id]

    detached = client.companies.detach_contact(first, company.id)
    check_company(wire.last_json())
    assert detached.user_count == 1
    assert [c.id for c in client.companies.list_attached_contacts(company.id).data] == [second]


def test_list_walks_every_page_in_last_request_order(fresh: Intercom) -> None:
    ids = []
    for i in range(7):
        contact = fresh.contacts.create(request={"email": unique_email("seen"), "last_seen_at": 1_700_000_000 + i}).id
        company = new_company(fresh, name=f"Company {i}")
        fresh.companies.attach_contact(contact, company_id=company.id)
        ids.append(company.id)
    new_company(fresh, name="No contacts: never listed")

    walked = [c.id for c in fresh.companies.list(per_page=3)]
    assert walked == list(reversed(ids)), "most recently requested first, every page, once"
    assert [c.id for c in fresh.companies.list(per_page=2, order="asc")] == ids
    first = fresh.companies.list(per_page=3)
    assert first.response.total_count == 7
    assert first.response.pages.total_pages == 3
    for company in first.items:
        assert company.user_count == 1


def test_tag_untag_and_filter(client: Intercom, switchboard: Switchboard, wire: Wire) -> None:
    contact = new_contact(client)
    company = new_company(client, name="Tagged", plan="Gold")
    client.companies.attach_contact(contact, company_id=company.id)
    name = unique("vip")
    tag = client.tags.create(request={"name": name, "companies": [{"company_id": company.company_id}]})
    assert tag.name == name
    tagged = client.companies.retrieve(tag_id=tag.id)
    assert tagged.type == "list"
    assert [c.id for c in tagged.data] == [company.id]
    assert tagged.data[0].tags.tags[0]["name"] == name
    for item in wire.last_json()["data"]:
        check_company(item)

    client.tags.create(request={"name": name, "companies": [{"id": company.id, "untag": True}]})
    assert client.companies.retrieve(tag_id=tag.id).data == []
    with pytest.raises(NotFoundError):
        client.tags.create(request={"name": name, "companies": [{"id": "nope"}]})

    segment = switchboard.cli(
        "segment", "create", "--workspace", switchboard.workspace_id, "--name", unique("gold plans"),
        "--model", "company", "--query", json.dumps({"field": "plan", "operator": "=", "value": "Gold"}),
    )
    segments = client.companies.list_attached_segments(company.id)
    assert segments.type == "list"
    assert segment["id"] in [s.id for s in segments.data]
    in_segment = client.companies.retrieve(segment_id=segment["id"])
    assert company.id in [c.id for c in in_segment.data]
    assert segment["id"] in [s.id for s in client.companies.find(company.id).segments.segments]


def test_scroll_walks_thousands_of_companies_once_each(fresh: Intercom) -> None:
    contacts = [new_contact(fresh) for _ in range(3)]

    def make(i: int) -> str:
        company = fresh.companies.create_or_update(request={"company_id": f"scroll-{i}", "name": f"S{i}"})
        fresh.companies.attach_contact(contacts[i % 3], company_id=company.id)
        return company.id

    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        created = list(pool.map(make, range(2500)))
    new_company(fresh, name="Without contacts")

    pager = fresh.companies.scroll()
    param = pager.response.scroll_param
    assert isinstance(param, str) and param
    with pytest.raises(ApiError) as err:
        fresh.companies.scroll()
    assert err.value.status_code == 400
    assert_error_list(err.value.body, "scroll_exists", 400)

    seen = [company.id for company in pager]
    assert len(seen) == len(set(seen)) == 2500, "no company twice"
    assert set(seen) == set(created), "and none missing"

    # The scroll has ended: its param is gone and a new scroll can start.
    with pytest.raises(ApiError) as err:
        fresh.companies.scroll(scroll_param=param)
    assert err.value.status_code == 404
    assert_error_list(err.value.body, "not_found", 404)
    again = fresh.companies.scroll()
    assert len(again.items) == 100
    assert sum(1 for _ in again) == 2500
