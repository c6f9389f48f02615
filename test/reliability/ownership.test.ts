/**
 * Ownership between the resources of one program: a certificate moved from one resource to another in one
 * deployment never leaves the listener, even when the resource that takes it over registers after the one
 * that gives it up has started applying.
 */
import { afterEach, describe, expect, it } from "vitest";
import { liveSet, mutationCalls } from "../kit/request-log";
import { startWorld, type World } from "../kit/world";
import { DEMO_FIXTURE } from "../../simulator";

const L = "lsn-demo-https-443";
const X = "25112233-cn-hangzhou";
const Y = "25209871-cn-hangzhou";
const Z = "25346102-cn-hangzhou";

let world: World;
afterEach(async () => world?.close());

const declare = (name: string, ids: string[]) => ({ listenerId: L, certificateIds: ids, resourceName: name, region: "cn-hangzhou" });

describe("moving a certificate between two resources in one deployment", () => {
  it("never dissociates it, although the giving resource applies before the taking one registers", async () => {
    world = await startWorld({ fixture: DEMO_FIXTURE });
    const setup = world.newProcess("setup").provider;
    const giverInputs = (await setup.check({}, declare("giver", [X, Y]))).inputs!;
    const takerInputs = (await setup.check({}, declare("taker", [Z]))).inputs!;
    const giver = await setup.create(giverInputs);
    const taker = await setup.create(takerInputs);

    // The next deployment, in a fresh provider process: the giver registers, is diffed and starts its
    // update; the taker registers only a while later (its inputs waited on another resource, say).
    const p = world.newProcess("deploy").provider;
    world.sim.backend.clearRequestLog();
    const giverNews = (await p.check(giverInputs, declare("giver", [X]))).inputs!;
    await p.diff(L, giver.outs!, giverNews);
    const giving = p.update(L, giver.outs!, giverNews);
    await world.clock.sleep(300);
    const takerNews = (await p.check(takerInputs, declare("taker", [Y, Z]))).inputs!;
    await p.diff(L, taker.outs!, takerNews);
    const taking = p.update(L, taker.outs!, takerNews);
    const [given, taken] = await Promise.all([giving, taking]);

    const dissociated = mutationCalls(world.sim).filter((call) => call.kind === "dissociate").flatMap((call) => call.certificateIds);
    expect(dissociated).toEqual([]);
    expect(liveSet(world.sim, L)).toEqual([
      "24664588-cn-hangzhou:Associated",
      `${X}:Associated`,
      `${Y}:Associated`,
      `${Z}:Associated`,
    ]);
    expect(given.outs!.certificates).toEqual({ [X]: "Associated" });
    expect(taken.outs!.certificates).toEqual({ [Y]: "Associated", [Z]: "Associated" });
  });

  it("still dissociates a certificate the program no longer declares at all, once the registrations are quiet", async () => {
    world = await startWorld({ fixture: DEMO_FIXTURE });
    const setup = world.newProcess("setup").provider;
    const inputs = (await setup.check({}, declare("giver", [X, Y]))).inputs!;
    const created = await setup.create(inputs);
    const p = world.newProcess("deploy").provider;
    world.sim.backend.clearRequestLog();
    const news = (await p.check(inputs, declare("giver", [X]))).inputs!;
    await p.diff(L, created.outs!, news);
    const diffedAt = world.clock.now();
    await p.update(L, created.outs!, news);
    const dissociation = world.sim.backend.requestLog().find((e) => e.action === "DissociateAdditionalCertificatesFromListener");
    expect(dissociation?.params["Certificates.1.CertificateId"]).toBe(Y);
    expect(dissociation!.time - diffedAt).toBe(500); // the published quiet period after the last registration
    expect(world.sim.backend.listenerView(L).additional.map((c) => c.certificateId)).toEqual(["24664588-cn-hangzhou", X]);
  });
});

describe("two resources of one program declaring one certificate, in either registration order", () => {
  it("the create that started first sends nothing once the other resource's claim arrives", async () => {
    world = await startWorld({ fixture: DEMO_FIXTURE });
    const setup = world.newProcess("setup").provider;
    const teamA = (await setup.check({}, declare("team-a", [X, Y]))).inputs!;
    await setup.create(teamA);
    const p = world.newProcess("deploy").provider;
    world.sim.backend.clearRequestLog();
    // The newcomer registers first and its create starts at once; the existing resource registers a moment later.
    const teamB = await p.check({}, declare("team-b", [Y, Z]));
    expect(teamB.failures ?? []).toEqual([]);
    const creating = p.create(teamB.inputs!).catch((e: unknown) => e);
    await world.clock.sleep(100);
    const again = await p.check(teamA, declare("team-a", [X, Y]));
    expect(again.failures?.map((f) => f.property)).toEqual(["certificateIds"]);
    const error = await creating;
    expect(error).toMatchObject({ name: "OwnershipConflictError" });
    expect((error as Error).message).toBe(
      `certificateIds: ${Y} is declared on listener ${L} by both "team-b" and "team-a". A certificate has one owner per listener in a stack ` +
        `(so that removing one resource never detaches what another declares): declare it in only one of them, for example in one resource ` +
        `that holds the certificates both need.`,
    );
    const mutations = world.sim.backend.requestLog().filter((e) => /^(Associate|Dissociate)/.test(e.action ?? "") && e.params.DryRun !== "true");
    expect(mutations).toEqual([]);
  });
});
