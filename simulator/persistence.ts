/**
 * The world's records in and out of their two written forms: a validated fixture (`fixture.ts`) becomes a
 * fresh world; a state file's content (`state.ts`) becomes the world it was, with its ID generators, job
 * counter and behaviour; and the world becomes a state file's content again (`AlbBackend.exportState`, which
 * `--state` writes after every change). The indexes the backend's rules keep (jobs still Processing, read
 * lags, lingering rows, listeners by load balancer) are derived from these records, and the throttling window
 * and request log are not persisted.
 */
import type { Behaviour } from "./behaviour";
import { certificateDetailsOf, type AccessKey, type CertificateDetails, type CertificateType, type Limits, type ResolvedFixture } from "./fixture";
import { SeededRandom } from "./random";
import { STATE_FORMAT, STATE_VERSION, type PersistedState } from "./state";
import type { JobRecord, ListenerRecord } from "./transitions";

/** Mixed into the seed of the job-duration jitter's generator (any constant; fixed so that runs replay). */
export const JOB_RANDOM_SALT = 0x6a09e667;

/** What a ClientToken recorded: the request it came with (action, listener, certificate set) and its job. */
export interface ClientTokenRecord {
  readonly fingerprint: string;
  readonly jobId: string;
}

/** The records of a world, as a fixture or a state file gives them. */
export interface WorldRecords {
  readonly regionId: string;
  readonly limits: Limits;
  /** The keys of the world itself (persisted even when the backend's `accessKeys` option overrides them). */
  readonly accessKeys: readonly AccessKey[];
  readonly certificates: Map<string, CertificateType>;
  /** What CAS knows about the certificates that exist there (by ALB certificate ID). */
  readonly certificateDetails: Map<string, CertificateDetails>;
  readonly listeners: Map<string, ListenerRecord>;
  readonly jobs: Map<string, JobRecord>;
  readonly clientTokens: Map<string, ClientTokenRecord>;
}

/** What a state file holds besides the records: where the generators stand, the next job's number, the behaviour. */
export interface WorldProgress {
  readonly random: SeededRandom;
  /** The job-duration jitter's own generator. */
  readonly jobRandom: SeededRandom;
  readonly nextJobSeq: number;
  readonly behaviour: Behaviour;
}

/** A fresh world from a validated fixture: its listeners' additional certificates Associated, no job, no ClientToken. */
export function recordsFromFixture(fixture: ResolvedFixture): WorldRecords {
  return {
    regionId: fixture.regionId,
    limits: fixture.limits,
    accessKeys: fixture.accessKeys,
    certificates: new Map(fixture.certificates.map((cert) => [cert.certificateId, cert.type])),
    certificateDetails: new Map(fixture.certificates.flatMap((cert) => (cert.details === undefined ? [] : [[cert.certificateId, certificateDetailsOf(cert.details)] as const]))),
    listeners: new Map(fixture.listeners.map((listener) => [listener.listenerId, {
      listenerId: listener.listenerId,
      loadBalancerId: listener.loadBalancerId,
      protocol: listener.protocol,
      port: listener.port,
      status: listener.status,
      defaultCertificateId: listener.defaultCertificateId,
      additional: new Map(listener.additionalCertificateIds.map((id) => [id, "Associated" as const])),
      configuringUntilMs: 0,
      lingering: new Map(),
      caCertificateId: listener.caCertificateId,
    }])),
    jobs: new Map(),
    clientTokens: new Map(),
  };
}

/**
 * The world a state file's content describes. A file without the job-duration generator's state (written
 * before it had one) gets a generator seeded with {@link JOB_RANDOM_SALT}.
 */
export function restoreState(state: PersistedState): WorldRecords & WorldProgress {
  return {
    regionId: state.regionId,
    limits: state.limits,
    accessKeys: state.accessKeys,
    certificates: new Map(state.certificates.map((cert) => [cert.certificateId, cert.type])),
    certificateDetails: new Map(state.certificates.flatMap((cert) => (cert.details === undefined ? [] : [[cert.certificateId, { ...cert.details, sans: [...cert.details.sans] }] as const]))),
    listeners: new Map(state.listeners.map((listener) => [listener.listenerId, {
      ...listener,
      additional: new Map(listener.additional.map((row) => [row.certificateId, row.status])),
      lingering: new Map(listener.lingering.map((row) => [row.certificateId, row.vanishAtMs])),
    }])),
    jobs: new Map(state.jobs.map((job) => [job.jobId, { ...job }])),
    clientTokens: new Map(state.clientTokens.map(({ clientToken, fingerprint, jobId }) => [clientToken, { fingerprint, jobId }])),
    random: SeededRandom.fromState(state.random),
    jobRandom: state.jobRandom === undefined ? new SeededRandom(JOB_RANDOM_SALT) : SeededRandom.fromState(state.jobRandom),
    nextJobSeq: state.nextJobSeq,
    behaviour: state.behaviour,
  };
}

/** The content of a state file for the world: the current layout ({@link STATE_VERSION}). */
export function persistState(records: WorldRecords, progress: WorldProgress): PersistedState {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    regionId: records.regionId,
    accessKeys: records.accessKeys,
    limits: records.limits,
    certificates: [...records.certificates].map(([certificateId, type]) => {
      const details = records.certificateDetails.get(certificateId);
      return { certificateId, type, ...(details === undefined ? {} : { details }) };
    }),
    listeners: [...records.listeners.values()].map((listener) => ({
      listenerId: listener.listenerId,
      loadBalancerId: listener.loadBalancerId,
      protocol: listener.protocol,
      port: listener.port,
      status: listener.status,
      defaultCertificateId: listener.defaultCertificateId,
      additional: [...listener.additional].map(([certificateId, status]) => ({ certificateId, status })),
      configuringUntilMs: listener.configuringUntilMs,
      lingering: [...listener.lingering].map(([certificateId, vanishAtMs]) => ({ certificateId, vanishAtMs })),
      caCertificateId: listener.caCertificateId,
    })),
    jobs: [...records.jobs.values()].map((job) => ({ ...job })),
    clientTokens: [...records.clientTokens].map(([clientToken, record]) => ({ clientToken, ...record })),
    random: progress.random.state(),
    jobRandom: progress.jobRandom.state(),
    nextJobSeq: progress.nextJobSeq,
    behaviour: progress.behaviour,
  };
}
