/**
 * Drift seen by `diff`: the stored state may be stale (an out-of-band change), and one read of the listener
 * per resource shows it, so that `up` repairs drift even without a refresh.
 */
import { CONFIG_NAMESPACE } from "../base/defaults";
import { presentIds, type LiveValidator } from "../core/listener-checks";
import type { ListenerSession } from "../core/listener-session";
import { detectDrift } from "../core/plan";
import { formatEvent } from "./events";

/** The resource's unchanged declaration, as `diff` sees it. */
export interface DriftQuestion {
  readonly declared: readonly string[];
  readonly exclusive: boolean;
  /** Certificates other resources of the program declare on the listener (never drift), as claimed once the listener was read. */
  readonly claimedByOthers: () => ReadonlySet<string>;
  /** Whether the declared set itself changed (then the update comes anyway, and drift is not reported). */
  readonly setChanged: boolean;
}

/** Where drift is reported: a progress line, and a warning per problem the repair will meet. */
export interface DriftOutput {
  readonly log: (line: string) => void;
  readonly warn: (line: string) => void;
}

/**
 * Reads the listener once and tells whether its live set drifted from an unchanged declaration. Drift is a
 * progress line; a repair that cannot succeed is a warning here (and an error at apply), never a failure,
 * since the engine also diffs during `refresh`. A listener that no longer exists fails the diff.
 */
export async function liveDrift(session: ListenerSession, validator: LiveValidator, question: DriftQuestion, out: DriftOutput): Promise<boolean> {
  const rows = await session.rows().catch((error: unknown) => {
    throw session.gone(error) ?? error;
  });
  const drift = detectDrift({ declared: question.declared, present: presentIds(rows), exclusive: question.exclusive, protectedIds: question.claimedByOthers() });
  if (question.setChanged || (drift.missing.length === 0 && drift.undeclared.length === 0)) return false;
  out.log(formatEvent({ kind: "drift", listenerId: session.listenerId, missing: drift.missing, undeclared: drift.undeclared }));
  const problems = await validator.validate({ declared: question.declared, toAdd: drift.missing, rows });
  for (const problem of problems) out.warn(`warning: ${CONFIG_NAMESPACE}: repairing listener ${session.listenerId} will fail: ${problem.message}`);
  return true;
}
