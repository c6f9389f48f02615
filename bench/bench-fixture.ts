/**
 * The benchmark's worlds: N HTTPS listeners with generations of certificates to rotate between, and the
 * provider-direct world built on them with the test kit.
 */
import { REQUEST_TIMEOUT_MS } from "../provider/base/defaults";
import type { BehaviourInput, CertificateDetailsInput, Fixture, FixtureCertificate } from "../simulator";
import { startWorld, type World } from "../test/kit/world";

export const REGION = "cn-hangzhou";

/**
 * The service profile every benchmark world runs: the API metadata's 15 certificates per Dissociate call
 * (the stricter of the two published limits, which the provider is built to respect). The floors are
 * computed from what this profile accepts.
 */
export const BENCH_BEHAVIOUR = Object.freeze({ dissociateLimit15: true });
/** Quota of additional certificates per listener in the benchmark's worlds: the largest ALB grants. */
export const BENCH_QUOTA = 300;
/** Every benchmark listener's default certificate. */
export const BENCH_DEFAULT_CERTIFICATE = "30000000-cn-hangzhou";
const DEFAULT_CERTIFICATE = BENCH_DEFAULT_CERTIFICATE;

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
  /**
   * Every certificate has details in the Certificate Management Service ({@link benchCertificateDetails}), so
   * that a provider reading them finds each one, as a user's certificates are; `false`: CAS knows none of them
   * (it answers NotFound). @default true
   */
  readonly details?: boolean;
}

/** The common name of certificate `j` of listener `index` (both generations: generation 1 renews generation 0). */
export function benchCommonName(index: number, j: number): string {
  return `site-${j}.lsn-${String(index).padStart(4, "0")}.bench.example`;
}

/** The common name of the listeners' default certificate. */
export const BENCH_DEFAULT_COMMON_NAME = "default.bench.example";

/**
 * CAS details of a benchmark certificate, valid now and far from expiry: generation 1 is the renewal of
 * generation 0 (the same domain, issued 30 days later), so that a rotation either way leaves no domain
 * uncovered and adds no certificate close to its end. Dates relative to the simulator's clock.
 */
export function benchCertificateDetails(index: number, generation: number, j: number): CertificateDetailsInput {
  return { commonName: benchCommonName(index, j), notBefore: `now-${60 - 30 * generation}d`, notAfter: `now+${270 + 30 * generation}d` };
}

/**
 * N HTTPS listeners, each holding generation 0 of its certificates; the catalogue also has generation 1
 * (and, with `details`, CAS knows every certificate).
 * The quota is raised to {@link BENCH_QUOTA} so that a rotation (new set associated before the old one
 * goes) of up to 150 certificates fits.
 */
export function benchFixture(shape: WorldShape): Fixture {
  const withDetails = (details: CertificateDetailsInput): { details?: CertificateDetailsInput } => ((shape.details ?? true) ? { details } : {});
  const certificates: FixtureCertificate[] = [
    { certificateId: DEFAULT_CERTIFICATE, type: "Server", ...withDetails({ commonName: BENCH_DEFAULT_COMMON_NAME, notBefore: "now-30d", notAfter: "now+300d" }) },
  ];
  const listeners = [];
  for (let i = 0; i < shape.listeners; i++) {
    for (const generation of [0, 1]) {
      for (let j = 0; j < shape.certificates; j++) {
        certificates.push({ certificateId: benchCertificateId(i, generation, j), type: "Server", ...withDetails(benchCertificateDetails(i, generation, j)) });
      }
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
    behaviour: BENCH_BEHAVIOUR,
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

/**
 * A provider-direct world of `fixture` with jobs of `jobMs`: the simulator and fresh provider processes
 * (each as a `pulumi up` starts one) on the test kit's virtual clock, every process allowed the benchmark's
 * quota and the provider's own request timeout. `behaviour` is added to {@link BENCH_BEHAVIOUR}; `seed`
 * seeds the simulator.
 */
export function startBenchWorld(fixture: Fixture, jobMs: number, behaviour?: BehaviourInput, seed = 1): Promise<World> {
  return startWorld({
    fixture,
    jobMs,
    seed,
    ...(behaviour ? { behaviour: { ...BENCH_BEHAVIOUR, ...behaviour } } : {}),
    providers: {
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      config: { "alb-listener-certificates:maxCertificatesPerListener": String(BENCH_QUOTA) },
    },
  });
}
