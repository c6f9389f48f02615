// The end-to-end suite's scenarios of the sni program (test/e2e/programs/sni) driven by the real CLI: a
// simulator per test file, stacks whose scenario is stack config, readers of the CLI's output and preview
// JSON, the committed preview fixtures, and the "older build" of the upgrade scenario. The request log is
// read with ./request-log.ts.
//
// A stack's scenario is set through stack config (listenerId, certificateIds as a JSON list, resourceName,
// exclusive); credentials come from the environment, or (`credentials: "config"`) from stack config only,
// with every credential variable of the environment blanked.
import * as fs from "node:fs";
import * as path from "node:path";
import { startSimulator, type RunningSimulator, type SimulatorOptions } from "../../simulator";
import { CliStack, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, providerEnv } from "./cli-stack";
import { REPO_ROOT } from "./pulumi";

/** The program every scenario runs. */
export const E2E_PROGRAM = path.join(REPO_ROOT, "test", "e2e", "programs", "sni");
/** Its project name (Pulumi.yaml), the namespace of its own config keys. */
export const E2E_PROJECT = "e2e-sni";
/** Simulated job duration: short, so an apply takes a second, but long enough that waiting is exercised. */
export const E2E_JOB_MS = 300;

export const HTTPS_LISTENER = "lsn-demo-https-443";
export const QUIC_LISTENER = "lsn-demo-quic-443";
export const HTTP_LISTENER = "lsn-demo-http-80";
/** The default certificate of the demo HTTPS and QUIC listeners. */
export const DEFAULT_CERT = "23759533-cn-hangzhou";
/** The additional certificate the demo HTTPS listener carries before any stack exists. */
export const PREEXISTING_CERT = "24664588-cn-hangzhou";
/** Demo-catalogue server certificates no demo listener carries. */
export const CERT = {
  a: "25112233-cn-hangzhou",
  b: "25209871-cn-hangzhou",
  c: "25346102-cn-hangzhou",
  d: "25481937-cn-hangzhou",
  e: "25590214-cn-hangzhou",
  f: "25677345-cn-hangzhou",
  g: "25768120-cn-hangzhou",
} as const;
/** Well-formed, but in no catalogue. */
export const UNKNOWN_CERT = "99999999-cn-hangzhou";

/** A simulator of the demo world with short jobs, on 127.0.0.1 and a free port. */
export function startE2eSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ jobMs: E2E_JOB_MS, seed: 1, ...options });
}

export interface E2eStackOptions {
  /** Stack name; default "e2e". Stacks of one test file live in separate backends, so names may repeat. */
  readonly stack?: string;
  readonly listenerId: string;
  readonly certificateIds: readonly string[];
  /** Logical name of the resource (default "sni" in the program). */
  readonly resourceName?: string;
  /**
   * Where credentials come from: the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET`, the default), or
   * stack config only (`alicloud:accessKey` and `alicloud:secretKey`, both secret), with every credential variable
   * blanked for the CLI and the processes it starts.
   */
  readonly credentials?: "env" | "config" | "none";
  /** Extra stack config set with `pulumi config set-all --path` (object values such as `alicloud:assumeRole.roleArn`). */
  readonly pathConfig?: Record<string, string>;
  /** Like {@link pathConfig}, as secrets. */
  readonly secretPathConfig?: Record<string, string>;
  /** Extra environment for the CLI and the processes it starts (after the blanked provider variables). */
  readonly env?: Record<string, string>;
}

/** Waits (real time) until no certificate of the listener is mid-job and the listener is Running. */
export async function waitUntilIdle(simulator: RunningSimulator, listenerId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = simulator.backend.listenerView(listenerId);
    // Under the read-lag reading, the API shows a job's effect only `readLagMs` after it was accepted.
    const lag = simulator.backend.behaviour.readLagMs;
    const lagging = simulator.backend.snapshot().jobs.some((j) => j.listenerId === listenerId && j.createTime + lag > simulator.backend.now());
    if (view.status === "Running" && view.additional.every((c) => c.status === "Associated") && !lagging) return;
    if (Date.now() > deadline) throw new Error(`listener ${listenerId} still busy after ${timeoutMs} ms: ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A progress line of the provider, as printed in the CLI's output. */
export interface ProgressLine {
  readonly listenerId: string;
  readonly verb: "associated" | "dissociated";
  readonly count: number;
  readonly certificateIds: string[];
  readonly jobId: string;
  /** Text right before "lsn-…" on the line, e.g. "alb-listener-certificates: ". */
  readonly prefix: string;
}

/**
 * The provider's progress lines in a CLI output, in order, each job once (the CLI prints them live and
 * again under "Diagnostics").
 */
export function progressLines(output: string): ProgressLine[] {
  const re = /(alb-listener-certificates[^:\n]*: )(ls[nr]-[\w-]+): (associated|dissociated) (\d+) certificate\(s\) \[([^\]]*)\], job (\S+), [\d.]+s, \d+ poll\(s\)/g;
  const seen = new Set<string>();
  const lines: ProgressLine[] = [];
  for (const m of output.matchAll(re)) {
    const jobId = m[6]!;
    if (seen.has(jobId)) continue;
    seen.add(jobId);
    lines.push({
      prefix: m[1]!,
      listenerId: m[2]!,
      verb: m[3] as ProgressLine["verb"],
      count: Number(m[4]),
      certificateIds: m[5]!.split(", ").filter(Boolean),
      jobId,
    });
  }
  return lines;
}

/** The parts of `pulumi preview --json` the suite reads. */
export interface PreviewJson {
  steps?: {
    op: string;
    urn: string;
    oldState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
    newState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }> | null;
  }[];
  diagnostics?: { urn?: string; message: string; severity: string }[];
  changeSummary?: Record<string, number>;
  config?: Record<string, string>;
}

/** A stack of the e2e program in its own isolated workspace (CLI home, file backend, program copy). */
export class E2eStack extends CliStack {
  private constructor(
    workspace: CliStack["workspace"],
    name: string,
    readonly simulator: RunningSimulator,
  ) {
    super(workspace, name);
  }

  /** Creates the workspace and the stack, and sets its config (region, endpoint, scenario, credentials). */
  static async create(simulator: RunningSimulator, options: E2eStackOptions): Promise<E2eStack> {
    const name = options.stack ?? "e2e";
    const credentials = options.credentials ?? "env";
    const workspace = await CliStack.open(E2E_PROGRAM, { ...providerEnv({ credentials: credentials === "env" ? "env" : "none" }), ...options.env }, name);
    const stack = new E2eStack(workspace, name, simulator);
    try {
      const config: Record<string, string> = {
        "alicloud:region": "cn-hangzhou",
        "alb-listener-certificates:endpoint": simulator.endpoint,
        listenerId: options.listenerId,
        certificateIds: JSON.stringify(options.certificateIds),
      };
      if (options.resourceName) config.resourceName = options.resourceName;
      // Both halves as secrets: the engine copies the whole stack config into the state of the dynamic
      // provider's default provider resource (see the credentials scenario), where only secrets are encrypted.
      const secrets: Record<string, string> = credentials === "config" ? { "alicloud:accessKey": DEMO_ACCESS_KEY_ID, "alicloud:secretKey": DEMO_ACCESS_KEY_SECRET } : {};
      await stack.setConfig(config, secrets);
      if (options.pathConfig !== undefined || options.secretPathConfig !== undefined) {
        const args = ["config", "set-all", "--path"];
        for (const [k, v] of Object.entries(options.pathConfig ?? {})) args.push("--plaintext", `${k}=${v}`);
        for (const [k, v] of Object.entries(options.secretPathConfig ?? {})) args.push("--secret", `${k}=${v}`);
        await stack.runOrThrow(args);
      }
    } catch (error) {
      await stack.cleanup();
      throw error;
    }
    return stack;
  }

  /** Declares a new set (in this order). */
  setCertificates(ids: readonly string[]): Promise<void> {
    return this.setConfig({ certificateIds: JSON.stringify(ids) });
  }

  /** `pulumi preview --json …`, parsed (also when the preview fails: the CLI still prints the JSON). */
  async previewJson(extra: string[] = []): Promise<{ code: number; json: PreviewJson; raw: string; stderr: string }> {
    const r = await this.run(["preview", "--json", ...extra]);
    let json: PreviewJson;
    try {
      json = JSON.parse(r.stdout) as PreviewJson;
    } catch {
      throw new Error(`pulumi preview --json printed no JSON (exit ${r.code})\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
    }
    return { code: r.code, json, raw: r.stdout, stderr: r.stderr };
  }
}

/**
 * The upgrade scenario's "older build": a copy of the current build whose runtime
 * (`alb-listener-certificates/runtime`) stores the set the way early builds did, as a `certificateIds`
 * array instead of the `certificates` map, and prefixes its progress lines with `[legacy build]`.
 * Written to `<dir>/alb-listener-certificates` (a package directory).
 */
export const LEGACY_MARK = "[legacy build]";

const LEGACY_RUNTIME = `"use strict";
// Test double of an older build (written by test/kit/e2e.ts): state holds the set as the legacy
// \`certificateIds\` array (no \`certificates\` map), and progress lines carry ${JSON.stringify(LEGACY_MARK)}.
Object.defineProperty(exports, "__esModule", { value: true });
exports.provider = provider;
const { createDefaultProvider } = require("./lifecycle/provider");
function toLegacy(props) {
  if (!props || typeof props !== "object" || !props.certificates || typeof props.certificates !== "object") return props;
  const { certificates, ...rest } = props;
  return { ...rest, certificateIds: Object.keys(certificates).sort() };
}
function toCurrent(props) {
  if (!props || typeof props !== "object" || !Array.isArray(props.certificateIds)) return props;
  const { certificateIds, ...rest } = props;
  return { ...rest, certificates: Object.fromEntries(certificateIds.map((id) => [id, "Associated"])) };
}
let instance;
function provider() {
  if (instance) return instance;
  const inner = createDefaultProvider({
    log: (line) => process.stdout.write(${JSON.stringify(`alb-listener-certificates ${LEGACY_MARK}: `)} + line + "\\n"),
  });
  instance = {
    configure: (req) => inner.configure(req),
    async check(olds, news) {
      const result = await inner.check(toCurrent(olds), news);
      return { ...result, inputs: toLegacy(result.inputs) };
    },
    diff: (id, olds, news) => inner.diff(id, toCurrent(olds), toCurrent(news)),
    async create(inputs) {
      const result = await inner.create(toCurrent(inputs));
      return { ...result, outs: toLegacy(result.outs) };
    },
    async read(id, props) {
      const result = await inner.read(id, toCurrent(props));
      return { ...result, props: toLegacy(result.props), inputs: toLegacy(result.inputs) };
    },
    async update(id, olds, news) {
      const result = await inner.update(id, toCurrent(olds), toCurrent(news));
      return { ...result, outs: toLegacy(result.outs) };
    },
    delete: (id, props) => inner.delete(id, toCurrent(props)),
  };
  return instance;
}
`;

/** Writes the legacy build into `<nodeModulesDir>/alb-listener-certificates` (a real directory). */
export function writeLegacyBuild(nodeModulesDir: string): string {
  const target = path.join(nodeModulesDir, "alb-listener-certificates");
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.join(target, "dist"), { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as Record<string, unknown>;
  // Every built directory the package ships (the provider needs the contract module next to it).
  for (const entry of manifest.files as string[]) {
    if (entry.startsWith("dist/")) fs.cpSync(path.join(REPO_ROOT, entry), path.join(target, entry), { recursive: true });
  }
  fs.writeFileSync(path.join(target, "dist", "provider", "runtime.js"), LEGACY_RUNTIME);
  const { name, main, types, exports } = manifest;
  fs.writeFileSync(
    path.join(target, "package.json"),
    JSON.stringify({ name, version: "0.0.1-legacy", main, types, exports, description: "Older build (test double)." }, null, 2) + "\n",
  );
  return target;
}

/**
 * Gives a stack's program its own node_modules, the way `npm install` in the program's project would:
 * links to every package of the repository's node_modules except alb-listener-certificates, which is
 * the linked current build (or, with `legacy`, the older build as a real directory, so that its own
 * dependencies resolve through these links), and `.bin/alb-preview-report`.
 */
export function installOwnNodeModules(stack: E2eStack, options: { legacy?: boolean } = {}): string {
  const programNodeModules = path.join(stack.workspace.programDir, "node_modules");
  fs.rmSync(programNodeModules, { recursive: true, force: true }); // the symlink createPulumiWorkspace made
  fs.mkdirSync(path.join(programNodeModules, ".bin"), { recursive: true });
  const repoNodeModules = path.join(REPO_ROOT, "node_modules");
  for (const entry of fs.readdirSync(repoNodeModules)) {
    if (entry === "alb-listener-certificates" || entry === ".bin" || entry.startsWith(".package-lock")) continue;
    fs.symlinkSync(path.join(repoNodeModules, entry), path.join(programNodeModules, entry));
  }
  if (options.legacy) writeLegacyBuild(programNodeModules);
  else fs.symlinkSync(path.join(repoNodeModules, "alb-listener-certificates"), path.join(programNodeModules, "alb-listener-certificates"), "dir");
  const bin = path.join(programNodeModules, ".bin", "alb-preview-report");
  fs.writeFileSync(bin, `#!/bin/sh\nexec node ${JSON.stringify(path.join(programNodeModules, "alb-listener-certificates", "dist", "report", "preview-report.js"))} "$@"\n`);
  fs.chmodSync(bin, 0o755);
  return programNodeModules;
}

/** The upgrade scenario's first half: the program's node_modules holds the legacy build. */
export function installLegacyBuild(stack: E2eStack): void {
  installOwnNodeModules(stack, { legacy: true });
}

/** Replaces the program's legacy build with the current one (the repository's linked build). */
export function upgradeToCurrentBuild(stack: E2eStack): void {
  const installed = path.join(stack.workspace.programDir, "node_modules", "alb-listener-certificates");
  fs.rmSync(installed, { recursive: true, force: true });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "alb-listener-certificates"), installed, "dir");
}

/** Committed preview JSON captured from the real CLI by this suite (test/unit/preview-report.test.ts reads it). */
export const PREVIEW_FIXTURES_DIR = path.join(REPO_ROOT, "test", "fixtures", "preview");

/** The one instant every date of a captured preview becomes (see {@link sanitizePreviewJson}). */
const FIXED_INSTANT = "2027-01-01T00:00:00.000Z";

/** Set to 1 to (re)write the preview fixtures from this run instead of comparing against them. */
export const CAPTURE_FIXTURES = process.env.E2E_CAPTURE_PREVIEW_FIXTURES === "1";

/**
 * Makes captured preview JSON stable and small: the serialized provider shim (a few KB of code, the same in
 * every step) becomes a placeholder, source positions and stack traces (absolute paths of this machine)
 * go, the simulator's ephemeral port becomes 9400, the default provider's random ID zeros, every date one fixed
 * day and the duration 0.
 * Everything the report reads stays.
 */
export function sanitizePreviewJson(json: PreviewJson, endpoint: string): PreviewJson {
  const scrub = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (k === "stackTrace" || k === "sourcePosition") continue;
        out[k] = k === "__provider" && typeof v === "string" ? "<serialized provider shim>" : scrub(v);
      }
      return out;
    }
    if (typeof value !== "string") return value;
    // The default provider's ID is a random UUID per stack; the demo certificates' validity counts from the
    // day the simulator starts (and "in N days" with it), so every date becomes one fixed day.
    return value
      .split(endpoint)
      .join("http://127.0.0.1:9400")
      .replace(/(::pulumi:providers:[\w-]+::default)::[0-9a-f-]{36}/g, "$1::00000000-0000-0000-0000-000000000000")
      .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\b/g, FIXED_INSTANT)
      .replace(/\b\d{4}-\d\d-\d\d\b/g, FIXED_INSTANT.slice(0, 10));
  };
  const clean = scrub(json) as PreviewJson & { duration?: number };
  if ("duration" in clean) clean.duration = 0;
  return clean;
}

/**
 * In capture mode writes `<name>.json`; otherwise returns the committed fixture, so a test can check that
 * it still describes what the CLI prints today (e.g. both render the same report).
 */
export function previewFixture(name: string, live: PreviewJson, endpoint: string): PreviewJson {
  const file = path.join(PREVIEW_FIXTURES_DIR, `${name}.json`);
  if (CAPTURE_FIXTURES) {
    fs.mkdirSync(PREVIEW_FIXTURES_DIR, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(sanitizePreviewJson(live, endpoint), null, 2) + "\n");
  }
  if (!fs.existsSync(file)) {
    throw new Error(`Missing preview fixture ${file}: run the e2e suite with E2E_CAPTURE_PREVIEW_FIXTURES=1 to capture it.`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as PreviewJson;
}

/**
 * The `+`/`-` lines of the `~ certificates: {…}` block of `pulumi preview --diff` (the inputs part, before
 * `--outputs:--`), as IDs.
 */
export function certificateDiffLines(output: string): { added: string[]; removed: string[]; other: string[] } {
  const inputs = output.split("--outputs:--")[0] ?? "";
  const start = inputs.search(/~ certificates\s*: \{/);
  if (start < 0) return { added: [], removed: [], other: [] };
  const block = inputs.slice(start).split("\n").slice(1);
  const added: string[] = [];
  const removed: string[] = [];
  const other: string[] = [];
  for (const line of block) {
    if (/^\s*\}/.test(line)) break;
    const m = /^\s*([-+~])\s+"?([^":\s]+)"?\s*:/.exec(line);
    if (!m) continue;
    (m[1] === "+" ? added : m[1] === "-" ? removed : other).push(m[2]!);
  }
  return { added: added.sort(), removed: removed.sort(), other };
}

/**
 * Runs steps one after another although their tests run concurrently (`it.concurrent`): a scenario's
 * steps stay in order on their stack while other scenarios of the file run beside them. A step whose
 * predecessor failed fails with that reason.
 */
export function inSequence(): <T>(step: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>): Promise<T> => {
    const run = last.then(step, (error: unknown) => {
      throw new Error(`an earlier step of this scenario failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    });
    last = run;
    return run;
  };
}
