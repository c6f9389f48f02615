/**
 * The edges of the waiter and the retry loop: a first delay cut at the deadline, an abort before the
 * first look, what a timeout reports, and options refused before any call.
 */
import { describe, expect, it } from "vitest";
import { AlbApiError, WaitTimeoutError } from "../../provider/base/errors";
import { withRetry } from "../../provider/core/retry";
import { poll, waitFor } from "../../provider/core/waiter";
import { VirtualClock } from "../kit/clock";

const base = { minDelayMs: 250, maxDelayMs: 2000, random: () => 1 };

describe("poll", () => {
  it("cuts a first delay longer than the time left at the deadline, and looks once there", async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    let looks = 0;
    const result = await poll(
      async () => {
        looks++;
        return { state: "retry", observed: "a Associating" };
      },
      { ...base, clock, firstDelayMs: 10_000, deadlineAt: start + 3_000 },
    );
    expect(clock.sleeps).toEqual([3_000]);
    expect(looks).toBe(1);
    expect(result).toEqual({ state: "timeout", observed: "a Associating", attempts: 1, elapsedMs: 3_000 });
  });

  it("sleeps a first delay shorter than the time left, then looks", async () => {
    const clock = new VirtualClock();
    const result = await poll(async () => ({ state: "success", value: "done" }), { ...base, clock, firstDelayMs: 1_200, deadlineAt: clock.now() + 3_000 });
    expect(clock.sleeps).toEqual([1_200]);
    expect(result).toEqual({ state: "success", value: "done", attempts: 1, elapsedMs: 1_200 });
  });

  it("aborted before its first look (during the first delay, or already): nothing observed, nothing checked", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    let looks = 0;
    const check = async () => {
      looks++;
      return { state: "success" as const, value: 1 };
    };
    const options = { ...base, clock, deadlineAt: clock.now() + 60_000, signal: controller.signal };
    expect(await poll(check, { ...options, firstDelayMs: 5_000 })).toEqual({ state: "aborted", observed: "nothing yet", attempts: 0, elapsedMs: 0 });
    expect(await poll(check, options)).toEqual({ state: "aborted", observed: "nothing yet", attempts: 0, elapsedMs: 0 });
    expect(looks).toBe(0);
  });
});

describe("waitFor", () => {
  it("reports an interrupted wait as a timeout naming the interruption and what it last saw", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const error = await waitFor(
      "association of [a] on lsn-1",
      async (n) => {
        if (n === 2) controller.abort(new Error("stop"));
        return { state: "retry", observed: `look ${n}` };
      },
      { ...base, clock, deadlineAt: clock.now() + 60_000, signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe(
      "Timed out after 0.3s (2 attempts) waiting for association of [a] on lsn-1 (interrupted); last observed: look 2. " +
        "Raise waitTimeoutSeconds if the listener is legitimately slow, then run the update again: it resumes from the live state.",
    );
  });
});

describe("withRetry", () => {
  const busy = () => new AlbApiError({ code: "IncorrectStatus.Listener", action: "AssociateAdditionalCertificatesWithListener", apiMessage: "busy", retryable: true });

  it("reports how long it tried, from its first attempt", async () => {
    const clock = new VirtualClock();
    const error = await withRetry(
      async () => {
        throw busy();
      },
      { clock, random: () => 1, deadlineAt: clock.now() + 2_500, what: "the listener", minDelayMs: 1000, maxDelayMs: 1000 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "WaitTimeoutError", elapsedMs: 2_000, attempts: 3 });
    expect((error as Error).message).toMatch(/^Timed out after 2\.0s \(3 attempts\) waiting for the listener; last observed: /);
  });

  it.each([
    [{ minDelayMs: 0 }, "minDelayMs must be a positive number of milliseconds, got 0"],
    [{ maxDelayMs: 100 }, "maxDelayMs must be a number >= minDelayMs (500), got 100"],
  ])("refuses unusable backoff options before the first attempt: %j", async (override, message) => {
    const clock = new VirtualClock();
    let calls = 0;
    const attempt = withRetry(
      async () => {
        calls++;
        return "ok";
      },
      { clock, random: () => 1, deadlineAt: clock.now() + 60_000, what: "x", minDelayMs: 500, maxDelayMs: 1000, ...override },
    );
    await expect(attempt).rejects.toThrow(new RangeError(message));
    expect(calls).toBe(0);
  });
});
