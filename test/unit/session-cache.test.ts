import { describe, expect, it } from "vitest";
import { SessionCache, type FetchedCredentials } from "../../provider/credentials/session-cache";
import { VirtualClock } from "../kit/clock";

const MINUTE = 60_000;

/** A fetch that hands out session 1, 2, 3… living `lifetimeMs` from the clock's now; records fetch times. */
function sessions(clock: VirtualClock, lifetimeMs: number | undefined) {
  const fetchedAt: number[] = [];
  const fetch = async (): Promise<FetchedCredentials> => {
    fetchedAt.push(clock.now());
    const n = fetchedAt.length;
    return {
      credentials: { accessKeyId: `STS.${n}`, accessKeySecret: `secret-${n}`, securityToken: `token-${n}` },
      ...(lifetimeMs === undefined ? {} : { expiresAtMs: clock.now() + lifetimeMs }),
    };
  };
  return { fetch, fetchedAt };
}

describe("SessionCache", () => {
  it("fetches long-term credentials once", async () => {
    const clock = new VirtualClock(0);
    const { fetch, fetchedAt } = sessions(clock, undefined);
    const cache = new SessionCache(clock, fetch);
    expect((await cache.get()).accessKeyId).toBe("STS.1");
    clock.advance(1000 * MINUTE);
    expect((await cache.get()).accessKeyId).toBe("STS.1");
    expect(fetchedAt).toEqual([0]);
  });

  it("refreshes a one-hour session 15 minutes before it expires", async () => {
    const clock = new VirtualClock(0);
    const { fetch, fetchedAt } = sessions(clock, 60 * MINUTE);
    const cache = new SessionCache(clock, fetch);
    await cache.get();
    clock.advance(45 * MINUTE - 1);
    expect((await cache.get()).accessKeyId).toBe("STS.1");
    clock.advance(1);
    expect((await cache.get()).accessKeyId).toBe("STS.2");
    expect(fetchedAt).toEqual([0, 45 * MINUTE]);
  });

  it("refreshes a short session at half its lifetime, not on every call", async () => {
    const clock = new VirtualClock(0);
    const { fetch, fetchedAt } = sessions(clock, 300_000);
    const cache = new SessionCache(clock, fetch);
    for (let t = 0; t <= 600_000; t += 10_000) {
      const c = await cache.get();
      expect(c.accessKeyId, `at ${t} ms`).toBe(`STS.${Math.floor(t / 150_000) + 1}`);
      clock.advance(10_000);
    }
    expect(fetchedAt).toEqual([0, 150_000, 300_000, 450_000, 600_000]);
  });

  it("shares one fetch between concurrent callers", async () => {
    const clock = new VirtualClock(0);
    const { fetch, fetchedAt } = sessions(clock, 60 * MINUTE);
    const cache = new SessionCache(clock, fetch);
    const all = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(all.map((c) => c.accessKeyId)).toEqual(["STS.1", "STS.1", "STS.1"]);
    expect(fetchedAt).toEqual([0]);
  });

  it("keeps valid credentials when a refresh fails, and fails once they have expired", async () => {
    const clock = new VirtualClock(0);
    let failing = false;
    const inner = sessions(clock, 60 * MINUTE);
    const cache = new SessionCache(clock, async () => {
      if (failing) throw new Error("STS is down");
      return inner.fetch();
    });
    await cache.get();
    failing = true;
    clock.advance(50 * MINUTE);
    expect((await cache.get()).accessKeyId).toBe("STS.1");
    clock.advance(10 * MINUTE);
    await expect(cache.get()).rejects.toThrow("STS is down");
    failing = false;
    expect((await cache.get()).accessKeyId).toBe("STS.2");
  });

  it("asks again every time when the source gives an expiration already past (self-managed sessions)", async () => {
    const clock = new VirtualClock(5_000);
    let calls = 0;
    const cache = new SessionCache(clock, async () => ({ credentials: { accessKeyId: `k${++calls}`, accessKeySecret: "s" }, expiresAtMs: 0 }));
    await cache.get();
    await cache.get();
    expect(calls).toBe(2);
  });

  it("does not cache a fetch that threw synchronously", async () => {
    const clock = new VirtualClock(0);
    let calls = 0;
    const cache = new SessionCache(clock, (() => {
      calls++;
      if (calls === 1) throw new Error("first");
      return Promise.resolve({ credentials: { accessKeyId: "k", accessKeySecret: "s" } });
    }) as () => Promise<FetchedCredentials>);
    await expect(cache.get()).rejects.toThrow("first");
    expect((await cache.get()).accessKeyId).toBe("k");
  });
});
