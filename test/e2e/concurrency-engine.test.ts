// Concurrency with the real engine: many resources on many listeners in one stack at the engine's default
// parallelism (two resources on every listener), and two stacks on disjoint sets of one listener applied at
// the same time, with the real engine (v3.248.0) against the simulator.
//
// Within one stack the provider process serializes the work of each listener (per-listener queue) and waits
// for the listener to be idle before mutating, so the API refuses nothing. Two stacks are two provider
// processes with no shared queue: they can only meet at the API, where a "listener busy" answer makes the
// provider wait for the listener to be idle and re-send under the same ClientToken; the test counts those
// refusals and bounds them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type JobView, type RequestLogEntry, type RunningSimulator } from "../../simulator";
import { cert, crashFixture, CrashStack, type DeclaredResource, foreignCert, listenerId } from "../kit/crash";
import { allAssociated, ASSOCIATE, liveCertificates, newJobs, realMutations, refusedCalls } from "../kit/request-log";
import { tokenViolations } from "../../reliability/invariants";

const JOB_MS = 1000;
/** Listeners 1-10 carry the big stack; listener 11 the two stacks. */
const MANY = 10;
const SHARED = 11;
const TIMEOUT_MS = 6 * 60_000;

/** Two resources on each of the first MANY listeners: `l01-a` declares `a`, `l01-b` declares `b`. */
function manyResources(a: (i: number) => string[], b: (i: number) => string[]): DeclaredResource[] {
  const out: DeclaredResource[] = [];
  for (let i = 1; i <= MANY; i++) {
    const tag = String(i).padStart(2, "0");
    out.push({ name: `l${tag}-a`, listenerId: listenerId(i), certificateIds: a(i) });
    out.push({ name: `l${tag}-b`, listenerId: listenerId(i), certificateIds: b(i) });
  }
  return out;
}

describe("concurrency with the real engine", () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ fixture: crashFixture(SHARED), jobMs: JOB_MS, seed: 13 });
  });

  afterAll(async () => {
    await sim?.close();
  });

  const lastSeq = (): number => sim.backend.requestLog().at(-1)?.seq ?? 0;
  const logSince = (seq: number): RequestLogEntry[] => sim.backend.requestLog().filter((e) => e.seq > seq);
  const jobIds = (): Set<string> => new Set(sim.backend.listAsynJobs({}).map((j) => j.jobId));
  const live = (i: number) => liveCertificates(sim.backend.listenerView(listenerId(i)));
  const summary = (log: readonly RequestLogEntry[]) => refusedCalls(log).map((e) => `${e.action}${e.params.DryRun === "true" ? " (dry run)" : ""}: ${e.code}`);

  /** The most jobs running at one moment (a job runs from createTime to modifyTime). */
  function maxConcurrentJobs(jobs: readonly JobView[]): number {
    const edges = jobs.flatMap((j) => [[j.createTime, 1], [j.modifyTime, -1]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let running = 0;
    let most = 0;
    for (const [, delta] of edges) most = Math.max(most, (running += delta));
    return most;
  }

  /** No two jobs of one listener overlap in time: each starts after the previous one ended. */
  function assertSerialized(jobs: readonly JobView[]): void {
    for (let i = 1; i < jobs.length; i++) expect(jobs[i]!.createTime).toBeGreaterThanOrEqual(jobs[i - 1]!.modifyTime);
  }

  it("20 resources on 10 listeners, two per listener, at the default parallelism: converge with zero refused calls", async () => {
    const stack = await CrashStack.create(sim.endpoint, manyResources((i) => [cert(i, 2), cert(i, 3)], (i) => [cert(i, 4), cert(i, 5)]), "many");
    try {
      for (const [phase, a, b] of [
        ["create", (i: number) => [cert(i, 2), cert(i, 3)], (i: number) => [cert(i, 4), cert(i, 5)]],
        ["rotate", (i: number) => [cert(i, 3), cert(i, 6)], (i: number) => [cert(i, 5), cert(i, 7)]],
      ] as const) {
        if (phase === "rotate") await stack.setResources(manyResources(a, b));
        const mark = lastSeq();
        const known = jobIds();
        const started = Date.now();
        await stack.up(); // no --parallel: the engine's default
        const elapsed = Date.now() - started;
        const log = logSince(mark);
        const allJobs = newJobs(sim.backend.listAsynJobs({}), known);

        const stored = await stack.storedCertificates();
        for (let i = 1; i <= MANY; i++) {
          const tag = String(i).padStart(2, "0");
          expect(live(i)).toEqual(allAssociated([...a(i), ...b(i), foreignCert(i)]));
          expect(stored[`l${tag}-a`]).toEqual(allAssociated(a(i)));
          expect(stored[`l${tag}-b`]).toEqual(allAssociated(b(i)));
          const jobs = newJobs(sim.backend.listAsynJobs({}), known, listenerId(i));
          // One job per resource and direction: 2 associations at create; 2 + 2 dissociations at the rotation.
          expect(jobs.filter((j) => j.apiName === ASSOCIATE)).toHaveLength(2);
          expect(jobs).toHaveLength(phase === "create" ? 2 : 4);
          assertSerialized(jobs);
        }
        expect(tokenViolations(log)).toEqual([]);
        expect(summary(log)).toEqual([]);
        // Work on different listeners overlaps (the per-listener queue serializes only within a listener).
        const concurrent = maxConcurrentJobs(allJobs);
        expect(concurrent).toBeGreaterThanOrEqual(2);
        console.log(`many/${phase}: ${realMutations(log).length} mutation calls, ${summary(log).length} refused, up to ${concurrent} jobs at once, ${elapsed} ms`);
      }
    } finally {
      await stack.cleanup();
    }
  }, TIMEOUT_MS);

  it("two stacks on disjoint sets of one listener, applied at the same time: both converge, few refused calls", async () => {
    const L = listenerId(SHARED);
    const setsA = [[cert(SHARED, 2), cert(SHARED, 3)], [cert(SHARED, 3), cert(SHARED, 6)]];
    const setsB = [[cert(SHARED, 4), cert(SHARED, 5)], [cert(SHARED, 5), cert(SHARED, 7)]];
    const program = (ids: readonly string[]): DeclaredResource[] => [{ name: "www", listenerId: L, certificateIds: ids }];
    const [a, b] = await Promise.all([CrashStack.create(sim.endpoint, program(setsA[0]!), "team-a"), CrashStack.create(sim.endpoint, program(setsB[0]!), "team-b")]);
    try {
      for (const step of [0, 1]) {
        if (step === 1) await Promise.all([a.setResources(program(setsA[1]!)), b.setResources(program(setsB[1]!))]);
        const mark = lastSeq();
        const known = jobIds();
        await Promise.all([a.up(), b.up()]);
        const log = logSince(mark);
        expect(live(SHARED)).toEqual(allAssociated([...setsA[step]!, ...setsB[step]!, foreignCert(SHARED)]));
        expect(await a.storedCertificates()).toEqual({ www: allAssociated(setsA[step]!) });
        expect(await b.storedCertificates()).toEqual({ www: allAssociated(setsB[step]!) });
        const jobs = newJobs(sim.backend.listAsynJobs({}), known, L);
        expect(jobs).toHaveLength(step === 0 ? 2 : 4);
        expect(jobs.every((j) => j.status === "Succeeded")).toBe(true);
        assertSerialized(jobs);
        expect(tokenViolations(log)).toEqual([]);
        const refused = summary(log);
        console.log(`two stacks/${step === 0 ? "create" : "rotate"}: ${realMutations(log).length} mutation calls, ${refused.length} refused: ${refused.join("; ")}`);
        // Observed: 0 in every run (each provider mutates only right after it saw the listener idle, and
        // the two programs start seconds apart, so the stacks rarely see it idle in the same instant).
        // Bound, should they meet: a refused mutation waits with reads until the listener is idle and is
        // re-sent at once (provider/core/reconcile.ts), so each of a stack's mutation calls is refused about once;
        // plus at most one refused dry run per stack, which is skipped, not retried. Rotation: 4 + 2 = 6.
        expect(refused.length).toBeLessThanOrEqual(6);
      }
    } finally {
      await Promise.all([a.cleanup(), b.cleanup()]);
    }
  }, TIMEOUT_MS);
});
