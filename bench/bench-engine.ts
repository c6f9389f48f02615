/**
 * The engine scenarios: the real `pulumi` CLI (scripts/pulumi-cli.sh: built from Go modules, cached)
 * runs bench/programs/fleet against an in-process simulator on the real clock, in the test kit's isolated,
 * offline Pulumi workspace (test/kit/pulumi.ts: own PULUMI_HOME, file:// backend, passphrase secrets).
 *
 * Every measured command is `pulumi up --yes --skip-preview` or `pulumi preview`; API calls come from
 * the simulator's request log. The provider process's memory is sampled from /proc while a run lasts.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSimulator, type RunningSimulator } from "../simulator";
import { providerEnv } from "../test/kit/cli-stack";
import { commandLine, processTree } from "../test/kit/processes";
import { createPulumiWorkspace, REPO_ROOT, type PulumiWorkspace } from "../test/kit/pulumi";
import { BENCH_QUOTA, benchCertificates, benchFixture, benchListenerId, REGION } from "./bench-fixture";
import { apiSpan, countCalls, holdsExactly, requestsOf, type CallCounts } from "../test/kit/request-log";
import { fleetBounds, serviceFloor, type BatchLimits } from "./bench-stats";

export { REPO_ROOT };
const PROGRAM_DIR = path.join(REPO_ROOT, "bench", "programs", "fleet");

/** Pulumi's default parallelism: 4 × the CPU count (docs/crash-and-concurrency.md). */
export function defaultEngineParallelism(): number {
  return 4 * os.availableParallelism();
}

/** Resident memory samples of one process, KiB over real ms since the run started. */
export interface MemorySeries {
  readonly samples: { readonly t: number; readonly rssKiB: number }[];
}

/** One CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Real ms from spawn to exit. */
  readonly wallMs: number;
  /** The dynamic-provider process's resident memory while the run lasted (when sampled). */
  readonly providerMemory?: MemorySeries;
}

function rssKiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** An isolated workspace holding a copy of the benchmark program and one stack. */
export class EngineWorkspace {
  private constructor(private readonly workspace: PulumiWorkspace) {}

  /** A workspace whose provider finds the demo key in its environment and nothing else of the developer's. */
  static async create(): Promise<EngineWorkspace> {
    return new EngineWorkspace(await createPulumiWorkspace(PROGRAM_DIR, { env: providerEnv() }));
  }

  /**
   * Runs `pulumi <args>`; with `sampleProvider`, samples the dynamic provider's memory every 250 ms; `env`
   * adds to the workspace's environment for this run.
   */
  run(args: readonly string[], options: { sampleProvider?: boolean; timeoutMs?: number; env?: Readonly<Record<string, string>> } = {}): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const child = spawn(path.join(this.workspace.cliDir, "pulumi"), ["--non-interactive", "--color=never", ...args], {
        cwd: this.workspace.programDir,
        env: options.env ? { ...this.workspace.env, ...options.env } : this.workspace.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const samples: { t: number; rssKiB: number }[] = [];
      let providerPid: number | undefined;
      const sampler = options.sampleProvider
        ? setInterval(() => {
            if (child.pid === undefined) return;
            if (providerPid === undefined || rssKiB(providerPid) === undefined) {
              // node …/@pulumi/pulumi/cmd/dynamic-provider …, not the `node -e require.resolve(…)` its launcher runs first.
              providerPid = processTree(child.pid).find((pid) => {
                const cmdline = commandLine(pid);
                return cmdline.includes("dynamic-provider") && !cmdline.includes("require.resolve");
              });
            }
            const rss = providerPid === undefined ? undefined : rssKiB(providerPid);
            if (rss !== undefined) samples.push({ t: Date.now() - started, rssKiB: rss });
          }, 250)
        : undefined;
      const timer = setTimeout(() => child.kill("SIGINT"), options.timeoutMs ?? 20 * 60_000);
      child.on("error", (error) => {
        clearTimeout(timer);
        if (sampler) clearInterval(sampler);
        reject(error);
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        if (sampler) clearInterval(sampler);
        resolve({ code: code ?? 1, stdout, stderr, wallMs: Date.now() - started, providerMemory: options.sampleProvider ? { samples } : undefined });
      });
    });
  }

  async runOrThrow(args: readonly string[], options?: { sampleProvider?: boolean }): Promise<CliRun> {
    const result = await this.run(args, options);
    if (result.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited with ${result.code}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
    }
    return result;
  }

  /** Creates the stack and writes its config. */
  async initStack(endpoint: string, listeners: number, certificates: number): Promise<void> {
    await this.runOrThrow(["stack", "init", "bench"]);
    const values: Record<string, string> = {
      "alicloud:region": REGION,
      "alb-listener-certificates:endpoint": endpoint,
      "alb-listener-certificates:maxCertificatesPerListener": String(BENCH_QUOTA),
      "alb-bench:listeners": String(listeners),
      "alb-bench:certificates": String(certificates),
      "alb-bench:generation": "0",
    };
    await this.runOrThrow(["config", "set-all", ...Object.entries(values).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`])]);
  }

  cleanup(): Promise<void> {
    return this.workspace.cleanup();
  }
}

/** What one measured engine run saw. */
export interface EngineRunResult {
  readonly label: string;
  readonly listeners: number;
  readonly k: number;
  readonly command: string;
  readonly exitCode: number;
  /** CLI wall time, real ms. */
  readonly cliMs: number;
  /** First to last API request of the run (the provider's part), real ms. */
  readonly spanMs: number;
  readonly calls: CallCounts;
  readonly minMutations: number;
  /** Fewest jobs per listener the simulator's batch limits allow. */
  readonly jobsPerListener: number;
  /** Fewest validation dry runs worth making per listener: one per Associate batch of the optimal plan. */
  readonly minDryRuns: number;
  /** The batch limits the simulator enforced. */
  readonly limits?: BatchLimits;
  readonly boundMs: number;
  readonly bounds?: ReturnType<typeof fleetBounds>;
  /** Every listener holds exactly its generation-1 set. */
  readonly converged: boolean;
  readonly providerMemory?: MemorySeries;
  /** Warnings the CLI printed (first few). */
  readonly warnings: readonly string[];
}

function liveMatches(sim: RunningSimulator, listeners: number, k: number, generation: number): boolean {
  for (let i = 0; i < listeners; i++) if (!holdsExactly(sim, benchListenerId(i), benchCertificates(i, generation, k))) return false;
  return true;
}

function warningsOf(run: CliRun): string[] {
  return (run.stdout + "\n" + run.stderr)
    .split("\n")
    .filter((l) => /warning|error/i.test(l))
    .slice(0, 5)
    .map((l) => l.trim());
}

/**
 * A stack of N listeners × K certificates at generation 0 (adopted: the first `up` makes no mutation),
 * then the measured rotation to generation 1; `after` runs more measured commands on the same stack.
 */
export async function engineRotation(
  label: string,
  listeners: number,
  k: number,
  /** Job duration T, real ms. */
  jobMs: number,
  limits: { mutationsPerWindow: number; rateWindowMs: number },
  after?: (ws: EngineWorkspace, sim: RunningSimulator) => Promise<void>,
): Promise<EngineRunResult> {
  const sim = await startSimulator({ jobMs, fixture: benchFixture({ listeners, certificates: k, ...limits }), seed: 1 });
  const ws = await EngineWorkspace.create();
  try {
    await ws.initStack(sim.endpoint, listeners, k);
    await ws.runOrThrow(["up", "--yes", "--skip-preview"]);
    if (!liveMatches(sim, listeners, k, 0)) throw new Error(`${label}: adopting the generation-0 sets changed the listeners`);
    const adoption = countCalls(sim);
    if (adoption.associate + adoption.dissociate + adoption.dryRun > 0) throw new Error(`${label}: adopting the generation-0 sets made mutation calls`);
    await ws.runOrThrow(["config", "set", "alb-bench:generation", "1"]);
    sim.backend.clearRequestLog();
    // The floor, asked of the service before the change starts.
    const floor = serviceFloor(sim.backend, k, k);
    const command = ["up", "--yes", "--skip-preview"];
    const run = await ws.run(command, { sampleProvider: true });
    const log = requestsOf(sim);
    const calls = countCalls(log);
    const jobsPerListener = floor.jobs;
    const bounds = fleetBounds({
      listeners,
      jobsPerListener,
      jobMs: floor.floorMs / floor.jobs,
      mutationsPerWindow: limits.mutationsPerWindow,
      rateWindowMs: limits.rateWindowMs,
      parallelism: defaultEngineParallelism(),
    });
    const result: EngineRunResult = {
      label,
      listeners,
      k,
      command: `pulumi ${command.join(" ")}`,
      exitCode: run.code,
      cliMs: run.wallMs,
      spanMs: apiSpan(log).spanMs,
      calls,
      minMutations: listeners * jobsPerListener,
      jobsPerListener,
      minDryRuns: floor.dryRuns,
      limits: floor.limits,
      boundMs: bounds.boundMs,
      bounds: listeners > 1 ? bounds : undefined,
      converged: liveMatches(sim, listeners, k, 1),
      providerMemory: run.providerMemory,
      warnings: warningsOf(run),
    };
    if (run.code !== 0) process.stderr.write(`${label}: pulumi up exited ${run.code}\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}\n`);
    if (after) await after(ws, sim);
    return result;
  } finally {
    await ws.cleanup();
    await sim.close();
  }
}

/** A measured command that should change nothing (`pulumi preview`, `pulumi up`) on a converged stack. */
export async function engineNoop(ws: EngineWorkspace, sim: RunningSimulator, label: string, listeners: number, command: string[]): Promise<EngineRunResult> {
  sim.backend.clearRequestLog();
  const run = await ws.run(command, { sampleProvider: true });
  const log = requestsOf(sim);
  const calls = countCalls(log);
  return {
    label,
    listeners,
    k: 0,
    command: `pulumi ${command.join(" ")}`,
    exitCode: run.code,
    cliMs: run.wallMs,
    spanMs: apiSpan(log).spanMs,
    calls,
    minMutations: 0,
    jobsPerListener: 0,
    minDryRuns: 0,
    boundMs: 0,
    converged: run.code === 0,
    providerMemory: run.providerMemory,
    warnings: warningsOf(run),
  };
}
