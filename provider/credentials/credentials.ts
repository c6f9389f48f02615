/**
 * Which Alibaba Cloud credentials a call uses, decided from the stack config the engine hands `configure`
 * (the `alicloud:*` keys `@pulumi/alicloud` users already set), the environment and the credential files,
 * in the precedence of the Terraform/Pulumi alicloud provider with Alibaba's official default chain
 * (`@alicloud/credentials`) underneath. The decision is synchronous and sends nothing, so a broken
 * configuration fails with a clear error (naming the key and the fix) before any request is built; the
 * credentials themselves are then fetched through the official library's providers and cached
 * (`credential-sources.ts`, `session-cache.ts`). Nothing here is ever stored in state.
 *
 * The precedence, every key and variable, and their sources: `docs/credentials.md`.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CredentialsConfigError, MissingCredentialsError } from "../base/errors";
import type { Clock } from "../base/clock";
import { fetcherFor, type CredentialsLibraryLoader } from "./credential-sources";
import { SessionCache } from "./session-cache";
import type { CliConfiguration, CliProfile, Credentials, CredentialSource } from "./types";

export type { CliConfiguration, CliProfile, Credentials, CredentialSource } from "./types";

/** Read-only view of stack configuration (`pulumi.dynamic.Config`). Object values arrive as JSON text. */
export interface ConfigReader {
  get(key: string): string | undefined;
}

/** Where credentials, region and endpoint may come from. Injected so tests control every source. */
export interface Environment {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stack config from `configure`; absent until the engine configured the provider. */
  readonly config?: ConfigReader;
  /** Reads a UTF-8 file; returns undefined when it does not exist or cannot be read. */
  readonly readFile: (file: string) => string | undefined;
  readonly homeDir: string;
}

/** The process's real environment. */
export function processEnvironment(config?: ConfigReader): Environment {
  return {
    env: process.env,
    config,
    readFile: (file) => {
      try {
        return fs.readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    },
    homeDir: os.homedir(),
  };
}

// ------------------------------------------------------------------------------------------ lookups

/** Default RoleSessionName (STS requires one); the Terraform provider's default is `terraform`. */
export const DEFAULT_ROLE_SESSION_NAME = "pulumi-alb-listener-certificates";
/** Default session length asked of STS, seconds (the Terraform provider's and the library's default). */
export const DEFAULT_SESSION_SECONDS = 3600;
/** Session lengths STS accepts, seconds (the upper bound is the role's MaxSessionDuration, at most 43200). */
const MIN_SESSION_SECONDS = 900;
const MAX_SESSION_SECONDS = 43_200;
/** The global STS endpoint the official library uses when no region or endpoint is configured. */
export const DEFAULT_STS_ENDPOINT = "sts.aliyuncs.com";

const CONFIG = "alicloud";
const key = (name: string): string => `${CONFIG}:${name}`;

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** A setting's value and where it was found (`stack config alicloud:x` or `environment Y`). */
interface Found {
  readonly value: string;
  readonly from: string;
  /** The bare key or variable name. */
  readonly name: string;
}

function fromEnv(env: Environment["env"], names: readonly string[]): Found | undefined {
  for (const name of names) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) return { value, from: `environment ${name}`, name };
  }
  return undefined;
}

/** Stack config `alicloud:<configKey>`, else the first set environment variable of `envNames`. */
function setting(source: Environment, configKey: string | undefined, envNames: readonly string[]): Found | undefined {
  if (configKey !== undefined) {
    const value = nonEmpty(source.config?.get(key(configKey)));
    if (value !== undefined) return { value, from: `stack config ${key(configKey)}`, name: key(configKey) };
  }
  return fromEnv(source.env, envNames);
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === "true";
}

function expandHome(file: string, source: Environment): string {
  return file === "~" ? source.homeDir : file.startsWith("~/") ? path.join(source.homeDir, file.slice(2)) : file;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * An object-valued stack config key (`alicloud:assumeRole`), which `configure` receives as JSON text.
 * Never echoes the text (it may hold a token).
 */
function objectConfig(source: Environment, name: string, allowed: readonly string[]): Record<string, unknown> | undefined {
  const raw = nonEmpty(source.config?.get(key(name)));
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new CredentialsConfigError(
      key(name),
      `stack config ${key(name)} is not valid JSON`,
      `set its fields one by one, e.g. pulumi config set --path '${key(name)}.roleArn' acs:ram::<account-id>:role/<role-name>, or give the whole object as JSON`,
    );
  }
  if (!isRecord(parsed)) {
    throw new CredentialsConfigError(key(name), `stack config ${key(name)} must be an object (with ${allowed.join(", ")})`, `set its fields with pulumi config set --path '${key(name)}.<field>' <value>`);
  }
  for (const field of Object.keys(parsed)) {
    if (!allowed.includes(field)) {
      throw new CredentialsConfigError(`${key(name)}.${field}`, `stack config ${key(name)} has an unknown field "${field}"`, `use only ${allowed.join(", ")} (the @pulumi/alicloud names)`);
    }
  }
  return parsed;
}

/** A string field of an object config, else the first set environment variable of `envNames`. */
function field(object: Record<string, unknown>, objectKey: string, name: string, envNames: readonly string[], source: Environment): Found | undefined {
  const value = object[name];
  if (value !== undefined && value !== null && value !== "") {
    if (typeof value !== "string" || value.trim() === "") {
      throw new CredentialsConfigError(`${key(objectKey)}.${name}`, `stack config ${key(objectKey)}.${name} must be a non-empty string`, `pulumi config set --path '${key(objectKey)}.${name}' <value>`);
    }
    return { value: value.trim(), from: `stack config ${key(objectKey)}.${name}`, name: `${key(objectKey)}.${name}` };
  }
  return fromEnv(source.env, envNames);
}

function sessionSeconds(value: unknown, where: string, fix: string): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < MIN_SESSION_SECONDS || n > MAX_SESSION_SECONDS) {
    throw new CredentialsConfigError(where, `${where} must be a whole number of seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}, got ${JSON.stringify(value)}`, fix);
  }
  return n;
}

function roleArnOf(found: Found | undefined, where: string, fix: string): string {
  if (found === undefined) throw new CredentialsConfigError(where, `${where} is missing`, fix);
  if (!/^acs:ram::[^:]+:role\/.+$/.test(found.value)) {
    throw new CredentialsConfigError(found.name, `${found.from} is not a RAM role ARN (acs:ram::<account-id>:role/<role-name>)`, fix);
  }
  return found.value;
}

function sessionNameOf(found: Found | undefined): string {
  if (found === undefined) return DEFAULT_ROLE_SESSION_NAME;
  if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(found.value)) {
    throw new CredentialsConfigError(found.name, `${found.from} must be 2 to 64 characters of letters, digits, ".", "@", "_" and "-"`, `set a session name such as ${DEFAULT_ROLE_SESSION_NAME}`);
  }
  return found.value;
}

function policyOf(object: Record<string, unknown>, objectKey: string): string | undefined {
  const policy = object.policy;
  if (policy === undefined || policy === null || policy === "") return undefined;
  if (isRecord(policy)) return JSON.stringify(policy);
  if (typeof policy !== "string") {
    throw new CredentialsConfigError(`${key(objectKey)}.policy`, `stack config ${key(objectKey)}.policy must be a policy document (JSON text or an object)`, "set it to a RAM policy document");
  }
  try {
    if (!isRecord(JSON.parse(policy))) throw new Error("not an object");
  } catch {
    throw new CredentialsConfigError(`${key(objectKey)}.policy`, `stack config ${key(objectKey)}.policy is not a JSON policy document`, 'set it to a RAM policy document such as {"Version":"1","Statement":[…]}');
  }
  return policy;
}

/**
 * The STS host: stack config `alicloud:stsEndpoint`, else the `sts` entry of `alicloud:endpoints` (the
 * @pulumi/alicloud spelling), else the regional endpoint of `ALIBABA_CLOUD_STS_REGION` (the VPC one with
 * `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`), else `sts.aliyuncs.com` (the official library's defaults).
 * A `https://` prefix is accepted and dropped: the official library always calls STS over HTTPS.
 */
export function stsEndpoint(source: Environment): string {
  let found = setting(source, "stsEndpoint", []);
  if (found === undefined) {
    const raw = nonEmpty(source.config?.get(key("endpoints")));
    if (raw !== undefined) {
      let endpoints: unknown;
      try {
        endpoints = JSON.parse(raw);
      } catch {
        throw new CredentialsConfigError(key("endpoints"), `stack config ${key("endpoints")} is not valid JSON`, `set it as a list of objects, e.g. pulumi config set --path '${key("endpoints")}[0].sts' sts.cn-hangzhou.aliyuncs.com`);
      }
      const entries = Array.isArray(endpoints) ? endpoints : [endpoints];
      const sts = entries.map((e) => (isRecord(e) && typeof e.sts === "string" ? e.sts.trim() : "")).find((v) => v !== "");
      if (sts) found = { value: sts, from: `stack config ${key("endpoints")}[].sts`, name: `${key("endpoints")}[].sts` };
    }
  }
  if (found !== undefined) {
    if (/^http:\/\//i.test(found.value)) {
      throw new CredentialsConfigError(found.name, `${found.from} uses http://, but STS is only called over HTTPS`, "give the host name (and port), e.g. sts.cn-hangzhou.aliyuncs.com");
    }
    const host = found.value.replace(/^https:\/\//i, "").replace(/\/+$/, "");
    if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) {
      throw new CredentialsConfigError(found.name, `${found.from} is not a host name`, "give the STS host (and port), e.g. sts.cn-hangzhou.aliyuncs.com");
    }
    return host;
  }
  const region = nonEmpty(source.env.ALIBABA_CLOUD_STS_REGION);
  if (region !== undefined) return isTrue(source.env.ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED) ? `sts-vpc.${region}.aliyuncs.com` : `sts.${region}.aliyuncs.com`;
  return DEFAULT_STS_ENDPOINT;
}

// ------------------------------------------------------------------------------------------ the steps

/** Step 1: an access key pair, each half from stack config, else its environment variables. */
function accessKeyPair(source: Environment): CredentialSource | undefined {
  const id = setting(source, "accessKey", ["ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABACLOUD_ACCESS_KEY_ID"]);
  const secret = setting(source, "secretKey", ["ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABACLOUD_ACCESS_KEY_SECRET"]);
  const token = setting(source, "securityToken", ["ALICLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABACLOUD_SECURITY_TOKEN"]);
  if (id && secret) {
    const origin = id.from === `stack config ${key("accessKey")}` && secret.from === `stack config ${key("secretKey")}` ? `stack config ${key("accessKey")}/${key("secretKey")}` : `${id.from} + ${secret.from}`;
    return { kind: "accessKey", origin, accessKeyId: id.value, accessKeySecret: secret.value, ...(token ? { securityToken: token.value } : {}) };
  }
  if (id) {
    throw new CredentialsConfigError(
      key("secretKey"),
      `${id.from} is set but the access key secret is not`,
      `pulumi config set --secret ${key("secretKey")} <secret> (or set ALIBABA_CLOUD_ACCESS_KEY_SECRET), or remove ${id.name}`,
    );
  }
  if (secret) {
    throw new CredentialsConfigError(
      key("accessKey"),
      `${secret.from} is set but the access key ID is not`,
      `pulumi config set ${key("accessKey")} <access-key-id> (or set ALIBABA_CLOUD_ACCESS_KEY_ID), or remove ${secret.name}`,
    );
  }
  if (token) {
    throw new CredentialsConfigError(token.name, `${token.from} is set but no access key pair is`, `set the temporary access key pair it belongs to (${key("accessKey")} and ${key("secretKey")}), or remove ${token.name}`);
  }
  return undefined;
}

/** The modes of a CLI profile the official library reads. */
export const CLI_PROFILE_MODES = ["AK", "StsToken", "RamRoleArn", "EcsRamRole", "OIDC", "ChainableRamRoleArn", "CloudSSO", "OAuth", "External"] as const;
/** The `type`s of a credentials-file (INI) section the official library reads. */
const INI_TYPES = ["access_key", "ecs_ram_role", "ram_role_arn"] as const;

/** The fields a CLI profile of each mode needs (the rest are optional for the library). */
const CLI_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  AK: ["access_key_id", "access_key_secret"],
  StsToken: ["access_key_id", "access_key_secret", "sts_token"],
  RamRoleArn: ["access_key_id", "access_key_secret", "ram_role_arn"],
  EcsRamRole: [],
  OIDC: ["ram_role_arn", "oidc_provider_arn", "oidc_token_file"],
  ChainableRamRoleArn: ["source_profile", "ram_role_arn"],
  CloudSSO: ["cloud_sso_sign_in_url", "cloud_sso_account_id", "cloud_sso_access_config"],
  OAuth: ["oauth_site_type"],
  External: ["process_command"],
};

/** Parses the CLI file. @throws CredentialsConfigError for text that is not the CLI's JSON. */
function parseCliFile(text: string, file: string, fix: string): CliConfiguration {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CredentialsConfigError(file, `${file} is not valid JSON`, fix);
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.profiles) || !parsed.profiles.every(isRecord)) {
    throw new CredentialsConfigError(file, `${file} has no "profiles" list`, fix);
  }
  return { current: typeof parsed.current === "string" ? parsed.current : undefined, profiles: parsed.profiles as CliProfile[] };
}

/** Parses an INI credentials file: `[section]` headers and `key = value` lines (`#`/`;` comments). */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      current = sections[header[1]!.trim()] ??= {};
      continue;
    }
    const equals = line.indexOf("=");
    if (current !== undefined && equals > 0) current[line.slice(0, equals).trim()] = line.slice(equals + 1).trim().replace(/^"(.*)"$/, "$1");
  }
  return sections;
}

/** Checks a CLI profile's mode and the fields that mode needs (and a source profile chain). */
function checkCliProfile(configuration: CliConfiguration, name: string, file: string, source: Environment, seen: readonly string[] = []): void {
  const profile = configuration.profiles.find((p) => p.name === name);
  const names = configuration.profiles.map((p) => p.name).filter((n): n is string => typeof n === "string");
  if (profile === undefined) {
    throw new CredentialsConfigError(file, `${seen.length ? `source profile "${name}" of profile "${seen[seen.length - 1]}"` : `profile "${name}"`} does not exist in ${file} (it has: ${names.join(", ") || "no profiles"})`, `create it with aliyun configure --profile ${name}, or name one of the existing profiles`);
  }
  const mode = profile.mode ?? "AK";
  if (!(CLI_PROFILE_MODES as readonly string[]).includes(mode)) {
    throw new CredentialsConfigError(file, `profile "${name}" of ${file} has mode "${String(mode)}", which the official credentials library does not read`, `use one of the modes ${CLI_PROFILE_MODES.join(", ")}`);
  }
  const missing = (CLI_REQUIRED[mode] ?? []).filter((f) => typeof profile[f] !== "string" || (profile[f] as string).trim() === "");
  if (missing.length > 0) {
    throw new CredentialsConfigError(file, `profile "${name}" (mode ${mode}) of ${file} has no ${missing.join(", ")}`, `run aliyun configure --profile ${name} --mode ${mode} again, or fill in ${missing.join(", ")}`);
  }
  if (mode === "OIDC") checkTokenFile(expandHome(String(profile.oidc_token_file), source), `oidc_token_file of profile "${name}" in ${file}`, source);
  if (mode === "ChainableRamRoleArn") {
    const parent = String(profile.source_profile);
    if (seen.includes(parent) || parent === name) throw new CredentialsConfigError(file, `profile "${name}" of ${file} is part of a source_profile loop`, "point source_profile at a profile that does not lead back to this one");
    checkCliProfile(configuration, parent, file, source, [...seen, name]);
  }
}

function checkTokenFile(file: string, where: string, source: Environment): void {
  const text = source.readFile(file);
  if (text === undefined) {
    throw new CredentialsConfigError(where, `the OIDC token file ${file} (${where}) cannot be read`, "point it at the file your CI or cluster writes the OIDC token to (it must exist before the provider runs)");
  }
  if (text.trim() === "") throw new CredentialsConfigError(where, `the OIDC token file ${file} (${where}) is empty`, "write the OIDC token into it before the provider runs");
}

/** A section of an INI credentials file, checked. */
function iniSource(ini: Record<string, Record<string, string>>, section: string, file: string, origin: string): CredentialSource {
  const values = ini[section];
  if (values === undefined) {
    throw new CredentialsConfigError(file, `profile "${section}" does not exist in ${file} (it has: ${Object.keys(ini).join(", ") || "no sections"})`, `add a [${section}] section, or name one of the existing ones`);
  }
  const type = values.type;
  if (!type || !(INI_TYPES as readonly string[]).includes(type)) {
    throw new CredentialsConfigError(file, `section [${section}] of ${file} has type "${type ?? ""}", which the official credentials library does not read`, `set type = one of ${INI_TYPES.join(", ")}`);
  }
  const needed = type === "access_key" ? ["access_key_id", "access_key_secret"] : type === "ram_role_arn" ? ["access_key_id", "access_key_secret", "role_arn"] : [];
  const missing = needed.filter((f) => !values[f]);
  if (missing.length > 0) throw new CredentialsConfigError(file, `section [${section}] (type ${type}) of ${file} has no ${missing.join(", ")}`, `fill in ${missing.join(", ")}`);
  return { kind: "iniProfile", origin, file, section, ini };
}

/**
 * Step 2: a named profile (`alicloud:profile`, `ALICLOUD_PROFILE`, `ALIBABA_CLOUD_PROFILE`) of the shared
 * credentials file (`alicloud:sharedCredentialsFile`, `ALICLOUD_SHARED_CREDENTIALS_FILE`,
 * `ALIBABA_CLOUD_CREDENTIALS_FILE`; JSON is read as the CLI file, anything else as the INI credentials
 * file), else of `~/.aliyun/config.json`, else of `~/.alibabacloud/credentials`.
 */
function namedProfile(source: Environment): CredentialSource | undefined {
  const name = setting(source, "profile", ["ALICLOUD_PROFILE", "ALIBABA_CLOUD_PROFILE"]);
  const fileSetting = setting(source, "sharedCredentialsFile", ["ALICLOUD_SHARED_CREDENTIALS_FILE", "ALIBABA_CLOUD_CREDENTIALS_FILE"]);
  if (name === undefined) return undefined;
  const origin = name.from;
  if (fileSetting !== undefined) {
    const file = expandHome(fileSetting.value, source);
    const text = source.readFile(file);
    if (text === undefined) {
      throw new CredentialsConfigError(fileSetting.name, `the credentials file ${file} (${fileSetting.from}) cannot be read`, `point ${fileSetting.name} at an existing file, or unset it to use ~/.aliyun/config.json`);
    }
    if (text.trimStart().startsWith("{")) {
      const configuration = parseCliFile(text, file, `fix the JSON of ${file} (aliyun configure writes it), or point ${fileSetting.name} elsewhere`);
      checkCliProfile(configuration, name.value, file, source);
      return { kind: "cliProfile", origin, file, profileName: name.value, configuration };
    }
    return iniSource(parseIni(text), name.value, file, origin);
  }
  const cliFile = path.join(source.homeDir, ".aliyun", "config.json");
  const cliText = source.readFile(cliFile);
  if (cliText !== undefined) {
    const configuration = parseCliFile(cliText, cliFile, `fix the JSON of ${cliFile} (aliyun configure writes it)`);
    if (configuration.profiles.some((p) => p.name === name.value)) {
      checkCliProfile(configuration, name.value, cliFile, source);
      return { kind: "cliProfile", origin, file: cliFile, profileName: name.value, configuration };
    }
  }
  const iniFile = path.join(source.homeDir, ".alibabacloud", "credentials");
  const iniText = source.readFile(iniFile);
  if (iniText !== undefined) {
    const ini = parseIni(iniText);
    if (ini[name.value] !== undefined) return iniSource(ini, name.value, iniFile, origin);
  }
  throw new CredentialsConfigError(
    name.name,
    `${origin} names profile "${name.value}", which is in neither ${cliFile} nor ${iniFile}`,
    `create it with aliyun configure --profile ${name.value}, set ${key("sharedCredentialsFile")} to the file that has it, or unset ${name.name}`,
  );
}

/** Step 3: a credentials URI (`alicloud:credentialsUri`, `ALICLOUD_CREDENTIALS_URI`, `ALIBABA_CLOUD_CREDENTIALS_URI`). */
function credentialsUri(source: Environment): CredentialSource | undefined {
  const uri = setting(source, "credentialsUri", ["ALICLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_CREDENTIALS_URI"]);
  if (uri === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(uri.value);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    throw new CredentialsConfigError(uri.name, `${uri.from} is not an http:// or https:// URL`, "point it at the credentials service, e.g. http://127.0.0.1:8080/credentials");
  }
  return { kind: "credentialsUri", origin: uri.from, uri: uri.value };
}

/** Step 4: an ECS instance RAM role (`alicloud:ecsRoleName`, `ALICLOUD_ECS_ROLE_NAME`, `ALIBABA_CLOUD_ECS_METADATA`). */
function ecsRole(source: Environment): CredentialSource | undefined {
  const role = setting(source, "ecsRoleName", ["ALICLOUD_ECS_ROLE_NAME", "ALIBABA_CLOUD_ECS_METADATA"]);
  if (role === undefined) return undefined;
  if (isTrue(source.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED)) {
    throw new CredentialsConfigError("ALIBABA_CLOUD_ECS_METADATA_DISABLED", `${role.from} asks for the ECS instance RAM role, but ALIBABA_CLOUD_ECS_METADATA_DISABLED=true turns the metadata service off`, `unset one of the two`);
  }
  return { kind: "ecsRamRole", origin: role.from, roleName: role.value, disableImdsV1: isTrue(source.env.ALIBABA_CLOUD_IMDSV1_DISABLED) };
}

const OIDC_FIELDS = ["oidcProviderArn", "roleArn", "oidcTokenFile", "oidcToken", "roleSessionName", "policy", "sessionExpiration"] as const;
const ASSUME_ROLE_FIELDS = ["roleArn", "sessionName", "policy", "sessionExpiration", "externalId"] as const;

/** Step 5: `alicloud:assumeRoleWithOidc`, each field falling back to its environment variable. */
function oidcFromConfig(source: Environment): CredentialSource | undefined {
  const object = objectConfig(source, "assumeRoleWithOidc", OIDC_FIELDS);
  if (object === undefined) return undefined;
  const at = (f: string): string => `${key("assumeRoleWithOidc")}.${f}`;
  const providerArn = field(object, "assumeRoleWithOidc", "oidcProviderArn", ["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"], source);
  if (providerArn === undefined) {
    throw new CredentialsConfigError(at("oidcProviderArn"), `stack config ${key("assumeRoleWithOidc")} is set but has no oidcProviderArn`, `pulumi config set --path '${at("oidcProviderArn")}' acs:ram::<account-id>:oidc-provider/<name> (or set ALIBABA_CLOUD_OIDC_PROVIDER_ARN)`);
  }
  const roleArn = roleArnOf(
    field(object, "assumeRoleWithOidc", "roleArn", ["ALIBABA_CLOUD_ROLE_ARN"], source),
    at("roleArn"),
    `pulumi config set --path '${at("roleArn")}' acs:ram::<account-id>:role/<role-name> (or set ALIBABA_CLOUD_ROLE_ARN)`,
  );
  const tokenFile = field(object, "assumeRoleWithOidc", "oidcTokenFile", ["ALIBABA_CLOUD_OIDC_TOKEN_FILE"], source);
  const token = typeof object.oidcToken === "string" && object.oidcToken.trim() !== "" ? object.oidcToken.trim() : tokenFile === undefined ? nonEmpty(source.env.ALIBABA_CLOUD_OIDC_TOKEN) : undefined;
  if (token === undefined && tokenFile === undefined) {
    throw new CredentialsConfigError(at("oidcTokenFile"), `stack config ${key("assumeRoleWithOidc")} is set but has neither oidcTokenFile nor oidcToken`, `pulumi config set --path '${at("oidcTokenFile")}' <file your CI writes the token to> (or set ALIBABA_CLOUD_OIDC_TOKEN_FILE)`);
  }
  const file = tokenFile === undefined || token !== undefined ? undefined : expandHome(tokenFile.value, source);
  if (file !== undefined) checkTokenFile(file, tokenFile!.from, source);
  const duration = object.sessionExpiration === undefined ? DEFAULT_SESSION_SECONDS : sessionSeconds(object.sessionExpiration, at("sessionExpiration"), `pulumi config set --path '${at("sessionExpiration")}' 3600`);
  return {
    kind: "oidcRole",
    origin: `stack config ${key("assumeRoleWithOidc")}`,
    oidcProviderArn: providerArn.value,
    roleArn,
    ...(file !== undefined ? { tokenFile: file } : { token: token! }),
    roleSessionName: sessionNameOf(field(object, "assumeRoleWithOidc", "roleSessionName", ["ALIBABA_CLOUD_ROLE_SESSION_NAME"], source)),
    ...(policyOf(object, "assumeRoleWithOidc") !== undefined ? { policy: policyOf(object, "assumeRoleWithOidc")! } : {}),
    durationSeconds: duration,
    stsEndpoint: stsEndpoint(source),
  };
}

/** Step 6a, the official chain's OIDC step: `ALIBABA_CLOUD_ROLE_ARN` + `_OIDC_PROVIDER_ARN` + `_OIDC_TOKEN_FILE`. */
function oidcFromEnvironment(source: Environment): CredentialSource | undefined {
  const { env } = source;
  const providerArn = nonEmpty(env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN);
  const tokenFile = nonEmpty(env.ALIBABA_CLOUD_OIDC_TOKEN_FILE);
  if (providerArn === undefined && tokenFile === undefined) return undefined;
  const missing = [
    ["ALIBABA_CLOUD_ROLE_ARN", nonEmpty(env.ALIBABA_CLOUD_ROLE_ARN)],
    ["ALIBABA_CLOUD_OIDC_PROVIDER_ARN", providerArn],
    ["ALIBABA_CLOUD_OIDC_TOKEN_FILE", tokenFile],
  ].filter(([, v]) => v === undefined).map(([n]) => n!);
  if (missing.length > 0) {
    throw new CredentialsConfigError(missing[0]!, `the environment names an OIDC login but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set`, "set ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE together");
  }
  const roleArn = roleArnOf(fromEnv(env, ["ALIBABA_CLOUD_ROLE_ARN"]), "ALIBABA_CLOUD_ROLE_ARN", "set ALIBABA_CLOUD_ROLE_ARN to acs:ram::<account-id>:role/<role-name>");
  const file = expandHome(tokenFile!, source);
  checkTokenFile(file, "environment ALIBABA_CLOUD_OIDC_TOKEN_FILE", source);
  return {
    kind: "oidcRole",
    origin: "environment ALIBABA_CLOUD_ROLE_ARN/ALIBABA_CLOUD_OIDC_PROVIDER_ARN/ALIBABA_CLOUD_OIDC_TOKEN_FILE",
    oidcProviderArn: providerArn!,
    roleArn,
    tokenFile: file,
    roleSessionName: sessionNameOf(fromEnv(env, ["ALIBABA_CLOUD_ROLE_SESSION_NAME"])),
    durationSeconds: DEFAULT_SESSION_SECONDS,
    stsEndpoint: stsEndpoint(source),
  };
}

/** Step 6b, the official chain's profile steps: the CLI file's `current` profile, then `[default]` of the INI file. */
function defaultProfile(source: Environment): CredentialSource | undefined {
  if (!isTrue(source.env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED)) {
    const cliFile = path.join(source.homeDir, ".aliyun", "config.json");
    const text = source.readFile(cliFile);
    if (text !== undefined) {
      const configuration = parseCliFile(text, cliFile, `fix the JSON of ${cliFile} (aliyun configure writes it), or set ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true to skip it`);
      const current = configuration.current;
      if (current && configuration.profiles.some((p) => p.name === current)) {
        checkCliProfile(configuration, current, cliFile, source);
        return { kind: "cliProfile", origin: `the current profile of ${cliFile}`, file: cliFile, profileName: current, configuration };
      }
    }
  }
  const iniFile = path.join(source.homeDir, ".alibabacloud", "credentials");
  const iniText = source.readFile(iniFile);
  if (iniText !== undefined) {
    const ini = parseIni(iniText);
    if (ini.default !== undefined) return iniSource(ini, "default", iniFile, `the [default] section of ${iniFile}`);
  }
  return undefined;
}

/** `alicloud:assumeRole`, checked (its base credentials come from the other steps). */
function assumeRoleSettings(source: Environment): Omit<Extract<CredentialSource, { kind: "assumeRole" }>, "base"> | undefined {
  const object = objectConfig(source, "assumeRole", ASSUME_ROLE_FIELDS);
  if (object === undefined) return undefined;
  const at = (f: string): string => `${key("assumeRole")}.${f}`;
  const roleArn = roleArnOf(
    field(object, "assumeRole", "roleArn", ["ALICLOUD_ASSUME_ROLE_ARN", "ALIBABA_CLOUD_ROLE_ARN"], source),
    at("roleArn"),
    `pulumi config set --path '${at("roleArn")}' acs:ram::<account-id>:role/<role-name> (or set ALICLOUD_ASSUME_ROLE_ARN)`,
  );
  const expiration = object.sessionExpiration ?? nonEmpty(source.env.ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION);
  const externalId = field(object, "assumeRole", "externalId", [], source);
  const policy = policyOf(object, "assumeRole");
  return {
    kind: "assumeRole",
    origin: `stack config ${key("assumeRole")}`,
    roleArn,
    roleSessionName: sessionNameOf(field(object, "assumeRole", "sessionName", ["ALICLOUD_ASSUME_ROLE_SESSION_NAME", "ALIBABA_CLOUD_ROLE_SESSION_NAME"], source)),
    durationSeconds: expiration === undefined ? DEFAULT_SESSION_SECONDS : sessionSeconds(expiration, object.sessionExpiration === undefined ? "ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION" : at("sessionExpiration"), `pulumi config set --path '${at("sessionExpiration")}' 3600`),
    ...(policy !== undefined ? { policy } : {}),
    ...(externalId !== undefined ? { externalId: externalId.value } : {}),
    stsEndpoint: stsEndpoint(source),
  };
}

/**
 * Decides where credentials come from, reading only config, environment and files (nothing is sent). The
 * first step that applies wins: (1) an access key pair, (2) a named profile, (3) a credentials URI, (4) an
 * ECS instance RAM role, (5) `alicloud:assumeRoleWithOidc`, (6) the official default chain's remaining steps
 * (OIDC environment, the CLI file's current profile, the INI file's default section); then
 * `alicloud:assumeRole`, when set, assumes its role with those credentials.
 *
 * @throws {@link CredentialsConfigError} for a broken setting (naming it and the fix);
 *   {@link MissingCredentialsError} when no step applies.
 */
export function resolveCredentialSource(source: Environment): CredentialSource {
  const assume = assumeRoleSettings(source);
  // A malformed object setting is an error even where an earlier step wins: it is a typo, not a choice.
  objectConfig(source, "assumeRoleWithOidc", OIDC_FIELDS);
  const base =
    accessKeyPair(source) ?? namedProfile(source) ?? credentialsUri(source) ?? ecsRole(source) ?? oidcFromConfig(source) ?? oidcFromEnvironment(source) ?? defaultProfile(source);
  if (assume !== undefined) {
    if (base === undefined) {
      throw new CredentialsConfigError(
        key("assumeRole"),
        `stack config ${key("assumeRole")} is set, but there are no credentials to assume the role with`,
        "provide base credentials as well (an access key pair, a profile, an ECS role or an OIDC login; see the README's Credentials section)",
      );
    }
    return { ...assume, base };
  }
  if (base === undefined) throw new MissingCredentialsError();
  return base;
}

/** Region: the resource's own input, else stack config `alicloud:region`, else the environment, else the profile in use. */
export function resolveRegion(explicit: string | undefined, source: Environment): string | undefined {
  return (
    nonEmpty(explicit) ??
    nonEmpty(source.config?.get(key("region"))) ??
    fromEnv(source.env, ["ALICLOUD_REGION", "ALIBABA_CLOUD_REGION", "ALIBABA_CLOUD_REGION_ID"])?.value ??
    (() => {
      try {
        const profile = namedProfile(source) ?? defaultProfile(source);
        if (profile?.kind !== "cliProfile") return undefined;
        const region = profile.configuration.profiles.find((p) => p.name === profile.profileName)?.region_id;
        return typeof region === "string" ? nonEmpty(region) : undefined;
      } catch {
        return undefined;
      }
    })()
  );
}

/** A credential source as a person would name it, e.g. `profile "ci" of ~/.aliyun/config.json`. No secret. */
export function describeCredentialSource(source: CredentialSource): string {
  switch (source.kind) {
    case "accessKey":
      return `the access key from ${source.origin}`;
    case "cliProfile":
      return `profile "${source.profileName}" of ${source.file}`;
    case "iniProfile":
      return `section [${source.section}] of ${source.file}`;
    case "credentialsUri":
      return `the credentials URI from ${source.origin}`;
    case "ecsRamRole":
      return `the ECS instance RAM role ${source.roleName}`;
    case "oidcRole":
      return `role ${source.roleArn} assumed via OIDC (${source.origin})`;
    case "assumeRole":
      return `role ${source.roleArn} assumed with ${describeCredentialSource(source.base)}`;
  }
}

/**
 * Endpoint override for every call: stack config `alb-listener-certificates:endpoint`, else the
 * environment variable `ALB_LISTENER_CERTIFICATES_ENDPOINT`. Used to point a whole stack at the
 * simulator; it wins over the resource's own `endpoint` input because `read` and `delete` only
 * see the stored one, which may be stale (a simulator restarted on another port).
 */
export function endpointOverride(source: Environment): string | undefined {
  return findEndpointOverride(source)?.value;
}

/** {@link endpointOverride}, with where it was found, as an error message names it. */
export function findEndpointOverride(source: Environment): { readonly value: string; readonly from: string } | undefined {
  const config = nonEmpty(source.config?.get("alb-listener-certificates:endpoint"));
  if (config !== undefined) return { value: config, from: "the stack config alb-listener-certificates:endpoint" };
  const env = nonEmpty(source.env.ALB_LISTENER_CERTIFICATES_ENDPOINT);
  return env === undefined ? undefined : { value: env, from: "the environment variable ALB_LISTENER_CERTIFICATES_ENDPOINT" };
}

// ------------------------------------------------------------------------------------------ the chain

/** Options of {@link CredentialChain}. */
export interface CredentialChainOptions {
  /** Decides when cached temporary credentials are refreshed. */
  readonly clock: Clock;
  /** Loads `@alicloud/credentials` (tests may substitute it). @default require */
  readonly library?: CredentialsLibraryLoader;
}

/**
 * The provider's view of credentials: {@link validate} (synchronous; the clear error before anything is
 * sent) and {@link provider} (an async `() => Promise<Credentials>` the API client calls before every
 * request). Temporary credentials (STS, metadata service, credentials URI) are cached per source and
 * refreshed on the injected clock before they expire (see `session-cache.ts`); one instance serves one
 * provider process.
 */
export class CredentialChain {
  private readonly caches = new Map<string, SessionCache>();

  constructor(private readonly options: CredentialChainOptions) {}

  /**
   * Checks that credentials are configured and usable, and says from where.
   *
   * @throws {@link CredentialsConfigError} or {@link MissingCredentialsError}; nothing is sent.
   */
  validate(source: Environment): CredentialSource {
    return resolveCredentialSource(source);
  }

  /**
   * The credentials function for an API client. The source is decided now (so a broken configuration
   * throws here, synchronously); the credentials are fetched on the first call and cached.
   *
   * @throws {@link CredentialsConfigError} or {@link MissingCredentialsError}.
   */
  provider(source: Environment): () => Promise<Credentials> {
    return this.session(source).credentials;
  }

  /**
   * {@link provider}, with the source it decided on (to name it in a message).
   *
   * @throws {@link CredentialsConfigError} or {@link MissingCredentialsError}.
   */
  session(source: Environment): { readonly credentials: () => Promise<Credentials>; readonly source: CredentialSource } {
    const resolved = this.validate(source);
    const cache = this.cacheFor(resolved, source);
    return { credentials: () => cache.get(), source: resolved };
  }

  private cacheFor(resolved: CredentialSource, source: Environment): SessionCache {
    // Keyed by a digest, so that no secret sits in a key.
    const id = createHash("sha256").update(JSON.stringify(resolved)).digest("hex");
    let cache = this.caches.get(id);
    if (cache === undefined) {
      const base = resolved.kind === "assumeRole" ? this.cacheFor(resolved.base, source) : undefined;
      cache = new SessionCache(this.options.clock, fetcherFor(resolved, { library: this.options.library, homeDir: source.homeDir, base: base && (() => base.get()) }));
      this.caches.set(id, cache);
    }
    return cache;
  }
}
