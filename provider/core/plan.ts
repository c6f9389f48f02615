/**
 * Pure planning: from the desired set, what this resource declared before, and the live listener,
 * decide which certificates to associate and which to dissociate, in batches within API limits.
 */
import { isPresentStatus, isTransitionalStatus } from "../../contract/alb-contract";
import { chunk } from "../base/chunk";
import { ASSOCIATE_BATCH_MAX, DISSOCIATE_BATCH_MAX } from "../base/defaults";

export { chunk };

/** One additional (non-default) certificate as the listener reports it. */
export interface LiveCertificate {
  readonly certificateId: string;
  readonly status: string;
}

export { isPresentStatus, isTransitionalStatus };

export interface PlanInput {
  /** The certificate IDs this resource declares now (empty on delete). */
  readonly desired: readonly string[];
  /** The certificate IDs this resource declared before this operation (empty on create). */
  readonly previouslyDeclared: readonly string[];
  /** The listener's additional certificates right now. */
  readonly live: readonly LiveCertificate[];
  /** When true, every live additional certificate not desired is removed. */
  readonly exclusive: boolean;
  /** Certificates other resources of this stack declare on the same listener: never removed. */
  readonly protectedIds?: ReadonlySet<string>;
}

export interface Plan {
  /** Batches to associate, in order, each within {@link ASSOCIATE_BATCH_MAX}. */
  readonly associate: readonly (readonly string[])[];
  /** Batches to dissociate, in order, each within {@link DISSOCIATE_BATCH_MAX}. */
  readonly dissociate: readonly (readonly string[])[];
  /** Desired certificates already present: they cost no call. */
  readonly unchanged: readonly string[];
  /** Certificates that would have been removed but another resource declares them. */
  readonly keptForOthers: readonly string[];
}

/**
 * Every list of the plan is sorted by ID in code-unit order (the default sort of strings).
 *
 * Associate what is desired and not present; dissociate what must go and is present:
 * with `exclusive`, every live certificate not desired; otherwise only what this resource used to
 * declare and no longer does. Certificates other resources declare are never dissociated.
 */
export function computePlan(input: PlanInput): Plan {
  const desired = new Set(input.desired);
  const present = new Set(input.live.filter((c) => isPresentStatus(c.status)).map((c) => c.certificateId));
  const protectedIds = input.protectedIds ?? new Set<string>();
  const toAdd = [...desired].filter((id) => !present.has(id)).sort();
  const unchanged = [...desired].filter((id) => present.has(id)).sort();
  const candidates = input.exclusive ? [...present] : input.previouslyDeclared.filter((id) => present.has(id));
  const removable = [...new Set(candidates)].filter((id) => !desired.has(id));
  const toRemove = removable.filter((id) => !protectedIds.has(id)).sort();
  const keptForOthers = removable.filter((id) => protectedIds.has(id)).sort();
  return {
    associate: chunk(toAdd, ASSOCIATE_BATCH_MAX),
    dissociate: chunk(toRemove, DISSOCIATE_BATCH_MAX),
    unchanged,
    keptForOthers,
  };
}

/** How the live listener differs from what a resource declares. */
export interface Drift {
  /** Declared certificates not served (nor being associated). */
  readonly missing: readonly string[];
  /** With `exclusive`: served certificates nobody declares, which the next apply dissociates. */
  readonly undeclared: readonly string[];
}

/** Compares what a resource declares with what the listener serves (IDs present, sorted output). */
export function detectDrift(input: {
  readonly declared: readonly string[];
  readonly present: ReadonlySet<string>;
  readonly exclusive: boolean;
  /** Certificates other resources of the stack declare on the listener: never undeclared. */
  readonly protectedIds: ReadonlySet<string>;
}): Drift {
  const declared = new Set(input.declared);
  return {
    missing: input.declared.filter((id) => !input.present.has(id)),
    undeclared: input.exclusive ? [...input.present].filter((id) => !declared.has(id) && !input.protectedIds.has(id)).sort() : [],
  };
}
