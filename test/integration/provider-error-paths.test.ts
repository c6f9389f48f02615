/**
 * Which failures the provider forgives and which it surfaces: only a missing listener drops a resource
 * from state (read) or ends a delete quietly; any other error is thrown and changes nothing. A create or
 * update that fails before its first mutation throws the failure itself, not a partial apply.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PartialApplyError, StoppedListenerError } from "../../provider/base/errors";
import { EngineStack } from "../kit/engine";
import { liveSet, mutationLog } from "../kit/request-log";
import { startWorldWithProcess, type ProviderProcess, type World, type WorldOptions } from "../kit/world";

const L = "lsn-demo-https-443";
const FOREIGN = "24664588-cn-hangzhou";
const A = "25112233-cn-hangzhou";
const B = "25209871-cn-hangzhou";

let world: World;
let h: ProviderProcess & { readonly sim: World["sim"] };
afterEach(async () => world?.close());

async function start(options: WorldOptions = {}): Promise<void> {
  const started = await startWorldWithProcess(options);
  world = started.world;
  h = { ...started.proc, sim: world.sim };
}

const sni = (ids: string[]) => ({ name: "sni", args: { listenerId: L, certificateIds: ids } });

/** A second process whose every request carries an access key the service does not know (HTTP 404, like a missing listener). */
const REJECTED = "The ALB API rejected the credentials (the access key from environment ALIBABA_CLOUD_ACCESS_KEY_ID + environment ALIBABA_CLOUD_ACCESS_KEY_SECRET): the access key ID is unknown to it (InvalidAccessKeyId.NotFound); check the access key ID there, or create a key in the RAM console.";

function revokedProcess(): ProviderProcess {
  return world.newProcess("revoked", { accessKey: { accessKeyId: "LTAI5tRevokedKey0000000", accessKeySecret: "revoked-secret-0000000000000000" } });
}

describe("only a missing listener is forgiven", () => {
  it("read throws any other error (here an unknown access key, also HTTP 404) and keeps the resource", async () => {
    await start();
    const stack = new EngineStack(h.provider);
    await stack.upOrThrow([sni([A])]);
    const state = stack.state.get("sni")!;
    const revoked = revokedProcess();
    const error = await revoked.provider.read(state.id, state.outputs).then(
      () => undefined,
      (e: unknown) => e,
    );
    // A credential error, not a property's or the listener's: it names the source the key came from.
    expect(error).toMatchObject({ name: "CredentialsRejectedError", code: "InvalidAccessKeyId.NotFound", message: REJECTED });
    expect([...h.logs, ...revoked.logs].filter((l) => l.includes("no longer exists"))).toEqual([]);
  });

  it("delete throws any other error and leaves the certificates attached", async () => {
    await start();
    const stack = new EngineStack(h.provider);
    await stack.upOrThrow([sni([A, B])]);
    const state = stack.state.get("sni")!;
    const revoked = revokedProcess();
    await expect(revoked.provider.delete(state.id, state.outputs)).rejects.toMatchObject({ name: "CredentialsRejectedError", code: "InvalidAccessKeyId.NotFound", message: REJECTED });
    expect([...h.logs, ...revoked.logs].filter((l) => l.includes("no longer exists"))).toEqual([]);
    expect(liveSet(h.sim, L)).toEqual([`${FOREIGN}:Associated`, `${A}:Associated`, `${B}:Associated`]);
  });

  it("read of a listener that is gone drops the resource; delete of one ends quietly", async () => {
    await start();
    const stack = new EngineStack(h.provider);
    await stack.upOrThrow([sni([A])]);
    const state = stack.state.get("sni")!;
    h.sim.backend.reset({ certificates: [{ certificateId: A, type: "Server" }], listeners: [] });
    expect(await h.provider.read(state.id, state.outputs)).toEqual({});
    await expect(h.provider.delete(state.id, state.outputs)).resolves.toBeUndefined();
    expect(h.logs.filter((l) => l.includes("no longer exists"))).toEqual([
      `${L}: listener no longer exists; dropping it from state`,
      `${L}: listener no longer exists; nothing to dissociate`,
    ]);
  });
});

describe("a failure before the first mutation", () => {
  it("is thrown as it is by create, not as a partial apply", async () => {
    await start();
    const checked = await h.provider.check({}, { listenerId: L, certificateIds: [A], resourceName: "sni" });
    expect(checked.failures ?? []).toEqual([]);
    h.sim.backend.setListenerStatus(L, "Stopped");
    const error = await h.provider.create(checked.inputs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoppedListenerError);
    expect(error).not.toBeInstanceOf(PartialApplyError);
    expect(mutationLog(h.sim).filter((m) => !m.startsWith("dry-"))).toEqual([]);
  });

  it("is thrown as it is by update; one after a mutation is a partial apply that records what is live", async () => {
    await start();
    const stack = new EngineStack(h.provider);
    await stack.upOrThrow([sni([A])]);
    const old = stack.state.get("sni")!;
    const checked = await h.provider.check(old.inputs, { listenerId: L, certificateIds: [B], resourceName: "sni" });
    h.sim.backend.setListenerStatus(L, "Stopped");
    await expect(h.provider.update(old.id, old.outputs, checked.inputs)).rejects.toSatisfy((e: unknown) => e instanceof StoppedListenerError);

    h.sim.backend.setListenerStatus(L, "Running");
    h.sim.backend.setFaults([{ action: "DissociateAdditionalCertificatesFromListener", kind: "jobFail", errorCode: "Cert.Busy", count: 1 }]);
    const error = await h.provider.update(old.id, old.outputs, checked.inputs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PartialApplyError);
    expect((error as PartialApplyError).properties).toMatchObject({ certificates: { [A]: "Associated", [B]: "Associated" } });
    expect((error as PartialApplyError).progress).toEqual({ associated: [B], notAssociated: [], dissociated: [], notDissociated: [A] });
  });
});

describe("an association sent whose outcome the provider could not see", () => {
  it("is kept in the partial state as Unknown, and the next up records what the listener holds", async () => {
    // Rows show a change only 60 s after the call (a reading of the API), the answer to the association is
    // lost, and every re-send is refused with 503 until the resource's deadline: the job runs, unseen. (The
    // first lostResponse firing goes to the preview's dry run, whose error answer is sent all the same.)
    await start({ behaviour: { readLagMs: 60_000 } });
    world.sim.backend.setFaults([
      { action: "AssociateAdditionalCertificatesWithListener", kind: "lostResponse", count: 2 },
      { action: "AssociateAdditionalCertificatesWithListener", kind: "error503" },
    ]);
    const stack = new EngineStack(h.provider);
    const first = await stack.up([{ name: "sni", args: { listenerId: L, certificateIds: [A], waitTimeoutSeconds: 30 } }]);
    expect(first.failures.map((f) => (f.error as Error).name)).toEqual(["PartialApplyError"]);
    expect(stack.state.get("sni")?.outputs.certificates).toEqual({ [A]: "Unknown" });
    expect(world.sim.backend.snapshot().jobs.map((j) => [j.apiName, j.certificateIds])).toEqual([["AssociateAdditionalCertificatesWithListener", [A]]]);

    world.sim.backend.clearFaults();
    world.clock.advance(120_000);
    expect(liveSet(world.sim, L)).toEqual([`${FOREIGN}:Associated`, `${A}:Associated`]);
    // The listener holds exactly the declared set, yet the recorded outcome is unknown: an update runs.
    expect(await stack.upOrThrow([{ name: "sni", args: { listenerId: L, certificateIds: [A], waitTimeoutSeconds: 30 } }])).toEqual({ sni: "update" });
    expect(stack.state.get("sni")?.outputs.certificates).toEqual({ [A]: "Associated" });
    // The update found A associated and sent nothing more.
    expect(world.sim.backend.snapshot().jobs).toHaveLength(1);
  });
});
