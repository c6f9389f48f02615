/**
 * Edges of provider/credentials/credentials.ts: boundaries, blank and odd values, the exact wording of every
 * refusal (naming the key at fault and the fix), the precedence between stack config and the
 * environment, the order of environment variables, and every exported function.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Clock } from "../../provider/base/clock";
import {
  CredentialChain,
  describeCredentialSource,
  endpointOverride,
  findEndpointOverride,
  parseIni,
  processEnvironment,
  resolveCredentialSource,
  resolveRegion,
  stsEndpoint,
  type CredentialSource,
  type Environment,
} from "../../provider/credentials/credentials";
import { CredentialsConfigError, MissingCredentialsError } from "../../provider/base/errors";
import { CLI_FILE, HOME, INI_FILE, OIDC_PROVIDER, ROLE, source, thrown } from "./credentials-env";

const PAIR = { ALIBABA_CLOUD_ACCESS_KEY_ID: "id", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "secret" };
const PAIR_SOURCE = {
  kind: "accessKey",
  origin: "environment ALIBABA_CLOUD_ACCESS_KEY_ID + environment ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  accessKeyId: "id",
  accessKeySecret: "secret",
};


/** An environment before `configure`: no stack config at all. */
function unconfigured(env: Record<string, string> = {}, files: Record<string, string> = {}): Environment {
  return { env, readFile: (f) => files[f], homeDir: HOME };
}

/** The key and message of the CredentialsConfigError `fn` throws. */
function failure(fn: () => unknown): { key: string; message: string } {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(CredentialsConfigError);
  const { key, message } = error as CredentialsConfigError;
  return { key, message };
}

const assumeRole = (object: unknown, env: Record<string, string> = PAIR, config: Record<string, string> = {}, files: Record<string, string> = {}) =>
  resolveCredentialSource(source(env, { "alicloud:assumeRole": JSON.stringify(object), ...config }, files));

const oidc = (object: unknown, env: Record<string, string> = {}, files: Record<string, string> = { "/run/token": "jwt" }) =>
  resolveCredentialSource(source(env, { "alicloud:assumeRoleWithOidc": JSON.stringify(object) }, files));

const assumed = (fields: object) => ({
  kind: "assumeRole",
  origin: "stack config alicloud:assumeRole",
  roleArn: ROLE,
  roleSessionName: "pulumi-alb-listener-certificates",
  durationSeconds: 3600,
  stsEndpoint: "sts.aliyuncs.com",
  base: PAIR_SOURCE,
  ...fields,
});

const oidcRole = (fields: object) => ({
  kind: "oidcRole",
  origin: "stack config alicloud:assumeRoleWithOidc",
  oidcProviderArn: OIDC_PROVIDER,
  roleArn: ROLE,
  tokenFile: "/run/token",
  roleSessionName: "pulumi-alb-listener-certificates",
  durationSeconds: 3600,
  stsEndpoint: "sts.aliyuncs.com",
  ...fields,
});

const cliText = (profiles: unknown[], current?: unknown) => JSON.stringify({ current, profiles });
const AK_PROFILE = { name: "p", mode: "AK", access_key_id: "a", access_key_secret: "b" };

describe("processEnvironment: the real environment", () => {
  it("reads a real file as UTF-8 text, and gives undefined for a missing file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credentials-edges-"));
    try {
      const file = path.join(dir, "token");
      fs.writeFileSync(file, "jwt-é\n", "utf8");
      const env = processEnvironment();
      expect(env.readFile(file)).toBe("jwt-é\n");
      expect(env.readFile(path.join(dir, "missing"))).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exposes process.env, os.homedir() and the config it was given", () => {
    const config = { get: (_: string) => undefined };
    const env = processEnvironment(config);
    expect(env.env).toBe(process.env);
    expect(env.homeDir).toBe(os.homedir());
    expect(env.config).toBe(config);
    expect(processEnvironment().config).toBeUndefined();
  });
});

describe("settings: stack config, else the environment", () => {
  it("without stack config (before configure) every function reads the environment", () => {
    expect(resolveCredentialSource(unconfigured(PAIR))).toStrictEqual(PAIR_SOURCE);
    expect(stsEndpoint(unconfigured({ ALIBABA_CLOUD_STS_REGION: "cn-beijing" }))).toBe("sts.cn-beijing.aliyuncs.com");
    expect(resolveRegion(undefined, unconfigured({ ALIBABA_CLOUD_REGION_ID: "cn-wulanchabu" }))).toBe("cn-wulanchabu");
    expect(endpointOverride(unconfigured({ ALB_LISTENER_CERTIFICATES_ENDPOINT: "http://e" }))).toBe("http://e");
  });

  it("a config access key with an environment secret names both in the origin", () => {
    expect(resolveCredentialSource(source({ ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s-env" }, { "alicloud:accessKey": "id-c" }))).toStrictEqual({
      kind: "accessKey", origin: "stack config alicloud:accessKey + environment ALIBABA_CLOUD_ACCESS_KEY_SECRET", accessKeyId: "id-c", accessKeySecret: "s-env",
    });
    expect(resolveCredentialSource(source({ ALIBABA_CLOUD_ACCESS_KEY_ID: "id-env" }, { "alicloud:secretKey": "s-c" }))).toStrictEqual({
      kind: "accessKey", origin: "environment ALIBABA_CLOUD_ACCESS_KEY_ID + stack config alicloud:secretKey", accessKeyId: "id-env", accessKeySecret: "s-c",
    });
  });

  it("config values are trimmed, and a blank config value falls back to the environment", () => {
    expect(resolveCredentialSource(source({ ALICLOUD_SECRET_KEY: "s-env", ALICLOUD_ACCESS_KEY: "id-env" }, { "alicloud:accessKey": "  id-c  ", "alicloud:secretKey": " \t " }))).toStrictEqual({
      kind: "accessKey", origin: "stack config alicloud:accessKey + environment ALICLOUD_SECRET_KEY", accessKeyId: "id-c", accessKeySecret: "s-env",
    });
  });

  it("each security-token variable is read, ALICLOUD_ before ALIBABA_CLOUD_ before ALIBABACLOUD_", () => {
    for (const name of ["ALICLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABACLOUD_SECURITY_TOKEN"]) {
      expect(resolveCredentialSource(source({ ...PAIR, [name]: `t-${name}` }))).toStrictEqual({ ...PAIR_SOURCE, securityToken: `t-${name}` });
    }
    expect(resolveCredentialSource(source({ ...PAIR, ALICLOUD_SECURITY_TOKEN: "t1", ALIBABA_CLOUD_SECURITY_TOKEN: "t2", ALIBABACLOUD_SECURITY_TOKEN: "t3" }))).toStrictEqual({ ...PAIR_SOURCE, securityToken: "t1" });
    expect(resolveCredentialSource(source({ ...PAIR, ALIBABA_CLOUD_SECURITY_TOKEN: "t2", ALIBABACLOUD_SECURITY_TOKEN: "t3" }))).toStrictEqual({ ...PAIR_SOURCE, securityToken: "t2" });
    expect(resolveCredentialSource(source({ ...PAIR, ALIBABA_CLOUD_SECURITY_TOKEN: "t2" }, { "alicloud:securityToken": "tc" }))).toStrictEqual({ ...PAIR_SOURCE, securityToken: "tc" });
  });

  it("a security token without a pair is refused, naming the token's key", () => {
    expect(failure(() => resolveCredentialSource(source({ ALICLOUD_SECURITY_TOKEN: "t" })))).toStrictEqual({
      key: "ALICLOUD_SECURITY_TOKEN",
      message: "Alibaba Cloud credentials: environment ALICLOUD_SECURITY_TOKEN is set but no access key pair is. Fix: set the temporary access key pair it belongs to (alicloud:accessKey and alicloud:secretKey), or remove ALICLOUD_SECURITY_TOKEN",
    });
    expect(failure(() => resolveCredentialSource(source({}, { "alicloud:securityToken": "t" })))).toStrictEqual({
      key: "alicloud:securityToken",
      message: "Alibaba Cloud credentials: stack config alicloud:securityToken is set but no access key pair is. Fix: set the temporary access key pair it belongs to (alicloud:accessKey and alicloud:secretKey), or remove alicloud:securityToken",
    });
  });

  it("reads only ALICLOUD_*, ALIBABA_CLOUD_* and ALIBABACLOUD_* variables", () => {
    const read = new Set<string>();
    const recording = (values: Record<string, string>): Environment["env"] =>
      new Proxy(values, {
        get(target, name) {
          if (typeof name === "string") read.add(name);
          return typeof name === "string" ? target[name] : undefined;
        },
      });
    const run = (env: Record<string, string>, config: Record<string, string>, files: Record<string, string> = {}) => {
      try {
        resolveCredentialSource({ env: recording(env), config: { get: (k) => config[k] }, readFile: (f) => files[f], homeDir: HOME });
      } catch {
        // only the variables read matter here
      }
    };
    run({}, {});
    run({}, { "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE }) });
    run({ ALIBABA_CLOUD_STS_REGION: "cn-hangzhou" }, { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, oidcToken: "t" }) });
    run({ ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER }, {});
    stsEndpoint({ env: recording({}), readFile: () => undefined, homeDir: HOME });
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((name) => !/^(ALICLOUD|ALIBABA_CLOUD|ALIBABACLOUD)_[A-Z0-9_]+$/.test(name))).toStrictEqual([]);
  });
});

describe("expanding ~ in file settings", () => {
  const oidcEnv = (file: string) => ({ ALIBABA_CLOUD_ROLE_ARN: ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER, ALIBABA_CLOUD_OIDC_TOKEN_FILE: file });
  const tokenFileOf = (file: string, files: Record<string, string>) => (resolveCredentialSource(source(oidcEnv(file), {}, files)) as { tokenFile?: string }).tokenFile;

  it("~ alone is the home directory, ~/x is under it", () => {
    expect(tokenFileOf("~", { "/home/u": "jwt" })).toBe("/home/u");
    expect(tokenFileOf("~/run/t", { "/home/u/run/t": "jwt" })).toBe("/home/u/run/t");
  });

  it("~user/x and a ~ inside a path are left as they are", () => {
    expect(tokenFileOf("~ci/t", { "~ci/t": "jwt" })).toBe("~ci/t");
    expect(tokenFileOf("/run/~/t", { "/run/~/t": "jwt" })).toBe("/run/~/t");
  });

  it("a shared credentials file under ~/ is read from the home directory", () => {
    expect(resolveCredentialSource(source({ ALIBABA_CLOUD_PROFILE: "p" }, { "alicloud:sharedCredentialsFile": "~/creds.json" }, { "/home/u/creds.json": cliText([AK_PROFILE]) }))).toMatchObject({
      kind: "cliProfile", file: "/home/u/creds.json", profileName: "p",
    });
  });
});

describe("object settings (alicloud:assumeRole, alicloud:assumeRoleWithOidc)", () => {
  it("JSON null, a list or a number is refused as not an object, listing the fields", () => {
    for (const text of ["null", "[]", "5", '"x"']) {
      expect(failure(() => resolveCredentialSource(source(PAIR, { "alicloud:assumeRole": text })))).toStrictEqual({
        key: "alicloud:assumeRole",
        message: "Alibaba Cloud credentials: stack config alicloud:assumeRole must be an object (with roleArn, sessionName, policy, sessionExpiration, externalId). Fix: set its fields with pulumi config set --path 'alicloud:assumeRole.<field>' <value>",
      });
    }
    expect(failure(() => resolveCredentialSource(source(PAIR, { "alicloud:assumeRoleWithOidc": "null" })))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRoleWithOidc must be an object (with oidcProviderArn, roleArn, oidcTokenFile, oidcToken, roleSessionName, policy, sessionExpiration). Fix: set its fields with pulumi config set --path 'alicloud:assumeRoleWithOidc.<field>' <value>",
    });
  });

  it("text that is not JSON is refused with the way to set the fields one by one", () => {
    expect(failure(() => resolveCredentialSource(source(PAIR, { "alicloud:assumeRoleWithOidc": "{roleArn:" })))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRoleWithOidc is not valid JSON. Fix: set its fields one by one, e.g. pulumi config set --path 'alicloud:assumeRoleWithOidc.roleArn' acs:ram::<account-id>:role/<role-name>, or give the whole object as JSON",
    });
  });

  it("an unknown field is refused, naming it", () => {
    expect(failure(() => assumeRole({ roleArn: ROLE, duration: 900 }))).toStrictEqual({
      key: "alicloud:assumeRole.duration",
      message: 'Alibaba Cloud credentials: stack config alicloud:assumeRole has an unknown field "duration". Fix: use only roleArn, sessionName, policy, sessionExpiration, externalId (the @pulumi/alicloud names)',
    });
  });

  it("a blank object setting is no setting", () => {
    expect(resolveCredentialSource(source(PAIR, { "alicloud:assumeRole": "  ", "alicloud:assumeRoleWithOidc": "" }))).toStrictEqual(PAIR_SOURCE);
  });

  it("a null or empty field falls back to its environment variable", () => {
    const env = { ...PAIR, ALICLOUD_ASSUME_ROLE_SESSION_NAME: "env-session" };
    expect(assumeRole({ roleArn: ROLE, sessionName: null }, env)).toStrictEqual(assumed({ roleSessionName: "env-session" }));
    expect(assumeRole({ roleArn: ROLE, sessionName: "" }, env)).toStrictEqual(assumed({ roleSessionName: "env-session" }));
  });

  it("a blank or non-string field is refused, naming the field", () => {
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionName: "   " }))).toStrictEqual({
      key: "alicloud:assumeRole.sessionName",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRole.sessionName must be a non-empty string. Fix: pulumi config set --path 'alicloud:assumeRole.sessionName' <value>",
    });
    expect(failure(() => assumeRole({ roleArn: 42 }))).toStrictEqual({
      key: "alicloud:assumeRole.roleArn",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRole.roleArn must be a non-empty string. Fix: pulumi config set --path 'alicloud:assumeRole.roleArn' <value>",
    });
    expect(failure(() => assumeRole({ roleArn: ROLE, externalId: false }))).toStrictEqual({
      key: "alicloud:assumeRole.externalId",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRole.externalId must be a non-empty string. Fix: pulumi config set --path 'alicloud:assumeRole.externalId' <value>",
    });
    expect(failure(() => oidc({ oidcProviderArn: 5, roleArn: ROLE, oidcTokenFile: "/run/token" }))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc.oidcProviderArn",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRoleWithOidc.oidcProviderArn must be a non-empty string. Fix: pulumi config set --path 'alicloud:assumeRoleWithOidc.oidcProviderArn' <value>",
    });
    expect(failure(() => oidc({ oidcProviderArn: OIDC_PROVIDER, roleArn: ["x"], oidcTokenFile: "/run/token" }))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc.roleArn",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRoleWithOidc.roleArn must be a non-empty string. Fix: pulumi config set --path 'alicloud:assumeRoleWithOidc.roleArn' <value>",
    });
  });

  it("string fields are trimmed", () => {
    expect(assumeRole({ roleArn: `  ${ROLE}  `, sessionName: " deploy-1 ", externalId: " ext " })).toStrictEqual(assumed({ roleSessionName: "deploy-1", externalId: "ext" }));
  });
});

describe("alicloud:assumeRole", () => {
  it("a minimal block gets the defaults and no policy or externalId at all", () => {
    expect(assumeRole({ roleArn: ROLE })).toStrictEqual(assumed({}));
  });

  it("the role ARN comes from ALICLOUD_ASSUME_ROLE_ARN before ALIBABA_CLOUD_ROLE_ARN", () => {
    const other = "acs:ram::1:role/other";
    expect(assumeRole({}, { ...PAIR, ALIBABA_CLOUD_ROLE_ARN: other })).toStrictEqual(assumed({ roleArn: other }));
    expect(assumeRole({}, { ...PAIR, ALICLOUD_ASSUME_ROLE_ARN: ROLE, ALIBABA_CLOUD_ROLE_ARN: other })).toStrictEqual(assumed({}));
    expect(assumeRole({ roleArn: ROLE }, { ...PAIR, ALICLOUD_ASSUME_ROLE_ARN: other })).toStrictEqual(assumed({}));
  });

  it("the session name comes from ALICLOUD_ASSUME_ROLE_SESSION_NAME before ALIBABA_CLOUD_ROLE_SESSION_NAME", () => {
    expect(assumeRole({ roleArn: ROLE }, { ...PAIR, ALIBABA_CLOUD_ROLE_SESSION_NAME: "s2" })).toStrictEqual(assumed({ roleSessionName: "s2" }));
    expect(assumeRole({ roleArn: ROLE }, { ...PAIR, ALICLOUD_ASSUME_ROLE_SESSION_NAME: "s1", ALIBABA_CLOUD_ROLE_SESSION_NAME: "s2" })).toStrictEqual(assumed({ roleSessionName: "s1" }));
  });

  it("the session expiration in config wins over ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION", () => {
    expect(assumeRole({ roleArn: ROLE, sessionExpiration: 1200 }, { ...PAIR, ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION: "1800" })).toStrictEqual(assumed({ durationSeconds: 1200 }));
    expect(assumeRole({ roleArn: ROLE }, { ...PAIR, ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION: "1800" })).toStrictEqual(assumed({ durationSeconds: 1800 }));
  });

  it("a bad ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION is refused, naming the variable", () => {
    expect(failure(() => assumeRole({ roleArn: ROLE }, { ...PAIR, ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION: "60" }))).toStrictEqual({
      key: "ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION",
      message: "Alibaba Cloud credentials: ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION must be a whole number of seconds from 900 to 43200, got \"60\". Fix: pulumi config set --path 'alicloud:assumeRole.sessionExpiration' 3600",
    });
  });

  it("with nothing to assume the role with, it is refused, naming alicloud:assumeRole", () => {
    expect(failure(() => assumeRole({ roleArn: ROLE }, {}))).toStrictEqual({
      key: "alicloud:assumeRole",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRole is set, but there are no credentials to assume the role with. Fix: provide base credentials as well (an access key pair, a profile, an ECS role or an OIDC login; see the README's Credentials section)",
    });
  });
});

describe("session length", () => {
  const refusal = (got: string) => ({
    key: "alicloud:assumeRole.sessionExpiration",
    message: `Alibaba Cloud credentials: alicloud:assumeRole.sessionExpiration must be a whole number of seconds from 900 to 43200, got ${got}. Fix: pulumi config set --path 'alicloud:assumeRole.sessionExpiration' 3600`,
  });

  it("900 and 43200 seconds are accepted, 899 and 43201 refused", () => {
    expect(assumeRole({ roleArn: ROLE, sessionExpiration: 900 })).toStrictEqual(assumed({ durationSeconds: 900 }));
    expect(assumeRole({ roleArn: ROLE, sessionExpiration: 43200 })).toStrictEqual(assumed({ durationSeconds: 43200 }));
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionExpiration: 899 }))).toStrictEqual(refusal("899"));
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionExpiration: 43201 }))).toStrictEqual(refusal("43201"));
  });

  it("a fraction of a second is refused", () => {
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionExpiration: 1800.5 }))).toStrictEqual(refusal("1800.5"));
  });

  it("numeric text is accepted (padded too); other text, an empty string and booleans are refused", () => {
    expect(assumeRole({ roleArn: ROLE, sessionExpiration: " 1800 " })).toStrictEqual(assumed({ durationSeconds: 1800 }));
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionExpiration: "abc" }))).toStrictEqual(refusal('"abc"'));
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionExpiration: "" }))).toStrictEqual(refusal('""'));
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionExpiration: true }))).toStrictEqual(refusal("true"));
  });

  it("the OIDC block's session length is refused naming its own key", () => {
    expect(failure(() => oidc({ oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, oidcTokenFile: "/run/token", sessionExpiration: 43201 }))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc.sessionExpiration",
      message: "Alibaba Cloud credentials: alicloud:assumeRoleWithOidc.sessionExpiration must be a whole number of seconds from 900 to 43200, got 43201. Fix: pulumi config set --path 'alicloud:assumeRoleWithOidc.sessionExpiration' 3600",
    });
  });
});

describe("role ARNs", () => {
  const notArn = (from: string) => ({
    key: "alicloud:assumeRole.roleArn",
    message: `Alibaba Cloud credentials: stack config alicloud:assumeRole.roleArn is not a RAM role ARN (acs:ram::<account-id>:role/<role-name>). Fix: pulumi config set --path 'alicloud:assumeRole.roleArn' acs:ram::<account-id>:role/<role-name> (or set ALICLOUD_ASSUME_ROLE_ARN)`,
    from,
  });

  it("text before the ARN is refused", () => {
    const { from: _, ...expected } = notArn("");
    expect(failure(() => assumeRole({ roleArn: `x${ROLE}` }))).toStrictEqual(expected);
  });

  it("a second line after the ARN is refused", () => {
    const { from: _, ...expected } = notArn("");
    expect(failure(() => assumeRole({ roleArn: `${ROLE}\nacs:ram::1:role/other` }))).toStrictEqual(expected);
  });

  it("an ARN without account or role name is refused", () => {
    const { from: _, ...expected } = notArn("");
    expect(failure(() => assumeRole({ roleArn: "acs:ram::1234567890123456:role/" }))).toStrictEqual(expected);
    expect(failure(() => assumeRole({ roleArn: "acs:ram:::role/deployer" }))).toStrictEqual(expected);
  });

  it("a bad ARN from the environment names the variable", () => {
    expect(failure(() => assumeRole({}, { ...PAIR, ALICLOUD_ASSUME_ROLE_ARN: "deployer" }))).toStrictEqual({
      key: "ALICLOUD_ASSUME_ROLE_ARN",
      message: "Alibaba Cloud credentials: environment ALICLOUD_ASSUME_ROLE_ARN is not a RAM role ARN (acs:ram::<account-id>:role/<role-name>). Fix: pulumi config set --path 'alicloud:assumeRole.roleArn' acs:ram::<account-id>:role/<role-name> (or set ALICLOUD_ASSUME_ROLE_ARN)",
    });
  });
});

describe("session names", () => {
  const refusal = {
    key: "alicloud:assumeRole.sessionName",
    message: 'Alibaba Cloud credentials: stack config alicloud:assumeRole.sessionName must be 2 to 64 characters of letters, digits, ".", "@", "_" and "-". Fix: set a session name such as pulumi-alb-listener-certificates',
  };

  it("names of 2 and 64 characters are accepted, of every allowed character", () => {
    expect(assumeRole({ roleArn: ROLE, sessionName: "ab" })).toStrictEqual(assumed({ roleSessionName: "ab" }));
    const long = "a".repeat(60) + ".@_-";
    expect(assumeRole({ roleArn: ROLE, sessionName: long })).toStrictEqual(assumed({ roleSessionName: long }));
  });

  it("a session name of 1 or 65 characters is refused, naming the key", () => {
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionName: "a" }))).toStrictEqual(refusal);
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionName: "a".repeat(65) }))).toStrictEqual(refusal);
  });

  it("a space inside the name is refused wherever it is; a space at the end is trimmed", () => {
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionName: "a bc" }))).toStrictEqual(refusal);
    expect(failure(() => assumeRole({ roleArn: ROLE, sessionName: "ab c" }))).toStrictEqual(refusal);
    expect(assumeRole({ roleArn: ROLE, sessionName: "deploy-1 " })).toStrictEqual(assumed({ roleSessionName: "deploy-1" }));
  });

  it("the OIDC block's session name is refused naming its own key", () => {
    expect(failure(() => oidc({ oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, oidcTokenFile: "/run/token", roleSessionName: "a b" }))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc.roleSessionName",
      message: 'Alibaba Cloud credentials: stack config alicloud:assumeRoleWithOidc.roleSessionName must be 2 to 64 characters of letters, digits, ".", "@", "_" and "-". Fix: set a session name such as pulumi-alb-listener-certificates',
    });
  });
});

describe("policies", () => {
  it("an object becomes JSON text; JSON text is kept as it is", () => {
    expect(assumeRole({ roleArn: ROLE, policy: { Version: "1", Statement: [] } })).toStrictEqual(assumed({ policy: '{"Version":"1","Statement":[]}' }));
    expect(assumeRole({ roleArn: ROLE, policy: '{ "Version": "1" }' })).toStrictEqual(assumed({ policy: '{ "Version": "1" }' }));
  });

  it("a null or empty policy is no policy", () => {
    expect(assumeRole({ roleArn: ROLE, policy: null })).toStrictEqual(assumed({}));
    expect(assumeRole({ roleArn: ROLE, policy: "" })).toStrictEqual(assumed({}));
  });

  it("a policy that is neither text nor an object is refused", () => {
    for (const policy of [42, true, [{ Version: "1" }]]) {
      expect(failure(() => assumeRole({ roleArn: ROLE, policy }))).toStrictEqual({
        key: "alicloud:assumeRole.policy",
        message: "Alibaba Cloud credentials: stack config alicloud:assumeRole.policy must be a policy document (JSON text or an object). Fix: set it to a RAM policy document",
      });
    }
  });

  it("text that is not JSON, or JSON that is not an object, is refused", () => {
    for (const policy of ["allow all", "[1]", '"x"', "null"]) {
      expect(failure(() => assumeRole({ roleArn: ROLE, policy }))).toStrictEqual({
        key: "alicloud:assumeRole.policy",
        message: 'Alibaba Cloud credentials: stack config alicloud:assumeRole.policy is not a JSON policy document. Fix: set it to a RAM policy document such as {"Version":"1","Statement":[…]}',
      });
    }
  });

  it("the OIDC block takes a policy object, and has no policy when none is given", () => {
    const block = { oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, oidcTokenFile: "/run/token" };
    expect(oidc({ ...block, policy: { Version: "1" } })).toStrictEqual(oidcRole({ policy: '{"Version":"1"}' }));
    expect(oidc(block)).toStrictEqual(oidcRole({}));
    expect(failure(() => oidc({ ...block, policy: "allow" }))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc.policy",
      message: 'Alibaba Cloud credentials: stack config alicloud:assumeRoleWithOidc.policy is not a JSON policy document. Fix: set it to a RAM policy document such as {"Version":"1","Statement":[…]}',
    });
  });
});

describe("stsEndpoint", () => {
  const sts = (config: Record<string, string>, env: Record<string, string> = {}) => stsEndpoint(source(env, config));
  const refused = (config: Record<string, string>) => failure(() => sts(config));
  const notHost = (value: string) => ({
    key: "alicloud:stsEndpoint",
    message: "Alibaba Cloud credentials: stack config alicloud:stsEndpoint is not a host name. Fix: give the STS host (and port), e.g. sts.cn-hangzhou.aliyuncs.com",
    value,
  });
  const expectNotHost = (value: string) => {
    const { value: _, ...expected } = notHost(value);
    expect(refused({ "alicloud:stsEndpoint": value })).toStrictEqual(expected);
  };

  it("alicloud:endpoints may be one object, not in a list", () => {
    expect(sts({ "alicloud:endpoints": JSON.stringify({ sts: "sts.cn-x.aliyuncs.com" }) })).toBe("sts.cn-x.aliyuncs.com");
  });

  it("entries without sts, with a blank or non-string sts, are skipped; the sts found is trimmed", () => {
    expect(sts({ "alicloud:endpoints": JSON.stringify([{ sts: "  " }, { sts: 5 }, null, "sts.a.aliyuncs.com", { sts: " sts.b.aliyuncs.com " }]) })).toBe("sts.b.aliyuncs.com");
  });

  it("alicloud:endpoints without any sts entry falls through to the region, then the global endpoint", () => {
    expect(sts({ "alicloud:endpoints": JSON.stringify([{ alb: "alb.cn-x.aliyuncs.com" }, { sts: "" }]) }, { ALIBABA_CLOUD_STS_REGION: "cn-beijing" })).toBe("sts.cn-beijing.aliyuncs.com");
    expect(sts({ "alicloud:endpoints": "[]" })).toBe("sts.aliyuncs.com");
    expect(sts({ "alicloud:endpoints": "  " })).toBe("sts.aliyuncs.com");
  });

  it("malformed alicloud:endpoints is refused with how to set it", () => {
    expect(refused({ "alicloud:endpoints": "[{" })).toStrictEqual({
      key: "alicloud:endpoints",
      message: "Alibaba Cloud credentials: stack config alicloud:endpoints is not valid JSON. Fix: set it as a list of objects, e.g. pulumi config set --path 'alicloud:endpoints[0].sts' sts.cn-hangzhou.aliyuncs.com",
    });
  });

  it("http:// is refused (in any case), naming the key it came from", () => {
    const message = (from: string) => `Alibaba Cloud credentials: ${from} uses http://, but STS is only called over HTTPS. Fix: give the host name (and port), e.g. sts.cn-hangzhou.aliyuncs.com`;
    expect(refused({ "alicloud:stsEndpoint": "HTTP://127.0.0.1:9" })).toStrictEqual({ key: "alicloud:stsEndpoint", message: message("stack config alicloud:stsEndpoint") });
    expect(refused({ "alicloud:endpoints": JSON.stringify([{ sts: "http://127.0.0.1:9" }]) })).toStrictEqual({ key: "alicloud:endpoints[].sts", message: message("stack config alicloud:endpoints[].sts") });
  });

  it("a leading https:// (any case) and trailing slashes are dropped", () => {
    expect(sts({ "alicloud:stsEndpoint": "HTTPS://sts.cn-x.aliyuncs.com" })).toBe("sts.cn-x.aliyuncs.com");
    expect(sts({ "alicloud:stsEndpoint": "https://sts.cn-x.aliyuncs.com//" })).toBe("sts.cn-x.aliyuncs.com");
    expect(sts({ "alicloud:stsEndpoint": "sts.cn-x.aliyuncs.com///" })).toBe("sts.cn-x.aliyuncs.com");
  });

  it("a host name with a path is not a host name", () => {
    expectNotHost("sts.cn-x.aliyuncs.com/path");
    expectNotHost("https://sts.cn-x.aliyuncs.com/path/");
  });

  it("a scheme after the host is not dropped: the value is not a host name", () => {
    expectNotHost("sts.cn-x.aliyuncs.com/https://");
    expectNotHost("sts.cn-x.aliyuncs.com/http://x");
  });

  it("characters outside letters, digits, dots and dashes are refused, at the start or anywhere", () => {
    expectNotHost("_sts.aliyuncs.com");
    expectNotHost("bad host.aliyuncs.com");
  });

  it("a port of 1 to 5 digits is accepted, of 6 refused", () => {
    expect(sts({ "alicloud:stsEndpoint": "127.0.0.1:9400" })).toBe("127.0.0.1:9400");
    expect(sts({ "alicloud:stsEndpoint": "sts.cn-x.aliyuncs.com:65535" })).toBe("sts.cn-x.aliyuncs.com:65535");
    expectNotHost("sts.cn-x.aliyuncs.com:123456");
  });

  it("IPv6 in brackets, with or without a port, is accepted", () => {
    expect(sts({ "alicloud:stsEndpoint": "[::1]" })).toBe("[::1]");
    expect(sts({ "alicloud:stsEndpoint": "[::1]:9443" })).toBe("[::1]:9443");
    expect(sts({ "alicloud:stsEndpoint": "https://[fd00:0:0:0::A1]:1/" })).toBe("[fd00:0:0:0::A1]:1");
  });

  it("IPv6 with text before or after the brackets, a 6-digit port or no address is refused", () => {
    expectNotHost("x[::1]");
    expectNotHost("[::1]x");
    expectNotHost("[::1]:123456");
    expectNotHost("[]");
    expectNotHost("[::g]");
  });

  it("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED is true in any case, and nothing else", () => {
    expect(sts({}, { ALIBABA_CLOUD_STS_REGION: " cn-x ", ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED: " TRUE " })).toBe("sts-vpc.cn-x.aliyuncs.com");
    expect(sts({}, { ALIBABA_CLOUD_STS_REGION: "cn-x", ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED: "yes" })).toBe("sts.cn-x.aliyuncs.com");
  });
});

describe("CLI profiles", () => {
  const SHARED = "/etc/a.json";
  const viaShared = (text: string, name = "p") => () => resolveCredentialSource(source({}, { "alicloud:profile": name, "alicloud:sharedCredentialsFile": SHARED }, { [SHARED]: text, "/run/token": "jwt" }));
  const viaHome = (text: string, name = "p") => () => resolveCredentialSource(source({}, { "alicloud:profile": name }, { [CLI_FILE]: text, "/run/token": "jwt" }));

  it("each mode refuses a profile without one of its fields", () => {
    const cases: [string, Record<string, string>, string][] = [
      ["AK", { access_key_id: "a" }, "access_key_secret"],
      ["AK", {}, "access_key_id, access_key_secret"],
      ["StsToken", { access_key_id: "a", access_key_secret: "b" }, "sts_token"],
      ["OIDC", { ram_role_arn: ROLE, oidc_provider_arn: OIDC_PROVIDER }, "oidc_token_file"],
      ["ChainableRamRoleArn", { ram_role_arn: ROLE }, "source_profile"],
      ["CloudSSO", { cloud_sso_sign_in_url: "https://signin", cloud_sso_account_id: "1" }, "cloud_sso_access_config"],
      ["OAuth", {}, "oauth_site_type"],
      ["External", {}, "process_command"],
    ];
    for (const [mode, fields, missing] of cases) {
      expect(failure(viaHome(cliText([{ name: "p", mode, ...fields }])))).toStrictEqual({
        key: CLI_FILE,
        message: `Alibaba Cloud credentials: profile "p" (mode ${mode}) of /home/u/.aliyun/config.json has no ${missing}. Fix: run aliyun configure --profile p --mode ${mode} again, or fill in ${missing}`,
      });
    }
  });

  it("a blank field counts as missing", () => {
    expect(failure(viaHome(cliText([{ name: "p", mode: "AK", access_key_id: "a", access_key_secret: "  " }])))).toStrictEqual({
      key: CLI_FILE,
      message: 'Alibaba Cloud credentials: profile "p" (mode AK) of /home/u/.aliyun/config.json has no access_key_secret. Fix: run aliyun configure --profile p --mode AK again, or fill in access_key_secret',
    });
  });

  it("a profile missing from a named file lists the names there, skipping nameless profiles", () => {
    expect(failure(viaShared(cliText([{ ...AK_PROFILE, name: "dev" }, { mode: "AK" }, { name: 7 }, { ...AK_PROFILE, name: "ops" }]), "prod"))).toStrictEqual({
      key: SHARED,
      message: 'Alibaba Cloud credentials: profile "prod" does not exist in /etc/a.json (it has: dev, ops). Fix: create it with aliyun configure --profile prod, or name one of the existing profiles',
    });
    expect(failure(viaShared(cliText([]), "prod"))).toStrictEqual({
      key: SHARED,
      message: 'Alibaba Cloud credentials: profile "prod" does not exist in /etc/a.json (it has: no profiles). Fix: create it with aliyun configure --profile prod, or name one of the existing profiles',
    });
  });

  it("a chained profile's missing source is named with the profile that points at it", () => {
    expect(failure(viaShared(cliText([{ name: "p", mode: "ChainableRamRoleArn", source_profile: "gone", ram_role_arn: ROLE }])))).toStrictEqual({
      key: SHARED,
      message: 'Alibaba Cloud credentials: source profile "gone" of profile "p" does not exist in /etc/a.json (it has: p). Fix: create it with aliyun configure --profile gone, or name one of the existing profiles',
    });
  });

  it("a chain of source profiles is followed to its end", () => {
    const profiles = [
      { name: "p", mode: "ChainableRamRoleArn", source_profile: "q", ram_role_arn: ROLE },
      { name: "q", mode: "ChainableRamRoleArn", source_profile: "r", ram_role_arn: ROLE },
      { name: "r", mode: "AK", access_key_id: "a", access_key_secret: "" },
    ];
    expect(failure(viaShared(cliText(profiles)))).toStrictEqual({
      key: SHARED,
      message: 'Alibaba Cloud credentials: profile "r" (mode AK) of /etc/a.json has no access_key_secret. Fix: run aliyun configure --profile r --mode AK again, or fill in access_key_secret',
    });
  });

  it("a profile that is its own source is a loop", () => {
    expect(failure(viaShared(cliText([{ name: "p", mode: "ChainableRamRoleArn", source_profile: "p", ram_role_arn: ROLE }])))).toStrictEqual({
      key: SHARED,
      message: 'Alibaba Cloud credentials: profile "p" of /etc/a.json is part of a source_profile loop. Fix: point source_profile at a profile that does not lead back to this one',
    });
  });

  it("two profiles that are each other's source are a loop, named at the second", () => {
    const profiles = [
      { name: "p", mode: "ChainableRamRoleArn", source_profile: "q", ram_role_arn: ROLE },
      { name: "q", mode: "ChainableRamRoleArn", source_profile: "p", ram_role_arn: ROLE },
    ];
    expect(failure(viaShared(cliText(profiles)))).toStrictEqual({
      key: SHARED,
      message: 'Alibaba Cloud credentials: profile "q" of /etc/a.json is part of a source_profile loop. Fix: point source_profile at a profile that does not lead back to this one',
    });
  });

  it("a file without a list of profile objects is refused", () => {
    for (const text of ["{}", '{"profiles": {}}', '{"profiles": [{"name": "p"}, 5]}', '{"profiles": ["p"]}', '{"profiles": [null]}']) {
      expect(failure(viaShared(text))).toStrictEqual({
        key: SHARED,
        message: 'Alibaba Cloud credentials: /etc/a.json has no "profiles" list. Fix: fix the JSON of /etc/a.json (aliyun configure writes it), or point alicloud:sharedCredentialsFile elsewhere',
      });
    }
  });

  it("a ~/.aliyun/config.json that is JSON null, a number or a list is refused when a profile is named", () => {
    for (const text of ["null", "5", "[]"]) {
      expect(failure(viaHome(text))).toStrictEqual({
        key: CLI_FILE,
        message: 'Alibaba Cloud credentials: /home/u/.aliyun/config.json has no "profiles" list. Fix: fix the JSON of /home/u/.aliyun/config.json (aliyun configure writes it)',
      });
    }
  });

  it("a malformed ~/.aliyun/config.json is refused when a profile is named", () => {
    expect(failure(viaHome("{ nope"))).toStrictEqual({
      key: CLI_FILE,
      message: "Alibaba Cloud credentials: /home/u/.aliyun/config.json is not valid JSON. Fix: fix the JSON of /home/u/.aliyun/config.json (aliyun configure writes it)",
    });
  });

  it("a current that is not a string is read as no current profile", () => {
    expect(viaHome(cliText([AK_PROFILE], 5))()).toStrictEqual({
      kind: "cliProfile", origin: "stack config alicloud:profile", file: CLI_FILE, profileName: "p", configuration: { current: undefined, profiles: [AK_PROFILE] },
    });
  });

  it("a shared file starting with whitespace then { is read as the CLI's JSON", () => {
    expect(viaShared(`\n  ${cliText([AK_PROFILE], "p")}`)()).toStrictEqual({
      kind: "cliProfile", origin: "stack config alicloud:profile", file: SHARED, profileName: "p", configuration: { current: "p", profiles: [AK_PROFILE] },
    });
  });

  it("an unreadable shared file is refused with how to fix it", () => {
    expect(failure(() => resolveCredentialSource(source({ ALIBABA_CLOUD_PROFILE: "p", ALIBABA_CLOUD_CREDENTIALS_FILE: "/etc/none" })))).toStrictEqual({
      key: "ALIBABA_CLOUD_CREDENTIALS_FILE",
      message: "Alibaba Cloud credentials: the credentials file /etc/none (environment ALIBABA_CLOUD_CREDENTIALS_FILE) cannot be read. Fix: point ALIBABA_CLOUD_CREDENTIALS_FILE at an existing file, or unset it to use ~/.aliyun/config.json",
    });
  });

  it("the shared file comes from config, then ALICLOUD_SHARED_CREDENTIALS_FILE, then ALIBABA_CLOUD_CREDENTIALS_FILE", () => {
    const files = { "/etc/1.json": cliText([AK_PROFILE]), "/etc/2.json": cliText([AK_PROFILE]), "/etc/3.json": cliText([AK_PROFILE]) };
    const fileOf = (env: Record<string, string>, config: Record<string, string> = {}) => (resolveCredentialSource(source({ ALICLOUD_PROFILE: "p", ...env }, config, files)) as { file: string }).file;
    expect(fileOf({ ALIBABA_CLOUD_CREDENTIALS_FILE: "/etc/3.json" })).toBe("/etc/3.json");
    expect(fileOf({ ALICLOUD_SHARED_CREDENTIALS_FILE: "/etc/2.json", ALIBABA_CLOUD_CREDENTIALS_FILE: "/etc/3.json" })).toBe("/etc/2.json");
    expect(fileOf({ ALICLOUD_SHARED_CREDENTIALS_FILE: "/etc/2.json" }, { "alicloud:sharedCredentialsFile": "/etc/1.json" })).toBe("/etc/1.json");
  });

  it("the profile name comes from config, then ALICLOUD_PROFILE, then ALIBABA_CLOUD_PROFILE", () => {
    const files = { [CLI_FILE]: cliText([{ ...AK_PROFILE, name: "a" }, { ...AK_PROFILE, name: "b" }, { ...AK_PROFILE, name: "c" }]) };
    const nameOf = (env: Record<string, string>, config: Record<string, string> = {}) => (resolveCredentialSource(source(env, config, files)) as { profileName: string }).profileName;
    expect(nameOf({ ALICLOUD_PROFILE: "b", ALIBABA_CLOUD_PROFILE: "c" })).toBe("b");
    expect(nameOf({ ALIBABA_CLOUD_PROFILE: "c" })).toBe("c");
    expect(nameOf({ ALICLOUD_PROFILE: "b" }, { "alicloud:profile": "a" })).toBe("a");
  });

  it("a profile in neither file is refused even when the INI file exists", () => {
    expect(failure(() => resolveCredentialSource(source({ ALIBABA_CLOUD_PROFILE: "prod" }, {}, { [CLI_FILE]: cliText([AK_PROFILE]), [INI_FILE]: "[default]\ntype = access_key\n" })))).toStrictEqual({
      key: "ALIBABA_CLOUD_PROFILE",
      message: 'Alibaba Cloud credentials: environment ALIBABA_CLOUD_PROFILE names profile "prod", which is in neither /home/u/.aliyun/config.json nor /home/u/.alibabacloud/credentials. Fix: create it with aliyun configure --profile prod, set alicloud:sharedCredentialsFile to the file that has it, or unset ALIBABA_CLOUD_PROFILE',
    });
  });
});

describe("the default chain's profile steps", () => {
  const INI_DEFAULT = "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\n";
  const iniDefault = { kind: "iniProfile", origin: "the [default] section of /home/u/.alibabacloud/credentials", file: INI_FILE, section: "default", ini: { default: { type: "access_key", access_key_id: "a", access_key_secret: "b" } } };

  it("a current naming no profile of the CLI file falls through to the INI default", () => {
    expect(resolveCredentialSource(source({}, {}, { [CLI_FILE]: cliText([AK_PROFILE], "gone"), [INI_FILE]: INI_DEFAULT }))).toStrictEqual(iniDefault);
  });

  it("a CLI file without current is skipped, even with an unnamed profile", () => {
    expect(resolveCredentialSource(source({}, {}, { [CLI_FILE]: cliText([{ mode: "AK", access_key_id: "x", access_key_secret: "y" }]), [INI_FILE]: INI_DEFAULT }))).toStrictEqual(iniDefault);
  });

  it("the current profile is used, and ALIBABA_CLOUD_CLI_PROFILE_DISABLED=TRUE skips it", () => {
    expect(resolveCredentialSource(source({}, {}, { [CLI_FILE]: cliText([AK_PROFILE], "p"), [INI_FILE]: INI_DEFAULT }))).toStrictEqual({
      kind: "cliProfile", origin: "the current profile of /home/u/.aliyun/config.json", file: CLI_FILE, profileName: "p", configuration: { current: "p", profiles: [AK_PROFILE] },
    });
    expect(resolveCredentialSource(source({ ALIBABA_CLOUD_CLI_PROFILE_DISABLED: "TRUE" }, {}, { [CLI_FILE]: "{ broken", [INI_FILE]: INI_DEFAULT }))).toStrictEqual(iniDefault);
  });

  it("an INI file without [default] gives no credentials", () => {
    expect(thrown(() => resolveCredentialSource(source({}, {}, { [INI_FILE]: "[other]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\n" })))).toBeInstanceOf(MissingCredentialsError);
  });
});

describe("parseIni", () => {
  it("trims lines and section names, and reads CRLF files", () => {
    expect(parseIni("  [ main ]  \r\n   key = value  \r\n")).toStrictEqual({ main: { key: "value" } });
  });

  it("skips # and ; comment lines, but keeps # and ; at the end of a value", () => {
    expect(parseIni("[main]\n# a = b\n; c = d\n  #e=f\ng = h#\ni = j;\n")).toStrictEqual({ main: { g: "h#", i: "j;" } });
  });

  it("a line with text around the brackets is no section header", () => {
    expect(parseIni("[main]\nlist = [1]\nx[y] = z\n[extra] # note\nw = 1\n")).toStrictEqual({ main: { list: "[1]", "x[y]": "z", w: "1" } });
  });

  it("ignores keys before any section, lines without =, and lines starting with =", () => {
    expect(parseIni("a = b\n[main]\nnoequals\n= value\nk = v = w\n")).toStrictEqual({ main: { k: "v = w" } });
  });

  it("drops the quotes around a whole value only", () => {
    expect(parseIni('[main]\nq = "ab"\nr = a"b"\ns = "a"b\nt = ""\n')).toStrictEqual({ main: { q: "ab", r: 'a"b"', s: '"a"b', t: "" } });
  });
});

describe("INI sections", () => {
  const SHARED = "/etc/creds.ini";
  const section = (text: string, name = "x") => () => resolveCredentialSource(source({}, { "alicloud:profile": name, "alicloud:sharedCredentialsFile": SHARED }, { [SHARED]: text }));

  it("a missing section lists the sections there", () => {
    expect(failure(section("[a]\n[b]\n"))).toStrictEqual({
      key: SHARED,
      message: 'Alibaba Cloud credentials: profile "x" does not exist in /etc/creds.ini (it has: a, b). Fix: add a [x] section, or name one of the existing ones',
    });
    expect(failure(section("# nothing here\n"))).toStrictEqual({
      key: SHARED,
      message: 'Alibaba Cloud credentials: profile "x" does not exist in /etc/creds.ini (it has: no sections). Fix: add a [x] section, or name one of the existing ones',
    });
  });

  it("a section without a type is refused", () => {
    expect(failure(section("[x]\naccess_key_id = a\n"))).toStrictEqual({
      key: SHARED,
      message: 'Alibaba Cloud credentials: section [x] of /etc/creds.ini has type "", which the official credentials library does not read. Fix: set type = one of access_key, ecs_ram_role, ram_role_arn',
    });
  });

  it("access_key and ram_role_arn sections need their fields; an empty value is missing", () => {
    expect(failure(section("[x]\ntype = access_key\naccess_key_id = a\naccess_key_secret =\n"))).toStrictEqual({
      key: SHARED,
      message: "Alibaba Cloud credentials: section [x] (type access_key) of /etc/creds.ini has no access_key_secret. Fix: fill in access_key_secret",
    });
    expect(failure(section("[x]\ntype = ram_role_arn\naccess_key_secret = b\n"))).toStrictEqual({
      key: SHARED,
      message: "Alibaba Cloud credentials: section [x] (type ram_role_arn) of /etc/creds.ini has no access_key_id, role_arn. Fix: fill in access_key_id, role_arn",
    });
  });

  it("an ecs_ram_role section needs no field", () => {
    expect(section("[x]\ntype = ecs_ram_role\n")()).toStrictEqual({ kind: "iniProfile", origin: "stack config alicloud:profile", file: SHARED, section: "x", ini: { x: { type: "ecs_ram_role" } } });
  });
});

describe("credentials URI and ECS role", () => {
  it("the URI comes from config, then ALICLOUD_CREDENTIALS_URI, then ALIBABA_CLOUD_CREDENTIALS_URI; https is accepted", () => {
    expect(resolveCredentialSource(source({ ALICLOUD_CREDENTIALS_URI: "http://e1/c" }, { "alicloud:credentialsUri": "https://c/c" }))).toStrictEqual({ kind: "credentialsUri", origin: "stack config alicloud:credentialsUri", uri: "https://c/c" });
    expect(resolveCredentialSource(source({ ALICLOUD_CREDENTIALS_URI: "http://e1/c", ALIBABA_CLOUD_CREDENTIALS_URI: "http://e2/c" }))).toStrictEqual({ kind: "credentialsUri", origin: "environment ALICLOUD_CREDENTIALS_URI", uri: "http://e1/c" });
    expect(resolveCredentialSource(source({ ALIBABA_CLOUD_CREDENTIALS_URI: "https://e2/c" }))).toStrictEqual({ kind: "credentialsUri", origin: "environment ALIBABA_CLOUD_CREDENTIALS_URI", uri: "https://e2/c" });
  });

  it("a URI that does not parse is refused with an example", () => {
    expect(failure(() => resolveCredentialSource(source({ ALIBABA_CLOUD_CREDENTIALS_URI: "not a url" })))).toStrictEqual({
      key: "ALIBABA_CLOUD_CREDENTIALS_URI",
      message: "Alibaba Cloud credentials: environment ALIBABA_CLOUD_CREDENTIALS_URI is not an http:// or https:// URL. Fix: point it at the credentials service, e.g. http://127.0.0.1:8080/credentials",
    });
  });

  it("an ECS role with the metadata service off is refused, naming both", () => {
    expect(failure(() => resolveCredentialSource(source({ ALIBABA_CLOUD_ECS_METADATA_DISABLED: "True" }, { "alicloud:ecsRoleName": "web" })))).toStrictEqual({
      key: "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
      message: "Alibaba Cloud credentials: stack config alicloud:ecsRoleName asks for the ECS instance RAM role, but ALIBABA_CLOUD_ECS_METADATA_DISABLED=true turns the metadata service off. Fix: unset one of the two",
    });
  });
});

describe("alicloud:assumeRoleWithOidc", () => {
  const block = { oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE };

  it("without a provider ARN it is refused with how to set it", () => {
    expect(failure(() => oidc({ roleArn: ROLE, oidcToken: "t" }))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc.oidcProviderArn",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRoleWithOidc is set but has no oidcProviderArn. Fix: pulumi config set --path 'alicloud:assumeRoleWithOidc.oidcProviderArn' acs:ram::<account-id>:oidc-provider/<name> (or set ALIBABA_CLOUD_OIDC_PROVIDER_ARN)",
    });
  });

  it("without a role ARN, or with one that is not an ARN, it is refused", () => {
    expect(failure(() => oidc({ oidcProviderArn: OIDC_PROVIDER, oidcToken: "t" }))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc.roleArn",
      message: "Alibaba Cloud credentials: alicloud:assumeRoleWithOidc.roleArn is missing. Fix: pulumi config set --path 'alicloud:assumeRoleWithOidc.roleArn' acs:ram::<account-id>:role/<role-name> (or set ALIBABA_CLOUD_ROLE_ARN)",
    });
    expect(failure(() => oidc({ oidcProviderArn: OIDC_PROVIDER, roleArn: "deployer", oidcToken: "t" }))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc.roleArn",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRoleWithOidc.roleArn is not a RAM role ARN (acs:ram::<account-id>:role/<role-name>). Fix: pulumi config set --path 'alicloud:assumeRoleWithOidc.roleArn' acs:ram::<account-id>:role/<role-name> (or set ALIBABA_CLOUD_ROLE_ARN)",
    });
  });

  it("without a token or token file it is refused", () => {
    expect(failure(() => oidc({ ...block, oidcToken: "   " }))).toStrictEqual({
      key: "alicloud:assumeRoleWithOidc.oidcTokenFile",
      message: "Alibaba Cloud credentials: stack config alicloud:assumeRoleWithOidc is set but has neither oidcTokenFile nor oidcToken. Fix: pulumi config set --path 'alicloud:assumeRoleWithOidc.oidcTokenFile' <file your CI writes the token to> (or set ALIBABA_CLOUD_OIDC_TOKEN_FILE)",
    });
  });

  it("an inline token is trimmed, and wins over a token file (which is then not read)", () => {
    const { tokenFile: _, ...withoutFile } = oidcRole({});
    expect(oidc({ ...block, oidcToken: " jwt-inline " })).toStrictEqual({ ...withoutFile, token: "jwt-inline" });
    expect(oidc({ ...block, oidcToken: "jwt-inline", oidcTokenFile: "/run/absent" }, {}, {})).toStrictEqual({ ...withoutFile, token: "jwt-inline" });
  });

  it("a blank inline token is no token: the token file is used", () => {
    expect(oidc({ ...block, oidcToken: "  ", oidcTokenFile: "/run/token" })).toStrictEqual(oidcRole({}));
  });

  it("a token file from config wins over ALIBABA_CLOUD_OIDC_TOKEN", () => {
    expect(oidc({ ...block, oidcTokenFile: "/run/token" }, { ALIBABA_CLOUD_OIDC_TOKEN: "env-jwt" })).toStrictEqual(oidcRole({}));
  });

  it("the token file is expanded from ~/", () => {
    expect(oidc({ ...block, oidcTokenFile: "~/t" }, {}, { "/home/u/t": "jwt" })).toStrictEqual(oidcRole({ tokenFile: "/home/u/t" }));
  });

  it("an empty token file is refused with how to fix it", () => {
    expect(failure(() => oidc({ ...block, oidcTokenFile: "/run/token" }, {}, { "/run/token": " \n" }))).toStrictEqual({
      key: "stack config alicloud:assumeRoleWithOidc.oidcTokenFile",
      message: "Alibaba Cloud credentials: the OIDC token file /run/token (stack config alicloud:assumeRoleWithOidc.oidcTokenFile) is empty. Fix: write the OIDC token into it before the provider runs",
    });
  });
});

describe("OIDC from the environment", () => {
  const together = "Fix: set ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE together";

  it("a provider ARN alone names the two missing variables", () => {
    expect(failure(() => resolveCredentialSource(source({ ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER })))).toStrictEqual({
      key: "ALIBABA_CLOUD_ROLE_ARN",
      message: `Alibaba Cloud credentials: the environment names an OIDC login but ALIBABA_CLOUD_ROLE_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE are not set. ${together}`,
    });
  });

  it("one missing variable is named alone", () => {
    expect(failure(() => resolveCredentialSource(source({ ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER, ALIBABA_CLOUD_ROLE_ARN: ROLE })))).toStrictEqual({
      key: "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
      message: `Alibaba Cloud credentials: the environment names an OIDC login but ALIBABA_CLOUD_OIDC_TOKEN_FILE is not set. ${together}`,
    });
    expect(failure(() => resolveCredentialSource(source({ ALIBABA_CLOUD_OIDC_TOKEN_FILE: "/run/token", ALIBABA_CLOUD_ROLE_ARN: ROLE }, {}, { "/run/token": "jwt" })))).toStrictEqual({
      key: "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
      message: `Alibaba Cloud credentials: the environment names an OIDC login but ALIBABA_CLOUD_OIDC_PROVIDER_ARN is not set. ${together}`,
    });
  });

  it("a role ARN alone is no OIDC login", () => {
    expect(thrown(() => resolveCredentialSource(source({ ALIBABA_CLOUD_ROLE_ARN: ROLE })))).toBeInstanceOf(MissingCredentialsError);
  });

  it("a role ARN that is not one is refused with its own fix", () => {
    expect(failure(() => resolveCredentialSource(source({ ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER, ALIBABA_CLOUD_ROLE_ARN: "deployer", ALIBABA_CLOUD_OIDC_TOKEN_FILE: "/run/token" }, {}, { "/run/token": "jwt" })))).toStrictEqual({
      key: "ALIBABA_CLOUD_ROLE_ARN",
      message: "Alibaba Cloud credentials: environment ALIBABA_CLOUD_ROLE_ARN is not a RAM role ARN (acs:ram::<account-id>:role/<role-name>). Fix: set ALIBABA_CLOUD_ROLE_ARN to acs:ram::<account-id>:role/<role-name>",
    });
  });
});

describe("resolveRegion", () => {
  it("reads ALICLOUD_REGION, then ALIBABA_CLOUD_REGION, then ALIBABA_CLOUD_REGION_ID", () => {
    expect(resolveRegion(undefined, source({ ALICLOUD_REGION: "r1", ALIBABA_CLOUD_REGION: "r2", ALIBABA_CLOUD_REGION_ID: "r3" }))).toBe("r1");
    expect(resolveRegion(undefined, source({ ALICLOUD_REGION: "r1" }))).toBe("r1");
    expect(resolveRegion(undefined, source({ ALIBABA_CLOUD_REGION: "r2", ALIBABA_CLOUD_REGION_ID: "r3" }))).toBe("r2");
    expect(resolveRegion(undefined, source({ ALIBABA_CLOUD_REGION_ID: "r3" }))).toBe("r3");
  });

  it("a blank input or config falls through, and values are trimmed", () => {
    expect(resolveRegion("  ", source({ ALICLOUD_REGION: " r1 " }, { "alicloud:region": " " }))).toBe("r1");
  });

  it("an INI profile has no region; a CLI profile's blank or padded region_id is trimmed", () => {
    expect(resolveRegion(undefined, source({}, {}, { [INI_FILE]: "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\nregion_id = cn-x\n" }))).toBeUndefined();
    expect(resolveRegion(undefined, source({}, {}, { [CLI_FILE]: cliText([{ ...AK_PROFILE, region_id: " cn-x " }], "p") }))).toBe("cn-x");
    expect(resolveRegion(undefined, source({}, {}, { [CLI_FILE]: cliText([{ ...AK_PROFILE, region_id: "  " }], "p") }))).toBeUndefined();
    expect(resolveRegion(undefined, source({}, {}, { [CLI_FILE]: cliText([{ ...AK_PROFILE, region_id: 5 }], "p") }))).toBeUndefined();
  });
});

describe("describeCredentialSource", () => {
  it("names every kind of source", () => {
    const cli: CredentialSource = { kind: "cliProfile", origin: "o", file: CLI_FILE, profileName: "ci", configuration: { profiles: [] } };
    const cases: [CredentialSource, string][] = [
      [PAIR_SOURCE as CredentialSource, "the access key from environment ALIBABA_CLOUD_ACCESS_KEY_ID + environment ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
      [cli, 'profile "ci" of /home/u/.aliyun/config.json'],
      [{ kind: "iniProfile", origin: "o", file: INI_FILE, section: "ops", ini: {} }, "section [ops] of /home/u/.alibabacloud/credentials"],
      [{ kind: "credentialsUri", origin: "environment ALIBABA_CLOUD_CREDENTIALS_URI", uri: "http://x" }, "the credentials URI from environment ALIBABA_CLOUD_CREDENTIALS_URI"],
      [{ kind: "ecsRamRole", origin: "o", roleName: "web", disableImdsV1: false }, "the ECS instance RAM role web"],
      [oidcRole({}) as CredentialSource, `role ${ROLE} assumed via OIDC (stack config alicloud:assumeRoleWithOidc)`],
      [{ ...(assumed({}) as object), base: cli } as CredentialSource, `role ${ROLE} assumed with profile "ci" of /home/u/.aliyun/config.json`],
    ];
    for (const [resolved, text] of cases) expect(describeCredentialSource(resolved)).toBe(text);
  });
});

describe("endpointOverride and findEndpointOverride", () => {
  it("give undefined when neither config nor environment sets it", () => {
    expect(endpointOverride(source())).toBeUndefined();
    expect(findEndpointOverride(source())).toBeUndefined();
    expect(findEndpointOverride(unconfigured())).toBeUndefined();
  });

  it("say where the endpoint came from; a blank config value falls through to the environment", () => {
    expect(findEndpointOverride(source({ ALB_LISTENER_CERTIFICATES_ENDPOINT: "http://e" }, { "alb-listener-certificates:endpoint": " http://c " }))).toStrictEqual({ value: "http://c", from: "the stack config alb-listener-certificates:endpoint" });
    expect(findEndpointOverride(source({ ALB_LISTENER_CERTIFICATES_ENDPOINT: " http://e " }, { "alb-listener-certificates:endpoint": "  " }))).toStrictEqual({ value: "http://e", from: "the environment variable ALB_LISTENER_CERTIFICATES_ENDPOINT" });
    expect(findEndpointOverride(unconfigured({ ALB_LISTENER_CERTIFICATES_ENDPOINT: "http://e" }))).toStrictEqual({ value: "http://e", from: "the environment variable ALB_LISTENER_CERTIFICATES_ENDPOINT" });
  });
});

describe("CredentialChain", () => {
  const clock: Clock = { now: () => 0, sleep: async () => {} };

  it("validate decides the source without fetching", () => {
    expect(new CredentialChain({ clock }).validate(source(PAIR))).toStrictEqual(PAIR_SOURCE);
  });

  it("provider gives the access key pair with its token", async () => {
    const credentials = new CredentialChain({ clock }).provider(source({ ...PAIR, ALIBABA_CLOUD_SECURITY_TOKEN: "t" }));
    await expect(credentials()).resolves.toStrictEqual({ accessKeyId: "id", accessKeySecret: "secret", securityToken: "t" });
  });

  it("session gives the credentials and the source decided", async () => {
    const session = new CredentialChain({ clock }).session(source(PAIR));
    expect(session.source).toStrictEqual(PAIR_SOURCE);
    await expect(session.credentials()).resolves.toStrictEqual({ accessKeyId: "id", accessKeySecret: "secret" });
  });

  it("a broken configuration throws synchronously from provider", () => {
    const chain = new CredentialChain({ clock });
    expect(thrown(() => chain.provider(source()))).toBeInstanceOf(MissingCredentialsError);
    expect(failure(() => chain.provider(source({ ALICLOUD_SECURITY_TOKEN: "t" }))).key).toBe("ALICLOUD_SECURITY_TOKEN");
  });
});
