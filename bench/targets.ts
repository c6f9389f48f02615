/**
 * The benchmark's targets for one listener's rotation, shared by `npm run bench` and the tests that prove
 * the targets can fail. Every floor comes from the service (the simulator's batch limits and job model, see
 * `serviceFloor`); the slack and the poll budget below are the benchmark's own, fixed numbers, never the
 * provider's settings.
 */
import type { RotationResult } from "./bench-direct";
import type { EngineRunResult } from "./bench-engine";
import { centisecs, secs, ratio, type Check } from "./bench-report";
import type { FirstHourCommand, FirstHourMistake, FirstHourResult } from "./first-hour-types";
import { DETAILS_COMMANDS, DETAILS_VARIANTS, type DetailReadAudit, type DetailReadSet, type DetailsCommand, type DetailsResult, type DetailsRun, type DetailsVariant } from "./details-types";

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

// ------------------------------------------------------------------ first-hour failures

/**
 * The project's requirement for a user's first-hour mistakes (a stopped endpoint, something that is not the
 * ALB API, rejected credentials, bad certificates): `preview` and `up` fail within 10 s of the provider's
 * first call. A number from the requirement, not from any setting of the provider.
 */
export const FIRST_CALL_BUDGET_MS = 10_000;

/** The median of some values (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median and max of one mistake's runs of one command. */
export interface FirstHourSummary {
  readonly mistake: FirstHourMistake;
  readonly command: FirstHourCommand;
  readonly runs: number;
  readonly exitCodes: readonly number[];
  readonly wall: { readonly medianMs: number; readonly maxMs: number };
  /** Null when nothing can see the provider's first call. */
  readonly firstCallToExit: { readonly medianMs: number; readonly maxMs: number } | null;
}

/** Every mistake × command of a first-hour result, in the result's order. */
export function firstHourSummaries(result: FirstHourResult): FirstHourSummary[] {
  const out: FirstHourSummary[] = [];
  // The commands in the order the rounds ran them.
  const commands = [...new Set(result.runs.map((r) => r.command))];
  for (const mistake of result.mistakes) {
    for (const command of commands) {
      const runs = result.runs.filter((r) => r.mistake === mistake.key && r.command === command);
      if (runs.length === 0) throw new Error(`first-hour result: no runs of ${command} for ${mistake.key}`);
      const walls = runs.map((r) => r.wallMs);
      const firstCalls = runs.map((r) => r.firstCallToExitMs);
      const measurable = firstCalls.every((ms): ms is number => ms !== null);
      out.push({
        mistake,
        command,
        runs: runs.length,
        exitCodes: [...new Set(runs.map((r) => r.exitCode))].sort((a, b) => a - b),
        wall: { medianMs: median(walls), maxMs: Math.max(...walls) },
        firstCallToExit: measurable ? { medianMs: median(firstCalls), maxMs: Math.max(...firstCalls) } : null,
      });
    }
  }
  return out;
}

/** The no-op baseline of one command: the median wall of its runs in the same rounds. */
export function firstHourBaselineMs(result: FirstHourResult, command: FirstHourCommand): number {
  const walls = result.baseline.filter((r) => r.command === command).map((r) => r.wallMs);
  if (walls.length === 0) throw new Error(`first-hour result: no no-op baseline of ${command}`);
  return median(walls);
}

/**
 * The wall ceiling of a failing command: what the same command costs when it has nothing to do (the median
 * no-op run of a one-resource stack of the same program, measured in the same rounds: CLI start, the program's
 * compile, the provider process, one listener read) plus the requirement's 10 s. A failure may cost no more than
 * doing nothing plus the budget the requirement grants from the first call.
 */
export function firstHourWallCeilingMs(result: FirstHourResult, command: FirstHourCommand): number {
  return firstHourBaselineMs(result, command) + FIRST_CALL_BUDGET_MS;
}

/** The targets of the first-hour scenario: every run within its ceilings. */
export function firstHourChecks(result: FirstHourResult): Check[] {
  const checks: Check[] = [];
  for (const s of firstHourSummaries(result)) {
    const at = `first hour, ${s.mistake.label}, ${s.command}`;
    if (s.firstCallToExit !== null) {
      checks.push({
        name: `${at}: fails within ${secs(FIRST_CALL_BUDGET_MS)} of the provider's first call`,
        pass: s.firstCallToExit.maxMs <= FIRST_CALL_BUDGET_MS,
        detail: `max ${centisecs(s.firstCallToExit.maxMs)} ≤ ${secs(FIRST_CALL_BUDGET_MS)} (median ${centisecs(s.firstCallToExit.medianMs)}, ${s.runs} runs; first call seen by ${s.mistake.firstCallSeenBy})`,
      });
    }
    const ceiling = firstHourWallCeilingMs(result, s.command);
    checks.push({
      name: `${at}: wall ≤ no-op ${s.command.split(" ").slice(0, 2).join(" ")} + ${secs(FIRST_CALL_BUDGET_MS)}`,
      pass: s.wall.maxMs <= ceiling,
      detail: `max ${secs(s.wall.maxMs)} ≤ ${secs(ceiling)} (median ${secs(s.wall.medianMs)}, ${s.runs} runs; no-op ${secs(firstHourBaselineMs(result, s.command))})`,
    });
  }
  return checks;
}

// ------------------------------------------------------------------ certificate details

/**
 * The certificates one provider process may read the details of for a change on one listener, from the world:
 * the resource's declared sets before and after the change, the listener's default certificate(s) and the
 * additional certificates the listener serves before the change. Reading each once is one round of CAS calls
 * for the listener; nothing here comes from the provider's code or settings.
 */
export function detailReadSet(world: {
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly defaults: readonly (string | null)[];
  readonly served: readonly string[];
}): DetailReadSet {
  const touched = [...new Set([...world.before, ...world.after])].sort();
  const defaults = [...new Set(world.defaults.filter((id): id is string => id !== null && !touched.includes(id)))].sort();
  const others = [...new Set(world.served.filter((id) => !touched.includes(id) && !defaults.includes(id)))].sort();
  return { touched, defaults, others };
}

/** The CAS ID the service knows a certificate by: the digits of the listener's `<digits>-<region>` ID (undefined for another shape). */
export function casIdOf(certificateId: string): string | undefined {
  return /^(\d+)-[a-z0-9-]+$/.exec(certificateId)?.[1];
}

/** What GetCertificateDetail asked for (`asked`: the CAS IDs of the requests, repeats kept) against a read set. */
export function auditDetailReads(asked: readonly string[], set: DetailReadSet): DetailReadAudit {
  const allowed = new Set([...set.touched, ...set.defaults, ...set.others].map(casIdOf).filter((id): id is string => id !== undefined));
  const seen = new Map<string, number>();
  for (const id of asked) seen.set(id, (seen.get(id) ?? 0) + 1);
  return {
    bound: set.touched.length + set.defaults.length + set.others.length,
    asked: asked.length,
    distinct: seen.size,
    twice: [...seen].filter(([, n]) => n > 1).map(([id]) => id).sort(),
    outside: [...seen.keys()].filter((id) => !allowed.has(id)).sort(),
  };
}

/** CAS requests of a run, every action together. */
export function casRequestCount(run: DetailsRun): number {
  return Object.values(run.cas).reduce((sum, n) => sum + n, 0);
}

/** One variant's runs of one K and command: medians and what every run called. */
export interface DetailsVariantSummary {
  readonly runs: readonly DetailsRun[];
  readonly wall: { readonly medianMs: number; readonly maxMs: number };
  /** Median of the runs' provider spans (first to last API request), ms. */
  readonly spanMedianMs: number;
  readonly casSpanMedianMs: number;
}

/** One K and command: both variants side by side, and what the details cost (the difference of the median walls). */
export interface DetailsSummary {
  readonly k: number;
  readonly command: DetailsCommand;
  readonly variants: Readonly<Record<DetailsVariant, DetailsVariantSummary>>;
  /** Median wall with details minus median wall without, ms (negative when the runs with details happened to be quicker). */
  readonly costMs: number;
}

/** Every K × command of a details result, in the result's order of K and {@link DETAILS_COMMANDS}. */
export function detailsSummaries(result: DetailsResult): DetailsSummary[] {
  const out: DetailsSummary[] = [];
  for (const k of result.ks) {
    for (const command of DETAILS_COMMANDS) {
      const variants = {} as Record<DetailsVariant, DetailsVariantSummary>;
      for (const variant of DETAILS_VARIANTS) {
        const runs = result.runs.filter((r) => r.k === k && r.command === command && r.variant === variant);
        if (runs.length === 0) throw new Error(`details result: no runs of ${command} for K=${k}, ${variant}`);
        const walls = runs.map((r) => r.wallMs);
        variants[variant] = { runs, wall: { medianMs: median(walls), maxMs: Math.max(...walls) }, spanMedianMs: median(runs.map((r) => r.spanMs)), casSpanMedianMs: median(runs.map((r) => r.casSpanMs)) };
      }
      out.push({ k, command, variants, costMs: variants.details.wall.medianMs - variants["no-details"].wall.medianMs });
    }
  }
  return out;
}

/**
 * The targets of the details scenario, per K, command and variant over every run: with details, each
 * GetCertificateDetail names a certificate of the run's {@link detailReadSet} and none twice (so there are at
 * most as many as the set holds: one round of CAS calls for the changed listener); with
 * `readCertificateDetails: false`, no CAS request at all; never a GetUserCertificateDetail (it returns the
 * private key).
 */
export function detailsChecks(result: DetailsResult): Check[] {
  const checks: Check[] = [];
  for (const s of detailsSummaries(result)) {
    for (const variant of DETAILS_VARIANTS) {
      const runs = s.variants[variant].runs;
      const keyReads = runs.reduce((sum, r) => sum + (r.cas.GetUserCertificateDetail ?? 0), 0);
      const failedExit = runs.filter((r) => r.exitCode !== 0).length;
      const tail = `in each of ${runs.length} run(s); ${keyReads} GetUserCertificateDetail${failedExit > 0 ? `; ${failedExit} run(s) did not exit 0` : ""}`;
      if (variant === "details") {
        const worst = runs.reduce((a, b) => (b.detailReads.asked - b.detailReads.bound > a.detailReads.asked - a.detailReads.bound ? b : a));
        const twice = [...new Set(runs.flatMap((r) => r.detailReads.twice))];
        const outside = [...new Set(runs.flatMap((r) => r.detailReads.outside))];
        const within = runs.every((r) => r.detailReads.asked <= r.detailReads.bound && r.detailReads.twice.length === 0 && r.detailReads.outside.length === 0);
        const parts = `${worst.readSet.touched} the change touches + ${worst.readSet.defaults} default + ${worst.readSet.others} other served`;
        checks.push({
          name: `certificate details, K=${s.k}, ${s.command}: at most one GetCertificateDetail per certificate of the listener, no GetUserCertificateDetail`,
          pass: within && keyReads === 0 && failedExit === 0,
          detail:
            `at most ${Math.max(...runs.map((r) => r.detailReads.asked))} ≤ ${worst.detailReads.bound} (${parts}) ${tail}` +
            (twice.length > 0 ? `; asked twice: ${twice.join(", ")}` : "") +
            (outside.length > 0 ? `; not of the listener: ${outside.join(", ")}` : ""),
        });
      } else {
        const cas = Math.max(...runs.map(casRequestCount));
        checks.push({
          name: `readCertificateDetails: false, K=${s.k}, ${s.command}: no CAS request`,
          pass: cas === 0 && keyReads === 0 && failedExit === 0,
          detail: `at most ${cas} CAS request(s) ${tail}`,
        });
      }
    }
  }
  return checks;
}
