import type { Clock } from "../../provider/clock";

/**
 * A clock whose `sleep` advances time instantly and records each delay, so waits and retries run in
 * microseconds and their schedule can be asserted. Share one instance with the simulator to make
 * its asynchronous jobs progress exactly as the provider waits.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = Date.UTC(2026, 10, 27, 12, 0, 0)) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.current += Math.max(0, ms);
    // Yield so concurrent tasks interleave as they would with real timers.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A deterministic `random` (a fixed sequence, repeated). */
export function sequenceRandom(values: readonly number[] = [0.5]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0.5;
}
