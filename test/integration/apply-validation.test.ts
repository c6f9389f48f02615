import { afterEach, describe, expect, it } from "vitest";
import { mutationLog, startHarness, type Harness } from "../helpers/provider-harness";

const HTTPS = "lsn-demo-https-443";
const QUIC = "lsn-demo-quic-443";
const A = "25112233-cn-hangzhou";
const B = "25209871-cn-hangzhou";
const C = "25346102-cn-hangzhou";

let h: Harness;
afterEach(async () => h?.close());

describe("validation dry runs and the mutation quota", () => {
  it("a check validates an added certificate with a dry run, except while the process applies changes (an update run, never a preview)", async () => {
    h = await startHarness({ jobMs: 5_000 });
    const p = h.provider;
    const https = (await p.check({}, { listenerId: HTTPS, certificateIds: [A], resourceName: "https" })).inputs!;
    const quic = (await p.check({}, { listenerId: QUIC, certificateIds: [A], resourceName: "quic" })).inputs!;
    const httpsState = await p.create(https);
    const quicState = await p.create(quic);
    const httpsNews = (await p.check(https, { listenerId: HTTPS, certificateIds: [A, B], resourceName: "https" })).inputs!;
    h.sim.backend.clearRequestLog();

    // Preview-like: nothing is being applied, so the check dry-runs what it would add.
    const quicNews = (await p.check(quic, { listenerId: QUIC, certificateIds: [A, C], resourceName: "quic" })).inputs!;
    await p.diff(QUIC, quicState.outs!, quicNews);
    expect(mutationLog(h.sim)).toEqual([`dry-associate ${C}`]);
    h.sim.backend.clearRequestLog();

    // Update run: while another resource's update is applying, the check leaves the dry run out (the
    // apply's own call validates, and dry runs spend the same mutation quota).
    const updating = p.update(HTTPS, httpsState.outs!, httpsNews);
    await p.check(quic, { listenerId: QUIC, certificateIds: [A, C], resourceName: "quic" });
    await p.diff(QUIC, quicState.outs!, quicNews);
    await updating;
    expect(mutationLog(h.sim)).toEqual([`associate ${B}`]);
    await p.update(QUIC, quicState.outs!, quicNews);
    expect(mutationLog(h.sim)).toEqual([`associate ${B}`, `associate ${C}`]);
  });

  it("the apply still refuses what the dry run would have refused, with the service's message", async () => {
    h = await startHarness({ jobMs: 5_000 });
    const p = h.provider;
    const https = (await p.check({}, { listenerId: HTTPS, certificateIds: [A], resourceName: "https" })).inputs!;
    const quic = (await p.check({}, { listenerId: QUIC, certificateIds: [A], resourceName: "quic" })).inputs!;
    const httpsState = await p.create(https);
    const quicState = await p.create(quic);
    h.sim.backend.clearRequestLog();
    const httpsNews = (await p.check(https, { listenerId: HTTPS, certificateIds: [A, B], resourceName: "https" })).inputs!;
    const quicNews = (await p.check(quic, { listenerId: QUIC, certificateIds: [A, "99999999-cn-hangzhou"], resourceName: "quic" })).inputs!;
    const updating = p.update(HTTPS, httpsState.outs!, httpsNews);
    expect(await p.diff(QUIC, quicState.outs!, quicNews)).not.toMatchObject({ changes: false });
    await updating;
    await expect(p.update(QUIC, quicState.outs!, quicNews)).rejects.toThrow(/ResourceNotFound\.Certificate/);
    expect(h.sim.backend.listenerView(QUIC).additional.map((c) => c.certificateId)).toEqual([A]);
  });
});
