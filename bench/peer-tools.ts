/**
 * The tools the side-by-side benchmark drives against one simulator: the real peer (OpenTofu with
 * terraform-provider-alicloud, built by scripts/peer-build.sh) and this provider through `pulumi`.
 * Each takes a certificate set and applies it; each phase is timed by the caller around the command.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from "../simulator";
import { REPO_ROOT } from "../test/kit/paths";
import { EngineWorkspace } from "./bench-engine";
import { REGION } from "./bench-fixture";

/** The peer's pinned versions (tools/peer/<name>/go.mod). */
export const PEER_VERSIONS = Object.freeze({ tofu: "v1.12.6", alicloud: "v1.240.0" });
/** The peer's resource: one per certificate. */
export const PEER_RESOURCE = "alicloud_alb_listener_additional_certificate_attachment";

export interface PeerBinaries {
  readonly tofu: string;
  /** The provider's executable (its directory is the dev override). */
  readonly alicloud: string;
}

/** One command's outcome. */
export interface CommandRun {
  readonly code: number;
  readonly output: string;
  /** Real ms from spawn to exit. */
  readonly wallMs: number;
}

/** Runs scripts/peer-build.sh (a cache hit takes well under a second; a cold build about 30 minutes). */
export function ensurePeer(): Promise<PeerBinaries> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [path.join(REPO_ROOT, "scripts", "peer-build.sh")], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => process.stderr.write(d));
    child.on("error", reject);
    child.on("close", (code) => {
      const found = Object.fromEntries(
        stdout
          .split("\n")
          .map((line) => /^(tofu|alicloud)=(.+)$/.exec(line.trim()))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => [m[1], m[2]]),
      ) as Partial<PeerBinaries>;
      if (code !== 0 || !found.tofu || !found.alicloud) {
        reject(new Error(`scripts/peer-build.sh failed (exit ${code}); its messages are above`));
        return;
      }
      resolve({ tofu: found.tofu, alicloud: found.alicloud });
    });
  });
}

function runCommand(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(file, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    const timer = setTimeout(() => child.kill("SIGINT"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output, wallMs: Date.now() - started });
    });
  });
}

/** A tool that applies certificate sets to one listener. */
export interface SetApplier {
  /** Declares `certificateIds` on the listener (create or rotate). */
  apply(certificateIds: readonly string[]): Promise<CommandRun>;
  /** Removes everything the tool declared. */
  destroy(): Promise<CommandRun>;
  cleanup(): Promise<void>;
}

const PHASE_TIMEOUT_MS = 40 * 60_000;

/**
 * OpenTofu in a private directory: one attachment per certificate with `for_each` over the set (the way
 * the resource's documentation and its users declare several), the provider block pointing at the
 * simulator, and a CLI configuration whose `dev_overrides` name the locally built provider, so nothing is
 * installed and `tofu init` is not needed. Each phase is `tofu apply -auto-approve` (plan, then apply) or
 * `tofu destroy -auto-approve`, at OpenTofu's default parallelism (10).
 */
export async function tofuApplier(binaries: PeerBinaries, endpoint: string, listenerId: string): Promise<SetApplier> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alb-peer-"));
  const host = new URL(endpoint).host;
  fs.writeFileSync(
    path.join(dir, "tofurc"),
    `provider_installation {\n  dev_overrides {\n    "aliyun/alicloud" = ${JSON.stringify(path.dirname(binaries.alicloud))}\n  }\n  direct {}\n}\n`,
  );
  fs.writeFileSync(
    path.join(dir, "main.tf"),
    [
      "terraform {",
      "  required_providers {",
      '    alicloud = { source = "aliyun/alicloud" }',
      "  }",
      "}",
      "",
      'variable "certificates" { type = set(string) }',
      "",
      'provider "alicloud" {',
      `  access_key             = ${JSON.stringify(DEMO_ACCESS_KEY_ID)}`,
      `  secret_key             = ${JSON.stringify(DEMO_ACCESS_KEY_SECRET)}`,
      `  region                 = ${JSON.stringify(REGION)}`,
      '  protocol               = "HTTP"',
      "  skip_region_validation = true",
      '  account_type           = "Domestic"',
      `  endpoints { alb = ${JSON.stringify(host)} }`,
      "}",
      "",
      `resource "${PEER_RESOURCE}" "sni" {`,
      "  for_each       = var.certificates",
      `  listener_id    = ${JSON.stringify(listenerId)}`,
      "  certificate_id = each.value",
      "}",
      "",
    ].join("\n"),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    TF_CLI_CONFIG_FILE: path.join(dir, "tofurc"),
    TF_DATA_DIR: path.join(dir, ".tofu"),
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
  };
  const varFile = path.join(dir, "set.tfvars.json");
  let declared: readonly string[] = [];
  const common = ["-auto-approve", "-input=false", "-no-color", `-var-file=${varFile}`];
  return {
    apply(certificateIds) {
      declared = certificateIds;
      fs.writeFileSync(varFile, JSON.stringify({ certificates: certificateIds }));
      return runCommand(binaries.tofu, ["apply", ...common], dir, env, PHASE_TIMEOUT_MS);
    },
    destroy() {
      fs.writeFileSync(varFile, JSON.stringify({ certificates: declared }));
      return runCommand(binaries.tofu, ["destroy", ...common], dir, env, PHASE_TIMEOUT_MS);
    },
    async cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * This provider through the real `pulumi` CLI and bench/programs/fleet (one listener, K certificates;
 * generation 0 or 1 picks the set): each phase is `pulumi up --yes` (preview, then update: the CLI's
 * default, as `tofu apply` plans first) or `pulumi destroy --yes`; `upArgs` replaces `--yes` (e.g. with
 * `--yes --skip-preview`). `sets` are the fleet program's two
 * generations of listener 0.
 */
export async function pulumiApplier(endpoint: string, k: number, sets: readonly [readonly string[], readonly string[]], upArgs: readonly string[]): Promise<SetApplier> {
  const ws = await EngineWorkspace.create();
  await ws.initStack(endpoint, 1, k);
  return {
    async apply(certificateIds) {
      const generation = sets.findIndex((set) => set.join() === certificateIds.join());
      if (generation < 0) throw new Error("the fleet program declares only its two generations");
      await ws.runOrThrow(["config", "set", "alb-bench:generation", String(generation)]);
      const run = await ws.run(["up", ...upArgs]);
      return { code: run.code, output: run.stdout + run.stderr, wallMs: run.wallMs };
    },
    async destroy() {
      const run = await ws.run(["destroy", ...upArgs]);
      return { code: run.code, output: run.stdout + run.stderr, wallMs: run.wallMs };
    },
    cleanup: () => ws.cleanup(),
  };
}
