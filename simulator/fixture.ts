/**
 * The fixture format (the initial world of a simulator, also the body of `POST /_simulator/reset`), its
 * validation, and the built-in demo world used when no fixture is given.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_BEHAVIOUR, resolveBehaviour, type Behaviour, type BehaviourInput } from "./behaviour";
import { invalidFixture, isAlbError } from "./errors";
import { parseFaultRules, type FaultRule } from "./faults";
import { resolveStsFixture, type ResolvedStsFixture, type StsFixture } from "./sts";
import { CAS_ACTIONS, casReferenceOf } from "../contract/cas-contract";
import {
  ALB_ACTIONS,
  CERTIFICATE_TYPES,
  LISTENER_PROTOCOLS,
  LISTENER_STATUSES,
  Limits as ApiLimits,
  SimulatorErrorCode,
  type CertificateType,
  type ListenerProtocol,
  type ListenerStatus,
} from "../contract/alb-contract";

/** Access key ID of the demo credentials every simulator accepts unless told otherwise. */
export const DEMO_ACCESS_KEY_ID = "LTAI5tSimulatorDemoKey";
/** Access key secret of the demo credentials. Not a secret: it only opens local simulators. */
export const DEMO_ACCESS_KEY_SECRET = "SimulatorDemoSecret000000000000";
/** Region of the demo world. */
export const DEMO_REGION_ID = "cn-hangzhou";

export {
  CERTIFICATE_TYPES,
  LISTENER_PROTOCOLS,
  LISTENER_STATUSES,
  type CertificateType,
  type ListenerProtocol,
  type ListenerStatus,
} from "../contract/alb-contract";

/** A key pair the simulator accepts. */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /**
   * Actions (ALB or CAS, exact API spelling) the key's RAM policy does not allow: a request for one of them
   * answers 403 `Forbidden.RAM`. @default none
   */
  readonly deniedActions?: readonly string[];
}

/** The issuer of a certificate whose details name none. */
export const DEFAULT_CERTIFICATE_ISSUER = "Simulator Test CA";

/**
 * What the Certificate Management Service (CAS) knows about a certificate, as a fixture writes it. Dates are
 * ISO-8601 date-times with a time zone (`2026-01-31T00:00:00Z`) or relative to the simulator's clock when the
 * fixture is loaded: `now+Nd` / `now-Nd` (N whole days).
 */
export interface CertificateDetailsInput {
  /** The certificate's common name (CAS `CommonName` / `Common`). */
  readonly commonName: string;
  /** Subject alternative names. @default [] */
  readonly sans?: readonly string[];
  /** @default "Simulator Test CA" */
  readonly issuer?: string;
  /** The certificate's name in CAS. @default `cert-<CAS ID>` */
  readonly name?: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

/** The details of a certificate in the world: every default filled in, the validity as epoch milliseconds. */
export interface CertificateDetails {
  readonly commonName: string;
  readonly sans: readonly string[];
  readonly issuer: string;
  readonly name: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

/** A certificate in the catalogue, i.e. one that exists in the account. */
export interface FixtureCertificate {
  /** Opaque ID compared exactly, e.g. `23759533-cn-hangzhou`. */
  readonly certificateId: string;
  readonly type: CertificateType;
  /**
   * What CAS knows about it. Only an ID of CAS shape (`<digits>-cn-hangzhou`, `<digits>-ap-southeast-1`) may
   * carry details; a certificate without them does not exist for the CAS actions. @default none
   */
  readonly details?: CertificateDetailsInput;
}

/**
 * The details of a validated fixture: every default filled in, the dates absolute (`toISOString` form), so
 * that a resolved fixture is still a fixture and resolves to itself.
 */
export type ResolvedCertificateDetailsInput = { readonly [K in keyof CertificateDetailsInput]-?: Exclude<CertificateDetailsInput[K], undefined> };

/** A certificate of a validated fixture. */
export interface ResolvedFixtureCertificate {
  readonly certificateId: string;
  readonly type: CertificateType;
  readonly details?: ResolvedCertificateDetailsInput;
}

/** The details a world keeps for a resolved fixture's certificate: the dates as epoch milliseconds. */
export function certificateDetailsOf(details: ResolvedCertificateDetailsInput): CertificateDetails {
  return {
    commonName: details.commonName,
    sans: [...details.sans],
    issuer: details.issuer,
    name: details.name,
    notBeforeMs: Date.parse(details.notBefore),
    notAfterMs: Date.parse(details.notAfter),
  };
}

/** A listener of the world. Its additional certificates start out `Associated`. */
export interface FixtureListener {
  readonly listenerId: string;
  readonly loadBalancerId: string;
  readonly protocol: ListenerProtocol;
  /** 1–65535. */
  readonly port: number;
  /** @default "Running" */
  readonly status?: ListenerStatus;
  /** A Server certificate of the catalogue; HTTP listeners have none. */
  readonly defaultCertificateId?: string;
  /** Server certificates of the catalogue, other than the default one. @default [] */
  readonly additionalCertificateIds?: readonly string[];
  /**
   * HTTPS only: the CA certificate (a `Ca` certificate of the catalogue) of a mutual-TLS listener. GetListenerAttribute
   * then answers `CaEnabled: true` and `CaCertificates`; under the `mutualTls` behaviour ListListenerCertificates lists it.
   */
  readonly caCertificateId?: string;
}

/** Per-world limits. Every field has a default. */
export interface Limits {
  /**
   * Additional certificates per listener, counting Associating, Associated and Dissociating rows; applies when the
   * `loadBalancerQuota` behaviour is off. @default 25
   */
  readonly maxAdditionalCertificatesPerListener: number;
  /**
   * Additional certificates on all listeners of one load balancer together (same count); applies under the
   * `loadBalancerQuota` behaviour (the default). @default 25 (the Standard edition's quota)
   */
  readonly maxAdditionalCertificatesPerLoadBalancer: number;
  /** Certificates per Associate call (the API parameter metadata). @default 15 */
  readonly associateBatchMax: number;
  /**
   * Certificates per Dissociate call (the Dissociate API document); at most 15 under the `dissociateLimit15`
   * behaviour (the API parameter metadata). @default 20
   */
  readonly dissociateBatchMax: number;
  /** Associate/Dissociate calls allowed per sliding window (documented 200 / 60 s). @default 200 */
  readonly mutationsPerWindow: number;
  /** Length of the throttling window in ms. @default 60000 */
  readonly rateWindowMs: number;
}

/** The limits used where a fixture does not set them. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxAdditionalCertificatesPerListener: ApiLimits.loadBalancerCertificatesStandard,
  maxAdditionalCertificatesPerLoadBalancer: ApiLimits.loadBalancerCertificatesStandard,
  associateBatchMax: ApiLimits.associateCertificatesMax,
  dissociateBatchMax: ApiLimits.dissociateCertificatesMaxDocumented,
  mutationsPerWindow: ApiLimits.mutationsPerWindow,
  rateWindowMs: ApiLimits.rateWindowMs,
});

/** A fixture as written by hand: everything except the listener and certificate entries is optional. */
export interface Fixture {
  /** @default "cn-hangzhou" */
  readonly regionId?: string;
  /** @default the demo key */
  readonly accessKeys?: readonly AccessKey[];
  /** @default [] */
  readonly certificates?: readonly FixtureCertificate[];
  /** @default [] */
  readonly listeners?: readonly FixtureListener[];
  readonly limits?: Partial<Limits>;
  /** Fault rules to start with (see `faults.ts`); `startSimulator({faults})` and `--faults` win over them. */
  readonly faults?: readonly FaultRule[];
  /** Roles and OIDC providers of the STS actions (see `sts.ts`). @default the demo role and provider */
  readonly sts?: StsFixture;
  /** Which reading of the API to play (see `behaviour.ts`); `startSimulator({behaviour})` and `--behaviour` win over it. */
  readonly behaviour?: BehaviourInput;
}

/** A validated fixture with every default filled in. */
export interface ResolvedFixture {
  readonly regionId: string;
  readonly accessKeys: readonly AccessKey[];
  readonly certificates: readonly ResolvedFixtureCertificate[];
  readonly listeners: readonly (Required<Omit<FixtureListener, "defaultCertificateId" | "caCertificateId">> & {
    readonly defaultCertificateId: string | null;
    readonly caCertificateId: string | null;
  })[];
  readonly limits: Limits;
  /** The fixture's fault rules; undefined when it names none (the current rules then stay on a reset). */
  readonly faults?: readonly FaultRule[];
  /** The validated `sts` section; undefined when the fixture has none (the simulator then serves the demo one). */
  readonly sts?: ResolvedStsFixture;
  /** The fixture's behaviour, defaults filled in; undefined when it names none (the current behaviour then stays on a reset). */
  readonly behaviour?: Behaviour;
}

/**
 * The built-in demo world: three listeners in cn-hangzhou and a catalogue of thirteen server certificates
 * (one of them expired, two expiring within 30 days) and one CA. Every server certificate has CAS details,
 * dated relative to the clock when the world is loaded.
 */
export const DEMO_FIXTURE: Fixture = deepFreeze<Fixture>({
  regionId: DEMO_REGION_ID,
  accessKeys: [{ accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET }],
  certificates: [
    demoServer("23759533-cn-hangzhou", "example.com", -200, 165, ["example.com", "*.example.com"]),
    demoServer("24664588-cn-hangzhou", "api.example.com", -100, 265),
    // Expiring soon: the certificate being renewed (by 25481937).
    demoServer("25112233-cn-hangzhou", "shop.example.com", -340, 25),
    demoServer("25209871-cn-hangzhou", "www.example.net", -60, 305, ["www.example.net", "example.net"]),
    demoServer("25346102-cn-hangzhou", "*.example.org", -30, 335, ["*.example.org", "example.org"]),
    // The renewal of 25112233.
    demoServer("25481937-cn-hangzhou", "shop.example.com", -2, 363),
    demoServer("25590214-cn-hangzhou", "static.example.com", -355, 10),
    demoServer("25677345-cn-hangzhou", "mail.example.com", -90, 275),
    demoServer("25768120-cn-hangzhou", "pay.example.com", -120, 245),
    demoServer("25843391-cn-hangzhou", "cdn.example.com", -45, 320),
    demoServer("25917456-cn-hangzhou", "login.example.com", -15, 350),
    demoServer("26004378-cn-hangzhou", "docs.example.com", -5, 360),
    { certificateId: "139a00604bd-cn-east-hangzhou", type: "Ca" },
    // Expired five days ago.
    demoServer("26115002-cn-hangzhou", "old.example.com", -400, -5),
  ],
  listeners: [
    {
      listenerId: "lsn-demo-https-443",
      loadBalancerId: "alb-demo8mszt95oamfjy",
      protocol: "HTTPS",
      port: 443,
      status: "Running",
      defaultCertificateId: "23759533-cn-hangzhou",
      additionalCertificateIds: ["24664588-cn-hangzhou"],
    },
    {
      listenerId: "lsn-demo-quic-443",
      loadBalancerId: "alb-demo8mszt95oamfjy",
      protocol: "QUIC",
      port: 443,
      status: "Running",
      defaultCertificateId: "23759533-cn-hangzhou",
      additionalCertificateIds: [],
    },
    {
      listenerId: "lsn-demo-http-80",
      loadBalancerId: "alb-demo8mszt95oamfjy",
      protocol: "HTTP",
      port: 80,
      status: "Running",
    },
  ],
});

/**
 * A demo server certificate with CAS details: valid from `fromDays` to `toDays` days relative to now; its
 * SANs are its common name unless given.
 */
function demoServer(certificateId: string, commonName: string, fromDays: number, toDays: number, sans?: readonly string[]): FixtureCertificate {
  const relative = (days: number): string => `now${days < 0 ? "-" : "+"}${Math.abs(days)}d`;
  return {
    certificateId,
    type: "Server",
    details: { commonName, sans: sans ?? [commonName], notBefore: relative(fromDays), notAfter: relative(toDays) },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object with only `allowed` keys; `field` "" is the fixture itself. */
function record(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) throw invalidFixture(field === "" ? "(the fixture)" : field, "must be an object");
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw invalidFixture(`${field === "" ? "" : `${field}.`}${key}`, `is not a known field (known: ${allowed.join(", ")})`);
    }
  }
  return value;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw invalidFixture(field, "must be a non-empty string");
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw invalidFixture(field, `must be one of ${allowed.join(", ")}`);
  }
  return value as T;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalidFixture(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function array(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalidFixture(field, "must be an array");
  return value;
}

/** The actions a RAM policy can deny: every ALB and CAS action the simulator serves. */
const DENIABLE_ACTIONS: readonly string[] = [...ALB_ACTIONS, ...CAS_ACTIONS];

function deniedActions(value: unknown, field: string): string[] {
  const actions = array(value, field).map((action, j) => oneOf(action, `${field}[${j}]`, DENIABLE_ACTIONS));
  actions.forEach((action, j) => {
    if (actions.indexOf(action) !== j) throw invalidFixture(`${field}[${j}]`, `duplicates ${action}`);
  });
  return actions;
}

function resolveLimits(value: unknown): Limits {
  if (value === undefined) return DEFAULT_LIMITS;
  const input = record(value, "limits", Object.keys(DEFAULT_LIMITS));
  const limit = (key: keyof Limits, max: number): number =>
    input[key] === undefined ? DEFAULT_LIMITS[key] : integer(input[key], `limits.${key}`, 1, max);
  return {
    maxAdditionalCertificatesPerListener: limit("maxAdditionalCertificatesPerListener", 10_000),
    maxAdditionalCertificatesPerLoadBalancer: limit("maxAdditionalCertificatesPerLoadBalancer", 100_000),
    associateBatchMax: limit("associateBatchMax", 1_000),
    dissociateBatchMax: limit("dissociateBatchMax", 1_000),
    mutationsPerWindow: limit("mutationsPerWindow", 1_000_000),
    rateWindowMs: limit("rateWindowMs", 86_400_000),
  };
}

/** Which behaviour a fixture's quotas are checked against: see {@link resolveFixture}. */
export interface FixtureBehaviourContext {
  /** The behaviour the world will run under whatever the fixture says (an explicit option). */
  readonly override?: Behaviour;
  /** The behaviour the world runs under when the fixture names none. @default DEFAULT_BEHAVIOUR */
  readonly fallback?: Behaviour;
  /** The clock time relative certificate dates (`now+30d`) count from, ms. @default the wall clock */
  readonly nowMs?: number;
}

const DAY_MS = 86_400_000;
/** Relative dates reach at most this many days from now (about 270 years). */
const MAX_RELATIVE_DAYS = 99_999;
/** The accepted certificate dates: ISO-8601's four-digit years (a test clock may start at the epoch, 0). */
const MIN_DATE_MS = Date.parse("0000-01-01T00:00:00Z");
const MAX_DATE_MS = Date.parse("9999-12-31T23:59:59.999Z");
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 date-time as epoch ms, or NaN (also for a day its month lacks, or hour 24, which `Date.parse` rolls over). */
function parseIsoDateTime(value: string): number {
  const match = ISO_DATE_TIME.exec(value);
  if (match === null) return Number.NaN;
  const [year, month, day, hour] = match.slice(1, 5).map(Number) as [number, number, number, number];
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0);
  if (day < 1 || day > daysInMonth || hour > 23) return Number.NaN;
  return Date.parse(value);
}
const RELATIVE_DATE = /^now([+-])(\d{1,5})d$/;

/** A certificate date: an ISO-8601 date-time with a time zone, or `now±Nd`; as epoch ms. */
function certificateDate(value: unknown, field: string, nowMs: number): number {
  const reason = "must be an ISO-8601 date-time with a time zone (2026-01-31T00:00:00Z) or now+Nd / now-Nd (N whole days)";
  if (typeof value !== "string") throw invalidFixture(field, reason);
  const relative = RELATIVE_DATE.exec(value);
  let ms: number;
  if (relative !== null) {
    const days = Number(relative[2]);
    if (days > MAX_RELATIVE_DAYS) throw invalidFixture(field, `reaches more than ${MAX_RELATIVE_DAYS} days from now`);
    ms = nowMs + (relative[1] === "-" ? -days : days) * DAY_MS;
  } else {
    ms = parseIsoDateTime(value);
    if (Number.isNaN(ms)) throw invalidFixture(field, reason);
  }
  if (ms < MIN_DATE_MS || ms > MAX_DATE_MS) throw invalidFixture(field, "must lie between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z");
  return ms;
}

/** A domain name of a certificate: a non-empty string without spaces or commas (CAS lists domains comma separated). */
function domainName(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw invalidFixture(field, "must be a non-empty string");
  if (/[\s,]/.test(value)) throw invalidFixture(field, "must be a domain name, without spaces or commas");
  return value;
}

const DETAILS_FIELDS = ["commonName", "sans", "issuer", "name", "notBefore", "notAfter"];

/** The CAS details of `certificates[i]`, validated, defaults filled in, dates absolute. */
function resolveDetails(value: unknown, field: string, certificateId: string, nowMs: number): ResolvedCertificateDetailsInput {
  const reference = casReferenceOf(certificateId);
  if (reference === undefined) {
    throw invalidFixture(field, `is set on ${certificateId}, whose ID is not of CAS shape (<digits>-<region>, e.g. 23759533-cn-hangzhou); only such certificates exist in CAS`);
  }
  const input = record(value, field, DETAILS_FIELDS);
  const commonName = domainName(input.commonName, `${field}.commonName`);
  const sans = array(input.sans ?? [], `${field}.sans`).map((san, j) => domainName(san, `${field}.sans[${j}]`));
  const issuer = input.issuer === undefined ? DEFAULT_CERTIFICATE_ISSUER : nonEmptyString(input.issuer, `${field}.issuer`);
  const name = input.name === undefined ? `cert-${reference.casId}` : nonEmptyString(input.name, `${field}.name`);
  const notBefore = certificateDate(input.notBefore, `${field}.notBefore`, nowMs);
  const notAfter = certificateDate(input.notAfter, `${field}.notAfter`, nowMs);
  if (notAfter <= notBefore) throw invalidFixture(`${field}.notAfter`, "must be after notBefore");
  return { commonName, sans, issuer, name, notBefore: new Date(notBefore).toISOString(), notAfter: new Date(notAfter).toISOString() };
}

/**
 * Validates a fixture and fills in its defaults. The quota a listener list is checked against depends on the
 * behaviour the world will run under: `context.override`, else the fixture's own `behaviour`, else
 * `context.fallback`, else the default (the load-balancer quota).
 *
 * @throws AlbErrorResponse `InvalidFixture` naming the offending field (e.g. `listeners[1].defaultCertificateId`),
 *   for wrong types, unknown fields, duplicate IDs, references to unknown or CA certificates (or a server
 *   certificate as a CA certificate), certificates on HTTP listeners, an invalid behaviour, more additional
 *   certificates than the quota, invalid certificate `details` (a field, a date, `notAfter` not after
 *   `notBefore`, an ID not of CAS shape, a CAS ID given details twice) and unknown or repeated `deniedActions`.
 */
export function resolveFixture(input: unknown, context: FixtureBehaviourContext = {}): ResolvedFixture {
  const root = record(input, "", ["regionId", "accessKeys", "certificates", "listeners", "limits", "faults", "sts", "behaviour"]);
  const regionId = root.regionId === undefined ? DEMO_REGION_ID : nonEmptyString(root.regionId, "regionId");
  const limits = resolveLimits(root.limits);
  let behaviour: Behaviour | undefined;
  if (root.behaviour !== undefined) {
    try {
      behaviour = resolveBehaviour(root.behaviour);
    } catch (error: unknown) {
      if (isAlbError(error, SimulatorErrorCode.invalidBehaviour)) throw invalidFixture(error.params.field, error.params.reason);
      throw error;
    }
  }
  const quotaPerLoadBalancer = (context.override ?? behaviour ?? context.fallback ?? DEFAULT_BEHAVIOUR).loadBalancerQuota;

  const accessKeys = root.accessKeys === undefined
    ? [{ accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET }]
    : array(root.accessKeys, "accessKeys").map((entry, i): AccessKey => {
      const key = record(entry, `accessKeys[${i}]`, ["accessKeyId", "accessKeySecret", "deniedActions"]);
      return {
        accessKeyId: nonEmptyString(key.accessKeyId, `accessKeys[${i}].accessKeyId`),
        accessKeySecret: nonEmptyString(key.accessKeySecret, `accessKeys[${i}].accessKeySecret`),
        ...(key.deniedActions === undefined ? {} : { deniedActions: deniedActions(key.deniedActions, `accessKeys[${i}].deniedActions`) }),
      };
    });
  if (accessKeys.length === 0) throw invalidFixture("accessKeys", "must hold at least one key");
  const keyIds = new Set<string>();
  accessKeys.forEach((key, i) => {
    if (keyIds.has(key.accessKeyId)) throw invalidFixture(`accessKeys[${i}].accessKeyId`, `duplicates ${key.accessKeyId}`);
    keyIds.add(key.accessKeyId);
  });

  const nowMs = context.nowMs ?? Date.now();
  const certificateTypes = new Map<string, CertificateType>();
  /** CAS IDs of the certificates with details, and where each was given. */
  const casIds = new Map<number, string>();
  const certificates = array(root.certificates ?? [], "certificates").map((entry, i): ResolvedFixtureCertificate => {
    const field = `certificates[${i}]`;
    const cert = record(entry, field, ["certificateId", "type", "details"]);
    const certificateId = nonEmptyString(cert.certificateId, `${field}.certificateId`);
    const type = oneOf(cert.type, `${field}.type`, CERTIFICATE_TYPES);
    if (certificateTypes.has(certificateId)) throw invalidFixture(`${field}.certificateId`, `duplicates ${certificateId}`);
    certificateTypes.set(certificateId, type);
    if (cert.details === undefined) return { certificateId, type };
    const details = resolveDetails(cert.details, `${field}.details`, certificateId, nowMs);
    const casId = casReferenceOf(certificateId)?.casId ?? 0;
    const earlier = casIds.get(casId);
    if (earlier !== undefined) throw invalidFixture(`${field}.details`, `gives CAS ID ${casId} details a second time (${earlier} has them); CAS IDs are unique`);
    casIds.set(casId, field);
    return { certificateId, type, details };
  });

  const serverCertificate = (value: unknown, field: string): string => {
    const id = nonEmptyString(value, field);
    const type = certificateTypes.get(id);
    if (type === undefined) throw invalidFixture(field, `references ${id}, which is not in certificates`);
    if (type !== "Server") throw invalidFixture(field, `references ${id}, which is a ${type} certificate, not a Server certificate`);
    return id;
  };

  const listenerIds = new Set<string>();
  const listeners = array(root.listeners ?? [], "listeners").map((entry, i) => {
    const field = `listeners[${i}]`;
    const input = record(entry, field, [
      "listenerId", "loadBalancerId", "protocol", "port", "status", "defaultCertificateId", "additionalCertificateIds", "caCertificateId",
    ]);
    const listenerId = nonEmptyString(input.listenerId, `${field}.listenerId`);
    if (listenerIds.has(listenerId)) throw invalidFixture(`${field}.listenerId`, `duplicates ${listenerId}`);
    listenerIds.add(listenerId);
    const protocol = oneOf(input.protocol, `${field}.protocol`, LISTENER_PROTOCOLS);
    const defaultCertificateId = input.defaultCertificateId === undefined || input.defaultCertificateId === null
      ? null
      : serverCertificate(input.defaultCertificateId, `${field}.defaultCertificateId`);
    const additionalCertificateIds = array(input.additionalCertificateIds ?? [], `${field}.additionalCertificateIds`)
      .map((id, j) => serverCertificate(id, `${field}.additionalCertificateIds[${j}]`));
    if (protocol === "HTTP" && (defaultCertificateId !== null || additionalCertificateIds.length > 0)) {
      throw invalidFixture(`${field}.protocol`, "is HTTP, which carries no certificates");
    }
    const seen = new Set<string>();
    additionalCertificateIds.forEach((id, j) => {
      const idField = `${field}.additionalCertificateIds[${j}]`;
      if (id === defaultCertificateId) throw invalidFixture(idField, `is the listener's default certificate ${id}`);
      if (seen.has(id)) throw invalidFixture(idField, `duplicates ${id}`);
      seen.add(id);
    });
    let caCertificateId: string | null = null;
    if (input.caCertificateId !== undefined && input.caCertificateId !== null) {
      const caField = `${field}.caCertificateId`;
      caCertificateId = nonEmptyString(input.caCertificateId, caField);
      const type = certificateTypes.get(caCertificateId);
      if (type === undefined) throw invalidFixture(caField, `references ${caCertificateId}, which is not in certificates`);
      if (type !== "Ca") throw invalidFixture(caField, `references ${caCertificateId}, which is a ${type} certificate, not a Ca certificate`);
      if (protocol !== "HTTPS") throw invalidFixture(caField, `is set on a ${protocol} listener; only HTTPS listeners take a CA certificate`);
    }
    if (!quotaPerLoadBalancer && additionalCertificateIds.length > limits.maxAdditionalCertificatesPerListener) {
      throw invalidFixture(
        `${field}.additionalCertificateIds`,
        `holds ${additionalCertificateIds.length} certificates, more than limits.maxAdditionalCertificatesPerListener (${limits.maxAdditionalCertificatesPerListener})`,
      );
    }
    return {
      listenerId,
      loadBalancerId: nonEmptyString(input.loadBalancerId, `${field}.loadBalancerId`),
      protocol,
      port: integer(input.port, `${field}.port`, 1, 65_535),
      status: input.status === undefined ? "Running" as const : oneOf(input.status, `${field}.status`, LISTENER_STATUSES),
      defaultCertificateId,
      additionalCertificateIds,
      caCertificateId,
    };
  });

  if (quotaPerLoadBalancer) {
    const usage = new Map<string, number>();
    listeners.forEach((listener, i) => {
      const total = (usage.get(listener.loadBalancerId) ?? 0) + listener.additionalCertificateIds.length;
      usage.set(listener.loadBalancerId, total);
      if (total > limits.maxAdditionalCertificatesPerLoadBalancer) {
        throw invalidFixture(
          `listeners[${i}].additionalCertificateIds`,
          `brings load balancer ${listener.loadBalancerId} to ${total} additional certificates, more than limits.maxAdditionalCertificatesPerLoadBalancer (${limits.maxAdditionalCertificatesPerLoadBalancer})`,
        );
      }
    });
  }

  let faults: FaultRule[] | undefined;
  if (root.faults !== undefined) {
    try {
      faults = parseFaultRules(root.faults);
    } catch (error: unknown) {
      if (isAlbError(error, SimulatorErrorCode.invalidFaultRule)) throw invalidFixture(error.params.field, error.params.reason);
      throw error;
    }
  }

  return {
    regionId, accessKeys, certificates, listeners, limits,
    ...(faults === undefined ? {} : { faults }),
    ...(root.sts === undefined ? {} : { sts: resolveStsFixture(root.sts) }),
    ...(behaviour === undefined ? {} : { behaviour }),
  };
}

/** Thrown when a fixture file cannot be read, parsed or validated; the message names the file. */
export class FixtureFileError extends Error {
  override readonly name = "FixtureFileError" as const;
  constructor(readonly path: string, reason: string, options?: { cause?: unknown }) {
    super(`Cannot load fixture file ${path}: ${reason}`, options);
  }
}

/**
 * Reads and validates a fixture file.
 *
 * @throws FixtureFileError naming the file (and the field, for invalid content).
 */
export function loadFixtureFile(path: string, context: FixtureBehaviourContext = {}): ResolvedFixture {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error: unknown) {
    throw new FixtureFileError(path, error instanceof Error ? error.message : String(error), { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    throw new FixtureFileError(path, `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  try {
    return resolveFixture(parsed, context);
  } catch (error: unknown) {
    throw new FixtureFileError(path, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
