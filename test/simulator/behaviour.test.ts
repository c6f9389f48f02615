/**
 * Every behaviour switch on and off, through both official clients, asserting the exact wire answer.
 * Codes, statuses and action names are spelled literally: this file is an oracle independent of the
 * API contract module.
 */
import { describe, expect, it } from "vitest";
import type { BehaviourInput, Fixture } from "../../simulator";
import {
  CA_CERT,
  call,
  certificates,
  CLIENT_NAMES,
  DEFAULT_CERT,
  DEMO_ADDITIONAL_CERT,
  FREE_CERTS,
  HTTPS_LISTENER,
  ok,
  QUIC_LISTENER,
  useSimulators,
  type ClientName,
  type Clients,
} from "../kit/simulator-clients";

const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";
const LIST = "ListListenerCertificates";

const row = (certificateId: string, status: string, certificateType = "Server"): Record<string, unknown> =>
  ({ CertificateId: certificateId, CertificateType: certificateType, IsDefault: false, Status: status });
const DEFAULT_ROW = { CertificateId: DEFAULT_CERT, CertificateType: "Server", IsDefault: true, Status: "Associated" };

/** One HTTPS listener `lsn-big` carrying `count` additional certificates `<n>-cn-hangzhou`, limits raised. */
function bigListener(count: number, behaviour?: BehaviourInput): Fixture {
  const ids = Array.from({ length: count + 1 }, (_, i) => `${50_000_000 + i}-cn-hangzhou`);
  return {
    certificates: ids.map((certificateId) => ({ certificateId, type: "Server" as const })),
    listeners: [{
      listenerId: "lsn-big", loadBalancerId: "alb-big", protocol: "HTTPS", port: 443,
      defaultCertificateId: ids[0], additionalCertificateIds: ids.slice(1),
    }],
    limits: { maxAdditionalCertificatesPerListener: 100, maxAdditionalCertificatesPerLoadBalancer: 100 },
    ...(behaviour === undefined ? {} : { behaviour }),
  };
}
const bigIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `${50_000_001 + i}-cn-hangzhou`);

/** The demo catalogue with the HTTPS listener as a mutual-TLS listener (CA certificate `CA_CERT`). */
function mutualTlsFixture(behaviour?: BehaviourInput, limits?: Fixture["limits"]): Fixture {
  return {
    certificates: [
      { certificateId: DEFAULT_CERT, type: "Server" },
      { certificateId: DEMO_ADDITIONAL_CERT, type: "Server" },
      ...FREE_CERTS.map((certificateId) => ({ certificateId, type: "Server" as const })),
      { certificateId: CA_CERT, type: "Ca" },
    ],
    listeners: [{
      listenerId: HTTPS_LISTENER, loadBalancerId: "alb-mtls", protocol: "HTTPS", port: 443,
      defaultCertificateId: DEFAULT_CERT, additionalCertificateIds: [DEMO_ADDITIONAL_CERT], caCertificateId: CA_CERT,
    }],
    ...(limits === undefined ? {} : { limits }),
    ...(behaviour === undefined ? {} : { behaviour }),
  };
}

/** Two HTTPS listeners on one load balancer; `lsn-a` carries two certificates; the load-balancer limit is 3. */
function sharedLoadBalancer(behaviour?: BehaviourInput): Fixture {
  return {
    certificates: [DEFAULT_CERT, ...FREE_CERTS].map((certificateId) => ({ certificateId, type: "Server" as const })),
    listeners: [
      { listenerId: "lsn-a", loadBalancerId: "alb-shared", protocol: "HTTPS", port: 443, defaultCertificateId: DEFAULT_CERT, additionalCertificateIds: [FREE_CERTS[0], FREE_CERTS[1]] },
      { listenerId: "lsn-b", loadBalancerId: "alb-shared", protocol: "HTTPS", port: 8443, defaultCertificateId: DEFAULT_CERT },
      { listenerId: "lsn-other", loadBalancerId: "alb-other", protocol: "HTTPS", port: 443, defaultCertificateId: DEFAULT_CERT },
    ],
    limits: { maxAdditionalCertificatesPerLoadBalancer: 3, maxAdditionalCertificatesPerListener: 2 },
    ...(behaviour === undefined ? {} : { behaviour }),
  };
}

async function rowsOf(clients: Clients, client: ClientName, listenerId = HTTPS_LISTENER, extra: Record<string, unknown> = {}): Promise<unknown> {
  return (await ok(clients, client, LIST, { ListenerId: listenerId, ...extra })).Certificates;
}

async function listenerStatus(clients: Clients, client: ClientName, listenerId = HTTPS_LISTENER): Promise<unknown> {
  return (await ok(clients, client, "GetListenerAttribute", { ListenerId: listenerId })).ListenerStatus;
}

describe.each(CLIENT_NAMES)("simulator behaviours through %s", (client) => {
  const start = useSimulators();

  describe("dissociateLimit15", () => {
    it("the batch limits the service enforces: 15 per Associate, 20 per Dissociate by default, 15 both ways when on", async () => {
      expect((await start({})).simulator.backend.batchLimits()).toEqual({ associate: 15, dissociate: 20 });
      expect((await start({ behaviour: { dissociateLimit15: true } })).simulator.backend.batchLimits()).toEqual({ associate: 15, dissociate: 15 });
    });

    it("off (the Dissociate document's 20): accepts 20 certificates, refuses 21", async () => {
      const { clients } = await start({ fixture: bigListener(21) });
      expect(await call(clients, client, DISSOCIATE, { ListenerId: "lsn-big", Certificates: certificates(bigIds(21)) })).toMatchObject({
        ok: false, status: 400, code: "InvalidParameter",
        message: "The specified parameter Certificates is not valid: 21 certificates given, at most 20 are allowed per call.",
      });
      expect(await call(clients, client, DISSOCIATE, { ListenerId: "lsn-big", Certificates: certificates(bigIds(20)) })).toMatchObject({ ok: true, status: 200 });
    });

    it("on (the API metadata's 15): refuses 16 certificates with InvalidParameter, accepts 15", async () => {
      const { clients, simulator } = await start({ fixture: bigListener(16, { dissociateLimit15: true }) });
      expect(await call(clients, client, DISSOCIATE, { ListenerId: "lsn-big", Certificates: certificates(bigIds(16)) })).toMatchObject({
        ok: false, status: 400, code: "InvalidParameter",
        message: "The specified parameter Certificates is not valid: 16 certificates given, at most 15 are allowed per call.",
      });
      expect(simulator.backend.listenerView("lsn-big").additional.every((c) => c.status === "Associated")).toBe(true);
      expect(await call(clients, client, DISSOCIATE, { ListenerId: "lsn-big", Certificates: certificates(bigIds(15)) })).toMatchObject({ ok: true, status: 200 });
      // Associate keeps its own limit of 15.
      expect(await call(clients, client, ASSOCIATE, { ListenerId: "lsn-big", Certificates: certificates(bigIds(16)) })).toMatchObject({
        ok: false, code: "InvalidParameter", message: "The specified parameter Certificates is not valid: 16 certificates given, at most 15 are allowed per call.",
      });
    });
  });

  describe("requestLimits", () => {
    const ids = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const token = (n: number): string => "t".repeat(n);

    it("off: 21 CertificateIds, 11 JobIds, 11 ResourceIds and a 65-character ClientToken are accepted", async () => {
      const { clients } = await start();
      expect(await call(clients, client, LIST, { ListenerId: HTTPS_LISTENER, CertificateIds: ids(21, "c") })).toMatchObject({ ok: true, body: { TotalCount: 0 } });
      expect(await call(clients, client, "ListAsynJobs", { JobIds: ids(11, "j") })).toMatchObject({ ok: true, body: { TotalCount: 0 } });
      expect(await call(clients, client, "ListAsynJobs", { ResourceIds: ids(11, "r") })).toMatchObject({ ok: true, body: { TotalCount: 0 } });
      expect(await call(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]), ClientToken: token(65) }))
        .toMatchObject({ ok: true, status: 200 });
    });

    it("on: the API metadata's bounds, InvalidParameter naming the parameter beyond them", async () => {
      const { clients, simulator } = await start({ behaviour: { requestLimits: true } });
      expect(await call(clients, client, LIST, { ListenerId: HTTPS_LISTENER, CertificateIds: ids(21, "c") })).toMatchObject({
        ok: false, status: 400, code: "InvalidParameter", message: "The specified parameter CertificateIds is not valid: 21 items given, at most 20 are allowed.",
      });
      expect(await call(clients, client, "ListAsynJobs", { JobIds: ids(11, "j") })).toMatchObject({
        ok: false, status: 400, code: "InvalidParameter", message: "The specified parameter JobIds is not valid: 11 items given, at most 10 are allowed.",
      });
      expect(await call(clients, client, "ListAsynJobs", { ResourceIds: ids(11, "r") })).toMatchObject({
        ok: false, status: 400, code: "InvalidParameter", message: "The specified parameter ResourceIds is not valid: 11 items given, at most 10 are allowed.",
      });
      for (const action of [ASSOCIATE, DISSOCIATE]) {
        expect(await call(clients, client, action, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]), ClientToken: token(65) })).toMatchObject({
          ok: false, status: 400, code: "InvalidParameter", message: "The specified parameter ClientToken is not valid: it is 65 characters long, at most 64 are allowed.",
        });
      }
      expect(simulator.backend.listenerView(HTTPS_LISTENER).status).toBe("Running");
      // The bounds themselves are accepted.
      expect(await call(clients, client, LIST, { ListenerId: HTTPS_LISTENER, CertificateIds: ids(20, "c") })).toMatchObject({ ok: true });
      expect(await call(clients, client, "ListAsynJobs", { JobIds: ids(10, "j"), ResourceIds: ids(10, "r") })).toMatchObject({ ok: true });
      expect(await call(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]), ClientToken: token(64) }))
        .toMatchObject({ ok: true, status: 200 });
    });
  });

  describe("unlistedJobs", () => {
    it("off: ListAsynJobs lists the certificate job", async () => {
      const { clients } = await start();
      const { JobId } = await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
      expect(await ok(clients, client, "ListAsynJobs", { JobIds: [JobId] })).toMatchObject({
        TotalCount: 1, Jobs: [{ Id: JobId, ApiName: ASSOCIATE, Status: "Processing", ResourceType: "listener", ResourceId: HTTPS_LISTENER }],
      });
    });

    it("on: ListAsynJobs answers 200 without the job, whatever the filter, while the job still runs", async () => {
      const { clients, clock } = await start({ behaviour: { unlistedJobs: true }, jobMs: 1_000 });
      const { JobId } = await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
      for (const filter of [{}, { JobIds: [JobId] }, { ResourceIds: [HTTPS_LISTENER] }, { ApiName: ASSOCIATE }]) {
        const outcome = await call(clients, client, "ListAsynJobs", filter);
        expect(outcome).toMatchObject({ ok: true, status: 200, body: { TotalCount: 0, MaxResults: 20 } });
        expect(outcome.ok && (outcome.body.Jobs ?? [])).toEqual([]);
      }
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateIds: [FREE_CERTS[0]] })).toEqual([row(FREE_CERTS[0], "Associating")]);
      clock.advance(1_000);
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateIds: [FREE_CERTS[0]] })).toEqual([row(FREE_CERTS[0], "Associated")]);
      expect(await ok(clients, client, "ListAsynJobs", { JobIds: [JobId] })).toMatchObject({ TotalCount: 0 });
    });
  });

  describe("readLagMs", () => {
    it("off: the rows and the listener change as soon as the mutation is accepted", async () => {
      const { clients } = await start({ jobMs: 3_000 });
      await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
      expect(await listenerStatus(clients, client)).toBe("Configuring");
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateIds: [FREE_CERTS[0]] })).toEqual([row(FREE_CERTS[0], "Associating")]);
    });

    it("on: Associate shows nothing for the lag, then Associating, then Associated; the job keeps its full duration and the listener is busy all along", async () => {
      const { clients, clock, simulator } = await start({ behaviour: { readLagMs: 1_000 }, jobMs: 3_000 });
      const started = clock.now();
      const { JobId } = await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0], FREE_CERTS[1]]) });
      const before = [DEFAULT_ROW, row(DEMO_ADDITIONAL_CERT, "Associated")];
      expect(await rowsOf(clients, client)).toEqual(before);
      expect(await listenerStatus(clients, client)).toBe("Running");
      expect(await ok(clients, client, "ListListeners", { ListenerIds: [HTTPS_LISTENER] })).toMatchObject({ Listeners: [{ ListenerStatus: "Running" }] });
      // The service knows: a second mutation during the lag is refused as busy.
      expect(await call(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) })).toMatchObject({
        ok: false, status: 400, code: "ResourceInConfiguring.Listener",
      });
      // The service's truth (the test view) is not lagging.
      expect(simulator.backend.listenerView(HTTPS_LISTENER)).toMatchObject({ status: "Configuring", additional: [{ status: "Associated" }, { status: "Associating" }, { status: "Associating" }] });
      clock.advance(999);
      expect(await rowsOf(clients, client)).toEqual(before);
      clock.advance(1);
      expect(await rowsOf(clients, client)).toEqual([...before, row(FREE_CERTS[0], "Associating"), row(FREE_CERTS[1], "Associating")]);
      expect(await listenerStatus(clients, client)).toBe("Configuring");
      clock.advance(1_999);
      expect(await listenerStatus(clients, client)).toBe("Configuring");
      clock.advance(1);
      expect(await rowsOf(clients, client)).toEqual([...before, row(FREE_CERTS[0], "Associated"), row(FREE_CERTS[1], "Associated")]);
      expect(await listenerStatus(clients, client)).toBe("Running");
      expect(await ok(clients, client, "ListAsynJobs", { JobIds: [JobId] })).toMatchObject({ Jobs: [{ Status: "Succeeded", CreateTime: started, ModifyTime: started + 3_000 }] });
    });

    it("on: Dissociate keeps showing the row Associated for the lag, then Dissociating, then no row", async () => {
      const { clients, clock } = await start({ behaviour: { readLagMs: 500 }, jobMs: 2_000 });
      await ok(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) });
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW, row(DEMO_ADDITIONAL_CERT, "Associated")]);
      clock.advance(500);
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW, row(DEMO_ADDITIONAL_CERT, "Dissociating")]);
      clock.advance(1_500);
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW]);
    });

    it("on, longer than the job: reads show the state from before the mutation until the lag has passed, though the listener already takes the next change", async () => {
      const { clients, clock } = await start({ behaviour: { readLagMs: 5_000 }, jobMs: 1_000 });
      await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
      clock.advance(1_000);
      // The job is done: the service accepts the next mutation at once, while reads still lag.
      await ok(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateIds: [FREE_CERTS[0]] })).toEqual([]);
      expect(await listenerStatus(clients, client)).toBe("Running");
      clock.advance(3_999);
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateIds: [FREE_CERTS[0]] })).toEqual([]);
      clock.advance(1);
      // The first lag has passed; the second (until 6000) still shows the row as before the Dissociate.
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateIds: [FREE_CERTS[0]] })).toEqual([row(FREE_CERTS[0], "Associated")]);
      clock.advance(1_000);
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateIds: [FREE_CERTS[0]] })).toEqual([]);
    });
  });

  describe("lingeringRowsMs", () => {
    it("off: a dissociated row is gone when its job ends", async () => {
      const { clients, clock } = await start({ jobMs: 1_000 });
      await ok(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) });
      clock.advance(1_000);
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW]);
    });

    it("on: the row stays listed as Dissociated for the while, is not on the listener (Dissociate refuses it, Associate takes it again), then vanishes", async () => {
      const { clients, clock, simulator } = await start({ behaviour: { lingeringRowsMs: 10_000 }, jobMs: 1_000 });
      await ok(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) });
      clock.advance(1_000);
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW, row(DEMO_ADDITIONAL_CERT, "Dissociated")]);
      expect(await ok(clients, client, LIST, { ListenerId: HTTPS_LISTENER, CertificateType: "Server" })).toMatchObject({ TotalCount: 2 });
      expect(simulator.backend.listenerView(HTTPS_LISTENER)).toMatchObject({ additional: [], lingering: [{ certificateId: DEMO_ADDITIONAL_CERT, vanishAtMs: clock.now() + 10_000 }] });
      expect(await call(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) })).toMatchObject({
        ok: false, status: 400, code: "ResourceNotAssociated.Certificate", message: `The specified resource ${DEMO_ADDITIONAL_CERT} is not associated.`,
      });
      clock.advance(9_999);
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW, row(DEMO_ADDITIONAL_CERT, "Dissociated")]);
      clock.advance(1);
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW]);
    });

    it("on: associating a Dissociated row again turns it Associating, and lingering rows do not count against the quota", async () => {
      const { clients, clock } = await start({
        fixture: { ...sharedLoadBalancer({ lingeringRowsMs: 60_000 }), limits: { maxAdditionalCertificatesPerLoadBalancer: 2 } },
        jobMs: 1_000,
      });
      await ok(clients, client, DISSOCIATE, { ListenerId: "lsn-a", Certificates: certificates([FREE_CERTS[0]]) });
      clock.advance(1_000);
      // Usage: FREE_CERTS[1] on lsn-a; the Dissociated row does not count, so one more fits.
      await ok(clients, client, ASSOCIATE, { ListenerId: "lsn-b", Certificates: certificates([FREE_CERTS[2]]) });
      clock.advance(1_000);
      expect(await call(clients, client, ASSOCIATE, { ListenerId: "lsn-a", Certificates: certificates([FREE_CERTS[0]]) })).toMatchObject({
        ok: false, status: 400, code: "ResourceQuotaExceeded.LoadBalancerCertificatesNum",
      });
      await ok(clients, client, DISSOCIATE, { ListenerId: "lsn-b", Certificates: certificates([FREE_CERTS[2]]) });
      clock.advance(1_000);
      await ok(clients, client, ASSOCIATE, { ListenerId: "lsn-a", Certificates: certificates([FREE_CERTS[0]]) });
      expect(await rowsOf(clients, client, "lsn-a")).toEqual([DEFAULT_ROW, row(FREE_CERTS[0], "Associating"), row(FREE_CERTS[1], "Associated")]);
      clock.advance(1_000);
      expect(await rowsOf(clients, client, "lsn-a")).toEqual([DEFAULT_ROW, row(FREE_CERTS[0], "Associated"), row(FREE_CERTS[1], "Associated")]);
      expect(await rowsOf(clients, client, "lsn-b")).toEqual([DEFAULT_ROW, row(FREE_CERTS[2], "Dissociated")]);
    });
  });

  describe("metadataSpelling", () => {
    it.each([
      [false, "Dissociating"],
      [true, "Diassociating"],
    ])("%s: a dissociating row reads %s", async (metadataSpelling, status) => {
      const { clients } = await start({ behaviour: { metadataSpelling } });
      await ok(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) });
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW, row(DEMO_ADDITIONAL_CERT, status)]);
    });
  });

  describe("busyIncorrectStatus", () => {
    it.each([
      [false, "ResourceInConfiguring.Listener", `The specified resource of listener ${HTTPS_LISTENER} is being configured, please try again later.`],
      [true, "IncorrectStatus.Listener", `The status of ${HTTPS_LISTENER} [Configuring] is incorrect.`],
    ])("%s: a listener busy with a job answers %s", async (busyIncorrectStatus, code, message) => {
      const { clients } = await start({ behaviour: { busyIncorrectStatus } });
      await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
      for (const [action, id] of [[ASSOCIATE, FREE_CERTS[1]], [DISSOCIATE, DEMO_ADDITIONAL_CERT]] as const) {
        expect(await call(clients, client, action, { ListenerId: HTTPS_LISTENER, Certificates: certificates([id]) })).toMatchObject({ ok: false, status: 400, code, message });
      }
    });
  });

  describe("jobDuration", () => {
    const durationOf = async (clients: Clients, jobId: unknown): Promise<number> => {
      const body = await ok(clients, client, "ListAsynJobs", { JobIds: [jobId] });
      const [job] = body.Jobs as { Status: string; CreateTime: number; ModifyTime: number }[];
      expect(job?.Status).toBe("Succeeded");
      return (job?.ModifyTime ?? 0) - (job?.CreateTime ?? 0);
    };

    it("off: every job takes jobMs, whatever its size", async () => {
      const { clients, clock } = await start({ jobMs: 1_234 });
      const one = await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
      const three = await ok(clients, client, ASSOCIATE, { ListenerId: QUIC_LISTENER, Certificates: certificates([FREE_CERTS[1], FREE_CERTS[2], FREE_CERTS[3]]) });
      clock.advance(1_234);
      expect([await durationOf(clients, one.JobId), await durationOf(clients, three.JobId)]).toEqual([1_234, 1_234]);
    });

    it("on without jitter: base + perCertificate × n, exactly", async () => {
      const { clients, clock } = await start({ behaviour: { jobDuration: { baseMs: 1_000, perCertificateMs: 500, jitter: 0 } }, jobMs: 99 });
      await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0], FREE_CERTS[1]]) });
      clock.advance(1_999);
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateIds: [FREE_CERTS[0]] })).toEqual([row(FREE_CERTS[0], "Associating")]);
      clock.advance(1);
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateIds: [FREE_CERTS[0]] })).toEqual([row(FREE_CERTS[0], "Associated")]);
    });

    it("on with the default ±30 % jitter: within bounds, the same for the same seed, varying between jobs", async () => {
      const durations = async (seed: number): Promise<number[]> => {
        const { clients, clock } = await start({ behaviour: { jobDuration: { baseMs: 4_000, perCertificateMs: 3_000 } }, seed });
        const jobs: unknown[] = [];
        for (const id of FREE_CERTS) {
          jobs.push((await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([id]) })).JobId);
          clock.advance(10_000);
        }
        return Promise.all(jobs.map((jobId) => durationOf(clients, jobId)));
      };
      const first = await durations(42);
      for (const ms of first) {
        expect(ms).toBeGreaterThanOrEqual(4_900);
        expect(ms).toBeLessThanOrEqual(9_100);
      }
      expect(new Set(first).size).toBeGreaterThan(1);
      expect(await durations(42)).toEqual(first);
    });

    it("the n-th job takes the same time whatever was asked before it, and the forecast says it beforehand", async () => {
      const run = async (readsBetween: number): Promise<{ forecast: number[]; durations: number[] }> => {
        const { clients, clock, simulator } = await start({ behaviour: { jobDuration: { baseMs: 4_000, perCertificateMs: 3_000 } }, seed: 7 });
        const forecast = simulator.backend.forecastJobsMs([1, 2, 1]);
        // Asking again does not use up the draws.
        expect(simulator.backend.forecastJobsMs([1, 2, 1])).toEqual(forecast);
        const jobs: unknown[] = [];
        for (const ids of [[FREE_CERTS[0]], [FREE_CERTS[1], FREE_CERTS[2]], [FREE_CERTS[3]]]) {
          for (let i = 0; i < readsBetween; i++) await ok(clients, client, LIST, { ListenerId: HTTPS_LISTENER });
          jobs.push((await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates(ids) })).JobId);
          clock.advance(20_000);
        }
        return { forecast, durations: await Promise.all(jobs.map((jobId) => durationOf(clients, jobId))) };
      };
      const quiet = await run(0);
      const chatty = await run(5);
      expect(quiet.durations).toEqual(quiet.forecast);
      expect(chatty.durations).toEqual(quiet.durations);
      // 4 s + 3 s per certificate, ± 30 %.
      expect(quiet.durations[1]).toBeGreaterThanOrEqual(7_000);
      expect(quiet.durations[1]).toBeLessThanOrEqual(13_000);
    });

    it("off: the forecast is jobMs for every job", async () => {
      const { simulator } = await start({ jobMs: 1_234 });
      expect(simulator.backend.forecastJobsMs([1, 15, 3])).toEqual([1_234, 1_234, 1_234]);
    });
  });

  describe("loadBalancerQuota", () => {
    it("on (the default): every listener of the load balancer counts; ResourceQuotaExceeded.LoadBalancerCertificatesNum beyond the limit", async () => {
      const { clients, simulator } = await start({ fixture: sharedLoadBalancer() });
      expect(simulator.backend.behaviour.loadBalancerQuota).toBe(true);
      expect(await call(clients, client, ASSOCIATE, { ListenerId: "lsn-b", Certificates: certificates([FREE_CERTS[2], FREE_CERTS[3]]) })).toMatchObject({
        ok: false, status: 400, code: "ResourceQuotaExceeded.LoadBalancerCertificatesNum",
        message: "The quota of LoadBalancerCertificatesNum is exceeded for resource alb-shared, usage 4/3.",
      });
      // The same refusal for a dry run; a listener of another load balancer has room.
      expect(await call(clients, client, ASSOCIATE, { ListenerId: "lsn-b", Certificates: certificates([FREE_CERTS[2], FREE_CERTS[3]]), DryRun: true }))
        .toMatchObject({ ok: false, code: "ResourceQuotaExceeded.LoadBalancerCertificatesNum" });
      await ok(clients, client, ASSOCIATE, { ListenerId: "lsn-other", Certificates: certificates([FREE_CERTS[0], FREE_CERTS[1], FREE_CERTS[2]]) });
      await ok(clients, client, ASSOCIATE, { ListenerId: "lsn-b", Certificates: certificates([FREE_CERTS[2]]) });
    });

    it("on: rows still Dissociating count until their job ends", async () => {
      const { clients, clock } = await start({ fixture: sharedLoadBalancer(), jobMs: 1_000 });
      await ok(clients, client, DISSOCIATE, { ListenerId: "lsn-a", Certificates: certificates([FREE_CERTS[0]]) });
      const twoOnB = { ListenerId: "lsn-b", Certificates: certificates([FREE_CERTS[2], FREE_CERTS[3]]) };
      expect(await call(clients, client, ASSOCIATE, twoOnB)).toMatchObject({
        ok: false, code: "ResourceQuotaExceeded.LoadBalancerCertificatesNum", message: "The quota of LoadBalancerCertificatesNum is exceeded for resource alb-shared, usage 4/3.",
      });
      clock.advance(1_000);
      await ok(clients, client, ASSOCIATE, twoOnB);
    });

    it("off: the quota is per listener; QuotaExceeded.ListenerCertificate beyond it", async () => {
      const { clients } = await start({ fixture: sharedLoadBalancer({ loadBalancerQuota: false }) });
      await ok(clients, client, ASSOCIATE, { ListenerId: "lsn-b", Certificates: certificates([FREE_CERTS[2], FREE_CERTS[3]]) });
      expect(await call(clients, client, ASSOCIATE, { ListenerId: "lsn-a", Certificates: certificates([FREE_CERTS[2]]) })).toMatchObject({
        ok: false, status: 400, code: "QuotaExceeded.ListenerCertificate", message: "The quota of ListenerCertificate is exceeded for lsn-a, usage 3/2.",
      });
    });
  });

  describe("mutualTls", () => {
    it("off: GetListenerAttribute reports the CA certificate; ListListenerCertificates does not list it; Dissociate of it is not associated", async () => {
      const { clients } = await start({ fixture: mutualTlsFixture() });
      expect(await ok(clients, client, "GetListenerAttribute", { ListenerId: HTTPS_LISTENER })).toMatchObject({
        CaEnabled: true, CaCertificates: [{ CertificateId: CA_CERT }], Certificates: [{ CertificateId: DEFAULT_CERT }],
      });
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW, row(DEMO_ADDITIONAL_CERT, "Associated")]);
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateType: "Ca" })).toEqual([]);
      expect(await call(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([CA_CERT]) })).toMatchObject({
        ok: false, status: 400, code: "ResourceNotAssociated.Certificate",
      });
    });

    it("on: the CA row is listed (Ca, not default, Associated), filtered by CertificateType, refused both ways, and not counted against the quota", async () => {
      const { clients, simulator } = await start({ fixture: mutualTlsFixture({ mutualTls: true }, { maxAdditionalCertificatesPerLoadBalancer: 2 }) });
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW, row(CA_CERT, "Associated", "Ca"), row(DEMO_ADDITIONAL_CERT, "Associated")]);
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateType: "Server" })).toEqual([DEFAULT_ROW, row(DEMO_ADDITIONAL_CERT, "Associated")]);
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateType: "Ca" })).toEqual([row(CA_CERT, "Associated", "Ca")]);
      expect(await ok(clients, client, "GetListenerAttribute", { ListenerId: HTTPS_LISTENER })).toMatchObject({ CaEnabled: true, CaCertificates: [{ CertificateId: CA_CERT }] });
      for (const action of [DISSOCIATE, ASSOCIATE]) {
        expect(await call(clients, client, action, { ListenerId: HTTPS_LISTENER, Certificates: certificates([CA_CERT]) })).toMatchObject({
          ok: false, status: 404, code: "ResourceNotFound.Certificate", message: `The specified resource ${CA_CERT} is not found.`,
        });
      }
      expect(simulator.backend.listenerView(HTTPS_LISTENER).status).toBe("Running");
      // One additional certificate plus the CA certificate on a load balancer limited to 2: one more fits.
      await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
    });

    it("a listener without a CA certificate answers CaEnabled false and no CaCertificates", async () => {
      const { clients } = await start({ behaviour: { mutualTls: true } });
      expect(await ok(clients, client, "GetListenerAttribute", { ListenerId: HTTPS_LISTENER })).toMatchObject({ CaEnabled: false, CaCertificates: [] });
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateType: "Ca" })).toEqual([]);
    });
  });

  describe("a Stopped listener", () => {
    it("refuses both mutations with IncorrectStatus.Listener [Stopped], set from the fixture, and takes them once Running", async () => {
      const fixture: Fixture = {
        certificates: [DEFAULT_CERT, DEMO_ADDITIONAL_CERT, FREE_CERTS[0]].map((certificateId) => ({ certificateId, type: "Server" as const })),
        listeners: [{
          listenerId: HTTPS_LISTENER, loadBalancerId: "alb-1", protocol: "HTTPS", port: 443, status: "Stopped",
          defaultCertificateId: DEFAULT_CERT, additionalCertificateIds: [DEMO_ADDITIONAL_CERT],
        }],
      };
      const { clients, simulator } = await start({ fixture });
      expect(await listenerStatus(clients, client)).toBe("Stopped");
      for (const [action, id] of [[ASSOCIATE, FREE_CERTS[0]], [DISSOCIATE, DEMO_ADDITIONAL_CERT]] as const) {
        for (const dryRun of [false, true]) {
          expect(await call(clients, client, action, { ListenerId: HTTPS_LISTENER, Certificates: certificates([id]), DryRun: dryRun })).toMatchObject({
            ok: false, status: 400, code: "IncorrectStatus.Listener", message: `The status of ${HTTPS_LISTENER} [Stopped] is incorrect.`,
          });
        }
      }
      // Reads still work.
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW, row(DEMO_ADDITIONAL_CERT, "Associated")]);
      simulator.backend.setListenerStatus(HTTPS_LISTENER, "Running");
      await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
    });
  });

  describe("every switch at once", () => {
    it("plays all readings together on one world", async () => {
      const behaviour: BehaviourInput = {
        dissociateLimit15: true, requestLimits: true, unlistedJobs: true, readLagMs: 500, lingeringRowsMs: 5_000, metadataSpelling: true,
        busyIncorrectStatus: true, jobDuration: { baseMs: 1_000, perCertificateMs: 1_000, jitter: 0 }, loadBalancerQuota: true, mutualTls: true,
      };
      const { clients, clock } = await start({ fixture: mutualTlsFixture(behaviour, { maxAdditionalCertificatesPerLoadBalancer: 3 }) });
      const dissociate = await ok(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]), ClientToken: "t".repeat(64) });
      // Read lag: still Associated, listener Running; busy answer: IncorrectStatus [Configuring].
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW, row(CA_CERT, "Associated", "Ca"), row(DEMO_ADDITIONAL_CERT, "Associated")]);
      expect(await listenerStatus(clients, client)).toBe("Running");
      expect(await call(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) })).toMatchObject({
        ok: false, status: 400, code: "IncorrectStatus.Listener", message: `The status of ${HTTPS_LISTENER} [Configuring] is incorrect.`,
      });
      clock.advance(500);
      // The metadata's spelling once the lag has passed; the job (1000 + 1000 × 1 ms) is not listed.
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateType: "Server" })).toEqual([DEFAULT_ROW, row(DEMO_ADDITIONAL_CERT, "Diassociating")]);
      expect(await ok(clients, client, "ListAsynJobs", { JobIds: [dissociate.JobId] })).toMatchObject({ TotalCount: 0 });
      clock.advance(1_499);
      expect(await listenerStatus(clients, client)).toBe("Configuring");
      clock.advance(1);
      expect(await rowsOf(clients, client)).toEqual([DEFAULT_ROW, row(CA_CERT, "Associated", "Ca"), row(DEMO_ADDITIONAL_CERT, "Dissociated")]);
      // Request limits and the CA refusal.
      expect(await call(clients, client, LIST, { ListenerId: HTTPS_LISTENER, CertificateIds: Array.from({ length: 21 }, (_, i) => `c${i}`) }))
        .toMatchObject({ ok: false, code: "InvalidParameter" });
      expect(await call(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([CA_CERT]) })).toMatchObject({ ok: false, status: 404, code: "ResourceNotFound.Certificate" });
      // The quota: 3 per load balancer; the Dissociated row and the CA row do not count.
      expect(await call(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([...FREE_CERTS]) })).toMatchObject({
        ok: false, code: "ResourceQuotaExceeded.LoadBalancerCertificatesNum", message: "The quota of LoadBalancerCertificatesNum is exceeded for resource alb-mtls, usage 4/3.",
      });
      await ok(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0], FREE_CERTS[1], FREE_CERTS[2]]) });
      // The job takes 1000 + 3 × 1000 ms; by then the Dissociated row (5000 ms after its job) has vanished too.
      clock.advance(5_000);
      expect(await rowsOf(clients, client, HTTPS_LISTENER, { CertificateType: "Server" })).toEqual([
        DEFAULT_ROW, row(FREE_CERTS[0], "Associated"), row(FREE_CERTS[1], "Associated"), row(FREE_CERTS[2], "Associated"),
      ]);
    });
  });
});
