// Mutation testing of the provider (`npm run mutation`; see docs/reliability.md#mutation-testing).
// Stryker changes provider/ one small edit at a time ("mutants") and runs the fast suites against
// each: a mutant no test notices is behaviour the tests do not pin down. Not part of `npm test`: a
// full run takes hours on two cores. Work on one file with `npm run mutation -- --mutate provider/core/plan.ts
// --incrementalFile reports/mutation/inc-plan.json` (one incremental file per file, so a re-run of one file
// reuses its own earlier results); each finished run's figures go to docs/figures/mutation.json.
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
  // One worker: the machine this runs on has two cores, shared, and each worker is a vitest run that starts
  // its own test forks; two workers left the tests of both starved for CPU.
  concurrency: 1,
  // A timed-out mutant counts as detected, so the limit is generous: on a busy machine the slow suites
  // (the credential chain, the simulator's CLI) vary by tens of seconds, and a slow survivor must not pass
  // for a detected mutant. A mutant that hangs a test still fails it at vitest's own test timeout. (The
  // chaos slice is no longer part of a mutant's run: vitest.mutation.config.ts.)
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
