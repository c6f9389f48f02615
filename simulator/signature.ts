/**
 * Request authentication, as both official clients sign their requests (checked against pop-core and the Tea SDK):
 *
 * - V1 (pop-core, and the Tea SDK with `signatureAlgorithm: 'v2'`): HMAC-SHA1 with key `secret + "&"` over
 *   `METHOD&%2F&pct(canon)`, where canon is every decoded query and body parameter except `Signature`,
 *   sorted by key, as `pct(k)=pct(v)` joined by `&`.
 * - ACS3-HMAC-SHA256 (the Tea SDK default): hex HMAC-SHA256 with key `secret` over
 *   `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request (method, path, sorted query with only
 *   values encoded, the signed headers, their names, the body hash).
 *
 * Then the timestamp must be within the skew of the injected clock, and the nonce unused within that
 * window. A forged request never burns a nonce: the signature is checked first.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ErrorCode } from "../contract/alb-contract";
import { albError, missingParameter } from "./errors";
import { compareStrings } from "./paging";

/** The parameters of a V1 request that belong to the protocol, not the business request. */
export const PROTOCOL_PARAMETERS: ReadonlySet<string> = new Set([
  "Action", "Version", "Format", "Timestamp", "AccessKeyId", "SecurityToken", "BearerToken",
  "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType",
]);

/** The only ACS3 algorithm the simulator verifies (the Tea SDK default). */
export const ACS3_ALGORITHM = "ACS3-HMAC-SHA256";

/** `encodeURIComponent` plus `! ' ( ) *`, the encoder of both clients. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Hex SHA-256. */
export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The parts of an HTTP request that signatures cover. */
export interface SignedRequest {
  readonly method: string;
  /** The raw path, e.g. `/`. */
  readonly path: string;
  /** Decoded query parameters (V3 signs only these). */
  readonly query: ReadonlyMap<string, string>;
  /** Decoded query and form-body parameters (V1 signs all of these). */
  readonly params: ReadonlyMap<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Who sent an authenticated request. */
export interface Caller {
  readonly accessKeyId: string;
  readonly scheme: "V1" | "ACS3";
}

/** Where the authenticator looks things up. */
export interface AuthenticationContext {
  /** The secret of an accepted key, or undefined. */
  readonly secretOf: (accessKeyId: string) => string | undefined;
  /** Clock now, ms. */
  readonly nowMs: number;
  /** Largest accepted |now − timestamp|, ms. */
  readonly timestampSkewMs: number;
  readonly nonces: NonceRegistry;
}

/** Remembers nonces for one skew window, so a replayed request is refused. */
export class NonceRegistry {
  /** Nonce key → clock time first seen; insertion order is (nearly) time order. */
  private readonly seen = new Map<string, number>();

  /**
   * Records `nonce` of `accessKeyId` at `nowMs`, forgetting nonces older than `windowMs`.
   *
   * @returns false when the nonce was already used within the window.
   */
  use(accessKeyId: string, nonce: string, nowMs: number, windowMs: number): boolean {
    for (const [key, time] of this.seen) {
      if (time >= nowMs - windowMs) break;
      this.seen.delete(key);
    }
    const key = `${accessKeyId}\n${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, nowMs);
    return true;
  }
}

/** Whether a request claims ACS3 signing (an `authorization: ACS3-…` header). */
export function isAcs3Request(headers: IncomingHttpHeaders): boolean {
  return typeof headers.authorization === "string" && headers.authorization.startsWith("ACS3-");
}

/** A request header's value (Node joins repeated headers already; only set-cookie stays a list). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function equalSecrets(expected: string, actual: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Parses `YYYY-MM-DDTHH:mm:ssZ` (milliseconds optional) as sent in `Timestamp` / `x-acs-date`.
 *
 * @throws AlbErrorResponse `InvalidTimeStamp.Format`.
 */
export function parseTimestamp(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value)) throw albError(ErrorCode.invalidTimeStampFormat);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw albError(ErrorCode.invalidTimeStampFormat);
  return ms;
}

function checkFreshness(accessKeyId: string, timestamp: string | undefined, timestampName: string,
  nonce: string | undefined, nonceName: string, context: AuthenticationContext): void {
  if (timestamp === undefined || timestamp === "") throw missingParameter(timestampName, "Timestamp");
  if (Math.abs(context.nowMs - parseTimestamp(timestamp)) > context.timestampSkewMs) throw albError(ErrorCode.invalidTimeStampExpired);
  if (nonce === undefined || nonce === "") throw missingParameter(nonceName, "SignatureNonce");
  if (!context.nonces.use(accessKeyId, nonce, context.nowMs, context.timestampSkewMs)) throw albError(ErrorCode.signatureNonceUsed);
}

/** The V1 string to sign; `redactToken` hides the SecurityToken value for echoing it in an error. */
export function v1StringToSign(method: string, params: ReadonlyMap<string, string>, redactToken = false): string {
  const canonical = [...params]
    .filter(([key]) => key !== "Signature")
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(redactToken && key === "SecurityToken" ? "***" : value)}`)
    .join("&");
  return `${method}&${percentEncode("/")}&${percentEncode(canonical)}`;
}

function authenticateV1(request: SignedRequest, context: AuthenticationContext): Caller {
  const { params } = request;
  const accessKeyId = params.get("AccessKeyId");
  if (accessKeyId === undefined || accessKeyId === "") throw missingParameter("AccessKeyId");
  const signature = params.get("Signature");
  if (signature === undefined || signature === "") throw missingParameter("Signature");
  const method = params.get("SignatureMethod");
  if (method === undefined || method === "") throw missingParameter("SignatureMethod");
  if (method !== "HMAC-SHA1") throw albError(ErrorCode.incompleteSignature, { detail: `SignatureMethod ${method} is not supported; use HMAC-SHA1.` });
  const secret = context.secretOf(accessKeyId);
  if (secret === undefined) throw albError(ErrorCode.invalidAccessKeyId);
  const stringToSign = v1StringToSign(request.method, params);
  const expected = createHmac("sha1", `${secret}&`).update(stringToSign).digest("base64");
  if (!equalSecrets(expected, signature)) throw albError(ErrorCode.signatureDoesNotMatch, { stringToSign: v1StringToSign(request.method, params, true) });
  checkFreshness(accessKeyId, params.get("Timestamp"), "Timestamp", params.get("SignatureNonce"), "SignatureNonce", context);
  return { accessKeyId, scheme: "V1" };
}

/** The parsed `authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` header. */
export interface Acs3Authorization {
  readonly accessKeyId: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** @throws AlbErrorResponse `IncompleteSignature` for a malformed header or another algorithm. */
export function parseAcs3Authorization(value: string): Acs3Authorization {
  const match = /^(\S+) Credential=([^,\s]+),\s*SignedHeaders=([^,\s]*),\s*Signature=([0-9a-fA-F]+)$/.exec(value.trim());
  if (match === null) throw albError(ErrorCode.incompleteSignature, { detail: "The Authorization header is malformed." });
  const [, algorithm = "", accessKeyId = "", signedHeaders = "", signature = ""] = match;
  if (algorithm !== ACS3_ALGORITHM) throw albError(ErrorCode.incompleteSignature, { detail: `Signature algorithm ${algorithm} is not supported; use ${ACS3_ALGORITHM}.` });
  return { accessKeyId, signedHeaders: signedHeaders === "" ? [] : signedHeaders.split(";"), signature: signature.toLowerCase() };
}

/** The ACS3 string to sign for `request` given its signed header names. */
export function acs3StringToSign(request: SignedRequest, signedHeaders: readonly string[]): string {
  const canonicalQuery = [...request.query]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([key, value]) => `${key}=${percentEncode(value)}`)
    .join("&");
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(headerValue(request.headers, name) ?? "").trim()}\n`).join("");
  const canonicalRequest = [
    request.method, request.path, canonicalQuery, canonicalHeaders, signedHeaders.join(";"), sha256Hex(request.body),
  ].join("\n");
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

function authenticateAcs3(request: SignedRequest, context: AuthenticationContext): Caller {
  const authorization = parseAcs3Authorization(headerValue(request.headers, "authorization") ?? "");
  const secret = context.secretOf(authorization.accessKeyId);
  if (secret === undefined) throw albError(ErrorCode.invalidAccessKeyId);
  const signed = new Set(authorization.signedHeaders);
  for (const name of Object.keys(request.headers)) {
    if (name.startsWith("x-acs-") && !signed.has(name)) throw albError(ErrorCode.incompleteSignature, { detail: `Header ${name} must be signed.` });
  }
  const stringToSign = acs3StringToSign(request, authorization.signedHeaders);
  const expected = createHmac("sha256", secret).update(stringToSign).digest("hex");
  const contentHash = headerValue(request.headers, "x-acs-content-sha256");
  if (!equalSecrets(expected, authorization.signature) || (contentHash !== undefined && contentHash !== sha256Hex(request.body))) {
    throw albError(ErrorCode.signatureDoesNotMatch, { stringToSign });
  }
  checkFreshness(authorization.accessKeyId, headerValue(request.headers, "x-acs-date"), "x-acs-date",
    headerValue(request.headers, "x-acs-signature-nonce"), "x-acs-signature-nonce", context);
  return { accessKeyId: authorization.accessKeyId, scheme: "ACS3" };
}

/**
 * Authenticates a request by whichever scheme it uses.
 *
 * @throws AlbErrorResponse `Missing<Name>` (`MissingAccessKeyId`, `MissingSignature`, `MissingTimestamp`, …),
 *   `IncompleteSignature`, `InvalidAccessKeyId.NotFound`, `SignatureDoesNotMatch`, `InvalidTimeStamp.Format`,
 *   `InvalidTimeStamp.Expired`, `SignatureNonceUsed`.
 */
export function authenticate(request: SignedRequest, context: AuthenticationContext): Caller {
  return isAcs3Request(request.headers) ? authenticateAcs3(request, context) : authenticateV1(request, context);
}
