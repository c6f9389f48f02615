// Compatibility of the packed package with the user's own @pulumi/pulumi, on Node.js 20, 22 and 24.
//
// For each combination: a fresh Pulumi TypeScript project (a copy of examples/unit-testing) installs the
// tarball of this package next to that exact SDK with that Node.js; the project must hold ONE copy of
// @pulumi/pulumi (the one the package resolves too), type-check, pass its unit tests on Pulumi's mocks, and
// go through preview → up → preview --expect-no-changes → destroy with the matching CLI against the simulator
// of the installed package. Nothing is skipped: a combination that cannot be set up fails.
//
// Run with `npm run test:compat` (builds first); one combination: `npm run test:compat -- -t "3.216.0"`.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as SimulatorModule from "../../simulator";
import { createProject, nodeBinary, packRepository, pulumiCli, pulumiEnv, runOrThrow, sdkCopies, type Combination, type CompatProject } from "./kit";

/**
 * The oldest SDK the package declares (its peerDependencies range starts there: `configure` since 3.139.0,
 * refresh rewriting inputs since 3.216.0), the repository's own (the newest whose engines accept Node.js 20),
 * and the newest release, which declares Node.js >= 22, on the two Node.js lines users run (22 and 24). Each runs
 * with the CLI of its own version.
 */
const COMBINATIONS: readonly Combination[] = [
  { sdk: "3.216.0", node: 20, cli: "v3.216.0" },
  { sdk: "3.248.0", node: 20, cli: "v3.248.0" },
  { sdk: "3.248.0", node: 22, cli: "v3.248.0" },
  { sdk: "3.276.0", node: 22, cli: "v3.276.0" },
  { sdk: "3.276.0", node: 24, cli: "v3.276.0" },
];

const HTTPS_LISTENER = "lsn-demo-https-443";
const QUIC_LISTENER = "lsn-demo-quic-443";
/** What examples/unit-testing declares on each listener. */
const DECLARED: Record<string, string[]> = {
  [HTTPS_LISTENER]: ["25112233-cn-hangzhou", "25209871-cn-hangzhou"],
  [QUIC_LISTENER]: ["25346102-cn-hangzhou"],
};
const RESOURCE_TYPE = "pulumi-nodejs:dynamic/alb:ListenerAdditionalCertificates";
const STEP_TIMEOUT_MS = 10 * 60_000;

let root: string;
let tarball: Promise<string>;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "alb-compat-"));
  tarball = packRepository(root);
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

for (const combination of COMBINATIONS) describe(`@pulumi/pulumi ${combination.sdk} on Node.js ${combination.node} (CLI ${combination.cli})`, () => {
  let project: CompatProject;
  let simulator: Awaited<ReturnType<typeof SimulatorModule.startSimulator>> | undefined;

  afterAll(async () => {
    await simulator?.close();
  });

  it("installs next to the program's SDK, with one copy of @pulumi/pulumi in the tree", async () => {
    const [packed, nodeBin] = await Promise.all([tarball, nodeBinary(combination.node)]);
    project = await createProject(root, packed, combination, nodeBin);
    const copies = sdkCopies(project.dir);
    expect(copies, `copies of @pulumi/pulumi in ${project.dir}: ${JSON.stringify(copies)}`).toEqual([
      { dir: path.join(project.dir, "node_modules", "@pulumi", "pulumi"), version: combination.sdk },
    ]);
    // The package resolves the program's copy, so its dynamic resource registers through the program's runtime.
    const packageDir = path.join(project.dir, "node_modules", "alb-listener-certificates");
    expect(fs.realpathSync(path.dirname(createRequire(path.join(packageDir, "index.js")).resolve("@pulumi/pulumi/package.json")))).toBe(
      fs.realpathSync(path.join(project.dir, "node_modules", "@pulumi", "pulumi")),
    );
    const { stdout } = await runOrThrow("node", ["--version"], { cwd: project.dir, env: project.env, timeoutMs: 60_000 });
    expect(stdout.trim()).toMatch(new RegExp(`^v${combination.node}\\.`));
  }, STEP_TIMEOUT_MS);

  it("type-checks the program against this SDK and passes its unit tests on Pulumi's mocks", async () => {
    expect(project, "the project was not installed").toBeDefined();
    await runOrThrow("node", [path.join("node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "."], { cwd: project.dir, env: project.env, timeoutMs: STEP_TIMEOUT_MS });
    const { stdout } = await runOrThrow("node", [path.join("node_modules", "vitest", "vitest.mjs"), "run", "--reporter", "verbose"], { cwd: project.dir, env: { ...project.env, CI: "true", NO_COLOR: "1" }, timeoutMs: STEP_TIMEOUT_MS });
    expect(stdout).toMatch(/Tests\s+3 passed \(3\)/);
  }, STEP_TIMEOUT_MS);

  it("runs preview, up, an empty preview and destroy with the real CLI against the simulator", async () => {
    expect(project, "the project was not installed").toBeDefined();
    const cliDir = await pulumiCli(combination.cli);
    // The simulator of the installed package, as a user starts it.
    const sim = createRequire(path.join(project.dir, "index.js"))("alb-listener-certificates/simulator") as typeof SimulatorModule;
    simulator = await sim.startSimulator({ jobMs: 300, seed: 1 });
    const live = (listenerId: string) => simulator!.backend.listenerView(listenerId).additional.map((c) => c.certificateId).sort();
    const before: Record<string, string[]> = { [HTTPS_LISTENER]: live(HTTPS_LISTENER), [QUIC_LISTENER]: live(QUIC_LISTENER) };
    const env = pulumiEnv(project, cliDir, { ALIBABA_CLOUD_ACCESS_KEY_ID: sim.DEMO_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: sim.DEMO_ACCESS_KEY_SECRET });
    const pulumi = (...args: string[]) =>
      runOrThrow(path.join(cliDir, "pulumi"), ["--non-interactive", "--color=never", ...args], { cwd: project.dir, env, timeoutMs: STEP_TIMEOUT_MS });

    expect((await pulumi("version")).stdout.trim()).toBe(combination.cli);
    await pulumi("stack", "init", "compat", "--secrets-provider", "passphrase");
    await pulumi("config", "set", "alicloud:region", "cn-hangzhou");
    await pulumi("config", "set", "alb-listener-certificates:endpoint", simulator.endpoint);
    // The language host and the dynamic provider run the `node` of this combination.
    const about = JSON.parse((await pulumi("about", "--json")).stdout) as { runtime?: { version?: string } };
    expect(about.runtime?.version).toMatch(new RegExp(`^v?${combination.node}\\.`));

    const preview = await pulumi("preview", "--diff");
    expect(preview.stdout).toMatch(/\+ 3 to create/);
    expect(live(HTTPS_LISTENER)).toEqual(before[HTTPS_LISTENER]);

    const up = await pulumi("up", "--yes", "--skip-preview");
    expect(up.stdout).toMatch(/\+ 3 created/);
    for (const listenerId of [HTTPS_LISTENER, QUIC_LISTENER]) {
      expect(live(listenerId)).toEqual([...before[listenerId]!, ...DECLARED[listenerId]!].sort());
    }
    expect(JSON.parse((await pulumi("stack", "output", "--json")).stdout)).toEqual({ certificates: DECLARED });

    await pulumi("preview", "--expect-no-changes");

    const exported = JSON.parse((await pulumi("stack", "export")).stdout) as { deployment: { resources: { type: string; inputs?: Record<string, unknown> }[] } };
    const resources = exported.deployment.resources.filter((r) => r.type === RESOURCE_TYPE);
    expect(resources).toHaveLength(2);
    for (const r of resources) {
      expect(String(r.inputs?.__provider)).toContain('"alb-listener-certificates/runtime"');
      expect(String(r.inputs?.__provider)).not.toContain(sim.DEMO_ACCESS_KEY_SECRET);
    }

    const destroy = await pulumi("destroy", "--yes", "--skip-preview");
    expect(destroy.stdout).toMatch(/- 3 deleted/);
    expect({ [HTTPS_LISTENER]: live(HTTPS_LISTENER), [QUIC_LISTENER]: live(QUIC_LISTENER) }).toEqual(before);
  }, 3 * STEP_TIMEOUT_MS);
});
