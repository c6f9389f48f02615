/**
 * What the state records when an apply fails half-way, and that the next `up` cleans up after it even
 * when the program changed meanwhile. These are the chaos suite's findings, pinned as exact cases.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_FIXTURE } from "../../simulator";
import { EngineStack } from "../kit/engine";
import { liveSet, mutationCalls } from "../kit/request-log";
import { startWorld, type World } from "../kit/world";

const L = "lsn-demo-https-443"; // default 23759533, additional 24664588 (an outside writer's)
const FOREIGN = "24664588-cn-hangzhou";
const A = "25112233-cn-hangzhou";
const B = "25209871-cn-hangzhou";
const C = "25346102-cn-hangzhou";
const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";
const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";

let world: World;
afterEach(async () => world?.close());

const live = (): string[] => liveSet(world.sim, L);
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

describe("a failed update", () => {
  it("keeps what it associated in state, so a changed program removes it", async () => {
    world = await startWorld({ serializeRequests: true });
    const stack = new EngineStack(world.newProcess("stack").provider);
    expect((await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [A] } }])).failures).toEqual([]);

    // A → B: B is associated, then the dissociation of A fails.
    world.sim.backend.setFaults([{ kind: "jobFail", action: DISSOCIATE, count: 1, errorCode: "506" }]);
    const failed = await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [B] } }]);
    expect(failed.failures).toHaveLength(1);
    expect(message(failed.failures[0]!.error)).toMatch(/^DissociateAdditionalCertificatesFromListener job \S+ on listener lsn-demo-https-443 failed with 506: .*run the update again/);
    expect(failed.failures[0]!.error).toMatchObject({ id: L });
    expect(stack.state.get("sni")!.outputs.certificates).toEqual({ [A]: "Associated", [B]: "Associated" });
    expect(live()).toEqual([`${FOREIGN}:Associated`, `${A}:Associated`, `${B}:Associated`]);

    // The user gives up on B and declares C instead: A and B both go, the outside writer's stays.
    const next = await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [C] } }]);
    expect(next).toEqual({ ops: { sni: "update" }, failures: [] });
    expect(live()).toEqual([`${FOREIGN}:Associated`, `${C}:Associated`]);
    expect(stack.state.get("sni")!.outputs.certificates).toEqual({ [C]: "Associated" });
  });

  it("that is dropped from the program is deleted with everything it may have associated", async () => {
    world = await startWorld({ serializeRequests: true });
    const stack = new EngineStack(world.newProcess("stack").provider);
    await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [A] } }]);
    world.sim.backend.setFaults([{ kind: "jobFail", action: DISSOCIATE, count: 1 }]);
    const failed = await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [B] } }]);
    expect(failed.failures.map((f) => [f.name, f.op, message(f.error)])).toEqual([[
      "sni", "update",
      expect.stringMatching(/^DissociateAdditionalCertificatesFromListener job \S+ on listener lsn-demo-https-443 failed with InternalError: .* So far on listener lsn-demo-https-443: associated 25209871-cn-hangzhou; dissociated none; not yet associated none; not yet dissociated 25112233-cn-hangzhou\./),
    ]]);
    expect(await stack.up([])).toEqual({ ops: { sni: "delete" }, failures: [] });
    expect(live()).toEqual([`${FOREIGN}:Associated`]);
  });

  it("re-run with the same program finishes the job", async () => {
    world = await startWorld({ serializeRequests: true });
    const stack = new EngineStack(world.newProcess("stack").provider);
    await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [A] } }]);
    world.sim.backend.setFaults([{ kind: "jobFail", action: DISSOCIATE, count: 1 }]);
    await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [B] } }]);
    world.sim.backend.clearRequestLog();
    expect(await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [B] } }])).toEqual({ ops: { sni: "update" }, failures: [] });
    expect(mutationCalls(world.sim).map((m) => `${m.kind === "associate" ? "+" : "-"}${m.certificateIds.join(",")}`)).toEqual([`-${A}`]);
    expect(live()).toEqual([`${FOREIGN}:Associated`, `${B}:Associated`]);
  });

  it("that never got an answer to its mutation still records the certificate it may have associated", async () => {
    world = await startWorld({ serializeRequests: true });
    const process = world.newProcess("stack");
    const stack = new EngineStack(process.provider);
    const news = { listenerId: L, certificateIds: [A], waitTimeoutSeconds: 20, resourceName: "sni" };
    const checked = (await process.provider.check({}, news)).inputs!; // its dry run passes
    // The Associate is carried out but its answer is lost; every retry is then throttled past the deadline.
    world.sim.backend.setFaults([
      { kind: "lostResponse", action: ASSOCIATE, count: 1 },
      { kind: "throttle", action: ASSOCIATE },
    ]);
    const error = await process.provider.create(checked).then(() => undefined, (e: unknown) => e);
    expect(message(error)).toMatch(/^Timed out after .* waiting for AssociateAdditionalCertificatesWithListener on lsn-demo-https-443; last observed: .*Throttling\.User.*Raise waitTimeoutSeconds/s);
    // The engine keeps the resource, with the certificate the lost call associated.
    expect(error).toMatchObject({ id: L, properties: { certificates: { [A]: "Associated" } } });
    stack.state.set("sni", { id: L, inputs: checked, outputs: (error as { properties: Record<string, unknown> }).properties });
    world.sim.backend.clearFaults();
    expect(await stack.up([])).toEqual({ ops: { sni: "delete" }, failures: [] });
    expect(live()).toEqual([`${FOREIGN}:Associated`]);
  });
});

describe("renaming an exclusive resource", () => {
  it("reports only its own certificates, not those the old name held until its delete", async () => {
    world = await startWorld({
      serializeRequests: true,
      fixture: { ...DEMO_FIXTURE, listeners: [{ listenerId: L, loadBalancerId: "alb-1", protocol: "HTTPS", port: 443, defaultCertificateId: "23759533-cn-hangzhou" }] },
    });
    // A fresh provider process for each deployment, as the engine does.
    let deployments = 0;
    const stack = new EngineStack(() => world.newProcess(`stack-${++deployments}`).provider);
    await stack.up([{ name: "old", args: { listenerId: L, certificateIds: [A, B], exclusive: true } }]);
    expect(await stack.up([{ name: "new", args: { listenerId: L, certificateIds: [A], exclusive: true } }])).toEqual({ ops: { new: "create", old: "delete" }, failures: [] });
    expect(stack.state.get("new")!.outputs.certificates).toEqual({ [A]: "Associated" });
    expect(live()).toEqual([`${A}:Associated`]);
  });
});
