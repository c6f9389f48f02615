/**
 * Fixtures of the benchmark and the provider-direct world: a simulator and a provider process talking
 * to it over real HTTP through `@alicloud/pop-core`, both on one {@link BenchClock}.
 */
import type { AlbApi } from "../provider/alb-client";
import { createAlbClient } from "../provider/alb-client";
import { ListenerCoordinator } from "../provider/coordinator";
import { JobTimings } from "../provider/job-timing";
import { createDefaultProvider, type ListenerCertificatesProvider } from "../provider/provider";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, startSimulator, type Fixture, type RunningSimulator } from "../simulator";
import { SeededRandom } from "../simulator/random";
import { BenchClock } from "./bench-clock";

export const REGION = "cn-hangzhou";
/** Quota of additional certificates per listener in the benchmark's worlds: the largest ALB grants. */
export const BENCH_QUOTA = 300;
const DEFAULT_CERTIFICATE = "30000000-cn-hangzhou";

/** Listener `index` of a benchmark world. Also computed by bench/programs/fleet/index.ts: keep in step. */
export function benchListenerId(index: number): string {
  return `lsn-bench-${String(index).padStart(4, "0")}`;
}

/**
 * Certificate `j` of generation `generation` (0: the set before the rotation, 1: after) of listener
 * `index`. Also computed by bench/programs/fleet/index.ts: keep in step.
 */
export function benchCertificateId(index: number, generation: number, j: number): string {
  return `${31_000_000 + index * 1_000 + generation * 500 + j}-${REGION}`;
}

/** The certificate set of a listener in one generation. */
export function benchCertificates(index: number, generation: number, count: number): string[] {
  return Array.from({ length: count }, (_, j) => benchCertificateId(index, generation, j));
}

export interface WorldShape {
  /** Number of HTTPS listeners. */
  readonly listeners: number;
  /** Certificates per listener per generation. */
  readonly certificates: number;
  /** Mutations per throttling window. @default 200 */
  readonly mutationsPerWindow?: number;
  /** Throttling window, ms. @default 60000 */
  readonly rateWindowMs?: number;
}

/**
 * N HTTPS listeners, each holding generation 0 of its certificates; the catalogue also has generation 1.
 * The quota is raised to {@link BENCH_QUOTA} so that a rotation (new set associated before the old one
 * goes) of up to 150 certificates fits.
 */
export function benchFixture(shape: WorldShape): Fixture {
  const certificates: { certificateId: string; type: "Server" }[] = [{ certificateId: DEFAULT_CERTIFICATE, type: "Server" }];
  const listeners = [];
  for (let i = 0; i < shape.listeners; i++) {
    for (const generation of [0, 1]) {
      for (const certificateId of benchCertificates(i, generation, shape.certificates)) certificates.push({ certificateId, type: "Server" });
    }
    listeners.push({
      listenerId: benchListenerId(i),
      loadBalancerId: `alb-bench${String(Math.floor(i / 50)).padStart(3, "0")}`,
      protocol: "HTTPS" as const,
      port: 443 + (i % 50),
      defaultCertificateId: DEFAULT_CERTIFICATE,
      additionalCertificateIds: benchCertificates(i, 0, shape.certificates),
    });
  }
  return {
    regionId: REGION,
    certificates,
    listeners,
    limits: {
      maxAdditionalCertificatesPerListener: BENCH_QUOTA,
      // A simulated world: 50 listeners share a load balancer here, each with the largest quota ALB grants one.
      maxAdditionalCertificatesPerLoadBalancer: BENCH_QUOTA * 50,
      mutationsPerWindow: shape.mutationsPerWindow ?? 200,
      rateWindowMs: shape.rateWindowMs ?? 60_000,
    },
  };
}

/** A deterministic `() => number` in [0, 1). */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

/** Job timings that never learn: every wait polls on the cold schedule, as before the provider learned job durations. */
class ColdJobTimings extends JobTimings {
  override record(): void {}
}

export interface DirectWorld {
  readonly clock: BenchClock;
  readonly sim: RunningSimulator;
  /**
   * A fresh provider process (own coordinator and learned job timings), as each `pulumi up` starts one.
   * With `learn: false` it never learns job durations (the cold poll schedule throughout).
   */
  newProvider(seed?: number, learn?: boolean): { provider: ListenerCertificatesProvider; logs: string[]; warnings: string[] };
  close(): Promise<void>;
}

/** Starts a simulator on a virtual clock with the given world. */
export async function startDirectWorld(fixture: Fixture, jobMs: number): Promise<DirectWorld> {
  const clock = new BenchClock(Date.now());
  const sim = await startSimulator({ clock, sleep: (ms) => clock.sleep(ms), jobMs, fixture, seed: 1, timestampSkewMs: Number.MAX_SAFE_INTEGER });
  const config: Record<string, string> = {
    "alicloud:region": REGION,
    "alb-listener-certificates:endpoint": sim.endpoint,
    "alb-listener-certificates:maxCertificatesPerListener": String(BENCH_QUOTA),
  };
  const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_ACCESS_KEY_SECRET };
  let processes = 0;
  const newProvider = (seed = 1, learn = true) => {
    const logs: string[] = [];
    const warnings: string[] = [];
    const name = `p${++processes}`;
    let tokens = 0;
    const provider = createDefaultProvider({
      clock,
      random: seededRandom(seed),
      newToken: () => `${name}-${++tokens}`,
      log: (line) => logs.push(line),
      warn: (line) => warnings.push(line),
      environment: (cfg) => ({ env, config: cfg, readFile: () => undefined, homeDir: "/nonexistent-home" }),
      coordinator: new ListenerCoordinator(),
      jobTimings: learn ? new JobTimings() : new ColdJobTimings(),
      createApi: (endpoint, credentials) => {
        const api = createAlbClient({ endpoint, credentials });
        const wrap =
          <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
          (...args: A): Promise<R> =>
            clock.track(() => method.apply(api, args));
        const tracked: AlbApi = {
          listListenerCertificates: wrap(api.listListenerCertificates),
          getListenerAttribute: wrap(api.getListenerAttribute),
          associateAdditionalCertificates: wrap(api.associateAdditionalCertificates),
          dissociateAdditionalCertificates: wrap(api.dissociateAdditionalCertificates),
          listAsyncJobs: wrap(api.listAsyncJobs),
        };
        return tracked;
      },
    });
    void provider.configure({ config: { get: (k: string) => config[k], require: (k: string) => config[k]! } });
    return { provider, logs, warnings };
  };
  return { clock, sim, newProvider, close: () => sim.close() };
}
