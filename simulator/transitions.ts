/**
 * Lazy progression of asynchronous certificate jobs, in the manner of moto's managed state: nothing runs
 * in the background. Every read or write first calls {@link settleDueJobs} with the injected clock's
 * `now`, which finishes each job whose time has come, in the order the jobs would have finished.
 *
 * A job started at `t` with `jobMs = d` is Processing while `now < t + d` and finished from `t + d` on.
 * While it runs its certificates show `Associating` / `Dissociating` and the listener shows
 * `Configuring`. When it succeeds, associated rows become `Associated` and dissociated rows disappear
 * (Terraform also treats "row gone" as done), or, under the `lingeringRowsMs` behaviour, stay listed as
 * `Dissociated` for that long and then disappear. When it fails (an injected `jobFail` fault), each
 * certificate returns to where it was before the job.
 */
import { Action, type CertificateStatus, type JobStatus, type MutationAction } from "../contract/alb-contract";
import type { JobFailure } from "./faults";
import type { ListenerProtocol, ListenerStatus } from "./fixture";

/** Status of an additional certificate on a listener, as the simulator stores it (canonical spelling). */
export type AdditionalCertificateStatus = Extract<CertificateStatus, "Associating" | "Associated" | "Dissociating">;

/** What a certificate row looked like before a job touched it: a served row, a lingering `Dissociated` row, or none. */
export type PreviousRowStatus = Extract<CertificateStatus, "Associated" | "Dissociated"> | null;
export type { JobStatus };

/** How a job will fail, decided when it starts (an injected `jobFail` fault; defined with the fault kinds). */
export type { JobFailure } from "./faults";

/** A job as the backend stores and persists it. */
export interface JobRecord {
  readonly jobId: string;
  /** Creation order, used for stable listing. */
  readonly seq: number;
  readonly apiName: MutationAction;
  readonly listenerId: string;
  readonly certificateIds: readonly string[];
  /** Clock time the job started, ms. */
  readonly createTimeMs: number;
  /** Clock time the job finishes, ms (`createTimeMs + jobMs`). */
  readonly endTimeMs: number;
  status: JobStatus;
  readonly failure: JobFailure | null;
  /** How long the listener stays Configuring after the job ends (a `stuckConfiguring` fault), ms. */
  readonly stuckConfiguringMs: number;
  /**
   * The `readLagMs` behaviour: until this clock time (ms) reads show the job's certificates as
   * `previousStatuses` says and the listener as Running. Absent when the job started without a lag.
   */
  readonly readLagUntilMs?: number;
  /** Each certificate's row before the job, by ID (`null`: no row). Present with `readLagUntilMs`. */
  readonly previousStatuses?: Readonly<Record<string, PreviousRowStatus>>;
}

/** A listener as the backend stores and persists it. */
export interface ListenerRecord {
  readonly listenerId: string;
  readonly loadBalancerId: string;
  readonly protocol: ListenerProtocol;
  readonly port: number;
  /** The status set by the fixture or `setListenerStatus`; jobs overlay `Configuring` on `Running`. */
  status: ListenerStatus;
  readonly defaultCertificateId: string | null;
  /** Additional certificates by ID, in association order. */
  readonly additional: Map<string, AdditionalCertificateStatus>;
  /** Clock time until which the listener shows Configuring although no job runs, ms. */
  configuringUntilMs: number;
  /**
   * Rows of dissociated certificates still listed as `Dissociated` (the `lingeringRowsMs` behaviour): ID → the
   * clock time (ms) they vanish. Such a certificate is not on the listener: it is not in `additional`.
   */
  readonly lingering: Map<string, number>;
  /** The CA certificate of a mutual-TLS listener, or null. */
  readonly caCertificateId: string | null;
}

/** Whether `job` is Processing but its time is up at `nowMs`. */
export function isDue(job: JobRecord, nowMs: number): boolean {
  return job.status === "Processing" && nowMs >= job.endTimeMs;
}

/**
 * Applies the end of `job` to its listener: the outcome on the certificate rows and any stuck period. A
 * dissociated row lingers as `Dissociated` until `endTimeMs + lingeringRowsMs` when that is positive.
 */
export function finishJob(job: JobRecord, listener: ListenerRecord | undefined, lingeringRowsMs = 0): void {
  job.status = job.failure === null ? "Succeeded" : "Failed";
  if (listener === undefined) return;
  const associating = job.apiName === Action.associate;
  for (const certificateId of job.certificateIds) {
    const succeeded = job.failure === null;
    if (associating === succeeded) {
      // An associate that succeeded, or a dissociate that failed: the certificate is (again) served.
      if (listener.additional.has(certificateId)) listener.additional.set(certificateId, "Associated");
    } else {
      // An associate that failed, or a dissociate that succeeded: the row goes (or lingers as Dissociated).
      const wasOnListener = listener.additional.delete(certificateId);
      if (wasOnListener && !associating && lingeringRowsMs > 0) listener.lingering.set(certificateId, job.endTimeMs + lingeringRowsMs);
    }
  }
  if (job.stuckConfiguringMs > 0) {
    listener.configuringUntilMs = Math.max(listener.configuringUntilMs, job.endTimeMs + job.stuckConfiguringMs);
  }
}

/**
 * Finishes every job that is due at `nowMs`, earliest end first.
 *
 * @returns the jobs that finished now (empty when nothing changed).
 */
export function settleDueJobs(
  pending: Iterable<JobRecord>,
  listeners: ReadonlyMap<string, ListenerRecord>,
  nowMs: number,
  lingeringRowsMs = 0,
): JobRecord[] {
  const due = [...pending].filter((job) => isDue(job, nowMs)).sort((a, b) => a.endTimeMs - b.endTimeMs || a.seq - b.seq);
  for (const job of due) finishJob(job, listeners.get(job.listenerId), lingeringRowsMs);
  return due;
}

/**
 * Removes the lingering `Dissociated` rows whose time is up at `nowMs`.
 *
 * @returns whether any row was removed.
 */
export function pruneLingeringRows(listeners: Iterable<ListenerRecord>, nowMs: number): boolean {
  let removed = false;
  for (const listener of listeners) {
    for (const [certificateId, vanishAtMs] of listener.lingering) {
      if (nowMs >= vanishAtMs) {
        listener.lingering.delete(certificateId);
        removed = true;
      }
    }
  }
  return removed;
}

/**
 * The status ALB reports for `listener` at `nowMs`: its own status unless that is Running, in which case
 * a running job or a stuck period shows as Configuring.
 */
export function effectiveListenerStatus(listener: ListenerRecord, hasProcessingJob: boolean, nowMs: number): ListenerStatus {
  if (listener.status !== "Running") return listener.status;
  return hasProcessingJob || nowMs < listener.configuringUntilMs ? "Configuring" : "Running";
}
