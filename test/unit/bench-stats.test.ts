import { describe, expect, it } from "vitest";
import { fleetBounds, idealFleetMs, minimumJobs, optimalBatches, serviceFloor } from "../../bench/bench-stats";
import { countCalls } from "../kit/request-log";
import type { RequestLogEntry } from "../../simulator";

const entry = (seq: number, action: string, extra: Partial<RequestLogEntry> = {}): RequestLogEntry => ({
  seq,
  time: 1000 + seq,
  action,
  params: {},
  status: 200,
  code: null,
  requestId: `r${seq}`,
  ...extra,
});

describe("benchmark arithmetic", () => {
  it("minimum jobs: ceil(added/associate limit) + ceil(removed/dissociate limit), the limits the service enforces", () => {
    const strict = { associate: 15, dissociate: 15 };
    expect(minimumJobs(1, 1, strict)).toBe(2);
    expect(minimumJobs(20, 20, strict)).toBe(4);
    expect(minimumJobs(100, 100, strict)).toBe(14);
    expect(minimumJobs(0, 0, strict)).toBe(0);
    // The Dissociate document's 20: one job less at K = 20.
    expect(minimumJobs(20, 20, { associate: 15, dissociate: 20 })).toBe(3);
    expect(minimumJobs(100, 100, { associate: 15, dissociate: 20 })).toBe(12);
  });

  it("the fewest batches: full ones, then the rest", () => {
    expect(optimalBatches(0, 15)).toEqual([]);
    expect(optimalBatches(1, 15)).toEqual([1]);
    expect(optimalBatches(15, 15)).toEqual([15]);
    expect(optimalBatches(40, 15)).toEqual([15, 15, 10]);
  });

  it("the service floor: the service's limits and its job model over the fewest batches", () => {
    const flat = { batchLimits: () => ({ associate: 15, dissociate: 20 }), forecastJobsMs: (sizes: readonly number[]) => sizes.map(() => 10_000) };
    expect(serviceFloor(flat, 40, 40)).toEqual({
      limits: { associate: 15, dissociate: 20 },
      associateBatches: [15, 15, 10],
      dissociateBatches: [20, 20],
      jobs: 5,
      dryRuns: 3,
      floorMs: 50_000,
    });
    // Size-dependent jobs, 5000 + 333 × n: three Associate jobs of 15, 15, 10 and two Dissociate jobs of 20,
    // asked for in that order.
    const asked: number[][] = [];
    const sized = { batchLimits: () => ({ associate: 15, dissociate: 20 }), forecastJobsMs: (sizes: readonly number[]) => (asked.push([...sizes]), sizes.map((n) => 5_000 + 333 * n)) };
    expect(serviceFloor(sized, 40, 40).floorMs).toBe(5 * 5_000 + 333 * 80);
    expect(asked).toEqual([[15, 15, 10, 20, 20]]);
  });

  it("counts calls by kind, separating dry runs, throttled and busy refusals", () => {
    const c = countCalls([
      entry(1, "ListListenerCertificates"),
      entry(2, "AssociateAdditionalCertificatesWithListener", { params: { DryRun: "true" }, status: 400, code: "DryRunOperation" }),
      entry(3, "AssociateAdditionalCertificatesWithListener", { status: 400, code: "Throttling.User" }),
      entry(4, "AssociateAdditionalCertificatesWithListener", { jobId: "j1" }),
      entry(5, "ListAsynJobs"),
      entry(6, "DissociateAdditionalCertificatesFromListener", { status: 400, code: "ResourceInConfiguring.Listener" }),
      entry(7, "DissociateAdditionalCertificatesFromListener", { jobId: "j2" }),
      entry(8, "GetListenerAttribute", { status: 404, code: "ResourceNotFound.Listener" }),
    ]);
    expect(c).toMatchObject({ associate: 2, dissociate: 2, accepted: 2, dryRun: 1, listAsynJobs: 1, listListenerCertificates: 1, getListenerAttribute: 1, throttled: 1, busy: 1, failed: 1, jobs: 2, total: 8, firstAt: 1001, lastAt: 1008 });
  });

  it("fleet bounds: the rate limit, the engine's parallelism and one listener's job chain", () => {
    const b = fleetBounds({ listeners: 200, jobsPerListener: 2, jobMs: 2000, mutationsPerWindow: 40, rateWindowMs: 12_000, parallelism: 8 });
    // 400 mutations: the 400th starts at least floor(399/40) = 9 windows after the first, then its job.
    expect(b).toEqual({ chainMs: 4000, rateMs: 110_000, engineMs: 100_000, boundMs: 110_000, binding: "rate limit" });
  });

  it("the ideal schedule is at least every bound, and equals the chain when nothing else binds", () => {
    const options = { listeners: 50, jobsPerListener: 2, jobMs: 2000, mutationsPerWindow: 40, rateWindowMs: 12_000, parallelism: 8 };
    expect(idealFleetMs(options)).toBeGreaterThanOrEqual(fleetBounds(options).boundMs);
    expect(idealFleetMs({ ...options, listeners: 1, jobsPerListener: 12, mutationsPerWindow: 200, rateWindowMs: 60_000 })).toBe(24_000);
    expect(idealFleetMs({ ...options, listeners: 16, mutationsPerWindow: 1000 })).toBe(8000); // two rounds of 8
  });
});
