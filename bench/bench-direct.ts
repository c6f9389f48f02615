/**
 * Scenario 1, provider-direct: one listener rotates K certificates (generation 0 → generation 1), the
 * provider driven in the engine's order (check → diff → update) on virtual time shared with the simulator.
 * Each run is a fresh provider process, as each `pulumi up` is: the first job it waits for is "cold".
 */
import { benchCertificates, benchFixture, benchListenerId, startBenchWorld } from "./bench-fixture";
import { countCalls, holdsExactly, jobIdsOf, type CallCounts } from "../test/kit/request-log";
import { serviceFloor, type ServiceFloor } from "./bench-stats";
import type { JobDuration } from "../simulator";

export interface RotationResult {
  readonly k: number;
  readonly jobMs: number;
  /** Virtual ms from the first check to the end of the update. */
  readonly wallMs: number;
  /** The floor the simulator sets (its batch limits and job model), ms: {@link ServiceFloor.floorMs}. */
  readonly boundMs: number;
  /** Fewest mutation calls the simulator's batch limits allow. */
  readonly minMutations: number;
  /** Fewest validation dry runs worth making: one per Associate batch of the optimal plan. */
  readonly minDryRuns: number;
  /** The batch limits the simulator enforced in this run's profile. */
  readonly limits: ServiceFloor["limits"];
  readonly calls: CallCounts;
  /** Job polls (ListAsynJobs looks) per job. */
  readonly pollsPerJob: number;
  /** Real ms the run took. */
  readonly realMs: number;
  /** The live set after the run equals generation 1. */
  readonly converged: boolean;
  /** The simulator's seed (its job-duration jitter). */
  readonly seed: number;
  /** How long the jobs of this run took by the simulator's clock, added up, ms (what the run waited for at least). */
  readonly jobsMs: number;
}

/**
 * Rotates K certificates on one listener through the provider directly. With `learn: false` the provider
 * never learns job durations and polls on the cold schedule throughout (its behaviour before that tuning).
 * `seed` seeds the simulator (job-duration jitter, IDs) and the provider processes (backoff jitter).
 */
export async function directRotation(
  k: number,
  jobMs: number,
  options: { seed?: number; learn?: boolean; jobDuration?: JobDuration } = {},
): Promise<RotationResult> {
  const seed = options.seed ?? 1;
  const listenerId = benchListenerId(0);
  const behaviour = options.jobDuration ? { jobDuration: options.jobDuration } : undefined;
  const world = await startBenchWorld(benchFixture({ listeners: 1, certificates: k }), jobMs, behaviour, seed);
  try {
    const before = benchCertificates(0, 0, k);
    const after = benchCertificates(0, 1, k);
    // Adopt the live set (no mutation: the certificates are already there), in a first "process".
    const first = world.newProcess(undefined, { seed }).provider;
    const adopted = await first.check({}, { listenerId, certificateIds: before, resourceName: "sni" });
    const created = await first.create(adopted.inputs!);
    world.sim.backend.clearRequestLog();
    // The floor, asked of the service before the change starts.
    const floor = serviceFloor(world.sim.backend, k, k);

    // The measured `up`, in a new process.
    const { provider } = world.newProcess(undefined, { seed: seed + 1, learnJobTimings: options.learn ?? true });
    const realStart = Date.now();
    const start = world.clock.now();
    const news = { listenerId, certificateIds: after, resourceName: "sni" };
    const checked = await provider.check(adopted.inputs!, news);
    if (checked.failures?.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
    const diff = await provider.diff(created.id, created.outs!, checked.inputs!);
    if (diff.changes === false) throw new Error("diff reported no change for a rotation");
    await provider.update(created.id, created.outs!, checked.inputs!);
    const wallMs = world.clock.now() - start;
    const realMs = Date.now() - realStart;

    const calls = countCalls(world.sim);
    const jobIds = jobIdsOf(world.sim);
    const jobsMs = world.sim.backend.snapshot().jobs.filter((j) => jobIds.has(j.jobId)).reduce((sum, j) => sum + (j.modifyTime - j.createTime), 0);
    return {
      k,
      jobMs,
      wallMs,
      boundMs: floor.floorMs,
      minMutations: floor.jobs,
      minDryRuns: floor.dryRuns,
      limits: floor.limits,
      calls,
      pollsPerJob: calls.jobs === 0 ? 0 : calls.listAsynJobs / calls.jobs,
      realMs,
      converged: holdsExactly(world.sim, listenerId, after),
      seed,
      jobsMs,
    };
  } finally {
    await world.close();
  }
}
