import { describe, expect, it } from "vitest";
import { WaitTimeoutError } from "../../provider/base/errors";
import { poll, waitFor } from "../../provider/core/waiter";
import { VirtualClock } from "../kit/clock";

const base = { minDelayMs: 250, maxDelayMs: 2000, random: () => 1 };

describe("poll", () => {
  it("checks at once, then backs off until success", async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const result = await poll(async (n) => (n < 4 ? { state: "retry", observed: `n=${n}` } : { state: "success", value: n }), {
      ...base,
      clock,
      deadlineAt: start + 60_000,
    });
    expect(result).toEqual({ state: "success", value: 4, attempts: 4, elapsedMs: 1750 });
    expect(clock.sleeps).toEqual([250, 500, 1000]);
  });

  it("looks every minDelayMs until steadyUntilMs, then backs off from minDelayMs", async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const result = await poll(async (n) => (n < 9 ? { state: "retry", observed: `n=${n}` } : { state: "success", value: n }), {
      ...base,
      clock,
      deadlineAt: start + 60_000,
      firstDelayMs: 1_000,
      steadyUntilMs: 2_000,
    });
    // First look at 1 s, steady looks at 1.25 … 2 s, then the backoff's 250, 500, 1000, 2000 ms.
    expect(clock.sleeps).toEqual([1_000, 250, 250, 250, 250, 250, 500, 1_000, 2_000]);
    expect(result).toEqual({ state: "success", value: 9, attempts: 9, elapsedMs: 5_750 });
  });

  it("refuses a negative or non-finite steadyUntilMs, naming it", async () => {
    const clock = new VirtualClock();
    for (const steadyUntilMs of [-1, Number.NaN]) {
      await expect(poll(async () => ({ state: "success", value: 1 }), { ...base, clock, deadlineAt: clock.now() + 1000, steadyUntilMs }))
        .rejects.toThrow(`steadyUntilMs must be a non-negative number of milliseconds, got ${steadyUntilMs}`);
    }
  });

  it("reports a failure with the check's error", async () => {
    const clock = new VirtualClock();
    const error = new Error("job failed");
    const result = await poll(async () => ({ state: "failure", error }), { ...base, clock, deadlineAt: clock.now() + 1000 });
    expect(result).toMatchObject({ state: "failure", error, attempts: 1 });
  });

  it("makes one last check at the deadline, then times out with what it saw", async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const result = await poll(async () => ({ state: "retry", observed: "still Associating" }), { ...base, clock, deadlineAt: start + 3000 });
    expect(result).toEqual({ state: "timeout", observed: "still Associating", attempts: 5, elapsedMs: 3000 });
    expect(clock.sleeps).toEqual([250, 500, 1000, 1250]);
  });

  it("stops when aborted", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const result = await poll(
      async (n) => {
        if (n === 2) controller.abort(new Error("stop"));
        return { state: "retry", observed: "x" };
      },
      { ...base, clock, deadlineAt: clock.now() + 60_000, signal: controller.signal },
    );
    expect(result.state).toBe("aborted");
    expect(result.attempts).toBe(2);
  });

  it.each([
    [{ minDelayMs: 0 }, /minDelayMs must be a positive number/],
    [{ maxDelayMs: 10 }, /maxDelayMs must be a number >= minDelayMs/],
    [{ firstDelayMs: -1 }, /firstDelayMs must be a non-negative/],
    [{ deadlineAt: Number.POSITIVE_INFINITY }, /deadlineAt must be a finite time/],
  ])("validates options: %j", async (override, message) => {
    const clock = new VirtualClock();
    await expect(poll(async () => ({ state: "success", value: 1 }), { ...base, clock, deadlineAt: clock.now() + 1000, ...override })).rejects.toThrow(message);
  });
});

describe("waitFor", () => {
  it("throws WaitTimeoutError naming what it waited for", async () => {
    const clock = new VirtualClock();
    await expect(
      waitFor("association of [a] on lsn-1", async () => ({ state: "retry", observed: "a Associating" }), { ...base, clock, deadlineAt: clock.now() + 1000 }),
    ).rejects.toThrow(WaitTimeoutError);
    await expect(
      waitFor("association of [a] on lsn-1", async () => ({ state: "retry", observed: "a Associating" }), { ...base, clock, deadlineAt: clock.now() + 1000 }),
    ).rejects.toThrow(/association of \[a\] on lsn-1; last observed: a Associating/);
  });
});
