/**
 * The two directions of a certificate change, and the pure decision of whether a batch has settled.
 *
 * A batch is done when the live rows and the listener say so: every certificate `Associated` (associate),
 * or gone or `Dissociated` (dissociate), and the listener no longer `Configuring`. It has failed only on
 * positive evidence: the job reported `Failed`, or the rows were seen going through the transition and then
 * came back to where they started. A job that is not listed, rows that have not changed yet, either spelling
 * of the dissociating status: all mean "not yet" (the real service may lag behind its answer, and may not
 * list certificate jobs at all). Waiting is bounded by the caller's deadline.
 */
import {
  Action,
  CertificateStatus,
  ErrorCode,
  isDissociatingStatus,
  JobStatus,
  ListenerStatus,
  type MutationAction,
} from "../../contract/alb-contract";
import type { AlbApi, AsyncJob, MutationOptions, MutationResult } from "../transport/alb-client";

/** One direction of a certificate change, with everything that differs between the two. */
export interface Direction {
  readonly name: "associate" | "dissociate";
  readonly action: MutationAction;
  /** The error code meaning "part of this batch is already in the wanted state". */
  readonly alreadyDoneCode: string;
  /** "associated" / "dissociated", for progress lines. */
  readonly pastTense: string;
  /** "association" / "dissociation", for wait descriptions. */
  readonly noun: string;
  /** Sends the batch. */
  send(api: AlbApi, listenerId: string, certificateIds: readonly string[], options: MutationOptions): Promise<MutationResult>;
  /** Whether a certificate with this row status (undefined: no row) is where this direction takes it. */
  isSettled(status: string | undefined): boolean;
  /** Whether this row status shows this direction's job in progress. */
  isInTransition(status: string | undefined): boolean;
  /** Whether this row status is where the certificate was before this direction's job. */
  isWhereItStarted(status: string | undefined): boolean;
  /** Of `ids`, those still to send once the service said part of the batch is done, given what is present. */
  stillToSend(ids: readonly string[], present: ReadonlySet<string>): string[];
}

/** Associate: absent → `Associating` → `Associated`. */
export const ASSOCIATE: Direction = Object.freeze({
  name: "associate",
  action: Action.associate,
  alreadyDoneCode: ErrorCode.alreadyAssociated,
  pastTense: "associated",
  noun: "association",
  send: (api: AlbApi, listenerId: string, ids: readonly string[], options: MutationOptions) => api.associateAdditionalCertificates(listenerId, ids, options),
  isSettled: (status: string | undefined) => status === CertificateStatus.associated,
  isInTransition: (status: string | undefined) => status === CertificateStatus.associating,
  isWhereItStarted: (status: string | undefined) => status === undefined || status === CertificateStatus.dissociated,
  stillToSend: (ids: readonly string[], present: ReadonlySet<string>) => ids.filter((id) => !present.has(id)),
});

/** Dissociate: `Associated` → `Dissociating` (or `Diassociating`) → gone (or `Dissociated`). */
export const DISSOCIATE: Direction = Object.freeze({
  name: "dissociate",
  action: Action.dissociate,
  alreadyDoneCode: ErrorCode.notAssociated,
  pastTense: "dissociated",
  noun: "dissociation",
  send: (api: AlbApi, listenerId: string, ids: readonly string[], options: MutationOptions) => api.dissociateAdditionalCertificates(listenerId, ids, options),
  isSettled: (status: string | undefined) => status === undefined || status === CertificateStatus.dissociated,
  isInTransition: (status: string | undefined) => status !== undefined && isDissociatingStatus(status),
  isWhereItStarted: (status: string | undefined) => status === CertificateStatus.associated,
  stillToSend: (ids: readonly string[], present: ReadonlySet<string>) => ids.filter((id) => present.has(id)),
});

/**
 * One look at a batch, filled in as far as the decision needed: the job first, then the batch's rows, then
 * the listener. Each field is undefined until it was read.
 */
export interface BatchObservation {
  /** The job as ListAsynJobs reported it, or `null` when it was looked up and not listed. */
  readonly job?: AsyncJob | null;
  /** Status of each certificate of the batch that has a row (additional rows only). */
  readonly rows?: ReadonlyMap<string, string>;
  /** The listener's status. */
  readonly listenerStatus?: string;
}

/** What earlier looks at the batch saw. */
export interface BatchHistory {
  /** Certificates seen in this direction's transitional status at some look. */
  readonly seenInTransition: ReadonlySet<string>;
}

/** The history before the first look. */
export const NO_HISTORY: BatchHistory = Object.freeze({ seenInTransition: new Set<string>() });

/** The decision about one look. */
export type BatchVerdict =
  | { readonly kind: "done" }
  | { readonly kind: "failed"; readonly code: string; readonly message: string }
  /** Not settled yet; `jobRunning` when the service itself reported the job Processing. */
  | { readonly kind: "wait"; readonly observed: string; readonly jobRunning: boolean }
  /** The decision needs the next thing read (the rows, then the listener). */
  | { readonly kind: "read"; readonly next: "rows" | "listener" };

/**
 * Decides from one (possibly partial) look at a batch, and what earlier looks saw, whether it is done,
 * failed, still running, or whether more must be read first. Pure: no I/O, no clock.
 */
export function judgeBatch(
  direction: Direction,
  ids: readonly string[],
  observation: BatchObservation,
  history: BatchHistory = NO_HISTORY,
): { readonly verdict: BatchVerdict; readonly history: BatchHistory } {
  const { job, rows, listenerStatus } = observation;
  if (job?.status === JobStatus.failed) {
    return { verdict: { kind: "failed", code: job.errorCode ?? JobStatus.failed, message: job.errorMessage ?? "" }, history };
  }
  if (job?.status === JobStatus.processing) {
    return { verdict: { kind: "wait", observed: `job ${job.id} ${JobStatus.processing}`, jobRunning: true }, history };
  }
  if (rows === undefined) return { verdict: { kind: "read", next: "rows" }, history };

  const seen = new Set(history.seenInTransition);
  for (const id of ids) if (direction.isInTransition(rows.get(id))) seen.add(id);
  const next: BatchHistory = { seenInTransition: seen };
  const unsettled = ids.filter((id) => !direction.isSettled(rows.get(id)));
  if (unsettled.length > 0) {
    // Positive evidence of failure: certificates that went through the transition and are back where they
    // started, with no job that says otherwise. A row that has not moved yet is "not yet".
    const cameBack = unsettled.filter((id) => seen.has(id) && direction.isWhereItStarted(rows.get(id)));
    if (job?.status !== JobStatus.succeeded && cameBack.length === unsettled.length) {
      return { verdict: { kind: "failed", code: "JobFailed", message: `certificates went back to where they were: ${cameBack.join(", ")}` }, history: next };
    }
    const observed = unsettled.map((id) => `${id} ${rows.get(id) ?? "absent"}`).join(", ");
    return { verdict: { kind: "wait", observed, jobRunning: false }, history: next };
  }
  if (listenerStatus === undefined) return { verdict: { kind: "read", next: "listener" }, history: next };
  if (listenerStatus === ListenerStatus.configuring) {
    return { verdict: { kind: "wait", observed: `listener ${ListenerStatus.configuring}`, jobRunning: false }, history: next };
  }
  return { verdict: { kind: "done" }, history: next };
}
