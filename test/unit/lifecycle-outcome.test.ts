/**
 * The lifecycle's pure pieces: what an apply, a failed apply and a read leave in state (outcome.ts), owner
 * keys and the one-owner error (ownership.ts), and diff's drift read (drift.ts) over a scripted session.
 */
import { describe, expect, it } from "vitest";
import { AlbApiError } from "../../provider/base/errors";
import type { LiveValidator } from "../../provider/core/listener-checks";
import type { ListenerSession } from "../../provider/core/listener-session";
import { liveDrift } from "../../provider/lifecycle/drift";
import { appliedOutputs, ApplyTracker, partialOutcome, readOutcome } from "../../provider/lifecycle/outcome";
import { ownerName, ownerOf, ownershipProblems } from "../../provider/lifecycle/ownership";
import type { StoredProps } from "../../provider/lifecycle/state";
import type { ListenerCertificate } from "../../provider/transport/alb-client";

const L = "lsn-outcome-1";
const props = (certificates: string[], exclusive = false): StoredProps => ({
  listenerId: L,
  certificates: Object.fromEntries(certificates.map((id) => [id, "Associated"])),
  exclusive,
  region: "cn-hangzhou",
  waitTimeoutSeconds: 600,
  resourceName: "sni",
});
const row = (certificateId: string, status = "Associated", isDefault = false): ListenerCertificate => ({ certificateId, status, isDefault }) as ListenerCertificate;
const plan = (associate: string[][], dissociate: string[][], keptForOthers: string[] = []) => ({ associate, dissociate, unchanged: [], keptForOthers });

describe("appliedOutputs", () => {
  it("the declared certificates with their live status, sorted; a declared one the listener does not show is left out", () => {
    const out = appliedOutputs(props(["c", "a", "b"]), { plan: plan([], []), live: [{ certificateId: "b", status: "Associating" }, { certificateId: "a", status: "Associated" }, { certificateId: "z", status: "Associated" }] });
    expect(out.certificates).toEqual({ a: "Associated", b: "Associating" });
    expect(Object.keys(out.certificates)).toEqual(["a", "b"]);
  });

  it("exclusive: every present certificate, not one that is dissociating or kept for another resource", () => {
    const live = [
      { certificateId: "y", status: "Associated" },
      { certificateId: "a", status: "Associated" },
      { certificateId: "x", status: "Dissociating" },
      { certificateId: "k", status: "Associated" },
    ];
    const out = appliedOutputs(props(["a"], true), { plan: plan([], [], ["k"]), live });
    expect(out.certificates).toEqual({ a: "Associated", y: "Associated" });
    expect(Object.keys(out.certificates)).toEqual(["a", "y"]);
  });

  it("a certificate kept for another resource is not this one's even when declared before", () => {
    const out = appliedOutputs(props(["a", "k"]), { plan: plan([], [], ["k"]), live: [{ certificateId: "a", status: "Associated" }, { certificateId: "k", status: "Associated" }] });
    expect(out.certificates).toEqual({ a: "Associated" });
  });
});

describe("partialOutcome", () => {
  const rows = [row("d", "Associated", true), row("b"), row("a", "Associating"), row("x")];

  it("the certificates declared before or now that are live, sorted, once each; a sent association not shown is Unknown; progress per plan", () => {
    const tracker = new ApplyTracker();
    tracker.onPlanned(plan([["a", "n"]], [["b", "old"]]));
    tracker.onMutated("associate", ["a", "n"]);
    const { outputs, progress } = partialOutcome(props(["a", "n"]), tracker.failed(["old", "b", "a", "n", "a"]), rows);
    expect(outputs.certificates).toEqual({ a: "Associating", b: "Associated", n: "Unknown" });
    expect(Object.keys(outputs.certificates)).toEqual(["a", "b", "n"]);
    expect(progress).toEqual({ associated: ["a"], notAssociated: ["n"], dissociated: ["old"], notDissociated: ["b"] });
  });

  it("without a plan (it failed before planning): no progress; nothing sent is Unknown", () => {
    const tracker = new ApplyTracker();
    const { outputs, progress } = partialOutcome(props(["a"]), tracker.failed(["a", "gone"]), rows);
    expect(outputs.certificates).toEqual({ a: "Associating" });
    expect(progress).toBeUndefined();
    expect(tracker.mutated).toBe(false);
  });

  it("a dissociation sent is no association: it never makes a certificate Unknown", () => {
    const tracker = new ApplyTracker();
    tracker.onMutated("dissociate", ["q"]);
    expect(tracker.mutated).toBe(true);
    expect(partialOutcome(props([]), tracker.failed(["q"]), []).outputs.certificates).toEqual({});
  });

  it("the listener could not be read: every certificate declared before or now is Unknown, sorted", () => {
    const tracker = new ApplyTracker();
    tracker.onPlanned(plan([["a"]], []));
    const { outputs, progress } = partialOutcome(props(["b"]), tracker.failed(["b", "a", "b"]), undefined);
    expect(outputs.certificates).toEqual({ a: "Unknown", b: "Unknown" });
    expect(Object.keys(outputs.certificates)).toEqual(["a", "b"]);
    expect(progress).toBeUndefined();
  });
});

describe("readOutcome", () => {
  const rows = [row("def", "Associated", true), row("c"), row("a"), row("b", "Dissociating"), row("z", "Associating")];

  it("the declared certificates the listener serves or is associating, sorted, as outputs with status and as inputs", () => {
    const read = readOutcome(L, { listenerId: L, certificates: { a: "Associated", b: "Associated", z: "Associating", c: "Associated" }, region: "cn-hangzhou" }, rows);
    expect(read.id).toBe(L);
    expect(read.props.certificates).toEqual({ a: "Associated", c: "Associated", z: "Associating" });
    expect(Object.keys(read.props.certificates as object)).toEqual(["a", "c", "z"]);
    expect(read.inputs.certificates).toEqual({ a: "Associated", c: "Associated", z: "Associated" });
    expect(read.props).toMatchObject({ listenerId: L, exclusive: false, region: "cn-hangzhou" });
  });

  it("exclusive: every present additional certificate, never the default one", () => {
    const read = readOutcome(L, { listenerId: L, exclusive: true, certificates: { a: "Associated" } }, rows);
    expect(Object.keys(read.props.certificates as object)).toEqual(["a", "c", "z"]);
  });

  it("keeps the recorded job durations in the outputs, never in the inputs; none recorded, none written", () => {
    const jobDurations = [{ ms: 2_000, certificates: 1 }, { ms: 2_500 }];
    const read = readOutcome(L, { listenerId: L, certificates: { a: "Associated" }, jobDurations }, rows);
    expect(read.props.jobDurations).toEqual([{ ms: 2_000, certificates: 1 }, { ms: 2_500 }]);
    expect("jobDurations" in read.inputs).toBe(false);
    expect("jobDurations" in readOutcome(L, { listenerId: L, certificates: { a: "Associated" } }, rows).props).toBe(false);
    expect("jobDurations" in readOutcome(L, { listenerId: L, certificates: { a: "Associated" }, jobDurations: [{ ms: -5 }] }, rows).props).toBe(false);
  });
});

describe("ownership", () => {
  it("the owner key is the resource name and its region; the name comes back out of it", () => {
    expect(ownerOf({ resourceName: "team|a", region: "cn-hangzhou" })).toBe("team|a|cn-hangzhou");
    expect(ownerName("team|a|cn-hangzhou")).toBe("team|a");
    expect(ownerOf({})).toBe("(unnamed)|");
    expect(ownerOf({ resourceName: "x" })).toBe("x|");
  });

  it("one error per certificate, naming both resources and the listener", () => {
    const [first, second, ...rest] = ownershipProblems(props(["a", "b"]), [
      { certificateId: "a", otherOwner: "other|cn-hangzhou" },
      { certificateId: "b", otherOwner: "third|cn-hangzhou" },
    ]);
    expect(rest).toEqual([]);
    expect(first!.property).toBe("certificateIds");
    expect(first!.message).toMatch(/^certificateIds: a is declared on listener lsn-outcome-1 by both "sni" and "other"\. /);
    expect(second!.message).toMatch(/^certificateIds: b is declared on listener lsn-outcome-1 by both "sni" and "third"\. /);
  });
});

describe("liveDrift", () => {
  function scripted(rows: ListenerCertificate[] | Error) {
    const calls: string[] = [];
    const session = {
      listenerId: L,
      region: "cn-hangzhou",
      rows: async () => {
        calls.push("rows");
        if (rows instanceof Error) throw rows;
        return rows;
      },
      gone: (error: unknown) => (error instanceof AlbApiError && error.code === "ResourceNotFound.Listener" ? new Error(`gone: ${L}`) : undefined),
    } as unknown as ListenerSession;
    const validated: unknown[] = [];
    const validator = { validate: async (request: unknown) => (validated.push(request), [{ message: "a is refused" }]) } as unknown as LiveValidator;
    const logs: string[] = [];
    const warnings: string[] = [];
    return { session, validator, calls, validated, out: { log: (l: string) => logs.push(l), warn: (w: string) => warnings.push(w) }, logs, warnings };
  }
  const question = (setChanged: boolean, exclusive = false) => ({ declared: ["a", "b"], exclusive, claimedByOthers: () => new Set(["o"]), setChanged });

  it("drift of an unchanged set: one progress line, the repair validated, its problems as warnings", async () => {
    const s = scripted([row("b"), row("o"), row("u")]);
    expect(await liveDrift(s.session, s.validator, question(false, true), s.out)).toBe(true);
    expect(s.logs).toHaveLength(1);
    expect(s.logs[0]).toMatch(/^lsn-outcome-1: live certificates differ from the last apply; missing: a; not declared \(exclusive\): u; this update repairs it\. event=/);
    expect(s.validated).toEqual([{ declared: ["a", "b"], toAdd: ["a"], rows: [row("b"), row("o"), row("u")] }]);
    expect(s.warnings).toEqual(["warning: alb-listener-certificates: repairing listener lsn-outcome-1 will fail: a is refused"]);
  });

  it("no drift, or a changed set: nothing logged, nothing validated; the listener is read either way", async () => {
    for (const [rows, changed] of [[[row("a"), row("b")], false], [[row("b")], true]] as const) {
      const s = scripted([...rows]);
      expect(await liveDrift(s.session, s.validator, question(changed), s.out)).toBe(false);
      expect([s.calls, s.logs, s.validated, s.warnings]).toEqual([["rows"], [], [], []]);
    }
  });

  it("a listener that no longer exists fails the diff with the user's error; any other failure as it is", async () => {
    const gone = scripted(new AlbApiError({ code: "ResourceNotFound.Listener", action: "ListListenerCertificates", apiMessage: "m", retryable: false }));
    await expect(liveDrift(gone.session, gone.validator, question(false), gone.out)).rejects.toThrow(`gone: ${L}`);
    const boom = new Error("boom");
    const other = scripted(boom);
    await expect(liveDrift(other.session, other.validator, question(false), other.out)).rejects.toBe(boom);
  });
});
