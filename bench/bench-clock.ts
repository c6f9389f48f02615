/**
 * Virtual time for the provider-direct benchmark scenarios. Provider and simulator share this clock;
 * `sleep` never waits for real. Time jumps to the earliest pending wake-up only when no API request is
 * in flight (requests are wrapped in {@link BenchClock.track}) and the event loop stayed idle for a few
 * turns, so a job of T takes T of virtual time however many tasks wait on it, and concurrent tasks
 * (the per-certificate model's parallel resources) interleave as they would on real timers.
 *
 * Virtual time counts the sleeps only: an API request takes no virtual time.
 */
import type { Clock } from "../provider/clock";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

export class BenchClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;
  private inFlight = 0;
  private scheduled = false;

  constructor(start = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve };
      let index = this.timers.findIndex((t) => t.at > timer.at);
      if (index === -1) index = this.timers.length;
      this.timers.splice(index, 0, timer);
      signal?.addEventListener(
        "abort",
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          reject(signal.reason as Error);
        },
        { once: true },
      );
      this.kick();
    });
  }

  /** Runs `work` (one API request) with time frozen until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      this.kick();
    }
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.tick(0));
  }

  private tick(idleTurns: number): void {
    this.scheduled = false;
    if (this.inFlight > 0 || this.timers.length === 0) return;
    if (idleTurns < 3) {
      // Let work started by promises that just resolved register first (a request, another sleep).
      this.scheduled = true;
      setImmediate(() => this.tick(idleTurns + 1));
      return;
    }
    const timer = this.timers.shift()!;
    this.current = Math.max(this.current, timer.at);
    timer.resolve();
    this.kick();
  }
}
