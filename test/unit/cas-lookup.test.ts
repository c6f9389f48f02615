/**
 * `latestCertificate`'s connection (`provider/lifecycle/cas-lookup.ts`): which site and endpoint a lookup asks,
 * with which credentials, and how its arguments are checked — on an injected environment and a fake CAS API.
 */
import { describe, expect, it } from "vitest";
import { casTarget, checkLatestCertificateArgs, lookupLatestCertificate, type LatestCertificateArgs } from "../../provider/lifecycle/cas-lookup";
import { CredentialChain } from "../../provider/credentials/credentials";
import { AlbProviderError, InvalidInputError, MissingCredentialsError } from "../../provider/base/errors";
import type { CasClientOptions } from "../../provider/transport/cas-client";
import type { CasApi } from "../../provider/transport/cas-types";
import { source, thrown } from "./credentials-env";

const KEYS = { ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAIlookup", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "lookup-secret-1234" };
const NOW = Date.parse("2026-06-15T12:00:00Z");
const clock = { now: () => NOW, sleep: async () => undefined };

describe("casTarget", () => {
  const args: LatestCertificateArgs = { domain: "shop.example.com" };

  it("the site's public endpoint, the site from the region: China site for cn-… regions, International otherwise", () => {
    expect(casTarget(args, source({}, { "alicloud:region": "cn-shanghai" }))).toEqual({ site: "cn-hangzhou", endpoint: "https://cas.aliyuncs.com", endpointSource: "the public endpoint of site cn-hangzhou" });
    expect(casTarget(args, source({ ALIBABA_CLOUD_REGION: "eu-central-1" }))).toMatchObject({ site: "ap-southeast-1", endpoint: "https://cas.ap-southeast-1.aliyuncs.com" });
    expect(casTarget({ ...args, region: "cn-hongkong" }, source({}, { "alicloud:region": "ap-southeast-1" }))).toMatchObject({ site: "cn-hangzhou" });
  });

  it("a site argument wins over the region's default, and needs no region", () => {
    expect(casTarget({ ...args, site: "ap-southeast-1" }, source({}, { "alicloud:region": "cn-hangzhou" }))).toMatchObject({ site: "ap-southeast-1", endpoint: "https://cas.ap-southeast-1.aliyuncs.com" });
    expect(casTarget({ ...args, site: "cn-hangzhou" }, source())).toMatchObject({ site: "cn-hangzhou" });
  });

  it("endpoint: the argument, else the provider's override (stack config, then environment), else the site's", () => {
    const env = source({ ALB_LISTENER_CERTIFICATES_ENDPOINT: "http://127.0.0.1:9500" }, { "alicloud:region": "cn-hangzhou", "alb-listener-certificates:endpoint": "http://127.0.0.1:9400/" });
    expect(casTarget({ ...args, endpoint: "http://127.0.0.1:9600/" }, env)).toEqual({ site: "cn-hangzhou", endpoint: "http://127.0.0.1:9600", endpointSource: "from latestCertificate's endpoint argument" });
    expect(casTarget(args, env)).toEqual({ site: "cn-hangzhou", endpoint: "http://127.0.0.1:9400", endpointSource: "from the stack config alb-listener-certificates:endpoint" });
    expect(casTarget(args, source({ ALB_LISTENER_CERTIFICATES_ENDPOINT: "http://127.0.0.1:9500" }, { "alicloud:region": "cn-hangzhou" }))).toMatchObject({
      endpoint: "http://127.0.0.1:9500",
      endpointSource: "from the environment variable ALB_LISTENER_CERTIFICATES_ENDPOINT",
    });
  });

  it("an override on one of the cloud's own hosts (an ALB VPC endpoint) is ALB's alone: the site's public endpoint", () => {
    const env = source({}, { "alicloud:region": "cn-shanghai", "alb-listener-certificates:endpoint": "https://alb-vpc.cn-shanghai.aliyuncs.com" });
    expect(casTarget(args, env)).toEqual({ site: "cn-hangzhou", endpoint: "https://cas.aliyuncs.com", endpointSource: "the public endpoint of site cn-hangzhou" });
  });

  it("no site and no region: says what to set", () => {
    const error = thrown(() => casTarget(args, source()));
    expect(error).toBeInstanceOf(AlbProviderError);
    expect(error.message).toBe(
      'latestCertificate("shop.example.com"): no region to choose the Certificate Management Service site by. Pass site ("cn-hangzhou" or "ap-southeast-1") or region, or set the stack config alicloud:region.',
    );
  });

  it("an override that is no URL names the setting to fix", () => {
    expect(thrown(() => casTarget(args, source({}, { "alicloud:region": "cn-hangzhou", "alb-listener-certificates:endpoint": "127.0.0.1:9400" }))).message).toBe(
      'The endpoint override "127.0.0.1:9400" is not an http:// or https:// URL. Fix the stack config alb-listener-certificates:endpoint or ALB_LISTENER_CERTIFICATES_ENDPOINT.',
    );
  });
});

describe("checkLatestCertificateArgs", () => {
  it.each([
    [{ domain: "" }, "domain"],
    [{ domain: "*.example.com" }, "domain"],
    [{ domain: "shop.example.com", site: "eu-central-1" }, "site"],
    [{ domain: "shop.example.com", region: " " }, "region"],
    [{ domain: "shop.example.com", endpoint: "cas.aliyuncs.com" }, "endpoint"],
  ])("%j is refused, naming %s", (args, property) => {
    const error = thrown(() => checkLatestCertificateArgs(args as LatestCertificateArgs));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).property).toBe(property);
    expect(error.message.startsWith(`${property}: `)).toBe(true);
  });

  it("the endpoint message says what a URL looks like", () => {
    expect(thrown(() => checkLatestCertificateArgs({ domain: "shop.example.com", endpoint: "cas.aliyuncs.com" })).message).toBe(
      'endpoint: must be an http:// or https:// URL such as "http://127.0.0.1:9400", got "cas.aliyuncs.com"; or leave endpoint out.',
    );
  });
});

describe("lookupLatestCertificate", () => {
  function fake(): { api: CasApi; options: CasClientOptions[] } {
    const options: CasClientOptions[] = [];
    const api: CasApi = {
      listCertificates: async () => [{ casId: 42, commonName: "shop.example.com", domains: ["shop.example.com"], notBefore: NOW - 1000, notAfter: NOW + 1000 }],
      getCertificateDetail: async (casId) => ({ certificateId: `${casId}-cn-hangzhou`, commonName: "shop.example.com", domains: ["shop.example.com"], issuer: "", notBefore: NOW - 1000, notAfter: NOW + 1000 }),
    };
    return { api, options };
  }

  it("builds the client for the resolved endpoint with the chain's credentials, named, and one contact per endpoint", async () => {
    const { api, options } = fake();
    const contacts = new Map();
    const deps = {
      environment: source(KEYS, { "alicloud:region": "cn-hangzhou" }),
      credentials: new CredentialChain({ clock }),
      clock,
      random: () => 0.5,
      contacts,
      createApi: (o: CasClientOptions) => (options.push(o), api),
    };
    expect((await lookupLatestCertificate({ domain: "shop.example.com" }, deps)).certificateId).toBe("42-cn-hangzhou");
    await lookupLatestCertificate({ domain: "www.example.com" }, deps).catch(() => undefined);
    expect(options).toHaveLength(2);
    expect(options[0]).toMatchObject({
      endpoint: "https://cas.aliyuncs.com",
      endpointSource: "the public endpoint of site cn-hangzhou",
      credentialSource: "the access key from environment ALIBABA_CLOUD_ACCESS_KEY_ID + environment ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    });
    expect(options[1]!.contact).toBe(options[0]!.contact);
    expect(await options[0]!.credentials()).toEqual({ accessKeyId: "LTAIlookup", accessKeySecret: "lookup-secret-1234" });
  });

  it("without credentials, fails before building a client", async () => {
    const { api, options } = fake();
    const lookup = lookupLatestCertificate(
      { domain: "shop.example.com", site: "cn-hangzhou" },
      { environment: source(), credentials: new CredentialChain({ clock }), clock, random: () => 0.5, createApi: (o) => (options.push(o), api) },
    );
    await expect(lookup).rejects.toBeInstanceOf(MissingCredentialsError);
    expect(options).toEqual([]);
  });
});
