/**
 * `check`'s canonicalization and validation of what a program declares, into the stored format of
 * `state.ts`. Nothing here calls the API.
 */
import { DOMAIN_COVERAGE_MODES, type DomainCoverage } from "../core/certificate-review";
import {
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  MAX_EXPIRY_WARNING_DAYS,
  MAX_WAIT_TIMEOUT_SECONDS,
  MIN_WAIT_TIMEOUT_SECONDS,
} from "../base/defaults";
import { certificateMap, UNKNOWN, type StoredProps } from "./state";

/** A `check` failure naming the property. */
export interface InputFailure {
  readonly property: string;
  readonly reason: string;
}

const LISTENER_ID = /^ls[nr]-[a-z0-9][a-z0-9-]{0,62}$/i;
const CERTIFICATE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const REGION = /^[a-z]{2,4}(-[a-z0-9]+){1,3}$/;

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the property is not set)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length > 60 ? `a ${value.length}-character string` : JSON.stringify(value);
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

export interface CanonicalizeOptions {
  /** Most certificates one resource may declare. */
  readonly maxCertificates: number;
  /** The region when the resource sets none (stack config / environment), or undefined if none is known. */
  readonly defaultRegion?: string;
}

export interface CanonicalizeResult {
  readonly props?: StoredProps;
  /** Set when a certificate ID is not known yet (preview of a value computed by another resource). */
  readonly certificatesUnknown: boolean;
  readonly failures: readonly InputFailure[];
}

/**
 * Validates and canonicalizes the program's inputs: trims, de-duplicates and sorts certificate
 * IDs, resolves defaults. Every failure names the property and says how to fix it.
 */
export function canonicalize(news: Record<string, unknown>, options: CanonicalizeOptions): CanonicalizeResult {
  const failures: InputFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  const rawListener = news.listenerId;
  let listenerId = "";
  if (rawListener === UNKNOWN) {
    listenerId = UNKNOWN;
  } else if (typeof rawListener !== "string" || rawListener.trim() === "") {
    fail("listenerId", `listenerId is required: the ID of an HTTPS or QUIC listener such as "lsn-5qnirjhpt1234abcd"; got ${describe(rawListener)}.`);
  } else if (!LISTENER_ID.test(rawListener.trim())) {
    fail("listenerId", `listenerId ${describe(rawListener)} is not an ALB listener ID: expected "lsn-" followed by letters and digits, e.g. "lsn-5qnirjhpt1234abcd".`);
  } else {
    listenerId = rawListener.trim();
  }

  let certificatesUnknown = false;
  const ids = new Set<string>();
  const rawIds = news.certificateIds;
  if (rawIds === UNKNOWN) {
    certificatesUnknown = true;
  } else if (!Array.isArray(rawIds)) {
    fail("certificateIds", `certificateIds is required: a list of certificate IDs (may be empty); got ${describe(rawIds)}.`);
  } else {
    rawIds.forEach((raw, index) => {
      if (raw === UNKNOWN) {
        certificatesUnknown = true;
        return;
      }
      if (typeof raw !== "string") {
        fail(`certificateIds[${index}]`, `certificateIds[${index}] must be a certificate ID string, got ${describe(raw)}.`);
        return;
      }
      const id = raw.trim();
      if (id === "") {
        fail(`certificateIds[${index}]`, `certificateIds[${index}] is empty; remove it or give a certificate ID such as "23759533-cn-hangzhou".`);
      } else if (!CERTIFICATE_ID.test(id)) {
        fail(
          `certificateIds[${index}]`,
          `certificateIds[${index}] ${describe(raw)} is not a certificate ID: use letters, digits, ".", "_" and "-" only ` +
            `(at most 128 characters), exactly as the certificate service shows it, e.g. "23759533-cn-hangzhou". ` +
            `Give each certificate as its own list element.`,
        );
      } else {
        ids.add(id);
      }
    });
    if (ids.size > options.maxCertificates) {
      fail(
        "certificateIds",
        `certificateIds declares ${ids.size} certificates, more than the ${options.maxCertificates} additional certificates a listener takes. ` +
          `Remove some, or after raising the quota set the stack config alb-listener-certificates:maxCertificatesPerListener.`,
      );
    }
  }

  const exclusive = news.exclusive;
  if (exclusive !== undefined && exclusive !== null && typeof exclusive !== "boolean" && exclusive !== UNKNOWN) {
    fail("exclusive", `exclusive must be true or false, got ${describe(exclusive)}.`);
  }

  let region = options.defaultRegion ?? "";
  const rawRegion = news.region;
  if (rawRegion !== undefined && rawRegion !== null && rawRegion !== "") {
    if (typeof rawRegion !== "string" || !REGION.test(rawRegion.trim())) {
      fail("region", `region must be an Alibaba Cloud region ID such as "cn-hangzhou", got ${describe(rawRegion)}.`);
    } else {
      region = rawRegion.trim();
    }
  } else if (!region) {
    fail("region", `No region: set the resource's region input, or the stack config alicloud:region (pulumi config set alicloud:region cn-hangzhou), or ALIBABA_CLOUD_REGION.`);
  }

  let endpoint: string | undefined;
  const rawEndpoint = news.endpoint;
  if (rawEndpoint !== undefined && rawEndpoint !== null && rawEndpoint !== "") {
    endpoint = typeof rawEndpoint === "string" ? rawEndpoint.trim().replace(/\/+$/, "") : undefined;
    if (!endpoint || !isHttpUrl(endpoint)) {
      fail("endpoint", `endpoint must be an http:// or https:// URL such as "http://127.0.0.1:9400", got ${describe(rawEndpoint)}.`);
    }
  }

  let waitTimeoutSeconds = DEFAULT_WAIT_TIMEOUT_SECONDS;
  const rawTimeout = news.waitTimeoutSeconds;
  if (rawTimeout !== undefined && rawTimeout !== null) {
    if (typeof rawTimeout !== "number" || !Number.isFinite(rawTimeout) || rawTimeout < MIN_WAIT_TIMEOUT_SECONDS || rawTimeout > MAX_WAIT_TIMEOUT_SECONDS) {
      fail(
        "waitTimeoutSeconds",
        `waitTimeoutSeconds must be a number of seconds from ${MIN_WAIT_TIMEOUT_SECONDS} to ${MAX_WAIT_TIMEOUT_SECONDS}, got ${describe(rawTimeout)}.`,
      );
    } else {
      waitTimeoutSeconds = rawTimeout;
    }
  }

  let expiryWarningDays: number | undefined;
  const rawExpiry = news.expiryWarningDays;
  if (rawExpiry !== undefined && rawExpiry !== null) {
    if (typeof rawExpiry !== "number" || !Number.isInteger(rawExpiry) || rawExpiry < 0 || rawExpiry > MAX_EXPIRY_WARNING_DAYS) {
      fail(
        "expiryWarningDays",
        `expiryWarningDays must be a whole number of days from 0 to ${MAX_EXPIRY_WARNING_DAYS} (0 turns the warning off), got ${describe(rawExpiry)}.`,
      );
    } else {
      expiryWarningDays = rawExpiry;
    }
  }

  let domainCoverage: DomainCoverage | undefined;
  const rawCoverage = news.domainCoverage;
  if (rawCoverage !== undefined && rawCoverage !== null) {
    if (typeof rawCoverage !== "string" || !(DOMAIN_COVERAGE_MODES as readonly string[]).includes(rawCoverage)) {
      fail("domainCoverage", `domainCoverage must be one of ${DOMAIN_COVERAGE_MODES.map((m) => JSON.stringify(m)).join(", ")}, got ${describe(rawCoverage)}.`);
    } else {
      domainCoverage = rawCoverage as DomainCoverage;
    }
  }

  const rawDetails = news.readCertificateDetails;
  if (rawDetails !== undefined && rawDetails !== null && typeof rawDetails !== "boolean") {
    fail("readCertificateDetails", `readCertificateDetails must be true or false, got ${describe(rawDetails)}.`);
  }

  const resourceName = typeof news.resourceName === "string" && news.resourceName ? news.resourceName : undefined;

  if (failures.length > 0) return { failures, certificatesUnknown };
  const certificates = certificateMap(ids);
  return {
    failures,
    certificatesUnknown,
    props: {
      listenerId,
      certificates,
      exclusive: exclusive === true,
      region,
      ...(endpoint ? { endpoint } : {}),
      waitTimeoutSeconds,
      ...(expiryWarningDays !== undefined ? { expiryWarningDays } : {}),
      ...(domainCoverage !== undefined ? { domainCoverage } : {}),
      ...(rawDetails === false ? { readCertificateDetails: false } : {}),
      // A secret set sends this input, without a value, only to make the output of the same name secret
      // (resource.ts, `secrecyOf`): it must come back from check for the engine to keep that secrecy.
      ...("certificateInfo" in news ? { certificateInfo: {} } : {}),
      ...(resourceName ? { resourceName } : {}),
    },
  };
}

/** Whether `value` is an absolute http(s) URL without credentials in it. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && !url.username && !url.password && url.hostname !== "";
  } catch {
    return false;
  }
}
