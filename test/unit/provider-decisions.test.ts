/**
 * Decisions of the provider's lifecycle methods that the simulator scenarios do not pin down one by one:
 * which region's endpoint a resource's calls go to, what a preview validates (nothing it cannot know; a
 * move to another listener or region always), how long validation retries, what a partial failure records,
 * what a delete gives up, and the production defaults of `createDefaultProvider`. The provider runs on the
 * simulator's ALB in process (test/kit/fake-alb.ts) and a virtual clock, so every case takes milliseconds.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Agent as HttpAgent } from "node:http";
import { keepAliveAgent, type AlbApi } from "../../provider/transport/alb-client";
import { systemClock } from "../../provider/base/clock";
import { ListenerCoordinator } from "../../provider/core/coordinator";
import { CredentialChain, processEnvironment, type Credentials } from "../../provider/credentials/credentials";
import { PartialApplyError } from "../../provider/base/errors";
import { JobTimings } from "../../provider/core/job-timing";
import { CertificateCatalog } from "../../provider/core/certificate-catalog";
import { createDefaultProvider, type ListenerCertificatesProvider, type ProviderDeps } from "../../provider/lifecycle/provider";
import { ThrottleGate } from "../../provider/core/throttle-gate";
import { VirtualClock } from "../kit/clock";
import { apiError, FakeAlb, type FakeAlbOptions } from "../kit/fake-alb";

/** Pulumi's marker of a value not known during a preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const L = "lsn-decisions-1";
const L2 = "lsn-decisions-2";
const A = "cert-a";
const B = "cert-b";

/** The listeners of every harness's world. */
const WORLD: FakeAlbOptions = { listenerIds: [L, L2] };

interface Harness {
  readonly provider: ListenerCertificatesProvider;
  readonly clock: VirtualClock;
  readonly fake: FakeAlb;
  /** The endpoint of every API client the provider made, in order. */
  readonly endpoints: string[];
  readonly warnings: string[];
  readonly logs: string[];
}

/**
 * A provider on the in-process ALB (listeners L and L2), with credentials in its environment and the stack config `config` (the
 * region cn-hangzhou unless given; no endpoint override, so the endpoint follows the region).
 */
function harness(
  config: Record<string, string> = { "alicloud:region": "cn-hangzhou" },
  fake?: (clock: VirtualClock) => FakeAlb,
  env: Record<string, string> = { ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAIdecisionskey", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "decisions-secret" },
): Harness {
  const clock = new VirtualClock();
  const api = fake ? fake(clock) : new FakeAlb(clock, WORLD);
  const endpoints: string[] = [];
  const warnings: string[] = [];
  const logs: string[] = [];
  let tokens = 0;
  const provider = createDefaultProvider({
    clock,
    random: () => 0.5,
    newToken: () => `t${++tokens}`,
    log: (line) => logs.push(line),
    warn: (line) => warnings.push(line),
    environment: (cfg) => ({
      env,
      config: cfg,
      readFile: () => undefined,
      homeDir: "/nonexistent-home",
    }),
    createApi: (endpoint) => {
      endpoints.push(endpoint);
      return api;
    },
    coordinator: new ListenerCoordinator(),
  });
  void provider.configure({ config: { get: (k: string) => config[k], require: (k: string) => config[k]! } } as never);
  return { provider, clock, fake: api, endpoints, warnings, logs };
}

const inputs = (listenerId: string, certificateIds: unknown, extra: Record<string, unknown> = {}) => ({ listenerId, certificateIds, resourceName: "sni", ...extra });

describe("the region a resource's calls go to", () => {
  it("is the resource's region input, over the stack's", async () => {
    const h = harness({ "alicloud:region": "cn-hangzhou" });
    const checked = await h.provider.check({}, inputs(L, [A], { region: "cn-shanghai" }));
    expect(checked.failures ?? []).toEqual([]);
    expect(checked.inputs?.region).toBe("cn-shanghai");
    await h.provider.read(L, checked.inputs!);
    expect(h.endpoints).toEqual(["https://alb.cn-shanghai.aliyuncs.com", "https://alb.cn-shanghai.aliyuncs.com"]);
  });

  it("is the stack's when the resource names none", async () => {
    const h = harness({ "alicloud:region": "cn-beijing" });
    await h.provider.read(L, { listenerId: L, certificates: { [A]: "Associated" }, resourceName: "sni" });
    expect(h.endpoints).toEqual(["https://alb.cn-beijing.aliyuncs.com"]);
  });
});

describe("what a preview validates", () => {
  it("nothing, when the listener ID is not known yet", async () => {
    const h = harness();
    const checked = await h.provider.check({}, inputs(UNKNOWN, [A]));
    expect(checked.failures ?? []).toEqual([]);
    expect(checked.inputs?.listenerId).toBe(UNKNOWN);
    expect(Object.keys(checked.inputs?.certificates as object)).toEqual([A]);
    expect(h.fake.calls).toEqual([]);
    expect(h.endpoints).toEqual([]);
  });

  it("nothing, when the certificate set is not known yet, and the set stays unknown", async () => {
    const h = harness();
    const checked = await h.provider.check({}, inputs(L, UNKNOWN));
    expect(checked.failures ?? []).toEqual([]);
    expect(checked.inputs).toMatchObject({ listenerId: L, certificates: UNKNOWN });
    const one = await h.provider.check({}, inputs(L, [A, UNKNOWN]));
    expect(one.inputs).toMatchObject({ listenerId: L, certificates: UNKNOWN });
    expect(h.fake.calls).toEqual([]);
    expect(h.endpoints).toEqual([]);
  });

  it("the new listener, when a resource moves to another listener with the same set", async () => {
    const h = harness();
    const olds = (await h.provider.check({}, inputs(L, [A]))).inputs!;
    h.fake.calls.length = 0;
    h.fake.listener(L2).protocol = "HTTP";
    const moved = await h.provider.check(olds, inputs(L2, [A]));
    expect(moved.failures).toEqual([
      { property: "listenerId", reason: expect.stringMatching(/^Listener lsn-decisions-2 is an HTTP listener/) as unknown as string },
    ]);
    expect(h.fake.calls).toEqual(["attribute"]);
  });

  it("the listener in its new region, when a resource moves to another region with the same set", async () => {
    // The old state, as an earlier deployment's process recorded it.
    const olds = (await harness().provider.check({}, inputs(L, [A], { region: "cn-shanghai" }))).inputs!;
    expect(olds.region).toBe("cn-shanghai");
    const h = harness();
    h.fake.protocol = "HTTP";
    const moved = await h.provider.check(olds, inputs(L, [A], { region: "cn-hangzhou" }));
    expect(moved.failures).toEqual([
      { property: "listenerId", reason: expect.stringMatching(/^Listener lsn-decisions-1 is an HTTP listener/) as unknown as string },
    ]);
    expect(h.fake.calls).toEqual(["attribute"]);
    expect(h.endpoints).toEqual(["https://alb.cn-hangzhou.aliyuncs.com"]);
  });

  it("nothing live, when neither the listener, the region nor the set changed", async () => {
    const h = harness();
    const olds = (await h.provider.check({}, inputs(L, [A]))).inputs!;
    h.fake.calls.length = 0;
    h.fake.protocol = "HTTP";
    expect(await h.provider.check(olds, inputs(L, [A]))).toEqual({ inputs: olds });
    expect(h.fake.calls).toEqual([]);
  });
});

describe("validation retries a transient failure for 30 s, or the resource's deadline if shorter", () => {
  it("in check: an API hiccup on the first read is retried, and the preview validates", async () => {
    const h = harness();
    h.fake.readFailures.attribute.push(apiError("ServiceUnavailable"));
    const started = h.clock.now();
    const checked = await h.provider.check({}, inputs(L, [A]));
    expect(checked.failures ?? []).toEqual([]);
    expect(h.warnings).toEqual([]);
    expect(h.fake.calls).toEqual(["attribute", "attribute", "list *", `dry-associate ${A}`]);
    // One backoff of the validation schedule, far inside the 30 s.
    expect(h.clock.now() - started).toBe(250);
  });

  it("in check: hiccups that outlast 30 s end in a warning, not a failure", async () => {
    const h = harness();
    for (let i = 0; i < 100; i++) h.fake.readFailures.attribute.push(apiError("ServiceUnavailable"));
    const started = h.clock.now();
    const checked = await h.provider.check({}, inputs(L, [A]));
    expect(checked.failures ?? []).toEqual([]);
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toMatch(/^warning: alb-listener-certificates: could not validate listener lsn-decisions-1 now: /);
    expect(h.clock.now() - started).toBeGreaterThan(28_000);
    expect(h.clock.now() - started).toBeLessThanOrEqual(30_000);
  });

  it("in check: never past the resource's own deadline (waitTimeoutSeconds 10: 10 s, not 30 s)", async () => {
    const h = harness();
    for (let i = 0; i < 100; i++) h.fake.readFailures.attribute.push(apiError("ServiceUnavailable"));
    const started = h.clock.now();
    const checked = await h.provider.check({}, inputs(L, [A], { waitTimeoutSeconds: 10 }));
    expect(checked.failures ?? []).toEqual([]);
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toMatch(/^warning: alb-listener-certificates: could not validate listener lsn-decisions-1 now: Timed out after 9\.\d+s /);
    expect(h.clock.now() - started).toBeGreaterThan(8_000);
    expect(h.clock.now() - started).toBeLessThanOrEqual(10_000);
  });

  it("a check and the diff after it share one budget: the diff's drift read gets what the check left", async () => {
    const h = harness();
    const olds = { listenerId: L, region: "cn-hangzhou", resourceName: "sni", certificates: { [A]: "Associated" } };
    h.fake.rows.set(A, "Associated");
    for (let i = 0; i < 100; i++) h.fake.readFailures.attribute.push(apiError("ServiceUnavailable"));
    for (let i = 0; i < 100; i++) h.fake.readFailures.list.push(apiError("ServiceUnavailable"));
    const started = h.clock.now();
    const news = (await h.provider.check(olds, inputs(L, [A, B]))).inputs!;
    const checked = h.clock.now();
    expect(checked - started).toBeGreaterThan(28_000);
    expect(checked - started).toBeLessThanOrEqual(30_000);
    h.fake.calls.length = 0;
    // 0.6 s were left: three reads, not 30 s more of them.
    await expect(h.provider.diff(L, olds, news)).rejects.toThrow(/^Timed out after 0\.6s \(3 attempts\) waiting for the certificates of listener lsn-decisions-1;/);
    expect(h.fake.calls).toEqual(["list *", "list *", "list *"]);
    expect(h.clock.now()).toBeLessThanOrEqual(started + 30_000);
    // The next deployment's check starts a budget of its own.
    h.fake.readFailures.attribute.length = 0;
    h.fake.readFailures.list.length = 0;
    expect((await h.provider.check(olds, inputs(L, [A, B]))).failures ?? []).toEqual([]);
    h.fake.readFailures.list.push(apiError("ServiceUnavailable"));
    h.fake.calls.length = 0;
    expect(await h.provider.diff(L, olds, news)).toEqual({});
    expect(h.fake.calls).toEqual(["list *", "list *"]);
  });

  it("in diff: an API hiccup on the drift read is retried, and the drift is found", async () => {
    const h = harness();
    const olds = (await h.provider.check({}, inputs(L, [A]))).inputs!;
    const state = { ...olds, certificates: { [A]: "Associated" } };
    h.fake.calls.length = 0;
    h.fake.readFailures.list.push(apiError("ServiceUnavailable"));
    // A is declared and stored, but not on the listener: drift, repaired by an update.
    expect(await h.provider.diff(L, state, olds)).toEqual({ changes: true });
    expect(h.warnings).toEqual([]);
    expect(h.logs).toHaveLength(1);
    expect(h.fake.calls.slice(0, 2)).toEqual(["list *", "list *"]);
  });

  it("in diff: the drift's validation retries an API hiccup too", async () => {
    const h = harness();
    const olds = (await h.provider.check({}, inputs(L, [A]))).inputs!;
    const state = { ...olds, certificates: { [A]: "Associated" } };
    h.fake.calls.length = 0;
    h.fake.readFailures.attribute.push(apiError("ServiceUnavailable"));
    expect(await h.provider.diff(L, state, olds)).toEqual({ changes: true });
    expect(h.warnings).toEqual([]);
    expect(h.fake.calls).toEqual(["list *", "attribute", "attribute", `dry-associate ${A}`]);
  });
});

/** The in-process ALB, where the `failOn`-th dissociation is refused (not retryable), with `afterRefusal` run first. */
class RefusingDissociation extends FakeAlb {
  dissociations = 0;
  failOn = 2;
  afterRefusal: () => void = () => {};

  override async dissociateAdditionalCertificates(listenerId: string, ids: readonly string[], options: { clientToken: string; dryRun?: boolean }) {
    if (++this.dissociations === this.failOn) {
      this.calls.push(`dissociate ${ids.join(",")} refused`);
      this.afterRefusal();
      throw apiError("Forbidden", false);
    }
    return super.dissociateAdditionalCertificates(listenerId, ids, options);
  }
}

describe("what a failed update records", () => {
  /** 16 certificates live and declared; the update declares only B: two dissociation batches (15 and 1), the second refused. */
  const many = Array.from({ length: 16 }, (_, i) => `cert-${String(i).padStart(2, "0")}`);

  async function failedUpdate(afterRefusal?: (fake: RefusingDissociation) => void): Promise<{ error: PartialApplyError; h: Harness }> {
    const h = harness(undefined, (clock) => new RefusingDissociation(clock, WORLD));
    const fake = h.fake as RefusingDissociation;
    fake.afterRefusal = () => afterRefusal?.(fake);
    for (const id of many) fake.rows.set(id, "Associated");
    const olds = { listenerId: L, region: "cn-hangzhou", resourceName: "sni", certificates: Object.fromEntries(many.map((id) => [id, "Associated"])) };
    const news = (await h.provider.check(olds, inputs(L, [B]))).inputs!;
    const error = await h.provider.update(L, olds, news).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PartialApplyError);
    return { error: error as PartialApplyError, h };
  }

  it("records exactly what the listener holds of the old and new sets: nothing it dissociated, nothing Unknown", async () => {
    const { error, h } = await failedUpdate();
    const fake = h.fake as RefusingDissociation;
    expect(fake.calls.filter((c) => /^(associate|dissociate)/.test(c))).toEqual([
      `associate ${B} token=t2`,
      `dissociate ${many.slice(0, 15).join(",")} token=t3`,
      `dissociate ${many[15]} refused`,
    ]);
    expect(error.properties.certificates).toStrictEqual({ [B]: "Associated", [many[15]!]: "Associated" });
    expect(error.progress).toStrictEqual({ associated: [B], notAssociated: [], dissociated: many.slice(0, 15), notDissociated: [many[15]] });
    expect(error.cause).toMatchObject({ name: "AlbApiError", code: "Forbidden" });
  });

  it("reads the listener for it through an API hiccup", async () => {
    const { error } = await failedUpdate((fake) => fake.readFailures.list.push(apiError("ServiceUnavailable")));
    expect(error.properties.certificates).toStrictEqual({ [B]: "Associated", [many[15]!]: "Associated" });
  });

  it("records every certificate as Unknown when the listener cannot be read", async () => {
    const { error } = await failedUpdate((fake) => fake.readFailures.list.push(apiError("Forbidden", false)));
    expect(error.properties.certificates).toStrictEqual(Object.fromEntries([...many, B].sort().map((id) => [id, "Unknown"])));
    expect(error.progress).toBeUndefined();
  });
});

describe("delete", () => {
  it("gives up the resource's claim, so another resource may declare its certificates", async () => {
    const h = harness();
    const first = (await h.provider.check({}, inputs(L, [A], { resourceName: "old-name" }))).inputs!;
    await h.provider.create(first);
    const conflict = await h.provider.check({}, inputs(L, [A], { resourceName: "new-name" }));
    expect(conflict.failures).toHaveLength(1);
    await h.provider.delete(L, { ...first, certificates: { [A]: "Associated" } });
    const after = await h.provider.check({}, inputs(L, [A], { resourceName: "new-name" }));
    expect(after.failures ?? []).toEqual([]);
  });
});

describe("createDefaultProvider", () => {
  afterEach(() => vi.restoreAllMocks());
  const depsOf = (provider: ListenerCertificatesProvider): ProviderDeps => (provider as unknown as { deps: ProviderDeps }).deps;

  it("uses real time, randomness, output, environment and network when given nothing", async () => {
    const deps = depsOf(createDefaultProvider());
    expect(deps.clock).toBe(systemClock);
    expect(deps.random).toBe(Math.random);
    const [one, two] = [deps.newToken(), deps.newToken()];
    expect(one).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(two).not.toBe(one);
    expect(deps.environment).toBe(processEnvironment);
    expect(deps.coordinator).toBeInstanceOf(ListenerCoordinator);
    expect(deps.credentials).toBeInstanceOf(CredentialChain);
    expect(deps.jobTimings).toBeInstanceOf(JobTimings);
    expect(deps.throttleGate).toBeInstanceOf(ThrottleGate);

    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    deps.log("a progress line");
    deps.warn("warning: a warning");
    expect(stdout.mock.calls).toEqual([["alb-listener-certificates: a progress line\n"]]);
    expect(stderr.mock.calls).toEqual([["warning: a warning\n"]]);

    // The network client: pop-core, asked with the 15 s request timeout.
    const RPCClient = require("@alicloud/pop-core") as { prototype: { request: (...args: unknown[]) => Promise<unknown> } };
    const request = vi.spyOn(RPCClient.prototype, "request").mockResolvedValue({ RequestId: "r", Certificates: [] });
    const credentials = async (): Promise<Credentials> => ({ accessKeyId: "LTAIdefaults", accessKeySecret: "defaults-secret" });
    const api: AlbApi = deps.createApi("http://127.0.0.1:9", credentials);
    expect(await api.listListenerCertificates(L)).toEqual([]);
    // Through the process's one keep-alive agent for plain HTTP.
    const agent = keepAliveAgent("http://127.0.0.1:9");
    expect(agent).toBeInstanceOf(HttpAgent);
    expect(request.mock.calls).toEqual([["ListListenerCertificates", { ListenerId: L, CertificateType: "Server", MaxResults: 100 }, { method: "POST", timeout: 15_000, agent }]]);
  });

  it("uses whatever it is given instead", () => {
    const clock = new VirtualClock();
    const given = {
      clock,
      random: () => 0.25,
      newToken: () => "token",
      log: () => {},
      warn: () => {},
      environment: () => ({ env: {}, readFile: () => undefined, homeDir: "/nonexistent-home" }),
      createApi: () => new FakeAlb(clock),
      coordinator: new ListenerCoordinator(),
      credentials: new CredentialChain({ clock }),
      jobTimings: new JobTimings(),
      throttleGate: new ThrottleGate(clock, () => 0.25),
      createCasApi: () => {
        throw new Error("not called");
      },
      catalog: new CertificateCatalog({ clock, random: () => 0.25 }),
    } satisfies ProviderDeps;
    const deps = depsOf(createDefaultProvider(given));
    for (const key of Object.keys(given) as (keyof ProviderDeps)[]) expect(deps[key], key).toBe(given[key]);
  });
});

describe("the endpoint a resource's calls go to", () => {
  it("is the resource's own endpoint input when no override is configured", async () => {
    const h = harness();
    const checked = await h.provider.check({}, inputs(L, [A], { endpoint: "http://127.0.0.1:9400/" }));
    expect(checked.inputs?.endpoint).toBe("http://127.0.0.1:9400");
    expect(h.endpoints).toEqual(["http://127.0.0.1:9400"]);
  });

  it("is the override, without trailing slashes, over everything else", async () => {
    const h = harness({ "alicloud:region": "cn-hangzhou", "alb-listener-certificates:endpoint": "http://127.0.0.1:9500//" });
    await h.provider.read(L, { listenerId: L, region: "cn-shanghai", endpoint: "http://127.0.0.1:9400", certificates: { [A]: "Associated" } });
    expect(h.endpoints).toEqual(["http://127.0.0.1:9500"]);
  });

  it("cannot be found without a region anywhere", async () => {
    const h = harness({});
    await expect(h.provider.read(L, { listenerId: L, certificates: { [A]: "Associated" } })).rejects.toThrow(
      "No region: set the resource's region input or the stack config alicloud:region.",
    );
    expect(h.endpoints).toEqual([]);
  });
});

describe("diff without a live read", () => {
  const state = { listenerId: L, region: "cn-hangzhou", resourceName: "sni", exclusive: false, waitTimeoutSeconds: 600, certificates: { [A]: "Associated" } };

  it("an unknown set or listener is a change", async () => {
    const h = harness();
    expect(await h.provider.diff(L, state, { ...state, certificates: UNKNOWN })).toStrictEqual({ changes: true });
    expect(await h.provider.diff(L, state, { ...state, listenerId: UNKNOWN })).toStrictEqual({ changes: true, replaces: ["listenerId"], deleteBeforeReplace: false });
    expect(h.fake.calls).toEqual([]);
  });

  it("a changed exclusive setting is a change the engine names", async () => {
    const h = harness();
    h.fake.rows.set(A, "Associated");
    expect(await h.provider.diff(L, state, { ...state, exclusive: true })).toStrictEqual({});
  });
});

describe("without credentials", () => {
  const state = { listenerId: L, region: "cn-hangzhou", resourceName: "sni", exclusive: false, waitTimeoutSeconds: 600, certificates: { [A]: "Associated" } };

  it("diff decides from the inputs and the state alone, and warns once", async () => {
    const h = harness(undefined, undefined, {});
    expect(await h.provider.diff(L, state, state)).toStrictEqual({ changes: false });
    expect(await h.provider.diff(L, state, { ...state, certificates: { [A]: "Associated", [B]: "Associated" } })).toStrictEqual({ changes: true });
    expect(await h.provider.diff(L, state, { ...state, exclusive: true })).toStrictEqual({ changes: true });
    expect(await h.provider.diff(L, { ...state, certificates: { [A]: "Unknown" } }, state)).toStrictEqual({ changes: true });
    expect(h.warnings).toHaveLength(1);
    expect(h.fake.calls).toEqual([]);
  });

  it("create and delete fail before any request", async () => {
    const h = harness(undefined, undefined, {});
    await expect(h.provider.create(state)).rejects.toMatchObject({ name: "MissingCredentialsError" });
    await expect(h.provider.delete(L, state)).rejects.toMatchObject({ name: "MissingCredentialsError" });
    expect(h.fake.calls).toEqual([]);
    expect(h.endpoints).toEqual([]);
  });
});

describe("maxCertificatesPerListener", () => {
  it.each([
    ["1", true],
    ["300", true],
    ["0", false],
    ["301", false],
    ["2.5", false],
  ])("%s is accepted: %s", async (value, accepted) => {
    const h = harness({ "alicloud:region": "cn-hangzhou", "alb-listener-certificates:maxCertificatesPerListener": value });
    const checking = h.provider.check({}, inputs(L, [A]));
    if (accepted) await expect(checking).resolves.toMatchObject({ inputs: { listenerId: L } });
    else await expect(checking).rejects.toThrow(`Stack config alb-listener-certificates:maxCertificatesPerListener must be a whole number from 1 to 300, got "${value}".`);
  });
});

describe("read", () => {
  const stored = { listenerId: L, region: "cn-hangzhou", resourceName: "sni", exclusive: false, waitTimeoutSeconds: 600, certificates: { [A]: "Associated", [B]: "Associated" } };

  function listener(h: Harness): void {
    h.fake.rows.set(A, "Associated");
    h.fake.rows.set("cert-c", "Associated");
    h.fake.rows.set("cert-d", "Dissociating");
  }

  it("keeps the declared certificates the listener serves, nothing else", async () => {
    const h = harness();
    listener(h);
    const result = await h.provider.read(L, stored);
    expect(result.id).toBe(L);
    expect(result.props?.certificates).toStrictEqual({ [A]: "Associated" });
    expect(result.inputs?.certificates).toStrictEqual({ [A]: "Associated" });
  });

  it("of an exclusive resource keeps every certificate the listener serves but its default one", async () => {
    const h = harness();
    listener(h);
    const result = await h.provider.read(L, { ...stored, exclusive: true });
    expect(result.props?.certificates).toStrictEqual({ [A]: "Associated", "cert-c": "Associated" });
  });
});
