/**
 * `npm run bench`: how close the provider converges to the floor the cloud sets.
 *
 *   npm run bench                 everything (~12 min on 2 cores): writes BENCHMARKS.md,
 *                                 bench-results/latest.json and bench-results/wall-time.svg
 *   npm run bench -- --quick      smaller engine runs (K = 1, 20; a fleet of 50); writes bench-results/tmp/
 *   npm run bench -- --no-engine  the provider-direct scenarios and the model only (seconds); bench-results/tmp/
 *   npm run bench -- --out DIR    write the results to DIR instead
 *
 * Scenarios: (1) one listener rotates K certificates, through the provider directly (virtual time,
 * T = 10 s) and through `pulumi up` (real time, T = 10 s); (2) fleets of listeners each rotating 10
 * certificates in one `pulumi up` (T = 1 s) against a scaled-down rate limit; (3) a no-op `pulumi preview` and
 * `pulumi up` of the largest fleet; (4) a model of the per-certificate tools on the same simulator.
 * Exits 1 when a target is missed.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { directRotation, type RotationResult } from "./bench-direct";
import type { RunningSimulator } from "../simulator";
import { currentCommit, provenanceLine, sourcesDigest } from "../test/kit/figures";
import { ensurePulumiCli } from "../test/kit/pulumi";
import { defaultEngineParallelism, engineNoop, engineRotation, REPO_ROOT, type EngineRunResult, type EngineWorkspace, type MemorySeries } from "./bench-engine";
import { checkLines, ratio, secs, table, wallTimeSvg, type Check } from "./bench-report";
import { countCalls, idealFleetMs, serviceFloor, type CallCounts } from "./bench-stats";
import { benchCertificates, benchFixture, benchListenerId, startBenchWorld } from "./bench-fixture";
import { directChecks, engineChecks, jitteredChecks, summarizeJittered, wallTargetMs, type JitteredSummary } from "./targets";
import { PER_CERTIFICATE_TIMINGS, runPerCertificateModel } from "./per-certificate-model";
import {
  ASSOCIATE_BATCH_MAX,
  DISSOCIATE_BATCH_MAX,
  JOB_TIMING_SAMPLES,
  POLL_MAX_DELAY_MS,
  POLL_MIN_DELAY_MS,
  POLL_STEP_FRACTION,
  POLL_STEP_MAX_MS,
  POLL_STEP_MIN_MS,
} from "../provider/defaults";

interface Settings {
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
}

/** The jittered jobs of scenario 1b: about T/2 + T/30 per certificate, ±30 %. */
function jitteredJobs(settings: Settings): { baseMs: number; perCertificateMs: number; jitter: number } {
  return { baseMs: Math.round(settings.directJobMs / 2), perCertificateMs: Math.round(settings.directJobMs / 30), jitter: 0.3 };
}

function parseSettings(argv: readonly string[]): Settings {
  const quick = argv.includes("--quick");
  const noEngine = argv.includes("--no-engine");
  const outIndex = argv.indexOf("--out");
  const mode = noEngine ? "no-engine" : quick ? "quick" : "full";
  const outDir = outIndex >= 0 && argv[outIndex + 1] ? path.resolve(argv[outIndex + 1]!) : path.join(REPO_ROOT, "bench-results", mode === "full" ? "" : "tmp");
  const fleets = noEngine ? [] : quick ? [50] : [50, 200];
  return {
    mode,
    ks: [1, 5, 20, 40, 100],
    directJobMs: 10_000,
    modelParallelism: 8,
    engineKs: noEngine ? [] : quick ? [1, 20] : [1, 5, 20, 40, 100],
    // The reference T = 10 s, as in the direct runs: a fresh process's first wait polls on the cold
    // schedule (up to 2 s late), which a shorter T inflates out of proportion to the target's slack.
    engineJobMs: 10_000,
    fleetJobMs: 1_000,
    fleets,
    fleetCertificates: 10,
    // The documented 200 per 60 s, scaled down 5× in count and window: the same 3.3 mutations per
    // second, with jobs 10× shorter than T = 10 s, so that the limit, not the engine's default
    // parallelism, is what bounds the fleets.
    fleetLimit: { mutationsPerWindow: 40, rateWindowMs: 12_000 },
    noopFleet: fleets[fleets.length - 1],
    engineParallelism: defaultEngineParallelism(),
    outDir,
    jitterSeeds: [1, 2, 3, 4, 5],
    markdownPath: mode === "full" && outIndex < 0 ? path.join(REPO_ROOT, "BENCHMARKS.md") : path.join(outDir, "BENCHMARKS.md"),
  };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

interface ModelResult {
  readonly k: number;
  readonly wallMs: number;
  readonly boundMs: number;
  readonly calls: CallCounts;
  readonly polls: number;
  readonly failures: number;
  readonly converged: boolean;
}

async function modelRotation(k: number, jobMs: number, parallelism: number): Promise<ModelResult> {
  const world = await startBenchWorld(benchFixture({ listeners: 1, certificates: k }), jobMs);
  try {
    const listenerId = benchListenerId(0);
    const result = await runPerCertificateModel({
      endpoint: world.sim.endpoint,
      clock: world.clock,
      listenerId,
      add: benchCertificates(0, 1, k),
      remove: benchCertificates(0, 0, k),
      parallelism,
    });
    const live = world.sim.backend
      .listenerView(listenerId)
      .additional.map((c) => c.certificateId)
      .sort();
    return {
      k,
      wallMs: result.wallMs,
      boundMs: serviceFloor(world.sim.backend, k, k).floorMs,
      calls: countCalls(world.sim.backend.requestLog()),
      polls: result.polls,
      failures: result.failures,
      converged: JSON.stringify(live) === JSON.stringify(benchCertificates(0, 1, k).sort()),
    };
  } finally {
    await world.close();
  }
}

/** Memory of the provider process over a run: flat when the second half's peak stays within 10 % (or 16 MiB) of the first half's. */
function memorySummary(series: MemorySeries | undefined): { startMiB: number; firstHalfPeakMiB: number; secondHalfPeakMiB: number; endMiB: number; samples: number; flat: boolean } | undefined {
  const samples = series?.samples ?? [];
  if (samples.length < 4) return undefined;
  const t0 = samples[0]!.t;
  const t1 = samples[samples.length - 1]!.t;
  const mid = (t0 + t1) / 2;
  const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;
  const first = Math.max(...samples.filter((s) => s.t <= mid).map((s) => s.rssKiB));
  const second = Math.max(...samples.filter((s) => s.t > mid).map((s) => s.rssKiB));
  return {
    startMiB: mib(samples[0]!.rssKiB),
    firstHalfPeakMiB: mib(first),
    secondHalfPeakMiB: mib(second),
    endMiB: mib(samples[samples.length - 1]!.rssKiB),
    samples: samples.length,
    flat: second <= Math.max(first * 1.1, first + 16 * 1024),
  };
}

/** The range of polls per job over rows, e.g. `2.9–8.0`. */
function pollRange(rows: readonly RotationResult[]): string {
  const values = rows.map((r) => r.pollsPerJob);
  if (values.length === 0) return "–";
  const lo = Math.min(...values).toFixed(1);
  const hi = Math.max(...values).toFixed(1);
  return lo === hi ? lo : `${lo}–${hi}`;
}

function reads(c: CallCounts): number {
  return c.listAsynJobs + c.listListenerCertificates + c.getListenerAttribute;
}

function callsCell(c: CallCounts): string {
  return `${c.associate}+${c.dissociate}`;
}

function readsCell(c: CallCounts): string {
  return `${c.listAsynJobs} / ${c.listListenerCertificates} / ${c.getListenerAttribute}`;
}

function machine(): Record<string, string | number> {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    pulumiCli: "not used",
  };
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  const started = new Date();
  const info = machine();
  say(`alb-listener-certificates benchmark (${settings.mode}); ${info.cpus} CPUs, ${info.memoryGiB} GiB, Node ${info.node}`);
  const checks: Check[] = [];

  // 1. Provider-direct, virtual time.
  const direct: RotationResult[] = [];
  const cold: RotationResult[] = [];
  for (const k of settings.ks) {
    const r = await directRotation(k, settings.directJobMs);
    const c = await directRotation(k, settings.directJobMs, { learn: false });
    direct.push(r);
    cold.push(c);
    say(`direct K=${k}: ${secs(r.wallMs)} (floor ${secs(r.boundMs)}), ${r.calls.associate + r.calls.dissociate} mutations, ${r.pollsPerJob.toFixed(1)} polls/job; cold schedule: ${secs(c.wallMs)}, ${c.pollsPerJob.toFixed(1)} polls/job`);
    checks.push(...directChecks(r, `T=${secs(settings.directJobMs)} virtual`));
  }

  // 1b. Provider-direct with size-dependent, jittered job durations (base + per certificate × n, ±30 %), each K
  // with several simulator seeds: the floor is the optimal batches' mean durations by the simulator's job
  // model, and the target is on the mean wall of the seeds.
  const jittered: JitteredSummary[] = [];
  for (const k of settings.ks) {
    const jobDuration = jitteredJobs(settings);
    const runs: RotationResult[] = [];
    for (const seed of settings.jitterSeeds) runs.push(await directRotation(k, settings.directJobMs, { jobDuration, seed }));
    const summary = summarizeJittered(runs);
    jittered.push(summary);
    say(`direct K=${k}, jittered jobs: mean ${secs(summary.meanWallMs)} over ${runs.length} seeds (floor ${secs(summary.boundMs)})`);
    checks.push(...jitteredChecks(summary));
  }

  // 4. The per-certificate model, same simulator and clock settings.
  const model: ModelResult[] = [];
  for (const k of settings.ks) {
    const m = await modelRotation(k, settings.directJobMs, settings.modelParallelism);
    model.push(m);
    say(`per-certificate model K=${k}: ${secs(m.wallMs)}, ${m.calls.associate + m.calls.dissociate} mutation calls (${m.calls.busy} refused busy), ${m.polls} polls, ${m.failures} failed resource(s)`);
  }

  // 1 (engine), 2 and 3: the real CLI.
  const engineSingle: EngineRunResult[] = [];
  const fleets: (EngineRunResult & { idealMs: number })[] = [];
  const noop: EngineRunResult[] = [];
  const engineErrors: string[] = [];
  if (settings.engineKs.length + settings.fleets.length > 0) {
    const cliDir = await ensurePulumiCli();
    info.pulumiCli = execFileSync(path.join(cliDir, "pulumi"), ["version"], { env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" }, encoding: "utf8" }).trim();
    say(`pulumi ${info.pulumiCli} from ${cliDir}; engine parallelism ${settings.engineParallelism} (4 × ${info.cpus} CPUs)`);
    for (const k of settings.engineKs) {
      try {
        const r = await engineRotation(`pulumi up, K=${k}`, 1, k, settings.engineJobMs, { mutationsPerWindow: 200, rateWindowMs: 60_000 });
        engineSingle.push(r);
        say(`pulumi up K=${k}: CLI ${secs(r.cliMs)}, provider span ${secs(r.spanMs)} (floor ${secs(r.boundMs)}), ${r.calls.associate + r.calls.dissociate} mutations`);
        checks.push(...engineChecks(r, `T=${secs(settings.engineJobMs)}`));
      } catch (error) {
        engineErrors.push(`pulumi up K=${k}: ${String(error)}`);
        checks.push({ name: `one listener, K=${k}, pulumi up`, pass: false, detail: String(error).split("\n")[0]! });
      }
    }
    for (const n of settings.fleets) {
      try {
        const after =
          n === settings.noopFleet
            ? async (ws: EngineWorkspace, sim: RunningSimulator) => {
                noop.push(await engineNoop(ws, sim, `no-op preview, ${n} resources`, n, ["preview"]));
                noop.push(await engineNoop(ws, sim, `no-op up, ${n} resources`, n, ["up", "--yes", "--skip-preview"]));
              }
            : undefined;
        const r = await engineRotation(`fleet of ${n}`, n, settings.fleetCertificates, settings.fleetJobMs, settings.fleetLimit, after);
        const idealMs = idealFleetMs({
          listeners: n,
          jobsPerListener: r.jobsPerListener,
          jobMs: settings.fleetJobMs,
          ...settings.fleetLimit,
          parallelism: settings.engineParallelism,
        });
        fleets.push({ ...r, idealMs });
        const mem = memorySummary(r.providerMemory);
        say(`fleet ${n}: CLI ${secs(r.cliMs)}, provider span ${secs(r.spanMs)}; floor ${secs(idealMs)} (rate-limit bound ${secs(r.bounds!.rateMs)}); ${r.calls.throttled} throttled calls; memory ${mem ? `${mem.firstHalfPeakMiB} → ${mem.secondHalfPeakMiB} MiB` : "not sampled"}`);
        const failures = r.exitCode !== 0 || !r.converged || r.calls.failed > 0;
        checks.push({ name: `fleet of ${n}: provider span ≤ 1.25 × floor`, pass: r.spanMs <= 1.25 * idealMs && !failures, detail: `${secs(r.spanMs)} ≤ ${secs(1.25 * idealMs)} (${ratio(r.spanMs, idealMs)} the floor, ${ratio(r.spanMs, r.bounds!.rateMs)} the rate-limit bound; CLI wall ${secs(r.cliMs)})` });
        checks.push({ name: `fleet of ${n}: zero failures`, pass: !failures, detail: `exit ${r.exitCode}, ${r.converged ? "every listener holds its new set" : "NOT converged"}, ${r.calls.failed} failed call(s)` });
        checks.push({ name: `fleet of ${n}: throttling absorbed`, pass: !failures, detail: `${r.calls.throttled} throttled call(s), none surfaced` });
        if (n === settings.fleets[settings.fleets.length - 1]) {
          checks.push({ name: `provider process memory flat across the fleet of ${n}`, pass: mem?.flat ?? false, detail: mem ? `peak ${mem.firstHalfPeakMiB} MiB in the first half of the run, ${mem.secondHalfPeakMiB} MiB in the second (end ${mem.endMiB} MiB)` : "not sampled" });
        }
      } catch (error) {
        engineErrors.push(`fleet ${n}: ${String(error)}`);
        checks.push({ name: `fleet of ${n}`, pass: false, detail: String(error).split("\n")[0]! });
      }
    }
    for (const r of noop) {
      const mutations = r.calls.associate + r.calls.dissociate + r.calls.dryRun;
      say(`${r.label}: CLI ${secs(r.cliMs)}, ${mutations} mutation calls, ${reads(r.calls)} reads`);
      checks.push({ name: `${r.label}: no mutation calls`, pass: mutations === 0 && r.exitCode === 0, detail: `${mutations} (exit ${r.exitCode})` });
      checks.push({ name: `${r.label}: at most one read per listener`, pass: reads(r.calls) <= r.listeners, detail: `${reads(r.calls)} reads for ${r.listeners} listeners (${readsCell(r.calls)} ListAsynJobs / ListListenerCertificates / GetListenerAttribute)` });
    }
  }

  const finished = new Date();
  const results = {
    generated: finished.toISOString(),
    durationSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
    mode: settings.mode,
    machine: info,
    commit: currentCommit(REPO_ROOT),
    sourcesDigest: sourcesDigest(REPO_ROOT),
    settings: { ...settings, outDir: path.relative(REPO_ROOT, settings.outDir) || ".", markdownPath: path.relative(REPO_ROOT, settings.markdownPath), perCertificateTimings: PER_CERTIFICATE_TIMINGS },
    direct,
    directColdSchedule: cold,
    directJittered: jittered,
    perCertificateModel: model,
    engineSingle: engineSingle.map(({ providerMemory, ...r }) => ({ ...r, providerMemory: memorySummary(providerMemory) })),
    fleets: fleets.map(({ providerMemory, ...r }) => ({
      ...r,
      providerMemory: memorySummary(providerMemory),
      providerMemorySeries: providerMemory?.samples.filter((_, i) => i % 4 === 0).map((s) => [s.t, s.rssKiB]),
    })),
    noop: noop.map(({ providerMemory, ...r }) => ({ ...r, providerMemory: memorySummary(providerMemory) })),
    engineErrors,
    checks,
  };

  const svg = wallTimeSvg(
    "Rotating K certificates on one listener",
    `virtual time, each job T = ${secs(settings.directJobMs)}; per-certificate model at parallelism ${settings.modelParallelism}`,
    [
      { name: "per-certificate model", color: "#d62728", points: model.map((m) => [m.k, m.wallMs / 1000, m.failures > 0] as const) },
      { name: "floor (jobs × T)", color: "#2ca02c", dashed: true, line: true, points: direct.map((r) => [r.k, r.boundMs / 1000] as const) },
      { name: "this provider", color: "#1f77b4", points: direct.map((r) => [r.k, r.wallMs / 1000] as const) },
    ],
  );

  const markdown = renderMarkdown(settings, info, results, direct, cold, jittered, model, engineSingle, fleets, noop, checks, engineErrors, started, finished);
  fs.mkdirSync(settings.outDir, { recursive: true });
  fs.writeFileSync(path.join(settings.outDir, "latest.json"), JSON.stringify(results, null, 2) + "\n");
  fs.writeFileSync(path.join(settings.outDir, "wall-time.svg"), svg);
  fs.writeFileSync(settings.markdownPath, markdown);

  say("");
  say(tablesText(settings, direct, cold, jittered, model, engineSingle, fleets, noop));
  say("");
  for (const line of checkLines(checks)) say(line);
  for (const e of engineErrors) say(`error: ${e.split("\n").slice(0, 20).join("\n")}`);
  say("");
  say(`wrote ${path.relative(REPO_ROOT, settings.markdownPath)}, ${path.relative(REPO_ROOT, path.join(settings.outDir, "latest.json"))}, ${path.relative(REPO_ROOT, path.join(settings.outDir, "wall-time.svg"))} (${results.durationSeconds} s)`);
  if (checks.some((c) => !c.pass)) process.exitCode = 1;
}

/** The engine's own share of the one-listener runs: CLI wall minus provider span, as a range. */
function engineOverhead(rows: readonly EngineRunResult[]): string {
  const overheads = rows.map((r) => r.cliMs - r.spanMs).sort((a, b) => a - b);
  if (overheads.length === 0) return "–";
  return `${secs(overheads[0]!)} to ${secs(overheads[overheads.length - 1]!)}`;
}

const JITTERED_TITLE = (settings: Settings): string =>
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
    ["K", "seeds", "mean wall (virtual)", "each seed's wall", "floor", "mean / floor", "target ≤", "mutation calls per run (min)", "dry runs per run", "polls/job (mean)"],
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

function engineSingleTable(rows: readonly EngineRunResult[]): string {
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

function fleetTable(rows: readonly (EngineRunResult & { idealMs: number })[]): string {
  return table(
    ["listeners", "CLI wall", "provider span", "floor (ideal schedule)", "rate-limit bound", "engine bound", "span / floor", "span / rate bound", "mutations accepted (min)", "throttled calls", "dry runs", "failed calls", "polls/job", "provider RSS (1st → 2nd half peak)"],
    rows.map((r) => {
      const mem = memorySummary(r.providerMemory);
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

function noopTable(rows: readonly EngineRunResult[]): string {
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

function tablesText(
  settings: Settings,
  direct: readonly RotationResult[],
  cold: readonly RotationResult[],
  jittered: readonly JitteredSummary[],
  model: readonly ModelResult[],
  engineSingle: readonly EngineRunResult[],
  fleets: readonly (EngineRunResult & { idealMs: number })[],
  noop: readonly EngineRunResult[],
): string {
  const parts = [
    `One listener, provider direct (virtual time, T = ${secs(settings.directJobMs)})`,
    directTable(direct, cold),
    "",
    JITTERED_TITLE(settings),
    jitteredTable(jittered),
    "",
    "Per-certificate model, side by side",
    modelTable(direct, model),
  ];
  if (engineSingle.length) parts.push("", `One listener, pulumi up (real time, T = ${secs(settings.engineJobMs)})`, engineSingleTable(engineSingle));
  if (fleets.length) parts.push("", `Fleets, one pulumi up each (T = ${secs(settings.fleetJobMs)}, ${settings.fleetLimit.mutationsPerWindow} mutations per ${secs(settings.fleetLimit.rateWindowMs)})`, fleetTable(fleets));
  if (noop.length) parts.push("", "No-op runs", noopTable(noop));
  return parts.join("\n");
}

function renderMarkdown(
  settings: Settings,
  info: Record<string, string | number>,
  results: { durationSeconds: number },
  direct: readonly RotationResult[],
  cold: readonly RotationResult[],
  jittered: readonly JitteredSummary[],
  model: readonly ModelResult[],
  engineSingle: readonly EngineRunResult[],
  fleets: readonly (EngineRunResult & { idealMs: number })[],
  noop: readonly EngineRunResult[],
  checks: readonly Check[],
  engineErrors: readonly string[],
  started: Date,
  finished: Date,
): string {
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
  out.push(provenanceLine(REPO_ROOT, settings.mode === "full" ? "npm run bench" : `npm run bench -- --${settings.mode}`));
  out.push("");
  out.push(`**Last run:** ${finished.toISOString()} (${settings.mode} mode, ${results.durationSeconds} s). **Result:** ${checks.length - failed} of ${checks.length} targets met${failed ? `, ${failed} missed` : ""}.`);
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
  out.push(`![Wall time against K: this provider, the floor and the per-certificate model](${svgLink})`);
  out.push("");
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
      `behaviour), each K run once per simulator seed (${settings.jitterSeeds.join(", ")}): the *floor* is then the sum of the mean ` +
      "durations the simulator's job model gives the fewest batches (any plan with the fewest batches takes the same total), and " +
      "the wall target applies to the mean of the seeds' walls.",
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
  out.push("## What the provider does to sit on the floor");
  out.push("");
  out.push(
    `- **Batches**: ${ASSOCIATE_BATCH_MAX} certificates per Associate, ${DISSOCIATE_BATCH_MAX} per Dissociate (the provider's settings), one job at a time per listener, so the number of jobs is the minimum the service allows.\n` +
      `- **Learned job duration** (provider/job-timing.ts): the provider process keeps the recent job durations per listener ` +
      `(median of ${JOB_TIMING_SAMPLES}; the last job of any listener for a new one). A wait then sleeps until the job's expected end and looks every ` +
      `${Math.round(POLL_STEP_FRACTION * 100)} % of it (${POLL_STEP_MIN_MS} ms to ${secs(POLL_STEP_MAX_MS)}), backing off to ${secs(POLL_MAX_DELAY_MS)} if the job runs late. Without a sample (the first job of a process) it polls ` +
      `at once, then ${POLL_MIN_DELAY_MS} ms doubling to ${secs(POLL_MAX_DELAY_MS)} with full jitter. With T = ${secs(settings.directJobMs)} (section 1) this takes polls per job from ` +
      `${pollRange(cold)} with learning switched off to ${pollRange(direct)} with it.\n` +
      "- **Throttle gate** (provider/throttle-gate.ts): once a mutation is throttled, the process's mutations queue and go one at a " +
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
  out.push(`Run started ${started.toISOString()}.`);
  out.push("");
  return out.join("\n");
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
