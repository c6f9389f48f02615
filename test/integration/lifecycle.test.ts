import { afterEach, describe, expect, it } from "vitest";
import { DEMO_FIXTURE, type Fixture } from "../../simulator";
import { API_READINGS } from "../kit/api-readings";
import { actionLog, liveSet, mutationLog } from "../kit/request-log";
import { startWorldWithProcess, type ProviderProcess, type World, type WorldOptions } from "../kit/world";
import { CheckFailedError, EngineStack } from "../kit/engine";

const L = "lsn-demo-https-443"; // default 23759533, additional 24664588 (not ours)
const A = "25112233-cn-hangzhou";
const B = "25209871-cn-hangzhou";
const C = "25346102-cn-hangzhou";
const D = "25481937-cn-hangzhou";
const FOREIGN = "24664588-cn-hangzhou";
const CA = "139a00604bd-cn-east-hangzhou";

/** The demo world, its HTTPS listener a mutual-TLS one (its CA certificate is listed only under that reading). */
const MTLS_DEMO: Fixture = { ...DEMO_FIXTURE, listeners: DEMO_FIXTURE.listeners!.map((l) => (l.listenerId === L ? { ...l, caCertificateId: CA } : l)) };

const set = (name: string, certificateIds: string[], extra: Record<string, unknown> = {}) => ({ name, args: { listenerId: L, certificateIds, ...extra } });

let world: World;
/** The provider process of the test's world. */
let proc: ProviderProcess;

/** Time after which an out-of-band change has finished under every reading (the longest job plus its read lag). */
const OUT_OF_BAND_DONE_MS = 30_000;

/** A job as the simulator holds it (whether or not its ListAsynJobs would list it). */
const jobOf = (jobId: string) => world.sim.backend.snapshot().jobs.find((j) => j.jobId === jobId)!;
afterEach(async () => world?.close());

async function startWithProcess(options: WorldOptions = {}): Promise<void> {
  ({ world, proc } = await startWorldWithProcess(options));
}

// The whole suite runs under every reading of the ALB API the simulator can play: the provider decides from
// the live rows and the listener, so its calls and results are the same under each.
describe.each(API_READINGS)("ListenerCertificatesProvider against the simulator, under $name", ({ behaviour }) => {
  const start = (options: WorldOptions = {}) => startWithProcess({ fixture: MTLS_DEMO, ...options, behaviour });

  it("creates: validates with a dry run, associates in one call, waits, and leaves foreign certificates alone", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    expect(await stack.upOrThrow([set("sni", [B, A, A])])).toEqual({ sni: "create" });
    expect(mutationLog(world.sim)).toEqual([`dry-associate ${A},${B}`, `associate ${A},${B}`]);
    expect(liveSet(world.sim, L)).toEqual([`${FOREIGN}:Associated`, `${A}:Associated`, `${B}:Associated`]);
    expect(stack.state.get("sni")).toMatchObject({ id: L, outputs: { listenerId: L, certificates: { [A]: "Associated", [B]: "Associated" } } });
    expect(proc.logs.some((l) => l.startsWith(`${L}: associated 2 certificate(s) [${A}, ${B}], job `))).toBe(true);
  });

  it("updates add-before-remove: associates the new ones, waits for the job, then dissociates the old one", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("sni", [A, B])]);
    world.sim.backend.clearRequestLog();
    expect(await stack.upOrThrow([set("sni", [B, C, D])])).toEqual({ sni: "update" });
    expect(mutationLog(world.sim)).toEqual([`dry-associate ${C},${D}`, `associate ${C},${D}`, `dissociate ${A}`]);
    const log = world.sim.backend.requestLog();
    const assoc = log.find((e) => e.action === "AssociateAdditionalCertificatesWithListener" && e.params.DryRun !== "true")!;
    const dissoc = log.find((e) => e.action === "DissociateAdditionalCertificatesFromListener")!;
    const assocJob = jobOf(assoc.jobId!);
    expect(dissoc.time).toBeGreaterThanOrEqual(assocJob.modifyTime);
    expect(liveSet(world.sim, L)).toEqual([`${FOREIGN}:Associated`, `${B}:Associated`, `${C}:Associated`, `${D}:Associated`]);
    expect(stack.state.get("sni")!.outputs.certificates).toEqual({ [B]: "Associated", [C]: "Associated", [D]: "Associated" });
  });

  it("sees a reorder or duplicates as no change, at the cost of one read", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("sni", [A, B])]);
    world.sim.backend.clearRequestLog();
    expect(await stack.upOrThrow([set("sni", [B, A, B])])).toEqual({ sni: "same" });
    expect(actionLog(world.sim)).toEqual(["ListListenerCertificates"]);
  });

  it("a provider code upgrade alone is no change", async () => {
    await start();
    const diff = await proc.provider.diff(
      L,
      { listenerId: L, certificates: { [A]: "Associated" }, exclusive: false, region: "cn-hangzhou", waitTimeoutSeconds: 600, __provider: "old code" },
      { listenerId: L, certificates: { [A]: "Associated" }, exclusive: false, region: "cn-hangzhou", waitTimeoutSeconds: 600, __provider: "new code" },
    );
    expect(diff).toEqual({ changes: true }); // A is declared but not live yet: drift
    world.sim.backend.associateOutOfBand(L, [A]);
    world.clock.advance(OUT_OF_BAND_DONE_MS);
    const same = await proc.provider.diff(
      L,
      { listenerId: L, certificates: { [A]: "Associated" }, exclusive: false, region: "cn-hangzhou", waitTimeoutSeconds: 600, __provider: "old code" },
      { listenerId: L, certificates: { [A]: "Associated" }, exclusive: false, region: "cn-hangzhou", waitTimeoutSeconds: 900, __provider: "new code" },
    );
    expect(same).toEqual({ changes: false });
  });

  it("replaces only when listenerId or region changes, creating before deleting", async () => {
    await start();
    const base = { certificates: {}, exclusive: false, waitTimeoutSeconds: 600 };
    expect(await proc.provider.diff(L, { ...base, listenerId: L, region: "cn-hangzhou" }, { ...base, listenerId: "lsn-demo-quic-443", region: "cn-hangzhou" })).toEqual({
      changes: true,
      replaces: ["listenerId"],
      deleteBeforeReplace: false,
    });
    expect(await proc.provider.diff(L, { ...base, listenerId: L, region: "cn-hangzhou" }, { ...base, listenerId: L, region: "cn-shanghai" })).toMatchObject({ replaces: ["region"] });
  });

  it("rotates 40 certificates in the minimum number of calls: 3 associate batches, then 3 dissociate batches (15 per call both ways)", async () => {
    const ids = (p: number) => Array.from({ length: 40 }, (_, i) => `${p + i}-cn-hangzhou`);
    const fixture: Fixture = {
      certificates: [...ids(10000), ...ids(20000), "99999-cn-hangzhou"].map((certificateId) => ({ certificateId, type: "Server" as const })),
      listeners: [{ listenerId: "lsn-big", loadBalancerId: "alb-big", protocol: "HTTPS", port: 443, defaultCertificateId: "99999-cn-hangzhou" }],
      limits: { maxAdditionalCertificatesPerListener: 100, maxAdditionalCertificatesPerLoadBalancer: 100 },
    };
    await start({ fixture, providers: { config: { "alb-listener-certificates:maxCertificatesPerListener": "100" } } });
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([{ name: "big", args: { listenerId: "lsn-big", certificateIds: ids(10000) } }]);
    world.sim.backend.clearRequestLog();
    await stack.upOrThrow([{ name: "big", args: { listenerId: "lsn-big", certificateIds: ids(20000) } }]);
    const real = mutationLog(world.sim).filter((m) => !m.startsWith("dry-"));
    expect(real.map((m) => `${m.split(" ")[0]} ${m.split(" ")[1]!.split(",").length}`)).toEqual([
      "associate 15",
      "associate 15",
      "associate 10",
      "dissociate 15",
      "dissociate 15",
      "dissociate 10",
    ]);
    expect(world.sim.backend.listenerView("lsn-big").additional.map((c) => c.certificateId)).toEqual(ids(20000));
    expect(world.sim.backend.requestLog().filter((e) => e.code !== null && e.code !== "DryRunOperation")).toEqual([]);
  });

  it("handles the empty set: creating it costs no mutation, emptying a set dissociates what was declared", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("sni", [])]);
    expect(mutationLog(world.sim)).toEqual([]);
    await stack.upOrThrow([set("sni", [A, B])]);
    world.sim.backend.clearRequestLog();
    await stack.upOrThrow([set("sni", [])]);
    expect(mutationLog(world.sim)).toEqual([`dissociate ${A},${B}`]);
    expect(liveSet(world.sim, L)).toEqual([`${FOREIGN}:Associated`]);
  });

  it("exclusive: dissociates undeclared certificates, and refresh reports them as drift", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("sni", [A], { exclusive: true })]);
    expect(mutationLog(world.sim)).toEqual([`dry-associate ${A}`, `associate ${A}`, `dissociate ${FOREIGN}`]);
    expect(liveSet(world.sim, L)).toEqual([`${A}:Associated`]);
    world.sim.backend.associateOutOfBand(L, [C]);
    world.clock.advance(OUT_OF_BAND_DONE_MS);
    await stack.refreshOrThrow();
    expect(stack.state.get("sni")!.outputs.certificates).toEqual({ [A]: "Associated", [C]: "Associated" });
    world.sim.backend.clearRequestLog();
    expect(await stack.upOrThrow([set("sni", [A], { exclusive: true })])).toEqual({ sni: "update" });
    expect(mutationLog(world.sim)).toEqual([`dissociate ${C}`]);
  });

  it("adopts certificates that are already associated without any mutation", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    expect(await stack.upOrThrow([set("adopt", [FOREIGN])])).toEqual({ adopt: "create" });
    expect(mutationLog(world.sim)).toEqual([]);
    expect(stack.state.get("adopt")!.outputs.certificates).toEqual({ [FOREIGN]: "Associated" });
  });

  it("repairs drift: refresh shows a certificate removed out of band, and the next up associates it again", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("sni", [A, B])]);
    world.sim.backend.dissociateOutOfBand(L, [A]);
    world.clock.advance(OUT_OF_BAND_DONE_MS);
    await stack.refreshOrThrow();
    expect(stack.state.get("sni")!.outputs.certificates).toEqual({ [B]: "Associated" });
    expect(stack.state.get("sni")!.inputs.certificates).toEqual({ [B]: "Associated" });
    world.sim.backend.clearRequestLog();
    expect(await stack.upOrThrow([set("sni", [A, B])])).toEqual({ sni: "update" });
    expect(mutationLog(world.sim)).toEqual([`dry-associate ${A}`, `associate ${A}`]);
  });

  it("repairs drift on up even without a refresh", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("sni", [A, B])]);
    world.sim.backend.dissociateOutOfBand(L, [B]);
    world.clock.advance(OUT_OF_BAND_DONE_MS);
    world.sim.backend.clearRequestLog();
    expect(await stack.upOrThrow([set("sni", [A, B])])).toEqual({ sni: "update" });
    expect(mutationLog(world.sim)).toEqual([`dry-associate ${B}`, `associate ${B}`]);
    expect(proc.logs.some((l) => l.includes(`missing: ${B}`))).toBe(true);
  });

  it("renaming the resource (same listener, same set) detaches nothing", async () => {
    await start();
    const first = new EngineStack(proc.provider);
    await first.upOrThrow([set("old-name", [A, B])]);
    // The engine starts a fresh provider process for each deployment.
    const next = world.newProcess("token2", { random: () => 0.5 });
    const stack = new EngineStack(next.provider);
    for (const [name, state] of first.state) stack.state.set(name, state);
    world.sim.backend.clearRequestLog();
    expect(await stack.upOrThrow([set("new-name", [A, B])])).toEqual({ "new-name": "create", "old-name": "delete" });
    expect(mutationLog(world.sim)).toEqual([]);
    expect(liveSet(world.sim, L)).toEqual([`${FOREIGN}:Associated`, `${A}:Associated`, `${B}:Associated`]);
    expect(next.logs.some((l) => l.includes("declared by another resource of this stack"))).toBe(true);
  });

  it("two resources on one listener may not both declare a certificate: check names both, the listener and the certificate; nothing is sent", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    world.sim.backend.clearRequestLog();
    const error = await stack.upOrThrow([set("one", [A, B]), set("two", [B, C])]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as CheckFailedError).failures).toEqual([
      {
        property: "certificateIds",
        reason:
          `${B} is declared on listener ${L} by both "two" and "one". A certificate has one owner per listener in a stack (so that removing one ` +
          `resource never detaches what another declares): declare it in only one of them, for example in one resource that holds the certificates both need.`,
      },
    ]);
    // The engine starts "one"'s create while "two" is still being checked; the create waits for the
    // program's registrations, sees the conflict, and sends nothing either.
    expect(mutationLog(world.sim).filter((m) => !m.startsWith("dry-"))).toEqual([]);
  });

  it("two resources on one listener: removing one dissociates exactly its own certificates", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("one", [A]), set("two", [B, C])]);
    expect(liveSet(world.sim, L)).toEqual([`${FOREIGN}:Associated`, `${A}:Associated`, `${B}:Associated`, `${C}:Associated`]);
    world.sim.backend.clearRequestLog();
    await stack.upOrThrow([set("two", [B, C])]);
    expect(mutationLog(world.sim)).toEqual([`dissociate ${A}`]);
    expect(liveSet(world.sim, L)).toEqual([`${FOREIGN}:Associated`, `${B}:Associated`, `${C}:Associated`]);
  });

  it("destroy leaves the listener with exactly its original additional set", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    const before = liveSet(world.sim, L);
    await stack.upOrThrow([set("sni", [A, B, C])]);
    await stack.destroyOrThrow();
    expect(liveSet(world.sim, L)).toEqual(before);
  });

  it("delete succeeds when the listener vanished", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("sni", [A])]);
    world.sim.backend.reset({ certificates: [{ certificateId: A, type: "Server" }], listeners: [] });
    await expect(stack.destroyOrThrow()).resolves.toEqual({ sni: "delete" });
    expect(proc.logs.some((l) => l.includes("listener no longer exists"))).toBe(true);
  });

  it("refresh drops a resource whose listener vanished", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("sni", [A])]);
    world.sim.backend.reset({ certificates: [], listeners: [] });
    await stack.refreshOrThrow();
    expect(stack.state.size).toBe(0);
  });

  it("waits out another writer's job on the listener before mutating, without hammering it", async () => {
    await start({ jobMs: 3000 });
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("sni", [A])]);
    const { jobId } = world.sim.backend.associateOutOfBand(L, [D]);
    world.sim.backend.clearRequestLog();
    await stack.upOrThrow([set("sni", [A, B])]);
    const outside = jobOf(jobId);
    const accepted = world.sim.backend.requestLog().find((e) => e.action === "AssociateAdditionalCertificatesWithListener" && e.params.DryRun !== "true" && e.code === null)!;
    expect(accepted.time).toBeGreaterThanOrEqual(outside.modifyTime);
    const refused = world.sim.backend.requestLog().filter((e) => e.code === "IncorrectStatus.Listener" || e.code === "ResourceInConfiguring.Listener");
    if ((behaviour.readLagMs ?? 0) > 0) {
      // While the service still shows the listener as before the other writer's change, only a refusal tells
      // the job runs: the dry run is refused once (and skipped, not retried), then every try of the retry
      // backoff (0.5, 1, 1.75, 3 s) that falls inside the other job is refused, all of the same logical call
      // (one ClientToken), never a second job.
      const code = behaviour.busyIncorrectStatus === true ? "IncorrectStatus.Listener" : "ResourceInConfiguring.Listener";
      const triesInsideJob = [500, 1_000, 1_750, 3_000].filter((t) => outside.createTime + t < outside.modifyTime);
      expect(triesInsideJob.length).toBe(behaviour.jobDuration === true ? 4 : 3);
      expect(refused.map((e) => [e.time - outside.createTime, e.params.DryRun ?? null, e.params.ClientToken, e.code])).toEqual([
        [0, "true", expect.any(String), code],
        ...triesInsideJob.map((t) => [t, null, accepted.params.ClientToken, code]),
      ]);
    } else {
      expect(refused).toEqual([]);
    }
    expect(liveSet(world.sim, L)).toEqual([`${FOREIGN}:Associated`, `${A}:Associated`, `${B}:Associated`, `${D}:Associated`]);
  });

  it("leaves a mutual-TLS listener's CA certificate alone, even when exclusive, and refuses it in the declared set", async () => {
    await start();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([set("sni", [A], { exclusive: true })]);
    expect(liveSet(world.sim, L)).toEqual([`${A}:Associated`]);
    expect(world.sim.backend.listenerView(L).caCertificateId ?? CA).toBe(CA);
    expect(mutationLog(world.sim).filter((m) => m.includes(CA))).toEqual([]);
    world.sim.backend.clearRequestLog();
    const error = await stack.upOrThrow([set("sni", [A, CA], { exclusive: true })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as CheckFailedError).failures).toEqual([
      {
        property: "certificateIds",
        reason: `${CA} is a CA certificate of listener ${L} (mutual TLS), not a server certificate. Remove it from certificateIds: CA certificates are managed on the listener itself.`,
      },
    ]);
    expect(mutationLog(world.sim)).toEqual([]);
  });
});
