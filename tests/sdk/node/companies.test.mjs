// Companies, through the official intercom-client SDK (client.companies.*, client.tags.create):
// POST /companies, GET /companies, POST /companies/list, GET /companies/scroll,
// GET|PUT|DELETE /companies/{id}, GET /companies/{id}/contacts, GET /companies/{id}/segments,
// POST /contacts/{id}/companies, DELETE /contacts/{id}/companies/{id}, tagging companies.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Intercom, IntercomError } from "intercom-client";
import {
    Wire,
    assertErrorList,
    assertFields,
    cli,
    createWorkspace,
    makeClient,
    rejectsWith,
    switchboard,
    unique,
    uniqueEmail,
} from "./harness.mjs";

// Required in intercom-client's Intercom.Company type.
function checkCompany(company, what = "company") {
    assertFields(company, {
        type: "string",
        id: "string",
        name: "string",
        app_id: "string",
        company_id: "string",
        created_at: "number",
        updated_at: "number",
        monthly_spend: "number",
        session_count: "number",
        user_count: "number",
        tags: "object",
        segments: "object",
        plan: "object",
        custom_attributes: "object",
    }, what);
    assert.equal(company.type, "company");
    assert.ok(Number.isInteger(company.monthly_spend), `${what}.monthly_spend is an integer`);
    assert.equal(company.tags.type, "tag.list");
    assert.equal(company.segments.type, "segment.list");
    assert.ok(Array.isArray(company.segments.segments));
}

async function newContact(client) {
    return (await client.contacts.create({ email: uniqueEmail("company-user") })).id;
}

function newCompany(client, fields = {}) {
    return client.companies.createOrUpdate({ company_id: unique("co"), name: unique("Company"), ...fields });
}

/** A client of a new workspace: its lists and scrolls see only one test's companies. */
function freshClient() {
    return makeClient({ token: createWorkspace().access_token });
}

/** Runs `work(i)` for i in 0..n, at most `width` at a time; returns the results in order. */
async function pooled(n, width, work) {
    const out = new Array(n);
    let next = 0;
    const worker = async () => {
        while (next < n) {
            const i = next++;
            out[i] = await work(i);
        }
    };
    await Promise.all(Array.from({ length: width }, worker));
    return out;
}

describe("companies (intercom-client)", () => {
    test("createOrUpdate creates, then updates by company_id; find and retrieve get it", async () => {
        const wire = new Wire();
        const client = makeClient({ wire });
        const companyId = unique("acme");
        const created = await client.companies.createOrUpdate({
            company_id: companyId,
            name: "Acme",
            plan: "Enterprise",
            size: 100,
            website: "https://acme.test",
            industry: "Manufacturing",
            remote_created_at: 1394531169,
            monthly_spend: 1000,
        });
        checkCompany(wire.lastJson());
        assert.equal(created.company_id, companyId);
        assert.deepEqual(
            [created.plan.type, created.plan.name, typeof created.plan.id],
            ["plan", "Enterprise", "string"],
        );
        assert.deepEqual([created.size, created.monthly_spend, created.user_count], [100, 1000, 0]);

        const updated = await client.companies.createOrUpdate({ company_id: companyId, name: "Acme Inc" });
        assert.equal(updated.id, created.id);
        assert.deepEqual([updated.name, updated.industry], ["Acme Inc", "Manufacturing"]);

        const found = await client.companies.find({ company_id: created.id });
        checkCompany(found);
        assert.equal(found.name, "Acme Inc");
        const byCompanyId = await client.companies.retrieve({ company_id: companyId });
        assert.equal(byCompanyId.type, "company");
        assert.equal(byCompanyId.id, created.id);
        const byName = await client.companies.retrieve({ name: "Acme Inc" });
        assert.equal(byName.type, "company");
    });

    test("update and delete", async () => {
        const client = makeClient();
        const company = await newCompany(client, { name: "Before" });
        const contact = await newContact(client);
        await client.companies.attachContact({ contact_id: contact, id: company.id });

        const updated = await client.companies.update({ company_id: company.id, body: { name: "After", website: "w" } });
        checkCompany(updated);
        assert.deepEqual([updated.name, updated.website, updated.user_count], ["After", "w", 1]);
        const unchanged = await client.companies.update({ company_id: company.id });
        assert.equal(unchanged.name, "After");

        const deleted = await client.companies.delete({ company_id: company.id });
        assert.deepEqual(deleted, { id: company.id, object: "company", deleted: true });
        const err = await rejectsWith(client.companies.find({ company_id: company.id }), Intercom.NotFoundError, 404);
        assertErrorList(err.body, "company_not_found", 404);
        const companies = await client.contacts.listAttachedCompanies({ contact_id: contact });
        assert.deepEqual(companies.data, [], "the contact is detached");
    });

    test("errors", async () => {
        const client = makeClient();
        let err = await rejectsWith(client.companies.createOrUpdate({ test: "invalid" }), Intercom.BadRequestError, 400);
        assertErrorList(err.body, "bad_request", 400);
        for (const call of [
            () => client.companies.find({ company_id: "000000000000000000000000" }),
            () => client.companies.update({ company_id: "nope", body: { name: "x" } }),
            () => client.companies.delete({ company_id: "nope" }),
            () => client.companies.listAttachedContacts({ company_id: "nope" }),
            () => client.companies.listAttachedSegments({ company_id: "nope" }),
            () => client.companies.retrieve({ company_id: unique("missing") }),
        ]) {
            err = await rejectsWith(call(), Intercom.NotFoundError, 404);
            assertErrorList(err.body, "company_not_found", 404);
        }
        const contact = await newContact(client);
        err = await rejectsWith(client.companies.attachContact({ contact_id: contact, id: "123" }), Intercom.NotFoundError, 404);
        assertErrorList(err.body, "company_not_found", 404);
        err = await rejectsWith(client.companies.attachContact({ contact_id: contact }), Intercom.BadRequestError, 400);
        assertErrorList(err.body, "parameter_not_found", 400);
        const company = await newCompany(client);
        err = await rejectsWith(client.companies.attachContact({ contact_id: "nobody", id: company.id }), Intercom.NotFoundError, 404);
        assertErrorList(err.body, "not_found", 404);
        err = await rejectsWith(
            client.companies.detachContact({ contact_id: contact, company_id: company.id }),
            Intercom.NotFoundError,
            404,
        );
        assertErrorList(err.body, "company_not_found", 404);
    });

    test("attach and detach contacts; the attached lists", async () => {
        const client = makeClient();
        const company = await newCompany(client);
        const [first, second] = [await newContact(client), await newContact(client)];
        const attached = await client.companies.attachContact({ contact_id: first, id: company.id });
        checkCompany(attached);
        assert.equal(attached.user_count, 1);
        assert.equal((await client.companies.attachContact({ contact_id: second, id: company.id })).user_count, 2);

        const contacts = await client.companies.listAttachedContacts({ company_id: company.id });
        assert.equal(contacts.type, "list");
        assert.equal(contacts.total_count, 2);
        assert.deepEqual(contacts.data.map((c) => c.id), [first, second]);
        const ofContact = await client.contacts.listAttachedCompanies({ contact_id: first });
        assert.deepEqual(ofContact.data.map((c) => c.id), [company.id]);

        const detached = await client.companies.detachContact({ contact_id: first, company_id: company.id });
        checkCompany(detached);
        assert.equal(detached.user_count, 1);
    });

    test("list walks every page, by last_request_at", async () => {
        const client = freshClient();
        const ids = [];
        for (let i = 0; i < 7; i++) {
            const contact = await client.contacts.create({ email: uniqueEmail("seen"), last_seen_at: 1_700_000_000 + i });
            const company = await newCompany(client);
            await client.companies.attachContact({ contact_id: contact.id, id: company.id });
            ids.push(company.id);
        }
        await newCompany(client, { name: "No contacts: never listed" });

        const walked = [];
        for await (const company of await client.companies.list({ per_page: 3 })) {
            checkCompany(company);
            walked.push(company.id);
        }
        assert.deepEqual(walked, [...ids].reverse(), "most recently requested first, every page, once");
        const ascending = [];
        for await (const company of await client.companies.list({ per_page: 2, order: "asc" })) {
            ascending.push(company.id);
        }
        assert.deepEqual(ascending, ids);
        const first = await client.companies.list({ per_page: 3 });
        assert.equal(first.response.total_count, 7);
        assert.equal(first.response.pages.total_pages, 3);
    });

    test("tag, untag, and filter by tag and segment", async () => {
        const client = makeClient();
        const contact = await newContact(client);
        const company = await newCompany(client, { plan: "Platinum" });
        await client.companies.attachContact({ contact_id: contact, id: company.id });
        const name = unique("vip");
        const tag = await client.tags.create({ name, companies: [{ id: company.id }] });
        assert.equal(tag.name, name);
        const tagged = await client.companies.retrieve({ tag_id: tag.id });
        assert.equal(tagged.type, "list");
        assert.deepEqual(tagged.data.map((c) => c.id), [company.id]);
        assert.equal(tagged.data[0].tags.tags[0].name, name);

        await client.tags.create({ name, companies: [{ company_id: company.company_id, untag: true }] });
        assert.deepEqual((await client.companies.retrieve({ tag_id: tag.id })).data, []);
        await rejectsWith(client.tags.create({ name, companies: [{ id: "nope" }] }), Intercom.NotFoundError, 404);

        const segment = cli(
            "segment", "create", "--workspace", switchboard.workspaceId, "--name", unique("platinum"),
            "--model", "company", "--query", JSON.stringify({ field: "plan", operator: "=", value: "Platinum" }),
        );
        const segments = await client.companies.listAttachedSegments({ company_id: company.id });
        assert.equal(segments.type, "list");
        assert.ok(segments.data.some((s) => s.id === segment.id && s.type === "segment"));
        const inSegment = await client.companies.retrieve({ segment_id: segment.id });
        assert.deepEqual(inSegment.data.map((c) => c.id), [company.id]);
    });

    test("scroll walks thousands of companies, each once", async () => {
        const client = freshClient();
        const contacts = [await newContact(client), await newContact(client), await newContact(client)];
        const created = await pooled(2100, 12, async (i) => {
            const company = await client.companies.createOrUpdate({ company_id: `scroll-${i}`, name: `S${i}` });
            await client.companies.attachContact({ contact_id: contacts[i % 3], id: company.id });
            return company.id;
        });
        await newCompany(client, { name: "Without contacts" });

        const page = await client.companies.scroll();
        const param = page.response.scroll_param;
        assert.equal(typeof param, "string");
        const err = await rejectsWith(client.companies.scroll(), IntercomError, 400);
        assertErrorList(err.body, "scroll_exists", 400);

        const seen = [];
        for await (const company of page) {
            seen.push(company.id);
        }
        assert.equal(seen.length, 2100);
        assert.equal(new Set(seen).size, 2100, "no company twice");
        assert.deepEqual(new Set(seen), new Set(created), "and none missing");

        const ended = await rejectsWith(client.companies.scroll({ scroll_param: param }), IntercomError, 404);
        assertErrorList(ended.body, "not_found", 404);
        let again = 0;
        for await (const _ of await client.companies.scroll()) {
            again++;
        }
        assert.equal(again, 2100, "a new scroll opens once the last has ended");
    });
});
