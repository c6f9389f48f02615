// The one isolated, offline Pulumi environment: the end-to-end suites, the benchmark's engine scenarios
// (bench/bench-engine.ts) and the demo (scripts/demo.mjs, through the build in dist/test/kit) all run the
// CLI through this module.
//
// The CLI is not installed from any download: scripts/pulumi-cli.sh builds it (once, cached outside the
// repository) from tools/pulumi-cli together with our Node.js language host, and prints the directory that
// holds `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`. Every workspace created
// here runs that CLI fully offline and isolated: its own PULUMI_HOME, a file:// state backend and a
// passphrase secrets provider, with update checks and plugin downloads disabled. scripts/pulumi-env.sh
// sets the same variables for a shell.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./paths";

export { REPO_ROOT };

/** The CLI version matching the pinned @pulumi/pulumi SDK; scripts/pulumi-cli.sh verifies it. */
export const PULUMI_CLI_VERSION = "v3.248.0";

const PROVISION_SCRIPT = path.join(REPO_ROOT, "scripts", "pulumi-cli.sh");

let cliDirPromise: Promise<string> | undefined;

/**
 * Provision the CLI (runs scripts/pulumi-cli.sh at most once per process) and resolve to the absolute
 * directory containing `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`.
 * Rejects, with the script's diagnostics, when the CLI cannot be provisioned (e.g. no Go toolchain):
 * callers must let that fail the test rather than skip it. A cold build takes several minutes; with
 * `progress` the script's messages are shown on stderr as they come.
 */
export function ensurePulumiCli(options: { readonly progress?: boolean } = {}): Promise<string> {
  cliDirPromise ??= new Promise<string>((resolve, reject) => {
    const child = spawn("bash", [PROVISION_SCRIPT], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (options.progress) process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const dir = stdout.trim().split("\n").at(-1)?.trim() ?? "";
      if (code !== 0 || !dir || !fs.existsSync(path.join(dir, "pulumi"))) {
        const tail = stderr.trim().split("\n").slice(-30).join("\n");
        reject(new Error(`Could not provision the Pulumi CLI with ${PROVISION_SCRIPT}${code !== 0 ? ` (exit ${code})` : ""}:\n${tail}`));
        return;
      }
      resolve(dir);
    });
  });
  return cliDirPromise;
}

export interface PulumiEnvOptions {
  /** Directory from ensurePulumiCli(); put first on PATH. */
  cliDir: string;
  /** PULUMI_HOME: credentials, workspace settings and the (unused) plugin cache. */
  pulumiHome: string;
  /** Directory of the file:// state backend. */
  backendDir: string;
  /** PULUMI_CONFIG_PASSPHRASE for the passphrase secrets provider. */
  passphrase: string;
  /** Environment to start from; defaults to process.env. Inherited PULUMI_* variables are dropped. */
  base?: NodeJS.ProcessEnv;
}

/**
 * The environment for an isolated, offline CLI run. Exported so Automation API tests can pass the same
 * variables (`envVars`) as the CLI-driving helpers below.
 */
export function pulumiIsolatedEnv(options: PulumiEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(options.base ?? process.env)) {
    // Never inherit a developer's Pulumi settings (access tokens, backend URL, stack, debug attach ports…).
    if (!key.startsWith("PULUMI_") && value !== undefined) env[key] = value;
  }
  return {
    ...env,
    PATH: [options.cliDir, env.PATH].filter(Boolean).join(path.delimiter),
    PULUMI_HOME: options.pulumiHome,
    PULUMI_BACKEND_URL: `file://${options.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: options.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // Plugins are then looked up only next to the `pulumi` binary (bundled: language nodejs and
    // resource pulumi-nodejs) and in PULUMI_HOME, never in whatever else is on PATH.
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true",
    NO_COLOR: "1",
  };
}

export interface PulumiRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PulumiRunOptions {
  /** Extra environment variables for this run only. */
  env?: Record<string, string>;
  /** Kill the CLI (SIGINT, then SIGKILL 10 s later) after this many milliseconds. Default: 10 minutes. */
  timeoutMs?: number;
  /** Text written to the CLI's stdin (e.g. for `stack import`). */
  input?: string;
  /** Also copy the CLI's output to this process's stdout and stderr as it comes. */
  echo?: boolean;
}

export interface PulumiWorkspace {
  /** Directory holding the CLI binaries. */
  readonly cliDir: string;
  /** Directory the CLI runs in: a private copy of the program unless `inPlace` was requested. */
  readonly programDir: string;
  readonly pulumiHome: string;
  readonly backendDir: string;
  readonly passphrase: string;
  /** The full environment each run uses. */
  readonly env: NodeJS.ProcessEnv;
  /** Run `pulumi --non-interactive --color=never <args…>`; resolves with the exit code (never rejects on it). */
  run(args: string[], options?: PulumiRunOptions): Promise<PulumiRunResult>;
  /** Like run(), but rejects with the command's output when the exit code is not 0. */
  runOrThrow(args: string[], options?: PulumiRunOptions): Promise<PulumiRunResult>;
  /** Remove the temporary directories (and stack config files an in-place workspace created). */
  cleanup(): Promise<void>;
}

export interface CreatePulumiWorkspaceOptions {
  /**
   * Run in `programDir` itself instead of a private copy. `pulumi stack init` then writes
   * Pulumi.<stack>.yaml there (removed again by cleanup()), and concurrent workspaces on the same program
   * must use different stack names.
   */
  inPlace?: boolean;
  /** Secrets passphrase; random by default. */
  passphrase?: string;
  /** Extra environment variables for every run. */
  env?: Record<string, string>;
}

const STACK_CONFIG_FILE = /^Pulumi\.[^/]+\.ya?ml$/;

/** The first node_modules directory at or above `dir`, the way Node resolves packages. */
function nearestNodeModules(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const candidate = path.join(d, "node_modules");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * Create an isolated workspace for the Pulumi project in `programDir`.
 *
 * By default the program is copied into a fresh temporary directory (without node_modules and existing
 * Pulumi.<stack>.yaml files) and a `node_modules` symlink pointing at the node_modules that `programDir`
 * resolves from (the repository's) is added. So `@pulumi/pulumi`, `typescript` and the dynamic-provider
 * shim resolve exactly as for the original program, while stack config files and any edits a test makes
 * stay out of the repository and concurrent workspaces cannot collide.
 */
export async function createPulumiWorkspace(
  programDir: string,
  options: CreatePulumiWorkspaceOptions = {},
): Promise<PulumiWorkspace> {
  const cliDir = await ensurePulumiCli();
  const source = path.resolve(programDir);
  if (!fs.existsSync(path.join(source, "Pulumi.yaml"))) {
    throw new Error(`${source} is not a Pulumi project (no Pulumi.yaml)`);
  }

  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ws-"));
  const pulumiHome = path.join(root, "home");
  const backendDir = path.join(root, "state");
  fs.mkdirSync(pulumiHome);
  fs.mkdirSync(backendDir);

  let workDir = source;
  const preexisting = new Set(fs.readdirSync(source));
  if (!options.inPlace) {
    workDir = path.join(root, "program");
    fs.cpSync(source, workDir, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(source, src);
        return rel !== "node_modules" && !(path.dirname(rel) === "." && STACK_CONFIG_FILE.test(rel));
      },
    });
    const nodeModules = nearestNodeModules(source);
    if (!nodeModules) {
      fs.rmSync(root, { recursive: true, force: true });
      throw new Error(`No node_modules found at or above ${source}: run npm install first`);
    }
    fs.symlinkSync(nodeModules, path.join(workDir, "node_modules"), "dir");
  }

  const passphrase = options.passphrase ?? randomBytes(16).toString("hex");
  const env: NodeJS.ProcessEnv = {
    ...pulumiIsolatedEnv({ cliDir, pulumiHome, backendDir, passphrase }),
    ...options.env,
  };
  const pulumiBin = path.join(cliDir, "pulumi");

  const run = (args: string[], runOptions: PulumiRunOptions = {}): Promise<PulumiRunResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(pulumiBin, ["--non-interactive", "--color=never", ...args], {
        cwd: workDir,
        env: { ...env, ...runOptions.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        if (runOptions.echo) process.stdout.write(chunk);
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        if (runOptions.echo) process.stderr.write(chunk);
      });
      let killTimer: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        stderr += `\n[pulumi helper] timed out after ${runOptions.timeoutMs ?? 600_000} ms; interrupting\n`;
        child.kill("SIGINT");
        killTimer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      }, runOptions.timeoutMs ?? 600_000);
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      });
      child.stdin.end(runOptions.input ?? "");
    });

  const runOrThrow = async (args: string[], runOptions?: PulumiRunOptions): Promise<PulumiRunResult> => {
    const result = await run(args, runOptions);
    if (result.code !== 0) {
      throw new Error(
        `pulumi ${args.join(" ")} exited with code ${result.code}\n--- stdout ---\n${result.stdout}` +
          `\n--- stderr ---\n${result.stderr}`,
      );
    }
    return result;
  };

  const cleanup = async (): Promise<void> => {
    if (options.inPlace) {
      for (const name of fs.readdirSync(source)) {
        if (STACK_CONFIG_FILE.test(name) && !preexisting.has(name)) {
          fs.rmSync(path.join(source, name), { force: true });
        }
      }
    }
    await fs.promises.rm(root, { recursive: true, force: true });
  };

  return { cliDir, programDir: workDir, pulumiHome, backendDir, passphrase, env, run, runOrThrow, cleanup };
}
