/**
 * `ListenerAdditionalCertificates` under Pulumi's own test mocks (`pulumi.runtime.setMocks`): what the
 * constructor registers with the engine (names, values, secrecy, unknowns and the serialized provider), and
 * what the resource derives from the engine's answer. No CLI and no provider code runs: the mock stands in
 * for the engine and answers the way it does for this dynamic provider (see `engineAnswer`).
 *
 * Secrets and unknowns are asserted in their wire form, spelled literally: the secret signature
 * `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value}` and the unknown
 * sentinel `04da6b54-80e4-46f7-96ec-b56ff0331ba9`.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ListenerAdditionalCertificates } from "../../provider/resource";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const TYPE = "pulumi-nodejs:dynamic/alb:ListenerAdditionalCertificates";

const secretOf = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
const isSecretValue = (v: unknown): v is { value: unknown } => typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
const reveal = (v: unknown): unknown => (isSecretValue(v) ? reveal(v.value) : Array.isArray(v) ? v.map(reveal) : v);
const containsSecret = (v: unknown): boolean =>
  isSecretValue(v) || (Array.isArray(v) ? v.some(containsSecret) : typeof v === "object" && v !== null && Object.values(v).some(containsSecret));
const containsUnknown = (v: unknown): boolean =>
  pulumi.isUnknown(v) || (Array.isArray(v) ? v.some(containsUnknown) : isSecretValue(v) && containsUnknown(v.value));

/**
 * The engine's record of a created resource: `check` folds the declared list into the `certificates` map
 * (every certificate `Associated` once `create` has waited), and the engine marks an output secret when the
 * input of the same name holds a secret (its `annotateSecrets`; docs/alb-api-facts.md, "Secrets"). During a
 * preview the provider is not asked to create: the engine records the checked inputs, and whatever depends on
 * an unknown input stays unknown (left out here; the SDK then resolves it as unknown).
 */
function engineAnswer(inputs: Record<string, unknown>): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const key of ["listenerId", "exclusive", "region", "endpoint", "waitTimeoutSeconds", "resourceName"]) {
    if (inputs[key] !== undefined && !containsUnknown(inputs[key])) outputs[key] = reveal(inputs[key]);
  }
  if (!containsUnknown(inputs.certificateIds)) {
    const ids = [...new Set(reveal(inputs.certificateIds) as string[])].sort();
    outputs.certificates = Object.fromEntries(ids.map((id) => [id, "Associated"]));
  }
  for (const [key, value] of Object.entries(outputs)) {
    if (containsSecret(inputs[key])) outputs[key] = secretOf(value);
  }
  return outputs;
}

interface MockWorld {
  /** Every registration, in order, as the mock monitor received it. */
  readonly registered: pulumi.runtime.MockResourceArgs[];
  /** Overrides the engine's answer for this resource type. */
  answer?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;
}

let world: MockWorld;

/** Installs the mocks (a preview when `preview`), with a fresh registration log. */
async function useMocks(preview: boolean): Promise<void> {
  const w: MockWorld = { registered: [] };
  world = w;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        w.registered.push(args);
        if (args.type !== TYPE) {
          // Another resource's ID: unknown during a preview (not created yet), known after.
          return { id: preview ? (undefined as unknown as string) : `${args.name}-id`, state: {} };
        }
        return { id: preview ? (undefined as unknown as string) : String(reveal(args.inputs.listenerId)), state: w.answer?.(args) ?? engineAnswer(args.inputs) };
      },
      call: (args) => args.inputs,
    },
    "project",
    "stack",
    preview,
  );
}

/** The one registration of the named resource. */
function registration(name: string): pulumi.runtime.MockResourceArgs {
  const found = world.registered.filter((r) => r.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** An output as the engine would receive it: the plain value, a secret wrapper, or the unknown sentinel. */
async function wireValue(output: pulumi.Output<unknown>): Promise<unknown> {
  return (await pulumi.runtime.serializeProperties("test", { value: output })).value;
}

const ACCESS_KEY_ID = "LTAI5tMockTestKeyId";
const ACCESS_KEY_SECRET = "mock-test-secret-must-not-be-captured-0123";
const SECURITY_TOKEN = "mock-test-sts-token-must-not-be-captured-4567";
const savedEnv = { ...process.env };

// Credentials are in the environment and the stack config for every resource this file declares: the SDK
// serializes a provider object once per process and reuses the text, so whichever test comes first, the
// credentials were there when it was written.
beforeAll(() => {
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = ACCESS_KEY_ID;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = ACCESS_KEY_SECRET;
  process.env.ALIBABA_CLOUD_SECURITY_TOKEN = SECURITY_TOKEN;
  pulumi.runtime.setConfig("alicloud:secretKey", ACCESS_KEY_SECRET);
});

afterAll(() => {
  process.env = savedEnv;
});

/** A resource of another provider (a listener, a certificate) that the program creates. */
class OtherResource extends pulumi.CustomResource {
  constructor(type: string, name: string) {
    super(type, name, {});
  }
}

const L = "lsn-5qnirjhpt1234abcd";
const A = "23759533-cn-hangzhou";
const B = "24664588-cn-hangzhou";
const C = "25346102-cn-hangzhou";

describe("what the engine sees when a program declares the resource", () => {
  beforeEach(() => useMocks(false));

  it("registers the dynamic type under the logical name, with the declared inputs and the name as resourceName", async () => {
    const r = new ListenerAdditionalCertificates("api-sni", {
      listenerId: L,
      certificateIds: [B, A, B],
      exclusive: true,
      region: "cn-shanghai",
      endpoint: "http://127.0.0.1:9400",
      waitTimeoutSeconds: 120,
    });
    await wireValue(r.urn);
    const reg = registration("api-sni");
    expect(reg.type).toBe("pulumi-nodejs:dynamic/alb:ListenerAdditionalCertificates");
    expect(reg.custom).toBe(true);
    expect(reg.provider).toBe("");
    expect(await wireValue(r.urn)).toBe("urn:pulumi:stack::project::pulumi-nodejs:dynamic/alb:ListenerAdditionalCertificates::api-sni");
    // The list goes as written (order and duplicates are check's business); `certificates` has no value.
    expect(reg.inputs).toEqual({
      __provider: expect.any(String),
      listenerId: L,
      certificateIds: [B, A, B],
      exclusive: true,
      region: "cn-shanghai",
      endpoint: "http://127.0.0.1:9400",
      waitTimeoutSeconds: 120,
      resourceName: "api-sni",
    });
    expect(Object.keys(reg.inputs).sort()).toEqual(["__provider", "certificateIds", "endpoint", "exclusive", "listenerId", "region", "resourceName", "waitTimeoutSeconds"]);
  });

  it("sends nothing for the optional inputs left out, nor for certificates", async () => {
    const r = new ListenerAdditionalCertificates("minimal", { listenerId: L, certificateIds: [] });
    await wireValue(r.urn);
    const { inputs } = registration("minimal");
    expect(Object.keys(inputs).sort()).toEqual(["__provider", "certificateIds", "listenerId", "resourceName"]);
    expect(inputs).toEqual({ __provider: expect.any(String), listenerId: L, certificateIds: [], resourceName: "minimal" });
  });

  it("serializes the provider as the thin shim: the runtime module's name, no implementation, no credential", async () => {
    const r = new ListenerAdditionalCertificates("shim", { listenerId: pulumi.secret(L), certificateIds: [A] });
    await wireValue(r.urn);
    const shim = registration("shim").inputs.__provider;
    expect(typeof shim).toBe("string"); // not a secret: the shim captured none
    const text = shim as string;
    expect(text).toContain('"alb-listener-certificates/runtime"');
    for (const leaked of [ACCESS_KEY_SECRET, SECURITY_TOKEN, ACCESS_KEY_ID, L]) expect(text).not.toContain(leaked);
    expect(text).not.toMatch(/AssociateAdditionalCertificatesWithListener|pop-core|@alicloud\/credentials/);
    expect(text.length).toBeLessThan(6000);
    // A module whose handler returns a provider with the whole lifecycle.
    const requireFromString = require("require-from-string") as (code: string) => { handler(): Record<string, unknown> };
    const provider = requireFromString(text).handler();
    expect(Object.keys(provider).sort()).toEqual(["check", "configure", "create", "delete", "diff", "read", "update"]);
  });
});

describe("outputs", () => {
  beforeEach(() => useMocks(false));

  it("certificateIds is the sorted list of the keys of the certificates map the engine returns", async () => {
    world.answer = () => ({ listenerId: L, certificates: { [C]: "Associated", [A]: "Associated", [B]: "Associating" } });
    const r = new ListenerAdditionalCertificates("exclusive-sni", { listenerId: L, certificateIds: [C, A], exclusive: true });
    expect(await wireValue(r.certificates)).toEqual({ [C]: "Associated", [A]: "Associated", [B]: "Associating" });
    expect(await wireValue(r.certificateIds)).toEqual([A, B, C]);
    expect(await wireValue(r.listenerId)).toBe(L);
    expect(await wireValue(r.id)).toBe(L);
  });

  it("certificateIds is the declared set, sorted and without duplicates, when the engine's answer has no map (a mock echoing the inputs)", async () => {
    world.answer = (args) => args.inputs;
    const r = new ListenerAdditionalCertificates("echoed", { listenerId: L, certificateIds: [C, A, C] });
    expect(await wireValue(r.certificateIds)).toEqual([A, C]);
    expect(await wireValue(r.listenerId)).toBe(L);
  });

  it("certificateIds follows the engine's map, not the declaration, when they differ", async () => {
    world.answer = () => ({ listenerId: L, certificates: { [B]: "Associated" } });
    const r = new ListenerAdditionalCertificates("engine-wins", { listenerId: L, certificateIds: [A] });
    expect(await wireValue(r.certificateIds)).toEqual([B]);
  });
});

describe("secrets", () => {
  beforeEach(() => useMocks(false));

  it("a plain declaration registers and yields no secret", async () => {
    const r = new ListenerAdditionalCertificates("plain", { listenerId: L, certificateIds: [B, A] });
    expect(await wireValue(r.certificateIds)).toEqual([A, B]);
    expect(containsSecret(registration("plain").inputs)).toBe(false);
    for (const o of [r.listenerId, r.certificates, r.certificateIds] as pulumi.Output<unknown>[]) expect(await pulumi.isSecret(o)).toBe(false);
  });

  it("a secret listener ID is registered as a secret and stays secret in the listenerId output", async () => {
    const r = new ListenerAdditionalCertificates("secret-listener", { listenerId: pulumi.secret(L), certificateIds: [A] });
    expect(await wireValue(r.listenerId)).toEqual(secretOf(L));
    const { inputs } = registration("secret-listener");
    expect(inputs.listenerId).toEqual(secretOf(L));
    expect(inputs.certificates).toBeUndefined();
    expect(await wireValue(r.certificateIds)).toEqual([A]);
  });

  it("a secret set is registered as a secret, with a secret certificates input, so the stored map and the list stay secret", async () => {
    const r = new ListenerAdditionalCertificates("secret-set", { listenerId: L, certificateIds: pulumi.secret([B, A]) });
    await wireValue(r.urn);
    const { inputs } = registration("secret-set");
    expect(inputs.certificateIds).toEqual(secretOf([B, A]));
    expect(inputs.certificates).toEqual(secretOf(null));
    expect(await wireValue(r.certificates)).toEqual(secretOf({ [A]: "Associated", [B]: "Associated" }));
    expect(await wireValue(r.certificateIds)).toEqual(secretOf([A, B]));
    expect(await pulumi.isSecret(r.certificateIds)).toBe(true);
    expect(await wireValue(r.listenerId)).toBe(L);
  });

  it("one secret certificate ID makes the whole set secret", async () => {
    const r = new ListenerAdditionalCertificates("one-secret", { listenerId: L, certificateIds: [A, pulumi.secret(B)] });
    await wireValue(r.urn);
    const { inputs } = registration("one-secret");
    expect(isSecretValue(inputs.certificateIds)).toBe(true);
    expect(reveal(inputs.certificateIds)).toEqual([A, B]);
    expect(inputs.certificates).toEqual(secretOf(null));
    expect(await wireValue(r.certificateIds)).toEqual(secretOf([A, B]));
  });
});

describe("during a preview", () => {
  beforeEach(() => useMocks(true));

  it("inputs that are not known yet reach the engine as unknowns, and the outputs that depend on them are unknown", async () => {
    expect(pulumi.runtime.isDryRun()).toBe(true);
    // A listener and a certificate created in the same deployment: their IDs are unknown in a preview.
    const listener = new OtherResource("test:index:Listener", "new-listener");
    const certificate = new OtherResource("test:index:Certificate", "new-certificate");
    const r = new ListenerAdditionalCertificates("on-new-listener", { listenerId: listener.id, certificateIds: [A, certificate.id] });
    expect(await wireValue(r.listenerId)).toBe(UNKNOWN_SENTINEL);
    expect(await wireValue(r.certificates)).toBe(UNKNOWN_SENTINEL);
    expect(await wireValue(r.certificateIds)).toBe(UNKNOWN_SENTINEL);
    const { inputs } = registration("on-new-listener");
    expect(pulumi.isUnknown(inputs.listenerId)).toBe(true);
    expect((inputs.certificateIds as unknown[])[0]).toBe(A);
    expect(pulumi.isUnknown((inputs.certificateIds as unknown[])[1])).toBe(true);
    expect(pulumi.isUnknown(inputs.certificates)).toBe(true);
    expect(inputs.resourceName).toBe("on-new-listener");
    expect(typeof inputs.__provider).toBe("string");
  });

  it("known inputs give known outputs in a preview", async () => {
    const r = new ListenerAdditionalCertificates("known", { listenerId: L, certificateIds: [B, A] });
    expect(await wireValue(r.listenerId)).toBe(L);
    expect(await wireValue(r.certificateIds)).toEqual([A, B]);
    expect(Object.keys(registration("known").inputs).sort()).toEqual(["__provider", "certificateIds", "listenerId", "resourceName"]);
  });
});
