/**
 * Every GitHub Actions workflow under examples/ passes actionlint (the pinned version that
 * scripts/actionlint.sh builds and caches): its YAML, expressions and contexts (`steps.<id>.outputs`,
 * `vars`, `secrets`, `env`), runner labels, and the inputs of the actions whose metadata actionlint carries.
 * Workflows are found, not listed, so a new one is linted without touching this file. Copies of
 * preview.yml with one deliberate mistake each show that the instrument fails when it should.
 *
 * An actionlint that cannot be provisioned FAILS these tests (never skips them).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../kit/paths";

// js-yaml comes with @pulumi/pulumi; it only tells workflows from other YAML (Pulumi.yaml) here.
const yaml = require("js-yaml") as { load(text: string): unknown };

const SCRIPT = path.join(REPO_ROOT, "scripts", "actionlint.sh");
const VERSION = "v1.7.12";
const EXAMPLES = path.join(REPO_ROOT, "examples");
const PREVIEW = path.join(EXAMPLES, "github-actions", "preview.yml");

/**
 * actionlint runs shellcheck on `run:` scripts (and pyflakes on Python ones) only when it finds them on PATH,
 * so the same workflow could pass on one machine and fail on another. Both are turned off explicitly: the
 * verdict depends on the workflow and the pinned actionlint alone.
 */
const DETERMINISTIC_FLAGS = ["-no-color", "-oneline", "-shellcheck=", "-pyflakes="];

/** Every .yml/.yaml file under `dir` (node_modules left out) that is a workflow: a top-level `jobs`, or not YAML at all. */
function findWorkflows(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") found.push(...findWorkflows(file));
    } else if (/\.ya?ml$/.test(entry.name)) {
      let document: unknown;
      try {
        document = yaml.load(fs.readFileSync(file, "utf8"));
      } catch {
        found.push(file); // unparsable: actionlint says why
        continue;
      }
      if (typeof document === "object" && document !== null && "jobs" in document) found.push(file);
    }
  }
  return found.sort();
}

/** Runs scripts/actionlint.sh; resolves to the actionlint binary, or rejects with the script's last output. */
function provisionActionlint(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [SCRIPT], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const dir = stdout.trim().split("\n").at(-1)?.trim() ?? "";
      const binary = path.join(dir, "actionlint");
      if (code !== 0 || !dir || !fs.existsSync(binary)) {
        reject(new Error(`Could not provision actionlint with ${SCRIPT}${code !== 0 ? ` (exit ${code})` : ""}:\n${stderr.trim().split("\n").slice(-30).join("\n")}`));
        return;
      }
      resolve(binary);
    });
  });
}

function lint(binary: string, files: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(binary, [...DETERMINISTIC_FLAGS, ...files], { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("GitHub Actions workflows under examples/, through actionlint", () => {
  let actionlint: Promise<string>;
  let temp: string;

  // A cold build downloads the module and compiles it: minutes on a busy machine; a cached run, well under
  // a second. A provisioning error is not thrown here (vitest would then report the tests as skipped) but
  // by every test awaiting `actionlint`, so each one fails with the script's diagnostics.
  beforeAll(async () => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-lint-"));
    actionlint = provisionActionlint();
    await actionlint.catch(() => undefined);
  }, 15 * 60_000);

  afterAll(() => {
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  });

  it(`scripts/actionlint.sh provides actionlint ${VERSION}`, async () => {
    const version = spawnSync(await actionlint, ["-version"], { encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout.split("\n")[0]).toBe(VERSION);
  });

  it("finds the workflows (and only workflows: no Pulumi.yaml) and every one passes", async () => {
    const workflows = findWorkflows(EXAMPLES);
    expect(workflows.length).toBeGreaterThanOrEqual(1);
    expect(workflows).toContain(PREVIEW);
    expect(workflows.filter((f) => path.basename(f) === "Pulumi.yaml")).toEqual([]);
    const result = lint(await actionlint, workflows);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  // Each mistake is one literal edit of preview.yml; the edit must apply, and actionlint must name it.
  it.each([
    {
      mistake: "an output of a step that does not exist",
      from: "exit code ${{ steps.preview.outputs.exit-code }}",
      to: "exit code ${{ steps.nope.outputs.x }}",
      expected: /preview\.yml:\d+:\d+: property "nope" is not defined in object type \{.*\} \[expression\]/,
    },
    {
      mistake: "a runner label that does not exist",
      from: "runs-on: ubuntu-latest",
      to: "runs-on: ubuntu-latets",
      expected: /preview\.yml:\d+:\d+: label "ubuntu-latets" is unknown\. .* \[runner-label\]/,
    },
    {
      mistake: "an input actions/setup-node does not have",
      from: "node-version: 24",
      to: "node-versoin: 24",
      expected: /preview\.yml:\d+:\d+: input "node-versoin" is not defined in action "actions\/setup-node@v6"\. .* \[action\]/,
    },
    {
      mistake: "a plain scalar with a colon and a space (a YAML error)",
      from: 'run: |\n          echo "::warning::',
      to: 'run: echo "::warning::',
      expected: /preview\.yml:\d+:\d+: could not parse as YAML: .*mapping values are not allowed in this context \[syntax-check\]/,
    },
  ])("fails on a copy of preview.yml with $mistake", async ({ from, to, expected }) => {
    const original = fs.readFileSync(PREVIEW, "utf8");
    expect(original.split(from).length - 1).toBe(1);
    const dir = fs.mkdtempSync(path.join(temp, "broken-"));
    const copy = path.join(dir, "preview.yml");
    fs.writeFileSync(copy, original.replace(from, to));
    const result = lint(await actionlint, [copy]);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(expected);
    // One mistake, one finding.
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
  });
});
