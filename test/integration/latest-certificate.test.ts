/**
 * `latestCertificate`, the exported function, end to end in a program's process: under Pulumi's mocks, with the
 * program's stack config set through `pulumi.runtime.setConfig`, through the real CAS client and pop-core,
 * against a scripted endpoint on 127.0.0.1 named by the provider's endpoint override (as the simulator serves
 * ALB and CAS on one URL). Action and parameter names are spelled literally: they are the wire.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latestCertificate, NoValidCertificateError } from "../../provider/index";
import { lookupLatestCertificate } from "../../provider/lifecycle/cas-lookup";
import { CredentialChain, processEnvironment } from "../../provider/credentials/credentials";
import { systemClock } from "../../provider/base/clock";
import { readBody } from "../kit/http-stub";

const DAY = 86_400_000;
const NOW = Date.now();

interface Seen {
  readonly action: string;
  readonly form: URLSearchParams;
}

let server: Server;
let endpoint: string;
const seen: Seen[] = [];


/** The account's certificates: an old one for shop, its renewal, and a wildcard that ended yesterday. */
const CERTIFICATES = [
  { CertificateId: 1001, CommonName: "shop.example.com", Sans: "shop.example.com", CertStartTime: NOW - 300 * DAY, CertEndTime: NOW + 20 * DAY },
  { CertificateId: 1002, CommonName: "shop.example.com", Sans: "shop.example.com,www.example.com", CertStartTime: NOW - DAY, CertEndTime: NOW + 365 * DAY },
  { CertificateId: 1003, CommonName: "*.example.org", Sans: "*.example.org", CertStartTime: NOW - 400 * DAY, CertEndTime: NOW - DAY },
];

function answer(entry: Seen): unknown {
  if (entry.action === "ListUserCertificateOrder") {
    const keyword = entry.form.get("Keyword") ?? "";
    const list = CERTIFICATES.filter((c) => `${c.CommonName},${c.Sans}`.includes(keyword));
    return { RequestId: "r-list", CertificateOrderList: list.map((c) => ({ ...c, Name: `c${c.CertificateId}`, Issuer: "CA", Expired: false, Upload: true })), TotalCount: list.length };
  }
  if (entry.action === "GetCertificateDetail") {
    const id = Number(entry.form.get("CertificateId"));
    const c = CERTIFICATES.find((x) => x.CertificateId === id)!;
    return { RequestId: "r-detail", CertificateId: id, CertIdentifier: `${id}-cn-hangzhou`, CommonName: c.CommonName, Domain: c.Sans, SubjectAlternativeNames: [], NotBefore: c.CertStartTime, NotAfter: c.CertEndTime, Issuer: "CA" };
  }
  throw new Error(`unexpected ${entry.action}`);
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const form = new URLSearchParams(body);
      const entry = { action: form.get("Action") ?? "", form };
      seen.push(entry);
      let reply: unknown;
      let status = 200;
      try {
        reply = answer(entry);
      } catch (error) {
        status = 400;
        reply = { Code: "UnexpectedRequest", Message: String(error) };
      }
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs }, "renewals", "test", false);
  pulumi.runtime.setConfig("alicloud:region", "cn-hangzhou");
  pulumi.runtime.setConfig("alicloud:accessKey", "LTAIprogramkey");
  pulumi.runtime.setConfig("alicloud:secretKey", "program-secret-8c2e");
  pulumi.runtime.setConfig("alb-listener-certificates:endpoint", endpoint);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The value of an output. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

describe("latestCertificate in a program", () => {
  it("names the renewal, asked of the override endpoint with the program's credentials", async () => {
    seen.length = 0;
    expect(await valueOf(latestCertificate({ domain: "Shop.Example.com" }))).toBe("1002-cn-hangzhou");
    expect(seen.map((s) => [s.action, s.form.get("Keyword") ?? s.form.get("CertificateId"), s.form.get("OrderType")])).toEqual([
      ["ListUserCertificateOrder", "example.com", "CERT"],
      ["ListUserCertificateOrder", "shop.example.com", "CERT"],
      ["GetCertificateDetail", "1002", null],
    ]);
    expect(seen.every((s) => s.form.get("AccessKeyId") === "LTAIprogramkey" && s.form.get("Version") === "2020-04-07")).toBe(true);
  });

  // A failed output rejects promises of Pulumi's own that nothing in a test awaits (in a program, the runtime
  // reports them as the program's failure): the failure is asserted on the lookup the function runs.
  it("the lookup behind it fails with the error that names the expired certificate seen", async () => {
    const error = await lookupLatestCertificate(
      { domain: "shop.example.org" },
      { environment: processEnvironment({ get: (key) => pulumi.runtime.getConfig(key) }), credentials: new CredentialChain({ clock: systemClock }), clock: systemClock, random: Math.random },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoValidCertificateError);
    expect((error as Error).message).toMatch(
      /^No valid certificate in the Certificate Management Service \(site cn-hangzhou\) covers shop\.example\.org\. Certificates seen that cover it but cannot be used: 1003 \(\*\.example\.org, expired \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\. Upload/,
    );
  });

  it("refuses bad arguments at once, before any request", () => {
    seen.length = 0;
    expect(() => latestCertificate({ domain: "*.example.com" })).toThrow(/^domain: "\*\.example\.com" is a wildcard/);
    expect(() => latestCertificate({ domain: "shop.example.com", site: "eu-central-1" as "cn-hangzhou" })).toThrow(/^site: must be "cn-hangzhou" or "ap-southeast-1"/);
    expect(() => latestCertificate({ domain: "shop.example.com" }, { timeoutSeconds: -1 })).toThrow(RangeError);
    expect(seen).toEqual([]);
  });
});
