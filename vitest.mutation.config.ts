// The suites Stryker runs against each mutant (stryker.config.mjs): the fast ones only. The
// end-to-end suites drive the real pulumi CLI against the built package and take minutes; they
// cannot see a mutant in the sandbox's TypeScript sources anyway.
import { relative } from "node:path";
import { configDefaults } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import base from "./vitest.config";

const SUITES = ["test/unit/", "test/simulator/", "test/integration/", "test/reliability/"] as const;

/**
 * Left out of a mutant's run. The seeded chaos slice takes minutes and ran for every mutant it covers (every
 * survivor of provider/ ran it to the end) while the unit and integration tests pin down the same
 * behaviour mutant by mutant; `npm run chaos` and `npm test` still run it. The deliberate-bugs suite runs the
 * chaos command on patched copies of dist/, which no mutant of the sandbox's sources reaches. The published
 * figures' digest check reads the sources, which Stryker's sandbox holds instrumented: it would fail the
 * initial test run, and it tests documents, not behaviour; so does the benchmark's details section, rendered
 * from the committed results (bench-results/ is not copied into the sandbox).
 */
const NOT_IN_MUTANT_RUNS = [
  "test/reliability/chaos.test.ts",
  "test/reliability/mutants.test.ts",
  "test/unit/published-figures.test.ts",
  // Renders the benchmark's documents from the committed results, which the sandbox does not copy.
  "test/unit/bench-details.test.ts",
] as const;

/** Where a test file runs in a mutant's run: the suite order above. */
function rank(root: string, spec: TestSpecification): number {
  const file = relative(root, spec.moduleId).split("\\").join("/");
  const suite = SUITES.findIndex((prefix) => file.startsWith(prefix));
  return suite === -1 ? SUITES.length : suite;
}

/**
 * Cheapest suites first. Stryker stops a mutant's run at the first failing test, so a mutant a unit
 * test kills costs milliseconds; vitest's own order (slowest file first) would start the chaos slice
 * for nearly every mutant.
 */
class FastSuitesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    return [...files].sort(
      (a, b) => rank(root, a) - rank(root, b) || (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0),
    );
  }
}

export default {
  ...base,
  test: {
    ...base.test,
    include: SUITES.map((suite) => `${suite}**/*.test.ts`),
    exclude: [...configDefaults.exclude, ...NOT_IN_MUTANT_RUNS],
    sequence: { sequencer: FastSuitesFirst },
  },
};
