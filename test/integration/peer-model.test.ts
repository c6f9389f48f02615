/**
 * The per-certificate model against the real peer: a recorded run of OpenTofu with
 * terraform-provider-alicloud (test/fixtures/peer-run.json, written by `npm run bench:peer`) and the model's
 * `concurrent` order on the same world, in virtual time. The model holds within 15 % of the peer's API span
 * and call count at every K and phase; the `engine` order (creates, then deletes) does not, so the test
 * tells the two orders apart.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { modelPeerPhases, TOFU_PARALLELISM, TOFU_PLAN_TO_APPLY_MS, type ModelPhase } from "../../bench/peer-model";
import { PEER_RUN_FIXTURE, type PeerRunFixture } from "../../bench/peer-types";
import { REPO_ROOT } from "../kit/paths";

const fixture = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, PEER_RUN_FIXTURE), "utf8")) as PeerRunFixture;
const sizes = [...new Set(fixture.runs.map((r) => r.k))].sort((a, b) => a - b);
const TOLERANCE = 0.15;

function within(model: number, real: number): boolean {
  return Math.abs(model - real) <= TOLERANCE * real;
}

const concurrent = (k: number): Promise<ModelPhase[]> =>
  modelPeerPhases(k, { order: "concurrent", parallelism: TOFU_PARALLELISM, planToApplyMs: TOFU_PLAN_TO_APPLY_MS, jobMs: fixture.jobMs, raceJitterMs: 20, seed: k });

describe(`the model of OpenTofu against a recorded run of the real peer (${fixture.versions.tofu}, alicloud ${fixture.versions.alicloud}, commit ${fixture.commit})`, () => {
  it("the fixture covers create, rotate and destroy at K = 1, 5, 10 and 20", () => {
    expect(sizes).toEqual([1, 5, 10, 20]);
    for (const k of sizes) expect(fixture.runs.filter((r) => r.k === k).map((r) => r.phase).sort()).toEqual(["create", "destroy", "rotate"]);
  });

  it.each(sizes)("K = %i: API span and calls of every phase within 15 %", async (k) => {
    const model = await concurrent(k);
    for (const real of fixture.runs.filter((r) => r.k === k)) {
      const predicted = model.find((m) => m.phase === real.phase)!;
      expect(predicted.failures, `${real.phase}: failures`).toBe(0);
      expect(within(predicted.apiSpanMs, real.apiSpanMs), `${real.phase}: span ${predicted.apiSpanMs} ms against ${real.apiSpanMs} ms`).toBe(true);
      expect(within(predicted.calls, real.calls), `${real.phase}: ${predicted.calls} calls against ${real.calls}`).toBe(true);
    }
  });

  it("a rotation in OpenTofu's order leaves domains unserved; in the engine's order it does not", async () => {
    const [concurrentRotate] = (await concurrent(5)).filter((p) => p.phase === "rotate");
    expect(concurrentRotate!.domainsWithGap).toBeGreaterThan(0);
    expect(concurrentRotate!.longestGapMs).toBeGreaterThan(fixture.jobMs);
    const [engineRotate] = (await modelPeerPhases(5, { order: "engine", parallelism: TOFU_PARALLELISM, jobMs: fixture.jobMs })).filter((p) => p.phase === "rotate");
    expect(engineRotate!.domainsWithGap).toBe(0);
    expect(engineRotate!.longestGapMs).toBe(0);
  });

  it("the engine's order (creates, then deletes) misses the peer's rotations at K ≥ 5: the comparison can fail", async () => {
    for (const k of sizes.filter((size) => size >= 5)) {
      const real = fixture.runs.find((r) => r.k === k && r.phase === "rotate")!;
      const [engine] = (await modelPeerPhases(k, { order: "engine", parallelism: TOFU_PARALLELISM, jobMs: fixture.jobMs })).filter((p) => p.phase === "rotate");
      expect(within(engine!.apiSpanMs, real.apiSpanMs) && within(engine!.calls, real.calls), `K = ${k}: ${engine!.apiSpanMs} ms, ${engine!.calls} calls against ${real.apiSpanMs} ms, ${real.calls} calls`).toBe(false);
    }
  });
});
