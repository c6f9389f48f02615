/**
 * `npm run bench`: how close the provider converges to the floor the cloud sets.
 *
 *   npm run bench                 everything (~16 min on 2 cores): writes BENCHMARKS.md,
 *                                 bench-results/latest.json and bench-results/wall-time.svg
 *   npm run bench -- --quick      smaller engine runs (K = 1, 20; a fleet of 50; one round of the CLI scenarios); writes bench-results/tmp/
 *   npm run bench -- --no-engine  the provider-direct scenarios and the model only (seconds); bench-results/tmp/
 *   npm run bench -- --out DIR    write the results to DIR instead
 *   npm run bench -- --only first-hour[,engine,…]
 *                                 only the named scenarios (direct, engine, fleets, first-hour, details; with --quick,
 *                                 their quick size); a partial run: writes bench-results/tmp/ unless --out
 *                                 says otherwise, and never renders the published documents
 *
 * Scenarios: (1) one listener rotates K certificates, through the provider directly (virtual time,
 * T = 10 s) and through `pulumi up` (real time, T = 10 s); (2) fleets of listeners each rotating 10
 * certificates in one `pulumi up` (T = 1 s) against a scaled-down rate limit; (3) a no-op `pulumi preview` and
 * `pulumi up` of the largest fleet; (4) a model of the per-certificate tools on the same simulator; (5) a
 * user's first-hour mistakes failing `pulumi preview` and `pulumi up` (bench/bench-first-hour.ts); (7) what
 * reading certificate details costs a rotation's `pulumi preview` and `pulumi up`, with and without
 * `readCertificateDetails: false` (bench/bench-details.ts).
 * Exits 1 when a target is missed.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { directRotation, type RotationResult } from "./bench-direct";
import type { RunningSimulator } from "../simulator";
import { currentCommit, sourcesDigest } from "../test/kit/figures";
import { ensurePulumiCli } from "../test/kit/pulumi";
import { defaultEngineParallelism, engineNoop, engineRotation, REPO_ROOT, type EngineRunResult, type EngineWorkspace, type MemorySeries } from "./bench-engine";
import { checkLines, ratio, secs, wallTimeSvg, type Check } from "./bench-report";
import { countCalls, liveIds } from "../test/kit/request-log";
import { idealFleetMs, serviceFloor } from "./bench-stats";
import { benchCertificates, benchFixture, benchListenerId, startBenchWorld } from "./bench-fixture";
import { publish as publishFigures } from "../figures/publish";
import { BENCH_SCENARIOS, reads, readsCell, renderBenchmarks, tablesText, type BenchResults, type BenchScenario, type BenchSettings, type ModelResult } from "./bench-markdown";
import { FIRST_HOUR_MISTAKES, type FirstHourResult } from "./first-hour-types";
import { firstHourScenario } from "./bench-first-hour";
import { detailsScenario } from "./bench-details";
import type { DetailsResult } from "./details-types";
import { detailsChecks, directChecks, engineChecks, firstHourChecks, jitteredChecks, summarizeJittered, type JitteredSummary } from "./targets";
import { PER_CERTIFICATE_TIMINGS, runPerCertificateModel } from "./per-certificate-model";

/** The run's settings (paths absolute while running; the result document stores them relative). */
type Settings = BenchSettings;

/** The jittered jobs of scenario 1b: about T/2 + T/30 per certificate, ±30 %. */
function jitteredJobs(settings: Settings): { baseMs: number; perCertificateMs: number; jitter: number } {
  return { baseMs: Math.round(settings.directJobMs / 2), perCertificateMs: Math.round(settings.directJobMs / 30), jitter: 0.3 };
}

/** `--only a,b`: the scenarios named (undefined: all of them). */
function parseOnly(argv: readonly string[]): BenchScenario[] | undefined {
  const index = argv.indexOf("--only");
  if (index < 0) return undefined;
  const names = (argv[index + 1] ?? "").split(",").filter(Boolean);
  const unknown = names.filter((n) => !(BENCH_SCENARIOS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes a comma-separated list of ${BENCH_SCENARIOS.join(", ")}${unknown.length ? ` (unknown: ${unknown.join(", ")})` : ""}`);
  }
  return names as BenchScenario[];
}

function parseSettings(argv: readonly string[]): Settings {
  const quick = argv.includes("--quick");
  const noEngine = argv.includes("--no-engine");
  const outIndex = argv.indexOf("--out");
  const only = parseOnly(argv);
  const runs = (scenario: BenchScenario): boolean => only === undefined || only.includes(scenario);
  const mode = noEngine ? "no-engine" : quick ? "quick" : "full";
  // Only a whole full run is the published one.
  const published = mode === "full" && only === undefined;
  const outDir = outIndex >= 0 && argv[outIndex + 1] ? path.resolve(argv[outIndex + 1]!) : path.join(REPO_ROOT, "bench-results", published ? "" : "tmp");
  const fleets = noEngine || !runs("fleets") ? [] : quick ? [50] : [50, 200];
  return {
    mode,
    ...(only === undefined ? {} : { only }),
    ks: runs("direct") ? [1, 5, 20, 40, 100] : [],
    directJobMs: 10_000,
    modelParallelism: 8,
    engineKs: noEngine || !runs("engine") ? [] : quick ? [1, 20] : [1, 5, 20, 40, 100],
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
    // Three runs of each command give a median and a max; a quick run makes one.
    firstHourRepetitions: noEngine || !runs("first-hour") ? 0 : quick ? 1 : 3,
    // One listener replacing 1 and 10 certificates; rounds as the first hour's (three give a median).
    detailsKs: noEngine || !runs("details") ? [] : [1, 10],
    detailsRepetitions: noEngine || !runs("details") ? 0 : quick ? 1 : 3,
    // Jobs as short as the fleets': the job waits are the same with and without details, and only lengthen the runs.
    detailsJobMs: 1_000,
    markdownPath: published && outIndex < 0 ? path.join(REPO_ROOT, "BENCHMARKS.md") : path.join(outDir, "BENCHMARKS.md"),
  };
}

/** The command line that reproduces a run (`--out` left out). */
function commandOf(settings: Settings): string {
  const flags = [...(settings.mode === "full" ? [] : [`--${settings.mode}`]), ...(settings.only === undefined ? [] : ["--only", settings.only.join(",")])];
  return flags.length === 0 ? "npm run bench" : `npm run bench -- ${flags.join(" ")}`;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}


async function modelRotation(k: number, jobMs: number, parallelism: number): Promise<ModelResult> {
  const world = await startBenchWorld(benchFixture({ listeners: 1, certificates: k }), jobMs);
  try {
    const listenerId = benchListenerId(0);
    const floor = serviceFloor(world.sim.backend, k, k);
    const result = await runPerCertificateModel({
      endpoint: world.sim.endpoint,
      clock: world.clock,
      listenerId,
      add: benchCertificates(0, 1, k),
      remove: benchCertificates(0, 0, k),
      parallelism,
    });
    const live = liveIds(world.sim, listenerId);
    return {
      k,
      wallMs: result.wallMs,
      boundMs: floor.floorMs,
      calls: countCalls(world.sim),
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
  // The sources measured are the ones at the start: an edit during the run must not pass for measured.
  const provenance = { commit: currentCommit(REPO_ROOT), sourcesDigest: sourcesDigest(REPO_ROOT) };
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
  let firstHour: FirstHourResult | undefined;
  let details: DetailsResult | undefined;
  if (settings.engineKs.length + settings.fleets.length + settings.firstHourRepetitions + settings.detailsRepetitions > 0) {
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
    // 5. A user's first-hour mistakes, through the real CLI: a run that did not fail the expected way fails the scenario.
    if (settings.firstHourRepetitions > 0) {
      try {
        firstHour = await firstHourScenario({ repetitions: settings.firstHourRepetitions, mistakes: FIRST_HOUR_MISTAKES, say });
        checks.push(...firstHourChecks(firstHour));
      } catch (error) {
        engineErrors.push(`first hour: ${String(error)}`);
        checks.push({ name: "first-hour failures", pass: false, detail: `not measured: ${String(error).split("\n")[0]!}` });
      }
    }
    // 7. What certificate details cost a rotation, through the real CLI: a run that did not go the expected way fails the scenario.
    if (settings.detailsRepetitions > 0) {
      try {
        details = await detailsScenario({ ks: settings.detailsKs, repetitions: settings.detailsRepetitions, jobMs: settings.detailsJobMs, say });
        checks.push(...detailsChecks(details));
      } catch (error) {
        engineErrors.push(`certificate details: ${String(error)}`);
        checks.push({ name: "certificate details", pass: false, detail: `not measured: ${String(error).split("\n")[0]!}` });
      }
    }
  }

  const finished = new Date();
  const built: BenchResults = {
    generated: finished.toISOString(),
    started: started.toISOString(),
    durationSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
    mode: settings.mode,
    command: commandOf(settings),
    machine: info,
    ...provenance,
    settings: { ...settings, outDir: path.relative(REPO_ROOT, settings.outDir) || ".", markdownPath: path.relative(REPO_ROOT, settings.markdownPath), perCertificateTimings: PER_CERTIFICATE_TIMINGS } as BenchSettings,
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
    ...(firstHour === undefined ? {} : { firstHour }),
    ...(details === undefined ? {} : { details }),
    engineErrors,
    checks,
  };
  // Rendered from the document as written, exactly as the figures test re-derives it from the file.
  const json = JSON.stringify(built, null, 2) + "\n";
  const results = JSON.parse(json) as BenchResults;

  const svg = wallTimeSvg(
    "Rotating K certificates on one listener",
    `virtual time, each job T = ${secs(settings.directJobMs)}; per-certificate model at parallelism ${settings.modelParallelism}`,
    [
      { name: "per-certificate model", color: "#d62728", points: model.map((m) => [m.k, m.wallMs / 1000, m.failures > 0] as const) },
      { name: "floor (jobs × T)", color: "#2ca02c", dashed: true, line: true, points: direct.map((r) => [r.k, r.boundMs / 1000] as const) },
      { name: "this provider", color: "#1f77b4", points: direct.map((r) => [r.k, r.wallMs / 1000] as const) },
    ],
  );

  const markdown = renderBenchmarks(results);
  fs.mkdirSync(settings.outDir, { recursive: true });
  fs.writeFileSync(path.join(settings.outDir, "latest.json"), json);
  if (direct.length > 0) fs.writeFileSync(path.join(settings.outDir, "wall-time.svg"), svg);
  fs.writeFileSync(settings.markdownPath, markdown);
  // A whole full run is the published one: the documents that quote it are rendered again from it.
  if (settings.mode === "full" && settings.only === undefined && path.resolve(settings.outDir) === path.join(REPO_ROOT, "bench-results")) {
    try {
      say(`figures: ${publishFigures().join(", ") || "no other document changed"}`);
    } catch (error) {
      // E.g. a scenario that failed left its section out, and its figures block cannot be rendered.
      say(`figures: NOT rendered: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  }

  say("");
  say(tablesText(results));
  say("");
  for (const line of checkLines(checks)) say(line);
  for (const e of engineErrors) say(`error: ${e.split("\n").slice(0, 20).join("\n")}`);
  say("");
  const written = [settings.markdownPath, path.join(settings.outDir, "latest.json"), ...(direct.length > 0 ? [path.join(settings.outDir, "wall-time.svg")] : [])];
  say(`wrote ${written.map((f) => path.relative(REPO_ROOT, f)).join(", ")} (${results.durationSeconds} s)`);
  if (checks.some((c) => !c.pass)) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
