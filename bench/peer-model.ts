/**
 * The per-certificate model (bench/per-certificate-model.ts) run through the side-by-side benchmark's three
 * phases, in virtual time on the same world (bench/peer-world.ts `peerFixture`): what the model predicts for
 * OpenTofu (`concurrent` order, plan reads first) and for Pulumi's engine with the bridged provider
 * (`engine` order), measured the same way as the real runs: API span and calls from the simulator's request
 * log, the serving gap from its jobs. test/integration/peer-model.test.ts holds the `concurrent` prediction
 * to a recorded run of the real peer (test/fixtures/peer-run.json).
 */
import { apiSpan, callsByAction, logMark, requestsOf } from "../test/kit/request-log";
import { startWorld } from "../test/kit/world";
import { benchListenerId } from "./bench-fixture";
import type { PeerPhase, PeerResults, PeerRunFixture } from "./peer-types";
import { peerFixture, peerSets } from "./peer-world";
import { runPerCertificateModel } from "./per-certificate-model";
import { servingGaps } from "./serving-gap";
import { median } from "./targets";

/** OpenTofu's default parallelism. */
export const TOFU_PARALLELISM = 10;

/**
 * OpenTofu's own time between the end of its plan's reads and the first change of the apply, ms: the one
 * constant the model takes from the real peer rather than from its code: the recorded run's K = 1 destroy
 * (test/fixtures/peer-run.json), its API span minus the model's without the pause (6,348 − 5,000 ms).
 */
export const TOFU_PLAN_TO_APPLY_MS = 1_350;

export interface ModelPhase {
  readonly phase: PeerPhase;
  readonly apiSpanMs: number;
  readonly calls: number;
  readonly refusedCalls: number;
  /** Longest serving gap of the phase's domains, ms (rotate only; 0 otherwise). */
  readonly longestGapMs: number;
  /** Domains left unserved for some time. */
  readonly domainsWithGap: number;
  readonly failures: number;
}

export interface PeerModelOptions {
  readonly order: "engine" | "concurrent";
  readonly parallelism: number;
  /** Plan reads of existing attachments before a change, then this pause. Undefined: no plan reads. */
  readonly planToApplyMs?: number;
  readonly jobMs: number;
  /** See `raceJitterMs` of the per-certificate model. */
  readonly raceJitterMs?: number;
  readonly seed?: number;
}

/** Create, rotate and destroy K certificates on one listener with the model, each phase measured. */
export async function modelPeerPhases(k: number, options: PeerModelOptions): Promise<ModelPhase[]> {
  const world = await startWorld({ fixture: peerFixture(k), jobMs: options.jobMs, seed: `model-${k}` });
  try {
    const [first, second] = peerSets(k);
    const listenerId = benchListenerId(0);
    const phases: [PeerPhase, readonly string[], readonly string[]][] = [
      ["create", first, []],
      ["rotate", second, first],
      ["destroy", [], second],
    ];
    const results: ModelPhase[] = [];
    for (const [phase, add, remove] of phases) {
      const mark = logMark(world.sim);
      const start = world.clock.now();
      const run = await runPerCertificateModel({
        endpoint: world.sim.endpoint,
        clock: world.clock,
        listenerId,
        add,
        remove,
        parallelism: options.parallelism,
        order: options.order,
        raceJitterMs: options.raceJitterMs ?? 0,
        seed: options.seed ?? k,
        ...(options.planToApplyMs === undefined ? {} : { refresh: true, refreshPauseMs: options.planToApplyMs }),
      });
      const log = requestsOf(world.sim, mark);
      const counts = callsByAction(log);
      const gaps =
        phase === "rotate"
          ? servingGaps(world.sim.backend.snapshot().jobs, listenerId, remove.map((from, i) => ({ domain: String(i), from, to: add[i]! })), start, world.clock.now())
          : [];
      results.push({
        phase,
        apiSpanMs: apiSpan(log).spanMs,
        calls: counts.calls,
        refusedCalls: counts.refusedCalls,
        longestGapMs: Math.max(0, ...gaps.map((g) => g.gapMs)),
        domainsWithGap: gaps.filter((g) => g.gapMs > 0).length,
        failures: run.failures,
      });
    }
    return results;
  } finally {
    await world.close();
  }
}

/** The fixture of a result document: OpenTofu's runs under the default profile, medians per K and phase. */
export function peerRunFixture(results: PeerResults): PeerRunFixture {
  const tofu = results.phases.filter((p) => p.tool === "tofu" && p.profile === "default" && p.exitCode === 0 && p.converged);
  const keys = [...new Set(tofu.map((p) => `${p.k}:${p.phase}`))];
  return {
    commit: results.commit,
    command: results.command,
    startedAt: results.startedAt,
    versions: { tofu: results.versions.tofu, alicloud: results.versions.alicloud },
    jobMs: results.settings.jobMs,
    runs: keys.map((key) => {
      const runs = tofu.filter((p) => `${p.k}:${p.phase}` === key);
      return {
        k: runs[0]!.k,
        phase: runs[0]!.phase,
        repetitions: runs.length,
        apiSpanMs: median(runs.map((r) => r.apiSpanMs)),
        calls: median(runs.map((r) => r.calls)),
        refusedCalls: median(runs.map((r) => r.refusedCalls)),
      };
    }),
  };
}
