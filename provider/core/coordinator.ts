/**
 * Process-wide coordination between the resources one provider process serves (the engine runs one
 * provider process for every dynamic resource of a deployment, and a fresh one for each deployment):
 * - a queue per listener, so only one mutation runs on a listener at a time (ALB refuses concurrent
 *   certificate changes on one listener);
 * - what each resource of the program declares per listener (its claim, made in `check`), so that a
 *   certificate has one owner per listener, and no apply or delete dissociates what another resource of
 *   the program declares;
 * - when the program's registrations (the engine's `check` and `diff` calls) last happened, so that a
 *   resource giving a certificate up can wait until every resource of the program has made its claim.
 */
import type { Clock } from "../base/clock";

/** What an apply needs to reach its listener through {@link ListenerCoordinator.forApply}. */
export interface ApplyTicket<E extends Error> {
  readonly listenerId: string;
  /** The resource's owner key. */
  readonly owner: string;
  /** The certificates it declares on the listener. */
  readonly desired: readonly string[];
  readonly clock: Clock;
  /** How long the program's registrations must have been quiet, ms. */
  readonly quietMs: number;
  /** The apply's deadline (clock ms): the quiet wait ends there at the latest. */
  readonly deadlineAt: number;
  /** The error for certificates another resource also declares (nothing is sent then). */
  readonly refuse: (conflicts: readonly ClaimConflict[]) => E;
}

/** A certificate two resources declare on one listener. */
export interface ClaimConflict {
  readonly certificateId: string;
  /** The other resource's owner key. */
  readonly otherOwner: string;
}

export class ListenerCoordinator {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly claims = new Map<string, Map<string, ReadonlySet<string>>>();
  private registrationsInFlight = 0;
  private lastRegistrationAt?: number;

  /**
   * The one way a create or update reaches its listener: records the resource's claim, waits until the
   * program's registrations are quiet (by then every resource of the program has claimed, in any
   * registration order), refuses a certificate another resource also declares before anything is sent, then
   * runs `task` in the listener's queue with the certificates other resources declare there (which it must
   * not dissociate), read when its turn comes.
   *
   * @throws the ticket's `refuse` error when another resource declares one of the certificates
   */
  async forApply<T, E extends Error>(ticket: ApplyTicket<E>, task: (claimedByOthers: ReadonlySet<string>) => Promise<T>): Promise<T> {
    const { listenerId, owner, desired } = ticket;
    this.claim(listenerId, owner, desired);
    await this.registrationsQuiet(ticket.clock, ticket.quietMs, ticket.deadlineAt);
    const conflicts = this.conflicts(listenerId, owner, desired);
    if (conflicts.length > 0) throw ticket.refuse(conflicts);
    return this.withListener(listenerId, () => task(this.claimedByOthers(listenerId, owner)));
  }

  /**
   * The one way a delete reaches its listener: forgets the resource's claim, then runs `task` in the
   * listener's queue with the certificates other resources declare there (which it must not dissociate).
   */
  forDelete<T>(listenerId: string, owner: string, task: (claimedByOthers: ReadonlySet<string>) => Promise<T>): Promise<T> {
    this.release(listenerId, owner);
    return this.withListener(listenerId, () => task(this.claimedByOthers(listenerId, owner)));
  }

  /** Runs `task` after every earlier task of the same listener finished (successfully or not). */
  withListener<T>(listenerId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(listenerId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(listenerId, settled);
    void settled.then(() => {
      if (this.queues.get(listenerId) === settled) this.queues.delete(listenerId);
    });
    return run;
  }

  /**
   * Records that `owner` declares `certificateIds` on `listenerId`, and no longer on any other listener.
   *
   * @returns the certificates another owner already declares on that listener (each with one such owner).
   */
  claim(listenerId: string, owner: string, certificateIds: Iterable<string>): ClaimConflict[] {
    for (const [otherListener, owners] of this.claims) {
      if (otherListener !== listenerId) owners.delete(owner);
    }
    let owners = this.claims.get(listenerId);
    if (!owners) {
      owners = new Map();
      this.claims.set(listenerId, owners);
    }
    const ids = new Set(certificateIds);
    owners.set(owner, ids);
    return this.conflicts(listenerId, owner, ids);
  }

  /** Forgets what `owner` declares on `listenerId`. */
  release(listenerId: string, owner: string): void {
    this.claims.get(listenerId)?.delete(owner);
  }

  /** The certificates of `ids` another owner declares on `listenerId` (each with one such owner). */
  conflicts(listenerId: string, owner: string, ids: Iterable<string>): ClaimConflict[] {
    const out: ClaimConflict[] = [];
    const owners = this.claims.get(listenerId) ?? new Map<string, ReadonlySet<string>>();
    for (const id of [...new Set(ids)].sort()) {
      for (const [other, theirs] of owners) {
        if (other !== owner && theirs.has(id)) {
          out.push({ certificateId: id, otherOwner: other });
          break;
        }
      }
    }
    return out;
  }

  /** Every certificate another owner declares on `listenerId`. */
  claimedByOthers(listenerId: string, owner: string): Set<string> {
    const out = new Set<string>();
    for (const [other, ids] of this.claims.get(listenerId) ?? []) {
      if (other !== owner) for (const id of ids) out.add(id);
    }
    return out;
  }

  /** Runs one registration step of the engine (`check` or `diff`), noting when the program last registered. */
  async registering<T>(clock: Clock, step: () => Promise<T>): Promise<T> {
    this.registrationsInFlight++;
    try {
      return await step();
    } finally {
      this.registrationsInFlight--;
      this.lastRegistrationAt = clock.now();
    }
  }

  /**
   * Waits until no registration step is running and none ended in the last `quietMs` (the engine has
   * checked every resource the program registered in one go), or until `deadlineAt`. Returns at once when
   * this process has seen no registration at all (a `destroy` runs no program).
   */
  async registrationsQuiet(clock: Clock, quietMs: number, deadlineAt: number): Promise<void> {
    for (;;) {
      if (this.lastRegistrationAt === undefined && this.registrationsInFlight === 0) return;
      const now = clock.now();
      if (now >= deadlineAt) return;
      const since = this.lastRegistrationAt === undefined ? 0 : now - this.lastRegistrationAt;
      if (this.registrationsInFlight === 0 && since >= quietMs) return;
      const wait = this.registrationsInFlight > 0 ? quietMs : quietMs - since;
      await clock.sleep(Math.min(Math.max(wait, 1), deadlineAt - now));
    }
  }
}
