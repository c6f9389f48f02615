// Helpers for the crash, interruption and concurrency end-to-end suites (test/e2e/crash-*.test.ts,
// test/e2e/concurrency-*.test.ts): stacks of test/e2e/programs-crash/sets driven by the real CLI, a CLI run
// that can be killed at a chosen moment (the whole process tree, the CLI alone, or Ctrl-C), the simulator
// as a separate process that can be restarted on its port with --state, and readers of the request log.
//
// Kill points are chosen from the simulator's request log and job list, never from wall-clock sleeps, so a
// slow machine changes how long a scenario takes but not what it tests.
//
// Process trees are read from /proc (Linux). The engine starts every plugin (the language host, the
// dynamic provider) in a process group of its own, so `kill(-pid)` of the CLI's group does not reach them:
// killing "everything" means walking the tree.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DEMO_ACCESS_KEY_ID,
  DEMO_ACCESS_KEY_SECRET,
  type FaultRule,
  type Fixture,
  type JobView,
  type ListenerView,
  type RequestLogEntry,
  type WorldSnapshot,
} from "../../simulator";
import { assertBuildIsCurrent } from "./e2e";
import { createPulumiWorkspace, REPO_ROOT, type PulumiRunResult, type PulumiWorkspace } from "./pulumi";

export { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET };

/** The program every crash and concurrency scenario runs. */
export const CRASH_PROGRAM = path.join(REPO_ROOT, "test", "e2e", "programs-crash", "sets");

/** The resource type token the engine uses. */
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/alb:ListenerAdditionalCertificates";

/** One CLI command never takes longer than this (a slow, shared machine included). */
export const CLI_TIMEOUT_MS = 5 * 60_000;

export const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
export const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";

/** Codes of a refused call: the listener is busy with another job, or the caller is throttled. */
export function isRefusal(code: string | null): boolean {
  return code === "IncorrectStatus.Listener" || code === "ResourceInConfiguring.Listener" || (code ?? "").startsWith("Throttling");
}

// ---------------------------------------------------------------------------------------------------------
// The world

/** `lsn-crash-01`, `lsn-crash-02`, … */
export function listenerId(index: number): string {
  return `lsn-crash-${String(index).padStart(2, "0")}`;
}

/**
 * Certificate `n` of listener `index`: `3<index:2><n:3>0-cn-hangzhou` (n = 0 is the listener's default
 * certificate, n = 1 the "foreign" additional certificate it carries before any stack exists).
 */
export function cert(index: number, n: number): string {
  return `3${String(index).padStart(2, "0")}${String(n).padStart(3, "0")}0-cn-hangzhou`;
}

/** The additional certificate every listener of {@link crashFixture} carries that no stack declares. */
export function foreignCert(index: number): string {
  return cert(index, 1);
}

/**
 * A world of `listeners` HTTPS listeners (`lsn-crash-01…`), each with default certificate `cert(i, 0)`, the
 * foreign additional certificate `cert(i, 1)`, and `certificatesPerListener` more server certificates
 * `cert(i, 2…)` in the catalogue.
 */
export function crashFixture(listeners: number, certificatesPerListener = 8): Fixture {
  const certificates: { certificateId: string; type: "Server" }[] = [];
  const list = [];
  for (let i = 1; i <= listeners; i++) {
    for (let n = 0; n < certificatesPerListener + 2; n++) certificates.push({ certificateId: cert(i, n), type: "Server" });
    list.push({
      listenerId: listenerId(i),
      loadBalancerId: "alb-crash0000000000001",
      protocol: "HTTPS" as const,
      port: 443 + i,
      status: "Running" as const,
      defaultCertificateId: cert(i, 0),
      additionalCertificateIds: [foreignCert(i)],
    });
  }
  // Every listener is on one load balancer: its additional-certificate quota (per load balancer) must hold them all.
  return { regionId: "cn-hangzhou", certificates, listeners: list, limits: { maxAdditionalCertificatesPerLoadBalancer: 1000 } };
}

// ---------------------------------------------------------------------------------------------------------
// Stacks

/** One resource of the program (stack config `resources`). */
export interface DeclaredResource {
  readonly name: string;
  readonly listenerId: string;
  readonly certificateIds: readonly string[];
  readonly exclusive?: boolean;
  /** Earlier names of the resource (Pulumi `aliases`). */
  readonly aliases?: readonly string[];
  /** The resource is declared this many milliseconds late, so the engine registers it after the others. */
  readonly registerAfterMs?: number;
  /** Names of resources this one depends on (Pulumi `dependsOn`). */
  readonly dependsOn?: readonly string[];
}

/** Every environment variable the provider reads credentials, region, profile or endpoint from. */
const PROVIDER_ENV_KEYS = [
  "ALIBABA_CLOUD_ACCESS_KEY_ID",
  "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  "ALIBABA_CLOUD_SECURITY_TOKEN",
  "ALICLOUD_ACCESS_KEY",
  "ALICLOUD_SECRET_KEY",
  "ALICLOUD_SECURITY_TOKEN",
  "ALIBABA_CLOUD_PROFILE",
  "ALICLOUD_PROFILE",
  "ALICLOUD_REGION",
  "ALIBABA_CLOUD_REGION",
  "ALIBABA_CLOUD_REGION_ID",
  "ALB_LISTENER_CERTIFICATES_ENDPOINT",
] as const;

/** What `pulumi stack export` holds. */
export interface Deployment {
  resources: { urn: string; type: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[];
  pendingOperations: { type: string; urn: string }[];
}

/** A stack of {@link CRASH_PROGRAM} in its own isolated workspace (CLI home, file backend, program copy). */
export class CrashStack {
  private constructor(
    readonly workspace: PulumiWorkspace,
    readonly name: string,
  ) {}

  /** Creates the workspace and the stack; credentials come from the environment, the endpoint from config. */
  static async create(endpoint: string, resources: readonly DeclaredResource[], name = "crash"): Promise<CrashStack> {
    assertBuildIsCurrent();
    const env: Record<string, string> = {
      ...Object.fromEntries(PROVIDER_ENV_KEYS.map((k) => [k, ""])),
      ALIBABA_CLOUD_CLI_PROFILE_DISABLED: "true",
      ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_ACCESS_KEY_ID,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_ACCESS_KEY_SECRET,
      // The program is type-checked by `npm run typecheck`; skipping ts-node's check saves seconds per run.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    const workspace = await createPulumiWorkspace(CRASH_PROGRAM, { env });
    const stack = new CrashStack(workspace, name);
    try {
      await workspace.runOrThrow(["stack", "init", name, "--secrets-provider", "passphrase"], { timeoutMs: CLI_TIMEOUT_MS });
      await stack.runOrThrow([
        "config", "set-all",
        "--plaintext", "alicloud:region=cn-hangzhou",
        "--plaintext", `alb-listener-certificates:endpoint=${endpoint}`,
        "--plaintext", `resources=${JSON.stringify(resources)}`,
      ]);
    } catch (error) {
      await workspace.cleanup();
      throw error;
    }
    return stack;
  }

  /** `pulumi <args…> --stack <name>`; resolves with the exit code. */
  run(args: string[]): Promise<PulumiRunResult> {
    return this.workspace.run([...args, "--stack", this.name], { timeoutMs: CLI_TIMEOUT_MS });
  }

  /** Like run(), but rejects with the whole output when the exit code is not 0. */
  runOrThrow(args: string[]): Promise<PulumiRunResult> {
    return this.workspace.runOrThrow([...args, "--stack", this.name], { timeoutMs: CLI_TIMEOUT_MS });
  }

  /** Declares a new program (the `resources` config). */
  async setResources(resources: readonly DeclaredResource[]): Promise<void> {
    await this.runOrThrow(["config", "set", "resources", JSON.stringify(resources)]);
  }

  /** `pulumi up --yes --skip-preview`; returns stdout + stderr. */
  async up(): Promise<string> {
    const r = await this.runOrThrow(["up", "--yes", "--skip-preview"]);
    return r.stdout + r.stderr;
  }

  /** `pulumi up --yes --skip-preview` in the background, killable at any moment. */
  startUp(): SpawnedCli {
    return this.spawn(["up", "--yes", "--skip-preview"]);
  }

  /** Any command in the background, in its own process group. */
  spawn(args: string[]): SpawnedCli {
    return new SpawnedCli(
      spawn(path.join(this.workspace.cliDir, "pulumi"), ["--non-interactive", "--color=never", ...args, "--stack", this.name], {
        cwd: this.workspace.programDir,
        env: this.workspace.env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
  }

  /** `pulumi stack export`: the resources and the pending operations (an interrupted run's). */
  async deployment(): Promise<Deployment> {
    const r = await this.runOrThrow(["stack", "export"]);
    const parsed = JSON.parse(r.stdout) as {
      deployment: { resources?: Deployment["resources"]; pending_operations?: { type: string; resource: { urn: string } }[] };
    };
    return {
      resources: parsed.deployment.resources ?? [],
      pendingOperations: (parsed.deployment.pending_operations ?? []).map((p) => ({ type: p.type, urn: p.resource.urn })),
    };
  }

  /** The certificate maps the stack's resources hold in state, by resource name (of `deployment`, or exported now). */
  async storedCertificates(deployment?: Deployment): Promise<Record<string, Record<string, string>>> {
    const { resources } = deployment ?? (await this.deployment());
    return Object.fromEntries(
      resources
        .filter((r) => r.type === RESOURCE_TYPE)
        .map((r) => [r.urn.split("::").at(-1)!, (r.outputs?.certificates ?? {}) as Record<string, string>]),
    );
  }

  /** The lock files a killed CLI leaves in the file backend. */
  locks(): string[] {
    const dir = path.join(this.workspace.backendDir, ".pulumi", "locks");
    if (!fs.existsSync(dir)) return [];
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".json"));
  }

  /** Removes the workspace (temporary directories). The stack's resources are not destroyed. */
  cleanup(): Promise<void> {
    return this.workspace.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Processes

/** The parent of every process, from /proc/<pid>/stat (field 4; the command may contain spaces and ")"). */
function parentsOf(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  return parents;
}

/** `root` and every process descending from it (Linux /proc). */
export function processTree(root: number): number[] {
  const parents = parentsOf();
  const tree = [root];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!tree.includes(pid) && tree.includes(ppid)) {
        tree.push(pid);
        grew = true;
      }
    }
  }
  return tree.filter((pid) => parents.has(pid));
}

/** Whether a process exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** The command line of a process ("" once it is gone). */
export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** SIGKILLs each process that still exists. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** How a background CLI run ended. */
export interface SpawnedResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** A CLI command running in the background (its own process group), with its output collected. */
export class SpawnedCli {
  readonly pid: number;
  readonly done: Promise<SpawnedResult>;
  private text = "";

  constructor(private readonly child: ChildProcess) {
    if (child.pid === undefined) throw new Error("pulumi did not start");
    this.pid = child.pid;
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (this.text += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.text += chunk));
    this.done = new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, output: this.text }));
    });
  }

  /** What the command printed so far (stdout and stderr interleaved). */
  output(): string {
    return this.text;
  }

  /** The CLI and every process it started that is still running: language host, program, provider plugin. */
  tree(): number[] {
    return processTree(this.pid);
  }

  /**
   * SIGKILL of the CLI and of every descendant, as when the machine or container dies: no process gets to
   * write anything or send another request. Resolves with the killed PIDs once the CLI is reaped.
   */
  async killTree(): Promise<number[]> {
    const pids = this.tree();
    killAll(pids);
    const late = processTree(this.pid).filter((pid) => !pids.includes(pid)); // started in the meantime
    killAll(late);
    await this.done;
    const all = [...pids, ...late];
    await until("the killed processes to be gone", () => !all.some(isAlive), 10_000);
    return all;
  }

  /**
   * SIGKILL of the CLI process alone (`kill -9 <pid of pulumi>`). Its plugins live in process groups of
   * their own and keep running as orphans; their PIDs are returned so that the test can end them.
   */
  async killCliOnly(): Promise<number[]> {
    const orphans = this.tree().filter((pid) => pid !== this.pid);
    process.kill(this.pid, "SIGKILL");
    await this.done;
    return orphans;
  }

  /** Ctrl-C: one SIGINT to the CLI. */
  interrupt(): void {
    process.kill(this.pid, "SIGINT");
  }

  /** Kills whatever is left (after a test failure). */
  async dispose(): Promise<void> {
    killAll(this.tree());
    await this.done.catch(() => undefined);
  }
}

/** Polls `condition` until it is true; fails naming `what` after `timeoutMs`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 120_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Polls `condition` until it is true while `run` is alive: fails with the run's output if the run ends
 * first (a kill point that was never reached is a test failure, not a hang).
 */
export async function untilDuring(run: SpawnedCli, what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  let ended: SpawnedResult | undefined;
  void run.done.then((r) => (ended = r));
  await until(what, async () => {
    if (await condition()) return true;
    if (ended) throw new Error(`pulumi ended (code ${ended.code}) before ${what}:\n${ended.output}`);
    return false;
  }, timeoutMs);
}

// ---------------------------------------------------------------------------------------------------------
// The request log

/** A mutation call as the simulator logged it. */
export interface Mutation {
  readonly seq: number;
  readonly kind: "associate" | "dissociate";
  readonly listenerId: string;
  readonly certificateIds: string[];
  readonly dryRun: boolean;
  readonly clientToken: string;
  readonly code: string | null;
  readonly jobId?: string;
  readonly fault?: string;
}

/** Associate/Dissociate calls (DryRun ones flagged), in arrival order. */
export function mutations(log: readonly RequestLogEntry[]): Mutation[] {
  return log
    .filter((e) => e.action === ASSOCIATE || e.action === DISSOCIATE)
    .map((e) => ({
      seq: e.seq,
      kind: e.action === ASSOCIATE ? ("associate" as const) : ("dissociate" as const),
      listenerId: e.params.ListenerId ?? "",
      certificateIds: Object.entries(e.params)
        .filter(([k]) => /^Certificates\.\d+\.CertificateId$/.test(k))
        .sort(([a], [b]) => Number(a.split(".")[1]) - Number(b.split(".")[1]))
        .map(([, v]) => v),
      dryRun: e.params.DryRun === "true",
      clientToken: e.params.ClientToken ?? "",
      code: e.code,
      jobId: e.jobId,
      fault: e.fault,
    }));
}

/** Mutations that change something (no DryRun). */
export function realMutations(log: readonly RequestLogEntry[]): Mutation[] {
  return mutations(log).filter((m) => !m.dryRun);
}

/** Calls refused because the listener was busy or the caller throttled. */
export function refusedCalls(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => isRefusal(e.code));
}

/**
 * The idempotency invariants of a log: every ClientToken of an accepted mutation names one job, and no two
 * tokens share a job. Returns a description of each violation (empty: none).
 */
export function tokenViolations(log: readonly RequestLogEntry[]): string[] {
  const jobsOfToken = new Map<string, Set<string>>();
  const tokensOfJob = new Map<string, Set<string>>();
  for (const m of realMutations(log)) {
    if (!m.jobId) continue;
    (jobsOfToken.get(m.clientToken) ?? jobsOfToken.set(m.clientToken, new Set()).get(m.clientToken)!).add(m.jobId);
    (tokensOfJob.get(m.jobId) ?? tokensOfJob.set(m.jobId, new Set()).get(m.jobId)!).add(m.clientToken);
  }
  const out: string[] = [];
  for (const [token, jobs] of jobsOfToken) if (jobs.size > 1) out.push(`ClientToken ${token} started ${jobs.size} jobs`);
  for (const [job, tokens] of tokensOfJob) if (tokens.size > 1) out.push(`job ${job} answered ${tokens.size} tokens`);
  return out;
}

/** Jobs started after `sinceJobIds` (the IDs known before), per listener if given, oldest first. */
export function newJobs(jobs: readonly JobView[], sinceJobIds: ReadonlySet<string>, listener?: string): JobView[] {
  return jobs
    .filter((j) => !sinceJobIds.has(j.jobId) && (listener === undefined || j.listenerId === listener))
    .sort((a, b) => a.createTime - b.createTime || (a.jobId < b.jobId ? -1 : 1));
}

/** `associate 3020020-cn-hangzhou,…` per job, for readable assertions. */
export function describeJobs(jobs: readonly JobView[]): string[] {
  return jobs.map((j) => `${j.apiName === ASSOCIATE ? "associate" : "dissociate"} ${[...j.certificateIds].sort().join(",")} ${j.status}`);
}

// ---------------------------------------------------------------------------------------------------------
// The "never neither" watch

/** A listener's additional certificates: `{ id: status }`. */
export function liveCertificates(view: ListenerView): Record<string, string> {
  return Object.fromEntries(view.additional.map((c) => [c.certificateId, c.status]));
}

/** `{ id: "Associated" }` for each ID, sorted: what a converged listener (or stored state) shows. */
export function allAssociated(ids: readonly string[]): Record<string, string> {
  return Object.fromEntries([...ids].sort().map((id) => [id, "Associated"]));
}

/** IDs of a listener's additional certificates in status Associated (being served), sorted. */
export function serving(view: ListenerView): string[] {
  return view.additional.filter((c) => c.status === "Associated").map((c) => c.certificateId).sort();
}

/**
 * Samples a listener every `intervalMs` while a rotation from `before` to `after` is in flight (including
 * kills and recoveries), and records every sample in which the listener served neither the whole old set
 * nor the whole new set, or no longer served one of `foreign`. `read` may fail (a simulator being
 * restarted): such samples are skipped.
 */
export function watchRotation(
  read: () => ListenerView | Promise<ListenerView>,
  rotation: { before: readonly string[]; after: readonly string[]; foreign: readonly string[] },
  intervalMs = 25,
): { stop(): Promise<{ samples: number; violations: string[] }> } {
  let running = true;
  let samples = 0;
  const violations: string[] = [];
  const loop = (async () => {
    while (running) {
      let view: ListenerView | undefined;
      try {
        view = await read();
      } catch {
        view = undefined;
      }
      if (view) {
        samples++;
        const live = new Set(serving(view));
        const all = (ids: readonly string[]) => ids.every((id) => live.has(id));
        if (!all(rotation.before) && !all(rotation.after)) violations.push(`serving neither set: [${[...live].join(", ")}]`);
        const lost = rotation.foreign.filter((id) => !live.has(id));
        if (lost.length > 0) violations.push(`foreign certificate(s) not served: ${lost.join(", ")}`);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { samples, violations: [...new Set(violations)] };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The simulator as a process (the restart scenarios)

/** The simulator CLI (`node dist/simulator/cli.js`) with `--state`, restartable on the same port. */
export class SimulatorProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private constructor(
    private readonly args: readonly string[],
    readonly dir: string,
    readonly statePath: string,
    public port: number,
  ) {}

  /** Writes the fixture to a temporary directory and starts the simulator on a free port. */
  static async start(options: { fixture: Fixture; jobMs: number; seed?: number }): Promise<SimulatorProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alb-sim-proc-"));
    const fixturePath = path.join(dir, "fixture.json");
    fs.writeFileSync(fixturePath, JSON.stringify(options.fixture));
    const statePath = path.join(dir, "state.json");
    const args = ["--fixture", fixturePath, "--state", statePath, "--job-ms", String(options.jobMs), "--seed", String(options.seed ?? 1)];
    const sim = new SimulatorProcess(args, dir, statePath, 0);
    await sim.launch();
    return sim;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async launch(): Promise<void> {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "simulator", "cli.js"), "--port", String(this.port), ...this.args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.on("exit", () => resolve()));
    let out = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", (code) => reject(new Error(`the simulator exited with ${code}:\n${out}`)));
    });
    this.port = port;
  }

  /** Stops the process: SIGKILL (a crash; the state file is as of the last change) or SIGTERM (a clean stop). */
  async stop(signal: "SIGKILL" | "SIGTERM"): Promise<void> {
    this.child?.kill(signal);
    await this.exited;
    this.child = undefined;
  }

  /** Starts it again on the same port from the same state file. */
  async restart(): Promise<void> {
    if (this.child) throw new Error("the simulator is still running");
    await this.launch();
  }

  private async inspect<T>(route: string, init?: RequestInit): Promise<T> {
    const response = await fetch(`${this.endpoint}/_simulator/${route}`, init);
    if (!response.ok) throw new Error(`${route}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  /** This incarnation's request log (the log is not persisted across restarts). */
  async requests(): Promise<RequestLogEntry[]> {
    return (await this.inspect<{ requests: RequestLogEntry[] }>("requests")).requests;
  }

  /** The world, jobs included (persisted across restarts). */
  state(): Promise<WorldSnapshot> {
    return this.inspect<WorldSnapshot>("state");
  }

  async listenerView(id: string): Promise<ListenerView> {
    const listener = (await this.state()).listeners.find((l) => l.listenerId === id);
    if (!listener) throw new Error(`no listener ${id}`);
    return listener;
  }

  async setFaults(rules: readonly FaultRule[]): Promise<void> {
    await this.inspect("faults", { method: "POST", body: JSON.stringify(rules), headers: { "content-type": "application/json" } });
  }

  /** Stops the process (if running) and removes its directory. */
  async dispose(): Promise<void> {
    if (this.child) await this.stop("SIGKILL");
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
