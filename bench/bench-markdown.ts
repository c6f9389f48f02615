/**
 * BENCHMARKS.md from the benchmark's machine-readable result (bench-results/latest.json): a pure function
 * of that document, so that the published page can be re-derived from the committed result and compared
 * (test/unit/published-figures.test.ts). `npm run bench` writes both.
 */
import * as path from "node:path";
import type { RotationResult } from "./bench-direct";
import type { EngineRunResult } from "./bench-engine";
import { centisecs, checkLines, ratio, secs, table, type Check } from "./bench-report";
import type { CallCounts } from "../test/kit/request-log";
import type { FirstHourResult } from "./first-hour-types";
import { FIRST_CALL_BUDGET_MS, firstHourBaselineMs, firstHourSummaries, firstHourWallCeilingMs, wallTargetMs, type FirstHourSummary, type JitteredSummary } from "./targets";
import { provenanceLine } from "../test/kit/figures";
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
  /** With `--only`: the scenarios this run was limited to (a partial run, never the published one). */
  readonly only?: readonly BenchScenario[];
}

/** The scenarios `--only` can name. */
export const BENCH_SCENARIOS = ["direct", "engine", "fleets", "first-hour"] as const;
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

/** The tables as plain text, for the terminal. */
export function tablesText(results: BenchResults): string {
  const { settings, direct, directColdSchedule: cold, directJittered: jittered, perCertificateModel: model, engineSingle, fleets, noop, firstHour } = results;
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
  return parts.join("\n");
}

/**
 * BENCHMARKS.md (or the Markdown of a quick run) from its result document; `peerSection`, section 6 (the
 * real peer, rendered from its own result by bench/peer-markdown.ts), stands after section 5.
 */
export function renderBenchmarks(results: BenchResults, peerSection?: string): string {
  const { settings, machine: info, direct, directColdSchedule: cold, directJittered: jittered, perCertificateModel: model, engineSingle, fleets, noop, firstHour, checks, engineErrors } = results;
  const svgLink = path.relative(path.dirname(settings.markdownPath), path.join(settings.outDir, "wall-time.svg")) || "wall-time.svg";
  const jsonLink = path.relative(path.dirname(settings.markdownPath), path.join(settings.outDir, "latest.json")) || "latest.json";
  const failed = checks.filter((c) => !c.pass).length;
  const lim = settings.fleetLimit;
  const out: string[] = [];
  out.push("# Benchmarks");
  out.push("");
  const service = direct[0]?.limits;
  const perCall = service === undefined ? "–" : `${service.associate} per Associate and ${service.dissociate} per Dissociate`;
  out.push(
    "How close the provider converges to the floor the service sets. Every floor is computed from the simulator alone, never from " +
      "the provider's settings: the most certificates it accepts per call in the profile the scenario runs (here " +
      `${perCall}: the \`dissociateLimit15\` profile, the API metadata's stricter Dissociate limit), the fewest jobs that implies ` +
      "(a listener runs one job at a time, so ceil(added/Associate limit) + ceil(removed/Dissociate limit) jobs in sequence), and " +
      "the duration the simulator's job model gives those batches. A fleet is further bounded by the API rate limit and by how many " +
      "resources the engine applies at once. This file is written by `npm run bench` (bench/bench.ts) and holds the figures of " +
      `its last full run; the raw figures are in [${jsonLink}](${jsonLink}).`,
  );
  out.push("");
  out.push(provenanceLine(results.commit, results.sourcesDigest, results.command));
  out.push("");
  out.push(`**Last run:** ${results.generated} (${settings.mode} mode, ${results.durationSeconds} s). **Result:** ${checks.length - failed} of ${checks.length} targets met${failed ? `, ${failed} missed` : ""}.`);
  out.push("");
  out.push("## Machine and settings");
  out.push("");
  out.push(
    table(
      ["", ""],
      [
        ["CPUs (`nproc`)", `${info.cpus} (${info.cpuModel})`],
        ["memory", `${info.memoryGiB} GiB`],
        ["Node.js", String(info.node)],
        ["OS", String(info.os)],
        ["Pulumi CLI", String(info.pulumiCli)],
        ["engine parallelism", `${settings.engineParallelism} (Pulumi's default: 4 × GOMAXPROCS)`],
        ["provider-direct runs and the model", `virtual time shared by provider and simulator; T = ${secs(settings.directJobMs)}; rate limit 200 / 60 s; K = ${settings.ks.join(", ")}`],
        ["one listener, pulumi up", `real time; T = ${secs(settings.engineJobMs)}; one listener: K = ${settings.engineKs.join(", ") || "–"}, rate limit 200 / 60 s`],
        ["fleets", `real time; T = ${secs(settings.fleetJobMs)}; ${settings.fleets.join(" and ") || "–"} listeners × ${settings.fleetCertificates} certificates rotated; rate limit scaled to ${lim.mutationsPerWindow} mutations per ${secs(lim.rateWindowMs)}`],
        ["per-certificate model", `parallelism ${settings.modelParallelism}; retry: 5 s + 0.5 s doubling to 10 s; wait: 5 s, then 3 s doubling to 10 s; 5 min timeout per resource`],
        ["quota", "300 additional certificates per listener (the largest ALB grants), so that old and new sets fit during a rotation"],
        ...(firstHour
          ? [["first-hour failures", `real time; ${firstHour.program}, one new stack per mistake, demo world, T = ${secs(firstHour.jobMs)}; ${firstHour.repetitions} run(s) of each command, in rounds`]]
          : []),
      ],
    ),
  );
  out.push("");
  out.push("## Targets");
  out.push("");
  out.push("```");
  out.push(...checkLines(checks));
  out.push("```");
  if (engineErrors.length) {
    out.push("");
    out.push("Errors:");
    out.push("");
    out.push("```");
    out.push(...engineErrors.map((e) => e.split("\n").slice(0, 12).join("\n")));
    out.push("```");
  }
  out.push("");
  if (direct.length) {
    out.push(`![Wall time against K: this provider, the floor and the per-certificate model](${svgLink})`);
    out.push("");
  }
  out.push(`## 1. One listener rotates K certificates, through the provider directly (virtual time, T = ${secs(settings.directJobMs)})`);
  out.push("");
  out.push(
    "The provider runs in this process against the simulator over real HTTP (`@alicloud/pop-core`), driven in the engine's order " +
      "(check → diff → update) as a fresh provider process, as every `pulumi up` is. Both share a virtual clock: sleeps take no real " +
      "time and requests take no virtual time, so the wall time is the sum of the waits on the critical path, in virtual seconds. " +
      "*Floor* = minimum jobs × T (the simulator's batch limits and job time). *Mutation calls* = Associate + Dissociate calls that are not dry runs; *dry runs* are the " +
      "validation calls of the diff (it names what the update will add). *Reads* = ListAsynJobs / ListListenerCertificates / " +
      "GetListenerAttribute. *Polls/job* = job looks (ListAsynJobs) per job. The last column is the same run with job-duration " +
      "learning switched off (the provider's poll schedule before this benchmark: look at once, then 250 ms doubling to 2 s).",
  );
  out.push("");
  out.push(directTable(direct, cold));
  out.push("");
  out.push(`### ${JITTERED_TITLE(settings)}`);
  out.push("");
  out.push(
    "The same rotations when jobs take `T/2 + T/30 × certificates` with ±30 % seeded jitter (the simulator's job-duration " +
      `behaviour), each K run once per simulator seed (${settings.jitterSeeds.join(", ")}): each seed's *floor* is the sum of the ` +
      "durations the simulator gives the fewest batches as its next jobs (it draws job jitter from a generator of its own, so " +
      "those are exactly the durations a plan of the fewest batches gets), and the wall target applies to the mean of the " +
      "seeds' walls against the mean of their floors.",
  );
  out.push("");
  out.push(jitteredTable(jittered));
  if (engineSingle.length) {
    out.push("");
    out.push(`### Through \`pulumi up\` (real time, T = ${secs(settings.engineJobMs)})`);
    out.push("");
    out.push(
      "The real CLI runs bench/programs/fleet (one resource) with `pulumi up --yes --skip-preview` after a first `up` adopted the old " +
        "set. *CLI wall* is the whole command, including the engine's fixed cost (CLI start, TypeScript compile of the program, " +
        `plugin start, state writes: ${engineOverhead(engineSingle)} here). *Provider span* is first to last API request of the run (simulator log); the ` +
        "target applies to it. The one dry run per batch to add is the diff's validation (nothing else is being applied yet when it " +
        "runs).",
    );
    out.push("");
    out.push(engineSingleTable(engineSingle));
  }
  if (fleets.length) {
    out.push("");
    out.push(`## 2. Fleets: every listener rotates ${settings.fleetCertificates} certificates in one \`pulumi up\``);
    out.push("");
    out.push(
      `\`pulumi up --yes --skip-preview\` at the default parallelism (${settings.engineParallelism}), T = ${secs(settings.fleetJobMs)}, ` +
        `the simulator enforcing ${lim.mutationsPerWindow} mutations per ${secs(lim.rateWindowMs)} (a sliding window): the documented ` +
        `200 per 60 s scaled down ${60_000 / lim.rateWindowMs}× in both, i.e. the same mutations per second while jobs are ` +
        `${10_000 / settings.fleetJobMs}× shorter than T = 10 s, so the limit binds even at parallelism ${settings.engineParallelism} ` +
        `(at the real ratio, 33 mutations per 10 s job, it would not: ${settings.engineParallelism} resources issue at most one ` +
        "mutation per job time each). Each listener needs 2 jobs. Three lower bounds: the *rate-limit " +
        "bound* floor((M−1)/limit) × window + T for M = 2 × listeners mutations; the *engine bound* ceil(listeners/P) × 2T; and the " +
        "*floor*, the ideal schedule of P workers under the window with zero request time and exact polling (it is above both when " +
        "the engine cannot issue mutations as fast as the window refills). The target is on the floor; the ratio to the rate-limit " +
        "bound is shown too. RSS is the dynamic-provider process's resident memory, sampled every 250 ms.",
    );
    out.push("");
    out.push(fleetTable(fleets));
  }
  if (noop.length) {
    out.push("");
    out.push("## 3. No-op runs (the cost of check, diff and read)");
    out.push("");
    out.push(
      "On the converged fleet stack. A no-op diff reads each listener's certificates once (so that `up` repairs drift without a " +
        "refresh); check makes no call for an existing resource.",
    );
    out.push("");
    out.push(noopTable(noop));
  }
  out.push("");
  out.push("## 4. The per-certificate approach, modelled on the same simulator");
  out.push("");
  out.push(
    "bench/per-certificate-model.ts models `alicloud_alb_listener_additional_certificate_attachment` (Terraform) and " +
      "`alicloud.alb.ListenerAdditionalCertificateAttachment` (Pulumi, bridged) as docs/per-certificate-tools.md " +
      "describes them: one resource and one call per certificate, ClientToken fixed per create/delete; on a busy listener or " +
      "throttling it sleeps 5 s, then the SDK's retry waits 0.5 s doubling to 10 s; the JobId is ignored and the wait polls " +
      "ListListenerCertificates (50 per page, every page) after 5 s, then every 3 s doubling to 10 s; a create reads once more; " +
      `5 min timeout per resource. A rotation is K replacements: K creates, then the K deletes, ${settings.modelParallelism} at a ` +
      "time. Same simulator, same virtual clock and T. Attachments on one listener race for it: all but one are refused with " +
      "`ResourceInConfiguring.Listener` while a job runs, and a resource that keeps losing the race for 5 minutes fails (× in the " +
      "plot; the model carries on, where a real `pulumi up` would stop at the first failure with the rotation half done).",
  );
  out.push("");
  out.push(modelTable(direct, model));
  out.push("");
  if (firstHour) {
    out.push("## 5. A user's first-hour mistakes, through the real CLI");
    out.push("");
    out.push(
      `The mistakes of [docs/first-hour.md](${path.relative(path.dirname(settings.markdownPath), "docs/first-hour.md")}) (the behaviour is asserted by test/e2e/first-hour.test.ts), each on a new stack of ` +
        `\`${firstHour.program}\` against an in-process simulator of the demo world (bench/bench-first-hour.ts). Every round runs a no-op ` +
        "`pulumi preview` and `pulumi up` of a one-resource stack of the same program, then each mistake's `pulumi preview` and " +
        `\`pulumi up --yes --skip-preview\`, one command at a time; ${firstHour.repetitions} round(s). *Wall* is spawn to exit of the CLI. ` +
        "*First call → exit* runs from the moment a server saw the provider's first call (the HTML server's first request, the " +
        "plain-HTTP server's first TCP connection for TLS, the simulator's request log) to the exit, on the benchmark process's clock " +
        "(the simulator runs in it on the wall clock); on a closed port nothing sees the call, so only the wall time is measured. A run " +
        "counts only when it failed (exit code not 0) with the expected message and the expected requests; otherwise the scenario fails " +
        `and records nothing. Targets: every run fails within ${secs(FIRST_CALL_BUDGET_MS)} of the provider's first call (the ` +
        "requirement), and no run's wall exceeds the median no-op run of the same command plus those " +
        `${secs(FIRST_CALL_BUDGET_MS)} (a failure costs no more than doing nothing plus the requirement's budget). *Each run's wall* is in ` +
        "round order: a mistake's first run is the first command of its new stack, which also type-checks and compiles the program " +
        "(ts-node caches the result for the later runs), so it is usually the max; the baseline's stack was created before the rounds, " +
        `so its no-op runs, the ceiling's base, are all compiled already, and the compile is paid out of the ${secs(FIRST_CALL_BUDGET_MS)}.`,
    );
    out.push("");
    out.push(firstHourTable(firstHour));
    out.push("");
    out.push(firstHourBaselineTable(firstHour));
    out.push("");
  }
  if (peerSection !== undefined) {
    out.push(peerSection);
    out.push("");
  }
  out.push("## What the provider does to sit on the floor");
  out.push("");
  out.push(
    `- **Batches**: ${ASSOCIATE_BATCH_MAX} certificates per Associate, ${DISSOCIATE_BATCH_MAX} per Dissociate (the provider's settings), one job at a time per listener, so the number of jobs is the minimum the service allows.\n` +
      `- **Learned job duration** (provider/core/job-timing.ts): the provider process keeps the recent job durations per listener ` +
      `(median of ${JOB_TIMING_SAMPLES}; the last job of any listener for a new one). A wait then sleeps until the job's expected end and looks every ` +
      `${Math.round(POLL_STEP_FRACTION * 100)} % of it (${POLL_STEP_MIN_MS} ms to ${secs(POLL_STEP_MAX_MS)}), backing off to ${secs(POLL_MAX_DELAY_MS)} if the job runs late. Without a sample (the first job of a process) it polls ` +
      `at once, then ${POLL_MIN_DELAY_MS} ms doubling to ${secs(POLL_MAX_DELAY_MS)} with full jitter. With T = ${secs(settings.directJobMs)} (section 1) this takes polls per job from ` +
      `${pollRange(cold)} with learning switched off to ${pollRange(direct)} with it.\n` +
      "- **Throttle gate** (provider/core/throttle-gate.ts): once a mutation is throttled, the process's mutations queue and go one at a " +
      "time; one that gets through lets the next go at once, a throttled one pauses the queue 250 ms doubling to 1 s. Freed quota is " +
      "used within a pause instead of sitting idle while every call sleeps on its own 0.5–10 s backoff.\n" +
      "- **No validation dry runs while applying**: dry runs count against the same mutation quota. While the process runs a " +
      "create, update or delete (an update run; a preview never calls them), diff and check leave the dry run out, since the " +
      "apply's own call validates the same thing. Previews still dry-run.",
  );
  out.push("");
  out.push("## Caveats");
  out.push("");
  out.push(
    "- Virtual time counts waits only; real API requests take tens of milliseconds each, which the provider-direct figures leave out " +
      "(the engine runs include them, against a local simulator).\n" +
      "- The engine runs are real time on a small machine shared by the CLI, the language host, the provider process and the " +
      "simulator; their figures vary by a few percent between runs.\n" +
      "- The fleet's rate limit is scaled (see above). At the real 200 per 60 s with T = 10 s, default parallelism is what bounds a " +
      "fleet, not the rate limit.\n" +
      "- `pulumi up` without `--skip-preview` first runs a preview, whose diffs each make one validation dry run per changed " +
      "listener; on a large fleet those spend mutation quota too (scenario 3 measures the no-op preview only).",
  );
  out.push("");
  out.push(`Run started ${results.started}.`);
  out.push("");
  return out.join("\n");
}

