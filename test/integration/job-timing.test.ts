/**
 * The provider learns how long the listener's jobs take (`provider/core/job-timing.ts`): its first wait polls
 * from the moment the job is accepted, later waits first sleep until the job's expected end. Observed in
 * the simulator's request log, whose times are the shared fake clock's.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../simulator";
import { EngineStack } from "../kit/engine";
import { startWorldWithProcess, type World } from "../kit/world";

const L = "lsn-demo-https-443";
const A = "25112233-cn-hangzhou";
const B = "25209871-cn-hangzhou";
const C = "25346102-cn-hangzhou";
const JOB_MS = 4_000;

let world: World;
afterEach(async () => world?.close());

const sni = (ids: string[]) => ({ name: "sni", args: { listenerId: L, certificateIds: ids } });

const MUTATIONS = new Set(["AssociateAdditionalCertificatesWithListener", "DissociateAdditionalCertificatesFromListener"]);
const isMutation = (e: RequestLogEntry) => e.action !== null && MUTATIONS.has(e.action) && e.params.DryRun !== "true";

/** For each real (not dry-run) mutation: ms from its arrival to the first job lookup after it, and the number of lookups. */
function waits(log: readonly RequestLogEntry[]): { firstLookMs: number; lookups: number }[] {
  const out: { firstLookMs: number; lookups: number }[] = [];
  log.forEach((entry, i) => {
    if (!isMutation(entry)) return;
    const rest = log.slice(i + 1);
    const end = rest.findIndex(isMutation);
    const window = end === -1 ? rest : rest.slice(0, end);
    const lookups = window.filter((e) => e.action === "ListAsynJobs");
    out.push({ firstLookMs: lookups[0]!.time - entry.time, lookups: lookups.length });
  });
  return out;
}

describe("learned job timing", () => {
  it("looks at once on the first job, then sleeps until the expected end of the next ones", async () => {
    const started = await startWorldWithProcess({ jobMs: JOB_MS });
    world = started.world;
    const stack = new EngineStack(started.proc.provider);
    await stack.upOrThrow([sni([A])]);
    await stack.upOrThrow([sni([A, B])]);
    await stack.upOrThrow([sni([A, B, C])]);
    const [first, second, third] = waits(world.sim.backend.requestLog());
    // Cold: look at once, then back off (250 ms doubling to 2 s) until the 4 s job is done.
    expect(first!.firstLookMs).toBe(0);
    // Learned: the first look comes shortly before the expected end (a job may run up to a fifth shorter than
    // the ones seen), never after it, and a few short looks see it done: fewer than the cold wait's.
    for (const later of [second!, third!]) {
      expect(later.firstLookMs).toBeGreaterThanOrEqual(0.75 * JOB_MS);
      expect(later.firstLookMs).toBeLessThan(JOB_MS);
    }
    // The estimate is the service's own account of the job (ListAsynJobs' ModifyTime − CreateTime): exactly
    // 4 s, so the first look is exactly a fifth early.
    expect([second!.firstLookMs, third!.firstLookMs]).toEqual([0.8 * JOB_MS, 0.8 * JOB_MS]);
    // The seven looks of the cold wait become four.
    expect([first!.lookups, second!.lookups, third!.lookups]).toEqual([7, 4, 4]);
  });
});

describe("job timing carried in state", () => {
  it("a new provider process (each CLI run is one) starts from the durations the last apply kept in state", async () => {
    const started = await startWorldWithProcess({ jobMs: JOB_MS });
    world = started.world;
    // Every operation in a process of its own, as `pulumi up` after `pulumi up` runs them.
    const stack = new EngineStack(() => world.newProcess().provider);
    await stack.upOrThrow([sni([A])]);
    // The service's own account of the job: 4 s, one certificate.
    expect(stack.state.get("sni")!.outputs.jobDurations).toEqual([{ ms: 4000, certificates: 1 }]);
    await stack.upOrThrow([sni([B])]);
    expect(stack.state.get("sni")!.outputs.jobDurations).toEqual([
      { ms: 4000, certificates: 1 },
      { ms: 4000, certificates: 1 },
      { ms: 4000, certificates: 1 },
    ]);
    // A refresh reads no job: the durations stay.
    await stack.refreshOrThrow();
    expect(stack.state.get("sni")!.outputs.jobDurations).toHaveLength(3);
    await stack.destroyOrThrow();
    const [create, associate, dissociate, destroy] = waits(world.sim.backend.requestLog());
    // The create's process knows nothing: it looks at once and backs off (six looks with this process's jitter).
    expect(create!.firstLookMs).toBe(0);
    // The update's and the destroy's processes are new, yet their first jobs are waited for on the learned
    // schedule: with one or two jobs recorded, the first look comes a fifth before the 4 s (a job may run
    // that much shorter); with three that all took exactly 4 s, no shortfall was ever seen: at 4 s.
    expect([associate!.firstLookMs, dissociate!.firstLookMs, destroy!.firstLookMs]).toEqual([0.8 * JOB_MS, 0.8 * JOB_MS, JOB_MS]);
    expect([create!.lookups, associate!.lookups, dissociate!.lookups, destroy!.lookups]).toEqual([6, 4, 4, 1]);
  });

  it("durations in state that are not durations are ignored: the first wait is cold", async () => {
    const started = await startWorldWithProcess({ jobMs: JOB_MS });
    world = started.world;
    const stack = new EngineStack(() => world.newProcess().provider);
    await stack.upOrThrow([sni([A])]);
    const current = stack.state.get("sni")!;
    stack.state.set("sni", { ...current, outputs: { ...current.outputs, jobDurations: [{ ms: -1 }, { ms: "4000" }, null, { ms: Number.NaN }] } });
    await stack.upOrThrow([sni([A, B])]);
    const [, second] = waits(world.sim.backend.requestLog());
    expect(second!.firstLookMs).toBe(0);
    expect(stack.state.get("sni")!.outputs.jobDurations).toEqual([{ ms: 4000, certificates: 1 }]);
  });
});
