/**
 * Credentials end to end inside one process: the provider decides the source from stack config, environment
 * and files; `@alicloud/credentials` calls the simulator's STS over HTTPS (AssumeRole, AssumeRoleWithOIDC) or
 * a credentials URI; pop-core signs every ALB request with the temporary key and its token. All on one fake
 * clock, so a long apply outlives the temporary credentials without any real wait.
 */
import * as fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REQUEST_TIMEOUT_MS } from "../../provider/base/defaults";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, unsignedJwt, type FaultRule, type StsFixture } from "../../simulator";
import { startWorldWithProcess, type CredentialSources, type World as KitWorld } from "../kit/world";
import { VirtualClock } from "../kit/clock";

const L = "lsn-demo-https-443";
const A = "25112233-cn-hangzhou";
const B = "25209871-cn-hangzhou";
const ROLE = "acs:ram::1234567890123456:role/alb-listener-certificates";
const PROVIDER = "acs:ram::1234567890123456:oidc-provider/github-actions";
const ISSUER = "https://token.actions.githubusercontent.com";
const SHARED_TOKEN = "simulator-demo-oidc-token";

/** A scenario: the credential sources of the provider process, and the simulator's clock, jobs, STS and faults. */
interface Scenario extends CredentialSources {
  readonly clock?: VirtualClock;
  readonly jobMs?: number;
  readonly sts?: StsFixture;
  readonly faults?: readonly FaultRule[];
}

const worlds: KitWorld[] = [];
afterEach(async () => {
  for (const started of worlds.splice(0)) await started.close();
});

/**
 * A world (seed 7) whose one process finds exactly the scenario's credential sources, with the client's own
 * request timeout: the process, with the world's clock, simulator and request log's STS and ALB requests.
 */
async function world({ clock, jobMs, sts, faults, env, config, files }: Scenario = {}) {
  const started = await startWorldWithProcess({ clock, jobMs, sts, faults, seed: 7 }, { credentials: { env, config, files }, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  worlds.push(started.world);
  return { ...started.proc, clock: started.world.clock, sim: started.world.sim, sts: () => started.world.stsRequests(), alb: () => started.world.albRequests() };
}
type World = Awaited<ReturnType<typeof world>>;

const demoKeys = { "alicloud:accessKey": DEMO_ACCESS_KEY_ID, "alicloud:secretKey": DEMO_ACCESS_KEY_SECRET };
const declare = (ids: string[]) => [{ name: "sni", args: { listenerId: L, certificateIds: ids } }];

/** Every ALB request was accepted (a dry run's DryRunOperation counts) and signed with an issued temporary key. */
function expectAllAlbRequestsOnTemporaryKeys(w: World): void {
  const alb = w.alb();
  expect(alb.length).toBeGreaterThan(0);
  expect(alb.filter((e) => e.code !== null && e.code !== "DryRunOperation")).toEqual([]);
  expect(w.sim.sts.issued().reduce((n, s) => n + s.uses, 0)).toBe(alb.length);
}

describe("assumeRole (stack config) through the official RAM-role provider", () => {
  it("assumes the role once, with the base key, and signs every ALB request of a create and an update with the temporary key", async () => {
    const w = await world({ config: { ...demoKeys, "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE, sessionName: "deploy-42" }) } });
    await w.stack.upOrThrow(declare([A]));
    await w.stack.upOrThrow(declare([A, B]));
    expect(w.sts().map((e) => [e.action, e.status, e.params.RoleArn, e.params.RoleSessionName, e.params.DurationSeconds])).toEqual([["AssumeRole", 200, ROLE, "deploy-42", "3600"]]);
    expect(w.sim.backend.requestLog()[0]?.action).toBe("AssumeRole");
    expectAllAlbRequestsOnTemporaryKeys(w);
    expect(w.sim.backend.listenerView(L).additional.map((c) => c.certificateId)).toEqual(["24664588-cn-hangzhou", A, B]);
  });

  it("a role STS does not know fails the apply with STS's code and the fix, and no ALB request is sent", async () => {
    const w = await world({ config: { ...demoKeys, "alicloud:assumeRole": JSON.stringify({ roleArn: "acs:ram::1234567890123456:role/missing" }) } });
    const error = await w.stack.upOrThrow(declare([A])).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /EntityNotExist\.Role: Could not get Alibaba Cloud credentials from AssumeRole acs:ram::1234567890123456:role\/missing \(stack config alicloud:assumeRole\) with the access key of stack config alicloud:accessKey\/alicloud:secretKey: EntityNotExist\.Role: The role not exists: acs:ram::1234567890123456:role\/missing\. \(RequestId [0-9A-F-]+\)\. Fix: check the role ARN/,
    );
    expect(w.alb()).toEqual([]);
  });

  it("a named CLI profile in RamRoleArn mode (with its sts_endpoint) goes through the library's profile provider", async () => {
    const profiles = (host: string) => JSON.stringify({
      current: "deployer",
      profiles: [{ name: "deployer", mode: "RamRoleArn", access_key_id: DEMO_ACCESS_KEY_ID, access_key_secret: DEMO_ACCESS_KEY_SECRET, ram_role_arn: ROLE, ram_session_name: "cli-profile", sts_endpoint: host, region_id: "cn-hangzhou" }],
    });
    // The profile names the simulator's STS endpoint, so it is written once the simulator's port is known.
    // It is named explicitly, so the implicit chain's switch ALIBABA_CLOUD_CLI_PROFILE_DISABLED (which the
    // library itself reads from the process environment) does not apply to it.
    const w = await world({ env: { ALIBABA_CLOUD_PROFILE: "deployer", ALIBABA_CLOUD_CLI_PROFILE_DISABLED: "true" } });
    fs.mkdirSync(path.join(w.home, ".aliyun"), { recursive: true });
    fs.writeFileSync(path.join(w.home, ".aliyun", "config.json"), profiles(new URL(w.sim.endpoint).host));
    const saved = process.env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED;
    process.env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED = "true";
    try {
      await w.stack.upOrThrow(declare([A]));
    } finally {
      if (saved === undefined) delete process.env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED;
      else process.env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED = saved;
    }
    expect(w.sts().map((e) => [e.action, e.params.RoleSessionName])).toEqual([["AssumeRole", "cli-profile"]]);
    expectAllAlbRequestsOnTemporaryKeys(w);
  });
});

describe("assumeRoleWithOidc through the official OIDC provider", () => {
  it("with a token file from stack config", async () => {
    const w = await world({
      files: { "run/oidc-token": SHARED_TOKEN },
      config: { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: PROVIDER, roleArn: ROLE, oidcTokenFile: "$HOME/run/oidc-token", roleSessionName: "gha-1" }) },
    });
    await w.stack.upOrThrow(declare([A]));
    expect(w.sts().map((e) => [e.action, e.status, e.params])).toEqual([
      ["AssumeRoleWithOIDC", 200, { DurationSeconds: "3600", OIDCProviderArn: PROVIDER, RoleArn: ROLE, RoleSessionName: "gha-1" }],
    ]);
    expectAllAlbRequestsOnTemporaryKeys(w);
  });

  it("with an inline oidcToken (a JWT), leaving no token file behind", async () => {
    const clock = new VirtualClock(Date.now());
    const jwt = unsignedJwt({ iss: ISSUER, aud: "sts.aliyuncs.com", sub: "repo:acme/infra:ref:refs/heads/main", exp: Math.floor(clock.now() / 1000) + 600 });
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("alb-listener-certificates-oidc-"));
    const w = await world({ clock, config: { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: PROVIDER, roleArn: ROLE, oidcToken: jwt }) } });
    await w.stack.upOrThrow(declare([A]));
    expect(w.sts().map((e) => [e.action, e.status])).toEqual([["AssumeRoleWithOIDC", 200]]);
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("alb-listener-certificates-oidc-"))).toEqual(before);
    expectAllAlbRequestsOnTemporaryKeys(w);
  });

  it("from the environment alone (as GitHub Actions or Kubernetes RRSA set it)", async () => {
    const w = await world({
      files: { "run/token": SHARED_TOKEN },
      env: { ALIBABA_CLOUD_ROLE_ARN: ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: PROVIDER, ALIBABA_CLOUD_OIDC_TOKEN_FILE: "$HOME/run/token", ALIBABA_CLOUD_ROLE_SESSION_NAME: "rrsa-pod" },
    });
    await w.stack.upOrThrow(declare([A]));
    expect(w.sts().map((e) => [e.action, e.params.RoleSessionName])).toEqual([["AssumeRoleWithOIDC", "rrsa-pod"]]);
    expectAllAlbRequestsOnTemporaryKeys(w);
  });

  it("an expired OIDC token fails the apply with STS's code and names the token file; nothing reaches ALB", async () => {
    const clock = new VirtualClock(Date.now());
    const expired = unsignedJwt({ iss: ISSUER, aud: "sts.aliyuncs.com", sub: "s", exp: Math.floor(clock.now() / 1000) - 1 });
    const w = await world({ clock, files: { "run/token": expired }, env: { ALIBABA_CLOUD_ROLE_ARN: ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: PROVIDER, ALIBABA_CLOUD_OIDC_TOKEN_FILE: "$HOME/run/token" } });
    const error = await w.stack.upOrThrow(declare([A])).catch((e: unknown) => e as Error);
    expect((error as Error).message).toContain("AuthenticationFail.OIDCToken.Expired: This JsonWebToken is expired. (RequestId ");
    expect((error as Error).message).toContain(`(token file ${w.home}/run/token). Fix: the OIDC token has expired`);
    expect((error as Error).message).not.toContain(expired);
    expect(w.alb()).toEqual([]);
  });
});

describe("temporary credentials are refreshed before they expire during a long apply", () => {
  // Each credential lives 240 s of simulator time; the apply waits 580 s for its association job (the
  // default deadline is 600 s).
  const LIFETIME_MS = 240_000;
  const JOB_MS = 580_000;

  for (const mode of ["AssumeRole", "AssumeRoleWithOIDC"] as const) {
    it(`${mode}: a second session is fetched before the first expires, and no ALB request is refused`, async () => {
      const clock = new VirtualClock(Date.now());
      const config: Record<string, string> = mode === "AssumeRole"
        ? { ...demoKeys, "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE }) }
        : { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: PROVIDER, roleArn: ROLE, oidcTokenFile: "$HOME/token" }) };
      const w = await world({ clock, jobMs: JOB_MS, sts: { credentialLifetimeSeconds: LIFETIME_MS / 1000 }, config, files: { token: SHARED_TOKEN } });
      const startedAt = clock.now();
      await w.stack.upOrThrow(declare([A, B]));
      expect(clock.now() - startedAt).toBeGreaterThanOrEqual(JOB_MS);
      expect(w.sim.backend.listenerView(L).additional.map((c) => `${c.certificateId}:${c.status}`)).toEqual(["24664588-cn-hangzhou:Associated", `${A}:Associated`, `${B}:Associated`]);

      const sessions = w.sim.sts.issued();
      // A session is reused until half its lifetime (docs/credentials.md): over an apply of 580 s and a little
      // more, sessions at 0, 120, 240, 360 and 480 s.
      expect(sessions).toHaveLength(5);
      expect(sessions.every((s) => s.action === mode)).toBe(true);
      for (let i = 1; i < sessions.length; i++) {
        // Each refresh happened before the previous credentials expired, at half their lifetime.
        expect(sessions[i]!.issuedAt).toBeLessThan(sessions[i - 1]!.expiresAt);
        expect(sessions[i]!.issuedAt - sessions[i - 1]!.issuedAt).toBeGreaterThanOrEqual(LIFETIME_MS / 2 - 1000);
      }
      expect(w.alb().filter((e) => e.code?.startsWith("InvalidSecurityToken") || e.code === "MissingSecurityToken")).toEqual([]);
      expectAllAlbRequestsOnTemporaryKeys(w);
      // And not one session per request: the cache serves the requests in between.
      expect(sessions.length).toBeLessThan(w.alb().length / 10);
    });
  }
});

describe("credentials URI (the official URI provider)", () => {
  it("fetches from the URI and fetches again only when the served credentials are due for refresh", async () => {
    const clock = new VirtualClock(Date.now());
    const served: number[] = [];
    const server: Server = createServer((_req, res) => {
      served.push(clock.now());
      const expiration = new Date(clock.now() + 120_000).toISOString().replace(/\.\d{3}Z$/, "Z");
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ Code: "Success", AccessKeyId: DEMO_ACCESS_KEY_ID, AccessKeySecret: DEMO_ACCESS_KEY_SECRET, SecurityToken: "CAIS-from-uri", Expiration: expiration }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`;
      const w = await world({ clock, jobMs: 200_000, env: { ALIBABA_CLOUD_CREDENTIALS_URI: uri } });
      await w.stack.upOrThrow(declare([A]));
      // Served credentials live 120 s and are reused until half of that: fetched at 0, 60, 120 and 180 s of the
      // 200 s apply.
      expect(served).toHaveLength(4);
      expect(served[1]! - served[0]!).toBeGreaterThanOrEqual(60_000 - 1000);
      expect(w.alb().filter((e) => e.code !== null && e.code !== "DryRunOperation")).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("profiles read by the official library's profile providers", () => {
  it("the INI file's [default] section, the CLI file's current AK profile, and an External-mode profile's program", async () => {
    const ini = await world({ files: { ".alibabacloud/credentials": `[default]\ntype = access_key\naccess_key_id = ${DEMO_ACCESS_KEY_ID}\naccess_key_secret = ${DEMO_ACCESS_KEY_SECRET}\n` } });
    await ini.stack.upOrThrow(declare([A]));
    const cli = await world({ files: { ".aliyun/config.json": JSON.stringify({ current: "dev", profiles: [{ name: "dev", mode: "AK", access_key_id: DEMO_ACCESS_KEY_ID, access_key_secret: DEMO_ACCESS_KEY_SECRET }] }) } });
    await cli.stack.upOrThrow(declare([A]));
    const program = `process.stdout.write(JSON.stringify({ mode: "AK", access_key_id: ${JSON.stringify(DEMO_ACCESS_KEY_ID)}, access_key_secret: ${JSON.stringify(DEMO_ACCESS_KEY_SECRET)}, expiration: "2100-01-01T00:00:00Z" }))`;
    const external = await world({
      env: { ALIBABA_CLOUD_PROFILE: "ext" },
      files: {
        "bin/credentials.js": program,
        ".aliyun/config.json": JSON.stringify({ current: "dev", profiles: [{ name: "ext", mode: "External", process_command: `${process.execPath} $HOME/bin/credentials.js` }] }),
      },
    });
    await external.stack.upOrThrow(declare([A]));
    for (const w of [ini, cli, external]) {
      expect(w.sts()).toEqual([]);
      expect(w.alb().filter((e) => e.code !== null && e.code !== "DryRunOperation")).toEqual([]);
      expect(w.sim.backend.listenerView(L).additional.map((c) => c.certificateId)).toEqual(["24664588-cn-hangzhou", A]);
    }
  });
});

describe("a broken configuration fails with the key and the fix, and nothing is sent", () => {
  const cases: readonly [string, Parameters<typeof world>[0], RegExp][] = [
    ["half an access key pair", { config: { "alicloud:accessKey": DEMO_ACCESS_KEY_ID } }, /stack config alicloud:accessKey is set but the access key secret is not\. Fix: pulumi config set --secret alicloud:secretKey/],
    ["an assume-role block without roleArn", { config: { ...demoKeys, "alicloud:assumeRole": JSON.stringify({ sessionName: "x" }) } }, /alicloud:assumeRole\.roleArn is missing\. Fix: pulumi config set --path 'alicloud:assumeRole\.roleArn'/],
    ["an unreadable OIDC token file", { config: { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: PROVIDER, roleArn: ROLE, oidcTokenFile: "$HOME/missing" }) } }, /the OIDC token file .*\/missing \(stack config alicloud:assumeRoleWithOidc\.oidcTokenFile\) cannot be read\. Fix: /],
    ["a profile that does not exist", { config: { "alicloud:profile": "prod" }, files: { ".aliyun/config.json": JSON.stringify({ current: "dev", profiles: [{ name: "dev", mode: "AK", access_key_id: "a", access_key_secret: "b" }] }) } }, /names profile "prod", which is in neither .*config\.json nor .*credentials\. Fix: create it with aliyun configure --profile prod/],
    ["an unknown profile mode", { files: { ".aliyun/config.json": JSON.stringify({ current: "dev", profiles: [{ name: "dev", mode: "Kerberos" }] }) } }, /profile "dev" of .*config\.json has mode "Kerberos", which the official credentials library does not read\. Fix: use one of the modes AK, StsToken, RamRoleArn/],
    ["malformed JSON config", { config: { ...demoKeys, "alicloud:assumeRole": "{roleArn: acs:ram::1:role/x" } }, /stack config alicloud:assumeRole is not valid JSON\. Fix: /],
  ];

  it.each(cases)("%s: preview (check) and apply (create) both fail before any request", async (_, options, message) => {
    const w = await world(options);
    await expect(w.provider.check({}, { listenerId: L, certificateIds: [A], resourceName: "sni" })).rejects.toThrow(message);
    const props = { listenerId: L, certificates: { [A]: "Associated" }, exclusive: false, region: "cn-hangzhou", waitTimeoutSeconds: 600, resourceName: "sni" };
    await expect(w.provider.create(props)).rejects.toThrow(message);
    await expect(w.provider.read(L, props)).rejects.toThrow(message);
    await expect(w.provider.delete(L, props)).rejects.toThrow(message);
    expect(w.sim.backend.requestLog()).toEqual([]);
    expect(w.warnings).toEqual([]);
  });
});
