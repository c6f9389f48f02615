// Unit tests of the program, on Pulumi's mocks: no CLI, no cloud, no credentials, and the provider never
// runs. `setMocks` must come before the program is imported; the mock answers every resource with its own
// inputs, and ListenerAdditionalCertificates then reports the declared set as its `certificateIds` output.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { CERTIFICATES, LISTENERS, type CertificateRecord } from "./catalogue";
import { certificateIdsByListener, declareSni } from "./sni";

/**
 * The day the check is made for. In your project write `new Date()`: the test then fails as soon as a
 * production certificate gets within MIN_DAYS_LEFT days of its expiry, before any deployment. This example
 * fixes a date so that its results do not change with the calendar.
 */
const TODAY = new Date("2026-12-01T00:00:00Z");
const MIN_DAYS_LEFT = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  await pulumi.runtime.setMocks({
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  });
});

/** The value of an output once the mocks have answered. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** "listener: certificate expires on (days left)" for each production certificate too close to its expiry. */
function expiringInProduction(declared: Record<string, string[]>, certificates: readonly CertificateRecord[], today: Date): string[] {
  const problems: string[] = [];
  for (const listener of LISTENERS.filter((l) => l.environment === "production")) {
    for (const id of declared[listener.listenerId] ?? []) {
      const certificate = certificates.find((c) => c.id === id);
      if (!certificate) {
        problems.push(`${listener.listenerId}: ${id} is not in the catalogue`);
        continue;
      }
      const daysLeft = Math.floor((Date.parse(certificate.notAfter) - today.getTime()) / DAY_MS);
      if (daysLeft < MIN_DAYS_LEFT) problems.push(`${listener.listenerId}: ${id} expires ${certificate.notAfter.slice(0, 10)} (${daysLeft} days left)`);
    }
  }
  return problems;
}

describe("the program", () => {
  it("declares each listener's certificates by the domains it serves", async () => {
    const program = await import("./index");
    expect(await valueOf(program.certificates)).toEqual({
      "lsn-demo-https-443": ["25112233-cn-hangzhou", "25209871-cn-hangzhou"],
      "lsn-demo-quic-443": ["25346102-cn-hangzhou"],
    });
  });

  it(`never gives a production listener a certificate that expires within ${MIN_DAYS_LEFT} days`, async () => {
    const program = await import("./index");
    expect(expiringInProduction(await valueOf(program.certificates), CERTIFICATES, TODAY)).toEqual([]);
  });
});

describe("the expiry check", () => {
  it("names a production certificate about to expire, and leaves staging alone", async () => {
    // A renewal recorded with the wrong date: it would reach the production listener.
    const renewal: CertificateRecord = { id: "25481937-cn-hangzhou", domain: "www.example.com", notAfter: "2026-12-20T00:00:00Z" };
    const catalogue = [...CERTIFICATES, renewal];
    const declared = await valueOf(certificateIdsByListener(declareSni(LISTENERS.map((l) => ({ ...l, name: `${l.name}-renewal` })), catalogue)));
    expect(declared["lsn-demo-https-443"]).toContain("25481937-cn-hangzhou");
    expect(expiringInProduction(declared, catalogue, TODAY)).toEqual(["lsn-demo-https-443: 25481937-cn-hangzhou expires 2026-12-20 (19 days left)"]);
  });
});
