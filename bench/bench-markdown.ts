/**
 * BENCHMARKS.md from the benchmark's machine-readable result (bench-results/latest.json) and its prose
 * template (bench/BENCHMARKS.md.template, read from the repository): a function of those two alone, so that
 * the published page can be re-derived from the committed result and compared
 * (test/unit/published-figures.test.ts). `npm run bench` writes both.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RotationResult } from "./bench-direct";
import type { EngineRunResult } from "./bench-engine";
import { centisecs, checkLines, fillTemplate, ratio, secs, table, type Check, type TemplateValues } from "./bench-report";
import type { CallCounts } from "../test/kit/request-log";
import type { FirstHourResult } from "./first-hour-types";
import { DETAILS_VARIANTS, type DetailsResult, type DetailsVariant } from "./details-types";
import { casRequestCount, detailsSummaries, type DetailsSummary } from "./targets";
import { FIRST_CALL_BUDGET_MS, firstHourBaselineMs, firstHourSummaries, firstHourWallCeilingMs, wallTargetMs, type FirstHourSummary, type JitteredSummary } from "./targets";
import { provenanceLine } from "../test/kit/figures";
import { REPO_ROOT } from "../test/kit/paths";
import {
  ASSOCIATE_BATCH_MAX,
  DISSOCIATE_BATCH_MAX,
  JOB_TIMING_SAMPLES,
  POLL_MAX_DELAY_MS,
  POLL_MIN_DELAY_MS,
  POLL_STEP_FRACTION,
  POLL_STEP_MAX_MS,
  POLL_STEP_MIN_MS,
} from "../provider/base/defaults";

/** The run's settings as the result document records them (paths relative to the repository). */
export interface BenchSettings {
  readonly mode: "full" | "quick" | "no-engine";
  readonly ks: readonly number[];
  /** T of the provider-direct runs and the model, virtual ms. */
  readonly directJobMs: number;
  /** Engine parallelism assumed by the per-certificate model. */
  readonly modelParallelism: number;
  readonly engineKs: readonly number[];
  /** T of the one-listener engine runs, real ms. */
  readonly engineJobMs: number;
  /** T of the fleet runs, real ms. */
  readonly fleetJobMs: number;
  readonly fleets: readonly number[];
  readonly fleetCertificates: number;
  readonly fleetLimit: { readonly mutationsPerWindow: number; readonly rateWindowMs: number };
  /** The fleet whose stack also gets the no-op preview and up. */
  readonly noopFleet?: number;
  readonly engineParallelism: number;
  readonly outDir: string;
  readonly markdownPath: string;
  /** Simulator seeds of the jittered rotations (each K runs once per seed). */
  readonly jitterSeeds: readonly number[];
  /** Runs of each command of the first-hour scenario (and of its no-op baseline); 0: not run. */
  readonly firstHourRepetitions: number;
  /** K of the certificate-details scenario's rotations (none: not run). */
  readonly detailsKs: readonly number[];
  /** Rounds of the certificate-details scenario; 0: not run. */
  readonly detailsRepetitions: number;
  /** T of the certificate-details scenario, real ms. */
  readonly detailsJobMs: number;
  /** With `--only`: the scenarios this run was limited to (a partial run, never the published one). */
  readonly only?: readonly BenchScenario[];
}

/** The scenarios `--only` can name. */
export const BENCH_SCENARIOS = ["direct", "engine", "fleets", "first-hour", "details"] as const;
export type BenchScenario = (typeof BENCH_SCENARIOS)[number];

/** One rotation of the per-certificate model. */
export interface ModelResult {
  readonly k: number;
  readonly wallMs: number;
  readonly boundMs: number;
  readonly calls: CallCounts;
  readonly polls: number;
  readonly failures: number;
  readonly converged: boolean;
}

/** The provider process's memory over a run. */
export interface MemorySummary {
  readonly startMiB: number;
  readonly firstHalfPeakMiB: number;
  readonly secondHalfPeakMiB: number;
  readonly endMiB: number;
  readonly samples: number;
  readonly flat: boolean;
}

/** An engine run as the result document records it (memory summarized). */
export type EngineRow = Omit<EngineRunResult, "providerMemory"> & { readonly providerMemory?: MemorySummary };
export type FleetRow = EngineRow & { readonly idealMs: number };

/** bench-results/latest.json. */
export interface BenchResults {
  readonly generated: string;
  readonly started: string;
  readonly durationSeconds: number;
  readonly mode: BenchSettings["mode"];
  /** The command that produced it. */
  readonly command: string;
  readonly machine: Readonly<Record<string, string | number>>;
  readonly commit: string;
  readonly sourcesDigest: string;
  readonly settings: BenchSettings;
  readonly direct: readonly RotationResult[];
  readonly directColdSchedule: readonly RotationResult[];
  readonly directJittered: readonly JitteredSummary[];
  readonly perCertificateModel: readonly ModelResult[];
  readonly engineSingle: readonly EngineRow[];
  readonly fleets: readonly FleetRow[];
  readonly noop: readonly EngineRow[];
  /** Absent when the run did not measure it (a quick run without it, `--no-engine`, or the scenario failed). */
  readonly firstHour?: FirstHourResult;
  /** Absent when the run did not measure it (`--no-engine`, not among `--only`, or the scenario failed). */
  readonly details?: DetailsResult;
  readonly engineErrors: readonly string[];
  readonly checks: readonly Check[];
}

/** The range of polls per job over rows, e.g. `2.9–8.0`. */
function pollRange(rows: readonly RotationResult[]): string {
  const values = rows.map((r) => r.pollsPerJob);
  if (values.length === 0) return "–";
  const lo = Math.min(...values).toFixed(1);
  const hi = Math.max(...values).toFixed(1);
  return lo === hi ? lo : `${lo}–${hi}`;
}

export function reads(c: CallCounts): number {
  return c.listAsynJobs + c.listListenerCertificates + c.getListenerAttribute;
}

function callsCell(c: CallCounts): string {
  return `${c.associate}+${c.dissociate}`;
}

export function readsCell(c: CallCounts): string {
  return `${c.listAsynJobs} / ${c.listListenerCertificates} / ${c.getListenerAttribute}`;
}

/** The engine's own share of the one-listener runs: CLI wall minus provider span, as a range. */
function engineOverhead(rows: readonly EngineRow[]): string {
  const overheads = rows.map((r) => r.cliMs - r.spanMs).sort((a, b) => a - b);
  if (overheads.length === 0) return "–";
  return `${secs(overheads[0]!)} to ${secs(overheads[overheads.length - 1]!)}`;
}

const JITTERED_TITLE = (settings: BenchSettings): string =>
  `One listener, provider direct, size-dependent jittered jobs (virtual time, about T/2 + T/30 per certificate, T = ${secs(settings.directJobMs)})`;

function directTable(direct: readonly RotationResult[], cold: readonly RotationResult[]): string {
  return table(
    ["K", "wall (virtual)", "floor", "ratio", "target ≤", "mutation calls: assoc+dissoc = total (min)", "dry runs", "reads: jobs / certs / listener", "polls/job", "throttled", "cold schedule: wall, polls/job"],
    direct.map((r, i) => [
      String(r.k),
      secs(r.wallMs),
      secs(r.boundMs),
      ratio(r.wallMs, r.boundMs),
      secs(wallTargetMs(r.boundMs)),
      `${callsCell(r.calls)} = ${r.calls.associate + r.calls.dissociate} (${r.minMutations})`,
      String(r.calls.dryRun),
      readsCell(r.calls),
      r.pollsPerJob.toFixed(1),
      String(r.calls.throttled),
      cold[i] ? `${secs(cold[i]!.wallMs)}, ${cold[i]!.pollsPerJob.toFixed(1)}` : "–",
    ]),
  );
}

function jitteredTable(rows: readonly JitteredSummary[]): string {
  return table(
    ["K", "seeds", "mean wall (virtual)", "each seed's wall", "mean floor", "mean / floor", "target ≤", "mutation calls per run (min)", "dry runs per run", "polls/job (mean)"],
    rows.map((s) => [
      String(s.k),
      String(s.runs.length),
      secs(s.meanWallMs),
      s.runs.map((r) => secs(r.wallMs)).join(", "),
      secs(s.boundMs),
      ratio(s.meanWallMs, s.boundMs),
      secs(wallTargetMs(s.boundMs)),
      `${[...new Set(s.runs.map((r) => r.calls.associate + r.calls.dissociate))].join("/")} (${s.runs[0]!.minMutations})`,
      [...new Set(s.runs.map((r) => r.calls.dryRun))].join("/"),
      (s.runs.reduce((t, r) => t + r.pollsPerJob, 0) / s.runs.length).toFixed(1),
    ]),
  );
}

function engineSingleTable(rows: readonly EngineRow[]): string {
  return table(
    ["K", "CLI wall", "provider span", "floor", "span ratio", "target ≤", "mutation calls: assoc+dissoc = total (min)", "dry runs", "reads: jobs / certs / listener", "polls/job", "throttled", "exit"],
    rows.map((r) => [
      String(r.k),
      secs(r.cliMs),
      secs(r.spanMs),
      secs(r.boundMs),
      ratio(r.spanMs, r.boundMs),
      secs(wallTargetMs(r.boundMs)),
      `${callsCell(r.calls)} = ${r.calls.associate + r.calls.dissociate} (${r.minMutations})`,
      String(r.calls.dryRun),
      readsCell(r.calls),
      r.calls.jobs ? (r.calls.listAsynJobs / r.calls.jobs).toFixed(1) : "–",
      String(r.calls.throttled),
      String(r.exitCode),
    ]),
  );
}

function fleetTable(rows: readonly FleetRow[]): string {
  return table(
    ["listeners", "CLI wall", "provider span", "floor (ideal schedule)", "rate-limit bound", "engine bound", "span / floor", "span / rate bound", "mutations accepted (min)", "throttled calls", "dry runs", "failed calls", "polls/job", "provider RSS (1st → 2nd half peak)"],
    rows.map((r) => {
      const mem = r.providerMemory;
      return [
        String(r.listeners),
        secs(r.cliMs),
        secs(r.spanMs),
        secs(r.idealMs),
        secs(r.bounds!.rateMs),
        secs(r.bounds!.engineMs),
        ratio(r.spanMs, r.idealMs),
        ratio(r.spanMs, r.bounds!.rateMs),
        `${r.calls.accepted} (${r.minMutations})`,
        String(r.calls.throttled),
        String(r.calls.dryRun),
        String(r.calls.failed),
        r.calls.jobs ? (r.calls.listAsynJobs / r.calls.jobs).toFixed(1) : "–",
        mem ? `${mem.firstHalfPeakMiB} → ${mem.secondHalfPeakMiB} MiB` : "–",
      ];
    }),
  );
}

function noopTable(rows: readonly EngineRow[]): string {
  return table(
    ["command", "resources", "CLI wall", "provider span", "mutation calls", "dry runs", "reads: jobs / certs / listener", "reads per listener", "exit"],
    rows.map((r) => [
      `\`${r.command}\``,
      String(r.listeners),
      secs(r.cliMs),
      secs(r.spanMs),
      String(r.calls.associate + r.calls.dissociate),
      String(r.calls.dryRun),
      readsCell(r.calls),
      (reads(r.calls) / r.listeners).toFixed(2),
      String(r.exitCode),
    ]),
  );
}

function modelTable(direct: readonly RotationResult[], model: readonly ModelResult[]): string {
  return table(
    ["K", "this provider", "per-certificate model", "model / this provider", "model / floor", "model mutation calls (refused busy)", "model reads", "model polls", "model failed resources", "model converged"],
    model.map((m, i) => {
      const d = direct[i]!;
      return [
        String(m.k),
        secs(d.wallMs),
        secs(m.wallMs),
        ratio(m.wallMs, d.wallMs),
        ratio(m.wallMs, m.boundMs),
        `${m.calls.associate + m.calls.dissociate} (${m.calls.busy})`,
        String(reads(m.calls)),
        String(m.polls),
        String(m.failures),
        m.converged ? "yes" : "no",
      ];
    }),
  );
}

/** `8.1 s / 8.4 s`: median and max of a mistake's runs of one command. */
export function firstHourWallCell(s: FirstHourSummary): string {
  return `${secs(s.wall.medianMs)} / ${secs(s.wall.maxMs)}`;
}

/** `0.12 s / 0.15 s`, or a dash when nothing can see the provider's first call. */
export function firstHourFirstCallCell(s: FirstHourSummary): string {
  return s.firstCallToExit === null ? "–" : `${centisecs(s.firstCallToExit.medianMs)} / ${centisecs(s.firstCallToExit.maxMs)}`;
}

function firstHourTable(result: FirstHourResult): string {
  return table(
    ["mistake", "command", "runs", "exit", "wall: median / max", `ceiling (no-op + ${secs(FIRST_CALL_BUDGET_MS)})`, "each run's wall", "first call → exit: median / max", "first call seen by", "requests (connections) seen per run"],
    firstHourSummaries(result).map((s) => {
      const runs = result.runs.filter((r) => r.mistake === s.mistake.key && r.command === s.command);
      return [
        s.mistake.label,
        `\`${s.command}\``,
        String(s.runs),
        s.exitCodes.join(", "),
        firstHourWallCell(s),
        secs(firstHourWallCeilingMs(result, s.command)),
        runs.map((r) => secs(r.wallMs)).join(", "),
        firstHourFirstCallCell(s),
        s.mistake.firstCallSeenBy ?? "nothing (no server)",
        s.mistake.firstCallSeenBy === null ? "–" : [...new Set(runs.map((r) => r.contacts))].join("/"),
      ];
    }),
  );
}

function firstHourBaselineTable(result: FirstHourResult): string {
  const commands = [...new Set(result.baseline.map((r) => r.command))];
  return table(
    ["no-op command (one resource)", "runs", "wall: median", "each run's wall", "exit"],
    commands.map((command) => {
      const runs = result.baseline.filter((r) => r.command === command);
      return [`\`${command}\``, String(runs.length), secs(firstHourBaselineMs(result, command)), runs.map((r) => secs(r.wallMs)).join(", "), [...new Set(runs.map((r) => r.exitCode))].join(", ")];
    }),
  );
}

/** `+0.4 s` / `−0.1 s`: a difference of times. */
export function signedSecs(ms: number): string {
  return `${ms < 0 ? "−" : "+"}${secs(Math.abs(ms))}`;
}

/** The distinct values of some numbers in order of appearance, `a/b`: what every run of a row made. */
function distinct(values: readonly number[]): string {
  return [...new Set(values)].join("/");
}

/** `5.1 s (5.0 s, 5.1 s, 5.3 s)`: the median wall of a variant's runs, then each run's in round order. */
export function detailsWallCell(s: DetailsSummary, variant: DetailsVariant): string {
  const v = s.variants[variant];
  return `${secs(v.wall.medianMs)} (${v.runs.map((r) => secs(r.wallMs)).join(", ")})`;
}

/** The CAS requests of a variant's runs: GetCertificateDetail against its bound, then any other action, or `0`. */
export function detailsCasCell(s: DetailsSummary, variant: DetailsVariant): string {
  const runs = s.variants[variant].runs;
  if (runs.every((r) => casRequestCount(r) === 0)) return "0";
  const actions = [...new Set(runs.flatMap((r) => Object.keys(r.cas)))].sort();
  return actions
    .map((action) => {
      const counts = distinct(runs.map((r) => r.cas[action] ?? 0));
      return action === "GetCertificateDetail" ? `${counts} ${action} (≤ ${distinct(runs.map((r) => r.detailReads.bound))})` : `${counts} ${action}`;
    })
    .join(", ");
}

function detailsTable(result: DetailsResult): string {
  const [on, off] = DETAILS_VARIANTS;
  return table(
    [
      "K",
      "command",
      "runs",
      "wall with details: median (each run)",
      "wall with `readCertificateDetails: false`: median (each run)",
      "details cost (difference of medians)",
      "provider span: with / without (medians)",
      "CAS span with details: median",
      "CAS requests per run with details",
      "CAS requests per run without",
      "ALB requests per run: with / without",
    ],
    detailsSummaries(result).map((s) => [
      String(s.k),
      `\`${s.command}\``,
      String(s.variants[on].runs.length),
      detailsWallCell(s, on),
      detailsWallCell(s, off),
      signedSecs(s.costMs),
      `${centisecs(s.variants[on].spanMedianMs)} / ${centisecs(s.variants[off].spanMedianMs)}`,
      centisecs(s.variants[on].casSpanMedianMs),
      detailsCasCell(s, on),
      detailsCasCell(s, off),
      `${distinct(s.variants[on].runs.map((r) => r.alb.total))} / ${distinct(s.variants[off].runs.map((r) => r.alb.total))}`,
    ]),
  );
}

/** The tables as plain text, for the terminal. */
export function tablesText(results: BenchResults): string {
  const { settings, direct, directColdSchedule: cold, directJittered: jittered, perCertificateModel: model, engineSingle, fleets, noop, firstHour, details } = results;
  const parts: string[] = [];
  if (direct.length) {
    parts.push(
      `One listener, provider direct (virtual time, T = ${secs(settings.directJobMs)})`,
      directTable(direct, cold),
      "",
      JITTERED_TITLE(settings),
      jitteredTable(jittered),
      "",
      "Per-certificate model, side by side",
      modelTable(direct, model),
    );
  }
  if (engineSingle.length) parts.push("", `One listener, pulumi up (real time, T = ${secs(settings.engineJobMs)})`, engineSingleTable(engineSingle));
  if (fleets.length) parts.push("", `Fleets, one pulumi up each (T = ${secs(settings.fleetJobMs)}, ${settings.fleetLimit.mutationsPerWindow} mutations per ${secs(settings.fleetLimit.rateWindowMs)})`, fleetTable(fleets));
  if (noop.length) parts.push("", "No-op runs", noopTable(noop));
  if (firstHour) parts.push("", "First-hour failures", firstHourTable(firstHour), "", firstHourBaselineTable(firstHour));
  if (details) parts.push("", `Certificate details: a rotation's preview and up with and without them (T = ${secs(details.jobMs)}, ${details.repetitions} round(s))`, detailsTable(details));
  return parts.join("\n");
}

/** BENCHMARKS.md's prose, with the placeholders {@link renderBenchmarks} fills (read from the repository when rendering). */
export const BENCHMARKS_TEMPLATE = "bench/BENCHMARKS.md.template";

/**
 * BENCHMARKS.md (or the Markdown of a quick run) from its result document and the template
 * {@link BENCHMARKS_TEMPLATE}; `peerSection`, section 6 (the real peer, rendered from its own result by
 * bench/peer-markdown.ts), stands after section 5.
 */
export function renderBenchmarks(results: BenchResults, peerSection?: string): string {
  const { settings, machine: info, direct, directColdSchedule: cold, directJittered: jittered, perCertificateModel: model, engineSingle, fleets, noop, firstHour, details, checks, engineErrors } = results;
  const relative = (target: string): string => path.relative(path.dirname(settings.markdownPath), target);
  const failed = checks.filter((c) => !c.pass).length;
  const lim = settings.fleetLimit;
  const service = direct[0]?.limits;
  const values: TemplateValues = {
    perCall: service === undefined ? "–" : `${service.associate} per Associate and ${service.dissociate} per Dissociate`,
    jsonLink: relative(path.join(settings.outDir, "latest.json")) || "latest.json",
    svgLink: relative(path.join(settings.outDir, "wall-time.svg")) || "wall-time.svg",
    provenance: provenanceLine(results.commit, results.sourcesDigest, results.command),
    generated: results.generated,
    mode: settings.mode,
    durationSeconds: String(results.durationSeconds),
    targetsMet: String(checks.length - failed),
    targets: String(checks.length),
    targetsMissed: failed ? `, ${failed} missed` : "",
    // The machine.
    cpus: String(info.cpus),
    cpuModel: String(info.cpuModel),
    memoryGiB: String(info.memoryGiB),
    node: String(info.node),
    os: String(info.os),
    pulumiCli: String(info.pulumiCli),
    // The settings.
    engineParallelism: String(settings.engineParallelism),
    directJob: secs(settings.directJobMs),
    ks: settings.ks.join(", "),
    engineJob: secs(settings.engineJobMs),
    engineKs: settings.engineKs.join(", ") || "–",
    fleetJob: secs(settings.fleetJobMs),
    fleetSizes: settings.fleets.join(" and ") || "–",
    fleetCertificates: String(settings.fleetCertificates),
    fleetMutationsPerWindow: String(lim.mutationsPerWindow),
    fleetRateWindow: secs(lim.rateWindowMs),
    fleetScaledDown: String(60_000 / lim.rateWindowMs),
    fleetJobsShorter: String(10_000 / settings.fleetJobMs),
    modelParallelism: String(settings.modelParallelism),
    jitterSeeds: settings.jitterSeeds.join(", "),
    jitteredTitle: JITTERED_TITLE(settings),
    // The targets and the tables.
    checkLines: checkLines(checks),
    engineErrors: engineErrors.map((e) => e.split("\n").slice(0, 12).join("\n")),
    directTable: directTable(direct, cold),
    jitteredTable: jitteredTable(jittered),
    engineOverhead: engineOverhead(engineSingle),
    engineSingleTable: engineSingleTable(engineSingle),
    fleetTable: fleetTable(fleets),
    noopTable: noopTable(noop),
    modelTable: modelTable(direct, model),
    // The first hour (its section is left out when the run has none).
    firstHourDoc: relative("docs/first-hour.md"),
    firstHourProgram: firstHour?.program ?? "",
    firstHourJob: firstHour === undefined ? "" : secs(firstHour.jobMs),
    firstHourRepetitions: String(firstHour?.repetitions ?? ""),
    firstCallBudget: secs(FIRST_CALL_BUDGET_MS),
    firstHourTable: firstHour === undefined ? "" : firstHourTable(firstHour),
    firstHourBaselineTable: firstHour === undefined ? "" : firstHourBaselineTable(firstHour),
    peerSection: peerSection ?? "",
    // The certificate details (their section is left out when the run has none).
    detailsDoc: relative("docs/certificate-details.md"),
    detailsProgram: details?.program ?? "",
    detailsJob: details === undefined ? "" : secs(details.jobMs),
    detailsKs: details?.ks.join(" and ") ?? "",
    detailsRepetitions: String(details?.repetitions ?? ""),
    detailsTable: details === undefined ? "" : detailsTable(details),
    // What the provider does (its settings).
    associateBatchMax: String(ASSOCIATE_BATCH_MAX),
    dissociateBatchMax: String(DISSOCIATE_BATCH_MAX),
    jobTimingSamples: String(JOB_TIMING_SAMPLES),
    pollStepPercent: String(Math.round(POLL_STEP_FRACTION * 100)),
    pollStepMinMs: String(POLL_STEP_MIN_MS),
    pollStepMax: secs(POLL_STEP_MAX_MS),
    pollMaxDelay: secs(POLL_MAX_DELAY_MS),
    pollMinDelayMs: String(POLL_MIN_DELAY_MS),
    coldPollRange: pollRange(cold),
    pollRange: pollRange(direct),
    started: results.started,
  };
  const sections = {
    engineErrors: engineErrors.length > 0,
    direct: direct.length > 0,
    engineSingle: engineSingle.length > 0,
    fleets: fleets.length > 0,
    noop: noop.length > 0,
    firstHour: firstHour !== undefined,
    details: details !== undefined,
    peer: peerSection !== undefined,
  };
  return fillTemplate(fs.readFileSync(path.join(REPO_ROOT, BENCHMARKS_TEMPLATE), "utf8"), values, sections);
}
