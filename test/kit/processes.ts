// Processes of a CLI run, read from /proc (Linux): the tree a command started, and a command running in
// the background that a test can kill at a chosen moment (the whole process tree, the CLI alone, or Ctrl-C).
//
// The engine starts every plugin (the language host, the dynamic provider) in a process group of its own,
// so `kill(-pid)` of the CLI's group does not reach them: killing "everything" means walking the tree.
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";

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

