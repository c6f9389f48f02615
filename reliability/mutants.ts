/**
 * Deliberate bugs that the reliability invariants must catch: each is a small text patch of the BUILT
 * provider (dist/provider/*.js), applied to a copy of dist/, against which the chaos suite then runs. A
 * mutant that the chaos suite does not catch means an invariant has lost its teeth.
 *
 * The mutated provider makes its own ClientTokens (random UUIDs): the chaos harness injects no token
 * generator, so no invariant can lean on what the tokens look like.
 *
 * The patches name exact lines of the compiled code; if the code changes so that a patch no longer
 * applies, {@link applyMutant} throws, so the proof cannot silently stop proving anything.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Violations } from "./invariants";

/** One deliberate bug. */
export interface Mutant {
  readonly name: string;
  readonly description: string;
  /** The compiled file to patch, relative to dist/. */
  readonly file: string;
  /** The exact text to replace (must occur exactly once) and its replacement. */
  readonly find: string;
  readonly replace: string;
  /** The invariant (chaos violation counter) expected to catch it. */
  readonly caughtBy: keyof Violations;
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: "fresh-token-per-retry",
    description: "a fresh ClientToken on every retry instead of one per logical call",
    file: "provider/core/reconcile.js",
    find: "const call = () => direction.send(this.session.api, listenerId, ids, { clientToken: token });",
    replace: "const call = () => direction.send(this.session.api, listenerId, ids, { clientToken: this.deps.newToken() });",
    caughtBy: "retryTokens",
  },
  {
    name: "dissociate-before-associate",
    description: "the dissociations of a rotation sent before its associations",
    file: "provider/core/reconcile.js",
    find: "        for (const batch of plan.associate)\n            await this.runBatch(batch_verdict_1.ASSOCIATE, batch, markMutated);\n        for (const batch of plan.dissociate)\n            await this.runBatch(batch_verdict_1.DISSOCIATE, batch, markMutated);",
    replace: "        for (const batch of plan.dissociate)\n            await this.runBatch(batch_verdict_1.DISSOCIATE, batch, markMutated);\n        for (const batch of plan.associate)\n            await this.runBatch(batch_verdict_1.ASSOCIATE, batch, markMutated);",
    caughtBy: "order",
  },
  {
    name: "dissociate-kept-certificates",
    description: "an update dissociating the certificates it keeps declaring along with those it dropped",
    file: "provider/core/plan.js",
    find: "const removable = [...new Set(candidates)].filter((id) => !desired.has(id));",
    replace: "const removable = [...new Set(candidates)];",
    caughtBy: "order",
  },
  {
    name: "no-wait-after-job",
    description: "no wait after a job: the next batch (or success) follows the call at once",
    file: "provider/core/reconcile.js",
    find: "const { attempts } = await this.waitForBatch(direction, ids, jobId, clock.now());",
    replace: "const attempts = 0;",
    caughtBy: "halfDone",
  },
  {
    name: "done-while-configuring",
    description: "a batch declared done while the listener is still Configuring",
    file: "provider/core/batch-verdict.js",
    find: "if (listenerStatus === alb_contract_1.ListenerStatus.configuring) {",
    replace: "if (false) {",
    caughtBy: "halfDone",
  },
  {
    name: "delete-dissociates-everything",
    description: "delete dissociating every additional certificate of the listener",
    file: "provider/lifecycle/provider.js",
    find: "const request = { desired: [], previouslyDeclared: (0, state_1.declaredIds)(props), exclusive: false };",
    replace: "const request = { desired: [], previouslyDeclared: (0, state_1.declaredIds)(props), exclusive: true };",
    caughtBy: "foreignTouched",
  },
  {
    name: "batch-limit-off-by-one",
    description: "16 certificates per Associate call instead of the API's 15",
    file: "provider/base/defaults.js",
    find: "exports.ASSOCIATE_BATCH_MAX = alb_contract_1.Limits.associateCertificatesMax;",
    replace: "exports.ASSOCIATE_BATCH_MAX = alb_contract_1.Limits.associateCertificatesMax + 1;",
    caughtBy: "requestLimits",
  },
];

/**
 * Copies `distDir` to `<workDir>/<mutant>/dist` (with the package manifest and a `node_modules` link beside
 * it, so the copy resolves the same dependencies) and applies the mutant's patch.
 *
 * @returns the copy's dist directory
 * @throws when the patch's text does not occur exactly once in its file
 */
export function applyMutant(mutant: Mutant, distDir: string, workDir: string, nodeModules: string): string {
  const root = path.join(workDir, mutant.name);
  const dist = path.join(root, "dist");
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.cpSync(distDir, dist, { recursive: true });
  fs.symlinkSync(nodeModules, path.join(root, "node_modules"), "dir");
  // The copy is a package root of its own, as the build's code expects (it finds its root by its manifest).
  fs.copyFileSync(path.join(distDir, "..", "package.json"), path.join(root, "package.json"));
  const file = path.join(dist, mutant.file);
  const text = fs.readFileSync(file, "utf8");
  const occurrences = text.split(mutant.find).length - 1;
  if (occurrences !== 1) {
    throw new Error(`mutant ${mutant.name}: the text to patch occurs ${occurrences} times in dist/${mutant.file}, not once; update reliability/mutants.ts`);
  }
  fs.writeFileSync(file, text.replace(mutant.find, mutant.replace));
  return dist;
}
