/**
 * The coordinator at its edges: a listener's queue after its earlier tasks finished, which owner a conflict
 * names when several declare a certificate, a listener nobody claimed, and the wait for quiet registrations
 * while one is still running.
 */
import { describe, expect, it } from "vitest";
import { ListenerCoordinator } from "../../provider/core/coordinator";
import { VirtualClock } from "../kit/clock";

/** A promise with its resolver. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const turns = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("ListenerCoordinator.withListener", () => {
  it("a task queued after the first task finished still waits for the one running", async () => {
    const c = new ListenerCoordinator();
    const events: string[] = [];
    const bDone = gate();
    await c.withListener("l1", async () => events.push("a"));
    const b = c.withListener("l1", async () => {
      events.push("start b");
      await bDone.promise;
      events.push("end b");
    });
    await turns();
    const third = c.withListener("l1", async () => events.push("c"));
    await turns();
    expect(events).toEqual(["a", "start b"]);
    bDone.open();
    await Promise.all([b, third]);
    expect(events).toEqual(["a", "start b", "end b", "c"]);
  });

  it("a task queued while two are pending waits for both, even once the first of them finished", async () => {
    const c = new ListenerCoordinator();
    const events: string[] = [];
    const aDone = gate();
    const bDone = gate();
    const a = c.withListener("l1", async () => {
      await aDone.promise;
      events.push("a");
    });
    const b = c.withListener("l1", async () => {
      events.push("start b");
      await bDone.promise;
      events.push("end b");
    });
    aDone.open();
    await a;
    await turns();
    const third = c.withListener("l1", async () => events.push("c"));
    await turns();
    expect(events).toEqual(["a", "start b"]);
    bDone.open();
    await Promise.all([b, third]);
    expect(events).toEqual(["a", "start b", "end b", "c"]);
  });
});

describe("ListenerCoordinator claims", () => {
  it("a conflict names the first owner that declared the certificate, also after that owner declared again", () => {
    const c = new ListenerCoordinator();
    c.claim("l1", "A|r", ["x"]);
    expect(c.claim("l1", "B|r", ["x"])).toEqual([{ certificateId: "x", otherOwner: "A|r" }]);
    expect(c.claim("l1", "A|r", ["x"])).toEqual([{ certificateId: "x", otherOwner: "B|r" }]);
    expect(c.claim("l1", "C|r", ["x"])).toEqual([{ certificateId: "x", otherOwner: "A|r" }]);
  });

  it("names each conflicting certificate once, sorted, whatever the number of other owners", () => {
    const c = new ListenerCoordinator();
    c.claim("l1", "A|r", ["z", "y", "w"]);
    c.claim("l1", "B|r", ["z", "y"]);
    expect(c.claim("l1", "C|r", ["z", "q", "y", "z"])).toEqual([
      { certificateId: "y", otherOwner: "A|r" },
      { certificateId: "z", otherOwner: "A|r" },
    ]);
    expect(c.conflicts("l1", "D|r", ["w", "y"])).toEqual([
      { certificateId: "w", otherOwner: "A|r" },
      { certificateId: "y", otherOwner: "A|r" },
    ]);
    expect(c.conflicts("l2", "D|r", ["w"])).toEqual([]);
  });

  it("nobody claims anything on a listener nobody claimed", () => {
    const c = new ListenerCoordinator();
    expect([...c.claimedByOthers("l9", "A|r")]).toEqual([]);
    c.claim("l1", "B|r", ["x"]);
    expect([...c.claimedByOthers("l9", "A|r")]).toEqual([]);
    expect([...c.claimedByOthers("l1", "A|r")]).toEqual(["x"]);
    expect([...c.claimedByOthers("l1", "B|r")]).toEqual([]);
    c.release("l9", "B|r");
    expect([...c.claimedByOthers("l1", "A|r")]).toEqual(["x"]);
  });
});

describe("ListenerCoordinator.registrationsQuiet", () => {
  it("while a registration runs, waits for it to end and then for the quiet period", async () => {
    const clock = new VirtualClock(0);
    const c = new ListenerCoordinator();
    const registration = c.registering(clock, () => clock.sleep(1_200));
    await c.registrationsQuiet(clock, 500, 10_000);
    await registration;
    expect(clock.now()).toBe(1_700);
  });

  it("a registration running long after an earlier one ended: waits for it, not only for quiet since the earlier one", async () => {
    const clock = new VirtualClock(0);
    const c = new ListenerCoordinator();
    await c.registering(clock, async () => clock.advance(100));
    clock.advance(600);
    const registration = c.registering(clock, () => clock.sleep(1_300));
    await c.registrationsQuiet(clock, 500, 10_000);
    await registration;
    expect(clock.now()).toBe(2_500);
  });

  it("a registration still running at the deadline: returns at the deadline", async () => {
    const clock = new VirtualClock(0);
    const c = new ListenerCoordinator();
    const registration = c.registering(clock, () => clock.sleep(5_000));
    await c.registrationsQuiet(clock, 500, 1_300);
    expect(clock.now()).toBe(1_300);
    await registration;
  });

  it("a failed registration step counts as a registration too", async () => {
    const clock = new VirtualClock(0);
    const c = new ListenerCoordinator();
    await expect(
      c.registering(clock, async () => {
        clock.advance(100);
        throw new Error("check failed");
      }),
    ).rejects.toThrow("check failed");
    await c.registrationsQuiet(clock, 500, 10_000);
    expect(clock.now()).toBe(600);
  });

  it("returns the step's value", async () => {
    const clock = new VirtualClock(0);
    expect(await new ListenerCoordinator().registering(clock, async () => 42)).toBe(42);
  });
});
