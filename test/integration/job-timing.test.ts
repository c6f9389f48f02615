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
