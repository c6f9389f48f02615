/**
 * The benchmark's targets for one listener's rotation, shared by `npm run bench` and the tests that prove
 * the targets can fail. Every floor comes from the service (the simulator's batch limits and job model, see
 * `serviceFloor`); the slack and the poll budget below are the benchmark's own, fixed numbers, never the
 * provider's settings.
 */
import type { RotationResult } from "./bench-direct";
import type { EngineRunResult } from "./bench-engine";
import { secs, ratio, type Check } from "./bench-report";

/** Wall (or provider span) target: at most this factor of the floor… */
export const WALL_FACTOR = 1.1;
/** …plus this much, ms (request round trips, the first look at a job the process has not timed yet). */
export const WALL_SLACK_MS = 1_000;
/** Job looks (ListAsynJobs) per job: every look costs a read of the account's API quota. */
export const POLLS_PER_JOB_BUDGET = 8;

/** The wall target of a floor, ms. */
export function wallTargetMs(floorMs: number): number {
  return WALL_FACTOR * floorMs + WALL_SLACK_MS;
}

function mutations(r: RotationResult): number {
  return r.calls.associate + r.calls.dissociate;
}

/** The targets of one provider-direct rotation. */
export function directChecks(r: RotationResult, jobLabel: string): Check[] {
  const limit = wallTargetMs(r.boundMs);
  const at = `one listener, K=${r.k}, provider direct`;
  return [
    { name: `${at} (${jobLabel}): wall ≤ ${WALL_FACTOR.toFixed(2)} × floor + ${secs(WALL_SLACK_MS)}`, pass: r.wallMs <= limit && r.converged, detail: `${secs(r.wallMs)} ≤ ${secs(limit)}${r.converged ? "" : " (did not converge)"}` },
    { name: `${at}: mutation calls = minimum`, pass: mutations(r) === r.minMutations, detail: `${mutations(r)} = ${r.minMutations} (the simulator accepts ${r.limits.associate} per Associate, ${r.limits.dissociate} per Dissociate)` },
    { name: `${at}: validation dry runs ≤ one per Associate batch`, pass: r.calls.dryRun <= r.minDryRuns, detail: `${r.calls.dryRun} ≤ ${r.minDryRuns}` },
    { name: `${at}: polls per job ≤ ${POLLS_PER_JOB_BUDGET}`, pass: r.pollsPerJob <= POLLS_PER_JOB_BUDGET, detail: `${r.pollsPerJob.toFixed(2)} (${r.calls.listAsynJobs} job polls / ${r.calls.jobs} jobs)` },
  ];
}

/** Several seeded runs of one K with jittered jobs: the mean wall against the mean floor (each seed's own). */
export interface JitteredSummary {
  readonly k: number;
  readonly runs: readonly RotationResult[];
  readonly meanWallMs: number;
  readonly boundMs: number;
}

export function summarizeJittered(runs: readonly RotationResult[]): JitteredSummary {
  const first = runs[0];
  if (first === undefined) throw new Error("no runs to summarize");
  const mean = (f: (r: RotationResult) => number): number => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
  return { k: first.k, runs, meanWallMs: mean((r) => r.wallMs), boundMs: mean((r) => r.boundMs) };
}

/** The targets of the jittered rotations of one K: the mean wall, and every run's calls. */
export function jitteredChecks(s: JitteredSummary): Check[] {
  const limit = wallTargetMs(s.boundMs);
  const at = `one listener, K=${s.k}, provider direct, jittered size-dependent jobs`;
  const converged = s.runs.every((r) => r.converged);
  const worstCalls = Math.max(...s.runs.map(mutations));
  const worstDry = Math.max(...s.runs.map((r) => r.calls.dryRun));
  const minimum = s.runs[0]!.minMutations;
  return [
    { name: `${at}: mean wall of ${s.runs.length} seeds ≤ ${WALL_FACTOR.toFixed(2)} × floor + ${secs(WALL_SLACK_MS)}`, pass: s.meanWallMs <= limit && converged, detail: `${secs(s.meanWallMs)} ≤ ${secs(limit)} (${ratio(s.meanWallMs, s.boundMs)} the floor)${converged ? "" : " (did not converge)"}` },
    { name: `${at}: mutation calls = minimum in every run`, pass: s.runs.every((r) => mutations(r) === minimum), detail: `at most ${worstCalls} = ${minimum}` },
    { name: `${at}: validation dry runs ≤ one per Associate batch`, pass: s.runs.every((r) => r.calls.dryRun <= r.minDryRuns), detail: `at most ${worstDry} ≤ ${s.runs[0]!.minDryRuns}` },
  ];
}

/** The targets of one listener's rotation through `pulumi up`: the provider's span against the floor, and its calls. */
export function engineChecks(r: EngineRunResult, jobLabel: string): Check[] {
  const limit = wallTargetMs(r.boundMs);
  const at = `one listener, K=${r.k}, pulumi up`;
  const calls = r.calls.associate + r.calls.dissociate;
  return [
    { name: `${at} (${jobLabel}): provider span ≤ ${WALL_FACTOR.toFixed(2)} × floor + ${secs(WALL_SLACK_MS)}`, pass: r.spanMs <= limit && r.converged && r.exitCode === 0, detail: `${secs(r.spanMs)} ≤ ${secs(limit)} (CLI wall ${secs(r.cliMs)})` },
    { name: `${at}: mutation calls = minimum`, pass: calls === r.minMutations, detail: `${calls} = ${r.minMutations}` },
    { name: `${at}: validation dry runs ≤ one per Associate batch`, pass: r.calls.dryRun <= r.minDryRuns, detail: `${r.calls.dryRun} ≤ ${r.minDryRuns}` },
  ];
}
