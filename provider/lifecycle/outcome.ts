/**
 * What an operation leaves in state, as pure functions of what it read: the outputs of a finished apply,
 * the outputs and progress of a failed one, and what `read` reports. No calls, no clock.
 */
import type { ApplyProgress } from "../base/errors";
import { additionalOnly, presentIds } from "../core/listener-checks";
import { isPresentStatus, type LiveCertificate, type Plan } from "../core/plan";
import type { ReconcileResult } from "../core/reconcile";
import type { Direction } from "../core/batch-verdict";
import type { ListenerCertificate } from "../transport/alb-client";
import { certificateMap, declaredIds, jobDurationsOf, storedJobDurations, upgradeStored, withCertificates, type RawProps, type StoredProps } from "./state";

/**
 * Outputs of a finished apply: the stored inputs with the certificate map carrying live statuses (for an
 * exclusive resource, every additional certificate the listener serves). Certificates kept because another
 * resource of the stack declares them (the old name of a renamed resource, until its delete runs) are that
 * resource's, not part of this one's outputs.
 */
export function appliedOutputs(props: StoredProps, result: Pick<ReconcileResult, "plan" | "live">): StoredProps {
  const keptForOthers = new Set(result.plan.keptForOthers);
  const live: readonly LiveCertificate[] = result.live.filter((c) => !keptForOthers.has(c.certificateId));
  const status = new Map(live.map((c) => [c.certificateId, c.status]));
  const present = live.filter((c) => isPresentStatus(c.status)).map((c) => c.certificateId);
  const ids = props.exclusive ? new Set([...Object.keys(props.certificates), ...present]) : new Set(Object.keys(props.certificates));
  const certificates: Record<string, string> = {};
  for (const id of [...ids].sort()) {
    const s = status.get(id);
    if (s !== undefined) certificates[id] = s;
  }
  return withCertificates(props, certificates);
}

/** Follows one apply (its plan, the mutations it sent), so that a failure can tell what it had got to. */
export class ApplyTracker {
  plan: Plan | undefined;
  /** Whether a mutation was sent: before that, a failure changed nothing. */
  mutated = false;
  readonly sentAssociations = new Set<string>();
  /** For `ReconcileRequest.onPlanned`. */
  readonly onPlanned = (plan: Plan): void => {
    this.plan = plan;
  };
  /** For `ReconcileRequest.onMutated`. */
  readonly onMutated = (direction: Direction["name"], ids: readonly string[]): void => {
    this.mutated = true;
    if (direction === "associate") ids.forEach((id) => this.sentAssociations.add(id));
  };

  /** The failed apply, for {@link partialOutcome}: `ids` are the certificates declared before or now. */
  failed(ids: readonly string[]): FailedApply {
    return { ids, plan: this.plan, sentAssociations: this.sentAssociations };
  }
}

/** What a failed apply had got to: its plan, and the certificates whose association it sent. */
export interface FailedApply {
  /** The certificates the resource declared before or declares now. */
  readonly ids: readonly string[];
  readonly plan: Plan | undefined;
  /** Certificates whose association was sent: the listener may not show them yet (read lag, a lost answer). */
  readonly sentAssociations: ReadonlySet<string>;
}

/**
 * After a failed apply: of the certificates the resource declared before or declares now, the ones live on
 * the listener (`rows`, read after the failure), and how far the plan got. Stored in state, they are what the
 * next update treats as "previously declared", so nothing the attempt associated is left behind if the
 * program changes. A certificate whose association was sent but that the listener does not show (yet: its
 * answer may have been lost, or the rows lag behind the call) is kept with status `Unknown`, since the job may
 * still put it there; the next update or delete reads the listener before acting on it. When the listener
 * could not be read (`rows` undefined), every such certificate is kept with status `Unknown`.
 */
export function partialOutcome(props: StoredProps, failed: FailedApply, rows: readonly ListenerCertificate[] | undefined): { outputs: StoredProps; progress?: ApplyProgress } {
  const ours = [...new Set(failed.ids)].sort();
  if (rows === undefined) return { outputs: withCertificates(props, certificateMap(ours, "Unknown")) };
  const status = new Map(additionalOnly(rows).map((c) => [c.certificateId, c.status]));
  for (const id of failed.sentAssociations) if (!status.has(id)) status.set(id, "Unknown");
  const certificates = Object.fromEntries(ours.filter((id) => status.has(id)).map((id) => [id, status.get(id)!]));
  const present = presentIds(rows);
  const { plan } = failed;
  const toAdd = plan?.associate.flat() ?? [];
  const toRemove = plan?.dissociate.flat() ?? [];
  const progress: ApplyProgress | undefined = plan && {
    associated: toAdd.filter((id) => present.has(id)),
    notAssociated: toAdd.filter((id) => !present.has(id)),
    dissociated: toRemove.filter((id) => !present.has(id)),
    notDissociated: toRemove.filter((id) => present.has(id)),
  };
  return { outputs: withCertificates(props, certificates), progress };
}

/**
 * What `read` reports from the listener's rows: the additional certificates it serves that the resource
 * declares (all of them for an exclusive resource), as outputs with their statuses and as inputs.
 */
export function readOutcome(listenerId: string, props: RawProps, rows: readonly ListenerCertificate[]): { id: string; props: Record<string, unknown>; inputs: Record<string, unknown> } {
  const declared = new Set(declaredIds(props));
  const kept = additionalOnly(rows)
    .filter((c) => isPresentStatus(c.status) && (props.exclusive === true || declared.has(c.certificateId)))
    .sort((a, b) => (a.certificateId < b.certificateId ? -1 : 1));
  const outputs = upgradeStored(listenerId, props, Object.fromEntries(kept.map((c) => [c.certificateId, c.status])));
  // What each certificate is does not change while it is served: the details an apply recorded stay.
  const info = props.certificateInfo;
  if (info !== null && typeof info === "object" && !Array.isArray(info)) {
    const still = Object.entries(info as Record<string, unknown>).filter(([id]) => kept.some((c) => c.certificateId === id));
    if (still.length > 0) outputs.certificateInfo = Object.fromEntries(still);
  }
  // How long the listener's jobs took is not something a read sees: the recorded durations stay.
  const durations = storedJobDurations(props);
  if (durations.length > 0) outputs.jobDurations = jobDurationsOf(durations);
  const inputs = upgradeStored(listenerId, props, certificateMap(kept.map((c) => c.certificateId)));
  return { id: listenerId, props: outputs, inputs };
}
