/**
 * Learns how long the listener's asynchronous jobs take, so that waiting for a job sleeps until
 * close to its expected end and then polls finely, instead of polling from the first moment with
 * a backoff that overshoots the end by up to the backoff cap.
 *
 * One instance per provider process (all resources of a deployment share it). Estimates are kept
 * per listener, with the most recent job of any listener as the fallback for a listener not seen
 * yet; a process that has seen no job at all polls on the cold schedule (the waiter's backoff). Each
 * apply keeps its listener's samples in the resource's state (output `jobDurations`), and the next
 * process's update or delete of that resource starts from them (`seed`), so that even its first job is
 * waited for on the learned schedule. Should the service's jobs have become much faster since, that one
 * wait oversleeps by at most the old duration and the samples then follow the new ones. A job's
 * duration is what the service's own timestamps say when it reports them, else the middle of the two looks
 * that bracket its end.
 */
import {
  JOB_TIMING_LISTENERS_MAX,
  JOB_TIMING_PRIOR_SPREAD,
  JOB_TIMING_SAMPLES,
  POLL_MAX_DELAY_MS,
  POLL_MIN_DELAY_MS,
  POLL_STEP_FRACTION,
  POLL_STEP_MAX_MS,
  POLL_STEP_MIN_MS,
} from "../base/defaults";

/**
 * When to look at a job: first after `firstDelayMs`, then every `minDelayMs` until `steadyUntilMs` (the end
 * of the window in which the job is expected to end), then backing off from `minDelayMs` to `maxDelayMs`.
 */
export interface PollSchedule {
  readonly firstDelayMs: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly steadyUntilMs?: number;
}

/** What one wait saw, in milliseconds since the mutation was accepted. */
export interface JobObservation {
  /** Last look at which the job was still running; undefined when the first look already saw it done. */
  readonly lastRunningMs?: number;
  /** The look at which it was done. */
  readonly doneMs: number;
  /** The schedule the wait used. */
  readonly schedule: PollSchedule;
  /** Certificates in the job's batch, when known (durations may grow with it). */
  readonly size?: number;
  /** How long the job took by the service's own timestamps, when it said: then that is what is learned. */
  readonly serviceMs?: number;
}

/** One learned duration: how long a job took, ms, and how many certificates its batch had (when known). */
export interface JobSample {
  readonly ms: number;
  readonly size?: number;
}
type Sample = JobSample;

/** The schedule of a process that knows nothing yet: look at once, then the waiter's backoff. */
export const COLD_SCHEDULE: PollSchedule = Object.freeze({ firstDelayMs: 0, minDelayMs: POLL_MIN_DELAY_MS, maxDelayMs: POLL_MAX_DELAY_MS });

/** Looks across the window in which a job of a size not seen yet may end. */
const UNKNOWN_SIZE_WINDOW_LOOKS = 6;

/** How far past the look that saw a job done the service's own end time may lie (a request's round trip), ms. */
const SERVICE_CLOCK_TOLERANCE_MS = 1_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export class JobTimings {
  /** Recent duration samples per listener (insertion order = least recently used first). */
  private readonly samples = new Map<string, Sample[]>();
  private lastSample?: Sample;

  constructor(private readonly maxListeners = JOB_TIMING_LISTENERS_MAX) {}

  /**
   * Expected duration of the listener's next job in milliseconds, or undefined when nothing was seen yet.
   * Without a batch size, the median of the recent jobs. With one, and jobs of several sizes seen, a
   * straight line `base + perCertificate × size` fitted to them; with jobs of one size seen, their median (how
   * much of a job's duration grows with its size is not known yet).
   */
  estimateMs(listenerId: string, size?: number): number | undefined {
    const samples = this.recentSamples(listenerId);
    if (samples.length === 0) return undefined;
    const sized = samples.filter((s): s is Required<Sample> => s.size !== undefined && s.size > 0);
    if (size === undefined || sized.length === 0) return median(samples.map((s) => s.ms));
    const sizes = new Set(sized.map((s) => s.size));
    if (sizes.size === 1) return median(sized.map((s) => s.ms));
    const n = sized.length;
    const meanX = sized.reduce((t, s) => t + s.size, 0) / n;
    const meanY = sized.reduce((t, s) => t + s.ms, 0) / n;
    const sxx = sized.reduce((t, s) => t + (s.size - meanX) ** 2, 0);
    const slope = Math.max(0, sized.reduce((t, s) => t + (s.size - meanX) * (s.ms - meanY), 0) / sxx);
    const base = Math.max(0, meanY - slope * meanX);
    return base + slope * size;
  }

  /**
   * How much earlier than expected a job may end, as a fraction of the estimate: the largest shortfall seen
   * among the listener's recent jobs (against the estimate the others give), or {@link JOB_TIMING_PRIOR_SPREAD}
   * while fewer than three were seen; at most one half.
   */
  private spread(listenerId: string): number {
    const own = this.samples.get(listenerId) ?? [];
    if (own.length < 3) return JOB_TIMING_PRIOR_SPREAD;
    let worst = 0;
    for (const s of own) {
      const estimate = this.estimateMs(listenerId, s.size);
      if (estimate !== undefined && estimate > 0) worst = Math.max(worst, (estimate - s.ms) / estimate);
    }
    return Math.min(0.5, worst);
  }

  /**
   * How to wait for a job of `size` certificates just accepted on the listener: look first a little before
   * the expected end (by the spread jobs have shown), then every `step` (a twentieth of the expected duration,
   * 100 ms to 1 s), backing off to the usual cap when the job runs longer than expected. Without an
   * estimate, the cold schedule.
   */
  schedule(listenerId: string, size?: number): PollSchedule {
    const estimate = this.estimateMs(listenerId, size);
    if (estimate === undefined) return COLD_SCHEDULE;
    const spread = size === undefined ? 0 : this.spread(listenerId);
    // Jobs of one other size seen only: whether the duration grows with the batch is not known yet, so the
    // job may end anywhere between the estimate scaled by the sizes' ratio (all of it per certificate) and
    // the estimate (none of it): the wait starts at the lower end and steps across that window.
    const seen = size === undefined ? undefined : this.onlySizeSeen(listenerId);
    const ratio = seen === undefined || seen === size ? 1 : size! / seen;
    const low = estimate * Math.min(1, ratio);
    const high = estimate * Math.max(1, ratio);
    // A few looks across the window in which the job may end, and never coarser than a twentieth of it.
    const fine = Math.max(estimate * Math.max(POLL_STEP_FRACTION, spread / 3), (high - low) / UNKNOWN_SIZE_WINDOW_LOOKS);
    const step = Math.min(POLL_STEP_MAX_MS, Math.max(POLL_STEP_MIN_MS, Math.round(fine)));
    const first = low * (1 - spread);
    // Steady looks until the latest the job is expected to end (as far past the window as the spread reaches
    // before it); the backoff only after that.
    const last = high * (1 + spread);
    return {
      firstDelayMs: Math.max(0, Math.round(first)),
      minDelayMs: step,
      maxDelayMs: Math.max(step, POLL_MAX_DELAY_MS),
      steadyUntilMs: Math.max(0, Math.round(last)),
    };
  }

  /** The listener's own recent samples, oldest first (what an apply keeps in state for the next process). */
  samplesOf(listenerId: string): readonly JobSample[] {
    return [...(this.samples.get(listenerId) ?? [])];
  }

  /**
   * Starts a listener this process has not timed yet from the samples an earlier process kept (the
   * resource's state): the first job's wait then sleeps to its expected end as a later one does. A listener
   * already timed here keeps its own, fresher samples. Samples that are not a duration (negative, not finite)
   * are left out; at most the most recent {@link JOB_TIMING_SAMPLES} are kept.
   */
  seed(listenerId: string, samples: readonly JobSample[]): void {
    if ((this.samples.get(listenerId)?.length ?? 0) > 0) return;
    const valid = samples
      .filter((s) => Number.isFinite(s.ms) && s.ms >= 0 && (s.size === undefined || (Number.isInteger(s.size) && s.size > 0)))
      .map((s) => (s.size === undefined ? { ms: s.ms } : { ms: s.ms, size: s.size }))
      .slice(-JOB_TIMING_SAMPLES);
    if (valid.length === 0) return;
    this.samples.set(listenerId, valid);
    this.evictOldest();
  }

  /** The listener's own recent samples, else the last job of any listener, else none. */
  private recentSamples(listenerId: string): readonly Sample[] {
    const own = this.samples.get(listenerId);
    return own && own.length > 0 ? own : this.lastSample ? [this.lastSample] : [];
  }

  /** The one batch size the listener's sized samples (or the fallback sample) show, if they show exactly one. */
  private onlySizeSeen(listenerId: string): number | undefined {
    const sizes = new Set(this.recentSamples(listenerId).map((s) => s.size).filter((n): n is number => n !== undefined && n > 0));
    return sizes.size === 1 ? [...sizes][0] : undefined;
  }

  /**
   * Records what a wait saw. The job ended between the last look that saw it running and the look
   * that saw it done, so the sample is the middle of that bracket. When the first look already saw
   * it done, the job took at most that long: the sample is one step earlier, so the next wait
   * probes a little sooner rather than oversleeping forever.
   */
  record(listenerId: string, observation: JobObservation): void {
    const { lastRunningMs, doneMs, schedule, size, serviceMs } = observation;
    if (!Number.isFinite(doneMs) || doneMs < 0) return;
    const bracketed = lastRunningMs !== undefined && lastRunningMs <= doneMs ? (lastRunningMs + doneMs) / 2 : Math.max(0, doneMs - schedule.minDelayMs);
    // The service's own account of the job is exact; it is believed when it fits what the looks saw (it
    // cannot have ended after the look that saw it done, give or take a request's round trip).
    const ms = serviceMs !== undefined && Number.isFinite(serviceMs) && serviceMs >= 0 && serviceMs <= doneMs + SERVICE_CLOCK_TOLERANCE_MS ? serviceMs : bracketed;
    const sample: Sample = size === undefined ? { ms } : { ms, size };
    const own = this.samples.get(listenerId) ?? [];
    this.samples.delete(listenerId);
    own.push(sample);
    if (own.length > JOB_TIMING_SAMPLES) own.splice(0, own.length - JOB_TIMING_SAMPLES);
    this.samples.set(listenerId, own);
    this.evictOldest();
    this.lastSample = sample;
  }

  /** Forgets the least recently used listener when more than `maxListeners` are kept. */
  private evictOldest(): void {
    if (this.samples.size > this.maxListeners) {
      const oldest = this.samples.keys().next().value;
      if (oldest !== undefined) this.samples.delete(oldest);
    }
  }
}
