// Ownership in every engine flow, with the real CLI against the simulator: targeted destroy, up and refresh,
// a whole-stack destroy, `state delete` then `up`, renames with and without aliases, a certificate moved
// between two resources in one `up`, a replacement onto another listener, a refresh after a declared
// certificate was deleted from the certificate service, and a job failing in the middle of a multi-batch
// rotation. Each scenario has its own simulator and stack, and asserts the live set and the exact API calls
// (from the simulator's request log).
//
// A CLI that cannot be provisioned FAILS these tests (never skips them): see test/e2e/cli-smoke.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Fixture, type RequestLogEntry, type RunningSimulator } from "../../simulator";
import { cert, CrashStack, crashFixture, foreignCert, listenerId, watchRotation, type DeclaredResource } from "../kit/crash";
import { realMutations } from "../kit/request-log";
import { ensurePulumiCli } from "../kit/pulumi";

const TEST_TIMEOUT = 8 * 60_000;
const L1 = listenerId(1);
const L2 = listenerId(2);
const c = (n: number) => cert(1, n);
const FOREIGN = foreignCert(1);

const sims: RunningSimulator[] = [];
const stacks: CrashStack[] = [];

async function world(fixture: Fixture = crashFixture(2, 40), resources: readonly DeclaredResource[] = []) {
  const sim = await startSimulator({ fixture, jobMs: 300, seed: 11 });
  sims.push(sim);
  const stack = await CrashStack.create(sim.endpoint, resources, "flows");
  stacks.push(stack);
  const mark = () => sim.backend.requestLog().at(-1)?.seq ?? 0;
  const since = (seq: number): RequestLogEntry[] => sim.backend.requestLog().filter((e) => e.seq > seq);
  /** Accepted and refused mutation calls after `seq`, as `associate a,b` / `dissociate c !Code`. */
  const calls = (seq: number) =>
    realMutations(since(seq)).map((m) => `${m.kind} ${m.listenerId} ${m.certificateIds.join(",")}${m.code ? ` !${m.code}` : ""}`);
  const live = (listener = L1) => sim.backend.listenerView(listener).additional.map((r) => `${r.certificateId}:${r.status}`);
  const urn = (name: string) => `urn:pulumi:flows::e2e-crash::pulumi-nodejs:dynamic/alb:ListenerAdditionalCertificates::${name}`;
  return { sim, stack, mark, since, calls, live, urn };
}

const res = (name: string, ids: number[], extra: Partial<DeclaredResource> = {}): DeclaredResource => ({
  name,
  listenerId: L1,
  certificateIds: ids.map(c),
  ...extra,
});
const assoc = (ids: number[]) => ids.map((n) => `${c(n)}:Associated`);

describe("engine flows: ownership holds whatever part of the stack an operation touches", () => {
  beforeAll(async () => {
    await ensurePulumiCli().catch(() => undefined);
  }, 45 * 60_000);

  afterAll(async () => {
    for (const s of stacks) await s.cleanup();
    for (const s of sims) await s.close();
  });

  it.concurrent("destroy --target one of two resources on a listener dissociates exactly its own certificates", async () => {
    const w = await world(undefined, [res("team-a", [2, 3]), res("team-b", [4, 5])]);
    await w.stack.up();
    const mark = w.mark();
    await w.stack.runOrThrow(["destroy", "--target", w.urn("team-a"), "--yes", "--skip-preview"]);
    expect(w.calls(mark)).toEqual([`dissociate ${L1} ${c(2)},${c(3)}`]);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`, ...assoc([4, 5])]);
    expect(Object.keys(await w.stack.storedCertificates())).toEqual(["team-b"]);
  }, TEST_TIMEOUT);

  it.concurrent("two resources declaring one certificate on a listener: preview and up refuse it, naming both; the state never holds both", async () => {
    const w = await world(undefined, [res("team-a", [2, 3])]);
    await w.stack.up();
    // The newcomer first in the program: it is usually checked (and its create started) before the existing
    // resource claims the certificate; the create must still send nothing.
    await w.stack.setResources([res("team-b", [3, 4]), res("team-a", [2, 3])]);
    const mark = w.mark();
    const preview = await w.stack.run(["preview"]);
    expect(preview.code).not.toBe(0);
    // The program registers its resources in no fixed order: the one checked second names the other.
    const expected = new RegExp(`${c(3)} is declared on listener ${L1} by both "(team-a" and "team-b|team-b" and "team-a)"\\. A certificate has one owner per listener`);
    expect(preview.stdout + preview.stderr).toMatch(expected);
    expect(w.calls(mark).filter((call) => !call.startsWith("dry"))).toEqual([]);
    const up = await w.stack.run(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toMatch(expected);
    expect(await w.stack.storedCertificates()).toEqual({ "team-a": { [c(2)]: "Associated", [c(3)]: "Associated" } });
    expect(w.calls(mark)).toEqual([]);
    // A targeted destroy then dissociates what team-a's state declares, and nothing else.
    await w.stack.runOrThrow(["destroy", "--target", w.urn("team-a"), "--yes", "--skip-preview"]);
    expect(w.calls(mark)).toEqual([`dissociate ${L1} ${c(2)},${c(3)}`]);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`]);
  }, TEST_TIMEOUT);

  it.concurrent("up --target applies only the targeted resource", async () => {
    const w = await world(undefined, [res("team-a", [2, 3]), res("team-b", [4])]);
    await w.stack.up();
    await w.stack.setResources([res("team-a", [2, 6]), res("team-b", [4, 5])]);
    const mark = w.mark();
    await w.stack.runOrThrow(["up", "--target", w.urn("team-a"), "--yes", "--skip-preview"]);
    expect(w.calls(mark)).toEqual([`associate ${L1} ${c(6)}`, `dissociate ${L1} ${c(3)}`]);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`, ...assoc([2, 4, 6])]);
    expect(await w.stack.storedCertificates()).toEqual({
      "team-a": { [c(2)]: "Associated", [c(6)]: "Associated" },
      "team-b": { [c(4)]: "Associated" },
    });
  }, TEST_TIMEOUT);

  it.concurrent("destroy of the whole stack dissociates every declared certificate and nothing else", async () => {
    const w = await world(undefined, [res("team-a", [2, 3]), res("team-b", [4]), { name: "other", listenerId: L2, certificateIds: [cert(2, 2)] }]);
    await w.stack.up();
    const mark = w.mark();
    await w.stack.runOrThrow(["destroy", "--yes", "--skip-preview"]);
    expect(w.calls(mark).sort()).toEqual([`dissociate ${L1} ${c(2)},${c(3)}`, `dissociate ${L1} ${c(4)}`, `dissociate ${L2} ${cert(2, 2)}`].sort());
    expect(w.live()).toEqual([`${FOREIGN}:Associated`]);
    expect(w.live(L2)).toEqual([`${foreignCert(2)}:Associated`]);
  }, TEST_TIMEOUT);

  it.concurrent("refresh --target reads only the targeted resource, and makes no mutation call", async () => {
    const w = await world(undefined, [res("team-a", [2, 3]), res("team-b", [4, 5])]);
    await w.stack.up();
    w.sim.backend.dissociateOutOfBand(L1, [c(3), c(5)]);
    await waitIdle(w.sim);
    const mark = w.mark();
    await w.stack.runOrThrow(["refresh", "--target", w.urn("team-a"), "--yes", "--skip-preview"]);
    expect(w.calls(mark)).toEqual([]);
    expect(await w.stack.storedCertificates()).toEqual({
      "team-a": { [c(2)]: "Associated" },
      "team-b": { [c(4)]: "Associated", [c(5)]: "Associated" },
    });
  }, TEST_TIMEOUT);

  it.concurrent("state delete, then up: the resource is created again with no mutation call", async () => {
    const w = await world(undefined, [res("team-a", [2, 3]), res("team-b", [4])]);
    await w.stack.up();
    await w.stack.runOrThrow(["state", "delete", w.urn("team-a"), "--yes"]);
    expect(Object.keys(await w.stack.storedCertificates())).toEqual(["team-b"]);
    const mark = w.mark();
    await w.stack.up();
    expect(w.calls(mark)).toEqual([]);
    expect(Object.keys(await w.stack.storedCertificates()).sort()).toEqual(["team-a", "team-b"]);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`, ...assoc([2, 3, 4])]);
  }, TEST_TIMEOUT);

  it.concurrent("a rename with aliases is the same resource: no change, no call", async () => {
    const w = await world(undefined, [res("old-name", [2, 3])]);
    await w.stack.up();
    await w.stack.setResources([res("new-name", [2, 3], { aliases: ["old-name"] })]);
    const mark = w.mark();
    const output = await w.stack.up();
    expect(output).not.toMatch(/created|deleted/);
    expect(w.calls(mark)).toEqual([]);
    expect(Object.keys(await w.stack.storedCertificates())).toEqual(["new-name"]);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`, ...assoc([2, 3])]);
  }, TEST_TIMEOUT);

  it.concurrent("a rename without aliases creates the new name and deletes the old one with no call at all", async () => {
    const w = await world(undefined, [res("old-name", [2, 3])]);
    await w.stack.up();
    await w.stack.setResources([res("new-name", [2, 3])]);
    const mark = w.mark();
    const watch = watchRotation(() => w.sim.backend.listenerView(L1), { before: [c(2), c(3)], after: [c(2), c(3)], foreign: [FOREIGN] });
    await w.stack.up();
    const { violations } = await watch.stop();
    expect(violations).toEqual([]);
    expect(w.calls(mark)).toEqual([]);
    expect(Object.keys(await w.stack.storedCertificates())).toEqual(["new-name"]);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`, ...assoc([2, 3])]);
  }, TEST_TIMEOUT);

  it.concurrent("a certificate moved from one resource to another in one up never leaves the listener", async () => {
    const w = await world(undefined, [res("giver", [2, 3]), res("taker", [4])]);
    await w.stack.up();
    await w.stack.setResources([res("giver", [2]), res("taker", [3, 4])]);
    const mark = w.mark();
    const watch = watchRotation(() => w.sim.backend.listenerView(L1), { before: [c(2), c(3), c(4)], after: [c(2), c(3), c(4)], foreign: [FOREIGN] }, 5);
    await w.stack.up();
    const { samples, violations } = await watch.stop();
    expect(samples).toBeGreaterThan(10);
    expect(violations).toEqual([]);
    expect(w.calls(mark)).toEqual([]);
    expect(await w.stack.storedCertificates()).toEqual({ giver: { [c(2)]: "Associated" }, taker: { [c(3)]: "Associated", [c(4)]: "Associated" } });
  }, TEST_TIMEOUT);

  it.concurrent("when the taker is declared late (built from another resource's outputs), dependsOn on the giver keeps the certificate on the listener", async () => {
    const w = await world(undefined, [res("giver", [2, 3]), res("taker", [4])]);
    await w.stack.up();
    await w.stack.setResources([res("giver", [2], { dependsOn: ["taker"] }), res("taker", [3, 4], { registerAfterMs: 3000 })]);
    const mark = w.mark();
    const watch = watchRotation(() => w.sim.backend.listenerView(L1), { before: [c(2), c(3), c(4)], after: [c(2), c(3), c(4)], foreign: [FOREIGN] }, 5);
    await w.stack.up();
    const { violations } = await watch.stop();
    expect(violations).toEqual([]);
    expect(w.calls(mark)).toEqual([]);
    expect(await w.stack.storedCertificates()).toEqual({ giver: { [c(2)]: "Associated" }, taker: { [c(3)]: "Associated", [c(4)]: "Associated" } });
  }, TEST_TIMEOUT);

  it.concurrent("a replacement onto another listener sets up the new listener first, then cleans up the old one", async () => {
    const w = await world(undefined, [res("moving", [2, 3])]);
    await w.stack.up();
    await w.stack.setResources([{ name: "moving", listenerId: L2, certificateIds: [cert(2, 2), cert(2, 3)] }]);
    const mark = w.mark();
    await w.stack.up();
    expect(w.calls(mark)).toEqual([`associate ${L2} ${cert(2, 2)},${cert(2, 3)}`, `dissociate ${L1} ${c(2)},${c(3)}`]);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`]);
    expect(w.live(L2)).toEqual([`${foreignCert(2)}:Associated`, `${cert(2, 2)}:Associated`, `${cert(2, 3)}:Associated`]);
  }, TEST_TIMEOUT);

  it.concurrent("refresh never fails because a declared certificate was deleted from the certificate service; preview then says what to fix", async () => {
    const fixture = crashFixture(1, 4);
    const w = await world(fixture, [res("www", [2, 3])]);
    await w.stack.up();
    // The certificate service deletes c(3): it leaves the listener and the catalogue.
    const snapshot = w.sim.backend.snapshot();
    w.sim.backend.reset({
      ...fixture,
      certificates: fixture.certificates!.filter((x) => x.certificateId !== c(3)),
      listeners: snapshot.listeners.map((l) => ({
        listenerId: l.listenerId,
        loadBalancerId: l.loadBalancerId,
        protocol: l.protocol,
        port: l.port,
        defaultCertificateId: l.defaultCertificateId ?? undefined,
        additionalCertificateIds: l.additional.map((r) => r.certificateId).filter((id) => id !== c(3)),
      })),
    });
    const mark = w.mark();
    const refresh = await w.stack.run(["refresh", "--yes", "--skip-preview"]);
    expect(refresh.code, refresh.stdout + refresh.stderr).toBe(0);
    expect(await w.stack.storedCertificates()).toEqual({ www: { [c(2)]: "Associated" } });
    const preview = await w.stack.run(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toMatch(new RegExp(`ResourceNotFound\\.Certificate.*${c(3)}|${c(3)}.*does not exist`, "s"));
    expect(w.calls(mark).filter((call) => !call.startsWith("dry"))).toEqual([]);
  }, TEST_TIMEOUT);

  it.concurrent("a job failing in the middle of a multi-batch rotation: the state records what is live, the error says what was and was not done, the next up finishes with no repeated call", async () => {
    const before = Array.from({ length: 20 }, (_, i) => i + 2);
    const after = Array.from({ length: 20 }, (_, i) => i + 22);
    const fixture: Fixture = { ...crashFixture(1, 45), limits: { maxAdditionalCertificatesPerListener: 100, maxAdditionalCertificatesPerLoadBalancer: 100 } };
    const w = await world(fixture, [res("www", before)]);
    await w.stack.up();
    w.sim.backend.setFaults([{ action: "DissociateAdditionalCertificatesFromListener", kind: "jobFail", count: 1, errorCode: "InternalJobError", errorMessage: "boom" }]);
    await w.stack.setResources([res("www", after)]);
    const mark = w.mark();
    const failed = await w.stack.run(["up", "--yes", "--skip-preview"]);
    expect(failed.code).not.toBe(0);
    const output = failed.stdout + failed.stderr;
    expect(output).toContain("failed with InternalJobError: boom");
    expect(output).toContain(`So far on listener ${L1}: associated ${after.map(c).join(", ")}; dissociated none; not yet associated none; not yet dissociated ${before.map(c).join(", ")}.`);
    const firstCalls = w.calls(mark);
    expect(firstCalls).toEqual([
      `associate ${L1} ${after.slice(0, 15).map(c).join(",")}`,
      `associate ${L1} ${after.slice(15).map(c).join(",")}`,
      `dissociate ${L1} ${before.slice(0, 15).map(c).join(",")}`,
    ]);
    const stored = await w.stack.storedCertificates();
    expect(stored).toEqual({ www: Object.fromEntries([...before, ...after].map(c).sort().map((id) => [id, "Associated"])) });
    w.sim.backend.clearFaults();
    const next = w.mark();
    await w.stack.up();
    expect(w.calls(next)).toEqual([`dissociate ${L1} ${before.slice(0, 15).map(c).join(",")}`, `dissociate ${L1} ${before.slice(15).map(c).join(",")}`]);
    const tokens = realMutations(w.since(mark)).map((m) => m.clientToken);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`, ...assoc(after)]);
  }, TEST_TIMEOUT);
});

/** Waits until no job runs on the simulator's listeners (out-of-band changes settle). */
async function waitIdle(sim: RunningSimulator): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (sim.backend.listAsynJobs({}).every((j) => j.status !== "Processing")) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("the simulator's jobs did not finish");
}
