/**
 * The reliability invariants have teeth: each deliberate bug of reliability/mutants.ts, applied to a copy of
 * the built provider, makes the chaos suite (the first scenarios of seed 1) report a violation of the
 * invariant meant to catch it. The chaos harness lets the provider make its own ClientTokens (random UUIDs),
 * so every mutant is judged as a real provider would be, whatever its tokens look like. The unmutated build
 * passes the same scenarios (test/reliability/chaos.test.ts runs more of them).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { ChaosSummary } from "../../reliability/chaos-core";
import { applyMutant, MUTANTS } from "../../reliability/mutants";
import { REPO_ROOT } from "../kit/paths";

const SCENARIOS = 8;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "alb-mutants-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function chaosOf(dist: string): Promise<ChaosSummary> {
  const args = [path.join(dist, "reliability", "chaos.js"), "--scenarios", String(SCENARIOS), "--seed", "1", "--threads", "1"];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 28 }).catch((error: { stdout?: string; stderr?: string }) => ({
    stdout: error.stdout ?? "",
    stderr: error.stderr ?? "",
  }));
  const line = stdout.split("\n").find((l) => l.startsWith("CHAOS_SUMMARY "));
  if (line === undefined) throw new Error(`the chaos command printed no summary:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`);
  return JSON.parse(line.slice("CHAOS_SUMMARY ".length)) as ChaosSummary;
}

describe("deliberate bugs in the built provider are caught by the chaos invariants", () => {
  it.concurrent.each(MUTANTS.map((m) => [m.name, m] as const))("%s", async (_name, mutant) => {
    const dist = applyMutant(mutant, path.join(REPO_ROOT, "dist"), work, path.join(REPO_ROOT, "node_modules"));
    const summary = await chaosOf(dist);
    console.info(`${mutant.name}: ${mutant.caughtBy} ${summary.violations[mutant.caughtBy]}, converged ${summary.converged}/${summary.scenarios}, violations ${JSON.stringify(summary.violations)}`);
    expect(summary.violations[mutant.caughtBy], `${mutant.description}: ${JSON.stringify(summary.violations)}`).toBeGreaterThan(0);
    expect(summary.converged).toBeLessThan(summary.scenarios);
  }, 300_000);

  it("a patch that no longer applies is an error, not a silent pass", () => {
    expect(() => applyMutant({ ...MUTANTS[0]!, find: "text the build does not contain" }, path.join(REPO_ROOT, "dist"), work, path.join(REPO_ROOT, "node_modules"))).toThrow(
      /occurs 0 times in dist\/provider\/core\/reconcile.js, not once/,
    );
  });
});
