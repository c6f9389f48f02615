import { describe, expect, it } from "vitest";
import { COLD_SCHEDULE, JobTimings } from "../../provider/core/job-timing";

describe("JobTimings", () => {
  it("polls on the cold schedule (look at once, 250 ms doubling to 2 s) before any job was seen", () => {
    const timings = new JobTimings();
    expect(timings.estimateMs("lsn-a")).toBeUndefined();
    expect(timings.schedule("lsn-a")).toEqual({ firstDelayMs: 0, minDelayMs: 250, maxDelayMs: 2000 });
    expect(COLD_SCHEDULE).toEqual({ firstDelayMs: 0, minDelayMs: 250, maxDelayMs: 2000 });
  });

  it("takes the middle of the last running look and the done look, then first looks at that estimate", () => {
    const timings = new JobTimings();
    timings.record("lsn-a", { lastRunningMs: 9_500, doneMs: 10_500, schedule: COLD_SCHEDULE });
    expect(timings.estimateMs("lsn-a")).toBe(10_000);
    // then every 5 % of the estimate (500 ms), backing off to the usual 2 s cap once the estimate has passed
    expect(timings.schedule("lsn-a")).toEqual({ firstDelayMs: 10_000, minDelayMs: 500, maxDelayMs: 2000, steadyUntilMs: 10_000 });
  });

  it("keeps the step between 100 ms and 1 s", () => {
    const timings = new JobTimings();
    timings.record("fast", { lastRunningMs: 900, doneMs: 1_100, schedule: COLD_SCHEDULE });
    timings.record("slow", { lastRunningMs: 59_000, doneMs: 61_000, schedule: COLD_SCHEDULE });
    expect(timings.schedule("fast")).toMatchObject({ firstDelayMs: 1_000, minDelayMs: 100 });
    expect(timings.schedule("slow")).toMatchObject({ firstDelayMs: 60_000, minDelayMs: 1_000, maxDelayMs: 2_000 });
  });

  it("probes one step earlier when the first look already saw the job done", () => {
    const timings = new JobTimings();
    const schedule = { firstDelayMs: 10_000, minDelayMs: 500, maxDelayMs: 2_000 };
    timings.record("lsn-a", { doneMs: 10_000, schedule });
    expect(timings.estimateMs("lsn-a")).toBe(9_500);
  });

  it("uses the median of the listener's recent jobs, so one slow job does not make the next wait oversleep", () => {
    const timings = new JobTimings();
    for (const done of [10_000, 10_000, 60_000]) timings.record("lsn-a", { lastRunningMs: done - 200, doneMs: done, schedule: COLD_SCHEDULE });
    expect(timings.estimateMs("lsn-a")).toBe(9_900);
  });

  it("falls back to the last job of any listener for a listener it has not seen", () => {
    const timings = new JobTimings();
    timings.record("lsn-a", { lastRunningMs: 3_000, doneMs: 3_200, schedule: COLD_SCHEDULE });
    timings.record("lsn-b", { lastRunningMs: 5_000, doneMs: 5_200, schedule: COLD_SCHEDULE });
    expect(timings.estimateMs("lsn-new")).toBe(5_100);
    expect(timings.estimateMs("lsn-a")).toBe(3_100);
  });

  it("forgets the least recently used listener beyond its capacity", () => {
    const timings = new JobTimings(2);
    timings.record("a", { lastRunningMs: 1_000, doneMs: 1_000, schedule: COLD_SCHEDULE });
    timings.record("b", { lastRunningMs: 2_000, doneMs: 2_000, schedule: COLD_SCHEDULE });
    timings.record("a", { lastRunningMs: 1_000, doneMs: 1_000, schedule: COLD_SCHEDULE });
    timings.record("c", { lastRunningMs: 3_000, doneMs: 3_000, schedule: COLD_SCHEDULE });
    expect(timings.estimateMs("a")).toBe(1_000);
    expect(timings.estimateMs("b")).toBe(3_000); // forgotten: the fallback (last job anywhere)
  });
});

describe("JobTimings with batch sizes", () => {
  const done = (ms: number) => ({ lastRunningMs: ms - 100, doneMs: ms + 100, schedule: COLD_SCHEDULE });

  it("fits base + per certificate × size once jobs of two sizes were seen", () => {
    const timings = new JobTimings();
    timings.record("l", { ...done(6_000), size: 1 });
    timings.record("l", { ...done(20_000), size: 15 });
    expect(timings.estimateMs("l", 1)).toBe(6_000);
    expect(timings.estimateMs("l", 8)).toBe(13_000);
    expect(timings.estimateMs("l", 15)).toBe(20_000);
    // Without a size, the median as before.
    expect(timings.estimateMs("l")).toBe(13_000);
  });

  it("looks first before the expected end by the prior spread until three jobs were seen, then by the spread they showed", () => {
    const timings = new JobTimings();
    timings.record("l", { ...done(10_000), size: 5 });
    // Steady looks across the window the prior allows on either side of the estimate: 8 s to 12 s.
    expect(timings.schedule("l", 5)).toEqual({ firstDelayMs: 8_000, minDelayMs: 667, maxDelayMs: 2_000, steadyUntilMs: 12_000 });
    timings.record("l", { ...done(10_000), size: 5 });
    timings.record("l", { ...done(10_000), size: 5 });
    // Three equal jobs: no spread, first look at the expected end, steps of a twentieth.
    expect(timings.schedule("l", 5)).toEqual({ firstDelayMs: 10_000, minDelayMs: 500, maxDelayMs: 2_000, steadyUntilMs: 10_000 });
    timings.record("l", { ...done(8_000), size: 5 });
    // Median 10 s; one job 20 % shorter than that: the next first look is 20 % early.
    expect(timings.schedule("l", 5)).toEqual({ firstDelayMs: 8_000, minDelayMs: 667, maxDelayMs: 2_000, steadyUntilMs: 12_000 });
  });
});

describe("JobTimings from the service's own timestamps", () => {
  it("learns the duration the service reports (ModifyTime − CreateTime) instead of the middle of the looks", () => {
    const timings = new JobTimings();
    timings.record("l", { lastRunningMs: 9_000, doneMs: 11_000, schedule: COLD_SCHEDULE, serviceMs: 9_437 });
    expect(timings.estimateMs("l")).toBe(9_437);
  });

  it("does not believe a service duration that ends after the look that saw the job done, beyond a round trip", () => {
    const timings = new JobTimings();
    timings.record("a", { lastRunningMs: 9_000, doneMs: 11_000, schedule: COLD_SCHEDULE, serviceMs: 12_000 });
    expect(timings.estimateMs("a")).toBe(12_000);
    timings.record("b", { lastRunningMs: 9_000, doneMs: 11_000, schedule: COLD_SCHEDULE, serviceMs: 12_001 });
    expect(timings.estimateMs("b")).toBe(10_000);
    timings.record("c", { lastRunningMs: 9_000, doneMs: 11_000, schedule: COLD_SCHEDULE, serviceMs: -1 });
    expect(timings.estimateMs("c")).toBe(10_000);
  });
});

describe("JobTimings for a batch size not seen yet", () => {
  const done = (ms: number) => ({ lastRunningMs: ms - 100, doneMs: ms + 100, schedule: COLD_SCHEDULE });

  it("starts at the estimate scaled by the sizes' ratio and steps across to the estimate, for a smaller batch", () => {
    const timings = new JobTimings();
    timings.record("l", { ...done(9_000), size: 15 });
    // 5 of 15: the job may take 3 s (all of it per certificate) to 9 s (none of it); first look 20 % before
    // 3 s, steps of a sixth of the window (1 s at most), steady until 20 % past 9 s.
    expect(timings.schedule("l", 5)).toEqual({ firstDelayMs: 2_400, minDelayMs: 1_000, maxDelayMs: 2_000, steadyUntilMs: 10_800 });
    // The size seen: as before.
    expect(timings.schedule("l", 15)).toEqual({ firstDelayMs: 7_200, minDelayMs: 600, maxDelayMs: 2_000, steadyUntilMs: 10_800 });
  });

  it("starts at the estimate and steps across to the scaled estimate, for a larger batch", () => {
    const timings = new JobTimings();
    timings.record("l", { ...done(3_000), size: 1 });
    // 2 of 1: 3 s to 6 s; first look 20 % before 3 s, steps of half a second (a sixth of the window), steady
    // until 20 % past 6 s.
    expect(timings.schedule("l", 2)).toEqual({ firstDelayMs: 2_400, minDelayMs: 500, maxDelayMs: 2_000, steadyUntilMs: 7_200 });
  });
});

describe("JobTimings seeded from state", () => {
  const cold = { firstDelayMs: 0, minDelayMs: 250, maxDelayMs: 2000 };

  it("a listener seeded with an earlier process's samples is waited for on the learned schedule at once", () => {
    const timings = new JobTimings();
    timings.seed("lsn-a", [{ ms: 10_000, size: 1 }]);
    expect(timings.samplesOf("lsn-a")).toEqual([{ ms: 10_000, size: 1 }]);
    expect(timings.schedule("lsn-a", 1)).toEqual({ firstDelayMs: 8_000, minDelayMs: 667, maxDelayMs: 2000, steadyUntilMs: 12_000 });
    // The seed is the listener's own: it is also the fallback only once a job was recorded here.
    expect(timings.schedule("lsn-b", 1)).toEqual(cold);
  });

  it("a listener this process already timed keeps its own samples", () => {
    const timings = new JobTimings();
    timings.record("lsn-a", { lastRunningMs: 1_900, doneMs: 2_100, schedule: COLD_SCHEDULE, size: 1 });
    timings.seed("lsn-a", [{ ms: 30_000, size: 1 }]);
    expect(timings.samplesOf("lsn-a")).toEqual([{ ms: 2_000, size: 1 }]);
  });

  it("leaves out what is not a duration and keeps the five most recent", () => {
    const timings = new JobTimings();
    timings.seed("lsn-a", [{ ms: -1 }, { ms: Number.NaN }, { ms: Number.POSITIVE_INFINITY }, { ms: 1_000, size: 0 }, { ms: 1_000, size: 1.5 }]);
    expect(timings.samplesOf("lsn-a")).toEqual([]);
    expect(timings.schedule("lsn-a")).toEqual(cold);
    timings.seed("lsn-a", [1, 2, 3, 4, 5, 6, 7].map((n) => ({ ms: n * 1_000, size: 1 })));
    expect(timings.samplesOf("lsn-a").map((s) => s.ms)).toEqual([3_000, 4_000, 5_000, 6_000, 7_000]);
  });

  it("seeding counts towards the listeners kept: the least recently used one goes", () => {
    const timings = new JobTimings(2);
    timings.seed("lsn-a", [{ ms: 1_000 }]);
    timings.seed("lsn-b", [{ ms: 2_000 }]);
    timings.seed("lsn-c", [{ ms: 3_000 }]);
    expect([timings.samplesOf("lsn-a"), timings.samplesOf("lsn-b"), timings.samplesOf("lsn-c")]).toEqual([[], [{ ms: 2_000 }], [{ ms: 3_000 }]]);
  });

  it("samplesOf hands out a copy", () => {
    const timings = new JobTimings();
    timings.seed("lsn-a", [{ ms: 1_000 }]);
    (timings.samplesOf("lsn-a") as { ms: number }[]).push({ ms: 9 });
    expect(timings.samplesOf("lsn-a")).toEqual([{ ms: 1_000 }]);
  });
});
