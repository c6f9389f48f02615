/**
 * The lower bounds the service sets on what the benchmark measures. Every floor here is computed from what
 * the simulator accepts and how long its jobs take, never from the provider's own settings: a provider that
 * sends smaller batches than the service allows must miss the floor, not move it. What a run did (calls by
 * kind, jobs, polls, throttled and failed calls, its API span) is read from the simulator's request log by
 * test/kit/request-log.ts (`countCalls`, `apiSpan`).
 */

/** The most certificates one call accepts, each way, as the service (the simulator's active profile) enforces them. */
export interface BatchLimits {
  readonly associate: number;
  readonly dissociate: number;
}

/** What the floor needs to know of the service: its batch limits and its job model. */
export interface ServiceModel {
  batchLimits(): BatchLimits;
  /** How long the service's next jobs will take, for these batch sizes in this order, ms. */
  forecastJobsMs(sizes: readonly number[]): number[];
}

/** Fewest jobs (and mutation calls) that change one listener: ceil(added/associate limit) + ceil(removed/dissociate limit). */
export function minimumJobs(added: number, removed: number, limits: BatchLimits): number {
  return Math.ceil(added / limits.associate) + Math.ceil(removed / limits.dissociate);
}

/** Sizes of the fewest batches that carry n certificates under a limit: full batches, then the rest. */
export function optimalBatches(n: number, limit: number): number[] {
  const sizes: number[] = [];
  for (let left = n; left > 0; left -= limit) sizes.push(Math.min(limit, left));
  return sizes;
}

/** One listener's change at its best, by the service alone. */
export interface ServiceFloor {
  readonly limits: BatchLimits;
  /** Associate batch sizes, then Dissociate batch sizes, of an optimal plan. */
  readonly associateBatches: readonly number[];
  readonly dissociateBatches: readonly number[];
  /** Fewest jobs (= fewest mutation calls). */
  readonly jobs: number;
  /** Fewest validation dry runs worth making: one per Associate batch. */
  readonly dryRuns: number;
  /** The jobs of the optimal plan run one after another: the sum of the durations the service gives them, ms. */
  readonly floorMs: number;
}

/**
 * The floor of changing one listener by `added` and `removed` certificates, asked of the service before the
 * change starts: the fewest batches its limits allow (Associate batches first, as a rotation must), and the
 * durations its job model gives those batches as its next jobs, one job at a time (a listener runs one job
 * at once). With size-dependent jobs (`base + perCertificate × n`) every plan with the fewest batches takes
 * the same nominal total; the simulator draws each job's jitter from a generator of its own, so a plan of
 * these batches gets exactly these durations whatever else it sends.
 */
export function serviceFloor(service: ServiceModel, added: number, removed: number): ServiceFloor {
  const limits = service.batchLimits();
  const associateBatches = optimalBatches(added, limits.associate);
  const dissociateBatches = optimalBatches(removed, limits.dissociate);
  const floorMs = service.forecastJobsMs([...associateBatches, ...dissociateBatches]).reduce((sum, ms) => sum + ms, 0);
  return {
    limits,
    associateBatches,
    dissociateBatches,
    jobs: associateBatches.length + dissociateBatches.length,
    dryRuns: associateBatches.length,
    floorMs,
  };
}

/**
 * Lower bound of a fleet's convergence, in ms. Three floors, each a valid lower bound on its own:
 * - the job chain of one listener: its jobs run one at a time, `jobsPerListener × T`;
 * - the rate limit: at most `limit` mutations fall in any `window`, so M mutations need the last one
 *   to start at least floor((M-1)/limit) windows after the first, and its job then takes T;
 * - the engine's parallelism P: it applies at most P resources at a time, each needing its job chain,
 *   so ceil(N/P) rounds of `jobsPerListener × T`.
 */
export function fleetBounds(options: {
  listeners: number;
  jobsPerListener: number;
  jobMs: number;
  mutationsPerWindow: number;
  rateWindowMs: number;
  parallelism: number;
}): { chainMs: number; rateMs: number; engineMs: number; boundMs: number; binding: "rate limit" | "engine parallelism" | "job chain" } {
  const { listeners, jobsPerListener, jobMs, mutationsPerWindow, rateWindowMs, parallelism } = options;
  const mutations = listeners * jobsPerListener;
  const chainMs = jobsPerListener * jobMs;
  const rateMs = mutations === 0 ? 0 : Math.floor((mutations - 1) / mutationsPerWindow) * rateWindowMs + jobMs;
  const engineMs = Math.ceil(listeners / parallelism) * chainMs;
  const boundMs = Math.max(chainMs, rateMs, engineMs);
  const binding = boundMs === rateMs ? "rate limit" : boundMs === engineMs ? "engine parallelism" : "job chain";
  return { chainMs, rateMs, engineMs, boundMs, binding };
}

/**
 * The fleet's floor: the schedule a perfect provider would get from the cloud and the engine together,
 * in ms. P workers (the engine's parallelism) each take a listener and run its chain of jobs, each job
 * T long; every mutation is admitted at the earliest moment the sliding window allows (at most `limit`
 * admissions in any `window`). Requests take no time, polls see a job end the moment it ends, and no
 * quota is spent on anything but the required mutations. Admitting a mutation as early as possible is
 * optimal for a sliding window (its slot frees the earliest), and all chains are alike, so this greedy
 * schedule is the shortest possible: it is at least {@link fleetBounds}' largest bound, and above it
 * when the engine cannot issue mutations as fast as the window refills.
 */
export function idealFleetMs(options: {
  listeners: number;
  jobsPerListener: number;
  jobMs: number;
  mutationsPerWindow: number;
  rateWindowMs: number;
  parallelism: number;
}): number {
  const { listeners, jobsPerListener, jobMs, mutationsPerWindow: limit, rateWindowMs: window, parallelism } = options;
  if (listeners === 0 || jobsPerListener === 0) return 0;
  // Pending requests: [readyAt, jobs left in the chain after this one]. Ready times are popped in order.
  const ready: [number, number][] = [];
  for (let i = 0; i < Math.min(parallelism, listeners); i++) ready.push([0, jobsPerListener - 1]);
  let unstarted = listeners - ready.length;
  const admitted: number[] = [];
  let end = 0;
  while (ready.length > 0) {
    ready.sort((a, b) => a[0] - b[0]);
    const [readyAt, left] = ready.shift()!;
    const windowFree = admitted.length >= limit ? admitted[admitted.length - limit]! + window : 0;
    const at = Math.max(readyAt, windowFree);
    admitted.push(at);
    const done = at + jobMs;
    end = Math.max(end, done);
    if (left > 0) ready.push([done, left - 1]);
    else if (unstarted > 0) {
      unstarted--;
      ready.push([done, jobsPerListener - 1]);
    }
  }
  return end;
}
