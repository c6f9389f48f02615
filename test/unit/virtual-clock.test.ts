import { describe, expect, it } from "vitest";
import { IDLE_TURNS, VirtualClock } from "../kit/clock";

const turn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await turn();
};

describe("VirtualClock (the test kit's clock)", () => {
  it("advances a lone sleeper by exactly what it slept, and records the sleep", async () => {
    const clock = new VirtualClock(1_000);
    await clock.sleep(250);
    expect(clock.now()).toBe(1_250);
    await clock.sleep(-5);
    expect(clock.now()).toBe(1_250);
    expect(clock.sleeps).toEqual([250, -5]);
  });

  it("wakes concurrent sleepers in time order; time ends at the latest wake-up, not the sum", async () => {
    const clock = new VirtualClock(0);
    const woke: string[] = [];
    await Promise.all([300, 100, 200].map((ms) => clock.sleep(ms).then(() => woke.push(`${ms}@${clock.now()}`))));
    expect(woke).toEqual(["100@100", "200@200", "300@300"]);
    expect(clock.now()).toBe(300);
  });

  it("stands still while a tracked request is in flight", async () => {
    const clock = new VirtualClock(0);
    let answer!: (value: string) => void;
    const request = clock.track(() => new Promise<string>((resolve) => (answer = resolve)));
    let woke = false;
    const sleeping = clock.sleep(1_000).then(() => (woke = true));
    await turns(IDLE_TURNS * 4);
    expect([woke, clock.now()]).toEqual([false, 0]);
    answer("ok");
    expect(await request).toBe("ok");
    await sleeping;
    expect(clock.now()).toBe(1_000);
  });

  it("lets work that a woken task starts within a few turns register before time jumps again", async () => {
    const clock = new VirtualClock(0);
    let secondWake = -1;
    const first = (async () => {
      await clock.sleep(100);
      await turns(IDLE_TURNS - 1);
      await clock.sleep(1);
      secondWake = clock.now();
    })();
    const other = clock.sleep(200);
    await Promise.all([first, other]);
    expect(secondWake).toBe(101);
    expect(clock.now()).toBe(200);
  });

  it("advance moves time at once; a wake-up already passed fires without moving it back", async () => {
    const clock = new VirtualClock(0);
    const sleeping = clock.sleep(500);
    clock.advance(1_000);
    expect(clock.now()).toBe(1_000);
    await sleeping;
    expect(clock.now()).toBe(1_000);
  });

  it("drain fires every pending wake-up", async () => {
    const clock = new VirtualClock(0);
    const woke: number[] = [];
    void clock.sleep(30_000).then(() => woke.push(clock.now()));
    void clock.sleep(10_000).then(() => woke.push(clock.now()));
    await clock.drain();
    expect(woke).toEqual([10_000, 30_000]);
  });

  it("rejects with the signal's reason: at once when already aborted (not recorded), or when aborted while asleep (its wake-up dropped)", async () => {
    const clock = new VirtualClock(0);
    const aborted = AbortSignal.abort(new Error("stop"));
    await expect(clock.sleep(100, aborted)).rejects.toThrow("stop");
    expect(clock.sleeps).toEqual([]);
    const controller = new AbortController();
    const sleeping = clock.sleep(5_000, controller.signal);
    controller.abort(new Error("cancelled"));
    await expect(sleeping).rejects.toThrow("cancelled");
    await clock.drain();
    expect(clock.now()).toBe(0);
    expect(clock.sleeps).toEqual([5_000]);
  });
});
