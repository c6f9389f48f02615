/**
 * The test kit's one virtual clock, and deterministic sources of randomness.
 *
 * `sleep` never waits for real. It registers a wake-up at `now + ms`; the clock moves to the earliest
 * wake-up once no tracked API request is in flight (see {@link VirtualClock.track}) and the event loop
 * stayed idle for {@link IDLE_TURNS} turns. So a job of T takes T of virtual time however many tasks wait
 * on it, concurrent tasks interleave as they would on real timers, and a single task sees time advance by
 * exactly what it slept. An API request takes no virtual time.
 *
 * Unit tests read {@link VirtualClock.sleeps} to assert a schedule; worlds share one clock between the
 * simulator (its jobs, throttling window and delayed answers) and every provider process.
 */
import type { Clock } from "../../provider/base/clock";
import { SeededRandom } from "../../simulator/random";

/**
 * Event-loop turns with nothing tracked in flight before time jumps: enough for work that a resolved
 * promise starts (another request, another sleep, the engine stand-in's next registration, which waits
 * one turn) to register first.
 */
export const IDLE_TURNS = 3;

interface Timer {
  readonly at: number;
  readonly resolve: () => void;
}

/** Virtual time for many concurrent tasks; implements the provider's {@link Clock}. */
export class VirtualClock implements Clock {
  /** The `ms` of every sleep started (not refused for an already aborted signal), in call order. */
  readonly sleeps: number[] = [];
  private current: number;
  /** Pending wake-ups, earliest first; equal times keep their call order. */
  private timers: Timer[] = [];
  private inFlight = 0;
  private scheduled = false;

  /**
   * @param start the initial time, ms since the epoch. @default the real time: clients stamp requests with
   *   the wall clock and the simulator checks that stamp against this clock.
   */
  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Resolves once virtual time reached `now + ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { at: this.current + Math.max(0, ms), resolve };
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

  /** Moves time forward by `ms` at once (time passing between two deployments); wakes no sleeper by itself. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** Lets every pending wake-up fire (e.g. a delayed server answer), advancing time; resolves when none is left. */
  async drain(): Promise<void> {
    while (this.timers.length > 0 || this.inFlight > 0) {
      this.kick();
      await new Promise<void>((resolve) => setImmediate(resolve));
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
    if (idleTurns < IDLE_TURNS) {
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

/** A deterministic `() => number` in [0, 1) from a seed. */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

/** A deterministic `random`: a fixed sequence, repeated. */
export function sequenceRandom(values: readonly number[] = [0.5]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0.5;
}
