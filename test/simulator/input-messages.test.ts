/**
 * The exact messages of bad behaviour and fault-rule input, the order in which the fields are checked (the
 * first bad field is the one named), and the key order of what a valid input resolves to (it is what
 * `GET /_simulator/behaviour`, `GET /_simulator/faults` and the state file show). Written before the
 * behaviour switches and fault kinds became tables, so that the tables keep every answer as it was.
 */
import { describe, expect, it } from "vitest";
import { ALL_BEHAVIOUR, BEHAVIOUR_NAMES, DEFAULT_BEHAVIOUR, FAULT_KINDS, describeBehaviour, LEGACY_BEHAVIOUR, parseBehaviourList, parseFaultRules, resolveBehaviour } from "../../simulator";

/** The switches as the messages list them (their order is pinned by behaviour-config.test.ts). */
const KNOWN = BEHAVIOUR_NAMES.join(", ");
const MS = "must be an integer number of ms from 0 to 86400000.";
const JOB_DURATION_VALUE = "takes on, off or BASE_MS:PER_CERTIFICATE_MS[:JITTER] (ms up to 86400000, JITTER from 0 to 1).";
/** The fault kinds as the messages list them (today's come first, in today's order: checked below). */
const KINDS = FAULT_KINDS.join(", ");
/** The rule fields today's messages list, in order; a new kind's own fields would follow them. */
const FIELDS = "action, listenerId, kind, probability, count, delayMs, errorCode, errorMessage, durationMs, certificateIds";
const ACTIONS = "AssociateAdditionalCertificatesWithListener, DissociateAdditionalCertificatesFromListener, ListListenerCertificates, GetListenerAttribute, ListListeners, ListAsynJobs, " +
  "GetCertificateDetail, GetUserCertificateDetail, ListUserCertificateOrder";

/** The message `run` throws. */
function thrown(run: () => unknown): string {
  try {
    run();
  } catch (error: unknown) {
    return error instanceof Error ? error.message : String(error);
  }
  return "(nothing thrown)";
}

describe("behaviour input", () => {
  it.each([
    [null, "behaviour must be an object."],
    ["x", "behaviour must be an object."],
    [{ readLag: 5 }, `behaviour.readLag is not a known behaviour (known: ${KNOWN}).`],
    [{ readLag: 5, unlistedJobs: "yes" }, `behaviour.readLag is not a known behaviour (known: ${KNOWN}).`],
    [{ dissociateLimit15: 1 }, "behaviour.dissociateLimit15 must be true or false."],
    [{ mutualTls: null }, "behaviour.mutualTls must be true or false."],
    [{ readLagMs: 86_400_001 }, `behaviour.readLagMs ${MS}`],
    [{ readLagMs: null }, `behaviour.readLagMs ${MS}`],
    [{ lingeringRowsMs: -1 }, `behaviour.lingeringRowsMs ${MS}`],
    // Switches are checked in the table's order, not the input's.
    [{ readLagMs: -1, dissociateLimit15: "x" }, "behaviour.dissociateLimit15 must be true or false."],
    [{ unlistedJobs: "yes", readLagMs: -1 }, "behaviour.unlistedJobs must be true or false."],
    [{ jobDuration: [] }, "behaviour.jobDuration must be true, false, null or an object with baseMs, perCertificateMs, jitter."],
    [{ jobDuration: "on" }, "behaviour.jobDuration must be true, false, null or an object with baseMs, perCertificateMs, jitter."],
    [{ jobDuration: { x: 1, jitter: 2 } }, "behaviour.jobDuration.x is not a known field (known: baseMs, perCertificateMs, jitter)."],
    [{ jobDuration: { baseMs: -1, jitter: 2 } }, "behaviour.jobDuration.jitter must be a number from 0 to 1."],
    [{ jobDuration: { baseMs: "1" } }, `behaviour.jobDuration.baseMs ${MS}`],
    [{ jobDuration: { perCertificateMs: 1e9 } }, `behaviour.jobDuration.perCertificateMs ${MS}`],
  ])("resolveBehaviour(%j) names the first bad field", (input, message) => {
    expect(thrown(() => resolveBehaviour(input))).toBe(`Invalid behaviour: ${message}`);
  });

  it("resolves in the table's key order, jobDuration's fields in theirs", () => {
    for (const behaviour of [DEFAULT_BEHAVIOUR, ALL_BEHAVIOUR, LEGACY_BEHAVIOUR, resolveBehaviour({ mutualTls: true, readLagMs: 5 }), parseBehaviourList(["mutualTls,readLagMs"])]) {
      expect(Object.keys(behaviour)).toEqual(BEHAVIOUR_NAMES);
    }
    expect(DEFAULT_BEHAVIOUR).toMatchObject({ dissociateLimit15: false, readLagMs: 0, jobDuration: null, loadBalancerQuota: true, mutualTls: false });
    expect(JSON.stringify(ALL_BEHAVIOUR.jobDuration)).toBe('{"baseMs":4000,"perCertificateMs":3000,"jitter":0.3}');
    expect(JSON.stringify(resolveBehaviour({ jobDuration: { jitter: 1, baseMs: 0 } }).jobDuration)).toBe('{"baseMs":0,"perCertificateMs":3000,"jitter":1}');
    expect(resolveBehaviour({ readLagMs: 86_400_000, jobDuration: false }, "behaviour", ALL_BEHAVIOUR)).toEqual({ ...ALL_BEHAVIOUR, readLagMs: 86_400_000, jobDuration: null });
    expect(LEGACY_BEHAVIOUR).toEqual({ ...DEFAULT_BEHAVIOUR, loadBalancerQuota: false });
    expect(thrown(() => resolveBehaviour({ a: 1 }, "fixture.behaviour"))).toBe(`Invalid behaviour: fixture.behaviour.a is not a known behaviour (known: ${KNOWN}).`);
  });

  it.each([
    ["", `(an empty name) is not a known behaviour (known: all, ${KNOWN}).`],
    ["unlistedJobs,,x", `(an empty name) is not a known behaviour (known: all, ${KNOWN}).`],
    ["all=on", `all is not a known behaviour (known: all, ${KNOWN}).`],
    ["readLagMs = 5", `readLagMs  is not a known behaviour (known: all, ${KNOWN}).`],
    ["readLagMs=", "readLagMs= takes off or an integer number of ms from 0 to 86400000."],
    ["readLagMs=1.5", "readLagMs=1.5 takes off or an integer number of ms from 0 to 86400000."],
    ["lingeringRowsMs=86400001", "lingeringRowsMs=86400001 takes off or an integer number of ms from 0 to 86400000."],
    ["mutualTls=", "mutualTls= takes on or off."],
    ["loadBalancerQuota=yes", "loadBalancerQuota=yes takes on or off."],
    ["jobDuration=", `jobDuration= ${JOB_DURATION_VALUE}`],
    ["jobDuration=1:2:", `jobDuration=1:2: ${JOB_DURATION_VALUE}`],
    ["jobDuration=86400001:1", `jobDuration=86400001:1 ${JOB_DURATION_VALUE}`],
  ])("parseBehaviourList([%j]) names the entry", (value, message) => {
    expect(thrown(() => parseBehaviourList([value]))).toBe(`Invalid behaviour: ${message}`);
  });

  it("parses values case-insensitively, trims entries, and gives a bare name its `all` value", () => {
    expect(parseBehaviourList([" readLagMs=007 ", "mutualTls=TRUE", "jobDuration=ON"])).toEqual({ ...DEFAULT_BEHAVIOUR, readLagMs: 7, mutualTls: true, jobDuration: ALL_BEHAVIOUR.jobDuration });
    expect(parseBehaviourList(["all", "readLagMs=OFF,jobDuration=Off,mutualTls=Off"])).toEqual({ ...ALL_BEHAVIOUR, readLagMs: 0, jobDuration: null, mutualTls: false });
    expect(parseBehaviourList(["jobDuration=1:2:.5"]).jobDuration).toEqual({ baseMs: 1, perCertificateMs: 2, jitter: 0.5 });
    expect(parseBehaviourList(["lingeringRowsMs=0", "all"])).toEqual(ALL_BEHAVIOUR);
    expect(parseBehaviourList(["loadBalancerQuota=off", "loadBalancerQuota"])).toEqual(DEFAULT_BEHAVIOUR);
    for (const name of KNOWN.split(", ")) {
      expect(parseBehaviourList([name]), name).toEqual({ ...DEFAULT_BEHAVIOUR, [name]: ALL_BEHAVIOUR[name as keyof typeof ALL_BEHAVIOUR] });
    }
  });

  it("describes in the table's order", () => {
    expect(describeBehaviour({ ...LEGACY_BEHAVIOUR, mutualTls: true, jobDuration: { baseMs: 1, perCertificateMs: 2, jitter: 0.25 } })).toEqual(["jobDuration=1:2:0.25", "loadBalancerQuota=off", "mutualTls"]);
  });
});

describe("fault rule input", () => {
  it.each([
    ["x", "faults must be an array of rules."],
    [{ fault: [] }, "faults must be an array of rules."],
    [[null], "faults[0] must be an object."],
    [[{}], `faults[0].kind must be one of ${KINDS}.`],
    [[{ kind: "throttle" }, { kind: "nope" }], `faults[1].kind must be one of ${KINDS}.`],
    [[{ kind: "throttle", action: "" }], "faults[0].action must be a non-empty string."],
    [[{ kind: "stuckConfiguring", action: "Nope" }], `faults[0].action must be one of ${ACTIONS}.`],
    [[{ kind: "jobFail", action: "ListListeners" }], "faults[0].action must be a mutating action for kind jobFail."],
    [[{ kind: "stuckConfiguring", action: "ListAsynJobs" }], "faults[0].action must be a mutating action for kind stuckConfiguring."],
    [[{ kind: "throttle", listenerId: 5 }], "faults[0].listenerId must be a non-empty string."],
    [[{ kind: "throttle", probability: 2, count: 0 }], "faults[0].probability must be a number from 0 to 1."],
    [[{ kind: "throttle", count: 1.5 }], "faults[0].count must be an integer from 1 to 9007199254740991."],
    [[{ kind: "delay", delayMs: -1, errorCode: "" }], "faults[0].delayMs must be an integer from 0 to 600000."],
    [[{ kind: "jobFail", errorCode: "" }], "faults[0].errorCode must be a non-empty string."],
    [[{ kind: "jobFail", errorMessage: 5 }], "faults[0].errorMessage must be a non-empty string."],
    [[{ kind: "stuckConfiguring", durationMs: 86_400_001 }], "faults[0].durationMs must be an integer from 0 to 86400000."],
    [[{ kind: "throttle", certificateIds: null }], "faults[0].certificateIds is only used by kind concurrentWriter."],
    [[{ kind: "concurrentWriter", certificateIds: "c1" }], "faults[0].certificateIds must be an array of 1 to 100 certificate IDs for kind concurrentWriter."],
    [[{ kind: "concurrentWriter", certificateIds: Array.from({ length: 101 }, (_, i) => `c${i}`) }], "faults[0].certificateIds must be an array of 1 to 100 certificate IDs for kind concurrentWriter."],
    [[{ kind: "concurrentWriter", certificateIds: ["a", 5] }], "faults[0].certificateIds[1] must be a non-empty string."],
  ])("parseFaultRules(%j) names the first bad field", (input, message) => {
    expect(thrown(() => parseFaultRules(input))).toBe(`Invalid fault rule: ${message}`);
  });

  it("lists today's kinds first, in today's order, and names an unknown field before looking at the kind", () => {
    expect(FAULT_KINDS.slice(0, 9)).toEqual(["throttle", "error500", "error503", "reset", "delay", "jobFail", "stuckConfiguring", "lostResponse", "concurrentWriter"]);
    const message = thrown(() => parseFaultRules([{ kind: "x", foo: 1 }]));
    expect(message.startsWith(`Invalid fault rule: faults[0].foo is not a known field (known: ${FIELDS}`), message).toBe(true);
    expect(message.endsWith(").")).toBe(true);
  });

  it("keeps the fields of a valid rule in one order, and the kind-specific ones for any kind but certificateIds", () => {
    const rules = parseFaultRules({
      faults: [
        { certificateIds: ["a", "b"], count: 2, probability: 0.5, listenerId: "l", action: "AssociateAdditionalCertificatesWithListener", kind: "concurrentWriter" },
        { durationMs: 9, errorMessage: "m", errorCode: "c", delayMs: 3, count: 1, probability: 1, listenerId: "l", action: "DissociateAdditionalCertificatesFromListener", kind: "jobFail" },
        { kind: "throttle", delayMs: 5, errorCode: "E", errorMessage: "M", durationMs: 7, action: undefined },
      ],
    });
    expect(JSON.stringify(rules)).toBe(JSON.stringify([
      { kind: "concurrentWriter", action: "AssociateAdditionalCertificatesWithListener", listenerId: "l", probability: 0.5, count: 2, certificateIds: ["a", "b"] },
      { kind: "jobFail", action: "DissociateAdditionalCertificatesFromListener", listenerId: "l", probability: 1, count: 1, delayMs: 3, errorCode: "c", errorMessage: "m", durationMs: 9 },
      { kind: "throttle", delayMs: 5, errorCode: "E", errorMessage: "M", durationMs: 7 },
    ]));
    expect(Object.keys(rules[2]!)).toEqual(["kind", "delayMs", "errorCode", "errorMessage", "durationMs"]);
  });
});
