// Articles and the help center, through the official intercom-client SDK:
// client.articles.{list,create,find,update,delete,search},
// client.helpCenters.{list,find} and client.helpCenters.collections.{list,create,find,update,delete}.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Intercom } from "intercom-client";
import {
    Wire,
    assertErrorList,
    assertFields,
    createAdmin,
    createWorkspace,
    makeClient,
    rejectsWith,
    switchboard,
    unique,
} from "./harness.mjs";

const MISSING_ID = 987654321;
const author = () => Number(switchboard.admin.id);

// Required in intercom-client's Intercom.Article / ArticleListItem types.
function checkArticle(article, what = "article") {
    assertFields(article, {
        id: "string",
        workspace_id: "string",
        title: "string",
        author_id: "number",
        state: "string",
        created_at: "number",
        updated_at: "number",
    }, what);
    assert.equal(article.type, "article");
}

function checkCollection(collection, what = "collection") {
    assertFields(collection, {
        id: "string",
        workspace_id: "string",
        name: "string",
        created_at: "number",
        order: "number",
    }, what);
}

async function collect(page) {
    const items = [];
    for await (const item of page) {
        items.push(item);
    }
    return items;
}

describe("help centers (intercom-client)", () => {
    test("list and find the default help center", async () => {
        const wire = new Wire();
        const client = makeClient({ wire });
        const centers = await collect(await client.helpCenters.list());
        assert.equal(centers.length, 1);
        const center = centers[0];
        assertFields(center, {
            id: "string",
            workspace_id: "string",
            created_at: "number",
            identifier: "string",
            website_turned_on: "boolean",
            display_name: "string",
        }, "help_center");
        assert.equal(center.workspace_id, switchboard.workspaceId);
        assert.deepEqual(wire.lastJson().data, [], "the pager stops on an empty page");

        const found = await client.helpCenters.find({ help_center_id: Number(center.id) });
        assert.deepEqual(found, center);
        const error = await rejectsWith(
            client.helpCenters.find({ help_center_id: MISSING_ID }),
            Intercom.NotFoundError,
            404,
        );
        assertErrorList(error.body, "not_found", 404);
    });
});

describe("collections (intercom-client)", () => {
    test("create, find, update and delete a collection and its section", async () => {
        const client = makeClient();
        const name = unique("Collection");
        const created = await client.helpCenters.collections.create({
            name,
            description: "English description",
            translated_content: { fr: { name: "Collection FR", description: "Description FR" } },
        });
        checkCollection(created);
        assert.equal(created.name, name);
        assert.equal(created.parent_id, null);
        assert.equal(typeof created.help_center_id, "number");
        assert.equal(created.translated_content.fr.name, "Collection FR");

        const section = await client.helpCenters.collections.create({ name: unique("Section"), parent_id: created.id });
        checkCollection(section);
        assert.equal(section.parent_id, created.id);

        const updated = await client.helpCenters.collections.update({
            collection_id: Number(created.id),
            name: "Update collection name",
        });
        assert.equal(updated.name, "Update collection name");
        assert.equal(updated.description, "English description");
        const found = await client.helpCenters.collections.find({ collection_id: Number(section.id) });
        assert.deepEqual(found, section);

        const deleted = await client.helpCenters.collections.delete({ collection_id: Number(created.id) });
        assert.deepEqual(deleted, { id: created.id, object: "collection", deleted: true });
        const error = await rejectsWith(
            client.helpCenters.collections.find({ collection_id: Number(section.id) }),
            Intercom.NotFoundError,
            404,
        );
        assertErrorList(error.body, "not_found", 404);
    });

    test("a missing name is a BadRequestError", async () => {
        const error = await rejectsWith(
            makeClient().helpCenters.collections.create({ description: "Missing required parameter" }),
            Intercom.BadRequestError,
            400,
        );
        assertErrorList(error.body, "parameter_not_found", 400);
        assert.equal(error.body.errors[0].message, "Name is a required parameter.");
    });

    test("the pager walks every page", async () => {
        const fresh = createWorkspace();
        const client = makeClient({ token: fresh.access_token });
        const names = new Set();
        for (let i = 0; i < 5; i++) {
            names.add((await client.helpCenters.collections.create({ name: `C${i}` })).name);
        }
        const listed = await collect(await client.helpCenters.collections.list({ per_page: 2 }));
        assert.deepEqual(new Set(listed.map((c) => c.name)), names);
        assert.equal(listed.length, 5);
    });
});

describe("articles (intercom-client)", () => {
    test("create with two translations, find, update, delete", async () => {
        const wire = new Wire();
        const client = makeClient({ wire });
        const translator = Number(createAdmin().admin_id);
        const parent = await client.helpCenters.collections.create({ name: unique("Parent") });
        const title = unique("Thanks for everything");
        const article = await client.articles.create({
            title,
            description: "Description of the Article",
            body: "Body of the Article",
            author_id: author(),
            state: "published",
            parent_id: Number(parent.id),
            parent_type: "collection",
            translated_content: {
                fr: {
                    title: "Merci pour tout",
                    description: "Description de l'article",
                    body: "Corps de l'article",
                    author_id: translator,
                    state: "published",
                },
                de: { title: "Danke für alles" },
            },
        });
        checkArticle(article);
        assert.equal(article.title, title);
        assert.equal(article.body, '<p class="no-margin">Body of the Article</p>');
        assert.equal(article.parent_id, Number(parent.id));
        assert.equal(article.parent_type, "collection");
        assert.deepEqual(article.parent_ids, [Number(parent.id)]);
        assert.equal(article.default_locale, "en");
        assert.equal(article.statistics.type, "article_statistics");
        const translated = article.translated_content;
        assert.deepEqual(Object.keys(translated), ["type", "de", "en", "fr"], "in the spec's locale order");
        assert.equal(translated.fr.title, "Merci pour tout");
        assert.equal(translated.fr.author_id, translator);
        assert.equal(translated.fr.state, "published");
        assert.match(translated.fr.url, new RegExp(`/fr/articles/${article.id}-merci-pour-tout$`));
        assert.equal(translated.de.author_id, author());
        assert.equal(translated.de.state, "draft");
        assert.equal(translated.de.url, null);

        const found = await client.articles.find({ article_id: Number(article.id) });
        assert.deepEqual(found, article);

        const updated = await client.articles.update({
            article_id: Number(article.id),
            title: "Christmas is here!",
            body: "<p>New gifts in store for the jolly season</p>",
            translated_content: { de: { state: "published" } },
        });
        checkArticle(updated);
        assert.equal(updated.title, "Christmas is here!");
        assert.equal(updated.body, '<p class="no-margin">New gifts in store for the jolly season</p>');
        assert.equal(updated.state, "published");
        assert.equal(updated.translated_content.de.state, "published");
        assert.deepEqual(updated.translated_content.fr, article.translated_content.fr);

        const deleted = await client.articles.delete({ article_id: Number(article.id) });
        assert.deepEqual(deleted, { id: article.id, object: "article", deleted: true });
        const error = await rejectsWith(
            client.articles.find({ article_id: Number(article.id) }),
            Intercom.NotFoundError,
            404,
        );
        assertErrorList(error.body, "not_found", 404);
    });

    test("errors: missing author, unknown parent, unknown article", async () => {
        const client = makeClient();
        let error = await rejectsWith(
            client.articles.create({ title: "Thanks for everything", state: "published" }),
            Intercom.BadRequestError,
            400,
        );
        assertErrorList(error.body, "parameter_not_found", 400);
        assert.equal(
            error.body.errors[0].message,
            "author_id must be in the main body or default locale translated_content object",
        );
        error = await rejectsWith(
            client.articles.create({ title: "t", author_id: author(), parent_id: MISSING_ID }),
            Intercom.BadRequestError,
            400,
        );
        assertErrorList(error.body, "parameter_invalid", 400);
        error = await rejectsWith(
            client.articles.update({ article_id: MISSING_ID, title: "x" }),
            Intercom.NotFoundError,
            404,
        );
        assertErrorList(error.body, "not_found", 404);
        await rejectsWith(client.articles.delete({ article_id: MISSING_ID }), Intercom.NotFoundError, 404);
    });

    test("the pager asks page + 1 until a page is empty", async () => {
        const fresh = createWorkspace();
        const wire = new Wire();
        const client = makeClient({ token: fresh.access_token, wire });
        const ids = new Set();
        for (let i = 0; i < 5; i++) {
            ids.add((await client.articles.create({ title: `A${i}`, author_id: Number(fresh.admin_id) })).id);
        }
        wire.responses.length = 0;
        const listed = await collect(await client.articles.list({ per_page: 2 }));
        listed.forEach((a) => checkArticle(a, "article_list_item"));
        assert.deepEqual(new Set(listed.map((a) => a.id)), ids);
        assert.equal(listed.length, 5);
        assert.deepEqual(wire.responses.map((r) => JSON.parse(r.text).pages.page), [1, 2, 3, 4]);
    });

    test("search by phrase, state and help center, with highlights", async () => {
        const client = makeClient();
        const word = unique("zebra").replaceAll("-", "");
        const published = await client.articles.create({ title: `All about ${word}`, author_id: author(), state: "published" });
        const draft = await client.articles.create({ title: "Other", body: `<p>A ${word} here</p>`, author_id: author() });

        const all = await client.articles.search({ phrase: word });
        assert.equal(all.type, "list");
        assert.equal(all.total_count, 2);
        assert.deepEqual(new Set(all.data.articles.map((a) => a.id)), new Set([published.id, draft.id]));
        all.data.articles.forEach((a) => checkArticle(a));

        const only = await client.articles.search({ phrase: word.toUpperCase(), state: "published", highlight: true });
        assert.deepEqual(only.data.articles.map((a) => a.id), [published.id]);
        assert.deepEqual(only.data.highlights, [{
            article_id: published.id,
            highlighted_title: [{ type: "plain", text: "All about " }, { type: "highlight", text: word }],
            highlighted_summary: [],
        }]);

        const [center] = await collect(await client.helpCenters.list());
        const scoped = await client.articles.search({ phrase: word, state: "draft", help_center_id: Number(center.id) });
        assert.deepEqual(scoped.data.articles.map((a) => a.id), [draft.id]);
        assert.deepEqual(scoped.data.highlights, []);
    });

    test("another workspace's articles are not found", async () => {
        const mine = await makeClient().articles.create({ title: unique("Private"), author_id: author() });
        const other = createWorkspace();
        const theirs = makeClient({ token: other.access_token });
        await rejectsWith(theirs.articles.find({ article_id: Number(mine.id) }), Intercom.NotFoundError, 404);
        const error = await rejectsWith(
            theirs.articles.create({ title: "t", author_id: author() }),
            Intercom.BadRequestError,
            400,
        );
        assertErrorList(error.body, "parameter_invalid", 400);
    });
});
