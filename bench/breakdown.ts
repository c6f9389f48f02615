/**
 * Where the time of one `pulumi up --yes` (with or without `--skip-preview`) of a one-certificate change
 * goes, from three independent records: the CLI's spawn and exit (this process), the Node.js processes the
 * CLI starts (bench/trace-preload.ts, through NODE_OPTIONS), and the simulator's request log and jobs.
 *
 * Segments, in order (they add up to the wall time):
 * - cliStart: spawn → the first program's Node.js process starts (CLI, stack and plugin loading, language host);
 * - previewPass, previewApi: with a preview (`pulumi up` without `--skip-preview` runs the program and a
 *   provider process twice, first to preview), from the first program's start to the second's: previewApi
 *   is the preview's provider at work (its package loaded → its last request: check, diff, the listener's
 *   read, the validation dry run, certificate details), previewPass the rest (the program, the engine, the
 *   provider's start, the plan shown); both 0 without a preview;
 * - program: → the (last) program has loaded this package (the program's TypeScript compile, type-check
 *   included, and the Pulumi SDK's load: the user's program and the engine's, not this package's);
 * - providerLaunch: → the dynamic-provider process starts (registration, the engine launching the host);
 * - providerStart: → the provider process has loaded this package (Pulumi's dynamic-provider host);
 * - checkAndValidation: → the last request before the longest idle stretch before the first mutation
 *   (check, diff, the read of the listener and the validation dry run);
 * - quiet: that idle stretch (the registration quiet period);
 * - jobs: the service's own job durations (the simulator's job records), summed;
 * - apiBetweenJobs: the rest of the API span from the first mutation to the last request (reads before
 *   each mutation, polls past each job's end);
 * - exit: last request → the CLI exits.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSimulator, type JobView, type RequestLogEntry } from "../simulator";
import { REPO_ROOT } from "../test/kit/paths";
import { isRealMutation, logMark, requestsOf } from "../test/kit/request-log";
import { EngineWorkspace } from "./bench-engine";

export const BREAKDOWN_SEGMENTS = ["cliStart", "previewPass", "previewApi", "program", "providerLaunch", "providerStart", "checkAndValidation", "quiet", "jobs", "apiBetweenJobs", "exit"] as const;
export type BreakdownSegment = (typeof BREAKDOWN_SEGMENTS)[number];

export interface TraceEvent {
  readonly pid: number;
  readonly role: "provider" | "program" | "other";
  readonly event: "start" | "package-loaded" | "exit";
  readonly at: number;
}

export interface Breakdown {
  readonly wallMs: number;
  readonly segments: Readonly<Record<BreakdownSegment, number>>;
}

/**
 * Splits one run. `spawnAt`/`exitAt`: real ms around the CLI; `log` and `jobs`: what the simulator recorded
 * during the run (its clock is the real one here).
 */
export function splitRun(spawnAt: number, exitAt: number, events: readonly TraceEvent[], log: readonly RequestLogEntry[], jobs: readonly JobView[]): Breakdown {
  // The events of the pass that applies: the last program's, and the first provider process started after
  // it began (the first of each with no preview pass).
  const times = (role: TraceEvent["role"], event: TraceEvent["event"], from = -Infinity): number[] =>
    events.filter((e) => e.role === role && e.event === event && e.at >= from).map((e) => e.at).sort((a, b) => a - b);
  const first = (role: TraceEvent["role"], event: TraceEvent["event"], from = -Infinity): number => {
    const found = times(role, event, from);
    if (found.length === 0) throw new Error(`the trace has no ${role} ${event} event`);
    return found[0]!;
  };
  const firstProgramStart = first("program", "start");
  const programStart = times("program", "start").at(-1)!;
  const programLoaded = first("program", "package-loaded", programStart);
  const providerStart = first("provider", "start", programStart);
  const providerLoaded = first("provider", "package-loaded", providerStart);
  // The preview's provider at work: from its package's load to its last request before the second program.
  let previewApi = 0;
  if (programStart > firstProgramStart) {
    const previewLoaded = times("provider", "package-loaded", firstProgramStart).filter((t) => t < programStart)[0];
    const previewRequests = log.filter((e) => e.time < programStart).map((e) => e.time);
    if (previewLoaded !== undefined && previewRequests.length > 0) previewApi = Math.max(0, Math.max(...previewRequests) - previewLoaded);
  }
  const real = log.filter((e) => isRealMutation(e) && e.jobId !== undefined);
  if (real.length === 0) throw new Error("the run made no accepted mutation");
  const firstMutation = real[0]!.time;
  const before = [providerLoaded, ...log.filter((e) => e.time >= providerLoaded && e.time < firstMutation).map((e) => e.time)].sort((a, b) => a - b);
  let quietStart = before[0]!;
  let quietEnd = before[0]!;
  for (let i = 1; i < before.length; i++) {
    if (before[i]! - before[i - 1]! > quietEnd - quietStart) [quietStart, quietEnd] = [before[i - 1]!, before[i]!];
  }
  const lastRequest = log.at(-1)!.time;
  const jobIds = new Set(real.map((e) => e.jobId));
  const jobsMs = jobs.filter((job) => jobIds.has(job.jobId)).reduce((sum, job) => sum + (job.modifyTime - job.createTime), 0);
  const segments: Record<BreakdownSegment, number> = {
    cliStart: firstProgramStart - spawnAt,
    previewPass: programStart - firstProgramStart - previewApi,
    previewApi,
    program: programLoaded - programStart,
    providerLaunch: providerStart - programLoaded,
    providerStart: providerLoaded - providerStart,
    checkAndValidation: quietStart - providerLoaded,
    quiet: quietEnd - quietStart,
    jobs: jobsMs,
    apiBetweenJobs: lastRequest - quietEnd - jobsMs,
    exit: exitAt - lastRequest,
  };
  return { wallMs: exitAt - spawnAt, segments };
}

export interface BreakdownResult {
  /** `pulumi version`: the CLI binary's bare start, ms. */
  readonly cliVersionMs: number;
  readonly create: Breakdown;
  readonly rotate: Breakdown;
  /** A rotation back through `pulumi up --yes` (the preview first); absent from results of earlier builds. */
  readonly rotateWithPreview?: Breakdown;
  /** The same with PULUMI_NODEJS_TRANSPILE_ONLY=true (the program's type-check skipped). */
  readonly createTranspileOnly: Breakdown;
  readonly rotateTranspileOnly: Breakdown;
  readonly rotateWithPreviewTranspileOnly?: Breakdown;
}

/**
 * A create, then a rotation, of one certificate through `pulumi up --yes --skip-preview`, then a rotation
 * back through `pulumi up --yes`, each traced and split, on a fresh simulator.
 */
async function tracedRuns(
  simulator: Parameters<typeof startSimulator>[0],
  env: Record<string, string>,
): Promise<{ create: Breakdown; rotate: Breakdown; rotateWithPreview: Breakdown; cliVersionMs: number }> {
  const sim = await startSimulator(simulator);
  const ws = await EngineWorkspace.create();
  const traceFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "alb-trace-")), "trace.jsonl");
  try {
    await ws.initStack(sim.endpoint, 1, 1);
    const versionStart = Date.now();
    await ws.runOrThrow(["version"]);
    const cliVersionMs = Date.now() - versionStart;
    const preload = path.join(REPO_ROOT, "dist", "bench", "trace-preload.js");
    const traced = async (generation: number, upArgs: readonly string[] = ["--yes", "--skip-preview"]): Promise<Breakdown> => {
      await ws.runOrThrow(["config", "set", "alb-bench:generation", String(generation)]);
      fs.rmSync(traceFile, { force: true });
      const mark = logMark(sim);
      const spawnAt = Date.now();
      const run = await ws.run(["up", ...upArgs], { env: { ...env, ALB_BENCH_TRACE_FILE: traceFile, NODE_OPTIONS: `--require ${preload}` } });
      const exitAt = spawnAt + run.wallMs;
      if (run.code !== 0) throw new Error(`pulumi up exited ${run.code}: ${run.stdout.slice(-2000)}${run.stderr.slice(-2000)}`);
      const events = fs
        .readFileSync(traceFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as TraceEvent);
      return splitRun(spawnAt, exitAt, events, requestsOf(sim, mark), sim.backend.snapshot().jobs);
    };
    const create = await traced(0);
    const rotate = await traced(1);
    const rotateWithPreview = await traced(0, ["--yes"]);
    return { create, rotate, rotateWithPreview, cliVersionMs };
  } finally {
    fs.rmSync(path.dirname(traceFile), { recursive: true, force: true });
    await ws.cleanup();
    await sim.close();
  }
}

/** One certificate created, rotated and rotated back, on a fresh simulator (these options), then again transpile-only. */
export async function oneCertificateBreakdown(simulator: Parameters<typeof startSimulator>[0]): Promise<BreakdownResult> {
  const typed = await tracedRuns(simulator, {});
  const transpileOnly = await tracedRuns(simulator, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
  return {
    cliVersionMs: typed.cliVersionMs,
    create: typed.create,
    rotate: typed.rotate,
    rotateWithPreview: typed.rotateWithPreview,
    createTranspileOnly: transpileOnly.create,
    rotateTranspileOnly: transpileOnly.rotate,
    rotateWithPreviewTranspileOnly: transpileOnly.rotateWithPreview,
  };
}
