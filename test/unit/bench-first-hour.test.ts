/**
 * The first-hour scenario's targets can fail: a run that takes longer than 10 s from the provider's first call
 * to its exit, or whose wall exceeds the no-op run of the same command + 10 s, misses a named target; a mistake
 * that no server can see (a closed port) has the wall target only. Synthetic results, no CLI.
 */
import { describe, expect, it } from "vitest";
import type { FirstHourBaselineRun, FirstHourCommand, FirstHourMistake, FirstHourResult, FirstHourRun } from "../../bench/first-hour-types";
import { FIRST_CALL_BUDGET_MS, firstHourChecks, firstHourSummaries, firstHourWallCeilingMs, median } from "../../bench/targets";

const PREVIEW: FirstHourCommand = "pulumi preview";
const UP: FirstHourCommand = "pulumi up --yes --skip-preview";

const stopped: FirstHourMistake = { key: "stopped-endpoint", label: "a stopped endpoint", firstCallSeenBy: null, expected: ["Cannot reach the ALB API"] };
const credentials: FirstHourMistake = { key: "rejected-credentials", label: "rejected credentials", firstCallSeenBy: "the simulator (its request log)", expected: ["rejected the credentials"] };

function run(mistake: FirstHourMistake, command: FirstHourCommand, repetition: number, wallMs: number, firstCallToExitMs: number | null): FirstHourRun {
  return { mistake: mistake.key, command, repetition, exitCode: 1, wallMs, firstCallToExitMs, contacts: firstCallToExitMs === null ? 0 : 1, messageSeen: true };
}

function baseline(command: FirstHourCommand, walls: readonly number[]): FirstHourBaselineRun[] {
  return walls.map((wallMs, i) => ({ command, repetition: i + 1, exitCode: 0, wallMs }));
}

/** Three rounds; `slow` replaces one run of rejected credentials' `up`. */
function result(slow?: { wallMs: number; firstCallToExitMs: number }): FirstHourResult {
  const runs: FirstHourRun[] = [];
  for (let r = 1; r <= 3; r++) {
    runs.push(run(stopped, PREVIEW, r, 4_000 + r * 100, null), run(stopped, UP, r, 4_500, null));
    runs.push(run(credentials, PREVIEW, r, 4_200, 150));
    runs.push(r === 2 && slow ? run(credentials, UP, r, slow.wallMs, slow.firstCallToExitMs) : run(credentials, UP, r, 4_400, 120 + r));
  }
  return {
    program: "test/e2e/programs/sni",
    jobMs: 300,
    repetitions: 3,
    mistakes: [stopped, credentials],
    runs,
    baseline: [...baseline(PREVIEW, [4_600, 4_300, 4_800]), ...baseline(UP, [5_000, 4_000, 5_100])],
  };
}

const failed = (r: FirstHourResult): string[] => firstHourChecks(r).filter((c) => !c.pass).map((c) => c.name);

describe("first-hour targets", () => {
  it("median and max per mistake and command; no first-call figure where nothing sees the call", () => {
    const summaries = firstHourSummaries(result());
    expect(summaries.map((s) => `${s.mistake.key} ${s.command}`)).toEqual([
      `stopped-endpoint ${PREVIEW}`,
      `stopped-endpoint ${UP}`,
      `rejected-credentials ${PREVIEW}`,
      `rejected-credentials ${UP}`,
    ]);
    expect(summaries[0]!.wall).toEqual({ medianMs: 4_200, maxMs: 4_300 });
    expect(summaries[0]!.firstCallToExit).toBeNull();
    expect(summaries[3]!.firstCallToExit).toEqual({ medianMs: 122, maxMs: 123 });
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("the wall ceiling is the median no-op run of the same command plus the requirement's 10 s", () => {
    expect(FIRST_CALL_BUDGET_MS).toBe(10_000);
    expect(firstHourWallCeilingMs(result(), PREVIEW)).toBe(4_600 + 10_000);
    expect(firstHourWallCeilingMs(result(), UP)).toBe(5_000 + 10_000);
  });

  it("a run within its budgets meets every target; the stopped endpoint has the wall target only", () => {
    const checks = firstHourChecks(result());
    expect(checks.filter((c) => !c.pass)).toEqual([]);
    expect(checks.filter((c) => c.name.includes("a stopped endpoint")).map((c) => c.name)).toEqual([
      "first hour, a stopped endpoint, pulumi preview: wall ≤ no-op pulumi preview + 10.0 s",
      "first hour, a stopped endpoint, pulumi up --yes --skip-preview: wall ≤ no-op pulumi up + 10.0 s",
    ]);
  });

  it("one run that fails later than 10 s after the first call misses the requirement", () => {
    expect(failed(result({ wallMs: 14_000, firstCallToExitMs: 10_001 }))).toEqual([
      "first hour, rejected credentials, pulumi up --yes --skip-preview: fails within 10.0 s of the provider's first call",
    ]);
  });

  it("one run slower than the no-op + 10 s misses the wall target, even when the first call was quick to fail", () => {
    expect(failed(result({ wallMs: 15_001, firstCallToExitMs: 200 }))).toEqual([
      "first hour, rejected credentials, pulumi up --yes --skip-preview: wall ≤ no-op pulumi up + 10.0 s",
    ]);
  });

  it("a result that lacks a command's runs or its baseline is refused", () => {
    const r = result();
    expect(() => firstHourSummaries({ ...r, runs: r.runs.filter((x) => !(x.mistake === "stopped-endpoint" && x.command === UP)) })).toThrow(/no runs of pulumi up/);
    expect(() => firstHourChecks({ ...r, baseline: r.baseline.filter((x) => x.command !== PREVIEW) })).toThrow(/no no-op baseline of pulumi preview/);
  });
});
