import { describe, expect, it } from "vitest";
import { describeSource } from "../../provider/credentials/credential-sources";
import {
  endpointOverride,
  resolveCredentialSource,
  resolveRegion,
  stsEndpoint,
  type CredentialSource,
  type Environment,
} from "../../provider/credentials/credentials";
import { CredentialsConfigError, MissingCredentialsError } from "../../provider/base/errors";
import { CLI_FILE, INI_FILE, OIDC_PROVIDER, ROLE, source, thrown } from "./credentials-env";

const OTHER_ROLE = "acs:ram::1234567890123456:role/ci";


function configError(fn: () => unknown): CredentialsConfigError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(CredentialsConfigError);
  return error as CredentialsConfigError;
}

const cliFile = (profiles: object[], current?: string) => JSON.stringify({ current, profiles });

describe("resolveCredentialSource: access key pairs", () => {
  it("takes the stack config pair over every environment pair, with its security token", () => {
    const resolved = resolveCredentialSource(
      source(
        { ALIBABA_CLOUD_ACCESS_KEY_ID: "id1", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s1", ALICLOUD_ACCESS_KEY: "id2", ALICLOUD_SECRET_KEY: "s2" },
        { "alicloud:accessKey": "id3", "alicloud:secretKey": "s3", "alicloud:securityToken": "t3" },
      ),
    );
    expect(resolved).toEqual({ kind: "accessKey", origin: "stack config alicloud:accessKey/alicloud:secretKey", accessKeyId: "id3", accessKeySecret: "s3", securityToken: "t3" });
  });

  it("reads each half's environment variables in the Terraform provider's order (ALICLOUD_*, ALIBABA_CLOUD_*, ALIBABACLOUD_*)", () => {
    const all = {
      ALICLOUD_ACCESS_KEY: "id-a", ALICLOUD_SECRET_KEY: "s-a",
      ALIBABA_CLOUD_ACCESS_KEY_ID: "id-b", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s-b", ALIBABA_CLOUD_SECURITY_TOKEN: "t-b",
      ALIBABACLOUD_ACCESS_KEY_ID: "id-c", ALIBABACLOUD_ACCESS_KEY_SECRET: "s-c",
    };
    expect(resolveCredentialSource(source(all))).toEqual({
      kind: "accessKey", origin: "environment ALICLOUD_ACCESS_KEY + environment ALICLOUD_SECRET_KEY", accessKeyId: "id-a", accessKeySecret: "s-a", securityToken: "t-b",
    });
    const { ALICLOUD_ACCESS_KEY: _a, ALICLOUD_SECRET_KEY: _b, ...rest } = all;
    expect(resolveCredentialSource(source(rest))).toMatchObject({ accessKeyId: "id-b", accessKeySecret: "s-b", securityToken: "t-b" });
    expect(resolveCredentialSource(source({ ALIBABACLOUD_ACCESS_KEY_ID: "id-c", ALIBABACLOUD_ACCESS_KEY_SECRET: "s-c" }))).toEqual({
      kind: "accessKey", origin: "environment ALIBABACLOUD_ACCESS_KEY_ID + environment ALIBABACLOUD_ACCESS_KEY_SECRET", accessKeyId: "id-c", accessKeySecret: "s-c",
    });
  });

  it("treats empty and blank values as unset (a fork's pull request gets empty secrets)", () => {
    expect(thrown(() => resolveCredentialSource(source({ ALIBABA_CLOUD_ACCESS_KEY_ID: "", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "  " }, { "alicloud:accessKey": "" })))).toBeInstanceOf(MissingCredentialsError);
  });

  it("names the missing half of a pair and how to set it", () => {
    const noSecret = configError(() => resolveCredentialSource(source({ ALIBABA_CLOUD_ACCESS_KEY_ID: "id1" })));
    expect(noSecret.key).toBe("alicloud:secretKey");
    expect(noSecret.message).toBe(
      "Alibaba Cloud credentials: environment ALIBABA_CLOUD_ACCESS_KEY_ID is set but the access key secret is not. " +
        "Fix: pulumi config set --secret alicloud:secretKey <secret> (or set ALIBABA_CLOUD_ACCESS_KEY_SECRET), or remove ALIBABA_CLOUD_ACCESS_KEY_ID",
    );
    const noId = configError(() => resolveCredentialSource(source({}, { "alicloud:secretKey": "s" })));
    expect(noId.key).toBe("alicloud:accessKey");
    expect(noId.message).toBe(
      "Alibaba Cloud credentials: stack config alicloud:secretKey is set but the access key ID is not. " +
        "Fix: pulumi config set alicloud:accessKey <access-key-id> (or set ALIBABA_CLOUD_ACCESS_KEY_ID), or remove alicloud:secretKey",
    );
    const tokenOnly = configError(() => resolveCredentialSource(source({ ALIBABA_CLOUD_SECURITY_TOKEN: "t" })));
    expect(tokenOnly.key).toBe("ALIBABA_CLOUD_SECURITY_TOKEN");
    expect(tokenOnly.message).toMatch(/^Alibaba Cloud credentials: environment ALIBABA_CLOUD_SECURITY_TOKEN is set but no access key pair is\. Fix: /);
  });

  it("lists every way to provide credentials when none is found", () => {
    const error = thrown(() => resolveCredentialSource(source()));
    expect(error).toBeInstanceOf(MissingCredentialsError);
    for (const way of ["alicloud:accessKey", "ALIBABA_CLOUD_ACCESS_KEY_ID", "~/.aliyun/config.json", "~/.alibabacloud/credentials", "alicloud:ecsRoleName", "ALIBABA_CLOUD_ECS_METADATA", "alicloud:assumeRoleWithOidc", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "alicloud:credentialsUri", "alicloud:assumeRole"]) {
      expect(error.message).toContain(way);
    }
  });
});

describe("resolveCredentialSource: precedence of the steps", () => {
  const everything = () => {
    const env: Record<string, string> = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: "env-id",
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: "env-secret",
      ALIBABA_CLOUD_PROFILE: "named",
      ALIBABA_CLOUD_CREDENTIALS_URI: "http://127.0.0.1:8080/creds",
      ALIBABA_CLOUD_ECS_METADATA: "ecs-role",
      ALIBABA_CLOUD_ROLE_ARN: OTHER_ROLE,
      ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER,
      ALIBABA_CLOUD_OIDC_TOKEN_FILE: "/run/env-token",
    };
    const config: Record<string, string> = { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, oidcTokenFile: "/run/config-token" }) };
    const files: Record<string, string> = {
      "/run/env-token": "env-jwt",
      "/run/config-token": "config-jwt",
      [CLI_FILE]: cliFile([{ name: "named", mode: "AK", access_key_id: "n-id", access_key_secret: "n-s" }, { name: "cur", mode: "AK", access_key_id: "c-id", access_key_secret: "c-s" }], "cur"),
      [INI_FILE]: "[default]\ntype = access_key\naccess_key_id = i-id\naccess_key_secret = i-s\n",
    };
    return { env, config, files };
  };

  it("access key pair, named profile, credentials URI, ECS role, OIDC config, OIDC environment, current CLI profile, INI default", () => {
    const { env, config, files } = everything();
    const winners: string[] = [];
    const next = () => resolveCredentialSource(source(env, config, files));
    let resolved: CredentialSource = next();
    winners.push(`${resolved.kind} ${resolved.origin}`);
    delete env.ALIBABA_CLOUD_ACCESS_KEY_ID;
    delete env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    winners.push(`${(resolved = next()).kind} ${resolved.origin}`);
    delete env.ALIBABA_CLOUD_PROFILE;
    winners.push(`${(resolved = next()).kind} ${resolved.origin}`);
    delete env.ALIBABA_CLOUD_CREDENTIALS_URI;
    winners.push(`${(resolved = next()).kind} ${resolved.origin}`);
    delete env.ALIBABA_CLOUD_ECS_METADATA;
    winners.push(`${(resolved = next()).kind} ${resolved.origin}`);
    delete config["alicloud:assumeRoleWithOidc"];
    winners.push(`${(resolved = next()).kind} ${resolved.origin}`);
    for (const k of ["ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE"]) delete env[k];
    winners.push(`${(resolved = next()).kind} ${resolved.origin}`);
    env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED = "true";
    winners.push(`${(resolved = next()).kind} ${resolved.origin}`);
    delete files[INI_FILE];
    expect(thrown(next)).toBeInstanceOf(MissingCredentialsError);
    expect(winners).toEqual([
      "accessKey environment ALIBABA_CLOUD_ACCESS_KEY_ID + environment ALIBABA_CLOUD_ACCESS_KEY_SECRET",
      "cliProfile environment ALIBABA_CLOUD_PROFILE",
      "credentialsUri environment ALIBABA_CLOUD_CREDENTIALS_URI",
      "ecsRamRole environment ALIBABA_CLOUD_ECS_METADATA",
      "oidcRole stack config alicloud:assumeRoleWithOidc",
      "oidcRole environment ALIBABA_CLOUD_ROLE_ARN/ALIBABA_CLOUD_OIDC_PROVIDER_ARN/ALIBABA_CLOUD_OIDC_TOKEN_FILE",
      `cliProfile the current profile of ${CLI_FILE}`,
      `iniProfile the [default] section of ${INI_FILE}`,
    ]);
  });

  it("alicloud:assumeRole assumes its role with whatever the steps found", () => {
    const { env, config, files } = everything();
    config["alicloud:assumeRole"] = JSON.stringify({ roleArn: ROLE });
    const overPair = resolveCredentialSource(source(env, config, files));
    expect(overPair).toMatchObject({ kind: "assumeRole", roleArn: ROLE, base: { kind: "accessKey", accessKeyId: "env-id" } });
    for (const k of ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_PROFILE", "ALIBABA_CLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_ECS_METADATA"]) delete env[k];
    const overOidc = resolveCredentialSource(source(env, config, files));
    expect(overOidc).toMatchObject({ kind: "assumeRole", roleArn: ROLE, base: { kind: "oidcRole", roleArn: ROLE, tokenFile: "/run/config-token" } });
    expect(describeSource(overOidc)).toBe(
      `AssumeRole ${ROLE} (stack config alicloud:assumeRole) with AssumeRoleWithOIDC ${ROLE} with provider ${OIDC_PROVIDER} (stack config alicloud:assumeRoleWithOidc)`,
    );
  });
});

describe("resolveCredentialSource: each mode", () => {
  it("assumeRole: every field, TF defaults and environment fallbacks", () => {
    const base = { ALIBABA_CLOUD_ACCESS_KEY_ID: "id", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "secret" };
    const full = resolveCredentialSource(
      source(base, {
        "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE, sessionName: "deploy-1", policy: '{"Version":"1","Statement":[]}', sessionExpiration: 1800, externalId: "ext-42" }),
        "alicloud:stsEndpoint": "https://sts.cn-shanghai.aliyuncs.com/",
      }),
    );
    expect(full).toEqual({
      kind: "assumeRole",
      origin: "stack config alicloud:assumeRole",
      roleArn: ROLE,
      roleSessionName: "deploy-1",
      durationSeconds: 1800,
      policy: '{"Version":"1","Statement":[]}',
      externalId: "ext-42",
      stsEndpoint: "sts.cn-shanghai.aliyuncs.com",
      base: { kind: "accessKey", origin: "environment ALIBABA_CLOUD_ACCESS_KEY_ID + environment ALIBABA_CLOUD_ACCESS_KEY_SECRET", accessKeyId: "id", accessKeySecret: "secret" },
    });
    const fromEnv = resolveCredentialSource(
      source({ ...base, ALICLOUD_ASSUME_ROLE_ARN: ROLE, ALICLOUD_ASSUME_ROLE_SESSION_NAME: "env-session", ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION: "900" }, { "alicloud:assumeRole": "{}" }),
    );
    expect(fromEnv).toMatchObject({ roleArn: ROLE, roleSessionName: "env-session", durationSeconds: 900, stsEndpoint: "sts.aliyuncs.com" });
    const defaults = resolveCredentialSource(source(base, { "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE, policy: { Version: "1", Statement: [] } }) }));
    expect(defaults).toMatchObject({ roleSessionName: "pulumi-alb-listener-certificates", durationSeconds: 3600, policy: '{"Version":"1","Statement":[]}' });
  });

  it("assumeRoleWithOidc: a token file, an inline token, environment fallbacks", () => {
    const files = { "/run/token": "jwt" };
    const withFile = resolveCredentialSource(
      source({ ALIBABA_CLOUD_STS_REGION: "cn-hangzhou", ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED: "true" }, { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, oidcTokenFile: "/run/token", roleSessionName: "gha-42", sessionExpiration: "1200" }) }, files),
    );
    expect(withFile).toEqual({
      kind: "oidcRole", origin: "stack config alicloud:assumeRoleWithOidc", oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, tokenFile: "/run/token",
      roleSessionName: "gha-42", durationSeconds: 1200, stsEndpoint: "sts-vpc.cn-hangzhou.aliyuncs.com",
    });
    const inline = resolveCredentialSource(source({}, { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, oidcToken: "inline-jwt" }) }));
    expect(inline).toMatchObject({ kind: "oidcRole", token: "inline-jwt", roleSessionName: "pulumi-alb-listener-certificates" });
    expect(inline).not.toHaveProperty("tokenFile");
    const fallback = resolveCredentialSource(
      source({ ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER, ALIBABA_CLOUD_ROLE_ARN: ROLE, ALIBABA_CLOUD_OIDC_TOKEN_FILE: "/run/token", ALIBABA_CLOUD_ROLE_SESSION_NAME: "rrsa" }, { "alicloud:assumeRoleWithOidc": "{}" }, files),
    );
    expect(fallback).toMatchObject({ kind: "oidcRole", oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, tokenFile: "/run/token", roleSessionName: "rrsa" });
    const envToken = resolveCredentialSource(source({ ALIBABA_CLOUD_OIDC_TOKEN: "env-inline" }, { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE }) }));
    expect(envToken).toMatchObject({ token: "env-inline" });
  });

  it("OIDC from the environment alone (GitHub Actions, Kubernetes RRSA), with ~ expanded", () => {
    expect(
      resolveCredentialSource(source({ ALIBABA_CLOUD_ROLE_ARN: ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER, ALIBABA_CLOUD_OIDC_TOKEN_FILE: "~/token" }, {}, { "/home/u/token": "jwt" })),
    ).toEqual({
      kind: "oidcRole", origin: "environment ALIBABA_CLOUD_ROLE_ARN/ALIBABA_CLOUD_OIDC_PROVIDER_ARN/ALIBABA_CLOUD_OIDC_TOKEN_FILE", oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE,
      tokenFile: "/home/u/token", roleSessionName: "pulumi-alb-listener-certificates", durationSeconds: 3600, stsEndpoint: "sts.aliyuncs.com",
    });
  });

  it("ECS instance RAM role, with IMDSv1 turned off by the environment", () => {
    expect(resolveCredentialSource(source({ ALIBABA_CLOUD_IMDSV1_DISABLED: "true" }, { "alicloud:ecsRoleName": "web" }))).toEqual({
      kind: "ecsRamRole", origin: "stack config alicloud:ecsRoleName", roleName: "web", disableImdsV1: true,
    });
    expect(resolveCredentialSource(source({ ALICLOUD_ECS_ROLE_NAME: "a", ALIBABA_CLOUD_ECS_METADATA: "b" }))).toMatchObject({ roleName: "a", disableImdsV1: false });
  });

  it("credentials URI", () => {
    expect(resolveCredentialSource(source({ ALICLOUD_CREDENTIALS_URI: "http://127.0.0.1:9/c" }))).toEqual({ kind: "credentialsUri", origin: "environment ALICLOUD_CREDENTIALS_URI", uri: "http://127.0.0.1:9/c" });
  });

  it("CLI profiles of every mode the official library reads, from ~/.aliyun/config.json or alicloud:sharedCredentialsFile", () => {
    const profiles = [
      { name: "ak", mode: "AK", access_key_id: "a", access_key_secret: "b" },
      { name: "sts", mode: "StsToken", access_key_id: "a", access_key_secret: "b", sts_token: "t" },
      { name: "role", mode: "RamRoleArn", access_key_id: "a", access_key_secret: "b", ram_role_arn: ROLE },
      { name: "ecs", mode: "EcsRamRole", ram_role_name: "r" },
      { name: "oidc", mode: "OIDC", ram_role_arn: ROLE, oidc_provider_arn: OIDC_PROVIDER, oidc_token_file: "/run/token" },
      { name: "chain", mode: "ChainableRamRoleArn", source_profile: "ak", ram_role_arn: ROLE },
      { name: "sso", mode: "CloudSSO", cloud_sso_sign_in_url: "https://signin", cloud_sso_account_id: "1", cloud_sso_access_config: "ac" },
      { name: "oauth", mode: "OAuth", oauth_site_type: "CN" },
      { name: "ext", mode: "External", process_command: "get-creds" },
      { name: "nomode", access_key_id: "a", access_key_secret: "b" },
    ];
    const files = { [CLI_FILE]: cliFile(profiles, "ak"), "/run/token": "jwt", "/etc/alicloud.json": cliFile(profiles) };
    for (const p of profiles) {
      const resolved = resolveCredentialSource(source({}, { "alicloud:profile": p.name }, files));
      expect(resolved).toMatchObject({ kind: "cliProfile", origin: "stack config alicloud:profile", file: CLI_FILE, profileName: p.name });
    }
    expect(resolveCredentialSource(source({ ALICLOUD_PROFILE: "role", ALICLOUD_SHARED_CREDENTIALS_FILE: "/etc/alicloud.json" }, {}, files))).toMatchObject({ kind: "cliProfile", file: "/etc/alicloud.json", profileName: "role" });
    expect(describeSource(resolveCredentialSource(source({}, { "alicloud:profile": "nomode" }, files)))).toBe(`profile "nomode" (mode AK) of ${CLI_FILE} (stack config alicloud:profile)`);
  });

  it("INI credentials-file sections (the official chain's ~/.alibabacloud/credentials, or an INI alicloud:sharedCredentialsFile)", () => {
    const ini = "# comment\n[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\n\n[ops]\ntype = ram_role_arn\naccess_key_id = a\naccess_key_secret = b\nrole_arn = " + ROLE + "\n[box]\ntype = ecs_ram_role\nrole_name = web\n";
    const files = { [INI_FILE]: ini, "/etc/creds.ini": ini };
    expect(resolveCredentialSource(source({ ALIBABA_CLOUD_PROFILE: "ops" }, {}, files))).toEqual({
      kind: "iniProfile", origin: "environment ALIBABA_CLOUD_PROFILE", file: INI_FILE, section: "ops",
      ini: { default: { type: "access_key", access_key_id: "a", access_key_secret: "b" }, ops: { type: "ram_role_arn", access_key_id: "a", access_key_secret: "b", role_arn: ROLE }, box: { type: "ecs_ram_role", role_name: "web" } },
    });
    expect(resolveCredentialSource(source({}, { "alicloud:profile": "box", "alicloud:sharedCredentialsFile": "/etc/creds.ini" }, files))).toMatchObject({ kind: "iniProfile", file: "/etc/creds.ini", section: "box" });
  });
});

describe("resolveCredentialSource: a clear error for every broken configuration", () => {
  const base = { ALIBABA_CLOUD_ACCESS_KEY_ID: "id", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "secret" };
  const cases: readonly [string, Environment, string, RegExp][] = [
    ["an assume-role block without roleArn", source(base, { "alicloud:assumeRole": JSON.stringify({ sessionName: "x" }) }), "alicloud:assumeRole.roleArn",
      /^Alibaba Cloud credentials: alicloud:assumeRole\.roleArn is missing\. Fix: pulumi config set --path 'alicloud:assumeRole\.roleArn' acs:ram::<account-id>:role\/<role-name> \(or set ALICLOUD_ASSUME_ROLE_ARN\)$/],
    ["a role ARN that is not one", source(base, { "alicloud:assumeRole": JSON.stringify({ roleArn: "deployer" }) }), "alicloud:assumeRole.roleArn", /stack config alicloud:assumeRole\.roleArn is not a RAM role ARN/],
    ["malformed JSON (not echoed: it may hold a token)", source(base, { "alicloud:assumeRole": '{"roleArn": "acs:ram::1:role/x", "policy": "secret-ish' }), "alicloud:assumeRole",
      /^Alibaba Cloud credentials: stack config alicloud:assumeRole is not valid JSON\. Fix: set its fields one by one, e\.g\. pulumi config set --path 'alicloud:assumeRole\.roleArn'/],
    ["a JSON value that is not an object", source(base, { "alicloud:assumeRoleWithOidc": '"acs:ram::1:role/x"' }), "alicloud:assumeRoleWithOidc", /must be an object/],
    ["an unknown field", source(base, { "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE, role_arn: ROLE }) }), "alicloud:assumeRole.role_arn", /has an unknown field "role_arn"\. Fix: use only roleArn, sessionName, policy, sessionExpiration, externalId/],
    ["a session expiration out of range", source(base, { "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE, sessionExpiration: 60 }) }), "alicloud:assumeRole.sessionExpiration", /must be a whole number of seconds from 900 to 43200, got 60/],
    ["a session name STS refuses", source(base, { "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE, sessionName: "a b" }) }), "alicloud:assumeRole.sessionName", /must be 2 to 64 characters/],
    ["a policy that is not a document", source(base, { "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE, policy: "allow all" }) }), "alicloud:assumeRole.policy", /is not a JSON policy document/],
    ["assumeRole with nothing to assume it with", source({}, { "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE }) }), "alicloud:assumeRole", /there are no credentials to assume the role with/],
    ["an unreadable OIDC token file", source({}, { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE, oidcTokenFile: "/run/missing" }) }), "stack config alicloud:assumeRoleWithOidc.oidcTokenFile",
      /^Alibaba Cloud credentials: the OIDC token file \/run\/missing \(stack config alicloud:assumeRoleWithOidc\.oidcTokenFile\) cannot be read\. Fix: point it at the file your CI or cluster writes the OIDC token to/],
    ["an empty OIDC token file", source({ ALIBABA_CLOUD_ROLE_ARN: ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER, ALIBABA_CLOUD_OIDC_TOKEN_FILE: "/run/t" }, {}, { "/run/t": "\n" }), "environment ALIBABA_CLOUD_OIDC_TOKEN_FILE", /is empty/],
    ["an OIDC block without a token", source({}, { "alicloud:assumeRoleWithOidc": JSON.stringify({ oidcProviderArn: OIDC_PROVIDER, roleArn: ROLE }) }), "alicloud:assumeRoleWithOidc.oidcTokenFile", /has neither oidcTokenFile nor oidcToken/],
    ["an OIDC block without a provider", source({}, { "alicloud:assumeRoleWithOidc": JSON.stringify({ roleArn: ROLE, oidcToken: "t" }) }), "alicloud:assumeRoleWithOidc.oidcProviderArn", /has no oidcProviderArn/],
    ["half the OIDC environment", source({ ALIBABA_CLOUD_OIDC_TOKEN_FILE: "/run/t" }, {}, { "/run/t": "jwt" }), "ALIBABA_CLOUD_ROLE_ARN", /ALIBABA_CLOUD_ROLE_ARN and ALIBABA_CLOUD_OIDC_PROVIDER_ARN are not set/],
    ["a profile that does not exist", source({}, { "alicloud:profile": "prod" }, { [CLI_FILE]: cliFile([{ name: "dev", mode: "AK", access_key_id: "a", access_key_secret: "b" }]) }), "alicloud:profile",
      /^Alibaba Cloud credentials: stack config alicloud:profile names profile "prod", which is in neither \/home\/u\/\.aliyun\/config\.json nor \/home\/u\/\.alibabacloud\/credentials\. Fix: create it with aliyun configure --profile prod/],
    ["a profile missing from the named file", source({}, { "alicloud:profile": "prod", "alicloud:sharedCredentialsFile": "/etc/a.json" }, { "/etc/a.json": cliFile([{ name: "dev", mode: "AK", access_key_id: "a", access_key_secret: "b" }]) }), "/etc/a.json", /profile "prod" does not exist in \/etc\/a\.json \(it has: dev\)/],
    ["an unknown profile mode", source({}, { "alicloud:profile": "p" }, { [CLI_FILE]: cliFile([{ name: "p", mode: "Magic" }]) }), CLI_FILE,
      /^Alibaba Cloud credentials: profile "p" of \/home\/u\/\.aliyun\/config\.json has mode "Magic", which the official credentials library does not read\. Fix: use one of the modes AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn, CloudSSO, OAuth, External$/],
    ["a profile missing its fields", source({}, { "alicloud:profile": "p" }, { [CLI_FILE]: cliFile([{ name: "p", mode: "RamRoleArn", access_key_id: "a", access_key_secret: "b" }]) }), CLI_FILE, /profile "p" \(mode RamRoleArn\) of .* has no ram_role_arn/],
    ["a chained profile whose source is missing", source({}, { "alicloud:profile": "c" }, { [CLI_FILE]: cliFile([{ name: "c", mode: "ChainableRamRoleArn", source_profile: "gone", ram_role_arn: ROLE }]) }), CLI_FILE, /source profile "gone" of profile "c" does not exist/],
    ["an OIDC profile whose token file is unreadable", source({}, { "alicloud:profile": "o" }, { [CLI_FILE]: cliFile([{ name: "o", mode: "OIDC", ram_role_arn: ROLE, oidc_provider_arn: OIDC_PROVIDER, oidc_token_file: "/run/none" }]) }), `oidc_token_file of profile "o" in ${CLI_FILE}`, /cannot be read/],
    ["a malformed CLI file", source({}, {}, { [CLI_FILE]: "{ not json" }), CLI_FILE, /^Alibaba Cloud credentials: \/home\/u\/\.aliyun\/config\.json is not valid JSON\. Fix: fix the JSON of .* or set ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true to skip it$/],
    ["an unreadable shared credentials file", source({}, { "alicloud:profile": "p", "alicloud:sharedCredentialsFile": "/etc/none" }), "alicloud:sharedCredentialsFile", /the credentials file \/etc\/none \(stack config alicloud:sharedCredentialsFile\) cannot be read/],
    ["an INI section of an unknown type", source({ ALIBABA_CLOUD_PROFILE: "x" }, {}, { [INI_FILE]: "[x]\ntype = magic\n" }), INI_FILE, /section \[x\] of .* has type "magic"/],
    ["an http:// STS endpoint", source(base, { "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE }), "alicloud:stsEndpoint": "http://127.0.0.1:9" }), "alicloud:stsEndpoint", /uses http:\/\/, but STS is only called over HTTPS/],
    ["malformed alicloud:endpoints", source(base, { "alicloud:assumeRole": JSON.stringify({ roleArn: ROLE }), "alicloud:endpoints": "[{" }), "alicloud:endpoints", /is not valid JSON/],
    ["an ECS role with the metadata service turned off", source({ ALIBABA_CLOUD_ECS_METADATA: "r", ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true" }), "ALIBABA_CLOUD_ECS_METADATA_DISABLED", /turns the metadata service off/],
    ["a credentials URI that is not a URL", source({ ALIBABA_CLOUD_CREDENTIALS_URI: "file:///etc/passwd" }), "ALIBABA_CLOUD_CREDENTIALS_URI", /is not an http:\/\/ or https:\/\/ URL/],
  ];

  it.each(cases)("%s", (_, env, expectedKey, message) => {
    const error = configError(() => resolveCredentialSource(env));
    expect(error.key).toBe(expectedKey);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/\. Fix: /);
  });

  it("never echoes the JSON it could not parse", () => {
    const error = configError(() => resolveCredentialSource(source(base, { "alicloud:assumeRoleWithOidc": '{"oidcToken": "eyJhbGciOiJSUzI1NiJ9.secret-token-body' })));
    expect(error.message).not.toContain("secret-token-body");
  });
});

describe("stsEndpoint, resolveRegion and endpointOverride", () => {
  it("takes alicloud:stsEndpoint, then alicloud:endpoints[].sts, then ALIBABA_CLOUD_STS_REGION, then the global endpoint", () => {
    expect(stsEndpoint(source({ ALIBABA_CLOUD_STS_REGION: "cn-beijing" }, { "alicloud:stsEndpoint": "127.0.0.1:9400", "alicloud:endpoints": JSON.stringify([{ sts: "sts.cn-x.aliyuncs.com" }]) }))).toBe("127.0.0.1:9400");
    expect(stsEndpoint(source({ ALIBABA_CLOUD_STS_REGION: "cn-beijing" }, { "alicloud:endpoints": JSON.stringify([{ alb: "a" }, { sts: "sts.cn-x.aliyuncs.com" }]) }))).toBe("sts.cn-x.aliyuncs.com");
    expect(stsEndpoint(source({ ALIBABA_CLOUD_STS_REGION: "cn-beijing" }))).toBe("sts.cn-beijing.aliyuncs.com");
    expect(stsEndpoint(source())).toBe("sts.aliyuncs.com");
  });

  it("resolves region from input, then config, then environment, then the profile in use", () => {
    const files = { [CLI_FILE]: cliFile([{ name: "a", mode: "AK", access_key_id: "x", access_key_secret: "y", region_id: "cn-beijing" }, { name: "b", mode: "AK", access_key_id: "x", access_key_secret: "y", region_id: "cn-shenzhen" }], "a") };
    expect(resolveRegion("cn-shanghai", source({ ALICLOUD_REGION: "cn-beijing" }, { "alicloud:region": "cn-hangzhou" }))).toBe("cn-shanghai");
    expect(resolveRegion(undefined, source({ ALICLOUD_REGION: "cn-beijing" }, { "alicloud:region": "cn-hangzhou" }))).toBe("cn-hangzhou");
    expect(resolveRegion(undefined, source({ ALIBABA_CLOUD_REGION: "cn-qingdao" }))).toBe("cn-qingdao");
    expect(resolveRegion(undefined, source({}, {}, files))).toBe("cn-beijing");
    expect(resolveRegion(undefined, source({ ALIBABA_CLOUD_PROFILE: "b" }, {}, files))).toBe("cn-shenzhen");
    expect(resolveRegion(undefined, source({}, {}, { [CLI_FILE]: "{ broken" }))).toBeUndefined();
    expect(resolveRegion(undefined, source())).toBeUndefined();
  });

  it("reads the endpoint override from config, then the environment", () => {
    expect(endpointOverride(source({ ALB_LISTENER_CERTIFICATES_ENDPOINT: "http://e" }, { "alb-listener-certificates:endpoint": "http://c" }))).toBe("http://c");
    expect(endpointOverride(source({ ALB_LISTENER_CERTIFICATES_ENDPOINT: "http://e" }))).toBe("http://e");
  });
});
