import { describe, expect, it } from "vitest";
import { AlbApiError } from "../../provider/base/errors";
import { ThrottleGate } from "../../provider/core/throttle-gate";
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

/** Calls the test answers one by one: `sent` names each try (`a1`, `a2`, …) as it goes on the wire. */
function wire() {
  const sent: string[] = [];
  const pending = new Map<string, { resolve: (v: string) => void; reject: (e: unknown) => void }>();
  const answer = (key: string) => {
    const entry = pending.get(key);
    if (!entry) throw new Error(`${key} is not on the wire (sent: ${sent.join(", ")})`);
    pending.delete(key);
    return entry;
  };
  return {
    sent,
    call(name: string) {
      let tries = 0;
      return () =>
        new Promise<string>((resolve, reject) => {
          const key = `${name}${++tries}`;
          sent.push(key);
          pending.set(key, { resolve, reject });
        });
    },
    through: (key: string) => answer(key).resolve(key),
    throttle: (key: string) => answer(key).reject(throttled()),
    fail: (key: string, error: unknown) => answer(key).reject(error),
  };
}

/** Lets every settled promise run on, and the virtual clock end any pause that nothing holds up. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

describe("ThrottleGate: turns, places and reopening", () => {
  it("gives up at a try exactly at the deadline", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 1);
    const start = clock.now();
    let tries = 0;
    const error = await gate
      .run(async () => {
        tries++;
        throw throttled();
      }, start + 250)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "Throttling.User" });
    // The first try at 0 is before the deadline; the second, after the 250 ms pause, is exactly at it.
    expect(tries).toBe(2);
    expect(clock.now() - start).toBe(250);
    // The second refusal still pauses the gate (500 ms) for whatever call comes next.
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it("a call throttled again on its turn keeps its place ahead of the calls that arrived after it", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 0);
    const service = quota(0);
    const results = Promise.all(["a", "b", "c"].map((n) => gate.run(service.call(n), clock.now() + 60_000)));
    while (service.log.length < 4) await new Promise<void>((r) => setImmediate(r));
    expect(service.log).toEqual(["a!", "b!", "c!", "a!"]);
    service.refill(3);
    expect(await results).toEqual(["a", "b", "c"]);
    expect(service.log).toEqual(["a!", "b!", "c!", "a!", "a", "b", "c"]);
  });

  it("a call that arrives while the gate is closed and nothing holds it goes at once, and its success opens the gate", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 0);
    // A call throttled at its deadline closes the gate and gives up; its pause ends with no one waiting.
    await expect(
      gate.run(async () => {
        throw throttled();
      }, clock.now()),
    ).rejects.toMatchObject({ code: "Throttling.User" });
    await clock.sleep(1_000);
    expect(gate.isClosed).toBe(true);
    const outcome = await Promise.race([gate.run(async () => "b", clock.now() + 60_000), clock.sleep(10_000).then(() => "still waiting")]);
    expect(outcome).toBe("b");
    expect(gate.isClosed).toBe(false);
  });

  it("while a call holds the turn, no other goes: not a new arrival, not when a call sent before the gate closed returns", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 0);
    const w = wire();
    const a = gate.run(w.call("a"), clock.now() + 60_000);
    const b = gate.run(w.call("b"), clock.now() + 60_000);
    await flush();
    w.throttle("a1");
    await flush();
    // a's pause ended and a holds the turn; b is still out from before the gate closed.
    expect(w.sent).toEqual(["a1", "b1", "a2"]);
    const c = gate.run(w.call("c"), clock.now() + 60_000);
    await flush();
    w.through("b1");
    await flush();
    expect(await b).toBe("b1");
    expect(w.sent).toEqual(["a1", "b1", "a2"]);
    w.through("a2");
    await flush();
    expect(w.sent).toEqual(["a1", "b1", "a2", "c1"]);
    expect(gate.isClosed).toBe(true);
    w.through("c1");
    expect(await Promise.all([a, c])).toEqual(["a2", "c1"]);
    expect(gate.isClosed).toBe(false);
  });

  it("a call sent before the gate closed that gets through neither opens the gate nor shortens the next pause", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 1);
    const w = wire();
    const a = gate.run(w.call("a"), clock.now() + 60_000);
    const b = gate.run(w.call("b"), clock.now() + 60_000);
    await flush();
    w.throttle("a1");
    await flush();
    w.throttle("a2");
    await flush();
    expect(w.sent).toEqual(["a1", "b1", "a2", "a3"]);
    w.through("b1");
    expect(await b).toBe("b1");
    expect(gate.isClosed).toBe(true);
    w.throttle("a3");
    await flush();
    expect(clock.sleeps).toEqual([250, 500, 1_000]);
    w.through("a4");
    expect(await a).toBe("a4");
    expect(gate.isClosed).toBe(false);
  });

  it("another error on a call's turn leaves the gate closed: only a call that gets through opens it", async () => {
    const clock = new VirtualClock();
    const gate = new ThrottleGate(clock, () => 0);
    const w = wire();
    const busy = new AlbApiError({ code: "ResourceInConfiguring.Listener", action: "x", apiMessage: "busy", retryable: true });
    const a = gate.run(w.call("a"), clock.now() + 60_000);
    await flush();
    w.throttle("a1");
    await flush();
    expect(w.sent).toEqual(["a1", "a2"]);
    w.fail("a2", busy);
    await expect(a).rejects.toBe(busy);
    expect(gate.isClosed).toBe(true);
  });
});
