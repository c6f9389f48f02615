// What every suite that drives the real CLI against the simulator shares: the build check, the
// environment a stack's provider sees, and a stack of one program in its own isolated workspace
// (./pulumi.ts) with the commands the suites run.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from "../../simulator";
import { SpawnedCli } from "./processes";
import { createPulumiWorkspace, REPO_ROOT, type PulumiRunResult, type PulumiWorkspace } from "./pulumi";
import { simulatorCaFile } from "./simulator-ca";

export { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET };

/** The resource type token the engine shows for the dynamic resource. */
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/alb:ListenerAdditionalCertificates";

/** One CLI command never takes longer than this (a slow, shared machine included). */
export const CLI_TIMEOUT_MS = 5 * 60_000;

/** Every environment variable the provider reads credentials, region, profile or endpoint from. */
export const PROVIDER_ENV_KEYS = [
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

/**
 * The provider's environment for a CLI run: every variable it reads blanked (none of the developer's
 * credentials, region or endpoint leaks in), the CLI profile file off, the simulator's certificate trusted
 * (it also speaks HTTPS, for STS), and with `credentials: "env"` (the default) the demo key in
 * `ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET`.
 */
export function providerEnv(options: { readonly credentials?: "env" | "none" } = {}): Record<string, string> {
  const env: Record<string, string> = {
    ...Object.fromEntries(PROVIDER_ENV_KEYS.map((k) => [k, ""])),
    ALIBABA_CLOUD_CLI_PROFILE_DISABLED: "true",
    NODE_EXTRA_CA_CERTS: simulatorCaFile(),
  };
  if ((options.credentials ?? "env") === "env") {
    env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEMO_ACCESS_KEY_ID;
    env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEMO_ACCESS_KEY_SECRET;
  }
  return env;
}

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
    const built = fs.statSync(runtime).mtimeMs;
    const sources = path.join(REPO_ROOT, "provider");
    const newer = (fs.readdirSync(sources, { recursive: true }) as string[])
      .filter((f) => f.endsWith(".ts") && fs.statSync(path.join(sources, f)).mtimeMs > built + 1000)
      .map((f) => `provider/${f.split(path.sep).join("/")}`)
      .sort();
    if (newer.length > 0) {
      throw new Error(`dist/ is older than ${newer.join(", ")}: run \`npm run build\` before the end-to-end tests.`);
    }
    fs.writeFileSync(marker, "");
  }
  buildChecked = true;
}

/** One resource of `pulumi stack export`. */
export interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** What `pulumi stack export` holds. */
export interface Deployment {
  readonly raw: string;
  readonly resources: ExportedResource[];
  /** The operations an interrupted run left pending. */
  readonly pendingOperations: { type: string; urn: string }[];
}

/** A stack of one program in its own isolated workspace (CLI home, file backend, program copy). */
export class CliStack {
  protected constructor(
    readonly workspace: PulumiWorkspace,
    readonly name: string,
  ) {}

  /**
   * Checks the build, creates the workspace for `program` with `env` for every run, and inits stack `name`
   * (passphrase secrets). The workspace is removed again when the init fails.
   */
  protected static async open(program: string, env: Record<string, string>, name: string): Promise<PulumiWorkspace> {
    assertBuildIsCurrent();
    const workspace = await createPulumiWorkspace(program, { env });
    try {
      await workspace.runOrThrow(["stack", "init", name, "--secrets-provider", "passphrase"], { timeoutMs: CLI_TIMEOUT_MS });
    } catch (error) {
      await workspace.cleanup();
      throw error;
    }
    return workspace;
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

  /** `pulumi up --yes --skip-preview`; returns stdout + stderr. */
  async up(extra: string[] = []): Promise<string> {
    const r = await this.runOrThrow(["up", "--yes", "--skip-preview", ...extra]);
    return r.stdout + r.stderr;
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

  /** `pulumi stack export` (optionally `--show-secrets`): the raw text, the resources and the pending operations. */
  async deployment(showSecrets = false): Promise<Deployment> {
    const r = await this.runOrThrow(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])]);
    const parsed = JSON.parse(r.stdout) as {
      deployment: { resources?: ExportedResource[]; pending_operations?: { type: string; resource: { urn: string } }[] };
    };
    return {
      raw: r.stdout,
      resources: parsed.deployment.resources ?? [],
      pendingOperations: (parsed.deployment.pending_operations ?? []).map((p) => ({ type: p.type, urn: p.resource.urn })),
    };
  }

  /** The ListenerAdditionalCertificates resources in state. */
  async certificateResources(): Promise<ExportedResource[]> {
    return (await this.deployment()).resources.filter((r) => r.type === RESOURCE_TYPE);
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

  /** `pulumi <args…> --stack <name>` in the background, in its own process group, killable at any moment. */
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

  /** Removes the workspace (temporary directories). The stack's resources are not destroyed. */
  cleanup(): Promise<void> {
    return this.workspace.cleanup();
  }
}
