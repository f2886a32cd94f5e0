"""Articles and the help center, through the official python-intercom SDK.

client.articles.{list,create,find,update,delete,search},
client.help_centers.{list,find} and client.help_centers.collections.{list,create,find,update,delete}.
"""

from __future__ import annotations

import typing

import pytest
from intercom import (
    Article,
    ArticleContent,
    ArticleListItem,
    ArticleSearchHighlights,
    ArticleTranslatedContent,
    BadRequestError,
    Collection,
    CreateArticleRequest,
    DeletedArticleObject,
    DeletedCollectionObject,
    GroupContent,
    GroupTranslatedContent,
    HelpCenter,
    Intercom,
    NotFoundError,
)

from harness import Switchboard, Wire, api_version, assert_error_list, strict, unique

MISSING_ID = 987654321
# 2.16 names an article's parents in `parent_ids` only: no `parent_id`, `parent_type`.
HAS_PARENT_FIELDS = api_version() != "2.16"


@pytest.fixture
def author(workspace_admin: typing.Dict[str, str]) -> int:
    return int(workspace_admin["id"])


@pytest.fixture
def fresh(switchboard: Switchboard) -> typing.Tuple[str, int]:
    """The token of a new, empty workspace (for exact counts), and its admin's id."""
    created = switchboard.create_workspace()
    return created["access_token"], int(created["admin_id"])


def test_help_centers_list_and_find(client: Intercom, wire: Wire, switchboard: Switchboard) -> None:
    centers = list(client.help_centers.list())
    assert len(centers) == 1, "every workspace has one default help center"
    center = centers[0]
    for item in wire.responses[0].json()["data"]:
        strict(HelpCenter, item)
    assert center.workspace_id == switchboard.workspace_id
    assert center.website_turned_on is False
    assert isinstance(center.identifier, str) and center.identifier
    assert center.url == f"https://intercom.help/{center.identifier}"
    assert wire.last.json()["data"] == [], "the pager stops on an empty page"

    found = client.help_centers.find(int(center.id))
    strict(HelpCenter, wire.last_json())
    assert found.id == center.id and found.display_name == center.display_name

    with pytest.raises(NotFoundError) as raised:
        client.help_centers.find(MISSING_ID)
    assert_error_list(raised.value.body, "not_found", 404)


def test_collections_crud(client: Intercom, wire: Wire, author: int) -> None:
    name = unique("Collection")
    created = client.help_centers.collections.create(
        name=name,
        description="English description",
        translated_content=GroupTranslatedContent(fr=GroupContent(name="Collection FR", description="Description FR")),
    )
    strict(Collection, wire.last_json())
    assert created.name == name
    assert created.description == "English description"
    assert created.parent_id is None
    assert isinstance(created.help_center_id, int)
    assert created.order >= 1
    assert created.default_locale == "en"
    assert created.translated_content is not None
    assert created.translated_content.fr is not None and created.translated_content.fr.name == "Collection FR"

    section = client.help_centers.collections.create(name=unique("Section"), parent_id=created.id)
    strict(Collection, wire.last_json())
    assert section.parent_id == created.id
    assert section.order == 1

    found = client.help_centers.collections.find(int(section.id))
    strict(Collection, wire.last_json())
    assert found.name == section.name

    updated = client.help_centers.collections.update(int(created.id), name="Update collection name")
    strict(Collection, wire.last_json())
    assert updated.name == "Update collection name"
    assert updated.description == "English description"

    article = client.articles.create(
        request=CreateArticleRequest(title=unique("In a section"), author_id=author, parent_id=int(section.id))
    )
    if HAS_PARENT_FIELDS:
        assert article.parent_type == "section"
    else:
        assert article.parent_type is None and int(section.id) in (article.parent_ids or [])

    deleted = client.help_centers.collections.delete(int(created.id))
    strict(DeletedCollectionObject, wire.last_json())
    assert deleted.id == created.id and deleted.object == "collection" and deleted.deleted is True
    for missing in (int(created.id), int(section.id)):
        with pytest.raises(NotFoundError) as raised:
            client.help_centers.collections.find(missing)
        assert_error_list(raised.value.body, "not_found", 404)
    freed = client.articles.find(int(article.id))
    assert freed.parent_id is None, "articles of a deleted collection stand alone"


def test_collection_errors(client: Intercom) -> None:
    with pytest.raises(BadRequestError) as raised:
        client.help_centers.collections.create(name="x", parent_id=str(MISSING_ID))
    assert_error_list(raised.value.body, "parameter_invalid", 400)
    with pytest.raises(NotFoundError):
        client.help_centers.collections.update(MISSING_ID, name="x")
    with pytest.raises(NotFoundError):
        client.help_centers.collections.delete(MISSING_ID)


def test_collections_pager_walks_every_page(fresh: typing.Tuple[str, int], make_client: typing.Any) -> None:
    other = make_client(fresh[0])
    names = {other.help_centers.collections.create(name=f"C{i}").name for i in range(5)}
    pager = other.help_centers.collections.list(per_page=2)
    assert {c.name for c in pager} == names
    assert pager.response.total_count == 5


def test_article_with_two_translations(
    client: Intercom, wire: Wire, switchboard: Switchboard, author: int
) -> None:
    translator = int(switchboard.create_admin()["admin_id"])
    parent = client.help_centers.collections.create(name=unique("Parent"))
    title = unique("Thanks for everything")
    article = client.articles.create(
        request=CreateArticleRequest(
            title=title,
            description="Description of the Article",
            body="Body of the Article",
            author_id=author,
            state="published",
            parent_id=int(parent.id),
            parent_type="collection",
            translated_content=ArticleTranslatedContent(
                fr=ArticleContent(
                    title="Merci pour tout",
                    description="Description de l'article",
                    body="Corps de l'article",
                    author_id=translator,
                    state="published",
                ),
                de=ArticleContent(title="Danke für alles", description="Beschreibung"),
            ),
        )
    )
    raw = wire.last_json()
    strict(Article, raw)
    assert article.type == "article"
    assert article.workspace_id == switchboard.workspace_id
    assert article.title == title
    assert article.body == '<p class="no-margin">Body of the Article</p>'
    assert article.author_id == author
    assert article.state == "published"
    if HAS_PARENT_FIELDS:
        assert article.parent_id == int(parent.id)
        assert article.parent_type == "collection"
    assert article.parent_ids == [int(parent.id)]
    assert article.default_locale == "en"
    assert article.url is not None and article.url.endswith(f"/en/articles/{article.id}-" + title.lower().replace(" ", "-"))
    assert article.statistics is not None and article.statistics.views == 0
    translated = article.translated_content
    assert translated is not None
    assert isinstance(translated.fr, ArticleContent) and isinstance(translated.de, ArticleContent)
    assert translated.fr.title == "Merci pour tout"
    assert translated.fr.author_id == translator
    assert translated.fr.state == "published"
    assert translated.de.author_id == author
    assert translated.de.state == "draft"
    assert translated.de.url is None
    assert set(raw["translated_content"]) == {"type", "en", "fr", "de"}
    for locale in ("en", "fr", "de"):
        strict(ArticleContent, raw["translated_content"][locale])

    found = client.articles.find(int(article.id))
    assert wire.last_json() == raw

    updated = client.articles.update(
        int(article.id),
        title="Christmas is here!",
        state="draft",
        translated_content=ArticleTranslatedContent(de=ArticleContent(state="published")),
    )
    strict(Article, wire.last_json())
    assert updated.title == "Christmas is here!"
    assert updated.state == "draft"
    assert updated.url is None
    assert updated.translated_content is not None and updated.translated_content.de is not None
    assert updated.translated_content.de.state == "published"
    assert updated.translated_content.fr == found.translated_content.fr  # type: ignore[union-attr]

    alone = client.articles.update(int(article.id), parent_id=None)
    assert alone.parent_id is None and alone.parent_type is None

    deleted = client.articles.delete(int(article.id))
    strict(DeletedArticleObject, wire.last_json())
    assert deleted.id == article.id and deleted.object == "article" and deleted.deleted is True
    with pytest.raises(NotFoundError) as raised:
        client.articles.find(int(article.id))
    assert_error_list(raised.value.body, "not_found", 404)


def test_article_errors(client: Intercom, other_workspace: typing.Dict[str, typing.Any], author: int) -> None:
    with pytest.raises(BadRequestError) as raised:
        client.articles.create(request=CreateArticleRequest(title="t", author_id=int(other_workspace["admin_id"])))
    assert_error_list(raised.value.body, "parameter_invalid", 400)
    with pytest.raises(BadRequestError) as raised:
        client.articles.create(request=CreateArticleRequest(title="t", author_id=author, parent_id=MISSING_ID))
    assert_error_list(raised.value.body, "parameter_invalid", 400)
    with pytest.raises(NotFoundError) as raised:
        client.articles.update(MISSING_ID, title="Christmas is here!")
    assert_error_list(raised.value.body, "not_found", 404)
    with pytest.raises(NotFoundError):
        client.articles.delete(MISSING_ID)


def test_articles_pager_walks_every_page(fresh: typing.Tuple[str, int], make_client: typing.Any) -> None:
    token, admin = fresh
    wire = Wire()
    other = make_client(token, wire=wire)
    ids = {other.articles.create(request=CreateArticleRequest(title=f"A{i}", author_id=admin)).id for i in range(5)}
    wire.responses.clear()
    items = list(other.articles.list(per_page=2))
    assert {a.id for a in items} == ids
    assert len(items) == 5
    assert [r.json()["pages"]["page"] for r in wire.responses] == [1, 2, 3, 4]
    assert wire.responses[-1].json()["data"] == []
    for item in wire.responses[0].json()["data"]:
        strict(ArticleListItem, item)


def test_search(client: Intercom, wire: Wire, author: int) -> None:
    word = unique("zebra").replace("-", "")
    published = client.articles.create(
        request=CreateArticleRequest(title=f"All about {word}", author_id=author, state="published")
    )
    draft = client.articles.create(
        request=CreateArticleRequest(title="Other", body=f"<p>A {word} here</p>", author_id=author)
    )
    found = client.articles.search(phrase=word)
    assert found.total_count == 2
    assert found.data is not None and found.data.articles is not None
    assert {a.id for a in found.data.articles} == {published.id, draft.id}
    for item in wire.last_json()["data"]["articles"]:
        strict(Article, item)

    only = client.articles.search(phrase=word.upper(), state="published", highlight=True)
    assert only.data is not None and only.data.articles is not None and only.data.highlights is not None
    assert [a.id for a in only.data.articles] == [published.id]
    highlight = strict(ArticleSearchHighlights, wire.last_json()["data"]["highlights"][0])
    assert highlight.article_id == published.id
    assert highlight.highlighted_title is not None
    assert [(h.type, h.text) for h in highlight.highlighted_title] == [("plain", "All about "), ("highlight", word)]

    center = next(iter(client.help_centers.list()))
    scoped = client.articles.search(phrase=word, state="draft", help_center_id=int(center.id))
    assert scoped.data is not None and [a.id for a in scoped.data.articles or []] == [draft.id]
    nowhere = client.articles.search(phrase=word, help_center_id=MISSING_ID)
    assert nowhere.total_count == 0
