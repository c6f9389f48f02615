/**
 * The STS (2015-04-01) actions the official credentials chain calls, served on the simulator's own port and
 * routed by `Action` + `Version`: `AssumeRole` (signed with the caller's key, like every POP request) and
 * `AssumeRoleWithOIDC` (unsigned, as the real one: the OIDC token is the proof). Both issue temporary
 * credentials (`STS.`-prefixed AccessKeyId, secret, SecurityToken) that expire on the simulator's clock;
 * the ALB actions then accept a temporary key only together with its SecurityToken and only before it
 * expires ({@link StsService.checkSecurityToken}).
 *
 * Roles and OIDC providers come from the fixture's `sts` section (or the demo one). An OIDC token is
 * accepted when it is one of the provider's shared `tokens` (plain strings, for tests and demos), or a JWT
 * (`header.payload.signature`, the signature is NOT verified) whose `iss` is the provider's issuer, whose
 * `aud` names one of its `clientIds` and whose `exp` (seconds) is still ahead of the simulator's clock.
 * Error codes, messages and statuses: `docs/credentials.md`.
 *
 * Nothing secret is kept outside this class: the request log gets the parameters without `OIDCToken`
 * ({@link withoutStsSecrets}), and {@link StsService.issued} lists sessions without secrets or tokens.
 */
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ErrorCode, StsAction, type StsActionName } from "../contract/alb-contract";
import { AlbErrorResponse, albError, internalError, invalidFixture, missingParameter } from "./errors";
import { headerValue, type Caller } from "./signature";

/** A RAM role that AssumeRole and AssumeRoleWithOIDC may assume. Any caller may assume it. */
export interface StsRoleFixture {
  /** e.g. `acs:ram::1234567890123456:role/alb-deployer` */
  readonly roleArn: string;
  /** Longest session in seconds (the role's MaxSessionDuration, 3600-43200). @default 3600 */
  readonly maxSessionDurationSeconds?: number;
}

/** An OIDC identity provider registered for AssumeRoleWithOIDC. */
export interface OidcProviderFixture {
  /** e.g. `acs:ram::1234567890123456:oidc-provider/github-actions` */
  readonly oidcProviderArn: string;
  /** The `iss` a JWT must carry, e.g. `https://token.actions.githubusercontent.com`. */
  readonly issuer: string;
  /** Accepted audiences (`aud`), at least one. */
  readonly clientIds: readonly string[];
  /** Plain shared tokens accepted as they are, without JWT checks. @default [] */
  readonly tokens?: readonly string[];
}

/** The `sts` section of a fixture. */
export interface StsFixture {
  /** @default the demo role */
  readonly roles?: readonly StsRoleFixture[];
  /** @default the demo OIDC provider */
  readonly oidcProviders?: readonly OidcProviderFixture[];
  /**
   * A test knob: issued credentials live this many seconds of clock time, whatever `DurationSeconds` asked
   * for (which is still validated). Lets a test run an apply longer than the credentials live.
   * @default DurationSeconds
   */
  readonly credentialLifetimeSeconds?: number;
}

/** A validated `sts` section. */
export interface ResolvedStsFixture {
  readonly roles: readonly Required<StsRoleFixture>[];
  readonly oidcProviders: readonly Required<OidcProviderFixture>[];
  readonly credentialLifetimeSeconds?: number;
}

/** Account of the demo role and OIDC provider. */
export const DEMO_ACCOUNT_ID = "1234567890123456";
/** The role the demo STS section lets anyone assume. */
export const DEMO_ROLE_ARN = `acs:ram::${DEMO_ACCOUNT_ID}:role/alb-listener-certificates`;
/** The OIDC provider of the demo STS section. */
export const DEMO_OIDC_PROVIDER_ARN = `acs:ram::${DEMO_ACCOUNT_ID}:oidc-provider/github-actions`;
/** Issuer of the demo OIDC provider (GitHub Actions' issuer). */
export const DEMO_OIDC_ISSUER = "https://token.actions.githubusercontent.com";
/** Client ID (audience) of the demo OIDC provider. */
export const DEMO_OIDC_CLIENT_ID = "sts.aliyuncs.com";
/** A plain shared token the demo OIDC provider accepts. Not a secret: it only opens local simulators. */
export const DEMO_OIDC_TOKEN = "simulator-demo-oidc-token";

/** The STS section used when a fixture has none. */
export const DEMO_STS_FIXTURE: StsFixture = Object.freeze({
  roles: Object.freeze([Object.freeze({ roleArn: DEMO_ROLE_ARN, maxSessionDurationSeconds: 3600 })]),
  oidcProviders: Object.freeze([
    Object.freeze({ oidcProviderArn: DEMO_OIDC_PROVIDER_ARN, issuer: DEMO_OIDC_ISSUER, clientIds: Object.freeze([DEMO_OIDC_CLIENT_ID]), tokens: Object.freeze([DEMO_OIDC_TOKEN]) }),
  ]),
});

/** Shortest session STS grants, seconds. */
const MIN_DURATION_SECONDS = 900;
/** Session length when `DurationSeconds` is absent, seconds. */
const DEFAULT_DURATION_SECONDS = 3600;

// ------------------------------------------------------------------------------------------ fixture

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fields(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) throw invalidFixture(field, "must be an object");
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalidFixture(`${field}.${key}`, `is not a known field (known: ${allowed.join(", ")})`);
  }
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw invalidFixture(field, "must be a non-empty string");
  return value;
}

function list(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalidFixture(field, "must be an array");
  return value;
}

function seconds(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalidFixture(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Validates the `sts` section of a fixture (undefined: the demo section).
 *
 * @throws AlbErrorResponse `InvalidFixture` naming the field (`sts.roles[0].roleArn`).
 */
export function resolveStsFixture(input: unknown, field = "sts"): ResolvedStsFixture {
  const root = fields(input ?? DEMO_STS_FIXTURE, field, ["roles", "oidcProviders", "credentialLifetimeSeconds"]);
  const roles = list(root.roles ?? DEMO_STS_FIXTURE.roles, `${field}.roles`).map((entry, i) => {
    const at = `${field}.roles[${i}]`;
    const role = fields(entry, at, ["roleArn", "maxSessionDurationSeconds"]);
    return {
      roleArn: text(role.roleArn, `${at}.roleArn`),
      maxSessionDurationSeconds: role.maxSessionDurationSeconds === undefined ? DEFAULT_DURATION_SECONDS : seconds(role.maxSessionDurationSeconds, `${at}.maxSessionDurationSeconds`, 3600, 43_200),
    };
  });
  const oidcProviders = list(root.oidcProviders ?? DEMO_STS_FIXTURE.oidcProviders, `${field}.oidcProviders`).map((entry, i) => {
    const at = `${field}.oidcProviders[${i}]`;
    const provider = fields(entry, at, ["oidcProviderArn", "issuer", "clientIds", "tokens"]);
    const clientIds = list(provider.clientIds, `${at}.clientIds`).map((id, j) => text(id, `${at}.clientIds[${j}]`));
    if (clientIds.length === 0) throw invalidFixture(`${at}.clientIds`, "must hold at least one client ID");
    return {
      oidcProviderArn: text(provider.oidcProviderArn, `${at}.oidcProviderArn`),
      issuer: text(provider.issuer, `${at}.issuer`),
      clientIds,
      tokens: list(provider.tokens ?? [], `${at}.tokens`).map((token, j) => text(token, `${at}.tokens[${j}]`)),
    };
  });
  const lifetime = root.credentialLifetimeSeconds === undefined ? undefined : seconds(root.credentialLifetimeSeconds, `${field}.credentialLifetimeSeconds`, 1, 43_200);
  return { roles, oidcProviders, ...(lifetime === undefined ? {} : { credentialLifetimeSeconds: lifetime }) };
}

// ------------------------------------------------------------------------------------------ errors

// STS and security-token errors are catalogue entries like any other (code, HTTP status, message template).

/** AuthenticationFail.OIDCToken.Invalid: STS words each reason for refusing a token differently. */
const invalidOidcToken = (reason: string): AlbErrorResponse => albError(ErrorCode.oidcTokenInvalid, { reason });

// ------------------------------------------------------------------------------------------ helpers

/** The SecurityToken of a request: the V1 parameter, or the ACS3 header. */
export function securityTokenOf(params: ReadonlyMap<string, string>, headers: IncomingHttpHeaders): string | undefined {
  return params.get("SecurityToken") ?? headerValue(headers, "x-acs-security-token");
}

/** Parameters fit for the request log: the OIDC token (a credential) removed. */
export function withoutStsSecrets(params: Record<string, string>): Record<string, string> {
  if (!("OIDCToken" in params)) return params;
  const copy = { ...params };
  delete copy.OIDCToken;
  return copy;
}

function base64url(value: string): string {
  return Buffer.from(value, "utf8").toString("base64url");
}

/** An unsigned JWT (`alg: none`) with the given claims, as a test OIDC token. `exp`/`iat` in seconds. */
export function unsignedJwt(claims: { readonly iss: string; readonly aud: string | readonly string[]; readonly sub: string; readonly exp: number; readonly iat?: number }): string {
  return `${base64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}.`;
}

function randomText(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

/** `YYYY-MM-DDTHH:mm:ssZ`, the form STS answers with (and the credentials library parses). */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// ------------------------------------------------------------------------------------------ service

/** A session STS issued, as {@link StsService.issued} shows it: no secret, no token. */
export interface IssuedSession {
  readonly action: StsActionName;
  readonly accessKeyId: string;
  readonly roleArn: string;
  readonly roleSessionName: string;
  /** Clock time of issue, ms. */
  readonly issuedAt: number;
  /** Clock time from which the credentials are refused, ms (the answer's `Expiration`). */
  readonly expiresAt: number;
  /** ALB requests accepted with these credentials so far. */
  readonly uses: number;
}

interface Session {
  readonly view: Omit<IssuedSession, "uses">;
  readonly accessKeySecret: string;
  readonly securityToken: string;
  uses: number;
}

/** What the server hands the service for one STS request. */
export interface StsRequest {
  readonly action: StsActionName;
  readonly params: ReadonlyMap<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly requestId: string;
  /** Verifies the request's signature (and timestamp, nonce) with the caller's key. @throws AlbErrorResponse */
  readonly authenticate: () => Caller;
}

/** The answer to one STS request. */
export interface StsAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** The error code sent, or null on success. */
  readonly code: string | null;
}

/** The STS of one simulator: its roles, OIDC providers and the sessions it issued. */
export class StsService {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly fixture: ResolvedStsFixture,
    private readonly now: () => number,
  ) {}

  /** The secret of a temporary key this service issued (expired ones too), else undefined. */
  temporarySecret(accessKeyId: string): string | undefined {
    return this.sessions.get(accessKeyId)?.accessKeySecret;
  }

  /**
   * Checks the SecurityToken that came with an authenticated request. Keys this service did not issue are
   * not its business (a long-term key may carry any token, or none).
   *
   * @throws AlbErrorResponse `MissingSecurityToken`, `InvalidSecurityToken.Malformed`,
   *   `InvalidSecurityToken.MismatchWithAccessKey` or `InvalidSecurityToken.Expired`.
   */
  checkSecurityToken(accessKeyId: string, securityToken: string | undefined): void {
    const session = this.sessions.get(accessKeyId);
    if (session === undefined) return;
    if (securityToken === undefined || securityToken === "") throw albError(ErrorCode.missingSecurityToken);
    if (!securityToken.startsWith("CAIS")) throw albError(ErrorCode.securityTokenMalformed);
    if (securityToken !== session.securityToken) throw albError(ErrorCode.securityTokenMismatch);
    if (this.now() >= session.view.expiresAt) throw albError(ErrorCode.securityTokenExpired);
    session.uses++;
  }

  /** Every session issued so far, oldest first, without secrets. */
  issued(): IssuedSession[] {
    return [...this.sessions.values()].map((s) => ({ ...s.view, uses: s.uses }));
  }

  /** Answers one STS request (never throws: errors become the error envelope). */
  answer(request: StsRequest): StsAnswer {
    try {
      const body = request.action === StsAction.assumeRole ? this.assumeRole(request) : this.assumeRoleWithOidc(request);
      return { status: 200, body: { RequestId: request.requestId, ...body }, code: null };
    } catch (error: unknown) {
      const failure = error instanceof AlbErrorResponse ? error : internalError();
      return {
        status: failure.httpStatus,
        code: failure.code,
        body: {
          RequestId: request.requestId,
          HostId: "sts.aliyuncs.com",
          Code: failure.code,
          Message: failure.message,
          Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(failure.code)}&product=Sts&requestId=${request.requestId}`,
        },
      };
    }
  }

  private required(params: ReadonlyMap<string, string>, name: string): string {
    const value = params.get(name);
    if (value === undefined || value === "") throw missingParameter(name);
    return value;
  }

  /** Validates what both actions share and returns the role, session name and lifetime in ms. */
  private sessionRequest(params: ReadonlyMap<string, string>): { role: Required<StsRoleFixture>; roleSessionName: string; lifetimeMs: number } {
    const roleArn = this.required(params, "RoleArn");
    const roleSessionName = params.get("RoleSessionName") ?? "";
    if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(roleSessionName)) {
      throw albError(ErrorCode.stsInvalidRoleSessionName);
    }
    const role = this.fixture.roles.find((r) => r.roleArn === roleArn);
    if (role === undefined) throw albError(ErrorCode.stsRoleNotFound, { roleArn });
    const rawDuration = params.get("DurationSeconds");
    const duration = rawDuration === undefined || rawDuration === "" ? DEFAULT_DURATION_SECONDS : Number(rawDuration);
    if (!Number.isInteger(duration) || duration < MIN_DURATION_SECONDS || duration > role.maxSessionDurationSeconds) {
      throw albError(ErrorCode.stsInvalidDurationSeconds, { minSeconds: MIN_DURATION_SECONDS, maxSeconds: role.maxSessionDurationSeconds });
    }
    const policy = params.get("Policy");
    if (policy !== undefined && policy !== "") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(policy);
      } catch {
        parsed = undefined;
      }
      if (!isRecord(parsed)) throw albError(ErrorCode.stsInvalidPolicy);
    }
    return { role, roleSessionName, lifetimeMs: (this.fixture.credentialLifetimeSeconds ?? duration) * 1000 };
  }

  private issue(action: StsActionName, role: Required<StsRoleFixture>, roleSessionName: string, lifetimeMs: number): Record<string, unknown> {
    const issuedAt = this.now();
    // Expiration is sent with whole seconds; the credentials are refused from exactly that instant.
    const expiresAt = Math.floor((issuedAt + lifetimeMs) / 1000) * 1000;
    const accessKeyId = `STS.${randomText(18)}`;
    const session: Session = {
      view: { action, accessKeyId, roleArn: role.roleArn, roleSessionName, issuedAt, expiresAt },
      accessKeySecret: randomText(30),
      securityToken: `CAIS${randomText(150)}`,
      uses: 0,
    };
    this.sessions.set(accessKeyId, session);
    const roleName = role.roleArn.split("/").pop() ?? role.roleArn;
    const assumedRoleId = `3${randomBytes(8).readBigUInt64BE().toString().slice(0, 17)}:${roleSessionName}`;
    return {
      AssumedRoleUser: { Arn: `${role.roleArn.replace(":role/", ":assumed-role/")}/${roleSessionName}`, AssumedRoleId: assumedRoleId, RoleName: roleName },
      Credentials: {
        AccessKeyId: accessKeyId,
        AccessKeySecret: session.accessKeySecret,
        SecurityToken: session.securityToken,
        Expiration: isoSeconds(expiresAt),
      },
    };
  }

  private assumeRole(request: StsRequest): Record<string, unknown> {
    const caller = request.authenticate();
    this.checkSecurityToken(caller.accessKeyId, securityTokenOf(request.params, request.headers));
    const { role, roleSessionName, lifetimeMs } = this.sessionRequest(request.params);
    return this.issue(StsAction.assumeRole, role, roleSessionName, lifetimeMs);
  }

  private assumeRoleWithOidc(request: StsRequest): Record<string, unknown> {
    const { params } = request;
    const providerArn = this.required(params, "OIDCProviderArn");
    const token = (params.get("OIDCToken") ?? "").trim();
    if (token === "") throw invalidOidcToken("The OIDCToken can not empty.");
    const provider = this.fixture.oidcProviders.find((p) => p.oidcProviderArn === providerArn);
    if (provider === undefined) throw albError(ErrorCode.oidcProviderNotFound);
    const claims = provider.tokens.includes(token) ? undefined : this.verifiedClaims(token, provider);
    const { role, roleSessionName, lifetimeMs } = this.sessionRequest(params);
    const body = this.issue(StsAction.assumeRoleWithOidc, role, roleSessionName, lifetimeMs);
    const now = Math.floor(this.now() / 1000);
    return {
      ...body,
      OIDCTokenInfo: {
        Issuer: provider.issuer,
        Subject: claims?.sub ?? "shared-token",
        ClientIds: provider.clientIds.join(","),
        IssuanceTime: isoSeconds((claims?.iat ?? now) * 1000),
        ExpirationTime: isoSeconds((claims?.exp ?? now + 3600) * 1000),
      },
    };
  }

  /** The claims of a JWT the provider accepts. @throws AlbErrorResponse (an `AuthenticationFail.OIDCToken.*` code) */
  private verifiedClaims(token: string, provider: Required<OidcProviderFixture>): { sub: string; exp: number; iat?: number } {
    const parts = token.split(".");
    if (parts.length !== 3) throw invalidOidcToken("The number of Jwt field should be divided into 3 parts with '.' .");
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
    } catch {
      throw invalidOidcToken("Cannot decode base64 encoded response(format invalided).");
    }
    if (!isRecord(claims) || typeof claims.iss !== "string" || typeof claims.sub !== "string" || typeof claims.exp !== "number") {
      throw invalidOidcToken("The Jwt content is invalid that cannot be recognized.");
    }
    if (claims.iss !== provider.issuer) throw invalidOidcToken(`The issuer ${claims.iss} does not match the OIDC provider's issuer.`);
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((aud) => typeof aud === "string" && provider.clientIds.includes(aud))) {
      throw albError(ErrorCode.oidcTokenAudienceMismatch);
    }
    if (claims.exp * 1000 <= this.now()) throw albError(ErrorCode.oidcTokenExpired);
    return { sub: claims.sub, exp: claims.exp, ...(typeof claims.iat === "number" ? { iat: claims.iat } : {}) };
  }
}
