import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const binary = process.env.SWITCHBOARD_BIN ?? "switchboard";
const fixtures = fileURLToPath(new URL("../fixtures.json", import.meta.url));

function freePort() {
    return new Promise((resolve) => {
        const server = createServer().listen(0, "127.0.0.1", () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

// Starts one server for the run, in memory, with the fixtures loaded, and hands its URL, token
// and fixture ids to the tests (`inject("switchboard")`).
export default async function setup({ provide }) {
    const port = await freePort();
    const server = spawn(
        binary,
        ["serve", "--ephemeral", "--listen", `127.0.0.1:${port}`, "--fixtures", fixtures],
        { stdio: ["ignore", "pipe", "ignore"] },
    );
    // Created a first workspace ... / Its access token (shown once): TOKEN / Try: ... /
    // Loaded fixtures: {"type": "fixtures", "contacts": {"ada": "..."}, ...}
    const lines = [];
    for await (const line of createInterface({ input: server.stdout })) {
        lines.push(line);
        if (lines.length === 4) break;
    }
    const baseUrl = `http://127.0.0.1:${port}`;
    const token = lines[1].split(" ").pop();
    const ids = JSON.parse(lines[3].slice(lines[3].indexOf(": ") + 2));
    // The state every test starts from.
    const response = await fetch(`${baseUrl}/_switchboard/snapshots`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "fixtures" }),
    });
    if (response.status !== 201) throw new Error(`snapshot: ${response.status}`);
    provide("switchboard", { baseUrl, token, ids });
    return () => server.kill();
}
