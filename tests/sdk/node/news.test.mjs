// News, brands and sender addresses through the official intercom-client SDK:
// client.news.items.*, client.news.feeds.*, client.unstable.brands.*, client.unstable.emails.*.
// Newsfeeds, brands and addresses are made by the operator (`switchboard newsfeed|brand|email create`).

import assert from "node:assert/strict";
import { test } from "node:test";
import { Intercom, IntercomError } from "intercom-client";
import { assertErrorList, cli, createAdmin, createWorkspace, makeClient, rejectsWith, switchboard, unique } from "./harness.mjs";

test("news items are created, found, updated, listed on their feed and deleted", async () => {
    const client = makeClient();
    const feed = cli("newsfeed", "create", "--workspace", switchboard.workspaceId, "--name", unique("Feed"));
    const sender = Number(createAdmin().admin_id);
    const publishedAt = Math.floor(Date.now() / 1000) - 3600;

    const item = await client.news.items.create({
        title: "Halloween is here!",
        body: "<p>New costumes in store for this spooky season</p>",
        labels: ["Product", "Update", "New"],
        sender_id: sender,
        deliver_silently: true,
        reactions: ["😆", "😅"],
        state: "live",
        newsfeed_assignments: [{ newsfeed_id: Number(feed.id), published_at: publishedAt }],
    });
    assert.equal(item.type, "news-item");
    assert.equal(typeof item.id, "string");
    assert.equal(item.sender_id, sender);
    assert.deepEqual(item.labels, ["New", "Product", "Update"]);
    assert.deepEqual(item.newsfeed_assignments, [{ newsfeed_id: Number(feed.id), published_at: publishedAt }]);

    assert.deepEqual(await client.news.items.find({ news_item_id: Number(item.id) }), item);
    const live = await client.news.feeds.listItems({ newsfeed_id: feed.id });
    assert.deepEqual(live.data.map((i) => i.id), [item.id]);
    assert.equal(live.total_count, 1);

    const updated = await client.news.items.update({
        news_item_id: Number(item.id),
        body: { title: "Christmas is here!", sender_id: sender, state: "draft" },
    });
    assert.equal(updated.title, "Christmas is here!");
    assert.equal(updated.state, "draft");
    assert.deepEqual(updated.newsfeed_assignments, [{ newsfeed_id: Number(feed.id), published_at: null }]);
    assert.deepEqual((await client.news.feeds.listItems({ newsfeed_id: feed.id })).data, []);

    const deleted = await client.news.items.delete({ news_item_id: Number(item.id) });
    assert.deepEqual(deleted, { id: item.id, object: "news-item", deleted: true });
    const error = await rejectsWith(client.news.items.find({ news_item_id: Number(item.id) }), Intercom.NotFoundError, 404);
    assertErrorList(error.body, "not_found", 404);
});

test("newsfeeds are the defaults and the operator's", async () => {
    const client = makeClient();
    const made = cli("newsfeed", "create", "--workspace", switchboard.workspaceId, "--name", unique("Feed"));
    const names = (await client.news.feeds.list()).data.map((f) => f.name);
    assert.ok(names.includes("User Feed") && names.includes("Visitor Feed"), JSON.stringify(names));
    const feed = await client.news.feeds.find({ newsfeed_id: made.id });
    assert.deepEqual(feed, made);
    const error = await rejectsWith(client.news.feeds.find({ newsfeed_id: "987654321" }), IntercomError, 404);
    assertErrorList(error.body, "not_found", 404);
});

test("bad news items are refused and another workspace's are invisible", async () => {
    const client = makeClient();
    const error = await rejectsWith(
        client.news.items.create({ title: "News", sender_id: 987654321 }),
        IntercomError,
        404,
    );
    assertErrorList(error.body, "admin_not_found", 404);

    const item = await client.news.items.create({ title: "Ours", sender_id: Number(createAdmin().admin_id) });
    const other = makeClient({ token: createWorkspace().access_token });
    await rejectsWith(other.news.items.find({ news_item_id: Number(item.id) }), Intercom.NotFoundError, 404);
    assert.ok((await other.news.items.list()).data.every((i) => i.id !== item.id));
});

test("brands and sender addresses made with the CLI", async () => {
    const client = makeClient();
    const brand = cli("brand", "create", "--workspace", switchboard.workspaceId, "--name", unique("Brand"));
    const address = `${unique("support")}@example.com`.toLowerCase();
    const email = cli("email", "create", "--workspace", switchboard.workspaceId, "--email", address, "--brand", brand.id);

    const brands = await client.unstable.brands.listBrands();
    assert.equal(brands.data[0].id, switchboard.workspaceId);
    assert.equal(brands.data[0].is_default, true);
    const foundBrand = await client.unstable.brands.retrieveBrand({ id: brand.id });
    assert.equal(foundBrand.name, brand.name);
    assert.equal(foundBrand.is_default, false);
    assert.equal(foundBrand.default_address_settings_id, email.id, "a brand's first address is its default");

    assert.ok((await client.unstable.emails.listEmails()).data.some((e) => e.id === email.id));
    const found = await client.unstable.emails.retrieveEmail({ id: email.id });
    assert.equal(found.email, address);
    assert.equal(found.brand_id, brand.id);

    let error = await rejectsWith(client.unstable.brands.retrieveBrand({ id: "987654321" }), Intercom.unstable.NotFoundError, 404);
    assertErrorList(error.body, "not_found", 404);
    error = await rejectsWith(client.unstable.emails.retrieveEmail({ id: "987654321" }), Intercom.unstable.NotFoundError, 404);
    assertErrorList(error.body, "not_found", 404);
});
