/**
 * The npm package: `npm pack` ships the provider, its runtime shim target, the contract module, the
 * simulator and the preview report (built, with their type declarations), the README and package.json;
 * nothing of the benchmark, the chaos suite, the test kit or the tests. The tarball, unpacked the way
 * `npm install` lays it out, serves every entry point. Needs the build (`npm run build`).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuildIsCurrent } from "../kit/cli-stack";
import { REPO_ROOT } from "../kit/paths";

const run = promisify(execFile);
const ALLOWED = /^(dist\/(contract|provider|simulator|report)\/[^/].*|README\.md|LICENSE|package\.json)$/;

interface Manifest {
  name: string;
  license: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | { types?: string; default?: string }>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  scripts: Record<string, string>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as Manifest;
let packed: string[];
let work: string;

beforeAll(async () => {
  assertBuildIsCurrent();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "alb-pack-"));
  // --ignore-scripts: packing must not rebuild dist/ under the other test files' feet.
  const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  const [report] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packed = report!.files.map((f) => f.path).sort();
  // What `npm install <tarball>` lays out in a program that has its own @pulumi/pulumi: the package under
  // node_modules; its dependencies and its peer dependencies next to it (linked from the repository's, so no
  // registry is needed).
  const nodeModules = path.join(work, "project", "node_modules");
  const installed = path.join(nodeModules, manifest.name);
  fs.mkdirSync(installed, { recursive: true });
  await run("tar", ["-xzf", path.join(work, report!.filename), "-C", installed, "--strip-components=1"]);
  for (const dependency of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]) {
    fs.mkdirSync(path.dirname(path.join(nodeModules, dependency)), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", dependency), path.join(nodeModules, dependency), "dir");
  }
  fs.writeFileSync(path.join(work, "project", "package.json"), JSON.stringify({ name: "consumer", private: true }));
}, 120_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("packs only the provider, the contract, the simulator, the report, the README, the licence and package.json", () => {
    expect(packed.filter((file) => !ALLOWED.test(file))).toEqual([]);
    // Any name part starting with one of them (`test/…`, `testing.js`, `bench.js`, `x-kit.js`), not a word that
    // merely contains one (`latest-certificate.js`).
    expect(packed.filter((file) => /(^|[/._-])(bench|reliability|test|kit)/.test(file))).toEqual([]);
    for (const entry of [
      "package.json",
      "README.md",
      "LICENSE",
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/runtime.js",
      "dist/provider/runtime.d.ts",
      "dist/simulator/index.js",
      "dist/simulator/index.d.ts",
      "dist/simulator/cli.js",
      "dist/report/preview-report.js",
      "dist/report/preview-report.d.ts",
      "dist/contract/alb-contract.js",
      "dist/contract/alb-contract.d.ts",
    ]) {
      expect(packed, entry).toContain(entry);
    }
  });

  it("ships the Apache-2.0 licence it declares", () => {
    expect(manifest.license).toBe("Apache-2.0");
    const text = fs.readFileSync(path.join(work, "project", "node_modules", manifest.name, "LICENSE"), "utf8");
    expect(text).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(text).toContain("END OF TERMS AND CONDITIONS");
  });

  it("ships source maps that carry their sources (the TypeScript files are not packed)", () => {
    const maps = packed.filter((file) => file.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(20);
    const installed = path.join(work, "project", "node_modules", manifest.name);
    const missing = maps.filter((file) => {
      const map = JSON.parse(fs.readFileSync(path.join(installed, file), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      return map.sources.length === 0 || map.sourcesContent?.length !== map.sources.length || map.sourcesContent.some((text) => typeof text !== "string" || text.length === 0);
    });
    expect(missing).toEqual([]);
    expect(packed.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
  });

  it("runs nothing when a user installs it: no install-time lifecycle script (the build runs on pack)", () => {
    const installTime = ["preinstall", "install", "postinstall", "prepare"].filter((name) => name in manifest.scripts);
    expect(installTime).toEqual([]);
    expect(manifest.scripts.prepack).toBe("npm run build");
  });

  it("packs every file package.json points at", () => {
    const targets = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((target) => (typeof target === "string" ? [target] : [target.types, target.default])),
    ].filter((target): target is string => target !== undefined);
    expect(targets.length).toBeGreaterThan(8);
    for (const target of targets) expect(packed, target).toContain(path.posix.normalize(target));
  });

  it("serves the package, /simulator and /runtime from the unpacked tarball, and its simulator command starts", async () => {
    const script = `
      const main = require("alb-listener-certificates");
      const simulator = require("alb-listener-certificates/simulator");
      const runtime = require("alb-listener-certificates/runtime");
      simulator.startSimulator({ jobMs: 10 }).then(async (sim) => {
        const provider = runtime.provider();
        console.log(JSON.stringify({
          resource: typeof main.ListenerAdditionalCertificates,
          listener: sim.backend.listenerView("lsn-demo-https-443").protocol,
          provider: ["check", "diff", "create", "read", "update", "delete"].every((m) => typeof provider[m] === "function"),
          resolved: require.resolve("alb-listener-certificates/runtime"),
        }));
        await sim.close();
      });`;
    const project = path.join(work, "project");
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      resource: "function",
      listener: "HTTPS",
      provider: true,
      resolved: path.join(fs.realpathSync(project), "node_modules", manifest.name, "dist", "provider", "runtime.js"),
    });
    const bin = path.join(project, "node_modules", manifest.name, manifest.bin["alb-simulator"]!);
    const help = await run(process.execPath, [bin, "--help"], { cwd: project });
    expect(help.stdout).toMatch(/--fixture/);
  });
});
