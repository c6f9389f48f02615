import { describe, expect, it } from "vitest";
import { AlbApiError } from "../../provider/errors";
import { ThrottleGate } from "../../provider/throttle-gate";
import { VirtualClock } from "../kit/clock";

const throttled = () =>
  new AlbApiError({ code: "Throttling.User", action: "AssociateAdditionalCertificatesWithListener", apiMessage: "Request was denied due to user flow control.", retryable: true });

/** A service that admits `capacity` calls, then throttles until `refill()`; it notes the most calls on the wire at once after its first refusal. */
function quota(capacity: number) {
  let left = capacity;
  let onWire = 0;
  let refusedOnce = false;
  const log: string[] = [];
  const stats = { maxOnWireWhileThrottled: 0 };
  return {
    log,
    stats,
    refill(n: number) {
      left += n;
    },
    call(name: string) {
      return async () => {
        onWire++;
        if (refusedOnce) stats.maxOnWireWhileThrottled = Math.max(stats.maxOnWireWhileThrottled, onWire);
        await new Promise<void>((r) => setImmediate(r));
        onWire--;
        if (left <= 0) {
          refusedOnce = true;
          log.push(`${name}!`);
          throw throttled();
        }
        left--;
        log.push(name);
        return name;
      };
    },
  };
}

describe("ThrottleGate", () => {
  it("lets calls through untouched while nothing is throttled", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 0.5);
    const service = quota(3);
    const results = await Promise.all(["a", "b", "c"].map((n) => gate.run(service.call(n), clock.now() + 60_000)));
    expect(results).toEqual(["a", "b", "c"]);
    expect(clock.sleeps).toEqual([]);
    expect(gate.isClosed).toBe(false);
  });

  it("once throttled, queues the process's calls and sends them one at a time, in order, until the quota frees up", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 0);
    const service = quota(1);
    const results = Promise.all(["a", "b", "c", "d"].map((n) => gate.run(service.call(n), clock.now() + 60_000)));
    // Three calls were in flight together and got refused; from now on they go one at a time.
    while (service.log.length < 4) await new Promise<void>((r) => setImmediate(r));
    expect(service.log).toEqual(["a", "b!", "c!", "d!"]);
    expect(gate.isClosed).toBe(true);
    service.refill(2);
    while (clock.sleeps.length < 2) await new Promise<void>((r) => setImmediate(r));
    service.refill(1);
    expect(await results).toEqual(["a", "b", "c", "d"]);
    // b and c went through back to back (no pause), then d was refused once and went after a pause.
    expect(service.log).toEqual(["a", "b!", "c!", "d!", "b", "c", "d!", "d"]);
    expect(service.stats.maxOnWireWhileThrottled).toBe(1);
    expect(gate.isClosed).toBe(false);
    expect(gate.throttled).toBe(4);
  });

  it("pauses 250 ms doubling to 1 s between throttled tries, and resets after a call gets through", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 1);
    let refusals = 5;
    const call = async () => {
      if (refusals-- > 0) throw throttled();
      return "ok";
    };
    expect(await gate.run(call, clock.now() + 60_000)).toBe("ok");
    expect(clock.sleeps).toEqual([250, 500, 1000, 1000, 1000]);
    refusals = 1;
    expect(await gate.run(call, clock.now() + 60_000)).toBe("ok");
    expect(clock.sleeps.slice(5)).toEqual([250]);
  });

  it("gives up with the throttling error at its first try at or after the deadline", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 1);
    const start = clock.now();
    const error = await gate
      .run(async () => {
        throw throttled();
      }, start + 3_000)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "Throttling.User" });
    // Tries at 0, 0.25, 0.75, 1.75 and 2.75 s are throttled before the deadline; the next one, 1 s later (the
    // longest probe delay), is the first at or after it and gives up.
    expect(clock.now() - start).toBe(3_750);
  });

  it("hands any other error straight to the caller", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 0.5);
    const busy = new AlbApiError({ code: "ResourceInConfiguring.Listener", action: "x", apiMessage: "busy", retryable: true });
    await expect(
      gate.run(async () => {
        throw busy;
      }, clock.now() + 60_000),
    ).rejects.toBe(busy);
    expect(clock.sleeps).toEqual([]);
  });
});
