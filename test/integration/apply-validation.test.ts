import { afterEach, describe, expect, it } from "vitest";
import { mutationLog } from "../kit/request-log";
import { startWorldWithProcess, type ProviderProcess, type World, type WorldOptions } from "../kit/world";

const HTTPS = "lsn-demo-https-443";
const QUIC = "lsn-demo-quic-443";
const A = "25112233-cn-hangzhou";
const B = "25209871-cn-hangzhou";
const C = "25346102-cn-hangzhou";

let world: World;
/** The provider process of the test's world. */
let proc: ProviderProcess;
afterEach(async () => world?.close());

async function startWithProcess(options: WorldOptions = {}): Promise<void> {
  ({ world, proc } = await startWorldWithProcess(options));
}

describe("validation dry runs and the mutation quota", () => {
  it("a check validates an added certificate with a dry run, except while the process applies changes (an update run, never a preview)", async () => {
    await startWithProcess({ jobMs: 5_000 });
    const p = proc.provider;
    const https = (await p.check({}, { listenerId: HTTPS, certificateIds: [A], resourceName: "https" })).inputs!;
    const quic = (await p.check({}, { listenerId: QUIC, certificateIds: [A], resourceName: "quic" })).inputs!;
    const httpsState = await p.create(https);
    const quicState = await p.create(quic);
    const httpsNews = (await p.check(https, { listenerId: HTTPS, certificateIds: [A, B], resourceName: "https" })).inputs!;
    world.sim.backend.clearRequestLog();

    // Preview-like: nothing is being applied, so the check dry-runs what it would add.
    const quicNews = (await p.check(quic, { listenerId: QUIC, certificateIds: [A, C], resourceName: "quic" })).inputs!;
    await p.diff(QUIC, quicState.outs!, quicNews);
    expect(mutationLog(world.sim)).toEqual([`dry-associate ${C}`]);
    world.sim.backend.clearRequestLog();

    // Update run: while another resource's update is applying, the check leaves the dry run out (the
    // apply's own call validates, and dry runs spend the same mutation quota).
    const updating = p.update(HTTPS, httpsState.outs!, httpsNews);
    await p.check(quic, { listenerId: QUIC, certificateIds: [A, C], resourceName: "quic" });
    await p.diff(QUIC, quicState.outs!, quicNews);
    await updating;
    expect(mutationLog(world.sim)).toEqual([`associate ${B}`]);
    await p.update(QUIC, quicState.outs!, quicNews);
    expect(mutationLog(world.sim)).toEqual([`associate ${B}`, `associate ${C}`]);
  });

  it("the apply still refuses what the dry run would have refused, with the service's message", async () => {
    await startWithProcess({ jobMs: 5_000 });
    const p = proc.provider;
    const https = (await p.check({}, { listenerId: HTTPS, certificateIds: [A], resourceName: "https" })).inputs!;
    const quic = (await p.check({}, { listenerId: QUIC, certificateIds: [A], resourceName: "quic" })).inputs!;
    const httpsState = await p.create(https);
    const quicState = await p.create(quic);
    world.sim.backend.clearRequestLog();
    const httpsNews = (await p.check(https, { listenerId: HTTPS, certificateIds: [A, B], resourceName: "https" })).inputs!;
    const quicNews = (await p.check(quic, { listenerId: QUIC, certificateIds: [A, "99999999-cn-hangzhou"], resourceName: "quic" })).inputs!;
    const updating = p.update(HTTPS, httpsState.outs!, httpsNews);
    expect(await p.diff(QUIC, quicState.outs!, quicNews)).not.toMatchObject({ changes: false });
    await updating;
    await expect(p.update(QUIC, quicState.outs!, quicNews)).rejects.toThrow(/ResourceNotFound\.Certificate/);
    expect(world.sim.backend.listenerView(QUIC).additional.map((c) => c.certificateId)).toEqual([A]);
  });
});
