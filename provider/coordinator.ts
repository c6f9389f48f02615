/**
 * Process-wide coordination between the resources one provider process serves (the engine runs one
 * `pulumi-resource-pulumi-nodejs` process for every dynamic resource of a deployment):
 * - a queue per listener, so only one mutation runs on a listener at a time (ALB refuses concurrent
 *   certificate changes on one listener with IncorrectStatus.Listener);
 * - the certificates each resource declares per listener, so deleting one resource (a rename, or two
 *   resources on one listener) never dissociates what another live resource of the stack declares.
 */

export class ListenerCoordinator {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly claims = new Map<string, Map<string, ReadonlySet<string>>>();

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

  /** Records that `owner` declares `certificateIds` on `listenerId`, and no longer on any other listener. */
  claim(listenerId: string, owner: string, certificateIds: Iterable<string>): void {
    for (const [otherListener, owners] of this.claims) {
      if (otherListener !== listenerId) owners.delete(owner);
    }
    let owners = this.claims.get(listenerId);
    if (!owners) {
      owners = new Map();
      this.claims.set(listenerId, owners);
    }
    owners.set(owner, new Set(certificateIds));
  }

  /** Forgets what `owner` declares on `listenerId`. */
  release(listenerId: string, owner: string): void {
    this.claims.get(listenerId)?.delete(owner);
  }

  /** Every certificate another owner declares on `listenerId`. */
  claimedByOthers(listenerId: string, owner: string): Set<string> {
    const out = new Set<string>();
    for (const [other, ids] of this.claims.get(listenerId) ?? []) {
      if (other !== owner) for (const id of ids) out.add(id);
    }
    return out;
  }
}
