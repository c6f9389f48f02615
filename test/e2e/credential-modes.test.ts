// End-to-end, real pulumi CLI against the simulator: the credential modes reachable from stack config.
// 1. alicloud:assumeRole (an object set with `pulumi config set --path`, which `configure` receives as JSON)
//    over a stack-config access key: the provider process assumes the role through the simulator's STS
//    (HTTPS, same port) and signs every ALB request with the temporary key;
// 2. alicloud:assumeRoleWithOidc with a token file and no access key anywhere;
// 3. broken configurations fail the preview with the key and the fix, and nothing is sent.
// No credential (access key secret, STS key or token, OIDC token) reaches the output or the resource's state.
//
// A CLI that cannot be provisioned FAILS these tests (never skips them): see test/e2e/cli-smoke.test.ts.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_OIDC_PROVIDER_ARN, DEMO_ROLE_ARN, unsignedJwt, type RunningSimulator } from "../../simulator";
import { RESOURCE_TYPE } from "../kit/cli-stack";
import { CERT, E2eStack, HTTPS_LISTENER, PREEXISTING_CERT, progressLines, startE2eSimulator } from "../kit/e2e";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from "../../simulator";
import { liveIds } from "../kit/request-log";
import { ensurePulumiCli } from "../kit/pulumi";

const { a, b, c } = CERT;
const TEST_TIMEOUT = 12 * 60_000;
const STS_ACTIONS = new Set(["AssumeRole", "AssumeRoleWithOIDC"]);

/** Every ALB request of the simulator was signed with an issued temporary key (and accepted). */
function expectAllAlbRequestsOnTemporaryKeys(sim: RunningSimulator): void {
  const alb = sim.backend.requestLog().filter((e) => !STS_ACTIONS.has(e.action ?? ""));
  expect(alb.length).toBeGreaterThan(0);
  expect(alb.filter((e) => e.code !== null && e.code !== "DryRunOperation")).toEqual([]);
  expect(sim.sts.issued().reduce((n, s) => n + s.uses, 0)).toBe(alb.length);
}

/** No credential in the CLI's output, and none in the resource's state (plain or with secrets shown). */
async function expectNoCredentialIn(s: E2eStack, output: string, needles: readonly string[]): Promise<void> {
  for (const needle of needles) expect(output.includes(needle), `output contains ${needle.slice(0, 12)}…`).toBe(false);
  const shown = JSON.parse((await s.deployment(true)).raw) as { deployment: { resources?: { urn: string; type: string }[] } };
  const ours = JSON.stringify((shown.deployment.resources ?? []).filter((r) => r.type === RESOURCE_TYPE));
  for (const needle of needles) expect(ours.includes(needle), `state contains ${needle.slice(0, 12)}…`).toBe(false);
  // Temporary keys and tokens: `STS.` key IDs and `CAIS` tokens never appear in the resource's state.
  expect(ours).not.toMatch(/"STS\.|CAIS/);
}

describe("e2e: credentials through stack config (assumeRole, assumeRoleWithOidc)", () => {
  const simulators: RunningSimulator[] = [];
  const stacks: E2eStack[] = [];
  const tempDirs: string[] = [];

  beforeAll(async () => {
    // A provisioning error surfaces in each test (creating a stack provisions the CLI), so they fail.
    await ensurePulumiCli().catch(() => undefined);
  }, 45 * 60_000);

  afterAll(async () => {
    for (const s of stacks) await s.cleanup();
    await Promise.all(simulators.map((sim) => sim.close()));
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function simulator(): Promise<RunningSimulator> {
    const sim = await startE2eSimulator();
    simulators.push(sim);
    return sim;
  }

  async function stack(sim: RunningSimulator, options: Omit<Parameters<typeof E2eStack.create>[1], "listenerId">): Promise<E2eStack> {
    const s = await E2eStack.create(sim, { listenerId: HTTPS_LISTENER, credentials: "none", ...options });
    stacks.push(s);
    return s;
  }

  it.concurrent("1. assumeRole: every ALB request is signed with the assumed role's temporary key; nothing secret reaches output or state", async () => {
    const sim = await simulator();
    const s = await stack(sim, {
      stack: "assume-role",
      certificateIds: [a, b],
      secretPathConfig: { "alicloud:accessKey": DEMO_ACCESS_KEY_ID, "alicloud:secretKey": DEMO_ACCESS_KEY_SECRET },
      pathConfig: { "alicloud:assumeRole.roleArn": DEMO_ROLE_ARN, "alicloud:assumeRole.sessionName": "e2e-deploy", "alicloud:stsEndpoint": new URL(sim.endpoint).host },
    });
    const stackFile = fs.readFileSync(path.join(s.workspace.programDir, `Pulumi.${s.name}.yaml`), "utf8");
    expect(stackFile).toMatch(/alicloud:assumeRole:\s*\n\s+roleArn: acs:ram::1234567890123456:role\/alb-listener-certificates\n\s+sessionName: e2e-deploy/);

    const up = await s.up();
    expect(progressLines(up).map((p) => p.certificateIds)).toEqual([[a, b]]);
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT, a, b].sort());
    const sessions = sim.sts.issued();
    expect(sessions).toHaveLength(1); // one provider process for the up: the role is assumed once
    expect(sessions.map((x) => [x.action, x.roleArn, x.roleSessionName])).toEqual(sessions.map(() => ["AssumeRole", DEMO_ROLE_ARN, "e2e-deploy"]));
    expectAllAlbRequestsOnTemporaryKeys(sim);
    await expectNoCredentialIn(s, up, [DEMO_ACCESS_KEY_SECRET]);

    await s.setCertificates([b, c]);
    const changed = await s.up();
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT, b, c].sort());
    const destroyed = await s.destroy();
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT]);
    expectAllAlbRequestsOnTemporaryKeys(sim);
    await expectNoCredentialIn(s, changed + destroyed, [DEMO_ACCESS_KEY_SECRET]);
  }, TEST_TIMEOUT);

  it.concurrent("2. assumeRoleWithOidc with a token file, and no access key anywhere", async () => {
    const sim = await simulator();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alb-e2e-oidc-"));
    tempDirs.push(dir);
    const token = unsignedJwt({ iss: "https://token.actions.githubusercontent.com", aud: "sts.aliyuncs.com", sub: "repo:acme/infra:pull_request", exp: Math.floor(Date.now() / 1000) + 3600 });
    const tokenFile = path.join(dir, "oidc-token");
    fs.writeFileSync(tokenFile, token);
    const s = await stack(sim, {
      stack: "oidc",
      certificateIds: [c],
      pathConfig: {
        "alicloud:assumeRoleWithOidc.oidcProviderArn": DEMO_OIDC_PROVIDER_ARN,
        "alicloud:assumeRoleWithOidc.roleArn": DEMO_ROLE_ARN,
        "alicloud:assumeRoleWithOidc.oidcTokenFile": tokenFile,
        "alicloud:assumeRoleWithOidc.roleSessionName": "e2e-oidc",
        "alicloud:stsEndpoint": new URL(sim.endpoint).host,
      },
    });
    const up = await s.up();
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT, c].sort());
    await s.runOrThrow(["preview", "--expect-no-changes"]);
    const destroyed = await s.destroy();
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT]);
    const sessions = sim.sts.issued();
    expect(new Set(sessions.map((x) => `${x.action} ${x.roleSessionName}`))).toEqual(new Set(["AssumeRoleWithOIDC e2e-oidc"]));
    expectAllAlbRequestsOnTemporaryKeys(sim);
    await expectNoCredentialIn(s, up + destroyed, [token, token.split(".")[1]!]);
  }, TEST_TIMEOUT);

  it.concurrent("3. broken configurations fail the preview with the key and the fix, and send nothing", async () => {
    const sim = await simulator();
    const noRole = await stack(sim, {
      stack: "no-role",
      certificateIds: [a],
      secretPathConfig: { "alicloud:accessKey": DEMO_ACCESS_KEY_ID, "alicloud:secretKey": DEMO_ACCESS_KEY_SECRET },
      pathConfig: { "alicloud:assumeRole.sessionName": "e2e" },
    });
    const first = await noRole.run(["preview"]);
    expect(first.code).not.toBe(0);
    expect(first.stdout + first.stderr).toContain("Alibaba Cloud credentials: alicloud:assumeRole.roleArn is missing. Fix: pulumi config set --path 'alicloud:assumeRole.roleArn' acs:ram::<account-id>:role/<role-name>");
    const noToken = await stack(sim, {
      stack: "no-token",
      certificateIds: [a],
      pathConfig: {
        "alicloud:assumeRoleWithOidc.oidcProviderArn": DEMO_OIDC_PROVIDER_ARN,
        "alicloud:assumeRoleWithOidc.roleArn": DEMO_ROLE_ARN,
        "alicloud:assumeRoleWithOidc.oidcTokenFile": "/nonexistent/oidc-token",
      },
    });
    const second = await noToken.run(["up", "--yes"]);
    expect(second.code).not.toBe(0);
    expect(second.stdout + second.stderr).toContain("Alibaba Cloud credentials: the OIDC token file /nonexistent/oidc-token (stack config alicloud:assumeRoleWithOidc.oidcTokenFile) cannot be read. Fix: ");
    expect(sim.backend.requestLog()).toEqual([]);
  }, TEST_TIMEOUT);
});
