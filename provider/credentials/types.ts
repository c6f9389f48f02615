/**
 * The shapes the credential modules share: the credentials themselves, where they are configured (a
 * {@link CredentialSource}), the Alibaba Cloud CLI's file, and what one fetch returns. Types only, so the
 * resolution (credentials.ts), the fetchers (credential-sources.ts) and the cache (session-cache.ts) depend
 * on this module and not on each other.
 */

/** An access key pair, optionally with an STS security token. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** A profile of the Alibaba Cloud CLI file (`~/.aliyun/config.json`), as the CLI writes it. */
export interface CliProfile {
  readonly name?: string;
  readonly mode?: string;
  readonly access_key_id?: string;
  readonly access_key_secret?: string;
  readonly sts_token?: string;
  readonly region_id?: string;
  readonly ram_role_arn?: string;
  readonly ram_session_name?: string;
  readonly ram_role_name?: string;
  readonly oidc_provider_arn?: string;
  readonly oidc_token_file?: string;
  readonly source_profile?: string;
  readonly [field: string]: unknown;
}

/** The Alibaba Cloud CLI file. */
export interface CliConfiguration {
  readonly current?: string;
  readonly profiles: readonly CliProfile[];
}

/**
 * The source a call's credentials come from. `origin` says where it was configured (for messages; never a
 * secret). Secrets only sit in `accessKey` and in an inline `oidcRole.token`.
 */
export type CredentialSource =
  | { readonly kind: "accessKey"; readonly origin: string; readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken?: string }
  | { readonly kind: "cliProfile"; readonly origin: string; readonly file: string; readonly profileName: string; readonly configuration: CliConfiguration }
  | { readonly kind: "iniProfile"; readonly origin: string; readonly file: string; readonly section: string; readonly ini: Readonly<Record<string, Readonly<Record<string, string>>>> }
  | { readonly kind: "credentialsUri"; readonly origin: string; readonly uri: string }
  | { readonly kind: "ecsRamRole"; readonly origin: string; readonly roleName: string; readonly disableImdsV1: boolean }
  | (RoleSession & {
      readonly kind: "oidcRole";
      readonly oidcProviderArn: string;
      /** A file the official library reads the OIDC token from at every refresh. */
      readonly tokenFile?: string;
      /** The OIDC token itself (`oidcToken`), when no file is given. */
      readonly token?: string;
    })
  | (RoleSession & {
      readonly kind: "assumeRole";
      /** The credentials AssumeRole is signed with. */
      readonly base: CredentialSource;
      readonly externalId?: string;
    });

/** What AssumeRole and AssumeRoleWithOIDC share. */
interface RoleSession {
  readonly origin: string;
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly policy?: string;
  readonly durationSeconds: number;
  /** STS host (`sts.aliyuncs.com`, `host:port`); the official library always calls it over HTTPS. */
  readonly stsEndpoint: string;
}

/** What a fetch returns: the credentials, and their expiration (ms since the epoch) when they expire. */
export interface FetchedCredentials {
  readonly credentials: Credentials;
  readonly expiresAtMs?: number;
}
