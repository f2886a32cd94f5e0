import { IntercomClient } from "intercom-client";
import { beforeEach, expect, inject, test } from "vitest";

const { baseUrl, token, ids } = inject("switchboard");
const client = new IntercomClient({ token, baseUrl });

async function control(path, body = {}) {
    const response = await fetch(`${baseUrl}/_switchboard${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
}

// Each test starts from the fixtures as they were loaded: whatever an earlier test wrote is gone.
beforeEach(() => control("/snapshots/fixtures/restore"));

async function emails() {
    const page = await client.contacts.list();
    return page.data.map((contact) => contact.email);
}

test("the fixtures are loaded", async () => {
    const ada = await client.contacts.find({ contact_id: ids.contacts.ada });
    expect(ada.email).toBe("ada@example.com");
});

test("a test may change anything", async () => {
    await client.contacts.delete({ contact_id: ids.contacts.ada });
    await client.contacts.create({ email: "grace@example.com" });
    expect(await emails()).toEqual(["grace@example.com"]);
});

test("the next test starts from the fixtures again", async () => {
    expect(await emails()).toEqual(["ada@example.com"]);
    const conversation = await client.conversations.find({ conversation_id: ids.conversations.billing });
    expect(conversation.source.body).toContain("My invoice is wrong.");
});

test("reset empties the workspace", async () => {
    await control("/reset");
    expect(await emails()).toEqual([]);
});
