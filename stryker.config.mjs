// Mutation testing of the provider (`npm run mutation`; see docs/reliability.md#mutation-testing).
// Stryker changes provider/ one small edit at a time ("mutants") and runs the fast suites against
// each: a mutant no test notices is behaviour the tests do not pin down. Not part of `npm test`: a
// full run takes hours on two cores. Work on one file with `npm run mutation -- --mutate provider/plan.ts`.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  // Forks, as in vitest.config.ts: worker processes start with NODE_EXTRA_CA_CERTS (the simulator's
  // HTTPS), which worker threads would not read.
  vitest: { configFile: "vitest.mutation.config.ts", pool: "forks" },
  // The provider, and the API contract whose table decides what the provider retries and waits out.
  // Not resource.ts: it is the shim the engine serializes into state, and the instrumentation would enter
  // that text (test/integration/serialized.test.ts measures it); the real CLI's e2e suite covers it.
  mutate: ["provider/**/*.ts", "!provider/resource.ts", "contract/**/*.ts"],
  // Only the tests that execute a mutant run against it.
  coverageAnalysis: "perTest",
  // Two workers at most: the machine this runs on is small and shared.
  concurrency: 2,
  // A timed-out mutant counts as detected, so the limit is generous: on a busy machine the slow suites
  // (the chaos slice, the credential chain) vary by tens of seconds, and a slow survivor must not pass
  // for a detected mutant. A mutant that hangs a test still fails it at vitest's own test timeout.
  timeoutMS: 60_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 20,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  // Re-runs test only the mutants whose code or covering tests changed since the last run.
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  // The sandbox needs the sources, the tests and the build (the CLI tests start dist/simulator), not
  // other reports.
  ignorePatterns: ["reports", "bench-results", "coverage", ".pulumi-state"],
  thresholds: { high: 85, low: 75, break: null },
  cleanTempDir: "always",
};
