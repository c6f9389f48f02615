/**
 * A short seeded slice of the chaos suite (`npm run chaos` runs 500+): the first scenarios of seed 1,
 * random set transitions on several listeners and stacks under random faults, with zero invariant
 * violations. Each scenario runs on a virtual clock, so the slice takes seconds.
 */
import { describe, expect, it } from "vitest";
import { buildScenario, chaosWorldOptions, formatTable, passed, runScenario, summarize, type ScenarioResult } from "../../reliability/chaos-core";
import { EngineStack } from "../kit/engine";
import { realMutations } from "../kit/request-log";
import { startWorld } from "../kit/world";

const SEED = 1;
const SCENARIOS = 25;
const PARALLEL = 4;

describe("chaos slice", () => {
  it("builds the same scenario from the same seed and index", () => {
    expect(JSON.stringify(buildScenario(SEED, 3))).toBe(JSON.stringify(buildScenario(SEED, 3)));
    expect(JSON.stringify(buildScenario(SEED, 3))).not.toBe(JSON.stringify(buildScenario(SEED, 4)));
  });

  it("lets the provider make its own ClientTokens (random UUIDs): the harness injects no token generator", async () => {
    const scenario = buildScenario(SEED, 0);
    const world = await startWorld({ ...chaosWorldOptions(scenario), faults: [] });
    try {
      const slot = scenario.slots[0]!;
      const result = await new EngineStack(() => world.newProcess("stack0~1").provider).up([
        { name: "guard", args: { listenerId: slot.listenerId, certificateIds: slot.pool.slice(0, 2), ...(slot.exclusive ? { exclusive: true } : {}) } },
      ]);
      expect(result.failures).toEqual([]);
      const tokens = realMutations(world.sim).map((call) => call.clientToken);
      expect(tokens.length).toBeGreaterThan(0);
      for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      await world.close();
    }
  });

  it(`converges in ${SCENARIOS} seeded scenarios with no invariant broken`, async () => {
    const results: ScenarioResult[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      while (next < SCENARIOS) results.push(await runScenario(SEED, next++));
    }));
    results.sort((a, b) => a.index - b.index);
    const summary = summarize(SEED, results, 0);
    const table = formatTable(summary, `seed ${SEED}, scenarios 0-${SCENARIOS - 1}`);
    expect(summary.failedScenarios, table).toEqual([]);
    expect(summary.violations).toEqual({
      lostCertificates: 0, foreignTouched: 0, duplicateJobs: 0, halfDone: 0, leftBehind: 0, unclearErrors: 0, secretLeaks: 0, notConverged: 0,
      retryTokens: 0, order: 0, requestLimits: 0,
    });
    expect(passed(summary)).toBe(true);
    // The slice really is chaotic: faults of every kind fired and some applies failed and were re-run.
    expect(summary.faultsInjected / summary.requests).toBeGreaterThan(0.1);
    for (const kind of ["throttle", "error500", "error503", "reset", "lostResponse", "jobFail", "concurrentWriter"] as const) {
      expect(summary.faults[kind], kind).toBeGreaterThan(0);
    }
    expect(summary.failedApplies).toBeGreaterThan(0);
    // …and explores: certificates moved between resources, and every reading of the API was drawn.
    expect(summary.moves).toBeGreaterThan(0);
    for (const name of ["dissociateLimit15", "requestLimits", "unlistedJobs", "readLagMs", "lingeringRowsMs", "metadataSpelling", "busyIncorrectStatus", "jobDuration", "loadBalancerQuota", "mutualTls"]) {
      expect(summary.behaviours[name] ?? 0, name).toBeGreaterThan(0);
    }
    expect(table).toMatch(/converged\s+25\/25/);
  }, 180_000);
});
