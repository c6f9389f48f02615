/**
 * The provider against each kind of simulator fault, one at a time, with exact outcomes: what was
 * retried, that nothing was applied twice, and that another writer's certificates were left alone.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { FaultRule } from "../../simulator";
import { EngineStack } from "../kit/engine";
import { isRealMutation, liveSet, requestsOf } from "../kit/request-log";
import { startWorld, type World, type WorldOptions } from "../kit/world";

const L = "lsn-demo-https-443"; // default 23759533, additional 24664588 (an outside writer's)
const FOREIGN = "24664588-cn-hangzhou";
const WRITER = "26004378-cn-hangzhou";
const A = "25112233-cn-hangzhou";
const B = "25209871-cn-hangzhou";
const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";

let world: World;
afterEach(async () => world?.close());

const live = (): string[] => liveSet(world.sim, L);
const mutations = () => requestsOf(world.sim).filter(isRealMutation);

/** Checks (with its dry run) fault-free, then creates the resource under `faults`. */
async function applyWith(faults: FaultRule[], ids: string[], options: WorldOptions = {}) {
  world = await startWorld({ jobMs: 2_000, serializeRequests: true, ...options });
  const { provider } = world.newProcess("stack");
  const checked = (await provider.check({}, { listenerId: L, certificateIds: ids, resourceName: "sni" })).inputs!;
  world.sim.backend.clearRequestLog();
  world.sim.backend.setFaults(faults);
  const error = await provider.create(checked).then(() => undefined, (e: unknown) => e);
  await world.clock.drain();
  return { error };
}

describe("the provider under one fault at a time", () => {
  it.each([
    ["throttle", "Throttling.User", 400],
    ["error500", "InternalError", 500],
    ["error503", "ServiceUnavailable", 503],
  ] as const)("%s on the Associate is retried with the same ClientToken", async (kind, code, status) => {
    const { error } = await applyWith([{ kind, action: ASSOCIATE, count: 2 }], [A]);
    expect(error).toBeUndefined();
    const calls = mutations();
    expect(calls.map((e) => [e.status, e.code])).toEqual([[status, code], [status, code], [200, null]]);
    expect(new Set(calls.map((e) => e.params.ClientToken)).size).toBe(1);
    expect(live()).toEqual([`${FOREIGN}:Associated`, `${A}:Associated`]);
  });

  it("a connection reset before the request is handled is retried", async () => {
    const { error } = await applyWith([{ kind: "reset", action: ASSOCIATE, count: 1 }], [A]);
    expect(error).toBeUndefined();
    expect(mutations().map((e) => [e.status, e.fault ?? null, e.jobId === undefined])).toEqual([[null, "reset", true], [200, null, false]]);
  });

  it("a lost response is not applied twice: the retry gets the same job", async () => {
    const { error } = await applyWith([{ kind: "lostResponse", action: ASSOCIATE, count: 1 }], [A, B]);
    expect(error).toBeUndefined();
    const [first, second] = mutations();
    expect(first).toMatchObject({ status: null, fault: "lostResponse" });
    expect(second!.params.ClientToken).toBe(first!.params.ClientToken);
    expect(second!.jobId).toBe(first!.jobId);
    expect(world.sim.backend.listAsynJobs({ apiName: ASSOCIATE })).toHaveLength(1);
  });

  it("an answer slower than the client timeout is not applied twice: retry and late original share one job", async () => {
    const { error } = await applyWith([{ kind: "delay", action: ASSOCIATE, delayMs: 30_000, count: 1 }], [A], { providers: { requestTimeoutMs: 200 }, serializeRequests: false }); // the real client read timeout
    expect(error).toBeUndefined();
    const calls = mutations();
    // The retry (sent after the client gave up) starts the job; the slow original, handled 30 s later,
    // carries the same ClientToken and gets the same job back.
    expect(calls).toHaveLength(2);
    expect(calls.map((e) => e.fault ?? null)).toEqual([null, "delay"]);
    expect(calls[0]!.params.ClientToken).toBe(calls[1]!.params.ClientToken);
    expect(calls[1]!.jobId).toBe(calls[0]!.jobId);
    expect(world.sim.backend.listAsynJobs({ apiName: ASSOCIATE })).toHaveLength(1);
    expect(live()).toEqual([`${FOREIGN}:Associated`, `${A}:Associated`]);
  });

  it("a failed job fails the apply with the job's code, and the certificate falls back", async () => {
    const { error } = await applyWith([{ kind: "jobFail", action: ASSOCIATE, errorCode: "506", errorMessage: "deploy failed", count: 1 }], [A]);
    expect((error as Error).message).toMatch(
      /^AssociateAdditionalCertificatesWithListener job \S+ on listener lsn-demo-https-443 failed with 506: deploy failed \(certificates: 25112233-cn-hangzhou\)\. The listener keeps its previous certificates; run the update again/,
    );
    expect(live()).toEqual([`${FOREIGN}:Associated`]);
    // Kept in state (the engine's partial-failure shape) with nothing of its own live.
    expect(error).toMatchObject({ id: L, properties: { certificates: {} } });
  });

  it("a listener stuck Configuring after the job is waited out before the next mutation", async () => {
    const { error } = await applyWith([{ kind: "stuckConfiguring", action: ASSOCIATE, durationMs: 20_000, count: 1 }], [A]);
    expect(error).toBeUndefined();
    const job = world.sim.backend.listAsynJobs({ apiName: ASSOCIATE })[0]!;
    // The apply only returned once the listener was Running again.
    expect(world.clock.now()).toBeGreaterThanOrEqual(job.modifyTime + 20_000);
    expect(world.sim.backend.listenerView(L).status).toBe("Running");
  });

  it("another writer changing the same listener is waited out and its certificates are never touched", async () => {
    world = await startWorld({ jobMs: 2_000, serializeRequests: true });
    const stack = new EngineStack(world.newProcess("stack").provider);
    await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [A] } }]);
    world.sim.backend.clearRequestLog();
    world.sim.backend.setFaults([{ kind: "concurrentWriter", listenerId: L, certificateIds: [FOREIGN, WRITER], probability: 0.5, count: 4 }]);
    expect((await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [B] } }])).failures).toEqual([]);
    const writerJobs = world.sim.backend.listAsynJobs({}).filter((job) => job.certificateIds.some((id) => id === FOREIGN || id === WRITER));
    expect(writerJobs).toHaveLength(4); // the rule's count: every one of them ran
    for (const entry of mutations()) {
      expect(Object.values(entry.params)).not.toContain(FOREIGN);
      expect(Object.values(entry.params)).not.toContain(WRITER);
    }
    const ours = world.sim.backend.listenerView(L).additional.filter((c) => c.certificateId === A || c.certificateId === B);
    expect(ours).toEqual([{ certificateId: B, status: "Associated" }]);
  });
});
