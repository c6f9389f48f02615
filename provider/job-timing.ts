/**
 * Learns how long the listener's asynchronous jobs take, so that waiting for a job sleeps until
 * close to its expected end and then polls finely, instead of polling from the first moment with
 * a backoff that overshoots the end by up to the backoff cap.
 *
 * One instance per provider process (all resources of a deployment share it). Estimates are kept
 * per listener, with the most recent job of any listener as the fallback for a listener not seen
 * yet; a process that has seen no job at all polls on the cold schedule (the waiter's backoff).
 */
import {
  JOB_TIMING_LISTENERS_MAX,
  JOB_TIMING_SAMPLES,
  POLL_MAX_DELAY_MS,
  POLL_MIN_DELAY_MS,
  POLL_STEP_FRACTION,
  POLL_STEP_MAX_MS,
  POLL_STEP_MIN_MS,
} from "./defaults";

/** When to look at a job: first after `firstDelayMs`, then backing off from `minDelayMs` to `maxDelayMs`. */
export interface PollSchedule {
  readonly firstDelayMs: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/** What one wait saw, in milliseconds since the mutation was accepted. */
export interface JobObservation {
  /** Last look at which the job was still running; undefined when the first look already saw it done. */
  readonly lastRunningMs?: number;
  /** The look at which it was done. */
  readonly doneMs: number;
  /** The schedule the wait used. */
  readonly schedule: PollSchedule;
}

/** The schedule of a process that knows nothing yet: look at once, then the waiter's backoff. */
export const COLD_SCHEDULE: PollSchedule = Object.freeze({ firstDelayMs: 0, minDelayMs: POLL_MIN_DELAY_MS, maxDelayMs: POLL_MAX_DELAY_MS });

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export class JobTimings {
  /** Recent duration samples per listener (insertion order = least recently used first). */
  private readonly samples = new Map<string, number[]>();
  private lastSample?: number;

  constructor(private readonly maxListeners = JOB_TIMING_LISTENERS_MAX) {}

  /** Expected duration of the listener's next job in milliseconds, or undefined when nothing was seen yet. */
  estimateMs(listenerId: string): number | undefined {
    const own = this.samples.get(listenerId);
    if (own && own.length > 0) return median(own);
    return this.lastSample;
  }

  /**
   * How to wait for a job just accepted on the listener: look first at the expected end, then every
   * `step` (a twentieth of the expected duration, 100 ms to 1 s), backing off to the usual cap when
   * the job runs longer than expected. Without an estimate, the cold schedule.
   */
  schedule(listenerId: string): PollSchedule {
    const estimate = this.estimateMs(listenerId);
    if (estimate === undefined) return COLD_SCHEDULE;
    const step = Math.min(POLL_STEP_MAX_MS, Math.max(POLL_STEP_MIN_MS, Math.round(estimate * POLL_STEP_FRACTION)));
    return { firstDelayMs: Math.max(0, Math.round(estimate)), minDelayMs: step, maxDelayMs: Math.max(step, POLL_MAX_DELAY_MS) };
  }

  /**
   * Records what a wait saw. The job ended between the last look that saw it running and the look
   * that saw it done, so the sample is the middle of that bracket. When the first look already saw
   * it done, the job took at most that long: the sample is one step earlier, so the next wait
   * probes a little sooner rather than oversleeping forever.
   */
  record(listenerId: string, observation: JobObservation): void {
    const { lastRunningMs, doneMs, schedule } = observation;
    if (!Number.isFinite(doneMs) || doneMs < 0) return;
    const sample = lastRunningMs !== undefined && lastRunningMs <= doneMs ? (lastRunningMs + doneMs) / 2 : Math.max(0, doneMs - schedule.minDelayMs);
    const own = this.samples.get(listenerId) ?? [];
    this.samples.delete(listenerId);
    own.push(sample);
    if (own.length > JOB_TIMING_SAMPLES) own.splice(0, own.length - JOB_TIMING_SAMPLES);
    this.samples.set(listenerId, own);
    if (this.samples.size > this.maxListeners) {
      const oldest = this.samples.keys().next().value;
      if (oldest !== undefined) this.samples.delete(oldest);
    }
    this.lastSample = sample;
  }
}
