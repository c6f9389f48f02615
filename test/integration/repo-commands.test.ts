/**
 * The package's commands run inside the repository after a build, as the README tells contributors to run
 * them (`npx alb-simulator …`): the build leaves them executable.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../kit/paths";

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };

describe("the package's commands in the repository", () => {
  it.each(Object.entries(manifest.bin))("%s is executable in the build", (_name, file) => {
    expect(fs.statSync(path.join(REPO_ROOT, file)).mode & 0o111).toBe(0o111);
  });

  it("npx alb-simulator --help runs", () => {
    const result = spawnSync("npx", ["--no-install", "alb-simulator", "--help"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
    expect(result.stderr).not.toMatch(/Permission denied/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: alb-simulator \[options\]/);
  });
});
