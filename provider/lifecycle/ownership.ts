/**
 * Who owns a certificate on a listener within a stack: a resource is known to the coordinator by its owner
 * key (its name and region), and a certificate two resources declare is one error per certificate, naming
 * both.
 */
import { OwnershipConflictError } from "../base/errors";
import type { ClaimConflict } from "../core/coordinator";
import { storedResourceName, type RawProps, type StoredProps } from "./state";

/** The owner key of a resource: `name|region`. */
export function ownerOf(props: RawProps): string {
  return `${storedResourceName(props) ?? "(unnamed)"}|${String(props.region ?? "")}`;
}

/** The resource name of an owner key. */
export function ownerName(owner: string): string {
  return owner.slice(0, owner.lastIndexOf("|"));
}

/** One error per certificate another resource of the program also declares on the listener. */
export function ownershipProblems(props: StoredProps, conflicts: readonly ClaimConflict[]): OwnershipConflictError[] {
  return conflicts.map((c) => new OwnershipConflictError(props.listenerId, c.certificateId, props.resourceName ?? "(unnamed)", ownerName(c.otherOwner)));
}
