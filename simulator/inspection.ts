/**
 * How tests and the inspection routes see the world: the service's truth (no read lag, the canonical
 * `Dissociating` spelling), as `AlbBackend.listenerView`, `AlbBackend.snapshot` (`GET /_simulator/state`) and
 * the jobs of ListAsynJobs show it. Pure renderings of the backend's records; the backend settles due jobs and
 * decides each listener's status before it calls them.
 */
import type { MutationAction } from "../contract/alb-contract";
import type { Behaviour } from "./behaviour";
import type { CertificateDetails, CertificateType, Limits, ListenerProtocol, ListenerStatus } from "./fixture";
import { compareStrings } from "./paging";
import type { AdditionalCertificateStatus, JobRecord, JobStatus, ListenerRecord } from "./transitions";

/**
 * A listener as tests look at it: the service's truth with due transitions applied (no read lag; the
 * canonical `Dissociating` spelling).
 */
export interface ListenerView {
  readonly listenerId: string;
  readonly protocol: ListenerProtocol;
  readonly status: ListenerStatus;
  readonly defaultCertificateId: string | null;
  /** Additional certificates on the listener, sorted by ID. */
  readonly additional: readonly { readonly certificateId: string; readonly status: AdditionalCertificateStatus }[];
  /** Present when there are any: dissociated rows still listed as `Dissociated`, sorted by ID, with the clock time (ms) each vanishes. */
  readonly lingering?: readonly { readonly certificateId: string; readonly vanishAtMs: number }[];
  /** Present for a mutual-TLS listener: its CA certificate. */
  readonly caCertificateId?: string;
}

/** A job as ListAsynJobs and the inspection routes report it. */
export interface JobView {
  readonly jobId: string;
  readonly apiName: MutationAction;
  readonly status: JobStatus;
  readonly listenerId: string;
  readonly certificateIds: readonly string[];
  /** ms */
  readonly createTime: number;
  /** ms: the start while Processing, the end once finished. */
  readonly modifyTime: number;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** The whole world, as `GET /_simulator/state` returns it. Contains no secret. */
export interface WorldSnapshot {
  /** Clock time of the snapshot, ms. */
  readonly time: number;
  readonly regionId: string;
  readonly accessKeyIds: readonly string[];
  readonly limits: Limits;
  /** The catalogue; a certificate that exists in CAS carries its `details` (dates as epoch ms). */
  readonly certificates: readonly { readonly certificateId: string; readonly type: CertificateType; readonly details?: CertificateDetails }[];
  readonly listeners: readonly (ListenerView & { readonly loadBalancerId: string; readonly port: number })[];
  readonly jobs: readonly JobView[];
  readonly behaviour: Behaviour;
}

/** What a snapshot is made of: the world's records at `time`, due transitions applied. */
export interface SnapshotSource {
  readonly time: number;
  readonly regionId: string;
  /** The accepted keys' IDs. */
  readonly accessKeyIds: Iterable<string>;
  readonly limits: Limits;
  readonly certificates: ReadonlyMap<string, CertificateType>;
  readonly certificateDetails: ReadonlyMap<string, CertificateDetails>;
  readonly listeners: Iterable<ListenerRecord>;
  readonly jobs: Iterable<JobRecord>;
  readonly behaviour: Behaviour;
  /** The status the service gives a listener at `time` (its own, or Configuring while a job runs). */
  readonly statusOf: (listener: ListenerRecord) => ListenerStatus;
}

/** `listener` with `status` (the one the service gives it now). */
export function listenerView(listener: ListenerRecord, status: ListenerStatus): ListenerView {
  return {
    listenerId: listener.listenerId,
    protocol: listener.protocol,
    status,
    defaultCertificateId: listener.defaultCertificateId,
    additional: [...listener.additional]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([certificateId, status]) => ({ certificateId, status })),
    ...(listener.lingering.size === 0 ? {} : {
      lingering: [...listener.lingering]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([certificateId, vanishAtMs]) => ({ certificateId, vanishAtMs })),
    }),
    ...(listener.caCertificateId === null ? {} : { caCertificateId: listener.caCertificateId }),
  };
}

/** A job as reported: `modifyTime` is its start while Processing, its end once finished; the error of a Failed one. */
export function jobView(job: JobRecord): JobView {
  return {
    jobId: job.jobId,
    apiName: job.apiName,
    status: job.status,
    listenerId: job.listenerId,
    certificateIds: [...job.certificateIds],
    createTime: job.createTimeMs,
    modifyTime: job.status === "Processing" ? job.createTimeMs : job.endTimeMs,
    ...(job.status === "Failed" && job.failure !== null
      ? { errorCode: job.failure.errorCode, errorMessage: job.failure.errorMessage }
      : {}),
  };
}

/** The whole world, without secrets: listeners in their record order, then jobs in creation order. */
export function worldSnapshot(source: SnapshotSource): WorldSnapshot {
  return {
    time: source.time,
    regionId: source.regionId,
    accessKeyIds: [...source.accessKeyIds],
    limits: source.limits,
    certificates: [...source.certificates].map(([certificateId, type]) => {
      const details = source.certificateDetails.get(certificateId);
      return { certificateId, type, ...(details === undefined ? {} : { details }) };
    }),
    listeners: [...source.listeners].map((listener) => ({
      ...listenerView(listener, source.statusOf(listener)),
      loadBalancerId: listener.loadBalancerId,
      port: listener.port,
    })),
    jobs: [...source.jobs].map(jobView),
    behaviour: source.behaviour,
  };
}
