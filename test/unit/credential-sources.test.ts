import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { fetcherFor, type CredentialsLibrary } from "../../provider/credentials/credential-sources";
import type { CredentialSource } from "../../provider/credentials/credentials";
import { CredentialsFetchError } from "../../provider/base/errors";

const ROLE = "acs:ram::1234567890123456:role/deployer";
const OIDC_PROVIDER = "acs:ram::1234567890123456:oidc-provider/github";

/** One builder call, e.g. `["withRoleArn", ROLE]`. */
type Call = readonly [string, unknown];

interface FakeLibrary {
  readonly library: () => CredentialsLibrary;
  /** Builder calls per provider class. */
  readonly calls: Record<string, Call[]>;
  /** What each provider's refresher saw (e.g. the OIDC token file's content). */
  readonly seen: string[];
}

/**
 * A stand-in for `@alicloud/credentials`: builders record their calls; built providers answer through
 * `refresher` (sessions) or `getCredentials`, or throw `failWith`.
 */
function fakeLibrary(options: { failWith?: unknown } = {}): FakeLibrary {
  const calls: Record<string, Call[]> = {};
  const seen: string[] = [];
  const session = (name: string) => ({ accessKeyId: `STS.${name}`, accessKeySecret: `${name}-secret`, securityToken: `${name}-token`, expiration: "2030-01-01T00:00:00Z" });
  const builder = (name: string, build: (recorded: Map<string, unknown>) => object) => ({
    builder() {
      const recorded = new Map<string, unknown>();
      const log = (calls[name] ??= []);
      const proxy: object = new Proxy({}, {
        get(_target, method: string) {
          if (method === "build") return () => build(recorded);
          return (value: unknown) => {
            log.push([method, value]);
            recorded.set(method, value);
            return proxy;
          };
        },
      });
      return proxy;
    },
  });
  const sessionProvider = (name: string, recorded: Map<string, unknown>) => ({
    getProviderName: () => name,
    getCredentials: async () => {
      throw new Error("getCredentials must not be used for a session provider");
    },
    refresher: async () => {
      if (options.failWith !== undefined) throw options.failWith;
      const base = recorded.get("withCredentialsProvider") as { getCredentials(): Promise<{ accessKeyId: string }> } | undefined;
      if (base) seen.push(`base ${(await base.getCredentials()).accessKeyId}`);
      const file = recorded.get("withOIDCTokenFilePath") as string | undefined;
      if (file !== undefined) seen.push(`token ${fs.readFileSync(file, "utf8")} (mode ${(fs.statSync(file).mode & 0o777).toString(8)})`);
      return session(name);
    },
  });
  const lib = {
    RAMRoleARNCredentialsProvider: builder("ram_role_arn", (r) => sessionProvider("ram_role_arn", r)),
    OIDCRoleArnCredentialsProvider: builder("oidc_role_arn", (r) => sessionProvider("oidc_role_arn", r)),
    ECSRAMRoleCredentialsProvider: builder("ecs_ram_role", (r) => sessionProvider("ecs_ram_role", r)),
    URICredentialsProvider: builder("credential_uri", (r) => sessionProvider("credential_uri", r)),
    CLIProfileCredentialsProvider: class {
      homedir = "";
      constructor(readonly builder: { profileName: string }) {}
      getCredentialsProvider(configuration: { profiles: { name: string; mode: string }[] }, name: string) {
        const profile = configuration.profiles.find((p) => p.name === name)!;
        seen.push(`cli ${this.builder.profileName}/${name} mode ${profile.mode} home ${this.homedir}`);
        return profile.mode === "AK"
          ? { getProviderName: () => "static_ak", getCredentials: async () => ({ accessKeyId: "cli-ak", accessKeySecret: "cli-secret" }) }
          : { getProviderName: () => "cloud_sso", getCredentials: async () => ({ accessKeyId: "sso", accessKeySecret: "sso-secret", securityToken: "sso-token" }) };
      }
    },
    ProfileCredentialsProvider: builder("profile", (r) => ({
      getCredentialsProvider(ini: Record<string, Record<string, string>>) {
        const section = r.get("withProfileName") as string;
        seen.push(`ini ${section} type ${ini[section]!.type}`);
        return sessionProvider("ram_role_arn", new Map());
      },
    })),
  };
  return { library: () => lib as unknown as CredentialsLibrary, calls, seen };
}

const accessKey: CredentialSource = { kind: "accessKey", origin: "stack config alicloud:accessKey/alicloud:secretKey", accessKeyId: "AKID", accessKeySecret: "base-secret-123" };

describe("fetcherFor", () => {
  it("an access key pair: no library, no expiry", async () => {
    const fake = fakeLibrary();
    expect(await fetcherFor(accessKey, { library: fake.library, homeDir: "/h" })()).toEqual({ credentials: { accessKeyId: "AKID", accessKeySecret: "base-secret-123" } });
    expect(fake.calls).toEqual({});
  });

  it("assumeRole: the RAM-role provider gets every setting and signs with the base credentials; the session's expiration is kept", async () => {
    const fake = fakeLibrary();
    const source: CredentialSource = {
      kind: "assumeRole", origin: "stack config alicloud:assumeRole", roleArn: ROLE, roleSessionName: "deploy", durationSeconds: 1800,
      policy: '{"Version":"1"}', externalId: "ext", stsEndpoint: "127.0.0.1:9400", base: accessKey,
    };
    const fetched = await fetcherFor(source, { library: fake.library, homeDir: "/h", base: async () => ({ accessKeyId: "AKID", accessKeySecret: "base-secret-123" }) })();
    expect(fake.calls.ram_role_arn?.filter(([m]) => m !== "withCredentialsProvider")).toEqual([
      ["withRoleArn", ROLE],
      ["withRoleSessionName", "deploy"],
      ["withDurationSeconds", 1800],
      ["withStsEndpoint", "127.0.0.1:9400"],
      ["withPolicy", '{"Version":"1"}'],
      ["withExternalId", "ext"],
    ]);
    expect(fake.seen).toEqual(["base AKID"]);
    expect(fetched).toEqual({
      credentials: { accessKeyId: "STS.ram_role_arn", accessKeySecret: "ram_role_arn-secret", securityToken: "ram_role_arn-token" },
      expiresAtMs: Date.UTC(2030, 0, 1),
    });
  });

  it("OIDC with a token file: the library reads the file itself", async () => {
    const fake = fakeLibrary();
    const source: CredentialSource = {
      kind: "oidcRole", origin: "o", oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, tokenFile: __filename, roleSessionName: "gha", durationSeconds: 3600, stsEndpoint: "sts.aliyuncs.com",
    };
    await fetcherFor(source, { library: fake.library, homeDir: "/h" })();
    expect(fake.calls.oidc_role_arn).toEqual([
      ["withOIDCProviderArn", OIDC_PROVIDER],
      ["withRoleArn", ROLE],
      ["withOIDCTokenFilePath", __filename],
      ["withRoleSessionName", "gha"],
      ["withDurationSeconds", 3600],
      ["withStsEndpoint", "sts.aliyuncs.com"],
    ]);
  });

  it("OIDC with an inline token: a private file exists only while the library reads it", async () => {
    const fake = fakeLibrary();
    const source: CredentialSource = {
      kind: "oidcRole", origin: "o", oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, token: "inline-jwt", roleSessionName: "gha", durationSeconds: 3600, stsEndpoint: "sts.aliyuncs.com",
    };
    await fetcherFor(source, { library: fake.library, homeDir: "/h" })();
    expect(fake.seen).toEqual(["token inline-jwt (mode 600)"]);
    const file = fake.calls.oidc_role_arn?.find(([m]) => m === "withOIDCTokenFilePath")?.[1] as string;
    expect(fs.existsSync(file)).toBe(false);
  });

  it("ECS role, credentials URI and INI profiles go through the library's providers", async () => {
    const fake = fakeLibrary();
    await fetcherFor({ kind: "ecsRamRole", origin: "o", roleName: "web", disableImdsV1: true }, { library: fake.library, homeDir: "/h" })();
    await fetcherFor({ kind: "credentialsUri", origin: "o", uri: "http://127.0.0.1:1/c" }, { library: fake.library, homeDir: "/h" })();
    await fetcherFor({ kind: "iniProfile", origin: "o", file: "/f", section: "ops", ini: { ops: { type: "ram_role_arn" } } }, { library: fake.library, homeDir: "/h" })();
    expect(fake.calls.ecs_ram_role).toEqual([["withRoleName", "web"], ["withDisableIMDSv1", true]]);
    expect(fake.calls.credential_uri).toEqual([["withCredentialsURI", "http://127.0.0.1:1/c"]]);
    expect(fake.seen).toEqual(["ini ops type ram_role_arn"]);
  });

  it("CLI profiles: the library builds the mode's provider; static ones never expire, self-managed ones are asked every time", async () => {
    const fake = fakeLibrary();
    const configuration = { current: "a", profiles: [{ name: "a", access_key_id: "x", access_key_secret: "y" }, { name: "sso", mode: "CloudSSO" }] };
    const ak = await fetcherFor({ kind: "cliProfile", origin: "o", file: "/f", profileName: "a", configuration }, { library: fake.library, homeDir: "/home/me" })();
    const sso = await fetcherFor({ kind: "cliProfile", origin: "o", file: "/f", profileName: "sso", configuration }, { library: fake.library, homeDir: "/home/me" })();
    expect(fake.seen).toEqual(["cli a/a mode AK home /home/me", "cli sso/sso mode CloudSSO home /home/me"]);
    expect(ak).toEqual({ credentials: { accessKeyId: "cli-ak", accessKeySecret: "cli-secret" } });
    expect(sso).toEqual({ credentials: { accessKeyId: "sso", accessKeySecret: "sso-secret", securityToken: "sso-token" }, expiresAtMs: 0 });
  });

  it("keeps STS's code and message, and never the body's other fields, the base secret or the token", async () => {
    const body = JSON.stringify({ RequestId: "REQ-1", HostId: "sts.aliyuncs.com", Code: "EntityNotExist.Role", Message: "The role not exists: acs:ram::1:role/x.", Echo: "base-secret-123" });
    const fake = fakeLibrary({ failWith: new Error(`refresh session token failed: ${body}`) });
    const source: CredentialSource = { kind: "assumeRole", origin: "stack config alicloud:assumeRole", roleArn: ROLE, roleSessionName: "s", durationSeconds: 3600, stsEndpoint: "sts.aliyuncs.com", base: accessKey };
    const error = await fetcherFor(source, { library: fake.library, homeDir: "/h", base: async () => ({ accessKeyId: "AKID", accessKeySecret: "base-secret-123" }) })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsFetchError);
    expect((error as CredentialsFetchError).code).toBe("EntityNotExist.Role");
    expect((error as Error).message).toBe(
      `Could not get Alibaba Cloud credentials from AssumeRole ${ROLE} (stack config alicloud:assumeRole) with the access key of stack config alicloud:accessKey/alicloud:secretKey: ` +
        "EntityNotExist.Role: The role not exists: acs:ram::1:role/x. (RequestId REQ-1). Fix: check the role ARN",
    );
  });

  it("an OIDC failure names the token file; an unreachable endpoint is a NetworkError (retried); bodies are cut off", async () => {
    const oidc: CredentialSource = { kind: "oidcRole", origin: "o", oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, tokenFile: "/run/token", roleSessionName: "s", durationSeconds: 3600, stsEndpoint: "sts.aliyuncs.com" };
    const expired = JSON.stringify({ Code: "AuthenticationFail.OIDCToken.Expired", Message: "This JsonWebToken is expired." });
    const e1 = (await fetcherFor(oidc, { library: fakeLibrary({ failWith: new Error(`get sts token failed with OIDC: ${expired}`) }).library, homeDir: "/h" })().catch((e: unknown) => e)) as CredentialsFetchError;
    expect(e1.code).toBe("AuthenticationFail.OIDCToken.Expired");
    expect(e1.message).toMatch(/: AuthenticationFail\.OIDCToken\.Expired: This JsonWebToken is expired\. \(token file \/run\/token\)\. Fix: the OIDC token has expired; /);
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1POST https://127.0.0.1:1/ failed."), { code: "ECONNREFUSED" });
    const e2 = (await fetcherFor(oidc, { library: fakeLibrary({ failWith: refused }).library, homeDir: "/h" })().catch((e: unknown) => e)) as CredentialsFetchError;
    expect(e2.code).toBe("NetworkError");
    expect(e2.message).toMatch(/: the endpoint could not be reached \(ECONNREFUSED\) \(token file \/run\/token\)$/);
    const leaky = new Error("error retrieving credentials from credentialsURI result: {\"AccessKeySecret\":\"leaked-secret\"}.");
    const e3 = (await fetcherFor({ kind: "credentialsUri", origin: "o", uri: "http://x/" }, { library: fakeLibrary({ failWith: leaky }).library, homeDir: "/h" })().catch((e: unknown) => e)) as CredentialsFetchError;
    expect(e3.code).toBe("CredentialsUnavailable");
    expect(e3.message).not.toContain("leaked-secret");
    expect(e3.message).toBe("Could not get Alibaba Cloud credentials from the credentials URI of o: error retrieving credentials from credentialsURI");
  });
});
