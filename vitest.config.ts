import { defineConfig } from "vitest/config";
import { simulatorCaFile } from "./test/kit/simulator-ca";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
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
