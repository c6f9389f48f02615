/**
 * Lazy progression of asynchronous certificate jobs, in the manner of moto's managed state: nothing runs
 * in the background. Every read or write first calls {@link settleDueJobs} with the injected clock's
 * `now`, which finishes each job whose time has come, in the order the jobs would have finished.
 *
 * A job started at `t` with `jobMs = d` is Processing while `now < t + d` and finished from `t + d` on.
 * While it runs its certificates show `Associating` / `Dissociating` and the listener shows
 * `Configuring`. When it succeeds, associated rows become `Associated` and dissociated rows disappear
 * (ALB's `Dissociated` is not kept: Terraform also treats "row gone" as done). When it fails (an injected
 * `jobFail` fault), each certificate returns to where it was before the job.
 */
import { Action, type CertificateStatus, type JobStatus, type MutationAction } from "../contract/alb-contract";
import type { ListenerProtocol, ListenerStatus } from "./fixture";

/** Status of an additional certificate row in ListListenerCertificates, as the simulator stores it. */
export type AdditionalCertificateStatus = Extract<CertificateStatus, "Associating" | "Associated" | "Dissociating">;
export type { JobStatus };

/** How a job will fail, decided when it starts (an injected `jobFail` fault). */
export interface JobFailure {
  readonly errorCode: string;
  readonly errorMessage: string;
}

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
}

/** Whether `job` is Processing but its time is up at `nowMs`. */
export function isDue(job: JobRecord, nowMs: number): boolean {
  return job.status === "Processing" && nowMs >= job.endTimeMs;
}

/** Applies the end of `job` to its listener: the outcome on the certificate rows and any stuck period. */
export function finishJob(job: JobRecord, listener: ListenerRecord | undefined): void {
  job.status = job.failure === null ? "Succeeded" : "Failed";
  if (listener === undefined) return;
  const associating = job.apiName === Action.associate;
  for (const certificateId of job.certificateIds) {
    const succeeded = job.failure === null;
    if (associating === succeeded) {
      // An associate that succeeded, or a dissociate that failed: the certificate is (again) served.
      if (listener.additional.has(certificateId)) listener.additional.set(certificateId, "Associated");
    } else {
      listener.additional.delete(certificateId);
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
): JobRecord[] {
  const due = [...pending].filter((job) => isDue(job, nowMs)).sort((a, b) => a.endTimeMs - b.endTimeMs || a.seq - b.seq);
  for (const job of due) finishJob(job, listeners.get(job.listenerId));
  return due;
}

/**
 * The status ALB reports for `listener` at `nowMs`: its own status unless that is Running, in which case
 * a running job or a stuck period shows as Configuring.
 */
export function effectiveListenerStatus(listener: ListenerRecord, hasProcessingJob: boolean, nowMs: number): ListenerStatus {
  if (listener.status !== "Running") return listener.status;
  return hasProcessingJob || nowMs < listener.configuringUntilMs ? "Configuring" : "Running";
}
