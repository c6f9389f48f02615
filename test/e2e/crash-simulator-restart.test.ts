// The ALB endpoint going away in the middle of a `pulumi up` and coming back. The simulator runs as
// its own process (`node dist/simulator/cli.js --state FILE`), is killed or stopped while the provider waits
// for a job, and is restarted on the same port from its state file. The provider's retries (network errors
// are transient, within the deadline) absorb the outage: the same `pulumi up` succeeds, and no mutation is
// applied twice, even when the simulator died right after accepting a call whose answer never arrived.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../simulator";
import { cert, crashFixture, CrashStack, type DeclaredResource, foreignCert, listenerId, watchRotation } from "../kit/crash";
import { type SpawnedCli, untilDuring } from "../kit/processes";
import {
  allAssociated,
  ASSOCIATE,
  describeJobs,
  liveCertificates,
  type MutationCall,
  newJobs,
  realMutations,
  refusedCalls,
} from "../kit/request-log";
import { tokenViolations } from "../../reliability/invariants";
import { SimulatorProcess } from "../kit/simulator-process";

const JOB_MS = 1000;
/** How long the simulator stays down: longer than the rest of the job, shorter than any deadline. */
const OUTAGE_MS = 1500;
const SCENARIO_TIMEOUT_MS = 4 * 60_000;
const L = 1;
const LISTENER = listenerId(L);

const program = (ids: readonly string[]): DeclaredResource[] => [{ name: "www", listenerId: LISTENER, certificateIds: ids }];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the simulator restarting (with --state) in the middle of a pulumi up", () => {
  let sim: SimulatorProcess;
  let stack: Promise<CrashStack>;
  const leftovers: SpawnedCli[] = [];
  let declared = [cert(L, 2), cert(L, 3)];

  beforeAll(async () => {
    sim = await SimulatorProcess.start({ fixture: crashFixture(1), jobMs: JOB_MS, seed: 11 });
    stack = CrashStack.create(sim.endpoint, program(declared), "restart");
    await stack.then((s) => s.up()).catch(() => undefined);
  }, 45 * 60_000);

  afterAll(async () => {
    for (const run of leftovers) await run.dispose();
    await (await stack.catch(() => undefined))?.cleanup();
    await sim?.dispose();
  });

  /**
   * Rotates to `after` while `during` stops and restarts the simulator. Each incarnation's request log is
   * read before it is stopped (`logs`); the jobs come from the persisted world.
   */
  async function rotationWithOutages(after: string[], during: (run: SpawnedCli, logs: RequestLogEntry[][]) => Promise<void>) {
    const s = await stack;
    const before = declared;
    expect(liveCertificates(await sim.listenerView(LISTENER))).toEqual(allAssociated([...before, foreignCert(L)]));
    await s.setResources(program(after));
    declared = after;
    const knownJobs = new Set((await sim.state()).jobs.map((j) => j.jobId));
    const firstMark = (await sim.requests()).at(-1)?.seq ?? 0;
    const watch = watchRotation(() => sim.listenerView(LISTENER), { before, after, foreign: [foreignCert(L)] });
    const run = s.startUp();
    leftovers.push(run);
    const logs: RequestLogEntry[][] = [];
    await during(run, logs);
    const result = await run.done;
    expect(result.code, result.output).toBe(0);
    logs.push(await sim.requests());
    const { violations } = await watch.stop();
    expect(violations).toEqual([]);

    const log = [...logs[0]!.filter((e) => e.seq > firstMark), ...logs.slice(1).flat()];
    expect(liveCertificates(await sim.listenerView(LISTENER))).toEqual(allAssociated([...after, foreignCert(L)]));
    expect(await s.storedCertificates()).toEqual({ www: allAssociated(after) });
    const added = after.filter((id) => !before.includes(id)).sort().join(",");
    const removed = before.filter((id) => !after.includes(id)).sort().join(",");
    expect(describeJobs(newJobs((await sim.state()).jobs, knownJobs, LISTENER))).toEqual([`associate ${added} Succeeded`, `dissociate ${removed} Succeeded`]);
    expect(tokenViolations(log)).toEqual([]);
    expect(refusedCalls(log)).toEqual([]);
    return { log, output: result.output };
  }

  /** Waits (while `run` lives) until this incarnation logged a mutation of `kind` whose job is Processing. */
  async function untilJobProcessing(run: SpawnedCli, kind: "associate" | "dissociate", afterSeq = 0): Promise<void> {
    await untilDuring(run, `the ${kind} job`, async () => {
      const mutation = realMutations((await sim.requests()).filter((e) => e.seq > afterSeq)).find((m) => m.kind === kind && m.jobId);
      if (!mutation) return false;
      return (await sim.state()).jobs.find((j) => j.jobId === mutation.jobId)?.status === "Processing";
    });
  }

  it("killed during the associate wait and stopped during the dissociate wait: the same up succeeds", async () => {
    const { output } = await rotationWithOutages([cert(L, 3), cert(L, 4)], async (run, logs) => {
      const mark = (await sim.requests()).at(-1)?.seq ?? 0;
      await untilJobProcessing(run, "associate", mark);
      logs.push(await sim.requests());
      await sim.stop("SIGKILL"); // a crash: the state file is as of the last change
      await sleep(OUTAGE_MS);
      await sim.restart();
      await untilJobProcessing(run, "dissociate");
      logs.push(await sim.requests());
      await sim.stop("SIGTERM"); // a clean restart
      await sleep(OUTAGE_MS);
      await sim.restart();
    });
    expect(output).toMatch(/associated 1 certificate\(s\) \[3010040-cn-hangzhou\]/);
    expect(output).toMatch(/dissociated 1 certificate\(s\) \[3010020-cn-hangzhou\]/);
  }, SCENARIO_TIMEOUT_MS);

  it("killed right after accepting an associate whose answer was lost: the retry (same ClientToken) gets the original job", async () => {
    // The update's preview-time DryRun is an Associate call too and comes first: the first rule (a 1 ms
    // delay) takes it, so the lost answer is the real call's.
    await sim.setFaults([
      { action: ASSOCIATE, listenerId: LISTENER, kind: "delay", delayMs: 1, count: 1 },
      { action: ASSOCIATE, listenerId: LISTENER, kind: "lostResponse", count: 1 },
    ]);
    let lost: MutationCall | undefined;
    const { log } = await rotationWithOutages([cert(L, 4), cert(L, 5)], async (run, logs) => {
      await untilDuring(run, "the lost associate answer", async () => {
        lost = realMutations(await sim.requests()).find((m) => m.fault === "lostResponse");
        return lost !== undefined;
      });
      logs.push(await sim.requests());
      await sim.stop("SIGKILL"); // fault rules are not persisted: the restarted simulator has none
      await sleep(OUTAGE_MS);
      await sim.restart();
    });
    expect(lost?.jobId).toBeDefined();
    const associates = realMutations(log).filter((m) => m.kind === "associate");
    // The lost call and its retries (after the restart) carry one token, and every answer names the one job.
    expect(new Set(associates.map((m) => m.clientToken))).toEqual(new Set([lost!.clientToken]));
    expect(associates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(associates.filter((m) => m.jobId).map((m) => m.jobId))).toEqual(new Set([lost!.jobId]));
  }, SCENARIO_TIMEOUT_MS);
});
