// The suites Stryker runs against each mutant (stryker.config.mjs): the fast ones only. The
// end-to-end suites drive the real pulumi CLI against the built package and take minutes; they
// cannot see a mutant in the sandbox's TypeScript sources anyway.
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import base from "./vitest.config";

const SUITES = ["test/unit/", "test/simulator/", "test/integration/", "test/reliability/"] as const;

/** Where a test file runs in a mutant's run: the suite order above, the seeded chaos slice last. */
function rank(root: string, spec: TestSpecification): number {
  const file = relative(root, spec.moduleId).split("\\").join("/");
  if (file.endsWith("/chaos.test.ts")) return SUITES.length;
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
    // The published documents' check reads the committed results and tests no code of provider/ or
    // contract/; it fails by design while the sources differ from those the figures were measured on.
    exclude: [...(base.test?.exclude ?? []), "test/unit/published-figures.test.ts"],
    sequence: { sequencer: FastSuitesFirst },
  },
};
