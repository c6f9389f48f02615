// `npm run test:compat`: the SDK and Node.js compatibility check (test/compat), one combination after the
// other (each installs a project and runs the CLI; they would only compete for the machine's cores).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: `${__dirname}/../..`,
    include: ["test/compat/**/*.test.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    pool: "forks",
    fileParallelism: false,
  },
});
