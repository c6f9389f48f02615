/**
 * The serving gap is read from the service's jobs: a domain is unserved from the acceptance of the old
 * certificate's Dissociate until the end of the job that associated the new one. Action names and statuses
 * are spelled out as the simulator shows them.
 */
import { describe, expect, it } from "vitest";
import { servingGaps, type JobRecord } from "../../bench/serving-gap";

const LISTENER = "lsn-bench-0000";

function job(apiName: "Associate" | "Dissociate", certificateIds: string[], createTime: number, modifyTime: number, status = "Succeeded", listenerId = LISTENER): JobRecord {
  return {
    apiName: apiName === "Associate" ? "AssociateAdditionalCertificatesWithListener" : "DissociateAdditionalCertificatesFromListener",
    status,
    listenerId,
    certificateIds,
    createTime,
    modifyTime,
  };
}

const pairs = [
  { domain: "a.example.com", from: "old-a", to: "new-a" },
  { domain: "b.example.com", from: "old-b", to: "new-b" },
];

describe("servingGaps", () => {
  it("is zero when the new certificates were associated before the old ones were dissociated", () => {
    const jobs = [job("Associate", ["new-a", "new-b"], 1_000, 3_000), job("Dissociate", ["old-a", "old-b"], 3_100, 5_100)];
    expect(servingGaps(jobs, LISTENER, pairs, 0, 10_000)).toEqual([
      { domain: "a.example.com", gapMs: 0, unserved: false },
      { domain: "b.example.com", gapMs: 0, unserved: false },
    ]);
  });

  it("runs from the Dissociate's acceptance (not its end) to the end of the replacement's association", () => {
    const jobs = [
      job("Dissociate", ["old-a"], 1_000, 3_000),
      job("Associate", ["new-a"], 8_000, 10_000),
      job("Associate", ["new-b"], 3_000, 5_000),
      job("Dissociate", ["old-b"], 12_000, 14_000),
    ];
    expect(servingGaps(jobs, LISTENER, pairs, 0, 20_000)).toEqual([
      { domain: "a.example.com", gapMs: 9_000, unserved: false },
      { domain: "b.example.com", gapMs: 0, unserved: false },
    ]);
  });

  it("lasts until the phase's end, flagged, when the replacement never became associated", () => {
    const jobs = [job("Dissociate", ["old-a"], 2_000, 4_000), job("Associate", ["new-a"], 5_000, 7_000, "Failed")];
    expect(servingGaps(jobs, LISTENER, pairs.slice(0, 1), 0, 30_000)).toEqual([{ domain: "a.example.com", gapMs: 28_000, unserved: true }]);
  });

  it("ignores an association that ends after the phase, jobs of other listeners and jobs before the phase", () => {
    const jobs = [
      job("Associate", ["new-a"], 500, 900), // before the phase
      job("Associate", ["new-a"], 2_000, 4_000, "Succeeded", "lsn-other"),
      job("Dissociate", ["old-a"], 2_000, 4_000),
      job("Associate", ["new-a"], 9_000, 11_000), // ends after the phase
    ];
    expect(servingGaps(jobs, LISTENER, pairs.slice(0, 1), 1_000, 10_000)).toEqual([{ domain: "a.example.com", gapMs: 8_000, unserved: true }]);
  });

  it("has no gap for a domain whose old certificate was never dissociated", () => {
    expect(servingGaps([job("Associate", ["new-a"], 1_000, 3_000)], LISTENER, pairs.slice(0, 1), 0, 5_000)).toEqual([{ domain: "a.example.com", gapMs: 0, unserved: false }]);
  });

  it("takes the first Dissociate and the first finished association of each certificate", () => {
    const jobs = [
      job("Dissociate", ["old-a"], 4_000, 6_000),
      job("Dissociate", ["old-a"], 2_000, 3_000),
      job("Associate", ["new-a"], 6_000, 9_000),
      job("Associate", ["new-a"], 5_000, 7_000),
    ];
    expect(servingGaps(jobs, LISTENER, pairs.slice(0, 1), 0, 20_000)).toEqual([{ domain: "a.example.com", gapMs: 5_000, unserved: false }]);
  });
});
