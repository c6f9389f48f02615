// Helpers for the end-to-end suite (test/e2e/*.test.ts): a simulator per test file, stacks of the e2e
// program (test/e2e/programs/sni) driven by the real CLI through test/helpers/pulumi.ts, and readers of the
// simulator's request log and of the CLI's output.
//
// A stack's scenario is set through stack config (listenerId, certificateIds as a JSON list, resourceName,
// exclusive); credentials come from the environment, or (`credentials: "config"`) from stack config only,
// with every credential variable of the environment blanked, or (`credentials: "none"`) only from what the
// test adds (`pathConfig`, `env`). The CLI and the provider it starts trust the simulator's HTTPS (STS).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DEMO_ACCESS_KEY_ID,
  DEMO_ACCESS_KEY_SECRET,
  startSimulator,
  type RequestLogEntry,
  type RunningSimulator,
  type SimulatorOptions,
} from "../../simulator";
import { createPulumiWorkspace, REPO_ROOT, type PulumiRunResult, type PulumiWorkspace } from "./pulumi";
import { simulatorCaFile } from "./simulator-ca";

export { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET };

/** The program every scenario runs. */
export const E2E_PROGRAM = path.join(REPO_ROOT, "test", "e2e", "programs", "sni");
/** Its project name (Pulumi.yaml), the namespace of its own config keys. */
export const E2E_PROJECT = "e2e-sni";
/** The resource type token the engine shows. */
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/alb:ListenerAdditionalCertificates";

/** Simulated job duration: short, so an apply takes a second, but long enough that waiting is exercised. */
export const E2E_JOB_MS = 300;

/** One CLI command never takes longer than this (a slow, shared machine included). */
export const CLI_TIMEOUT_MS = 5 * 60_000;

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
  "ALIBABACLOUD_ACCESS_KEY_ID",
  "ALIBABACLOUD_ACCESS_KEY_SECRET",
  "ALIBABACLOUD_SECURITY_TOKEN",
  "ALICLOUD_SHARED_CREDENTIALS_FILE",
  "ALIBABA_CLOUD_CREDENTIALS_FILE",
  "ALICLOUD_ECS_ROLE_NAME",
  "ALIBABA_CLOUD_ECS_METADATA",
  "ALICLOUD_CREDENTIALS_URI",
  "ALIBABA_CLOUD_CREDENTIALS_URI",
  "ALICLOUD_ASSUME_ROLE_ARN",
  "ALICLOUD_ASSUME_ROLE_SESSION_NAME",
  "ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION",
  "ALIBABA_CLOUD_ROLE_ARN",
  "ALIBABA_CLOUD_ROLE_SESSION_NAME",
  "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
  "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
  "ALIBABA_CLOUD_OIDC_TOKEN",
  "ALIBABA_CLOUD_STS_REGION",
  "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED",
] as const;

/** The credential variables (a subset of the above). */
export const CREDENTIAL_ENV_KEYS = PROVIDER_ENV_KEYS.filter((k) => /KEY|SECRET|TOKEN/.test(k));

/** Identifies this vitest run: its main process (every test file runs in a fork of it) and that process's start. */
function runId(): string {
  let started = "";
  try {
    // Field 22 of /proc/<pid>/stat: start time in clock ticks since boot (Linux); tells a reused pid apart.
    started = fs.readFileSync(`/proc/${process.ppid}/stat`, "utf8").split(") ")[1]?.split(" ")[19] ?? "";
  } catch {
    // Not Linux: the pid alone.
  }
  return `${process.ppid}-${started}`;
}

let buildChecked = false;

/**
 * Fails fast, with the fix, when the build the programs resolve (`alb-listener-certificates` →
 * node_modules/alb-listener-certificates → dist) is missing or older than the sources: an e2e run against a
 * stale build would test old code. Checked once per vitest run (the first test file to get here records the
 * verdict), so sources edited while a run is under way do not fail it half-way.
 */
export function assertBuildIsCurrent(): void {
  if (buildChecked) return;
  const linked = path.join(REPO_ROOT, "node_modules", "alb-listener-certificates", "package.json");
  const runtime = path.join(REPO_ROOT, "dist", "provider", "runtime.js");
  if (!fs.existsSync(linked) || !fs.existsSync(runtime)) {
    throw new Error("The package is not built: run `npm run build` before the end-to-end tests (npm test does).");
  }
  const marker = path.join(os.tmpdir(), `alb-listener-certificates-e2e-build-ok-${runId()}`);
  if (!fs.existsSync(marker)) {
    const built = fs.statSync(path.join(REPO_ROOT, "dist", "provider", "provider.js")).mtimeMs;
    const sources = path.join(REPO_ROOT, "provider");
    const newer = fs.readdirSync(sources).filter((f) => f.endsWith(".ts") && fs.statSync(path.join(sources, f)).mtimeMs > built + 1000);
    if (newer.length > 0) {
      throw new Error(`dist/ is older than provider/${newer.join(", provider/")}: run \`npm run build\` before the end-to-end tests.`);
    }
    fs.writeFileSync(marker, "");
  }
  buildChecked = true;
}

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
  /**
   * More stack config, set with `--path` as users set object-valued keys (`alicloud:assumeRole.roleArn`
   * makes `alicloud:assumeRole` an object, which the provider's `configure` receives as JSON text).
   */
  readonly pathConfig?: Record<string, string>;
  /** Like {@link pathConfig}, as secrets. */
  readonly secretPathConfig?: Record<string, string>;
  /** More environment for the CLI and the processes it starts (after the blanked credential variables). */
  readonly env?: Record<string, string>;
}

/** A mutation call seen by the simulator (DryRun calls included, flagged). */
export interface MutationCall {
  readonly seq: number;
  readonly kind: "associate" | "dissociate";
  readonly listenerId: string;
  readonly certificateIds: string[];
  readonly dryRun: boolean;
  /** Error code answered, or null. */
  readonly code: string | null;
}

/** The certificate IDs of a mutation's `Certificates.N.CertificateId` params, in request order. */
function certificatesOf(entry: RequestLogEntry): string[] {
  return Object.entries(entry.params)
    .filter(([k]) => /^Certificates\.\d+\.CertificateId$/.test(k))
    .sort(([a], [b]) => Number(a.split(".")[1]) - Number(b.split(".")[1]))
    .map(([, v]) => v);
}

/** Associate/Dissociate calls after `afterSeq` (0: all). */
export function mutationCalls(simulator: RunningSimulator, afterSeq = 0): MutationCall[] {
  return simulator.backend
    .requestLog()
    .filter((e) => e.seq > afterSeq && (e.action === "AssociateAdditionalCertificatesWithListener" || e.action === "DissociateAdditionalCertificatesFromListener"))
    .map((e) => ({
      seq: e.seq,
      kind: e.action!.startsWith("Associate") ? ("associate" as const) : ("dissociate" as const),
      listenerId: e.params.ListenerId ?? "",
      certificateIds: certificatesOf(e),
      dryRun: e.params.DryRun === "true",
      code: e.code,
    }));
}

/** Mutation calls that really change something (no DryRun). */
export function realMutations(simulator: RunningSimulator, afterSeq = 0): MutationCall[] {
  return mutationCalls(simulator, afterSeq).filter((m) => !m.dryRun);
}

/** The request log's last seq: pass it to mutationCalls() to see only what follows. */
export function logMark(simulator: RunningSimulator): number {
  return simulator.backend.requestLog().at(-1)?.seq ?? 0;
}

/** Additional certificates of a listener, sorted, with their status. */
export function liveAdditional(simulator: RunningSimulator, listenerId: string): Record<string, string> {
  return Object.fromEntries(simulator.backend.listenerView(listenerId).additional.map((c) => [c.certificateId, c.status]));
}

/** Sorted IDs of a listener's additional certificates. */
export function liveIds(simulator: RunningSimulator, listenerId: string): string[] {
  return Object.keys(liveAdditional(simulator, listenerId)).sort();
}

/** Waits (real time) until no certificate of the listener is mid-job and the listener is Running. */
export async function waitUntilIdle(simulator: RunningSimulator, listenerId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = simulator.backend.listenerView(listenerId);
    if (view.status === "Running" && view.additional.every((c) => c.status === "Associated")) return;
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

/** One resource of `pulumi stack export`. */
export interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
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
export class E2eStack {
  private constructor(
    readonly workspace: PulumiWorkspace,
    readonly simulator: RunningSimulator,
    readonly name: string,
  ) {}

  /** Creates the workspace and the stack, and sets its config (region, endpoint, scenario, credentials). */
  static async create(simulator: RunningSimulator, options: E2eStackOptions): Promise<E2eStack> {
    assertBuildIsCurrent();
    const blank = Object.fromEntries(PROVIDER_ENV_KEYS.map((k) => [k, ""]));
    const env: Record<string, string> = { ...blank, ALIBABA_CLOUD_CLI_PROFILE_DISABLED: "true", NODE_EXTRA_CA_CERTS: simulatorCaFile() };
    if ((options.credentials ?? "env") === "env") {
      env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEMO_ACCESS_KEY_ID;
      env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEMO_ACCESS_KEY_SECRET;
    }
    Object.assign(env, options.env);
    const workspace = await createPulumiWorkspace(E2E_PROGRAM, { env });
    const stack = new E2eStack(workspace, simulator, options.stack ?? "e2e");
    try {
      await workspace.runOrThrow(["stack", "init", stack.name, "--secrets-provider", "passphrase"], { timeoutMs: CLI_TIMEOUT_MS });
      const config: Record<string, string> = {
        "alicloud:region": "cn-hangzhou",
        "alb-listener-certificates:endpoint": simulator.endpoint,
        listenerId: options.listenerId,
        certificateIds: JSON.stringify(options.certificateIds),
      };
      if (options.resourceName) config.resourceName = options.resourceName;
      // Both halves as secrets: the engine copies the whole stack config into the state of the dynamic
      // provider's default provider resource (see the credentials scenario), where only secrets are encrypted.
      const secrets: Record<string, string> = options.credentials === "config" ? { "alicloud:accessKey": DEMO_ACCESS_KEY_ID, "alicloud:secretKey": DEMO_ACCESS_KEY_SECRET } : {};
      await stack.setConfig(config, secrets);
      if (options.pathConfig !== undefined || options.secretPathConfig !== undefined) {
        const args = ["config", "set-all", "--path"];
        for (const [k, v] of Object.entries(options.pathConfig ?? {})) args.push("--plaintext", `${k}=${v}`);
        for (const [k, v] of Object.entries(options.secretPathConfig ?? {})) args.push("--secret", `${k}=${v}`);
        await stack.runOrThrow(args);
      }
    } catch (error) {
      await workspace.cleanup();
      throw error;
    }
    return stack;
  }

  /** `pulumi <args…> --stack <name>`; resolves with the exit code. */
  run(args: string[], env?: Record<string, string>): Promise<PulumiRunResult> {
    return this.workspace.run([...args, "--stack", this.name], { timeoutMs: CLI_TIMEOUT_MS, env });
  }

  /** Like run(), but rejects with the whole output when the exit code is not 0. */
  runOrThrow(args: string[]): Promise<PulumiRunResult> {
    return this.workspace.runOrThrow([...args, "--stack", this.name], { timeoutMs: CLI_TIMEOUT_MS });
  }

  /** `pulumi config set-all` (one CLI call): plain values, then secret ones. */
  async setConfig(plain: Record<string, string>, secret: Record<string, string> = {}): Promise<void> {
    const args = ["config", "set-all"];
    for (const [k, v] of Object.entries(plain)) args.push("--plaintext", `${k}=${v}`);
    for (const [k, v] of Object.entries(secret)) args.push("--secret", `${k}=${v}`);
    await this.runOrThrow(args);
  }

  /** Declares a new set (in this order). */
  setCertificates(ids: readonly string[]): Promise<void> {
    return this.setConfig({ certificateIds: JSON.stringify(ids) });
  }

  /** `pulumi up --yes --skip-preview`; returns stdout + stderr. */
  async up(extra: string[] = []): Promise<string> {
    const r = await this.runOrThrow(["up", "--yes", "--skip-preview", ...extra]);
    return r.stdout + r.stderr;
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

  /** `pulumi refresh --yes --skip-preview --diff`; returns stdout + stderr. */
  async refresh(): Promise<string> {
    const r = await this.runOrThrow(["refresh", "--yes", "--skip-preview", "--diff"]);
    return r.stdout + r.stderr;
  }

  /** `pulumi destroy --yes --skip-preview`; returns stdout + stderr. */
  async destroy(): Promise<string> {
    const r = await this.runOrThrow(["destroy", "--yes", "--skip-preview"]);
    return r.stdout + r.stderr;
  }

  /** `pulumi stack export` (optionally `--show-secrets`): the raw text and the resources. */
  async exportState(showSecrets = false): Promise<{ raw: string; resources: ExportedResource[] }> {
    const r = await this.runOrThrow(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])]);
    const parsed = JSON.parse(r.stdout) as { deployment: { resources?: ExportedResource[] } };
    return { raw: r.stdout, resources: parsed.deployment.resources ?? [] };
  }

  /** The ListenerAdditionalCertificates resources in state. */
  async certificateResources(): Promise<ExportedResource[]> {
    return (await this.exportState()).resources.filter((r) => r.type === RESOURCE_TYPE);
  }

  /** Removes the workspace (temporary directories). The stack's resources are not destroyed. */
  cleanup(): Promise<void> {
    return this.workspace.cleanup();
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
// Test double of an older build (written by test/helpers/e2e.ts): state holds the set as the legacy
// \`certificateIds\` array (no \`certificates\` map), and progress lines carry ${JSON.stringify(LEGACY_MARK)}.
Object.defineProperty(exports, "__esModule", { value: true });
exports.provider = provider;
const { createDefaultProvider } = require("./provider");
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
  // The provider's modules import the API contract from dist/contract.
  for (const dir of ["provider", "contract"]) fs.cpSync(path.join(REPO_ROOT, "dist", dir), path.join(target, "dist", dir), { recursive: true });
  fs.writeFileSync(path.join(target, "dist", "provider", "runtime.js"), LEGACY_RUNTIME);
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as Record<string, unknown>;
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

/** Set to 1 to (re)write the preview fixtures from this run instead of comparing against them. */
export const CAPTURE_FIXTURES = process.env.E2E_CAPTURE_PREVIEW_FIXTURES === "1";

/**
 * Makes captured preview JSON stable and small: the serialized provider shim (a few KB of code, the same in
 * every step) becomes a placeholder, source positions and stack traces (absolute paths of this machine)
 * go, the simulator's ephemeral port becomes 9400, the default provider's random ID zeros and the duration 0.
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
    // The default provider's ID is a random UUID per stack.
    return value.split(endpoint).join("http://127.0.0.1:9400").replace(/(::pulumi:providers:[\w-]+::default)::[0-9a-f-]{36}/g, "$1::00000000-0000-0000-0000-000000000000");
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
