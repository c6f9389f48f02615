// Smoke test of the locally provisioned Pulumi CLI (scripts/pulumi-cli.sh): a TypeScript program with a
// trivial dynamic resource goes through stack init → up → preview --expect-no-changes → stack export →
// destroy, fully offline. Provisioning failures (e.g. no Go toolchain) FAIL this suite on purpose: a
// skipped E2E suite would silently hide a broken toolchain.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPulumiWorkspace, PULUMI_CLI_VERSION, type PulumiWorkspace } from "../kit/pulumi";

const PROGRAM_DIR = path.join(__dirname, "cli-smoke");
const STACK = "smoke";

interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

describe("real Pulumi CLI (offline, file backend)", () => {
  let workspace: Promise<PulumiWorkspace>;

  // A cold build of the CLI takes several minutes on 2 cores; cached runs take well under a second.
  // A provisioning error is not thrown here (vitest would then report the tests as skipped) but by every
  // test awaiting `workspace`, so each one fails with the provisioning diagnostics.
  beforeAll(async () => {
    workspace = createPulumiWorkspace(PROGRAM_DIR);
    await workspace.catch(() => undefined);
  }, 45 * 60_000);

  afterAll(async () => {
    await (await workspace.catch(() => undefined))?.cleanup();
  });

  it(`is ${PULUMI_CLI_VERSION} and has no downloaded plugins`, async () => {
    const w = await workspace;
    const version = await w.runOrThrow(["version"]);
    expect(version.stdout.trim()).toBe(PULUMI_CLI_VERSION);

    const plugins = await w.runOrThrow(["plugin", "ls", "--json"]);
    expect(JSON.parse(plugins.stdout)).toEqual([]);
  });

  it("runs stack init → up → preview --expect-no-changes → stack export → destroy", async () => {
    const w = await workspace;
    await w.runOrThrow(["stack", "init", STACK, "--secrets-provider", "passphrase"]);

    const up = await w.runOrThrow(["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(up.stdout).toContain("pulumi-nodejs:dynamic:Resource");
    expect(up.stdout).toMatch(/\+ 2 created/);
    // Plugins must come from the CLI directory, not from some other copy on PATH.
    expect(up.stdout + up.stderr).not.toMatch(/from \$PATH/);

    const outputs = await w.runOrThrow(["stack", "output", "--json", "--stack", STACK]);
    expect(JSON.parse(outputs.stdout)).toEqual({ id: "x", message: "hello from the cli-smoke program" });

    await w.runOrThrow(["preview", "--expect-no-changes", "--stack", STACK]);

    const exported = await w.runOrThrow(["stack", "export", "--stack", STACK]);
    const resources = (JSON.parse(exported.stdout) as { deployment: { resources: ExportedResource[] } })
      .deployment.resources;
    const smoke = resources.find((r) => r.type === "pulumi-nodejs:dynamic:Resource");
    expect(smoke).toBeDefined();
    expect(smoke!.urn).toBe(`urn:pulumi:${STACK}::cli-smoke::pulumi-nodejs:dynamic:Resource::smoke`);
    expect(smoke!.id).toBe("x");
    expect(smoke!.outputs?.message).toBe("hello from the cli-smoke program");
    expect(typeof smoke!.outputs?.__provider).toBe("string");

    const destroy = await w.runOrThrow(["destroy", "--yes", "--skip-preview", "--stack", STACK]);
    expect(destroy.stdout).toMatch(/2 deleted/);
    const afterDestroy = await w.runOrThrow(["stack", "export", "--stack", STACK]);
    const remaining = (JSON.parse(afterDestroy.stdout) as { deployment: { resources?: ExportedResource[] } })
      .deployment.resources;
    expect(remaining ?? []).toEqual([]);

    await w.runOrThrow(["stack", "rm", "--yes", STACK]);

    // Nothing was downloaded into the isolated plugin cache, and the repository copy stayed untouched.
    expect(fs.existsSync(path.join(w.pulumiHome, "plugins"))).toBe(false);
    expect(fs.readdirSync(PROGRAM_DIR).filter((f) => /^Pulumi\..+\.yaml$/.test(f))).toEqual([]);
  }, 5 * 60_000);
});
