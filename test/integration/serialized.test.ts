/**
 * The copy of the provider the engine actually runs: serialized into state by
 * `pulumi.runtime.serializeFunction`, loaded with require-from-string, configured, then driven
 * through the whole lifecycle. It resolves the implementation from the built package (dist/).
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serializableProvider } from "../../provider/resource";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, startSimulator } from "../../simulator";
import { EngineStack } from "../kit/engine";
import { mutationLog } from "../kit/request-log";

const SECURITY_TOKEN = "sts-token-must-never-leak-0123456789";

let sim: Awaited<ReturnType<typeof startSimulator>>;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  sim = await startSimulator({ jobMs: 30 });
  for (const k of ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"]) saved[k] = process.env[k];
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await sim?.close();
});

describe("the serialized provider", () => {
  it("is a thin shim with no secret and no implementation in it", async () => {
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEMO_ACCESS_KEY_SECRET;
    const serialized = await pulumi.runtime.serializeFunction(() => serializableProvider, { allowSecrets: true });
    expect(serialized.containsSecrets).toBe(false);
    expect(serialized.text).not.toContain(DEMO_ACCESS_KEY_SECRET);
    expect(serialized.text).not.toContain(DEMO_ACCESS_KEY_ID);
    expect(serialized.text).toContain('"alb-listener-certificates/runtime"');
    expect(serialized.text).not.toMatch(/AssociateAdditionalCertificatesWithListener|pop-core/);
    expect(serialized.text.length).toBeLessThan(6000);
  });

  it("runs the whole lifecycle from its serialized text, loading the implementation at run time", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => serializableProvider, { allowSecrets: true });
    const requireFromString = require("require-from-string") as (code: string) => { handler(): pulumi.dynamic.ResourceProvider };
    const provider = requireFromString(serialized.text).handler();
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEMO_ACCESS_KEY_ID;
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEMO_ACCESS_KEY_SECRET;
    process.env.ALIBABA_CLOUD_SECURITY_TOKEN = SECURITY_TOKEN;
    const config: Record<string, string> = { "alicloud:region": "cn-hangzhou", "alb-listener-certificates:endpoint": sim.endpoint };
    await provider.configure!({ config: { get: (k) => config[k], require: (k) => config[k]! } });
    const stack = new EngineStack(provider);
    const L = "lsn-demo-quic-443";
    await stack.upOrThrow([{ name: "quic", args: { listenerId: L, certificateIds: ["25112233-cn-hangzhou", "25209871-cn-hangzhou"] } }]);
    await stack.upOrThrow([{ name: "quic", args: { listenerId: L, certificateIds: ["25209871-cn-hangzhou", "25346102-cn-hangzhou"] } }]);
    await stack.refreshOrThrow();
    expect(stack.state.get("quic")!.outputs.certificates).toEqual({ "25209871-cn-hangzhou": "Associated", "25346102-cn-hangzhou": "Associated" });
    await stack.destroyOrThrow();
    expect(sim.backend.listenerView(L).additional).toEqual([]);
    expect(mutationLog(sim).filter((m) => !m.startsWith("dry-"))).toEqual([
      "associate 25112233-cn-hangzhou,25209871-cn-hangzhou",
      "associate 25346102-cn-hangzhou",
      "dissociate 25112233-cn-hangzhou",
      "dissociate 25209871-cn-hangzhou,25346102-cn-hangzhou",
    ]);
    const everything = JSON.stringify([...stack.state.values(), sim.backend.requestLog(), sim.backend.snapshot()]);
    expect(everything).not.toContain(DEMO_ACCESS_KEY_SECRET);
    expect(everything).not.toContain(SECURITY_TOKEN);
  });
});
