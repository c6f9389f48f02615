import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end suites drive the real pulumi CLI; they get their own, longer budgets.
    poolOptions: { forks: { singleFork: false } },
    pool: "forks",
  },
});
