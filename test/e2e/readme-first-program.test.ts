// The README's first program runs as written, through the real pulumi CLI, against the simulator's demo
// world: the files its shell lines write, its `index.ts`, its stack commands, the rotation it describes and
// what each command's comment promises. Read from README.md itself, so the README cannot drift from what
// works. Two substitutions, both said here: `npm install` is this repository's own node_modules (the package
// is its build, linked), and the endpoint's port is the test simulator's (an ephemeral port, not 9400); the
// CLI runs non-interactively, so `up` and `destroy` get `--yes`.
//
// A CLI that cannot be provisioned FAILS these tests (never skips them): see test/e2e/cli-smoke.test.ts.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../simulator";
import { assertBuildIsCurrent, providerEnv, RESOURCE_TYPE } from "../kit/cli-stack";
import { startE2eSimulator } from "../kit/e2e";
import { createPulumiWorkspace, ensurePulumiCli, REPO_ROOT, type PulumiWorkspace } from "../kit/pulumi";
import { liveAdditional, logMark, realMutations } from "../kit/request-log";

const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const TEST_TIMEOUT = 10 * 60_000;

/** The section under `## <title>`, up to the next `## `. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${title}"`);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The fenced code blocks of `text` in `lang`, in order. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
}

/** A shell block's command lines, without comments and blank lines. */
function commands(block: string): string[] {
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "");
}

/** `pulumi a b c` → ["a", "b", "c"] (the README's stack commands have no quoted arguments). */
function pulumiArgs(line: string): string[] {
  const [command, ...args] = line.split(/\s+/);
  expect(command).toBe("pulumi");
  return args;
}

describe("the README's first program", () => {
  const first = section("A first program, against the simulator");
  const [setup, stack, rotation] = blocks(first, "bash");
  const [program] = blocks(first, "ts");
  const HTTPS = "lsn-demo-https-443";
  let sim: RunningSimulator;
  let dir: string;
  let ws: PulumiWorkspace | undefined;

  beforeAll(async () => {
    await ensurePulumiCli().catch(() => undefined);
    assertBuildIsCurrent();
    sim = await startE2eSimulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "alb-readme-"));
  }, 45 * 60_000);

  afterAll(async () => {
    await ws?.cleanup();
    await sim?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("has the shape this test reads: a setup block, index.ts, the stack's commands, the rotation's", () => {
    expect([setup, stack, rotation, program].every((b) => typeof b === "string")).toBe(true);
    expect(commands(setup!)[0]).toBe("mkdir sni-demo && cd sni-demo");
    expect(commands(setup!).at(-1)).toMatch(/^npm install alb-listener-certificates @pulumi\/pulumi typescript$/);
  });

  it("runs as written: up associates both certificates, the rotation previews and applies by ID, destroy leaves the rest", async () => {
    // The files the setup block writes (its first line makes the directory, its last installs).
    const lines = commands(setup!);
    for (const line of lines.slice(1, -1)) execFileSync("bash", ["-euo", "pipefail", "-c", line], { cwd: dir });
    expect(fs.readdirSync(dir).sort()).toEqual(["Pulumi.yaml", "package.json"]);
    fs.writeFileSync(path.join(dir, "index.ts"), program!);
    // In place of its `npm install`: this repository's node_modules, where the package is its build.
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");

    ws = await createPulumiWorkspace(dir, { env: providerEnv({ credentials: "none" }) });
    const mark = logMark(sim);
    const stackLines = commands(stack!);
    // The first line sets the local backend and passphrase: the workspace has its own.
    expect(stackLines[0]).toMatch(/^export PULUMI_CONFIG_PASSPHRASE=\S+ PULUMI_BACKEND_URL=/);
    let upOutput = "";
    for (const line of stackLines.slice(1)) {
      const args = pulumiArgs(line.replace("http://127.0.0.1:9400", sim.endpoint));
      if (args[0] === "up") args.push("--yes");
      const result = await ws.runOrThrow(args);
      if (args[0] === "up") upOutput = result.stdout + result.stderr;
    }
    // "`pulumi up` warns that `25112233-cn-hangzhou` (shop.example.com) expires in 25 days".
    expect(first).toContain("`pulumi up` warns that `25112233-cn-hangzhou` (shop.example.com) expires in 25 days");
    expect(upOutput).toMatch(/certificate 25112233-cn-hangzhou \(shop\.example\.com\) added to listener lsn-demo-https-443 expires on \d{4}-\d\d-\d\d, in 25 days/);
    expect(liveAdditional(sim, HTTPS)).toEqual({
      "24664588-cn-hangzhou": "Associated",
      "25112233-cn-hangzhou": "Associated",
      "25209871-cn-hangzhou": "Associated",
    });
    const outputs = JSON.parse((await ws.runOrThrow(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
    expect(outputs).toEqual({ certificates: { "25112233-cn-hangzhou": "Associated", "25209871-cn-hangzhou": "Associated" } });

    // "To rotate, replace `A` in `index.ts` with its renewal `B`".
    const [, from, to] = /To rotate, replace `(\S+)` in `index\.ts` with its renewal `(\S+)`/.exec(first) ?? [];
    expect([from, to]).toEqual(["25112233-cn-hangzhou", "25481937-cn-hangzhou"]);
    const index = path.join(ws.programDir, "index.ts");
    fs.writeFileSync(index, fs.readFileSync(index, "utf8").replace(from!, to!));

    const [preview, up, destroy] = commands(rotation!);
    expect([preview, up, destroy]).toEqual(["pulumi preview --diff", "pulumi up", "pulumi destroy"]);
    const previewed = await ws.runOrThrow(pulumiArgs(preview!));
    const diff = previewed.stdout;
    // What its comment promises: the one certificate out and the one in, by ID.
    expect(diff).toMatch(/-\s+"?25112233-cn-hangzhou"?/);
    expect(diff).toMatch(/\+\s+"?25481937-cn-hangzhou"?/);
    // "each with its domains and end date".
    // (The provider's lines: on the terminal's error stream when, as here, the CLI runs without one.)
    expect(previewed.stdout + previewed.stderr).toMatch(/lsn-demo-https-443: adds 25481937-cn-hangzhou \(shop\.example\.com; until \d{4}-\d\d-\d\d\); removes 25112233-cn-hangzhou \(shop\.example\.com; until \d{4}-\d\d-\d\d\); keeps 25209871-cn-hangzhou \(www\.example\.net, example\.net; until \d{4}-\d\d-\d\d\)/);
    expect(diff).not.toMatch(/[-+]\s+"?25209871-cn-hangzhou"?/);
    expect(diff).not.toMatch(/\[\d+\]/);

    await ws.runOrThrow([...pulumiArgs(up!), "--yes"]);
    expect(liveAdditional(sim, HTTPS)).toEqual({
      "24664588-cn-hangzhou": "Associated",
      "25209871-cn-hangzhou": "Associated",
      "25481937-cn-hangzhou": "Associated",
    });
    await ws.runOrThrow([...pulumiArgs(destroy!), "--yes"]);
    // "24664588-cn-hangzhou, which it did not [declare], stays".
    expect(liveAdditional(sim, HTTPS)).toEqual({ "24664588-cn-hangzhou": "Associated" });
    expect(realMutations(sim, mark).length).toBeGreaterThan(0);
    const exported = JSON.parse((await ws.runOrThrow(["stack", "export"])).stdout) as { deployment: { resources?: { type: string }[] } };
    expect((exported.deployment.resources ?? []).filter((r) => r.type === RESOURCE_TYPE)).toEqual([]);
  }, TEST_TIMEOUT);
});
