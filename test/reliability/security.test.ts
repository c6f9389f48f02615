/**
 * Security: no credential reaches state, the serialized provider, progress lines, warnings, error
 * messages or the simulator's request log and inspection routes; the simulator refuses bad signatures,
 * replayed nonces and expired timestamps, and serves its inspection routes on loopback only; hostile
 * inputs get a clear check failure and nothing is sent.
 */
import { inspect } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { serializableProvider } from "../../provider/resource";
import { REQUEST_TIMEOUT_MS } from "../../provider/base/defaults";
import { AlbBackend, DEMO_FIXTURE, startSimulator, type RunningSimulator } from "../../simulator";
import { createAlbServer } from "../../simulator/server";
import { EngineStack } from "../kit/engine";
import { rawRequest, signedV1Body, startFrontAs } from "../kit/simulator-wire";
import { startWorld, startWorldWithProcess, type CredentialSources, type World, type WorldOptions } from "../kit/world";
import { VirtualClock } from "../kit/clock";
import { unsignedJwt } from "../../simulator";

const KEY_ID = "LTAI5tSecurityTestKey01";
const SECRET = "sEcReT-0f9e8d7c6b5a-never-to-be-seen";
const TOKEN = "CAIS-sts-token-1a2b3c4d5e6f-never-to-be-seen";
const WRONG_SECRET = "wrong-sEcReT-9z8y7x-never-to-be-seen";
const L = "lsn-demo-https-443";
const A = "25112233-cn-hangzhou";
const B = "25209871-cn-hangzhou";
const C = "25346102-cn-hangzhou";
const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";

const worlds: World[] = [];
const simulators: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all([...worlds.splice(0), ...simulators.splice(0)].map((w) => w.close()));
});

async function world(options: WorldOptions = {}): Promise<World> {
  const started = await startWorld({
    serializeRequests: true,
    accessKeys: [{ accessKeyId: KEY_ID, accessKeySecret: SECRET }],
    ...options,
    providers: { accessKey: { accessKeyId: KEY_ID, accessKeySecret: SECRET, securityToken: TOKEN }, ...options.providers },
  });
  worlds.push(started);
  return started;
}

/** Everything an error shows: message, stack, own fields, cause, as util.inspect and JSON render them. */
function renderError(error: unknown): string {
  let json = "";
  try {
    json = JSON.stringify(error);
  } catch {
    json = "";
  }
  return `${String(error)}\n${(error as Error)?.stack ?? ""}\n${inspect(error, { depth: 6, showHidden: true })}\n${json}`;
}

function expectNoCredential(where: string, text: string): void {
  for (const secret of [SECRET, TOKEN, WRONG_SECRET]) {
    expect(text.includes(secret), `${where} contains ${secret.slice(0, 12)}…`).toBe(false);
  }
  expect(text, where).not.toMatch(/[?&]Signature=|SignatureNonce=|AccessKeySecret/);
}

describe("credentials never leak", () => {
  it("not into state, progress lines, warnings, errors, the request log or the inspection routes", async () => {
    const w = await world({ providers: { requestTimeoutMs: 300 } });
    const process = w.newProcess("stack");
    const stack = new EngineStack(process.provider);
    const errors: unknown[] = [];
    const up = async (ids: string[], extra: Record<string, unknown> = {}) => {
      const result = await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: ids, ...extra } }]);
      errors.push(...result.failures.map((f) => f.error));
      return result;
    };

    // Successes through transient faults (throttling, 5xx, resets, lost responses, slow answers).
    w.sim.backend.setFaults([
      { kind: "lostResponse", action: ASSOCIATE, count: 1 },
      { kind: "throttle", probability: 0.2 },
      { kind: "error500", probability: 0.1 },
      { kind: "reset", probability: 0.1 },
      { kind: "delay", delayMs: 5_000, count: 2 },
    ]);
    expect((await up([A, B])).failures).toEqual([]);
    // A failed job, and a deadline run out.
    w.sim.backend.setFaults([{ kind: "jobFail", action: ASSOCIATE, errorCode: "InternalError", count: 1 }]);
    expect((await up([A, B, C])).failures).toHaveLength(1);
    w.sim.backend.setFaults([{ kind: "throttle", action: DISSOCIATE }]);
    expect((await up([C], { waitTimeoutSeconds: 5 })).failures).toHaveLength(1);
    w.sim.backend.clearFaults();
    expect((await up([C])).failures).toEqual([]);
    // A wrong secret: the service answers SignatureDoesNotMatch, echoing its string to sign.
    const wrong = await world({ providers: { accessKey: { accessKeyId: KEY_ID, accessKeySecret: WRONG_SECRET, securityToken: TOKEN } } });
    const wrongStack = new EngineStack(wrong.newProcess("wrong").provider);
    const refused = await wrongStack.up([{ name: "sni", args: { listenerId: L, certificateIds: [A] } }]);
    errors.push(...refused.failures.map((f) => f.error));
    // An unknown listener and an unknown certificate (validation failures from the service).
    const checked = await process.provider.check({}, { listenerId: "lsn-nope", certificateIds: [A], resourceName: "x" });
    const unknownCert = await process.provider.check({}, { listenerId: L, certificateIds: ["99999999-cn-hangzhou"], resourceName: "y" });

    expect(errors.map((e) => (e as Error).message)).toEqual([
      expect.stringMatching(/failed with InternalError/),
      expect.stringMatching(/Timed out after/),
      expect.stringMatching(/SignatureDoesNotMatch/),
    ]);
    for (const [i, error] of errors.entries()) expectNoCredential(`error ${i}`, renderError(error));
    expectNoCredential("check failures", JSON.stringify([checked, unknownCert]));
    expectNoCredential("progress lines", process.logs.join("\n"));
    expectNoCredential("warnings", [...process.warnings, ...wrong.newProcess("again").warnings].join("\n"));
    expectNoCredential("state", JSON.stringify([...stack.state, ...wrongStack.state]));
    for (const sim of [w.sim, wrong.sim]) {
      expectNoCredential("request log", JSON.stringify(sim.backend.requestLog()));
      expectNoCredential("snapshot", JSON.stringify(sim.backend.snapshot()));
      for (const path of ["/_simulator/requests", "/_simulator/state", "/_simulator/faults"]) {
        expectNoCredential(path, (await rawRequest(sim.endpoint, { path })).text);
      }
    }
    expect(process.logs.length).toBeGreaterThan(0);
  });

  it("not into the provider code stored in state (__provider)", async () => {
    const saved = { ...process.env };
    try {
      process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = KEY_ID;
      process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = SECRET;
      process.env.ALIBABA_CLOUD_SECURITY_TOKEN = TOKEN;
      const serialized = await pulumi.runtime.serializeFunction(() => serializableProvider, { allowSecrets: true });
      expect(serialized.containsSecrets).toBe(false);
      expectNoCredential("__provider", serialized.text);
      expect(serialized.text).not.toContain(KEY_ID);
    } finally {
      for (const key of ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});

/** A credential mode's world: its clock, and the credential sources its one process finds. */
interface CredentialsWorldOptions extends CredentialSources {
  readonly clock?: VirtualClock;
  /** Read timeout of each ALB request, real ms. @default the client's */
  readonly requestTimeoutMs?: number;
}

/** A world (seed 7) whose one process finds exactly `sources`: the process, with the world's simulator. */
async function credentialsWorld({ clock, requestTimeoutMs, ...sources }: CredentialsWorldOptions) {
  const started = await startWorldWithProcess({ clock, seed: 7 }, { credentials: sources, requestTimeoutMs: requestTimeoutMs ?? REQUEST_TIMEOUT_MS });
  worlds.push(started.world);
  return { ...started.proc, sim: started.world.sim };
}

describe("credentials never leak, in every mode", () => {
  const ROLE = "acs:ram::1234567890123456:role/alb-listener-certificates";
  const PROVIDER = "acs:ram::1234567890123456:oidc-provider/github-actions";
  const ISSUER = "https://token.actions.githubusercontent.com";
  const BASE_SECRET = "SimulatorDemoSecret000000000000";
  const baseKeys = { "alicloud:accessKey": "LTAI5tSimulatorDemoKey", "alicloud:secretKey": BASE_SECRET };
  const clock = () => new VirtualClock(Date.now());
  const jwt = (c: VirtualClock) => unsignedJwt({ iss: ISSUER, aud: "sts.aliyuncs.com", sub: "repo:acme/infra:pull_request", exp: Math.floor(c.now() / 1000) + 3600 });
  type Mode = { readonly name: string; readonly options: (c: VirtualClock) => CredentialsWorldOptions; readonly secrets: (c: VirtualClock) => string[]; readonly broken: (c: VirtualClock) => CredentialsWorldOptions };
  const modes: readonly Mode[] = [
    {
      name: "an access key pair (and token) in stack config",
      options: () => ({ config: { ...baseKeys, "alicloud:securityToken": TOKEN } }),
      secrets: () => [BASE_SECRET, TOKEN],
      broken: () => ({ config: { "alicloud:accessKey": "LTAI5tSimulatorDemoKey", "alicloud:secretKey": WRONG_SECRET } }),
    },
    {
      name: "assumeRole over the stack config key",
      options: () => ({ config: { ...baseKeys, "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE }) } }),
      secrets: () => [BASE_SECRET],
      broken: () => ({ config: { "alicloud:accessKey": "LTAI5tSimulatorDemoKey", "alicloud:secretKey": WRONG_SECRET, "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE }) } }),
    },
    {
      name: "assumeRoleWithOidc with a token file",
      options: (c) => ({ clock: c, files: { "run/token": jwt(c) }, config: { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: PROVIDER, roleArn: ROLE, oidcTokenFile: "$HOME/run/token" }) } }),
      secrets: (c) => [jwt(c)],
      broken: (c) => ({ clock: c, files: { "run/token": unsignedJwt({ iss: ISSUER, aud: "someone-else", sub: "s", exp: Math.floor(c.now() / 1000) + 60 }) }, config: { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: PROVIDER, roleArn: ROLE, oidcTokenFile: "$HOME/run/token" }) } }),
    },
    {
      name: "assumeRoleWithOidc with an inline token",
      options: (c) => ({ clock: c, config: { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: PROVIDER, roleArn: ROLE, oidcToken: jwt(c) }) } }),
      secrets: (c) => [jwt(c)],
      broken: (c) => ({ clock: c, config: { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: PROVIDER, roleArn: "acs:ram::1234567890123456:role/missing", oidcToken: jwt(c) }) } }),
    },
    {
      name: "OIDC from the environment",
      options: (c) => ({ clock: c, files: { token: jwt(c) }, env: { ALIBABA_CLOUD_ROLE_ARN: ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: PROVIDER, ALIBABA_CLOUD_OIDC_TOKEN_FILE: "$HOME/token" } }),
      secrets: (c) => [jwt(c)],
      broken: (c) => ({ clock: c, files: { token: "not-a-jwt-but-secret-looking-0123456789" }, env: { ALIBABA_CLOUD_ROLE_ARN: ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: PROVIDER, ALIBABA_CLOUD_OIDC_TOKEN_FILE: "$HOME/token" } }),
    },
    {
      name: "a CLI profile (StsToken mode)",
      options: () => ({ files: { ".aliyun/config.json": JSON.stringify({ current: "ci", profiles: [{ name: "ci", mode: "StsToken", access_key_id: "LTAI5tSimulatorDemoKey", access_key_secret: BASE_SECRET, sts_token: TOKEN }] }) } }),
      secrets: () => [BASE_SECRET, TOKEN],
      broken: () => ({ files: { ".aliyun/config.json": JSON.stringify({ current: "ci", profiles: [{ name: "ci", mode: "AK", access_key_id: "LTAI5tSimulatorDemoKey", access_key_secret: WRONG_SECRET }] }) } }),
    },
  ];

  it.each(modes)("$name: not into state, progress lines, warnings, errors, the request log, the inspection routes or STS's session list", async (mode) => {
    const c = clock();
    const w = await credentialsWorld({ ...mode.options(c), requestTimeoutMs: 300 });
    const errors: unknown[] = [];
    await w.stack.upOrThrow([{ name: "sni", args: { listenerId: L, certificateIds: [A, B] } }]);
    w.sim.backend.setFaults([{ kind: "jobFail", action: ASSOCIATE, errorCode: "InternalError", count: 1 }]);
    await w.stack.upOrThrow([{ name: "sni", args: { listenerId: L, certificateIds: [A, B, C] } }]).catch((e: unknown) => errors.push(e));
    w.sim.backend.clearFaults();
    await w.stack.destroyOrThrow();
    // The same mode, broken: a refused key, a refused OIDC token, an unknown role.
    const c2 = clock();
    const broken = await credentialsWorld(mode.broken(c2));
    await broken.stack.upOrThrow([{ name: "sni", args: { listenerId: L, certificateIds: [A] } }]).catch((e: unknown) => errors.push(e));
    await broken.provider.read(L, { listenerId: L, certificates: { [A]: "Associated" }, region: "cn-hangzhou", resourceName: "sni" }).catch((e: unknown) => errors.push(e));

    expect(errors).toHaveLength(3);
    expect(w.handedOut.size).toBeGreaterThan(0);
    const needles = [...new Set([...mode.secrets(c), ...mode.secrets(c2), ...w.handedOut, ...broken.handedOut, WRONG_SECRET])];
    const places: [string, string][] = [
      ["errors", errors.map(renderError).join("\n")],
      ["state", JSON.stringify([...w.stack.state, ...broken.stack.state])],
      ["progress lines", [...w.logs, ...broken.logs].join("\n")],
      ["warnings", [...w.warnings, ...broken.warnings].join("\n")],
      ["STS sessions", JSON.stringify([...w.sim.sts.issued(), ...broken.sim.sts.issued()])],
    ];
    for (const sim of [w.sim, broken.sim]) {
      places.push(["request log", JSON.stringify(sim.backend.requestLog())], ["snapshot", JSON.stringify(sim.backend.snapshot())]);
      for (const route of ["/_simulator/requests", "/_simulator/state", "/_simulator/faults"]) places.push([route, (await rawRequest(sim.endpoint, { path: route })).text]);
    }
    for (const [where, text] of places) {
      for (const needle of needles) expect(text.includes(needle), `${where} contains ${needle.slice(0, 12)}…`).toBe(false);
      expect(text, where).not.toMatch(/[?&]Signature=|SignatureNonce=|AccessKeySecret"?[:=]\s*"?[A-Za-z0-9]/);
    }
    expect(w.logs.length).toBeGreaterThan(0);
  });
});

describe("the simulator's authentication", () => {
  async function simulator(): Promise<RunningSimulator> {
    const sim = await startSimulator({ accessKeys: [{ accessKeyId: KEY_ID, accessKeySecret: SECRET }] });
    simulators.push(sim);
    return sim;
  }
  const post = (sim: RunningSimulator, body: string) =>
    rawRequest(sim.endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  const associate = { ListenerId: L, "Certificates.1.CertificateId": A };

  it("refuses a bad signature and changes nothing", async () => {
    const sim = await simulator();
    const response = await post(sim, signedV1Body(ASSOCIATE, associate, { accessKeyId: KEY_ID, accessKeySecret: WRONG_SECRET }));
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ Code: "SignatureDoesNotMatch" });
    expect(sim.backend.listenerView(L).additional.map((c) => c.certificateId)).toEqual(["24664588-cn-hangzhou"]);
    expectNoCredential("the refusal", response.text);
  });

  it("refuses a replayed nonce", async () => {
    const sim = await simulator();
    const body = signedV1Body("ListListeners", {}, { accessKeyId: KEY_ID, accessKeySecret: SECRET });
    expect((await post(sim, body)).status).toBe(200);
    const replay = await post(sim, body);
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ Code: "SignatureNonceUsed" });
  });

  it("refuses an expired timestamp, also on a mutation, which then changes nothing", async () => {
    const sim = await simulator();
    const body = signedV1Body(ASSOCIATE, associate, { accessKeyId: KEY_ID, accessKeySecret: SECRET, nowMs: Date.now() - 16 * 60_000 });
    const response = await post(sim, body);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ Code: "InvalidTimeStamp.Expired" });
    expect(sim.backend.listAsynJobs({})).toEqual([]);
  });

  it("listens on loopback by default", async () => {
    const sim = await simulator();
    expect(new URL(sim.endpoint).hostname).toBe("127.0.0.1");
  });

  it("serves the inspection routes to non-loopback clients only when explicitly opened", async () => {
    // A client on another host, played on any machine (one with only loopback too): the simulator's HTTP
    // server sees every connection of its front as coming from 192.0.2.7.
    const as = async (allowRemoteInspection: boolean): Promise<string> => {
      const front = await startFrontAs(createAlbServer({ backend: new AlbBackend({ fixture: DEMO_FIXTURE }), allowRemoteInspection }), "192.0.2.7");
      simulators.push(front);
      return front.endpoint;
    };
    const closed = await as(false);
    const open = await as(true);
    for (const path of ["/_simulator/state", "/_simulator/requests", "/_simulator/faults"]) {
      const refused = await rawRequest(closed, { path });
      expect([refused.status, refused.json?.Code], path).toEqual([403, "Forbidden.Inspection"]);
      expect((await rawRequest(open, { path })).status, path).toBe(200);
    }
    const local = await startSimulator({ host: "0.0.0.0", fixture: DEMO_FIXTURE });
    simulators.push(local);
    expect((await rawRequest(local.endpoint, { path: "/_simulator/state" })).status).toBe(200); // loopback
  });
});

describe("hostile inputs get a clear check failure, and nothing is sent", () => {
  const huge = "7".repeat(10_240);
  const many = Array.from({ length: 10_000 }, (_, i) => `${20_000_000 + i}-cn-hangzhou`);
  const base = { listenerId: L, certificateIds: [A] };
  const cases: readonly [string, Record<string, unknown>, string][] = [
    ["a comma-separated pair", { certificateIds: ["25112233-cn-hangzhou,25209871-cn-hangzhou"] }, "certificateIds[0]"],
    ["a semicolon", { certificateIds: ["25112233-cn-hangzhou;x"] }, "certificateIds[0]"],
    ["a space inside", { certificateIds: [A, "2511 2233-cn-hangzhou"] }, "certificateIds[1]"],
    ["a newline", { certificateIds: ["25112233-cn-hangzhou\nAction=Delete"] }, "certificateIds[0]"],
    ["a query string", { certificateIds: ["x&Certificates.2.CertificateId=y"] }, "certificateIds[0]"],
    ["a path", { certificateIds: ["../../etc/passwd"] }, "certificateIds[0]"],
    ["a NUL byte", { certificateIds: ["2511\u00002233"] }, "certificateIds[0]"],
    ["Chinese characters", { certificateIds: ["证书-cn-hangzhou"] }, "certificateIds[0]"],
    ["unicode hyphens", { certificateIds: ["25112233\u2010cn\u2010hangzhou"] }, "certificateIds[0]"],
    ["a zero-width space", { certificateIds: ["25112233-cn-hangzhou\u200b"] }, "certificateIds[0]"],
    ["a 10 kB ID", { certificateIds: [huge] }, "certificateIds[0]"],
    ["10,000 certificates", { certificateIds: many }, "certificateIds"],
    ["a number in the list", { certificateIds: [A, 25209871] }, "certificateIds[1]"],
    ["null in the list", { certificateIds: [null] }, "certificateIds[0]"],
    ["a nested list", { certificateIds: [[A]] }, "certificateIds[0]"],
    ["an object in the list", { certificateIds: [{ id: A }] }, "certificateIds[0]"],
    ["a string instead of a list", { certificateIds: `${A},${B}` }, "certificateIds"],
    ["an object instead of a list", { certificateIds: { [A]: true } }, "certificateIds"],
    ["no list", { certificateIds: undefined }, "certificateIds"],
    ["a listener list", { listenerId: "lsn-a,lsn-b" }, "listenerId"],
    ["a 10 kB listener ID", { listenerId: `lsn-${huge}` }, "listenerId"],
    ["a unicode listener ID", { listenerId: "lsn-démo" }, "listenerId"],
    ["a listener ID with a newline", { listenerId: `${L}\nX` }, "listenerId"],
    ["a numeric listener ID", { listenerId: 443 }, "listenerId"],
    ["an object listener ID", { listenerId: { id: L } }, "listenerId"],
    ["a file endpoint", { endpoint: "file:///etc/passwd" }, "endpoint"],
    ["an ftp endpoint", { endpoint: "ftp://alb.cn-hangzhou.aliyuncs.com" }, "endpoint"],
    ["a javascript endpoint", { endpoint: "javascript:alert(1)" }, "endpoint"],
    ["an endpoint with credentials", { endpoint: "http://user:pass@127.0.0.1:9400" }, "endpoint"],
    ["a scheme-relative endpoint", { endpoint: "//127.0.0.1:9400" }, "endpoint"],
    ["a 10 kB endpoint", { endpoint: `http://${huge}` }, "endpoint"],
    ["a numeric endpoint", { endpoint: 9400 }, "endpoint"],
    ["a region with a path", { region: "cn-hangzhou/../x" }, "region"],
    ["a 10 kB region", { region: huge }, "region"],
    ["a numeric region", { region: 1 }, "region"],
    ["a string timeout", { waitTimeoutSeconds: "600" }, "waitTimeoutSeconds"],
    ["a NaN timeout", { waitTimeoutSeconds: Number.NaN }, "waitTimeoutSeconds"],
    ["an infinite timeout", { waitTimeoutSeconds: Number.POSITIVE_INFINITY }, "waitTimeoutSeconds"],
    ["a negative timeout", { waitTimeoutSeconds: -1 }, "waitTimeoutSeconds"],
    ["a huge timeout", { waitTimeoutSeconds: 1e12 }, "waitTimeoutSeconds"],
    ["a string exclusive", { exclusive: "yes" }, "exclusive"],
    ["a numeric exclusive", { exclusive: 1 }, "exclusive"],
  ];

  it.each(cases)("%s", async (_, override, property) => {
    const w = await world();
    const process = w.newProcess("stack");
    const result = await process.provider.check({}, { ...base, ...override, resourceName: "sni" });
    const failures = result.failures ?? [];
    expect(failures.map((f) => f.property)).toContain(property);
    for (const failure of failures) {
      expect(failure.reason.length).toBeGreaterThan(20);
      expect(failure.reason.length).toBeLessThan(600); // no 10 kB echo
      expect(failure.reason).toMatch(/must|is not|is required|more than|is empty|No region/);
    }
    expect(w.sim.backend.requestLog()).toEqual([]);
  });

  it("an endpoint override that is not http(s) fails every operation before anything is sent", async () => {
    const w = await world({ providers: { config: { "alb-listener-certificates:endpoint": "gopher://127.0.0.1:70" } } });
    const process = w.newProcess("stack");
    const props = { listenerId: L, certificates: { [A]: "Associated" }, exclusive: false, region: "cn-hangzhou", waitTimeoutSeconds: 600, resourceName: "sni" };
    const attempts = [
      process.provider.check({}, { ...base, resourceName: "sni" }),
      process.provider.create(props),
      process.provider.update(L, props, props),
      process.provider.read(L, props),
      process.provider.delete(L, props),
    ];
    for (const attempt of attempts) {
      await expect(attempt).rejects.toThrow('The endpoint override "gopher://127.0.0.1:70" is not an http:// or https:// URL. Fix the stack config alb-listener-certificates:endpoint');
    }
    expect(w.sim.backend.requestLog()).toEqual([]);
  });

  it("a hostile maxCertificatesPerListener config is refused with the key named", async () => {
    for (const value of ["lots", "1e9", "-5", "25.5"]) {
      const w = await world({ providers: { config: { "alb-listener-certificates:maxCertificatesPerListener": value } } });
      await expect(w.newProcess("stack").provider.check({}, { ...base, resourceName: "sni" })).rejects.toThrow(
        `Stack config alb-listener-certificates:maxCertificatesPerListener must be a whole number from 1 to 300, got ${JSON.stringify(value)}.`,
      );
      expect(w.sim.backend.requestLog()).toEqual([]);
    }
  });
});
