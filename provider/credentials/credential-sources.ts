/**
 * Fetches the credentials of a {@link CredentialSource} through the official `@alicloud/credentials`
 * providers: AssumeRole (`RAMRoleARNCredentialsProvider`), AssumeRoleWithOIDC
 * (`OIDCRoleArnCredentialsProvider`), the ECS metadata service (`ECSRAMRoleCredentialsProvider`), a
 * credentials URI (`URICredentialsProvider`), and every profile mode of the CLI file and the INI file
 * (the library's own `CLIProfileCredentialsProvider` / `ProfileCredentialsProvider` build the provider of
 * each mode). Session providers are asked through their public `refresher` (a fresh session with its
 * expiration) rather than `getCredentials`, whose cache runs on the system clock: caching is
 * `session-cache.ts`'s, on the injected clock.
 *
 * Library errors become {@link CredentialsFetchError}s whose message keeps the service's code and message
 * and never a body, secret or token (`docs/credentials.md`).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as AlicloudCredentials from "@alicloud/credentials";
import { ErrorCode, isNetworkFailureCode, retryKindOf, type RetryKind } from "../../contract/alb-contract";
import { CredentialsFetchError, fixClause, redact } from "../base/errors";
import type { CliConfiguration, Credentials, CredentialSource, FetchedCredentials } from "./types";

/** The `@alicloud/credentials` module. */
export type CredentialsLibrary = typeof AlicloudCredentials;
/** Loads `@alicloud/credentials`. */
export type CredentialsLibraryLoader = () => CredentialsLibrary;

/** Loaded when first needed rather than at module top, so that the serialized provider never captures it. */
const loadLibrary: CredentialsLibraryLoader = () => require("@alicloud/credentials") as CredentialsLibrary;

/** A session as the library's session providers return it (`Expiration`: `YYYY-MM-DDTHH:mm:ssZ`). */
interface LibrarySession {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string;
  readonly expiration: string;
}

/** The part of a library credentials provider used here. */
interface LibraryProvider {
  getCredentials(): Promise<{ readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken?: string }>;
  getProviderName(): string;
  /** Present on session providers: fetches a new session, bypassing the library's own cache. */
  refresher?: () => Promise<LibrarySession>;
}

/** One line saying which source is used, without secrets. */
export function describeSource(source: CredentialSource): string {
  switch (source.kind) {
    case "accessKey":
      return `the access key of ${source.origin}`;
    case "cliProfile": {
      const mode = source.configuration.profiles.find((p) => p.name === source.profileName)?.mode ?? "AK";
      return `profile "${source.profileName}" (mode ${mode}) of ${source.file} (${source.origin})`;
    }
    case "iniProfile":
      return `section [${source.section}] of ${source.file} (${source.origin})`;
    case "credentialsUri":
      return `the credentials URI of ${source.origin}`;
    case "ecsRamRole":
      return `the ECS instance RAM role "${source.roleName}" (${source.origin})`;
    case "oidcRole":
      return `AssumeRoleWithOIDC ${source.roleArn} with provider ${source.oidcProviderArn} (${source.origin})`;
    case "assumeRole":
      return `AssumeRole ${source.roleArn} (${source.origin}) with ${describeSource(source.base)}`;
  }
}

/** Providers the library keeps no expiry for: their credentials never change. */
const STATIC_PROVIDERS = new Set(["static_ak", "static_sts"]);

/** What {@link fetcherFor} needs besides the source. */
export interface FetcherOptions {
  readonly library?: CredentialsLibraryLoader;
  /** Home directory for the CLI profile provider (it writes refreshed OAuth/External sessions back to the file there). */
  readonly homeDir: string;
  /** The base credentials of an `assumeRole` source (its own cached fetch). */
  readonly base?: () => Promise<Credentials>;
}

/**
 * The fetch function of a source: resolves to the credentials and, for temporary ones, their expiration.
 *
 * @throws (from the returned function) {@link CredentialsFetchError}.
 */
export function fetcherFor(source: CredentialSource, options: FetcherOptions): () => Promise<FetchedCredentials> {
  if (source.kind === "accessKey") {
    const credentials: Credentials = {
      accessKeyId: source.accessKeyId,
      accessKeySecret: source.accessKeySecret,
      ...(source.securityToken !== undefined ? { securityToken: source.securityToken } : {}),
    };
    return async () => ({ credentials });
  }
  const library = options.library ?? loadLibrary;
  return async () => {
    const secrets: string[] = [];
    try {
      if (source.kind === "oidcRole" && source.token !== undefined) {
        secrets.push(source.token);
        return await withTokenFile(source.token, (file) => fromProvider(oidcProvider(library(), source, file)));
      }
      return await fromProvider(buildProvider(library(), source, options, secrets));
    } catch (error) {
      throw fetchError(error, source, secrets);
    }
  };
}

function buildProvider(lib: CredentialsLibrary, source: Exclude<CredentialSource, { kind: "accessKey" }>, options: FetcherOptions, secrets: string[]): LibraryProvider {
  switch (source.kind) {
    case "assumeRole": {
      const base = options.base;
      if (base === undefined) throw new Error("assumeRole needs its base credentials");
      const baseProvider = {
        getCredentials: async () => {
          const c = await base();
          secrets.push(c.accessKeySecret, c.securityToken ?? "");
          return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken, providerName: "alb-listener-certificates" };
        },
        getProviderName: () => "alb-listener-certificates",
      } as unknown as AlicloudCredentials.CredentialsProvider;
      let builder = lib.RAMRoleARNCredentialsProvider.builder()
        .withCredentialsProvider(baseProvider)
        .withRoleArn(source.roleArn)
        .withRoleSessionName(source.roleSessionName)
        .withDurationSeconds(source.durationSeconds)
        .withStsEndpoint(source.stsEndpoint);
      if (source.policy !== undefined) builder = builder.withPolicy(source.policy);
      if (source.externalId !== undefined) builder = builder.withExternalId(source.externalId);
      return builder.build() as unknown as LibraryProvider;
    }
    case "oidcRole":
      return oidcProvider(lib, source, source.tokenFile ?? "");
    case "ecsRamRole":
      return lib.ECSRAMRoleCredentialsProvider.builder().withRoleName(source.roleName).withDisableIMDSv1(source.disableImdsV1).build() as unknown as LibraryProvider;
    case "credentialsUri":
      return lib.URICredentialsProvider.builder().withCredentialsURI(source.uri).build() as unknown as LibraryProvider;
    case "cliProfile": {
      // The library builds the provider of each profile mode from a parsed configuration; it is handed the
      // configuration already read (so `alicloud:sharedCredentialsFile` works), with the mode the CLI assumes
      // for a profile without one.
      // Constructed directly: the builder refuses to build when ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true, a switch
      // for the implicit chain's step that a profile named explicitly is not subject to (credentials.ts).
      const cli = new lib.CLIProfileCredentialsProvider({ profileName: source.profileName } as never) as unknown as {
        homedir: string;
        getCredentialsProvider(configuration: CliConfiguration, profileName: string): LibraryProvider;
      };
      cli.homedir = options.homeDir;
      const configuration: CliConfiguration = { ...source.configuration, profiles: source.configuration.profiles.map((p) => ({ ...p, mode: p.mode ?? "AK" })) };
      return cli.getCredentialsProvider(configuration, source.profileName);
    }
    case "iniProfile": {
      const ini = lib.ProfileCredentialsProvider.builder().withProfileName(source.section).build();
      return ini.getCredentialsProvider(source.ini) as unknown as LibraryProvider;
    }
  }
}

function oidcProvider(lib: CredentialsLibrary, source: Extract<CredentialSource, { kind: "oidcRole" }>, tokenFile: string): LibraryProvider {
  let builder = lib.OIDCRoleArnCredentialsProvider.builder()
    .withOIDCProviderArn(source.oidcProviderArn)
    .withRoleArn(source.roleArn)
    .withOIDCTokenFilePath(tokenFile)
    .withRoleSessionName(source.roleSessionName)
    .withDurationSeconds(source.durationSeconds)
    .withStsEndpoint(source.stsEndpoint);
  if (source.policy !== undefined) builder = builder.withPolicy(source.policy);
  return builder.build() as unknown as LibraryProvider;
}

async function fromProvider(provider: LibraryProvider): Promise<FetchedCredentials> {
  if (typeof provider.refresher === "function") {
    const session = await provider.refresher();
    const expiresAtMs = Date.parse(session.expiration);
    return {
      credentials: { accessKeyId: session.accessKeyId, accessKeySecret: session.accessKeySecret, securityToken: session.securityToken },
      // An unreadable expiration: fetch again next time rather than trust the session indefinitely.
      expiresAtMs: Number.isNaN(expiresAtMs) ? 0 : expiresAtMs,
    };
  }
  const c = await provider.getCredentials();
  const credentials: Credentials = { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, ...(c.securityToken ? { securityToken: c.securityToken } : {}) };
  // Providers that manage their own sessions (CloudSSO, OAuth, External, chained roles) are asked every time.
  return STATIC_PROVIDERS.has(provider.getProviderName()) ? { credentials } : { credentials, expiresAtMs: 0 };
}

/**
 * The official library reads an OIDC token from a file only. An inline `oidcToken` is written to a file in
 * a private temporary directory (mode 0700, file 0600) for the one request that reads it, then removed.
 */
async function withTokenFile<T>(token: string, run: (file: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alb-listener-certificates-oidc-"));
  try {
    const file = path.join(dir, "token");
    fs.writeFileSync(file, token, { mode: 0o600 });
    return await run(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Fix hints by the STS's error code: the catalogue's fix where it fits a fetch as it is; the base credentials'
 * refusals are worded for the role's assumption, and `NoPermission` is not a code of the catalogue.
 */
const HINTS: Readonly<Record<string, string>> = {
  [ErrorCode.stsRoleNotFound]: fixClause(ErrorCode.stsRoleNotFound),
  NoPermission: "the caller may not assume this role: check the role's trust policy and that the caller has sts:AssumeRole",
  "InvalidAccessKeyId.NotFound": "the access key the role is assumed with is unknown; check the base credentials",
  SignatureDoesNotMatch: "the access key secret the role is assumed with is wrong; check the base credentials",
  [ErrorCode.oidcProviderNotFound]: fixClause(ErrorCode.oidcProviderNotFound),
  "AuthenticationFail.OIDCToken.Expired": "the OIDC token has expired; the CI or cluster must write a fresh one before the provider runs",
  "AuthenticationFail.OIDCToken.AudienceNotMatch": "the token's audience must be a client ID of the OIDC provider in RAM",
  "AuthenticationFail.OIDCToken.Invalid": "the OIDC token is not accepted; check its issuer and that it is the raw token",
  [ErrorCode.stsInvalidDurationSeconds]: fixClause(ErrorCode.stsInvalidDurationSeconds),
  "InvalidSecurityToken.Expired": "the base credentials' security token has expired",
};

/** Turns whatever the library threw into a {@link CredentialsFetchError} without bodies or secrets. */
function fetchError(error: unknown, source: CredentialSource, secrets: readonly string[]): CredentialsFetchError {
  if (error instanceof CredentialsFetchError) return error;
  const e = (error ?? {}) as { message?: unknown; code?: unknown; name?: unknown };
  const message = typeof e.message === "string" ? e.message : String(error);
  let code = "CredentialsUnavailable";
  let detail: string;
  /** An unreachable source is a passing fault; a service's refusal is retried as its code says; anything else is not. */
  let retryKind: RetryKind = "never";
  const json = /\{[\s\S]*\}/.exec(message)?.[0];
  let answer: { Code?: unknown; Message?: unknown; RequestId?: unknown } | undefined;
  try {
    answer = json === undefined ? undefined : (JSON.parse(json) as typeof answer);
  } catch {
    answer = undefined;
  }
  if (answer !== undefined && typeof answer.Code === "string") {
    code = answer.Code;
    retryKind = retryKindOf(code);
    detail = `${answer.Code}: ${typeof answer.Message === "string" ? answer.Message : "no message"}${typeof answer.RequestId === "string" ? ` (RequestId ${answer.RequestId})` : ""}`;
  } else if (isNetworkFailureCode(e.code) || /timeout/i.test(String(e.name))) {
    code = "NetworkError";
    retryKind = "transient";
    detail = `the endpoint could not be reached (${typeof e.code === "string" ? e.code : String(e.name)})`;
  } else if (/access key secret is invalid/.test(message)) {
    code = "SignatureDoesNotMatch";
    detail = "the access key secret the role is assumed with is wrong";
  } else {
    // Library messages may end with a response body or a file's content: keep only the lead-in.
    detail = message.split(/:\s|,\s*result|\bresult:/)[0] ?? message;
  }
  const hint = HINTS[code];
  const where = source.kind === "oidcRole" && source.tokenFile !== undefined ? ` (token file ${source.tokenFile})` : "";
  return new CredentialsFetchError(code, describeSource(source), `${redact(detail, secrets)}${where}${hint ? `. Fix: ${hint}` : ""}`, { retryKind });
}
