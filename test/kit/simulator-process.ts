// The simulator as a separate process (`node dist/simulator/cli.js --state …`), restartable on its port:
// the crash suites' simulator restarts and outages.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { FaultRule, Fixture, ListenerView, RequestLogEntry, WorldSnapshot } from "../../simulator";
import { REPO_ROOT } from "./paths";

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
