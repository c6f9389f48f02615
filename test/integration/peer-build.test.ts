/**
 * scripts/peer-build.sh's cache, with a stand-in `go` on PATH (the real builds take half an hour): a miss
 * builds both tools and publishes each entry whole, a hit builds nothing, and a failed build leaves neither an
 * entry nor its temporary directory behind.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../kit/paths";

const SCRIPT = path.join(REPO_ROOT, "scripts", "peer-build.sh");
let dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A `go` that logs its arguments and writes a runnable stand-in binary to `-o`; with FAKE_GO_FAIL it fails. */
function fakeGo(): { bin: string; calls: string } {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-go-"));
  dirs.push(bin);
  const calls = path.join(bin, "calls.log");
  fs.writeFileSync(
    path.join(bin, "go"),
    [
      "#!/usr/bin/env bash",
      `echo "$*" >> ${JSON.stringify(calls)}`,
      'case "$1" in',
      '  version) echo "go version go1.26.0 linux/amd64"; exit 0 ;;',
      '  env) echo "go1.26.0"; exit 0 ;;',
      "esac",
      '[[ -n "${FAKE_GO_FAIL:-}" ]] && { echo "build failed" >&2; exit 1; }',
      'while [[ $# -gt 0 ]]; do if [[ "$1" == "-o" ]]; then out="$2"; fi; shift; done',
      'printf "#!/bin/sh\\necho stand-in \\$*\\n" > "$out"; chmod +x "$out"',
    ].join("\n"),
    { mode: 0o755 },
  );
  return { bin, calls };
}

function run(cache: string, bin: string, extra: Record<string, string> = {}) {
  return spawnSync("bash", [SCRIPT], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: cache, XDG_CACHE_HOME: cache, ...extra },
    timeout: 60_000,
  });
}

function entries(cache: string): string[] {
  const root = path.join(cache, "alb-listener-certificates", "peer");
  if (!fs.existsSync(root)) return [];
  // Everything but the lock files: entries, and any temporary build directory left behind.
  return fs.readdirSync(root).flatMap((tool) => fs.readdirSync(path.join(root, tool)).filter((entry) => entry !== ".lock").map((entry) => `${tool}/${entry}`));
}

describe("scripts/peer-build.sh", () => {
  it("builds both tools on a miss, publishes each entry with its stamp and build time, and prints their paths", () => {
    const { bin, calls } = fakeGo();
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "peer-cache-"));
    dirs.push(cache);
    const first = run(cache, bin);
    expect(first.status).toBe(0);
    const printed = first.stdout.trim().split("\n").slice(-2);
    expect(printed).toEqual([expect.stringMatching(/^tofu=.*\/alb-listener-certificates\/peer\/tofu-v1\.12\.6\/[0-9a-f]{16}\/tofu$/), expect.stringMatching(/^alicloud=.*\/alicloud-v1\.240\.0\/[0-9a-f]{16}\/terraform-provider-alicloud_v1\.240\.0$/)]);
    const builds = fs.readFileSync(calls, "utf8").split("\n").filter((line) => line.startsWith("build "));
    expect(builds).toEqual([
      expect.stringContaining("-mod=readonly -trimpath -ldflags -s -w -X 'github.com/opentofu/opentofu/version.dev=no' -o"),
      expect.stringContaining("-mod=readonly -trimpath -ldflags -s -w -o"),
    ]);
    expect(builds[0]).toMatch(/ github\.com\/opentofu\/opentofu\/cmd\/tofu$/);
    expect(builds[1]).toMatch(/ github\.com\/aliyun\/terraform-provider-alicloud$/);
    for (const line of printed) {
      const entry = path.dirname(line.split("=")[1]!);
      expect(fs.readFileSync(path.join(entry, "stamp"), "utf8").trim()).toBe(path.basename(entry));
      expect(JSON.parse(fs.readFileSync(path.join(entry, "build.json"), "utf8"))).toEqual({ seconds: expect.any(Number), go: "go1.26.0", builtAt: expect.any(String), cpus: expect.any(Number) });
    }
    expect(entries(cache).sort()).toEqual([expect.stringMatching(/^alicloud-v1\.240\.0\/[0-9a-f]{16}$/), expect.stringMatching(/^tofu-v1\.12\.6\/[0-9a-f]{16}$/)]);

    // A hit builds nothing and prints the same paths.
    fs.writeFileSync(calls, "");
    const second = run(cache, bin);
    expect(second.status).toBe(0);
    expect(second.stdout.trim().split("\n").slice(-2)).toEqual(printed);
    expect(fs.readFileSync(calls, "utf8").split("\n").filter((line) => line.startsWith("build "))).toEqual([]);
  });

  it("a failed build exits non-zero and leaves no entry and no temporary directory", () => {
    const { bin } = fakeGo();
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "peer-cache-"));
    dirs.push(cache);
    const result = run(cache, bin, { FAKE_GO_FAIL: "1" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("peer-build: error: go build of tofu failed");
    expect(entries(cache)).toEqual([]);
  });
});
