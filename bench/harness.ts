/**
 * In-process harness for the chaos suite and the reliability tests: one simulator and any number of
 * provider instances ("processes", each with its own coordinator) talking to it over real HTTP through
 * `@alicloud/pop-core`, all on one {@link VirtualClock}.
 *
 * Virtual time: `sleep` never waits. Time jumps to the earliest sleeper only when no API request is in
 * flight, so a job of `jobMs` takes `jobMs` of virtual time however many tasks wait on it, concurrent
 * tasks interleave as they would on real timers, and hundreds of scenarios run in seconds. With
 * `serializeRequests` (the chaos default) one request is on the wire at a time, which makes a run with a
 * given seed replay the same request sequence; a `delay` fault then times the client out at once (the
 * error the real client throws on a read timeout) while the server answers `delayMs` of virtual time
 * later, so no real time decides anything.
 */
import { Action } from "../contract/alb-contract";
import type { AlbApi } from "../provider/alb-client";
import { createAlbClient, toApiError } from "../provider/alb-client";
import type { Clock } from "../provider/clock";
import { ListenerCoordinator } from "../provider/coordinator";
import { createDefaultProvider, type ListenerCertificatesProvider } from "../provider/provider";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, startSimulator, type FaultRule, type Fixture, type RunningSimulator } from "../simulator";
import { SeededRandom } from "../simulator/random";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * A clock for many concurrent tasks. `sleep(ms)` registers a wake-up at `now + ms`; the clock moves to the
 * earliest wake-up once nothing is in flight (see {@link track}) for a couple of event-loop turns.
 */
export class VirtualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private nextSeq = 0;
  private inFlight = 0;
  private scheduled = false;

  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.nextSeq++, resolve };
      let index = this.timers.findIndex((t) => t.at > timer.at);
      if (index === -1) index = this.timers.length;
      this.timers.splice(index, 0, timer);
      signal?.addEventListener("abort", () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal.reason as Error);
      }, { once: true });
      this.kick();
    });
  }

  /** Runs `work` (an API call) with time frozen until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      this.kick();
    }
  }

  /** Fires every pending wake-up (e.g. a delayed server answer), advancing time; resolves when none is left. */
  async drain(): Promise<void> {
    while (this.timers.length > 0 || this.inFlight > 0) {
      this.kick();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Moves time forward by `ms` (time passing between two deployments). */
  advance(ms: number): void {
    this.current += ms;
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.tick(0));
  }

  private tick(idleTurns: number): void {
    this.scheduled = false;
    if (this.inFlight > 0 || this.timers.length === 0) return;
    if (idleTurns < 2) {
      // Let work started by just-resolved promises register (a request, another sleep) first.
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

/** Runs tasks one at a time, in call order. */
export class RequestGate {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}

/** A deterministic `() => number` in [0, 1) from a seed. */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

/** Options of {@link startWorld}. */
export interface WorldOptions {
  readonly fixture?: Fixture;
  readonly jobMs?: number;
  readonly seed?: number;
  readonly faults?: readonly FaultRule[];
  /** One request on the wire at a time (reproducible runs). @default true */
  readonly serializeRequests?: boolean;
  /** Read timeout of each provider request, real ms. @default 2000 */
  readonly requestTimeoutMs?: number;
  /** Stack config every provider sees (region and endpoint are added). */
  readonly config?: Record<string, string>;
  /** Credentials in the providers' environment. @default the demo key */
  readonly credentials?: { readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken?: string };
  /** Keys the simulator accepts. @default the fixture's (the demo key) */
  readonly accessKeys?: readonly { readonly accessKeyId: string; readonly accessKeySecret: string }[];
}

/** One provider process of a {@link World}, with what it printed. */
export interface ProviderProcess {
  readonly name: string;
  readonly provider: ListenerCertificatesProvider;
  readonly coordinator: ListenerCoordinator;
  /** Progress lines. */
  readonly logs: string[];
  /** Warnings. */
  readonly warnings: string[];
  /** API calls made (method calls on the client, each possibly several HTTP requests). */
  readonly calls: { count: number };
}

/** A simulator plus the means to start provider processes against it. */
export interface World {
  readonly clock: VirtualClock;
  readonly sim: RunningSimulator;
  readonly config: Record<string, string>;
  /** A new provider process (own coordinator, own token sequence); `name` prefixes its ClientTokens. */
  newProcess(name: string, seed?: number): ProviderProcess;
  close(): Promise<void>;
}

/** Starts a simulator on a virtual clock. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const clock = new VirtualClock(Date.now());
  const gate = options.serializeRequests === false ? undefined : new RequestGate();
  /** Serialized mode: times out the one call on the wire (its request is held by a `delay` fault). */
  let stall: (() => void) | undefined;
  const sim = await startSimulator({
    clock,
    sleep: (ms) => {
      const timeOut = stall;
      stall = undefined;
      timeOut?.();
      return clock.sleep(ms);
    },
    jobMs: options.jobMs ?? 1000,
    fixture: options.fixture,
    seed: options.seed ?? 1,
    faults: options.faults,
    accessKeys: options.accessKeys,
    timestampSkewMs: Number.MAX_SAFE_INTEGER,
  });
  const config: Record<string, string> = {
    "alicloud:region": "cn-hangzhou",
    "alb-listener-certificates:endpoint": sim.endpoint,
    ...options.config,
  };
  const credentials = options.credentials ?? { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET };
  const env: Record<string, string> = {
    ALIBABA_CLOUD_ACCESS_KEY_ID: credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: credentials.accessKeySecret,
    ...(credentials.securityToken === undefined ? {} : { ALIBABA_CLOUD_SECURITY_TOKEN: credentials.securityToken }),
  };
  const timeoutMs = options.requestTimeoutMs ?? 2_000;

  const newProcess = (name: string, seed = 1): ProviderProcess => {
    const logs: string[] = [];
    const warnings: string[] = [];
    const calls = { count: 0 };
    const coordinator = new ListenerCoordinator();
    let tokens = 0;
    const provider = createDefaultProvider({
      clock,
      random: seededRandom(seed),
      newToken: () => `${name}-${++tokens}`,
      log: (line) => logs.push(line),
      warn: (line) => warnings.push(line),
      environment: (cfg) => ({ env, config: cfg, readFile: () => undefined, homeDir: "/nonexistent-home" }),
      coordinator,
      createApi: (endpoint, creds) => {
        const api = createAlbClient({ endpoint, credentials: creds, timeoutMs });
        const wrap = <A extends unknown[], R>(action: string, method: (...args: A) => Promise<R>) =>
          (...args: A): Promise<R> => {
            calls.count++;
            if (!gate) return clock.track(() => method.apply(api, args));
            return clock.track(() => gate.run(() => new Promise<R>((resolve, reject) => {
              stall = () => reject(toApiError({ name: "RequestTimeoutError", message: `ReadTimeout(${timeoutMs})` }, action, {}));
              method.apply(api, args).then(resolve, reject);
            }).finally(() => {
              stall = undefined;
            })));
          };
        const wrapped: AlbApi = {
          listListenerCertificates: wrap(Action.listListenerCertificates, api.listListenerCertificates),
          getListenerAttribute: wrap(Action.getListenerAttribute, api.getListenerAttribute),
          associateAdditionalCertificates: wrap(Action.associate, api.associateAdditionalCertificates),
          dissociateAdditionalCertificates: wrap(Action.dissociate, api.dissociateAdditionalCertificates),
          listAsyncJobs: wrap(Action.listAsynJobs, api.listAsyncJobs),
        };
        return wrapped;
      },
    });
    void provider.configure({ config: { get: (k: string) => config[k], require: (k: string) => config[k]! } });
    return { name, provider, coordinator, logs, warnings, calls };
  };

  return { clock, sim, config, newProcess, close: () => sim.close() };
}
