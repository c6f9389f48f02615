/**
 * The side-by-side benchmark's world and its reading of the request log, shared by the real runs
 * (bench/peer-bench.ts) and the model's (bench/peer-model.ts).
 */
import type { Fixture, RequestLogEntry } from "../simulator";
import { benchCertificates, benchFixture } from "./bench-fixture";

/** Calls of one action: all of them, and the refused ones by error code. */
export interface ActionCalls {
  readonly calls: number;
  readonly refused: Readonly<Record<string, number>>;
}

/** One listener, no additional certificate; the catalogue holds the two generations the phases declare. */
export function peerFixture(k: number): Fixture {
  const base = benchFixture({ listeners: 1, certificates: k });
  const { behaviour: _benchProfile, ...rest } = base;
  return { ...rest, listeners: (base.listeners ?? []).map((listener) => ({ ...listener, additionalCertificateIds: [] })) };
}

/** The sets of listener 0: generation 0 (created), generation 1 (rotated to); domain i is served by certificate i of each. */
export function peerSets(k: number): [string[], string[]] {
  return [benchCertificates(0, 0, k), benchCertificates(0, 1, k)];
}

/** Counts calls by action, refused ones (any error code) by code. */
export function callsByAction(log: readonly RequestLogEntry[]): { calls: number; refusedCalls: number; byAction: Record<string, ActionCalls> } {
  const byAction: Record<string, { calls: number; refused: Record<string, number> }> = {};
  let refusedCalls = 0;
  for (const entry of log) {
    const action = entry.action ?? "(none)";
    const counts = (byAction[action] ??= { calls: 0, refused: {} });
    counts.calls++;
    if (entry.code !== null && !(entry.code === "DryRunOperation" && entry.params.DryRun === "true")) {
      counts.refused[entry.code] = (counts.refused[entry.code] ?? 0) + 1;
      refusedCalls++;
    }
  }
  return { calls: log.length, refusedCalls, byAction };
}

