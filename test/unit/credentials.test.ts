import { describe, expect, it } from "vitest";
import { endpointOverride, resolveCredentials, resolveRegion, type Environment } from "../../provider/credentials";
import { MissingCredentialsError } from "../../provider/errors";

function source(env: Record<string, string> = {}, config: Record<string, string> = {}, files: Record<string, string> = {}): Environment {
  return { env, config: { get: (k) => config[k] }, readFile: (f) => files[f], homeDir: "/home/u" };
}

describe("resolveCredentials", () => {
  it("prefers ALIBABA_CLOUD_* environment variables", () => {
    const creds = resolveCredentials(
      source(
        { ALIBABA_CLOUD_ACCESS_KEY_ID: "id1", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s1", ALIBABA_CLOUD_SECURITY_TOKEN: "t1", ALICLOUD_ACCESS_KEY: "id2", ALICLOUD_SECRET_KEY: "s2" },
        { "alicloud:accessKey": "id3", "alicloud:secretKey": "s3" },
      ),
    );
    expect(creds).toEqual({ accessKeyId: "id1", accessKeySecret: "s1", securityToken: "t1" });
  });

  it("then ALICLOUD_* variables", () => {
    expect(resolveCredentials(source({ ALICLOUD_ACCESS_KEY: "id2", ALICLOUD_SECRET_KEY: "s2" }))).toEqual({ accessKeyId: "id2", accessKeySecret: "s2", securityToken: undefined });
  });

  it("then stack config", () => {
    expect(resolveCredentials(source({}, { "alicloud:accessKey": "id3", "alicloud:secretKey": "s3", "alicloud:securityToken": "t3" }))).toEqual({
      accessKeyId: "id3",
      accessKeySecret: "s3",
      securityToken: "t3",
    });
  });

  it("then the CLI profile file, honouring ALIBABA_CLOUD_PROFILE", () => {
    const file = JSON.stringify({
      current: "default",
      profiles: [
        { name: "default", mode: "AK", access_key_id: "pid", access_key_secret: "psecret" },
        { name: "sts", mode: "StsToken", access_key_id: "sid", access_key_secret: "ssecret", sts_token: "stok", region_id: "cn-beijing" },
      ],
    });
    const files = { "/home/u/.aliyun/config.json": file };
    expect(resolveCredentials(source({}, {}, files))).toEqual({ accessKeyId: "pid", accessKeySecret: "psecret", securityToken: undefined });
    expect(resolveCredentials(source({ ALIBABA_CLOUD_PROFILE: "sts" }, {}, files))).toEqual({ accessKeyId: "sid", accessKeySecret: "ssecret", securityToken: "stok" });
    expect(resolveRegion(undefined, source({ ALIBABA_CLOUD_PROFILE: "sts" }, {}, files))).toBe("cn-beijing");
    expect(() => resolveCredentials(source({ ALIBABA_CLOUD_CLI_PROFILE_DISABLED: "true" }, {}, files))).toThrow(MissingCredentialsError);
  });

  it("names the missing half of a pair", () => {
    expect(() => resolveCredentials(source({ ALIBABA_CLOUD_ACCESS_KEY_ID: "id1" }))).toThrow(/ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not/);
    expect(() => resolveCredentials(source({}, { "alicloud:secretKey": "s" }))).toThrow(/alicloud:secretKey is set but alicloud:accessKey is not/);
  });

  it("lists every way to provide credentials when none is found", () => {
    const error = (() => {
      try {
        resolveCredentials(source());
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected a throw");
    })();
    expect(error).toBeInstanceOf(MissingCredentialsError);
    expect(error.message).toMatch(/ALIBABA_CLOUD_ACCESS_KEY_ID/);
    expect(error.message).toMatch(/pulumi config set --secret alicloud:secretKey/);
    expect(error.message).toMatch(/~\/\.aliyun\/config\.json/);
  });
});

describe("resolveRegion and endpointOverride", () => {
  it("resolves region from input, then config, then environment", () => {
    expect(resolveRegion("cn-shanghai", source({ ALICLOUD_REGION: "cn-beijing" }, { "alicloud:region": "cn-hangzhou" }))).toBe("cn-shanghai");
    expect(resolveRegion(undefined, source({ ALICLOUD_REGION: "cn-beijing" }, { "alicloud:region": "cn-hangzhou" }))).toBe("cn-hangzhou");
    expect(resolveRegion(undefined, source({ ALICLOUD_REGION: "cn-beijing" }))).toBe("cn-beijing");
    expect(resolveRegion(undefined, source())).toBeUndefined();
  });
  it("reads the endpoint override from config, then the environment", () => {
    expect(endpointOverride(source({ ALB_LISTENER_CERTIFICATES_ENDPOINT: "http://e" }, { "alb-listener-certificates:endpoint": "http://c" }))).toBe("http://c");
    expect(endpointOverride(source({ ALB_LISTENER_CERTIFICATES_ENDPOINT: "http://e" }))).toBe("http://e");
  });
});
