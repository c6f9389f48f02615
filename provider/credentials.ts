/**
 * Credentials and region, resolved when a call is made and never stored: environment first, then
 * the stack config handed to the provider's `configure`, then the Alibaba Cloud CLI profile file.
 */
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";
import { MissingCredentialsError } from "./errors";

/** An access key pair, optionally with an STS security token. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** Read-only view of stack configuration (`pulumi.dynamic.Config`). */
export interface ConfigReader {
  get(key: string): string | undefined;
}

/** Where credentials, region and endpoint may come from. Injected so tests control every source. */
export interface Environment {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stack config from `configure`; absent until the engine configured the provider. */
  readonly config?: ConfigReader;
  /** Reads a UTF-8 file; returns undefined when it does not exist. */
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

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

function firstOf(env: Environment["env"], names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = nonEmpty(env[name]);
    if (value) return value;
  }
  return undefined;
}

interface CliProfile {
  readonly name?: string;
  readonly mode?: string;
  readonly access_key_id?: string;
  readonly access_key_secret?: string;
  readonly sts_token?: string;
  readonly region_id?: string;
}

function cliProfile(source: Environment): CliProfile | undefined {
  if (source.env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED === "true") return undefined;
  const text = source.readFile(path.join(source.homeDir, ".aliyun", "config.json"));
  if (text === undefined) return undefined;
  let parsed: { current?: string; profiles?: CliProfile[] };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new MissingCredentialsError("~/.aliyun/config.json is not valid JSON");
  }
  const wanted = firstOf(source.env, ["ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"]) ?? parsed.current ?? "default";
  return parsed.profiles?.find((p) => p.name === wanted);
}

/**
 * Resolves credentials from, in order: `ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`/`_SECURITY_TOKEN`;
 * `ALICLOUD_ACCESS_KEY`/`ALICLOUD_SECRET_KEY`/`ALICLOUD_SECURITY_TOKEN`; stack config
 * `alicloud:accessKey`/`alicloud:secretKey`/`alicloud:securityToken`; the CLI profile file
 * (`~/.aliyun/config.json`, modes AK and StsToken).
 *
 * @throws {@link MissingCredentialsError} naming what is missing and every way to provide it
 */
export function resolveCredentials(source: Environment): Credentials {
  const { env } = source;
  const pairs: readonly { id: string; secret: string; token: string; label: string }[] = [
    { id: "ALIBABA_CLOUD_ACCESS_KEY_ID", secret: "ALIBABA_CLOUD_ACCESS_KEY_SECRET", token: "ALIBABA_CLOUD_SECURITY_TOKEN", label: "environment" },
    { id: "ALICLOUD_ACCESS_KEY", secret: "ALICLOUD_SECRET_KEY", token: "ALICLOUD_SECURITY_TOKEN", label: "environment" },
  ];
  for (const pair of pairs) {
    const id = nonEmpty(env[pair.id]);
    const secret = nonEmpty(env[pair.secret]);
    if (id && secret) return { accessKeyId: id, accessKeySecret: secret, securityToken: nonEmpty(env[pair.token]) };
    if (id || secret) throw new MissingCredentialsError(`${id ? pair.id : pair.secret} is set but ${id ? pair.secret : pair.id} is not`);
  }
  const config = source.config;
  if (config) {
    const id = nonEmpty(config.get("alicloud:accessKey"));
    const secret = nonEmpty(config.get("alicloud:secretKey"));
    if (id && secret) return { accessKeyId: id, accessKeySecret: secret, securityToken: nonEmpty(config.get("alicloud:securityToken")) };
    if (id || secret) {
      throw new MissingCredentialsError(`stack config ${id ? "alicloud:accessKey" : "alicloud:secretKey"} is set but ${id ? "alicloud:secretKey" : "alicloud:accessKey"} is not`);
    }
  }
  const profile = cliProfile(source);
  if (profile) {
    const mode = profile.mode ?? "AK";
    if ((mode === "AK" || mode === "StsToken") && profile.access_key_id && profile.access_key_secret) {
      return {
        accessKeyId: profile.access_key_id,
        accessKeySecret: profile.access_key_secret,
        securityToken: mode === "StsToken" ? nonEmpty(profile.sts_token) : undefined,
      };
    }
    throw new MissingCredentialsError(`CLI profile "${profile.name ?? "?"}" has mode ${mode}, which this provider does not read (use AK or StsToken)`);
  }
  throw new MissingCredentialsError();
}

/** Region: the resource's own input, else stack config `alicloud:region`, else the environment, else the CLI profile. */
export function resolveRegion(explicit: string | undefined, source: Environment): string | undefined {
  return (
    nonEmpty(explicit) ??
    nonEmpty(source.config?.get("alicloud:region")) ??
    firstOf(source.env, ["ALICLOUD_REGION", "ALIBABA_CLOUD_REGION", "ALIBABA_CLOUD_REGION_ID"]) ??
    (() => {
      try {
        return nonEmpty(cliProfile(source)?.region_id);
      } catch {
        return undefined;
      }
    })()
  );
}

/**
 * Endpoint override for every call: stack config `alb-listener-certificates:endpoint`, else the
 * environment variable `ALB_LISTENER_CERTIFICATES_ENDPOINT`. Used to point a whole stack at the
 * simulator; it wins over the resource's own `endpoint` input because `read` and `delete` only
 * see the stored one, which may be stale (a simulator restarted on another port).
 */
export function endpointOverride(source: Environment): string | undefined {
  return nonEmpty(source.config?.get("alb-listener-certificates:endpoint")) ?? nonEmpty(source.env.ALB_LISTENER_CERTIFICATES_ENDPOINT);
}
