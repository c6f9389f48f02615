/**
 * Shares the account's mutation quota between the resources one provider process applies at once.
 *
 * ALB throttles Associate/Dissociate calls per account (200 per 60 s: `Limits` in contract/alb-contract.ts, sources in docs/alb-api-facts.md). If every
 * throttled call retried on its own backoff (up to 10 s), quota freed while they sleep would sit idle
 * and they would all come back at once. Instead, once a mutation is throttled the gate closes and the
 * process's mutations go one at a time, in arrival order: a call that gets through lets the next one go
 * at once (quota frees call by call as old calls leave the window), a throttled one pauses the queue
 * briefly (250 ms doubling to 1 s, jittered) before the next try. When a call gets through and no one
 * waits, the gate opens again and calls go freely.
 *
 * One gate per provider process. Only throttling is handled here; other errors go to the caller's
 * retry loop as before.
 */
import type { Clock } from "../base/clock";
import { THROTTLE_PROBE_MAX_DELAY_MS, THROTTLE_PROBE_MIN_DELAY_MS } from "../base/defaults";
import { AlbApiError, classify } from "../base/errors";
import { backoffDelayMs } from "./retry";

/** Whether the error is the service's flow control. */
export function isThrottlingError(error: unknown): error is AlbApiError {
  return error instanceof AlbApiError && classify(error).meaning === "throttled";
}

export class ThrottleGate {
  private closed = false;
  /** A call is on the wire on its turn (only while closed). */
  private holder = false;
  private pausing = false;
  /** Consecutive throttled turns, for the pause's backoff. */
  private throttledTurns = 0;
  /**
   * Waiters in order of their calls' first arrival; each is resolved with `true` when released as the one
   * call on its turn, with `false` when the gate opened.
   */
  private readonly queue: { readonly seq: number; readonly resolve: (onTurn: boolean) => void }[] = [];
  private arrivals = 0;
  /** Calls throttled so far (for progress and tests). */
  throttled = 0;

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number,
  ) {}

  /** Whether mutations currently queue (the last one was throttled and the queue has not drained yet). */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Runs `call` (one mutation, the same request on every try), absorbing throttling until `deadlineAt`;
   * then the throttling error is thrown. Any other outcome is returned or thrown as is.
   */
  async run<T>(call: () => Promise<T>, deadlineAt: number): Promise<T> {
    const seq = this.arrivals++;
    for (;;) {
      const onTurn = this.closed ? await this.turn(seq) : false;
      try {
        const result = await call();
        this.settled(onTurn, "through");
        return result;
      } catch (error) {
        if (!isThrottlingError(error)) {
          this.settled(onTurn, "other");
          throw error;
        }
        this.throttled++;
        this.settled(onTurn, "throttled");
        if (this.clock.now() >= deadlineAt) throw error;
      }
    }
  }

  /** Waits for this call's turn; a throttled call keeps its place ahead of calls that arrived after it. */
  private turn(seq: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const index = this.queue.findIndex((w) => w.seq > seq);
      this.queue.splice(index === -1 ? this.queue.length : index, 0, { seq, resolve });
      this.pump();
    });
  }

  private settled(onTurn: boolean, outcome: "through" | "throttled" | "other"): void {
    if (onTurn) this.holder = false;
    if (outcome === "throttled") {
      this.closed = true;
      if (!this.pausing) {
        this.pausing = true;
        const delay = backoffDelayMs(++this.throttledTurns, { minDelayMs: THROTTLE_PROBE_MIN_DELAY_MS, maxDelayMs: THROTTLE_PROBE_MAX_DELAY_MS }, this.random);
        void this.clock.sleep(delay).then(() => {
          this.pausing = false;
          this.pump();
        });
      }
      return;
    }
    if (outcome === "through" && onTurn) {
      this.throttledTurns = 0;
      if (this.queue.length === 0 && !this.pausing) this.closed = false;
    }
    this.pump();
  }

  private pump(): void {
    if (!this.closed) {
      for (const waiter of this.queue.splice(0)) waiter.resolve(false);
      return;
    }
    if (this.holder || this.pausing) return;
    const next = this.queue.shift();
    if (next) {
      this.holder = true;
      next.resolve(true);
    }
  }
}
