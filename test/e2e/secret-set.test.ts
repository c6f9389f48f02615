// End-to-end, real pulumi CLI against the simulator: a certificate set declared as a secret stays secret.
// The engine marks a dynamic provider's output secret only when the input of the same name is secret, and
// the provider stores the set under a new name (the `certificates` map); the resource's value-less
// `certificates` input carries the list's secrecy over (docs/alb-api-facts.md, "Secrets").
//
// A CLI that cannot be provisioned FAILS this test (never skips it): see test/e2e/cli-smoke.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../simulator";
import { RESOURCE_TYPE } from "../kit/cli-stack";
import { CERT, E2eStack, HTTPS_LISTENER, PREEXISTING_CERT, startE2eSimulator } from "../kit/e2e";
import { ensurePulumiCli } from "../kit/pulumi";
import { liveIds } from "../kit/request-log";

const { a, b } = CERT;

describe("e2e: a secret certificate set", () => {
  let sim: RunningSimulator;
  let stack: Promise<E2eStack> | undefined;

  beforeAll(async () => {
    await ensurePulumiCli().catch(() => undefined);
    sim = await startE2eSimulator();
  }, 45 * 60_000);

  afterAll(async () => {
    await (await stack?.catch(() => undefined))?.cleanup();
    await sim?.close();
  });

  it("is applied, then encrypted in state and masked in outputs; destroy removes it", async () => {
    stack = E2eStack.create(sim, { listenerId: HTTPS_LISTENER, certificateIds: [b, a], pathConfig: { secretSet: "true" } });
    const s = await stack;
    const up = await s.up();
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT, a, b].sort());
    expect(up).toMatch(/^\s*certificates\s*: \[secret\]$/m);
    expect(up).toMatch(/^\s*certificateIds\s*: \[secret\]$/m);

    const { resources } = await s.deployment();
    expect(resources.map((r) => r.type).sort()).toEqual(["pulumi-nodejs:dynamic/alb:ListenerAdditionalCertificates", "pulumi:providers:pulumi-nodejs", "pulumi:pulumi:Stack"]);
    const [resource] = resources.filter((r) => r.type === RESOURCE_TYPE);
    const encrypted = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) };
    expect(resource?.inputs?.certificates).toEqual(encrypted);
    expect(resource?.outputs?.certificates).toEqual(encrypted);
    expect(resource?.outputs?.listenerId).toBe(HTTPS_LISTENER);
    // Nowhere in state but in the stack config this test set in plain text, which the engine copies into its
    // default provider's inputs (a program reading the set from config would set it with --secret).
    const elsewhere = JSON.stringify(resources.filter((r) => r.type !== "pulumi:providers:pulumi-nodejs"));
    for (const id of [a, b]) expect(elsewhere).not.toContain(id);

    const masked = JSON.parse((await s.runOrThrow(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
    expect(masked).toEqual({ listenerId: HTTPS_LISTENER, certificates: "[secret]", certificateIds: "[secret]", certificateInfo: "[secret]" });
    const shown = JSON.parse((await s.runOrThrow(["stack", "output", "--json", "--show-secrets"])).stdout) as Record<string, unknown>;
    expect(shown).toEqual({
      listenerId: HTTPS_LISTENER,
      certificates: { [a]: "Associated", [b]: "Associated" },
      certificateIds: [a, b],
      // What each certificate is names it too, so it is as secret as the set.
      certificateInfo: { [a]: { domains: ["shop.example.com"], notAfter: expect.any(String) }, [b]: { domains: ["www.example.net", "example.net"], notAfter: expect.any(String) } },
    });

    await s.runOrThrow(["preview", "--expect-no-changes"]);
    await s.destroy();
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT]);
  }, 12 * 60_000);
});
