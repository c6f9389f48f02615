/**
 * The backoff arithmetic and the retry loop used around every API call. Which errors are worth
 * another attempt is the API contract's catalogue's to say; {@link classify} reads it from the error.
 */
import type { Clock } from "../base/clock";
import { classify, WaitTimeoutError } from "../base/errors";

/** Backoff settings shared by the retry loop and the waiter. */
export interface BackoffOptions {
  /** Smallest delay, in milliseconds (> 0). */
  readonly minDelayMs: number;
  /** Largest delay, in milliseconds (>= minDelayMs). */
  readonly maxDelayMs: number;
}

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): "full jitter" between `minDelayMs` and
 * `min(maxDelayMs, minDelayMs * 2^(attempt-1))`, so concurrent clients spread out.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(options.minDelayMs + random() * (ceiling - options.minDelayMs));
}

/** Throws a `RangeError` naming the option when backoff options are unusable. */
export function validateBackoff(options: BackoffOptions): void {
  if (!Number.isFinite(options.minDelayMs) || options.minDelayMs <= 0) {
    throw new RangeError(`minDelayMs must be a positive number of milliseconds, got ${options.minDelayMs}`);
  }
  if (!Number.isFinite(options.maxDelayMs) || options.maxDelayMs < options.minDelayMs) {
    throw new RangeError(`maxDelayMs must be a number >= minDelayMs (${options.minDelayMs}), got ${options.maxDelayMs}`);
  }
}

export interface RetryOptions extends BackoffOptions {
  readonly clock: Clock;
  readonly random: () => number;
  /** Absolute deadline (clock milliseconds); no attempt starts after it. */
  readonly deadlineAt: number;
  /** What is being attempted, for the timeout message. */
  readonly what: string;
  /** Called before each retry with the error and the delay chosen. */
  readonly onRetry?: (error: Error, attempt: number, delayMs: number) => void;
  readonly signal?: AbortSignal;
}

/**
 * Runs `call` until it succeeds, throws a non-retryable error, or the next attempt would start
 * after the deadline. The caller passes the same request (same ClientToken) on every attempt.
 *
 * @throws the call's own error when it is not retryable
 * @throws {@link WaitTimeoutError} (with the last error as `cause`) when retryable errors outlast the deadline
 */
export async function withRetry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  validateBackoff(options);
  const startedAt = options.clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (classify(error).retry === "never") throw error;
      const failure = error as Error;
      const delayMs = backoffDelayMs(attempt, options, options.random);
      const now = options.clock.now();
      if (now + delayMs > options.deadlineAt) {
        throw new WaitTimeoutError(options.what, now - startedAt, attempt, failure.message, { cause: failure });
      }
      options.onRetry?.(failure, attempt, delayMs);
      await options.clock.sleep(delayMs, options.signal);
    }
  }
}
