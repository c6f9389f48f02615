import { describe, expect, it } from "vitest";
import type { FaultRule } from "../../simulator";
import {
  call,
  certificates,
  CLIENT_NAMES,
  DEMO_ADDITIONAL_CERT,
  FREE_CERTS,
  HTTPS_LISTENER,
  ok,
  QUIC_LISTENER,
  useSimulators,
} from "../kit/simulator-clients";
import { rawRequest } from "../kit/simulator-wire";

const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";
const associateParams = { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) };
/** What both clients throw when the connection closes without an answer (Node's "socket hang up"). */
const CONNECTION_DROPPED = { code: "ECONNRESET", message: expect.stringMatching(/^socket hang up/) as unknown };

describe.each(CLIENT_NAMES)("simulator faults through %s", (client) => {
  const start = useSimulators();

  it.each([
    ["throttle", 400, "Throttling.User"],
    ["error500", 500, "InternalError"],
    ["error503", 503, "ServiceUnavailable"],
  ] as const)("%s answers %i %s, for its count only", async (kind, status, code) => {
    const { simulator, clients } = await start({ faults: [{ kind, action: "ListListeners", count: 1 }] });
    expect(await call(clients, client, "ListListeners")).toMatchObject({ ok: false, status, code });
    expect(await call(clients, client, "ListListeners")).toMatchObject({ ok: true });
    expect(await call(clients, client, "GetListenerAttribute", { ListenerId: HTTPS_LISTENER })).toMatchObject({ ok: true });
    expect(simulator.backend.requestLog().map((entry) => [entry.status, entry.fault])).toEqual([[status, kind], [200, undefined], [200, undefined]]);
    expect(simulator.backend.faultRules()).toEqual([{ rule: { kind, action: "ListListeners", count: 1 }, remaining: 0 }]);
  });

  it("reset drops the connection without an answer and changes nothing", async () => {
    const { simulator, clients } = await start({ faults: [{ kind: "reset", action: ASSOCIATE, count: 1 }] });
    await expect(call(clients, client, ASSOCIATE, associateParams)).rejects.toMatchObject(CONNECTION_DROPPED);
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toHaveLength(1);
    expect(simulator.backend.requestLog()).toMatchObject([{ action: ASSOCIATE, status: null, code: null, fault: "reset" }]);
    expect(await call(clients, client, ASSOCIATE, associateParams)).toMatchObject({ ok: true });
  });

  it("lostResponse applies the mutation but drops the answer", async () => {
    const { simulator, clients } = await start({ faults: [{ kind: "lostResponse", listenerId: HTTPS_LISTENER, count: 1 }] });
    await expect(call(clients, client, ASSOCIATE, associateParams)).rejects.toMatchObject(CONNECTION_DROPPED);
    const [entry] = simulator.backend.requestLog();
    expect(entry).toMatchObject({ status: null, fault: "lostResponse", jobId: expect.any(String) as unknown });
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toContainEqual({ certificateId: FREE_CERTS[0], status: "Associating" });
    expect(await call(clients, client, ASSOCIATE, associateParams)).toMatchObject({ ok: false, code: "ResourceInConfiguring.Listener" });
  });

  it("delay answers after delayMs of real time", async () => {
    const { clients, simulator } = await start({ faults: [{ kind: "delay", delayMs: 150, count: 1 }] });
    const began = performance.now();
    expect(await call(clients, client, "ListListeners")).toMatchObject({ ok: true });
    expect(performance.now() - began).toBeGreaterThanOrEqual(140);
    expect(simulator.backend.requestLog()[0]).toMatchObject({ status: 200, fault: "delay" });
  });

  it("jobFail accepts an Associate whose job ends Failed; the certificate falls back to absent", async () => {
    const { simulator, clients, clock } = await start({
      jobMs: 1_000,
      faults: [{ kind: "jobFail", action: ASSOCIATE, errorCode: "ResourceNotFound.Certificate", errorMessage: "cert vanished" }],
    });
    const { JobId } = await ok(clients, client, ASSOCIATE, associateParams);
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toContainEqual({ certificateId: FREE_CERTS[0], status: "Associating" });
    clock.advance(1_000);
    expect(await ok(clients, client, "ListAsynJobs", { JobIds: [JobId] })).toMatchObject({
      Jobs: [{ Id: JobId, Status: "Failed", ErrorCode: "ResourceNotFound.Certificate", ErrorMessage: "cert vanished" }],
    });
    expect(simulator.backend.listenerView(HTTPS_LISTENER)).toMatchObject({
      status: "Running", additional: [{ certificateId: DEMO_ADDITIONAL_CERT, status: "Associated" }],
    });
    expect(simulator.backend.requestLog()[0]).toMatchObject({ jobId: JobId, fault: "jobFail" });
  });

  it("jobFail on a Dissociate leaves the certificate Associated", async () => {
    const { simulator, clients, clock } = await start({ jobMs: 100, faults: [{ kind: "jobFail", count: 1 }] });
    const { JobId } = await ok(clients, client, DISSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) });
    clock.advance(100);
    expect(await ok(clients, client, "ListAsynJobs", { JobIds: [JobId] })).toMatchObject({
      Jobs: [{ Status: "Failed", ErrorCode: "InternalError", ErrorMessage: "The job failed because of an injected fault." }],
    });
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toEqual([{ certificateId: DEMO_ADDITIONAL_CERT, status: "Associated" }]);
  });

  it("jobFail and stuckConfiguring stay unfired on a rejected mutation", async () => {
    const { simulator, clients } = await start({ faults: [{ kind: "jobFail", count: 1 }] });
    expect(await call(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) }))
      .toMatchObject({ ok: false, code: "ResourceAlreadyAssociated.Certificate" });
    expect(simulator.backend.requestLog()[0]?.fault).toBeUndefined();
    expect(simulator.backend.faultRules()[0]?.remaining).toBe(1);
  });

  it("stuckConfiguring keeps the listener Configuring for durationMs after the job", async () => {
    const { simulator, clients, clock } = await start({ jobMs: 1_000, faults: [{ kind: "stuckConfiguring", durationMs: 5_000, count: 1 }] });
    await ok(clients, client, ASSOCIATE, associateParams);
    clock.advance(1_000);
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toContainEqual({ certificateId: FREE_CERTS[0], status: "Associated" });
    expect(await ok(clients, client, "GetListenerAttribute", { ListenerId: HTTPS_LISTENER })).toMatchObject({ ListenerStatus: "Configuring" });
    expect(await call(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[1]]) })).toMatchObject({
      ok: false, status: 400, code: "IncorrectStatus.Listener", message: `The status of ${HTTPS_LISTENER} [Configuring] is incorrect.`,
    });
    clock.advance(4_999);
    expect(simulator.backend.listenerView(HTTPS_LISTENER).status).toBe("Configuring");
    clock.advance(1);
    expect(await ok(clients, client, "GetListenerAttribute", { ListenerId: HTTPS_LISTENER })).toMatchObject({ ListenerStatus: "Running" });
  });

  it("matches rules on action and listenerId, first matching rule wins", async () => {
    const { simulator, clients } = await start({
      faults: [
        { kind: "error503", action: "GetListenerAttribute", listenerId: QUIC_LISTENER },
        { kind: "throttle", action: "GetListenerAttribute" },
      ],
    });
    expect(await call(clients, client, "GetListenerAttribute", { ListenerId: QUIC_LISTENER })).toMatchObject({ status: 503 });
    expect(await call(clients, client, "GetListenerAttribute", { ListenerId: HTTPS_LISTENER })).toMatchObject({ code: "Throttling.User" });
    expect(await call(clients, client, "ListListeners")).toMatchObject({ ok: true });
    expect(simulator.backend.requestLog().map((entry) => entry.fault)).toEqual(["error503", "throttle", undefined]);
  });
});

describe("simulator fault rules", () => {
  const start = useSimulators();
  const coinFlip: FaultRule[] = [{ kind: "throttle", action: "ListListeners", probability: 0.5 }];

  async function firingPattern(seed: number): Promise<string> {
    const { clients } = await start({ seed, faults: coinFlip });
    let pattern = "";
    for (let i = 0; i < 24; i++) pattern += (await call(clients, "pop-core", "ListListeners")).ok ? "." : "T";
    return pattern;
  }

  it("fires reproducibly for the same seed, differently for another seed", async () => {
    const first = await firingPattern(42);
    expect(first).toMatch(/T/);
    expect(first).toMatch(/\./);
    expect(await firingPattern(42)).toBe(first);
    expect(await firingPattern(7)).not.toBe(first);
  });

  it("restarts the sequence when the rules are replaced", async () => {
    const { simulator, clients } = await start({ seed: 42, faults: coinFlip });
    const run = async (): Promise<boolean[]> => {
      const results: boolean[] = [];
      for (let i = 0; i < 10; i++) results.push((await call(clients, "alb20200616", "ListListeners")).ok);
      return results;
    };
    const first = await run();
    simulator.backend.setFaults(coinFlip);
    expect(await run()).toEqual(first);
  });

  it("sets, lists and clears rules over HTTP, naming the bad field of an invalid rule", async () => {
    const { simulator, clients } = await start();
    const post = (body: string): ReturnType<typeof rawRequest> =>
      rawRequest(simulator.endpoint, { method: "POST", path: "/_simulator/faults", headers: { "content-type": "application/json" }, body });
    const set = await post(JSON.stringify([{ kind: "error500", action: "ListListeners", count: 2 }]));
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ faults: [{ rule: { kind: "error500", action: "ListListeners", count: 2 }, remaining: 2 }] });
    expect(await call(clients, "pop-core", "ListListeners")).toMatchObject({ status: 500, code: "InternalError" });
    expect((await rawRequest(simulator.endpoint, { path: "/_simulator/faults" })).json)
      .toEqual({ faults: [{ rule: { kind: "error500", action: "ListListeners", count: 2 }, remaining: 1 }] });

    const invalid = await post(JSON.stringify({ faults: [{ kind: "explode" }] }));
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ Code: "InvalidFaultRule", Message: expect.stringContaining("faults[0].kind must be one of throttle") as unknown });
    expect((await post(JSON.stringify([{ kind: "jobFail", action: "ListListeners" }]))).json).toMatchObject({ Code: "InvalidFaultRule" });
    expect((await post(JSON.stringify([{ kind: "throttle", probability: 2 }]))).json).toMatchObject({
      Message: "Invalid fault rule: faults[0].probability must be a number from 0 to 1.",
    });
    expect(simulator.backend.faultRules()).toHaveLength(1);

    expect((await rawRequest(simulator.endpoint, { method: "DELETE", path: "/_simulator/faults" })).json).toEqual({ faults: [] });
    expect(await call(clients, "pop-core", "ListListeners")).toMatchObject({ ok: true });
  });

  it("rejects invalid rules given to startSimulator", async () => {
    await expect(start({ faults: [{ kind: "delay", delayMs: -1 }] })).rejects.toThrow("faults[0].delayMs must be an integer from 0 to 600000");
  });
});
