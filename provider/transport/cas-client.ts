/**
 * The only module that speaks the Certificate Management Service (CAS) API, `2020-04-07`. It sends through
 * the same pop-core request function as the ALB client (`createRpcCaller`: always POST, credentials asked per
 * request, failures as {@link AlbApiError}s free of secrets) and reads two actions only:
 * GetCertificateDetail, which never returns the certificate body or the private key, and
 * ListUserCertificateOrder with `OrderType=CERT`. It never calls GetUserCertificateDetail, which returns the
 * private key unless asked not to. What each field means and where that is documented:
 * `docs/cas-api-facts.md`.
 */
import { normalizeDomain } from "../base/domain-name";
import { AlbApiError } from "../base/errors";
import { CAS_API_VERSION, CAS_LIST_PAGE_SIZE, CasAction, CasOrderType } from "../../contract/cas-contract";
import { casCertificateMissing } from "../../contract/alb-contract";
import { arr, createRpcCaller, str, type AlbClientOptions, type RawResponse, type RpcApi } from "./alb-client";
import type { CasApi, CertificateDetail, CertificateSummary } from "./cas-types";

/** How to reach the CAS API: the same options as the ALB client's (endpoint, credentials per request, …). */
export type CasClientOptions = AlbClientOptions;

/** The CAS API, as the shared request function speaks it. */
const CAS_RPC: RpcApi = { version: CAS_API_VERSION, name: "the Certificate Management Service API", response: "a Certificate Management Service API response" };

/** Most pages one listing reads: a guard against an endpoint that never says it is done. */
const MAX_LIST_PAGES = 1_000;

/** A validity instant below this is in seconds, not milliseconds (1e12 ms is September 2001). */
const SECONDS_BELOW = 1e12;

const DAY_MS = 86_400_000;

/**
 * Creates a {@link CasApi} backed by `@alicloud/pop-core`. The client object holds no credentials: the
 * request function asks `options.credentials` on every request.
 */
export function createCasClient(options: CasClientOptions): CasApi {
  const call = createRpcCaller(options, CAS_RPC);

  return {
    async getCertificateDetail(casId) {
      if (!Number.isSafeInteger(casId) || casId <= 0) throw new RangeError(`casId must be a positive whole number, got ${casId}`);
      const body = await call(CasAction.getCertificateDetail, { CertificateId: casId }, { certificateIds: [String(casId)] });
      return detailOf(body);
    },

    async listCertificates(keyword) {
      const found = new Map<number, CertificateSummary>();
      let seen = 0;
      for (let page = 1; page <= MAX_LIST_PAGES; page++) {
        const body = await call(
          CasAction.listUserCertificateOrder,
          { Keyword: keyword, OrderType: CasOrderType.cert, ShowSize: CAS_LIST_PAGE_SIZE, CurrentPage: page },
          {},
        );
        const items = arr(body.CertificateOrderList);
        seen += items.length;
        for (const raw of items) {
          const summary = summaryOf(raw as RawResponse);
          // A certificate added while paging can shift another onto the next page: each one once.
          if (summary !== undefined && !found.has(summary.casId)) found.set(summary.casId, summary);
        }
        const total = wholeNumber(body.TotalCount);
        if (items.length < CAS_LIST_PAGE_SIZE || (total !== undefined && seen >= total)) break;
      }
      return [...found.values()];
    },
  };
}

/** GetCertificateDetail's answer in domain terms. */
function detailOf(body: RawResponse): CertificateDetail {
  const commonName = str(body.CommonName);
  const sans = body.SubjectAlternativeNames;
  return {
    certificateId: str(body.CertIdentifier),
    commonName,
    // `Domain` first: the service is reported to answer `SubjectAlternativeNames` empty.
    domains: domainList([...commaList(body.Domain), commonName, ...(Array.isArray(sans) ? sans.map(str) : commaList(sans))]),
    issuer: str(body.Issuer),
    notBefore: instant(body.NotBefore) ?? 0,
    // No end: treated as ended, so such a certificate is never chosen as valid.
    notAfter: instant(body.NotAfter) ?? 0,
  };
}

/** One ListUserCertificateOrder item (`OrderType=CERT`) in domain terms; undefined without a usable ID. */
function summaryOf(item: RawResponse): CertificateSummary | undefined {
  const casId = wholeNumber(item.CertificateId);
  if (casId === undefined || casId <= 0) return undefined;
  const commonName = str(item.CommonName);
  return {
    casId,
    commonName,
    domains: domainList([commonName, ...commaList(item.Sans)]),
    notBefore: instant(item.CertStartTime) ?? dayStart(item.StartDate) ?? 0,
    notAfter: instant(item.CertEndTime) ?? dayEnd(item.EndDate) ?? 0,
  };
}

/** Comma-separated names as a list (`"a.com, b.com"` → `["a.com", "b.com"]`); anything else → `[]`. */
function commaList(value: unknown): string[] {
  return typeof value === "string" ? value.split(",") : [];
}

/** Names normalized, the unusable dropped, each once in first-seen order. */
function domainList(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const domain = normalizeDomain(name);
    if (domain !== "" && !out.includes(domain)) out.push(domain);
  }
  return out;
}

/** A whole number, given as a number or as digits; undefined otherwise. */
function wholeNumber(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * A validity instant in epoch milliseconds. The documents state no unit; the examples and the sibling
 * actions point to milliseconds, so a value below 1e12 (before September 2001 in milliseconds) is read as
 * seconds. Zero or anything that is no whole number: undefined.
 */
function instant(value: unknown): number | undefined {
  const n = wholeNumber(value);
  if (n === undefined || n === 0) return undefined;
  return n < SECONDS_BELOW ? n * 1000 : n;
}

/** Midnight UTC starting a `YYYY-MM-DD` date, in epoch milliseconds; undefined for anything else. */
function dayStart(value: unknown): number | undefined {
  const match = typeof value === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim()) : null;
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2026-02-30 over to March: such a date is none.
  const back = new Date(ms);
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day ? ms : undefined;
}

/** The last millisecond (23:59:59.999 UTC) of a `YYYY-MM-DD` date; undefined for anything else. */
function dayEnd(value: unknown): number | undefined {
  const start = dayStart(value);
  return start === undefined ? undefined : start + DAY_MS - 1;
}

/** Whether an error of this client says the certificate does not exist. */
export function isCasNotFound(error: unknown): boolean {
  return error instanceof AlbApiError && casCertificateMissing(error.code);
}
