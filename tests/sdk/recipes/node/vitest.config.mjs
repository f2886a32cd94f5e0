import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        // One server for the whole run; its test files share it, one after another.
        globalSetup: ["./switchboard.setup.mjs"],
        fileParallelism: false,
    },
});
