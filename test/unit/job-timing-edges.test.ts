/**
 * The edges of learning job durations (provider/core/job-timing.ts) that the main cases leave open: how the
 * median orders, which samples a fit or a "one size seen" decision counts, instant jobs, what a record
 * refuses, where a bracket or the service's own account is believed, how many samples are kept, and the
 * fallback to another listener's last job. Every duration is given exactly (the service's `serviceMs`, or a
 * bracket), so each expectation is exact.
 */
import { describe, expect, it } from "vitest";
import { COLD_SCHEDULE, JobTimings } from "../../provider/core/job-timing";

/** Records a job of exactly `ms` (the service's own account, inside the looks' bracket). */
function job(timings: JobTimings, listenerId: string, ms: number, size?: number): void {
  timings.record(listenerId, { lastRunningMs: ms, doneMs: ms + 100, schedule: COLD_SCHEDULE, serviceMs: ms, ...(size === undefined ? {} : { size }) });
}

describe("JobTimings, edges", () => {
  it("the median orders durations by value, not as text nor as they came", () => {
    const timings = new JobTimings();
    for (const ms of [9, 200, 10]) job(timings, "l", ms);
    expect(timings.estimateMs("l")).toBe(10);
    const even = new JobTimings();
    for (const ms of [3_000, 1_000, 20_000, 2_000]) job(even, "l", ms);
    expect(even.estimateMs("l")).toBe(2_500);
  });

  it("fits base + per-certificate time to jobs of several sizes, exactly", () => {
    const timings = new JobTimings();
    job(timings, "l", 1_500, 1);
    job(timings, "l", 2_500, 3);
    expect(timings.estimateMs("l", 5)).toBe(3_500);
    expect(timings.estimateMs("l", 1)).toBe(1_500);
    // Without a size: the median of every recent job.
    expect(timings.estimateMs("l")).toBe(2_000);
  });

  it("leaves jobs of unknown or zero size out of the fit and out of 'one size seen'", () => {
    const timings = new JobTimings();
    job(timings, "l", 1_500, 1);
    job(timings, "l", 2_500, 3);
    job(timings, "l", 90_000, 0);
    job(timings, "l", 90_000);
    expect(timings.estimateMs("l", 5)).toBe(3_500);
    // Only size 2 among the sized ones: its median, and the window a size of 4 may end in (1× to 2× the
    // estimate, six looks across it); no job ended early, so no spread.
    const one = new JobTimings();
    job(one, "m", 1_000, 2);
    job(one, "m", 70_000);
    job(one, "m", 80_000, 0);
    expect(one.estimateMs("m", 4)).toBe(1_000);
    expect(one.schedule("m", 4)).toEqual({ firstDelayMs: 1_000, minDelayMs: 167, maxDelayMs: 2_000, steadyUntilMs: 2_000 });
  });

  it("a schedule without a size needs no size seen; with sizes of several kinds seen, any size is scheduled", () => {
    const timings = new JobTimings();
    job(timings, "l", 2_000, 2);
    expect(timings.schedule("l")).toEqual({ firstDelayMs: 2_000, minDelayMs: 100, maxDelayMs: 2_000, steadyUntilMs: 2_000 });
    job(timings, "l", 3_000, 4);
    // base 1000 + 500 per certificate: 4000 at size 6, spread 0.2 while fewer than three jobs were seen.
    expect(timings.schedule("l", 6)).toEqual({ firstDelayMs: 3_200, minDelayMs: 267, maxDelayMs: 2_000, steadyUntilMs: 4_800 });
  });

  it("asked for a batch size when no job of known size was seen, the median of the jobs seen", () => {
    const timings = new JobTimings();
    job(timings, "l", 1_000);
    job(timings, "l", 3_000);
    job(timings, "l", 2_000);
    expect(timings.estimateMs("l", 4)).toBe(2_000);
    // The quickest of them ended half the median early: the looks start there, a sixth of the median apart.
    expect(timings.schedule("l", 4)).toEqual({ firstDelayMs: 1_000, minDelayMs: 333, maxDelayMs: 2_000, steadyUntilMs: 3_000 });
  });

  it("instant jobs schedule a look at once, with no spread to divide by zero", () => {
    const timings = new JobTimings();
    for (let i = 0; i < 3; i++) job(timings, "l", 0, 1);
    expect(timings.schedule("l", 1)).toEqual({ firstDelayMs: 0, minDelayMs: 100, maxDelayMs: 2_000, steadyUntilMs: 0 });
  });

  it("the spread is the largest early end seen among three or more jobs", () => {
    const timings = new JobTimings();
    for (const ms of [1_000, 1_000, 800]) job(timings, "l", ms, 1);
    // median 1000; the 800 ms job ended 20 % early: first look at 800, steady until 1200.
    expect(timings.schedule("l", 1)).toEqual({ firstDelayMs: 800, minDelayMs: 100, maxDelayMs: 2_000, steadyUntilMs: 1_200 });
  });

  it("refuses a look that is not a time; a job seen done at the first look at 0 ms took nothing", () => {
    const timings = new JobTimings();
    timings.record("l", { doneMs: Number.NaN, schedule: COLD_SCHEDULE });
    timings.record("l", { doneMs: -5, schedule: COLD_SCHEDULE });
    timings.record("l", { doneMs: Number.POSITIVE_INFINITY, schedule: COLD_SCHEDULE });
    expect(timings.estimateMs("l")).toBeUndefined();
    timings.record("l", { doneMs: 0, schedule: COLD_SCHEDULE });
    expect(timings.estimateMs("l")).toBe(0);
  });

  it("believes a bracket only when the running look came before the done look", () => {
    const timings = new JobTimings();
    const schedule = { firstDelayMs: 0, minDelayMs: 100, maxDelayMs: 2_000 };
    timings.record("a", { lastRunningMs: 5_000, doneMs: 3_000, schedule });
    expect(timings.estimateMs("a")).toBe(2_900);
    timings.record("b", { lastRunningMs: 3_000, doneMs: 3_000, schedule });
    expect(timings.estimateMs("b")).toBe(3_000);
  });

  it("believes the service's own duration when it fits the looks (within a second past the done look), else the bracket", () => {
    const cases: [number | undefined, number][] = [
      [0, 0],
      [4_000, 4_000],
      [5_000, 5_000],
      [5_001, 3_500],
      [-1, 3_500],
      [Number.NaN, 3_500],
      [undefined, 3_500],
    ];
    for (const [serviceMs, learned] of cases) {
      const timings = new JobTimings();
      timings.record("l", { lastRunningMs: 3_000, doneMs: 4_000, schedule: COLD_SCHEDULE, ...(serviceMs === undefined ? {} : { serviceMs }) });
      expect(timings.estimateMs("l"), `serviceMs ${serviceMs}`).toBe(learned);
    }
  });

  it("keeps the five most recent jobs of a listener", () => {
    const timings = new JobTimings();
    for (const ms of [100_000, 100_000, 100_000, 1_000, 1_000]) job(timings, "l", ms);
    expect(timings.estimateMs("l")).toBe(100_000);
    job(timings, "l", 1_000);
    expect(timings.estimateMs("l")).toBe(1_000);
    const five = new JobTimings();
    for (const ms of [1, 2, 3, 4, 5]) job(five, "l", ms);
    expect(five.estimateMs("l")).toBe(3);
    job(five, "l", 6);
    expect(five.estimateMs("l")).toBe(4);
    job(five, "l", 7);
    expect(five.estimateMs("l")).toBe(5);
  });

  it("a listener not seen yet uses the last job of any listener; a fresh process knows nothing", () => {
    const timings = new JobTimings();
    expect(timings.estimateMs("new")).toBeUndefined();
    expect(timings.schedule("new", 3)).toBe(COLD_SCHEDULE);
    job(timings, "a", 4_000, 2);
    job(timings, "b", 6_000, 2);
    expect(timings.estimateMs("new")).toBe(6_000);
    expect(timings.estimateMs("a")).toBe(4_000);
  });

  it("forgets the least recently recorded listener beyond its limit, and only that one", () => {
    const timings = new JobTimings(2);
    job(timings, "a", 1_000);
    job(timings, "b", 2_000);
    job(timings, "a", 1_000);
    job(timings, "c", 3_000);
    expect(timings.estimateMs("a")).toBe(1_000);
    // b was forgotten: it falls back to the last job of any listener (c's).
    expect(timings.estimateMs("b")).toBe(3_000);
    expect(timings.estimateMs("c")).toBe(3_000);
  });
});
