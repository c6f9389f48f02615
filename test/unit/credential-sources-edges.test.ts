// What credential-sources.ts says about each source and makes of each library failure, pinned exactly:
// the descriptions of every kind, which builder settings are left out, the static providers, the inline
// token's file, and the error reading (codes, hints, lead-ins, redaction).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { describeSource, fetcherFor, type CredentialsLibrary } from "../../provider/credentials/credential-sources";
import type { CredentialSource } from "../../provider/credentials/credentials";
import { CredentialsFetchError } from "../../provider/base/errors";

const ROLE = "acs:ram::1234567890123456:role/deployer";
const OIDC_PROVIDER = "acs:ram::1234567890123456:oidc-provider/github";

/**
 * A stand-in for `@alicloud/credentials` whose every provider answers through `refresher` or, named
 * `providerName`, through `getCredentials`; `failWith` is thrown instead. Builder calls are recorded.
 */
function library(options: { failWith?: unknown; providerName?: string; onRefresh?: (settings: Map<string, unknown>) => void } = {}) {
  const calls: [string, unknown][] = [];
  const builder = () => ({
    builder() {
      const settings = new Map<string, unknown>();
      const proxy: object = new Proxy({}, {
        get(_t, method: string) {
          if (method === "build") {
            return () =>
              options.providerName !== undefined
                ? {
                    getProviderName: () => options.providerName,
                    getCredentials: async () => {
                      if (options.failWith !== undefined) throw options.failWith;
                      return { accessKeyId: "AK", accessKeySecret: "SK" };
                    },
                  }
                : {
                    getProviderName: () => "session",
                    getCredentials: async () => ({}),
                    refresher: async () => {
                      options.onRefresh?.(settings);
                      const base = settings.get("withCredentialsProvider") as { getCredentials(): Promise<unknown> } | undefined;
                      if (base) await base.getCredentials();
                      if (options.failWith !== undefined) throw options.failWith;
                      return { accessKeyId: "STS.x", accessKeySecret: "s", securityToken: "t", expiration: "2030-01-01T00:00:00Z" };
                    },
                  };
          }
          return (value: unknown) => {
            calls.push([method, value]);
            settings.set(method, value);
            return proxy;
          };
        },
      });
      return proxy;
    },
  });
  const lib = {
    RAMRoleARNCredentialsProvider: builder(),
    OIDCRoleArnCredentialsProvider: builder(),
    ECSRAMRoleCredentialsProvider: builder(),
    URICredentialsProvider: builder(),
  };
  return { load: () => lib as unknown as CredentialsLibrary, calls };
}

const accessKey: CredentialSource = { kind: "accessKey", origin: "stack config alicloud:accessKey/alicloud:secretKey", accessKeyId: "AKID", accessKeySecret: "base-secret-123" };
const uri: CredentialSource = { kind: "credentialsUri", origin: "ALIBABA_CLOUD_CREDENTIALS_URI", uri: "http://127.0.0.1:1/c" };
const oidcFile: CredentialSource = {
  kind: "oidcRole", origin: "o", oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, tokenFile: "/run/token", roleSessionName: "s", durationSeconds: 3600, stsEndpoint: "sts.aliyuncs.com",
};
const oidcInline: CredentialSource = {
  kind: "oidcRole", origin: "o", oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, token: "inline-jwt-9f8e7d", roleSessionName: "s", durationSeconds: 3600, stsEndpoint: "sts.aliyuncs.com",
};
const assumeRole = (extra: Partial<Extract<CredentialSource, { kind: "assumeRole" }>> = {}): CredentialSource => ({
  kind: "assumeRole", origin: "stack config alicloud:assumeRole", roleArn: ROLE, roleSessionName: "s", durationSeconds: 3600, stsEndpoint: "sts.aliyuncs.com", base: accessKey, ...extra,
});

/** The error the fetcher of `source` throws when the library throws `thrown`. */
async function failure(source: CredentialSource, thrown: unknown): Promise<CredentialsFetchError> {
  const error = await fetcherFor(source, { library: library({ failWith: thrown }).load, homeDir: "/h" })().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CredentialsFetchError);
  return error as CredentialsFetchError;
}

const URI_LEAD = "Could not get Alibaba Cloud credentials from the credentials URI of ALIBABA_CLOUD_CREDENTIALS_URI: ";

describe("describeSource", () => {
  it("names every kind of source exactly", () => {
    const configuration = { current: "a", profiles: [{ name: "a", mode: "StsToken" }, { name: "sso", mode: "CloudSSO" }, { name: "plain" }] };
    expect(describeSource(accessKey)).toBe("the access key of stack config alicloud:accessKey/alicloud:secretKey");
    expect(describeSource({ kind: "cliProfile", origin: "ALIBABA_CLOUD_PROFILE", file: "/h/.aliyun/config.json", profileName: "sso", configuration })).toBe(
      'profile "sso" (mode CloudSSO) of /h/.aliyun/config.json (ALIBABA_CLOUD_PROFILE)',
    );
    expect(describeSource({ kind: "cliProfile", origin: "o", file: "/f", profileName: "plain", configuration })).toBe('profile "plain" (mode AK) of /f (o)');
    expect(describeSource({ kind: "cliProfile", origin: "o", file: "/f", profileName: "gone", configuration })).toBe('profile "gone" (mode AK) of /f (o)');
    expect(describeSource({ kind: "iniProfile", origin: "ALIBABA_CLOUD_CREDENTIALS_FILE", file: "/h/.alibabacloud/credentials", section: "ops", ini: {} })).toBe(
      "section [ops] of /h/.alibabacloud/credentials (ALIBABA_CLOUD_CREDENTIALS_FILE)",
    );
    expect(describeSource(uri)).toBe("the credentials URI of ALIBABA_CLOUD_CREDENTIALS_URI");
    expect(describeSource({ kind: "ecsRamRole", origin: "ALIBABA_CLOUD_ECS_METADATA", roleName: "web", disableImdsV1: false })).toBe(
      'the ECS instance RAM role "web" (ALIBABA_CLOUD_ECS_METADATA)',
    );
    expect(describeSource(oidcFile)).toBe(`AssumeRoleWithOIDC ${ROLE} with provider ${OIDC_PROVIDER} (o)`);
    expect(describeSource(assumeRole())).toBe(
      `AssumeRole ${ROLE} (stack config alicloud:assumeRole) with the access key of stack config alicloud:accessKey/alicloud:secretKey`,
    );
  });
});

describe("fetcherFor: what is asked and what comes back", () => {
  it("an access key pair carries its security token when it has one, and no token key when it has none", async () => {
    expect(await fetcherFor({ ...accessKey, securityToken: "sts-token-1" }, { homeDir: "/h" })()).toStrictEqual({
      credentials: { accessKeyId: "AKID", accessKeySecret: "base-secret-123", securityToken: "sts-token-1" },
    });
    expect(await fetcherFor(accessKey, { homeDir: "/h" })()).toStrictEqual({ credentials: { accessKeyId: "AKID", accessKeySecret: "base-secret-123" } });
  });

  it("AssumeRole and OIDC without a policy or external ID leave those settings out; OIDC passes its policy", async () => {
    const role = library();
    await fetcherFor(assumeRole(), { library: role.load, homeDir: "/h", base: async () => ({ accessKeyId: "AKID", accessKeySecret: "base-secret-123" }) })();
    expect(role.calls.map(([m]) => m)).toEqual(["withCredentialsProvider", "withRoleArn", "withRoleSessionName", "withDurationSeconds", "withStsEndpoint"]);
    const oidc = library();
    await fetcherFor(oidcFile, { library: oidc.load, homeDir: "/h" })();
    expect(oidc.calls.map(([m]) => m)).not.toContain("withPolicy");
    const withPolicy = library();
    await fetcherFor({ ...oidcFile, policy: '{"Version":"1"}' }, { library: withPolicy.load, homeDir: "/h" })();
    expect(withPolicy.calls.filter(([m]) => m === "withPolicy")).toEqual([["withPolicy", '{"Version":"1"}']]);
  });

  it("AssumeRole without its base credentials fails with that, before anything is asked", async () => {
    const role = library();
    const error = await fetcherFor(assumeRole(), { library: role.load, homeDir: "/h" })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsFetchError);
    expect((error as CredentialsFetchError).code).toBe("CredentialsUnavailable");
    expect((error as Error).message).toBe(`Could not get Alibaba Cloud credentials from ${describeSource(assumeRole())}: assumeRole needs its base credentials`);
    expect(role.calls).toEqual([]);
  });

  it("a base credentials failure passes through as it is, not wrapped again", async () => {
    const baseFailure = new CredentialsFetchError("NetworkError", "the credentials URI of x", "the endpoint could not be reached (ECONNRESET)");
    const error = await fetcherFor(assumeRole(), {
      library: library().load,
      homeDir: "/h",
      base: async () => {
        throw baseFailure;
      },
    })().catch((e: unknown) => e);
    expect(error).toBe(baseFailure);
  });

  it("static_ak and static_sts providers never expire; any other provider is asked every time", async () => {
    for (const name of ["static_ak", "static_sts"]) {
      expect(await fetcherFor(uri, { library: library({ providerName: name }).load, homeDir: "/h" })()).toStrictEqual({ credentials: { accessKeyId: "AK", accessKeySecret: "SK" } });
    }
    expect(await fetcherFor(uri, { library: library({ providerName: "cloud_sso" }).load, homeDir: "/h" })()).toStrictEqual({
      credentials: { accessKeyId: "AK", accessKeySecret: "SK" },
      expiresAtMs: 0,
    });
  });

  it("an inline OIDC token is written under the system's temporary directory, in a directory named for this package", async () => {
    let file = "";
    await fetcherFor(oidcInline, {
      library: library({ onRefresh: (s) => (file = s.get("withOIDCTokenFilePath") as string) }).load,
      homeDir: "/h",
    })();
    expect(path.dirname(path.dirname(file))).toBe(os.tmpdir());
    expect(path.basename(path.dirname(file))).toMatch(/^alb-listener-certificates-oidc-[A-Za-z0-9]{6}$/);
    expect(path.basename(file)).toBe("token");
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });
});

describe("fetcherFor: reading what the library threw", () => {
  it("each STS code the fix of which is known gets its hint", async () => {
    const hints: Record<string, string> = {
      "EntityNotExist.Role": "check the role ARN",
      NoPermission: "the caller may not assume this role: check the role's trust policy and that the caller has sts:AssumeRole",
      "InvalidAccessKeyId.NotFound": "the access key the role is assumed with is unknown; check the base credentials",
      SignatureDoesNotMatch: "the access key secret the role is assumed with is wrong; check the base credentials",
      "AuthenticationFail.NoPermission": "check the OIDC provider ARN (RAM console → OIDC providers)",
      "AuthenticationFail.OIDCToken.Expired": "the OIDC token has expired; the CI or cluster must write a fresh one before the provider runs",
      "AuthenticationFail.OIDCToken.AudienceNotMatch": "the token's audience must be a client ID of the OIDC provider in RAM",
      "AuthenticationFail.OIDCToken.Invalid": "the OIDC token is not accepted; check its issuer and that it is the raw token",
      "InvalidParameter.DurationSeconds": "lower sessionExpiration to at most the role's maximum session duration",
      "InvalidSecurityToken.Expired": "the base credentials' security token has expired",
    };
    for (const [code, hint] of Object.entries(hints)) {
      const error = await failure(uri, new Error(`refresh failed: ${JSON.stringify({ Code: code, Message: "m.", RequestId: "R" })}`));
      expect(error.code).toBe(code);
      expect(error.message).toBe(`${URI_LEAD}${code}: m. (RequestId R). Fix: ${hint}`);
    }
    const other = await failure(uri, new Error(`refresh failed: ${JSON.stringify({ Code: "Some.Other", Message: "m." })}`));
    expect(other.message).toBe(`${URI_LEAD}Some.Other: m.`);
  });

  it("an answer without a message says so", async () => {
    expect((await failure(uri, new Error(`failed: {"Code":"InternalError"}`))).message).toBe(`${URI_LEAD}InternalError: no message`);
  });

  it("each network error code is a NetworkError (retried); another string code is not; a timeout is named by its error's name", async () => {
    for (const code of ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED", "UND_ERR_SOCKET"]) {
      const error = await failure(uri, Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code }));
      expect(error.code).toBe("NetworkError");
      expect(error.retryKind).toBe("transient");
      expect(error.message).toBe(`${URI_LEAD}the endpoint could not be reached (${code})`);
    }
    const tls = await failure(uri, Object.assign(new Error("certificate has expired"), { code: "CERT_HAS_EXPIRED" }));
    expect(tls.code).toBe("CredentialsUnavailable");
    expect(tls.retryKind).toBe("never");
    expect(tls.message).toBe(`${URI_LEAD}certificate has expired`);
    const timeout = await failure(uri, Object.assign(new Error("ReadTimeout(5000)"), { name: "RequestTimeoutError" }));
    expect(timeout.code).toBe("NetworkError");
    expect(timeout.retryKind).toBe("transient");
    expect(timeout.message).toBe(`${URI_LEAD}the endpoint could not be reached (RequestTimeoutError)`);
  });

  it("the library's 'access key secret is invalid' is a SignatureDoesNotMatch with its fix", async () => {
    const error = await failure(uri, new Error("the access key secret is invalid"));
    expect(error.code).toBe("SignatureDoesNotMatch");
    expect(error.message).toBe(
      `${URI_LEAD}the access key secret the role is assumed with is wrong. Fix: the access key secret the role is assumed with is wrong; check the base credentials`,
    );
  });

  it("keeps only the lead-in of a library message: before ': ', before ', result' or ',result', before 'result:'", async () => {
    expect((await failure(uri, new Error("lead-in: body"))).message).toBe(`${URI_LEAD}lead-in`);
    expect((await failure(uri, new Error("no-space:after-colon"))).message).toBe(`${URI_LEAD}no-space:after-colon`);
    expect((await failure(uri, new Error("lead-in,result=abc"))).message).toBe(`${URI_LEAD}lead-in`);
    expect((await failure(uri, new Error("lead-in,   result=abc"))).message).toBe(`${URI_LEAD}lead-in`);
    expect((await failure(uri, new Error("lead-in result:abc"))).message).toBe(`${URI_LEAD}lead-in`);
  });

  it("a thrown value that is not an error is read as text", async () => {
    expect((await failure(uri, "plain failure: detail")).message).toBe(`${URI_LEAD}plain failure`);
  });

  it("an inline OIDC token never appears in the message, and there is no token file to name", async () => {
    const error = await failure(oidcInline, new Error("token inline-jwt-9f8e7d was refused"));
    expect(error.message).toBe(`Could not get Alibaba Cloud credentials from ${describeSource(oidcInline)}: token [redacted] was refused`);
  });
});
