// `pulumi up` interrupted with Ctrl-C (SIGINT to the CLI) during a certificate rotation, with the
// real engine (v3.248.0) against the simulator. Kill points come from the simulator's request log and jobs.
//
// One Ctrl-C is a graceful cancel: the engine starts no new step but waits for the resource operation in
// flight (the provider's whole update: associate, wait, dissociate, wait), records its result, releases the
// lock and exits 1 with "update canceled". Nothing to recover; the next `up` has nothing to do. (The engine
// waits however long the operation takes: with the listener held in Configuring for 20 s it waited 42 s;
// it does not kill the provider after 5 s. One scenario covers every single-Ctrl-C point for that reason.)
// A second Ctrl-C terminates at once: the engine kills its plugins mid-update and leaves a pending
// "updating" operation but no lock; the next `up` (no `pulumi cancel` needed) finishes the rotation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type JobView, type RequestLogEntry, type RunningSimulator } from "../../simulator";
import { cert, crashFixture, CrashStack, type DeclaredResource, foreignCert, listenerId, watchRotation } from "../kit/crash";
import { isAlive, type SpawnedCli, until, untilDuring } from "../kit/processes";
import {
  allAssociated,
  ASSOCIATE,
  describeJobs,
  DISSOCIATE,
  liveCertificates,
  newJobs,
  realMutations,
  refusedCalls,
} from "../kit/request-log";
import { tokenViolations } from "../../reliability/invariants";

const JOB_MS = 1000;
const SCENARIO_TIMEOUT_MS = 4 * 60_000;
const L = 1;
const LISTENER = listenerId(L);

const program = (ids: readonly string[]): DeclaredResource[] => [{ name: "www", listenerId: LISTENER, certificateIds: ids }];

describe("pulumi up interrupted with Ctrl-C (real engine)", () => {
  let sim: RunningSimulator;
  let stack: Promise<CrashStack>;
  const leftovers: SpawnedCli[] = [];
  let declared = [cert(L, 2), cert(L, 3)];
  let clean = true;

  beforeAll(async () => {
    sim = await startSimulator({ fixture: crashFixture(1), jobMs: JOB_MS, seed: 7 });
    stack = CrashStack.create(sim.endpoint, program(declared), "interrupt");
    await stack.then((s) => s.up()).catch(() => undefined);
  }, 45 * 60_000);

  afterAll(async () => {
    for (const run of leftovers) await run.dispose();
    await (await stack.catch(() => undefined))?.cleanup();
    await sim?.close();
  });

  const logSince = (seq: number): RequestLogEntry[] => sim.backend.requestLog().filter((e) => e.seq > seq);
  const lastSeq = (): number => sim.backend.requestLog().at(-1)?.seq ?? 0;
  const job = (id: string | undefined): JobView | undefined => (id ? sim.backend.listAsynJobs({ jobIds: [id] })[0] : undefined);
  const firstReal = (log: readonly RequestLogEntry[], kind: "associate" | "dissociate") => realMutations(log).find((m) => m.kind === kind && m.jobId);
  const live = (): Record<string, string> => liveCertificates(sim.backend.listenerView(LISTENER));

  /**
   * Rotates to `after`, interrupting when `interruptPoint` holds (twice if `twice`). Returns the interrupted
   * run's result and log, after checking the never-neither invariant over the whole scenario.
   */
  async function interruptedRotation(options: { after: string[]; interruptPoint: (log: RequestLogEntry[]) => boolean; twice?: boolean }) {
    const s = await stack;
    if (!clean) {
      if (s.locks().length > 0) await s.runOrThrow(["cancel", "--yes"]);
      await s.setResources(program(declared));
      await s.up();
      sim.backend.clearFaults();
    }
    clean = false;
    const before = declared;
    expect(live()).toEqual(allAssociated([...before, foreignCert(L)]));
    await s.setResources(program(options.after));
    declared = options.after;
    const mark = lastSeq();
    const knownJobs = new Set(sim.backend.listAsynJobs({}).map((j) => j.jobId));
    const watch = watchRotation(() => sim.backend.listenerView(LISTENER), { before, after: options.after, foreign: [foreignCert(L)] });

    const run = s.startUp();
    leftovers.push(run);
    await untilDuring(run, "the interrupt point", () => options.interruptPoint(logSince(mark)));
    const tree = run.tree();
    run.interrupt();
    if (options.twice) {
      await until("the engine to acknowledge the first Ctrl-C", () => run.output().includes("^C received; cancelling"));
      run.interrupt();
    }
    const result = await run.done;
    const interruptedLog = logSince(mark);
    const recoveryMark = lastSeq();
    return {
      s,
      before,
      tree,
      result,
      interruptedLog,
      /** Runs the next `pulumi up`, then checks convergence, one job per change and the invariant. */
      async recover(): Promise<{ output: string; log: RequestLogEntry[] }> {
        const output = await s.up();
        const { samples, violations } = await watch.stop();
        expect(samples).toBeGreaterThan(10);
        expect(violations).toEqual([]);
        expect(live()).toEqual(allAssociated([...options.after, foreignCert(L)]));
        const recovered = await s.deployment();
        expect(await s.storedCertificates(recovered)).toEqual({ www: allAssociated(options.after) });
        expect(recovered.pendingOperations).toEqual([]);
        const added = options.after.filter((id) => !before.includes(id)).sort().join(",");
        const removed = before.filter((id) => !options.after.includes(id)).sort().join(",");
        expect(describeJobs(newJobs(sim.backend.listAsynJobs({}), knownJobs, LISTENER))).toEqual([`associate ${added} Succeeded`, `dissociate ${removed} Succeeded`]);
        expect(tokenViolations(logSince(mark))).toEqual([]);
        expect(refusedCalls(logSince(mark))).toEqual([]);
        clean = true;
        return { output, log: logSince(recoveryMark) };
      },
    };
  }

  it("while the associate job runs: the engine finishes the update in flight, unlocks, and the next up has nothing to do", async () => {
    const { s, result, interruptedLog, recover } = await interruptedRotation({
      after: [cert(L, 3), cert(L, 4)],
      interruptPoint: (log) => job(firstReal(log, "associate")?.jobId)?.status === "Processing",
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain("^C received; cancelling");
    expect(result.output).toMatch(/update canceled/);
    // The whole rotation ran to its end under the cancelled update, and was recorded.
    expect(realMutations(interruptedLog).map((m) => `${m.kind} ${m.certificateIds.join(",")}`)).toEqual([`associate ${cert(L, 4)}`, `dissociate ${cert(L, 2)}`]);
    expect(s.locks()).toEqual([]);
    const state = await s.deployment();
    expect(state.pendingOperations).toEqual([]);
    expect(await s.storedCertificates(state)).toEqual({ www: allAssociated([cert(L, 3), cert(L, 4)]) });
    const { output, log } = await recover();
    expect(realMutations(log)).toEqual([]);
    expect(output).not.toMatch(/pending operations/);
  }, SCENARIO_TIMEOUT_MS);

  it("Ctrl-C twice (terminate): the plugins die mid-update, no lock is left, and the next up finishes the rotation", async () => {
    // The listener stays Configuring 3 s after the associate job, so the second Ctrl-C surely lands while the
    // provider is between its two phases.
    sim.backend.setFaults([{ action: ASSOCIATE, listenerId: LISTENER, kind: "stuckConfiguring", durationMs: 3000, count: 1 }]);
    const after = [cert(L, 4), cert(L, 5)];
    const { s, before, tree, result, interruptedLog, recover } = await interruptedRotation({
      after,
      interruptPoint: (log) => job(firstReal(log, "associate")?.jobId)?.status === "Succeeded" && !log.some((e) => e.action === DISSOCIATE),
      twice: true,
    });
    sim.backend.clearFaults();
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("^C received; terminating");
    // The engine killed its plugins; nothing runs on for this update.
    await until("the plugins to exit", () => !tree.some(isAlive), 10_000);
    expect(realMutations(interruptedLog).map((m) => m.kind)).toEqual(["associate"]);
    expect(s.locks()).toEqual([]);
    expect((await s.deployment()).pendingOperations.map((p) => p.type)).toEqual(["updating"]);
    const { output, log } = await recover(); // no `pulumi cancel`: there is no lock
    expect(output).toContain("interrupted while updating");
    // The recovery sends exactly the one dissociation left, and never names a certificate declared before and
    // after the rotation.
    const removed = before.filter((id) => !after.includes(id)).sort();
    const calls = realMutations(log).map((m) => `${m.kind} ${m.certificateIds.join(",")} ${m.code ?? "accepted"}`);
    expect(calls, JSON.stringify({ interrupted: interruptedLog, recovery: log }, null, 1)).toEqual([`dissociate ${removed.join(",")} accepted`]);
  }, SCENARIO_TIMEOUT_MS);
});
