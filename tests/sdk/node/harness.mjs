// Shared helpers for the official-SDK tests (intercom-client for Node).
//
// tests/sdk/run.sh starts Switchboard and exports SWITCHBOARD_BASE_URL,
// SWITCHBOARD_TOKEN, SWITCHBOARD_BIN, SWITCHBOARD_DATABASE_URL,
// SWITCHBOARD_WORKSPACE_ID and SWITCHBOARD_ADMIN_{ID,EMAIL,NAME}.
// A new resource adds tests/sdk/node/<resource>.test.mjs importing from here.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { IntercomClient } from "intercom-client";

export function env(name) {
    const value = process.env[name];
    if (!value) {
        throw new Error(`${name} is not set: run these tests through tests/sdk/run.sh`);
    }
    return value;
}

export const switchboard = {
    get baseUrl() { return env("SWITCHBOARD_BASE_URL"); },
    get token() { return env("SWITCHBOARD_TOKEN"); },
    get bin() { return env("SWITCHBOARD_BIN"); },
    get databaseUrl() { return env("SWITCHBOARD_DATABASE_URL"); },
    get workspaceId() { return env("SWITCHBOARD_WORKSPACE_ID"); },
    get admin() {
        return {
            id: env("SWITCHBOARD_ADMIN_ID"),
            email: env("SWITCHBOARD_ADMIN_EMAIL"),
            name: env("SWITCHBOARD_ADMIN_NAME"),
        };
    },
};

export function unique(prefix = "sdk") {
    return `${prefix}-${randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

export function uniqueEmail(prefix = "sdk") {
    return `${unique(prefix)}@example.com`;
}

/** Records what the SDK's fetch received; the SDK's public `fetch` option. */
export class Wire {
    constructor() {
        this.responses = [];
        this.fetch = async (input, init) => {
            const response = await fetch(input, init);
            const text = await response.clone().text();
            this.responses.push({
                method: init?.method ?? "GET",
                url: String(input),
                status: response.status,
                headers: response.headers,
                text,
            });
            return response;
        };
    }

    get last() {
        assert.ok(this.responses.length > 0, "no HTTP response was recorded");
        return this.responses[this.responses.length - 1];
    }

    lastJson() {
        const last = this.last;
        const contentType = last.headers.get("content-type") ?? "";
        assert.ok(
            contentType.startsWith("application/json"),
            `${last.method} ${last.url} answered Content-Type ${JSON.stringify(contentType)}, expected application/json`,
        );
        return JSON.parse(last.text);
    }
}

/**
 * An IntercomClient built as an Intercom user would, but for baseUrl.
 * maxRetries: 0 so that a 5xx fails the test at once instead of being retried
 * (the SDK retries 408/429/5xx twice by default).
 */
export function makeClient({ token = switchboard.token, wire } = {}) {
    return new IntercomClient({
        token,
        baseUrl: switchboard.baseUrl,
        maxRetries: 0,
        timeoutInSeconds: 30,
        ...(wire ? { fetch: wire.fetch } : {}),
    });
}

/** Runs `switchboard ARGS --database-url URL` and parses its JSON stdout. */
export function cli(...args) {
    const cmd = [...args, "--database-url", switchboard.databaseUrl];
    let stdout;
    try {
        stdout = execFileSync(switchboard.bin, cmd, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    } catch (error) {
        throw new Error(`${switchboard.bin} ${cmd.join(" ")} failed: ${error.message}\nstdout: ${error.stdout}\nstderr: ${error.stderr}`);
    }
    try {
        return JSON.parse(stdout);
    } catch {
        throw new Error(`${switchboard.bin} ${cmd.join(" ")} printed non-JSON stdout: ${JSON.stringify(stdout)}`);
    }
}

export function createAdmin({ workspaceId = switchboard.workspaceId, email = uniqueEmail("admin"), name } = {}) {
    name ??= `Admin ${email.split("@")[0]}`;
    const out = cli("admin", "create", "--workspace", workspaceId, "--email", email, "--name", name);
    assert.equal(typeof out.admin_id, "string", `admin create printed ${JSON.stringify(out)}`);
    return { ...out, email, name };
}

export function createWorkspace({ name = unique("Workspace") } = {}) {
    const adminEmail = uniqueEmail("owner");
    const adminName = `Owner of ${name}`;
    const out = cli("workspace", "create", "--name", name, "--admin-email", adminEmail, "--admin-name", adminName);
    for (const key of ["workspace_id", "admin_id", "access_token"]) {
        assert.ok(typeof out[key] === "string" && out[key], `workspace create printed ${JSON.stringify(out)}`);
    }
    return { ...out, name, adminEmail, adminName };
}

/** Checks an Intercom error body: {"type": "error.list", "errors": [{"code", "message"}]}. */
export function assertErrorList(body, code, status) {
    assert.ok(body && typeof body === "object", `HTTP ${status} body is not a JSON object: ${JSON.stringify(body)}`);
    assert.equal(body.type, "error.list", `HTTP ${status} body: ${JSON.stringify(body)}`);
    assert.ok(Array.isArray(body.errors) && body.errors.length > 0, `HTTP ${status} body has no errors: ${JSON.stringify(body)}`);
    for (const item of body.errors) {
        assert.equal(typeof item.code, "string", JSON.stringify(body));
        assert.equal(typeof item.message, "string", JSON.stringify(body));
    }
    assert.ok(
        body.errors.some((item) => item.code === code),
        `HTTP ${status}: expected error code ${code}, got ${JSON.stringify(body.errors.map((e) => e.code))}`,
    );
    if (body.request_id != null) {
        assert.equal(typeof body.request_id, "string", JSON.stringify(body));
    }
}

/** Asserts that `promise` rejects with an instance of `ErrorClass` and the given status; returns the error. */
export async function rejectsWith(promise, ErrorClass, statusCode) {
    let caught;
    try {
        await promise;
    } catch (error) {
        caught = error;
    }
    assert.ok(caught, `expected ${ErrorClass.name} (${statusCode}), but the call succeeded`);
    assert.ok(caught instanceof ErrorClass, `expected ${ErrorClass.name}, got ${caught?.constructor?.name}: ${caught?.message}`);
    assert.equal(caught.statusCode, statusCode, caught.message);
    return caught;
}

/** Asserts the fields every intercom-client type declares required (not optional) are present and typed. */
export function assertFields(obj, spec, what) {
    assert.ok(obj && typeof obj === "object", `${what} is not an object: ${JSON.stringify(obj)}`);
    for (const [key, type] of Object.entries(spec)) {
        const value = obj[key];
        const ok = type === "array" ? Array.isArray(value) : typeof value === type;
        assert.ok(ok, `${what}.${key} should be ${type}, got ${JSON.stringify(value)} in ${JSON.stringify(obj)}`);
    }
}
