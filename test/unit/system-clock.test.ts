/**
 * The real clock (the one the provider runs on outside tests): `now` is the wall clock, `sleep` waits at
 * least as long as asked (a negative time not at all) and rejects with the signal's reason when the signal
 * aborts before, or while, it waits. Short real timers: milliseconds.
 */
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../provider/base/clock";

describe("systemClock", () => {
  it("now is the wall clock", () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it("sleeps at least as long as asked, and a negative time not at all", async () => {
    const started = performance.now();
    await expect(systemClock.sleep(30)).resolves.toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    await expect(systemClock.sleep(-1_000_000)).resolves.toBeUndefined();
  });

  it("rejects with the reason of a signal that has already aborted, without waiting", async () => {
    const reason = new Error("stop");
    const started = performance.now();
    await expect(systemClock.sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("rejects with the reason when the signal aborts during the sleep, at once", async () => {
    const controller = new AbortController();
    const reason = new Error("interrupted");
    const started = performance.now();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    setTimeout(() => controller.abort(reason), 10);
    await expect(sleeping).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a sleep that ended leaves the signal alone: a later abort changes nothing and no listener is left", async () => {
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<AbortSignal["addEventListener"]>) => {
      listeners++;
      add(...args);
    }) as AbortSignal["addEventListener"];
    signal.removeEventListener = ((...args: Parameters<AbortSignal["removeEventListener"]>) => {
      listeners--;
      remove(...args);
    }) as AbortSignal["removeEventListener"];
    await expect(systemClock.sleep(5, signal)).resolves.toBeUndefined();
    expect(listeners).toBe(0);
    controller.abort(new Error("late"));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("an ended sleep leaves no abort listener on the signal (read from the signal itself)", async () => {
    const controller = new AbortController();
    await systemClock.sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, "abort")).toEqual([]);
  });

  it("an aborted sleep leaves no timer running and no abort listener", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toEqual([]);
  });
});
