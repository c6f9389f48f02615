/**
 * How a behaviour is set and kept: parsing and validation (each error names the field), the fixture's
 * `behaviour` and `caCertificateId`, the quota checked at load under the behaviour in force, the option's
 * precedence, the inspection routes, and `--state` persistence (including a version-1 state file).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AlbErrorResponse,
  ALL_BEHAVIOUR,
  DEFAULT_BEHAVIOUR,
  DEMO_FIXTURE,
  describeBehaviour,
  parseBehaviourList,
  resolveBehaviour,
  resolveFixture,
  startSimulator,
  StateFileError,
  type Fixture,
} from "../../simulator";
import { CA_CERT, call, certificates, DEFAULT_CERT, DEMO_ADDITIONAL_CERT, FREE_CERTS, HTTPS_LISTENER, ok, useSimulators } from "../kit/simulator-clients";
import { VirtualClock } from "../kit/clock";
import { rawRequest, type RawResponse } from "../kit/simulator-wire";

const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";
const JSON_HEADERS = { "content-type": "application/json" };

function envelope(response: RawResponse): { status: number; code: unknown; message: unknown } {
  return { status: response.status, code: response.json?.Code, message: response.json?.Message };
}

describe(resolveBehaviour.name, () => {
  it("fills in the defaults: every switch off but the load-balancer quota and CAS's empty SANs", () => {
    expect(resolveBehaviour({})).toEqual({
      dissociateLimit15: false, requestLimits: false, unlistedJobs: false, readLagMs: 0, lingeringRowsMs: 0, metadataSpelling: false,
      busyIncorrectStatus: false, jobDuration: null, loadBalancerQuota: true, mutualTls: false, casSansEmpty: true, casSecondsTimestamps: false,
    });
    expect(resolveBehaviour({ readLagMs: 250, jobDuration: true })).toMatchObject({ readLagMs: 250, jobDuration: { baseMs: 4_000, perCertificateMs: 3_000, jitter: 0.3 } });
    expect(resolveBehaviour({ jobDuration: { perCertificateMs: 10 } }).jobDuration).toEqual({ baseMs: 4_000, perCertificateMs: 10, jitter: 0.3 });
    expect(resolveBehaviour({ mutualTls: true }, "behaviour", ALL_BEHAVIOUR)).toEqual(ALL_BEHAVIOUR);
  });

  it.each([
    [[], "Invalid behaviour: behaviour must be an object."],
    [{ readLag: 5 }, "Invalid behaviour: behaviour.readLag is not a known behaviour (known: dissociateLimit15, requestLimits, unlistedJobs, readLagMs, lingeringRowsMs, metadataSpelling, busyIncorrectStatus, jobDuration, loadBalancerQuota, mutualTls, casSansEmpty, casSecondsTimestamps)."],
    [{ unlistedJobs: "yes" }, "Invalid behaviour: behaviour.unlistedJobs must be true or false."],
    [{ readLagMs: -1 }, "Invalid behaviour: behaviour.readLagMs must be an integer number of ms from 0 to 86400000."],
    [{ lingeringRowsMs: 1.5 }, "Invalid behaviour: behaviour.lingeringRowsMs must be an integer number of ms from 0 to 86400000."],
    [{ jobDuration: "fast" }, "Invalid behaviour: behaviour.jobDuration must be true, false, null or an object with baseMs, perCertificateMs, jitter."],
    [{ jobDuration: { baseMs: 1, perCert: 2 } }, "Invalid behaviour: behaviour.jobDuration.perCert is not a known field (known: baseMs, perCertificateMs, jitter)."],
    [{ jobDuration: { jitter: 1.5 } }, "Invalid behaviour: behaviour.jobDuration.jitter must be a number from 0 to 1."],
    [{ jobDuration: { baseMs: -5 } }, "Invalid behaviour: behaviour.jobDuration.baseMs must be an integer number of ms from 0 to 86400000."],
  ])("names the field: %j", (input, message) => {
    expect(() => resolveBehaviour(input)).toThrow(AlbErrorResponse);
    expect(() => resolveBehaviour(input)).toThrow(expect.objectContaining({ code: "InvalidBehaviour", httpStatus: 400 }));
    expect(() => resolveBehaviour(input)).toThrow(message);
  });
});

describe(parseBehaviourList.name, () => {
  it("turns names on, applies values left to right, and knows all", () => {
    expect(parseBehaviourList([])).toEqual(DEFAULT_BEHAVIOUR);
    expect(parseBehaviourList(["unlistedJobs,readLagMs", "lingeringRowsMs=1500", "jobDuration"])).toEqual({
      ...DEFAULT_BEHAVIOUR, unlistedJobs: true, readLagMs: 3_000, lingeringRowsMs: 1_500, jobDuration: { baseMs: 4_000, perCertificateMs: 3_000, jitter: 0.3 },
    });
    expect(parseBehaviourList(["all"])).toEqual(ALL_BEHAVIOUR);
    expect(parseBehaviourList(["all,readLagMs=off,jobDuration=100:20:0.1,loadBalancerQuota=off,mutualTls=false"])).toEqual({
      ...ALL_BEHAVIOUR, readLagMs: 0, jobDuration: { baseMs: 100, perCertificateMs: 20, jitter: 0.1 }, loadBalancerQuota: false, mutualTls: false,
    });
    expect(parseBehaviourList(["jobDuration=100:20", "metadataSpelling=on"])).toMatchObject({ jobDuration: { baseMs: 100, perCertificateMs: 20, jitter: 0.3 }, metadataSpelling: true });
    expect(parseBehaviourList(["jobDuration=on,jobDuration=off"]).jobDuration).toBeNull();
  });

  it.each([
    ["bogus", "Invalid behaviour: bogus is not a known behaviour (known: all, dissociateLimit15,"],
    ["unlistedJobs,", "Invalid behaviour: (an empty name) is not a known behaviour"],
    ["readLagMs=soon", "Invalid behaviour: readLagMs=soon takes off or an integer number of ms from 0 to 86400000."],
    ["mutualTls=maybe", "Invalid behaviour: mutualTls=maybe takes on or off."],
    ["jobDuration=1000", "Invalid behaviour: jobDuration=1000 takes on, off or BASE_MS:PER_CERTIFICATE_MS[:JITTER] (ms up to 86400000, JITTER from 0 to 1)."],
    ["jobDuration=1000:10:2", "Invalid behaviour: jobDuration=1000:10:2 takes on, off or BASE_MS:PER_CERTIFICATE_MS[:JITTER] (ms up to 86400000, JITTER from 0 to 1)."],
  ])("names the entry: %s", (value, message) => {
    expect(() => parseBehaviourList([value])).toThrow(message);
  });
});

describe(describeBehaviour.name, () => {
  it("lists what differs from the default in --behaviour syntax", () => {
    expect(describeBehaviour(DEFAULT_BEHAVIOUR)).toEqual([]);
    expect(describeBehaviour({ ...DEFAULT_BEHAVIOUR, readLagMs: 10, loadBalancerQuota: false, jobDuration: { baseMs: 1, perCertificateMs: 2, jitter: 0 } }))
      .toEqual(["readLagMs=10", "jobDuration=1:2:0", "loadBalancerQuota=off"]);
    expect(parseBehaviourList(describeBehaviour(ALL_BEHAVIOUR))).toEqual(ALL_BEHAVIOUR);
  });
});

describe("fixture behaviour, CA certificates and quotas", () => {
  const base = {
    certificates: [{ certificateId: "s1", type: "Server" }, { certificateId: "s2", type: "Server" }, { certificateId: "s3", type: "Server" }, { certificateId: "ca1", type: "Ca" }],
    listeners: [
      { listenerId: "l1", loadBalancerId: "alb-1", protocol: "HTTPS", port: 443, defaultCertificateId: "s1", additionalCertificateIds: ["s2"] },
      { listenerId: "l2", loadBalancerId: "alb-1", protocol: "HTTPS", port: 8443, defaultCertificateId: "s1", additionalCertificateIds: ["s3"] },
    ],
  };
  const withListener = (extra: Record<string, unknown>): Record<string, unknown> => ({ ...base, listeners: [{ ...base.listeners[0], ...extra }] });

  it("resolves the behaviour and a CA certificate", () => {
    const resolved = resolveFixture({ ...withListener({ caCertificateId: "ca1" }), behaviour: { readLagMs: 10 } });
    expect(resolved.behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, readLagMs: 10 });
    expect(resolved.listeners[0]).toMatchObject({ caCertificateId: "ca1" });
    expect(resolveFixture(base).behaviour).toBeUndefined();
  });

  it.each([
    [{ ...base, behaviour: { readLagMs: "soon" } }, "Invalid fixture: behaviour.readLagMs must be an integer number of ms from 0 to 86400000."],
    [{ ...base, behaviour: { lagging: true } }, "Invalid fixture: behaviour.lagging is not a known behaviour"],
    [{ ...base, behaviour: "all" }, "Invalid fixture: behaviour must be an object."],
    [withListener({ caCertificateId: "nope" }), "Invalid fixture: listeners[0].caCertificateId references nope, which is not in certificates."],
    [withListener({ caCertificateId: "s3" }), "Invalid fixture: listeners[0].caCertificateId references s3, which is a Server certificate, not a Ca certificate."],
    [withListener({ caCertificateId: "ca1", protocol: "QUIC" }), "Invalid fixture: listeners[0].caCertificateId is set on a QUIC listener; only HTTPS listeners take a CA certificate."],
    [withListener({ additionalCertificateIds: ["ca1"] }), "Invalid fixture: listeners[0].additionalCertificateIds[0] references ca1, which is a Ca certificate, not a Server certificate."],
    [{ ...base, limits: { maxAdditionalCertificatesPerLoadBalancer: 1 } },
      "Invalid fixture: listeners[1].additionalCertificateIds brings load balancer alb-1 to 2 additional certificates, more than limits.maxAdditionalCertificatesPerLoadBalancer (1)."],
    [{ ...base, limits: { maxAdditionalCertificatesPerLoadBalancer: 0 } }, "Invalid fixture: limits.maxAdditionalCertificatesPerLoadBalancer must be an integer from 1 to 100000."],
  ])("names the field: %j", (input, message) => {
    expect(() => resolveFixture(input)).toThrow(AlbErrorResponse);
    expect(() => resolveFixture(input)).toThrow(expect.objectContaining({ code: "InvalidFixture", httpStatus: 400 }));
    expect(() => resolveFixture(input)).toThrow(message);
  });

  it("checks the quota the world will run under: the override, else the fixture's behaviour, else the fallback", () => {
    const tight = { ...base, limits: { maxAdditionalCertificatesPerLoadBalancer: 1, maxAdditionalCertificatesPerListener: 1 } };
    const perListener = { ...DEFAULT_BEHAVIOUR, loadBalancerQuota: false };
    expect(() => resolveFixture(tight)).toThrow("more than limits.maxAdditionalCertificatesPerLoadBalancer (1)");
    expect(resolveFixture(tight, { fallback: perListener }).listeners).toHaveLength(2);
    expect(resolveFixture({ ...tight, behaviour: { loadBalancerQuota: false } }).listeners).toHaveLength(2);
    expect(() => resolveFixture({ ...tight, behaviour: { loadBalancerQuota: false } }, { override: DEFAULT_BEHAVIOUR })).toThrow("maxAdditionalCertificatesPerLoadBalancer");
    expect(() => resolveFixture({ ...tight, listeners: [{ ...base.listeners[0], additionalCertificateIds: ["s2", "s3"] }] }, { fallback: perListener }))
      .toThrow("Invalid fixture: listeners[0].additionalCertificateIds holds 2 certificates, more than limits.maxAdditionalCertificatesPerListener (1).");
  });
});

describe("behaviour option and inspection routes", () => {
  const start = useSimulators();

  it("takes the option over the fixture's behaviour, and refuses an invalid option naming the field", async () => {
    const { simulator } = await start({ fixture: { ...DEMO_FIXTURE, behaviour: { unlistedJobs: true, readLagMs: 5 } }, behaviour: { metadataSpelling: true } });
    expect(simulator.backend.behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, metadataSpelling: true });
    const fromFixture = await start({ fixture: { ...DEMO_FIXTURE, behaviour: { unlistedJobs: true } } });
    expect(fromFixture.simulator.backend.behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, unlistedJobs: true });
    await expect(startSimulator({ behaviour: { readLagMs: -3 } })).rejects.toThrow("Invalid behaviour: behaviour.readLagMs must be an integer number of ms from 0 to 86400000.");
  });

  it("loads a fixture file under the option's quota reading", async () => {
    const dir = mkdtempSync(join(tmpdir(), "alb-sim-behaviour-"));
    try {
      const path = join(dir, "world.json");
      const ids = Array.from({ length: 30 }, (_, i) => `${60_000_000 + i}-cn-hangzhou`);
      writeFileSync(path, JSON.stringify({
        certificates: ids.map((certificateId) => ({ certificateId, type: "Server" })),
        listeners: [{ listenerId: "lsn-f", loadBalancerId: "alb-f", protocol: "HTTPS", port: 443, defaultCertificateId: ids[0], additionalCertificateIds: ids.slice(1, 27) }],
        limits: { maxAdditionalCertificatesPerListener: 30 },
      }));
      await expect(startSimulator({ fixture: path })).rejects.toThrow("brings load balancer alb-f to 26 additional certificates, more than limits.maxAdditionalCertificatesPerLoadBalancer (25)");
      const { simulator } = await start({ fixture: path, behaviour: { loadBalancerQuota: false } });
      expect(simulator.backend.listenerView("lsn-f").additional).toHaveLength(26);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads and replaces the behaviour with GET and POST /_simulator/behaviour, effective on the next request", async () => {
    const { simulator, clients } = await start();
    expect((await rawRequest(simulator.endpoint, { path: "/_simulator/behaviour" })).json).toEqual({ behaviour: DEFAULT_BEHAVIOUR });
    const set = await rawRequest(simulator.endpoint, { method: "POST", path: "/_simulator/behaviour", headers: JSON_HEADERS, body: JSON.stringify({ busyIncorrectStatus: true, readLagMs: 0 }) });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ behaviour: { ...DEFAULT_BEHAVIOUR, busyIncorrectStatus: true } });
    await ok(clients, "pop-core", ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
    expect(await call(clients, "alb20200616", ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[1]]) }))
      .toMatchObject({ ok: false, status: 400, code: "IncorrectStatus.Listener", message: `The status of ${HTTPS_LISTENER} [Configuring] is incorrect.` });
    // A POST replaces: what it leaves out returns to the default.
    const back = await rawRequest(simulator.endpoint, { method: "POST", path: "/_simulator/behaviour", headers: JSON_HEADERS, body: JSON.stringify({ unlistedJobs: true }) });
    expect(back.json).toEqual({ behaviour: { ...DEFAULT_BEHAVIOUR, unlistedJobs: true } });
    expect(await call(clients, "pop-core", ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[1]]) }))
      .toMatchObject({ ok: false, code: "ResourceInConfiguring.Listener" });
    expect((await rawRequest(simulator.endpoint, { path: "/_simulator/state" })).json).toMatchObject({ behaviour: { ...DEFAULT_BEHAVIOUR, unlistedJobs: true } });
  });

  it("refuses an invalid behaviour body with 400 InvalidBehaviour naming the field, and keeps the behaviour", async () => {
    const { simulator } = await start({ behaviour: { mutualTls: true } });
    const post = (body: string): Promise<RawResponse> => rawRequest(simulator.endpoint, { method: "POST", path: "/_simulator/behaviour", headers: JSON_HEADERS, body });
    expect(envelope(await post(JSON.stringify({ jobDuration: { jitter: 2 } })))).toEqual({
      status: 400, code: "InvalidBehaviour", message: "Invalid behaviour: behaviour.jobDuration.jitter must be a number from 0 to 1.",
    });
    expect(envelope(await post("[1]"))).toEqual({ status: 400, code: "InvalidBehaviour", message: "Invalid behaviour: behaviour must be an object." });
    expect(envelope(await post("{"))).toEqual({ status: 400, code: "InvalidBehaviour", message: "Invalid behaviour: (body) the body is not valid JSON." });
    expect(simulator.backend.behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, mutualTls: true });
  });

  it("replaces the behaviour on a reset whose fixture has one, and keeps it otherwise", async () => {
    const { simulator } = await start({ behaviour: { unlistedJobs: true } });
    const reset = (fixture: Fixture): Promise<RawResponse> =>
      rawRequest(simulator.endpoint, { method: "POST", path: "/_simulator/reset", headers: JSON_HEADERS, body: JSON.stringify(fixture) });
    expect((await reset(DEMO_FIXTURE)).json).toMatchObject({ behaviour: { ...DEFAULT_BEHAVIOUR, unlistedJobs: true } });
    expect((await reset({ ...DEMO_FIXTURE, behaviour: { lingeringRowsMs: 7 } })).json).toMatchObject({ behaviour: { ...DEFAULT_BEHAVIOUR, lingeringRowsMs: 7 } });
    const refused = await reset({ ...DEMO_FIXTURE, behaviour: { lingeringRowsMs: "long" } as never });
    expect(envelope(refused)).toEqual({ status: 400, code: "InvalidFixture", message: "Invalid fixture: behaviour.lingeringRowsMs must be an integer number of ms from 0 to 86400000." });
    expect(simulator.backend.behaviour.lingeringRowsMs).toBe(7);
  });

  it("sets a listener's own status with POST /_simulator/listeners/<id>/status", async () => {
    const { simulator, clients } = await start();
    const post = (listenerId: string, body: unknown): Promise<RawResponse> =>
      rawRequest(simulator.endpoint, { method: "POST", path: `/_simulator/listeners/${encodeURIComponent(listenerId)}/status`, headers: JSON_HEADERS, body: JSON.stringify(body) });
    const stopped = await post(HTTPS_LISTENER, { status: "Stopped" });
    expect(stopped.status).toBe(200);
    expect(stopped.json).toMatchObject({ listenerId: HTTPS_LISTENER, status: "Stopped", additional: [{ certificateId: DEMO_ADDITIONAL_CERT, status: "Associated" }] });
    for (const client of ["pop-core", "alb20200616"] as const) {
      expect(await call(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) })).toMatchObject({
        ok: false, status: 400, code: "IncorrectStatus.Listener", message: `The status of ${HTTPS_LISTENER} [Stopped] is incorrect.`,
      });
    }
    expect(await ok(clients, "pop-core", "GetListenerAttribute", { ListenerId: HTTPS_LISTENER })).toMatchObject({ ListenerStatus: "Stopped" });
    expect((await post(HTTPS_LISTENER, { status: "Running" })).json).toMatchObject({ status: "Running" });
    await ok(clients, "alb20200616", DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) });

    expect(envelope(await post("lsn-nope", { status: "Stopped" }))).toEqual({ status: 404, code: "ResourceNotFound.Listener", message: "The specified resource lsn-nope is not found." });
    expect(envelope(await post(HTTPS_LISTENER, { status: "Paused" }))).toEqual({
      status: 400, code: "InvalidParameter", message: "The specified parameter status is not valid: it must be one of Provisioning, Running, Configuring, Stopped.",
    });
    expect(envelope(await rawRequest(simulator.endpoint, { path: `/_simulator/listeners/${HTTPS_LISTENER}/status` }))).toMatchObject({ status: 404, code: "InspectionRouteNotFound" });
  });
});

describe("behaviour in --state files", () => {
  let dir: string;
  let statePath: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "alb-sim-behaviour-state-"));
    statePath = join(dir, "state.json");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const start = useSimulators();

  it("persists the behaviour, lingering rows and read lags, and restores them; an option wins over the file", async () => {
    const clock = new VirtualClock();
    const behaviour = { lingeringRowsMs: 10_000, readLagMs: 4_000, metadataSpelling: true, mutualTls: true };
    const fixture: Fixture = {
      ...DEMO_FIXTURE,
      listeners: DEMO_FIXTURE.listeners?.map((listener) => (listener.listenerId === HTTPS_LISTENER ? { ...listener, caCertificateId: CA_CERT } : listener)),
    };
    const first = await start({ statePath, clock, jobMs: 1_000, fixture, behaviour });
    await ok(first.clients, "pop-core", DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) });
    clock.advance(1_000);
    await ok(first.clients, "pop-core", ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
    await first.simulator.close();
    const saved = JSON.parse(readFileSync(statePath, "utf8")) as Record<string, unknown>;
    expect(saved).toMatchObject({ version: 2, behaviour: { ...DEFAULT_BEHAVIOUR, ...behaviour } });

    const second = await start({ statePath, clock: new VirtualClock(clock.now()), jobMs: 1_000 });
    expect(second.simulator.backend.behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, ...behaviour });
    expect(second.simulator.backend.listenerView(HTTPS_LISTENER)).toMatchObject({
      caCertificateId: CA_CERT,
      additional: [{ certificateId: FREE_CERTS[0], status: "Associating" }],
      lingering: [{ certificateId: DEMO_ADDITIONAL_CERT, vanishAtMs: clock.now() + 10_000 }],
    });
    // Both read lags survived (the Dissociate's until +3000, the Associate's until +4000): reads still show
    // the listener as it was before the Dissociate.
    const rows = (): Promise<unknown> => ok(second.clients, "alb20200616", "ListListenerCertificates", { ListenerId: HTTPS_LISTENER }).then((body) => body.Certificates);
    expect(await rows()).toEqual([
      { CertificateId: DEFAULT_CERT, CertificateType: "Server", IsDefault: true, Status: "Associated" },
      { CertificateId: CA_CERT, CertificateType: "Ca", IsDefault: false, Status: "Associated" },
      { CertificateId: DEMO_ADDITIONAL_CERT, CertificateType: "Server", IsDefault: false, Status: "Associated" },
    ]);
    second.clock.advance(4_000);
    expect(await rows()).toEqual([
      { CertificateId: DEFAULT_CERT, CertificateType: "Server", IsDefault: true, Status: "Associated" },
      { CertificateId: CA_CERT, CertificateType: "Ca", IsDefault: false, Status: "Associated" },
      { CertificateId: DEMO_ADDITIONAL_CERT, CertificateType: "Server", IsDefault: false, Status: "Dissociated" },
      { CertificateId: FREE_CERTS[0], CertificateType: "Server", IsDefault: false, Status: "Associated" },
    ]);
    second.clock.advance(5_999);
    expect(second.simulator.backend.listenerView(HTTPS_LISTENER).lingering).toHaveLength(1);
    second.clock.advance(1);
    expect(second.simulator.backend.listenerView(HTTPS_LISTENER).lingering).toBeUndefined();
    await second.simulator.close();

    const third = await start({ statePath, clock: new VirtualClock(second.clock.now()), behaviour: { unlistedJobs: true } });
    expect(third.simulator.backend.behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, unlistedJobs: true });
  });

  it("loads a version-1 state file with the per-listener quota it was written under, and rewrites it as version 2", async () => {
    const now = Date.now();
    const version1 = {
      format: "alb-simulator-state", version: 1, regionId: "cn-hangzhou",
      accessKeys: [{ accessKeyId: "LTAI5tSimulatorDemoKey", accessKeySecret: "SimulatorDemoSecret000000000000" }],
      limits: { maxAdditionalCertificatesPerListener: 2, associateBatchMax: 15, dissociateBatchMax: 20, mutationsPerWindow: 200, rateWindowMs: 60_000 },
      certificates: [DEFAULT_CERT, ...FREE_CERTS].map((certificateId) => ({ certificateId, type: "Server" })),
      listeners: [
        { listenerId: "lsn-v1-a", loadBalancerId: "alb-v1", protocol: "HTTPS", port: 443, status: "Running", defaultCertificateId: DEFAULT_CERT,
          additional: [{ certificateId: FREE_CERTS[0], status: "Associated" }, { certificateId: FREE_CERTS[1], status: "Associated" }], configuringUntilMs: 0 },
        { listenerId: "lsn-v1-b", loadBalancerId: "alb-v1", protocol: "HTTPS", port: 8443, status: "Running", defaultCertificateId: DEFAULT_CERT,
          additional: [], configuringUntilMs: 0 },
      ],
      jobs: [], clientTokens: [], random: [1, 2, 3, 4], nextJobSeq: 1,
    };
    writeFileSync(statePath, JSON.stringify(version1));
    const { simulator, clients } = await start({ statePath, clock: new VirtualClock(now) });
    expect(simulator.backend.behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, loadBalancerQuota: false });
    expect(simulator.backend.limits).toEqual({ ...version1.limits, maxAdditionalCertificatesPerLoadBalancer: 25 });
    expect(await call(clients, "pop-core", ASSOCIATE, { ListenerId: "lsn-v1-a", Certificates: certificates([FREE_CERTS[2]]) })).toMatchObject({
      ok: false, status: 400, code: "QuotaExceeded.ListenerCertificate", message: "The quota of ListenerCertificate is exceeded for lsn-v1-a, usage 3/2.",
    });
    await ok(clients, "alb20200616", ASSOCIATE, { ListenerId: "lsn-v1-b", Certificates: certificates([FREE_CERTS[2], FREE_CERTS[3]]) });
    expect(JSON.parse(readFileSync(statePath, "utf8"))).toMatchObject({
      version: 2,
      behaviour: { ...DEFAULT_BEHAVIOUR, loadBalancerQuota: false },
      limits: { maxAdditionalCertificatesPerLoadBalancer: 25 },
      listeners: [{ listenerId: "lsn-v1-a", lingering: [], caCertificateId: null }, { listenerId: "lsn-v1-b", lingering: [], caCertificateId: null }],
    });
  });

  it.each([
    ["an unknown version", { version: 3 }, `field "version" is not one of 1, 2`],
    ["an invalid behaviour", { behaviour: { readLagMs: "x" } }, "field behaviour.readLagMs must be an integer number of ms from 0 to 86400000"],
    ["a listener without lingering rows", { listeners: [{ listenerId: "l", additional: [], configuringUntilMs: 0, caCertificateId: null }] }, "listeners[0] is malformed"],
  ])("refuses a state file with %s, naming it", async (_, change, reason) => {
    const content = JSON.stringify({
      format: "alb-simulator-state", version: 2, regionId: "cn-hangzhou", accessKeys: [], certificates: [], listeners: [],
      jobs: [], clientTokens: [], limits: {}, random: [1, 2, 3, 4], nextJobSeq: 1, behaviour: {}, ...change,
    });
    writeFileSync(statePath, content);
    const failure = startSimulator({ statePath, port: 0 });
    await expect(failure).rejects.toBeInstanceOf(StateFileError);
    await expect(failure).rejects.toThrow(`Cannot load simulator state file ${statePath}: ${reason}.`);
    expect(readFileSync(statePath, "utf8")).toBe(content);
  });
});
