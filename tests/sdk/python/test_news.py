"""News, through the official python-intercom SDK (client.news.items.*, client.news.feeds.*):
GET|POST /news/news_items, GET|PUT|DELETE /news/news_items/{id}, GET /news/newsfeeds,
GET /news/newsfeeds/{id}, GET /news/newsfeeds/{id}/items.

Every workspace has the default newsfeeds; the operator adds others with `switchboard newsfeed
create`.
"""

from __future__ import annotations

import time

import pytest
from intercom import DeletedObject, Intercom, NotFoundError, PaginatedResponse
from intercom.core.api_error import ApiError
from intercom.news import NewsfeedAssignment, Newsfeed, NewsItem

from harness import Switchboard, Wire, assert_error_list, strict, unique


def sender(switchboard: Switchboard) -> int:
    return int(switchboard.create_admin()["admin_id"])


def test_news_items_are_created_found_updated_and_deleted(client: Intercom, wire: Wire, switchboard: Switchboard):
    feed = switchboard.cli("newsfeed", "create", "--workspace", switchboard.workspace_id, "--name", unique("Feed"))
    admin = sender(switchboard)
    published_at = int(time.time()) - 3600

    item = client.news.items.create(
        title="Halloween is here!",
        body="<p>New costumes in store for this spooky season</p>",
        labels=["Product", "Update", "New"],
        sender_id=admin,
        deliver_silently=True,
        reactions=["😆", "😅"],
        state="live",
        newsfeed_assignments=[NewsfeedAssignment(newsfeed_id=int(feed["id"]), published_at=published_at)],
    )
    strict(NewsItem, wire.last_json())
    assert item.type == "news-item"
    assert item.title == "Halloween is here!"
    assert item.sender_id == admin
    assert item.state == "live"
    assert item.labels == ["New", "Product", "Update"]
    assert item.reactions == ["😆", "😅"]
    assert item.deliver_silently is True
    assert item.newsfeed_assignments == [NewsfeedAssignment(newsfeed_id=int(feed["id"]), published_at=published_at)]

    found = client.news.items.find(news_item_id=int(item.id))
    strict(NewsItem, wire.last_json())
    assert found == item

    live = client.news.feeds.list_items(newsfeed_id=feed["id"])
    strict(PaginatedResponse, wire.last_json())
    assert [i.id for i in live.data] == [item.id]
    assert live.total_count == 1

    updated = client.news.items.update(
        news_item_id=int(item.id), title="Christmas is here!", sender_id=admin, state="draft"
    )
    strict(NewsItem, wire.last_json())
    assert updated.title == "Christmas is here!"
    assert updated.state == "draft"
    assert updated.labels == item.labels
    assert updated.newsfeed_assignments == [NewsfeedAssignment(newsfeed_id=int(feed["id"]), published_at=None)]
    assert client.news.feeds.list_items(newsfeed_id=feed["id"]).data == []

    listed = client.news.items.list()
    strict(PaginatedResponse, wire.last_json())
    assert item.id in [i.id for i in listed.data] or listed.total_count > len(listed.data)

    deleted = client.news.items.delete(news_item_id=int(item.id))
    strict(DeletedObject, wire.last_json())
    assert deleted.id == item.id and deleted.object == "news-item" and deleted.deleted is True
    with pytest.raises(NotFoundError) as raised:
        client.news.items.find(news_item_id=int(item.id))
    assert_error_list(raised.value.body, "not_found", 404)
    with pytest.raises(NotFoundError):
        client.news.items.update(news_item_id=int(item.id), title="Gone", sender_id=admin)
    with pytest.raises(NotFoundError):
        client.news.items.delete(news_item_id=int(item.id))


def test_newsfeeds_are_listed_and_found(client: Intercom, wire: Wire, switchboard: Switchboard):
    made = switchboard.cli("newsfeed", "create", "--workspace", switchboard.workspace_id, "--name", unique("Feed"))
    feeds = client.news.feeds.list()
    strict(PaginatedResponse, wire.last_json())
    names = [f.name for f in feeds.data]
    assert "User Feed" in names and "Visitor Feed" in names

    feed = client.news.feeds.find(newsfeed_id=made["id"])
    strict(Newsfeed, wire.last_json())
    assert feed.id == made["id"] and feed.name == made["name"]
    with pytest.raises(ApiError) as raised:
        client.news.feeds.find(newsfeed_id="987654321")
    assert raised.value.status_code == 404
    assert_error_list(raised.value.body, "not_found", 404)


def test_bad_news_items_are_refused(client: Intercom, switchboard: Switchboard):
    with pytest.raises(ApiError) as raised:
        client.news.items.create(title="News", sender_id=987654321)
    assert raised.value.status_code == 404
    assert_error_list(raised.value.body, "admin_not_found", 404)
    with pytest.raises(ApiError) as raised:
        client.news.items.create(
            title="News",
            sender_id=sender(switchboard),
            newsfeed_assignments=[NewsfeedAssignment(newsfeed_id=987654321, published_at=0)],
        )
    assert raised.value.status_code == 400
    assert_error_list(raised.value.body, "parameter_invalid", 400)


def test_other_workspace_news_is_invisible(client: Intercom, switchboard: Switchboard, make_client, other_workspace):
    item = client.news.items.create(title="Ours", sender_id=sender(switchboard))
    other = make_client(token=other_workspace["access_token"])
    assert all(i.id != item.id for i in other.news.items.list().data)
    with pytest.raises(NotFoundError):
        other.news.items.find(news_item_id=int(item.id))


def test_brands_and_emails(client: Intercom, wire: Wire, switchboard: Switchboard):
    from intercom.unstable import Brand, BrandList, EmailList, EmailSetting

    brand = switchboard.cli("brand", "create", "--workspace", switchboard.workspace_id, "--name", unique("Brand"))
    address = f"{unique('support')}@example.com".lower()
    email = switchboard.cli(
        "email", "create", "--workspace", switchboard.workspace_id, "--email", address, "--brand", brand["id"]
    )

    brands = client.unstable.brands.list_brands()
    strict(BrandList, wire.last_json())
    assert brands.data[0].is_default is True and brands.data[0].id == switchboard.workspace_id
    assert brand["id"] in [b.id for b in brands.data]
    found = client.unstable.brands.retrieve_brand(id=brand["id"])
    strict(Brand, wire.last_json())
    assert found.name == brand["name"] and found.default_address_settings_id == email["id"]

    emails = client.unstable.emails.list_emails()
    strict(EmailList, wire.last_json())
    assert email["id"] in [e.id for e in emails.data]
    setting = client.unstable.emails.retrieve_email(id=email["id"])
    strict(EmailSetting, wire.last_json())
    assert setting.email == address and setting.domain == "example.com" and setting.brand_id == brand["id"]

    # The unstable clients raise their own NotFoundError, an ApiError too.
    with pytest.raises(ApiError) as raised:
        client.unstable.brands.retrieve_brand(id="987654321")
    assert raised.value.status_code == 404
    assert_error_list(raised.value.body, "not_found", 404)
    with pytest.raises(ApiError) as raised:
        client.unstable.emails.retrieve_email(id="987654321")
    assert raised.value.status_code == 404
    assert_error_list(raised.value.body, "not_found", 404)
