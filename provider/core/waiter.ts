/**
 * A poller in the style of Smithy's waiters: `poll` returns what happened (success, failure,
 * timeout, aborted) with what it observed; `waitFor` turns the non-success outcomes into errors.
 */
import type { Clock } from "../base/clock";
import { WaitTimeoutError } from "../base/errors";
import { backoffDelayMs, validateBackoff, type BackoffOptions } from "./retry";

/** What one look at the world says. */
export type CheckOutcome<T> =
  | { readonly state: "retry"; readonly observed: string }
  | { readonly state: "success"; readonly value: T }
  | { readonly state: "failure"; readonly error: Error };

/** How a poll ended. */
export type PollResult<T> =
  | { readonly state: "success"; readonly value: T; readonly attempts: number; readonly elapsedMs: number }
  | { readonly state: "failure"; readonly error: Error; readonly attempts: number; readonly elapsedMs: number }
  | { readonly state: "timeout"; readonly observed: string; readonly attempts: number; readonly elapsedMs: number }
  | { readonly state: "aborted"; readonly observed: string; readonly attempts: number; readonly elapsedMs: number };

export interface PollOptions extends BackoffOptions {
  readonly clock: Clock;
  readonly random: () => number;
  /** Absolute deadline (clock milliseconds). A last check runs at the deadline itself. */
  readonly deadlineAt: number;
  /** Delay before the first check, in milliseconds (default 0: look at once). */
  readonly firstDelayMs?: number;
  /**
   * Until this many milliseconds after the poll started, checks come every `minDelayMs` exactly (the window in
   * which the awaited thing is expected to happen); after it, the jittered backoff starts from `minDelayMs`.
   * Default 0: backoff from the first check on.
   */
  readonly steadyUntilMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Calls `check` until it reports success or failure, sleeping with jittered exponential backoff
 * between attempts, and never past `deadlineAt`.
 *
 * @throws RangeError when an option is invalid (the message names it)
 */
export async function poll<T>(check: (attempt: number) => Promise<CheckOutcome<T>>, options: PollOptions): Promise<PollResult<T>> {
  validateBackoff(options);
  if (!Number.isFinite(options.deadlineAt)) throw new RangeError(`deadlineAt must be a finite time, got ${options.deadlineAt}`);
  const firstDelayMs = options.firstDelayMs ?? 0;
  if (!Number.isFinite(firstDelayMs) || firstDelayMs < 0) {
    throw new RangeError(`firstDelayMs must be a non-negative number of milliseconds, got ${firstDelayMs}`);
  }
  const steadyUntilMs = options.steadyUntilMs ?? 0;
  if (!Number.isFinite(steadyUntilMs) || steadyUntilMs < 0) {
    throw new RangeError(`steadyUntilMs must be a non-negative number of milliseconds, got ${steadyUntilMs}`);
  }
  const { clock } = options;
  const startedAt = clock.now();
  const elapsed = () => clock.now() - startedAt;
  let observed = "nothing yet";
  let attempts = 0;
  /** Sleeps of the backoff so far (the steady window's do not count). */
  let backoffSleeps = 0;
  let delayMs = Math.min(firstDelayMs, Math.max(0, options.deadlineAt - startedAt));
  for (;;) {
    if (delayMs > 0) {
      try {
        await clock.sleep(delayMs, options.signal);
      } catch {
        return { state: "aborted", observed, attempts, elapsedMs: elapsed() };
      }
    }
    if (options.signal?.aborted) return { state: "aborted", observed, attempts, elapsedMs: elapsed() };
    attempts++;
    const outcome = await check(attempts);
    if (outcome.state === "success") return { state: "success", value: outcome.value, attempts, elapsedMs: elapsed() };
    if (outcome.state === "failure") return { state: "failure", error: outcome.error, attempts, elapsedMs: elapsed() };
    observed = outcome.observed;
    const remainingMs = options.deadlineAt - clock.now();
    if (remainingMs <= 0) return { state: "timeout", observed, attempts, elapsedMs: elapsed() };
    // The last sleep is shortened so that one final check happens exactly at the deadline.
    const steady = elapsed() < steadyUntilMs;
    delayMs = Math.min(steady ? options.minDelayMs : backoffDelayMs(++backoffSleeps, options, options.random), remainingMs);
  }
}

/**
 * {@link poll}, throwing on anything but success.
 *
 * @throws the check's own error on failure
 * @throws {@link WaitTimeoutError} on timeout or abort
 */
export async function waitFor<T>(what: string, check: (attempt: number) => Promise<CheckOutcome<T>>, options: PollOptions): Promise<{ value: T; attempts: number; elapsedMs: number }> {
  const result = await poll(check, options);
  switch (result.state) {
    case "success":
      return { value: result.value, attempts: result.attempts, elapsedMs: result.elapsedMs };
    case "failure":
      throw result.error;
    case "timeout":
      throw new WaitTimeoutError(what, result.elapsedMs, result.attempts, result.observed);
    case "aborted":
      throw new WaitTimeoutError(`${what} (interrupted)`, result.elapsedMs, result.attempts, result.observed);
  }
}
