/**
 * Caches the credentials of one source on the injected clock. Long-term credentials (an access key pair) are
 * fetched once. Temporary ones (STS, the ECS metadata service, a credentials URI) are reused until their
 * refresh time and then fetched again, so a long apply never signs a request with an expired token:
 *
 *   refresh at = expiration − min(15 min, lifetime / 2),   lifetime = expiration − time fetched
 *
 * (15 minutes is the official library's own stale time; half the lifetime keeps short sessions, such as
 * the 900-second minimum, from being re-fetched for every request.) Concurrent callers share one fetch. A
 * failed refresh keeps using the previous credentials while they are still valid, and fails once they are not.
 */
import type { Clock } from "../base/clock";
import type { Credentials, FetchedCredentials } from "./types";

export type { FetchedCredentials } from "./types";

/** The official library's stale time: temporary credentials are refreshed at most this long before they expire, ms. */
export const MAX_REFRESH_AHEAD_MS = 15 * 60 * 1000;

interface Held extends FetchedCredentials {
  readonly refreshAtMs: number;
}

/** One source's credentials, fetched when needed. */
export class SessionCache {
  private held?: Held;
  private inFlight?: Promise<Held>;

  constructor(
    private readonly clock: Clock,
    private readonly fetch: () => Promise<FetchedCredentials>,
  ) {}

  /** The current credentials, fetched first when there are none or they are due for refresh. */
  async get(): Promise<Credentials> {
    const held = this.held;
    if (held !== undefined && this.clock.now() < held.refreshAtMs) return held.credentials;
    try {
      return (await this.refresh()).credentials;
    } catch (error) {
      if (held?.expiresAtMs !== undefined && this.clock.now() < held.expiresAtMs) return held.credentials;
      throw error;
    }
  }

  private refresh(): Promise<Held> {
    if (this.inFlight === undefined) {
      const pending = this.fetchHeld();
      this.inFlight = pending;
      const settle = (): void => {
        if (this.inFlight === pending) this.inFlight = undefined;
      };
      pending.then(settle, settle);
    }
    return this.inFlight;
  }

  private async fetchHeld(): Promise<Held> {
    const fetchedAt = this.clock.now();
    const fetched = await this.fetch();
    const expiresAt = fetched.expiresAtMs;
    const refreshAtMs = expiresAt === undefined ? Number.POSITIVE_INFINITY : expiresAt - Math.min(MAX_REFRESH_AHEAD_MS, Math.max(0, expiresAt - fetchedAt) / 2);
    const held: Held = { ...fetched, refreshAtMs };
    this.held = held;
    return held;
  }
}
