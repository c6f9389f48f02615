import { configDefaults, defineConfig } from "vitest/config";
import { simulatorCaFile } from "./test/kit/simulator-ca";

export default defineConfig({
  test: {
    // The unit-testing example runs with the suites, so the way it tests a program cannot rot.
    include: ["test/**/*.test.ts", "examples/unit-testing/*.test.ts"],
    // The SDK and Node.js compatibility check has its own command: npm run test:compat.
    exclude: [...configDefaults.exclude, "test/compat/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end suites drive the real pulumi CLI; they get their own, longer budgets.
    poolOptions: { forks: { singleFork: false } },
    pool: "forks",
    // The workers start with this variable, so they trust the simulator's HTTPS (STS calls of the
    // credentials library); Node reads it only at start-up.
    env: { NODE_EXTRA_CA_CERTS: simulatorCaFile() },
  },
});
