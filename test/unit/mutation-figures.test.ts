/**
 * Which files a mutation run records: with `--mutate` naming plain paths, only those (the report of a run with
 * an incremental file also carries files an earlier run recorded, which must keep their own commit).
 */
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of scripts/, without types
import { figuresOf, mutatedFiles } from "../../scripts/mutation-figures.mjs";

describe("mutation-figures", () => {
  it("records only the files --mutate names as plain paths", () => {
    expect(mutatedFiles("npm run mutation -- --mutate provider/core/plan.ts,contract/cas-contract.ts --incrementalFile reports/mutation/inc.json")).toEqual(
      new Set(["provider/core/plan.ts", "contract/cas-contract.ts"]),
    );
    expect(mutatedFiles("npm run mutation -- --mutate=provider/core/plan.ts")).toEqual(new Set(["provider/core/plan.ts"]));
  });

  it("records every file of the report for a run without --mutate or with globs", () => {
    expect(mutatedFiles("npm run mutation")).toBeUndefined();
    expect(mutatedFiles("npm run mutation -- --mutate provider/**/*.ts")).toBeUndefined();
    expect(mutatedFiles("npm run mutation -- --mutate provider/core/plan.ts,!provider/resource.ts")).toBeUndefined();
  });

  it("counts a file's mutants by status", () => {
    const mutants = ["Killed", "Killed", "Timeout", "Survived", "NoCoverage", "Ignored"].map((status) => ({ status }));
    expect(figuresOf(mutants)).toEqual({ mutants: 5, killed: 2, timedOut: 1, survived: 1, noCoverage: 1, detected: 3, score: 60, invalid: 1 });
  });
});
