// Content data export, through the official intercom-client SDK (client.dataExport.*):
// POST /export/content/data, GET /export/content/data/{job}, POST /export/cancel/{job},
// GET /download/content/data/{job}. The server's worker runs the jobs; each test uses a
// workspace of its own, since a workspace may have one active job at a time.

import assert from "node:assert/strict";
import { test } from "node:test";
import { IntercomError } from "intercom-client";
import { assertErrorList, createWorkspace, makeClient, rejectsWith, uniqueEmail } from "./harness.mjs";

function freshClient() {
    return makeClient({ token: createWorkspace().access_token });
}

async function waitUntilFinished(client, job) {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
        const found = await client.dataExport.find({ job_identifier: job });
        if (!["pending", "in_progress"].includes(found.status)) return found;
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`export ${job} did not finish`);
}

test("an export runs, one at a time, and its file is downloaded", async () => {
    const client = freshClient();
    const contact = await client.contacts.create({ email: uniqueEmail("export") });
    await client.conversations.create({ from: { type: "user", id: contact.id }, body: "Hi" });
    const now = Math.floor(Date.now() / 1000);

    const range = { created_at_after: now - 3600, created_at_before: now + 3600 };
    let job = await client.dataExport.create(range);
    assert.equal(job.status, "pending");
    assert.equal(job.download_url, "");
    // One active job per workspace. The server's worker may finish the job between two calls;
    // then the next call starts a job of its own, and the one after it is refused.
    let refused;
    for (let attempt = 0; attempt < 5 && !refused; attempt++) {
        try {
            job = await client.dataExport.create(range);
        } catch (error) {
            assert.ok(error instanceof IntercomError, String(error));
            assert.equal(error.statusCode, 429);
            refused = error;
        }
    }
    assert.ok(refused, "a second active export job was accepted");
    assertErrorList(refused.body, "rate_limit_exceeded", 429);

    const done = await waitUntilFinished(client, job.job_identifier);
    assert.equal(done.status, "completed");
    assert.ok(done.download_url.endsWith(`/download/content/data/${job.job_identifier}`));
    const { rawResponse } = await client.dataExport.download({ job_identifier: job.job_identifier }).withRawResponse();
    assert.equal(rawResponse.status, 200);
    assert.equal(rawResponse.headers.get("content-type"), "application/octet-stream");
});

test("a job is canceled, and unknown or foreign jobs are not found", async () => {
    const client = freshClient();
    const now = Math.floor(Date.now() / 1000);
    const job = await client.dataExport.create({ created_at_after: now - 60, created_at_before: now });
    const canceled = await client.dataExport.cancel({ job_identifier: job.job_identifier });
    // The worker may have finished the (empty) job first: then it is answered as it is.
    assert.ok(["canceled", "no_data"].includes(canceled.status), canceled.status);

    const stranger = freshClient();
    for (const call of [
        () => stranger.dataExport.find({ job_identifier: job.job_identifier }),
        () => stranger.dataExport.cancel({ job_identifier: job.job_identifier }),
        () => stranger.dataExport.download({ job_identifier: job.job_identifier }),
        () => client.dataExport.find({ job_identifier: "nope" }),
    ]) {
        const error = await rejectsWith(call(), IntercomError, 404);
        assertErrorList(error.body, "not_found", 404);
    }
    const bad = await rejectsWith(
        client.dataExport.create({ created_at_after: 200, created_at_before: 100 }),
        IntercomError,
        400,
    );
    assertErrorList(bad.body, "parameter_invalid", 400);
});
