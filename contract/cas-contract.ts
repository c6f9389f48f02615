/**
 * The Certificate Management Service (CAS) API contract, as far as this package reads it: the version, the
 * three read actions, their wire parameters and answers, how an ALB certificate ID maps to a CAS
 * certificate, and which fields would carry key material. The simulator serves exactly this; the provider's
 * CAS client reads exactly this. The facts and their sources are in `docs/cas-api-facts.md`. The error
 * codes live in the one error catalogue (`ERROR_CODES` in `alb-contract.ts`).
 */

/** The CAS API version (`x-acs-version` / `Version`). */
export const CAS_API_VERSION = "2020-04-07";

/** The CAS actions this package knows. */
export const CasAction = Object.freeze({
  /** Details of one certificate without its body or key (`CertificateId` → common name, domains, validity). */
  getCertificateDetail: "GetCertificateDetail",
  /** Details of one certificate; with `CertFilter=true` without body and key, otherwise *with the private key*. */
  getUserCertificateDetail: "GetUserCertificateDetail",
  /** Certificates (or orders) by keyword, paged with `CurrentPage` / `ShowSize`. */
  listUserCertificateOrder: "ListUserCertificateOrder",
} as const);

export type CasActionName = (typeof CasAction)[keyof typeof CasAction];

/** Every CAS action this package knows. */
export const CAS_ACTIONS: readonly CasActionName[] = Object.freeze(Object.values(CasAction));

/** Whether a request (its action and version) is one of the CAS actions this package knows. */
export function isCasRequest(action: string | null | undefined, version: string | null | undefined): action is CasActionName {
  return version === CAS_API_VERSION && typeof action === "string" && (CAS_ACTIONS as readonly string[]).includes(action);
}

/**
 * The response fields that carry a certificate body or key material (GetUserCertificateDetail without
 * `CertFilter=true`). This package never asks for them: it reads with GetCertificateDetail, which the
 * document describes as excluding the body and the private key.
 */
export const KEY_MATERIAL_FIELDS: readonly string[] = Object.freeze(["Cert", "Key", "EncryptCert", "EncryptPrivateKey", "SignCert", "SignPrivateKey"]);

/** `OrderType` of ListUserCertificateOrder: `CERT` lists issued and uploaded certificates (not orders). */
export const CasOrderType = Object.freeze({ cpack: "CPACK", buy: "BUY", upload: "UPLOAD", cert: "CERT" } as const);

/** `Status` filter of ListUserCertificateOrder for certificates; without one, `CERT` lists only valid ones. */
export const CasListStatus = Object.freeze({ issued: "ISSUED", willExpired: "WILLEXPIRED", expired: "EXPIRED" } as const);

/** `CertificateStatus` of GetCertificateDetail. */
export type CasCertificateStatus = "issued" | "revoked" | "willExpire" | "expired";

/** Default and largest `ShowSize` this package uses (the documented default; others page with 50 too). */
export const CAS_LIST_PAGE_SIZE = 50;

/** The two SSL-certificate centres and their public endpoints (the endpoint table of the CAS SDK). */
export const CAS_SITES = Object.freeze({
  "cn-hangzhou": "https://cas.aliyuncs.com",
  "ap-southeast-1": "https://cas.ap-southeast-1.aliyuncs.com",
} as const);

export type CasSite = keyof typeof CAS_SITES;

/** Where an ALB certificate ID lives in CAS: its numeric CAS ID and the site (centre) that holds it. */
export interface CasReference {
  readonly casId: number;
  readonly site: CasSite;
}

/**
 * The CAS certificate an ALB certificate ID names: `<digits>-<region>`, CAS's `CertIdentifier`. The CAS
 * documents give two suffixes, `cn-hangzhou` (China site) and `ap-southeast-1` (International site), each
 * naming the site that holds the certificate; for any other region suffix the site is the one
 * {@link defaultCasSite} gives that region (certimate's reading; see `docs/cas-api-facts.md`). Any other
 * shape has no documented CAS counterpart: undefined.
 */
export function casReferenceOf(albCertificateId: string): CasReference | undefined {
  const match = /^(\d{1,15})-([a-z]{2,4}(?:-[a-z0-9]+){1,3})$/.exec(albCertificateId);
  if (match === null) return undefined;
  const suffix = match[2]!;
  return { casId: Number(match[1]), site: Object.hasOwn(CAS_SITES, suffix) ? (suffix as CasSite) : defaultCasSite(suffix) };
}

/** The ALB certificate ID (CAS `CertIdentifier`) of a CAS certificate. */
export function albCertificateIdOf(reference: CasReference): string {
  return `${reference.casId}-${reference.site}`;
}

/**
 * The CAS site that holds the certificates used in an ALB region, when nothing else says: the China site
 * for mainland regions (`cn-…`, including `cn-hongkong`), the International site otherwise. Sources
 * disagree on accounts of one site using regions of the other (see `docs/cas-api-facts.md`); callers let
 * the user name the site.
 */
export function defaultCasSite(region: string): CasSite {
  return region.startsWith("cn-") ? "cn-hangzhou" : "ap-southeast-1";
}

// ------------------------------------------------------------------------------------------ wire shapes

/** GetCertificateDetail's request parameters. */
export interface GetCertificateDetailParams {
  readonly CertificateId: number;
}

/** The fields of GetCertificateDetail's answer this package reads or the simulator sends. */
export interface GetCertificateDetailBody {
  readonly RequestId: string;
  readonly CertificateId: number;
  readonly CertIdentifier: string;
  readonly CertificateName: string;
  readonly CommonName: string;
  /** All domains of the certificate, comma separated. */
  readonly Domain: string;
  /** Documented; reported empty on the real service (the simulator can play either). */
  readonly SubjectAlternativeNames: readonly string[];
  /** Epoch milliseconds (the unit the documents imply; the simulator can play seconds). */
  readonly NotBefore: number;
  readonly NotAfter: number;
  readonly CertificateStatus: CasCertificateStatus;
  readonly Issuer: string;
  readonly Algorithm?: string;
  readonly FingerPrint?: string;
  readonly Serial?: string;
  readonly CertificateSource?: string;
}

/** GetUserCertificateDetail's request parameters. */
export interface GetUserCertificateDetailParams {
  readonly CertId: number;
  /** `true` leaves out the certificate body and the private key. */
  readonly CertFilter?: boolean;
}

/** The fields of GetUserCertificateDetail's answer the simulator sends (without key material). */
export interface GetUserCertificateDetailBody {
  readonly RequestId: string;
  readonly Id: number;
  readonly Name: string;
  readonly CertIdentifier: string;
  readonly Common: string;
  /** Comma separated. */
  readonly Sans: string;
  readonly Issuer: string;
  /** `YYYY-MM-DD`. */
  readonly StartDate: string;
  readonly EndDate: string;
  readonly NotBefore: number;
  readonly NotAfter: number;
  readonly Expired: boolean;
}

/** ListUserCertificateOrder's request parameters. */
export interface ListUserCertificateOrderParams {
  readonly Keyword?: string;
  readonly OrderType?: string;
  readonly Status?: string;
  readonly CurrentPage?: number;
  readonly ShowSize?: number;
}

/** One item of ListUserCertificateOrder with `OrderType=CERT`. */
export interface CertificateOrderItem {
  readonly CertificateId: number;
  readonly Name: string;
  readonly CommonName: string;
  /** Comma separated. */
  readonly Sans: string;
  readonly Issuer: string;
  /** `YYYY-MM-DD`. */
  readonly StartDate: string;
  readonly EndDate: string;
  /** Epoch milliseconds. */
  readonly CertStartTime?: number;
  readonly CertEndTime?: number;
  readonly Expired: boolean;
  readonly Upload: boolean;
}

/** ListUserCertificateOrder's answer. */
export interface ListUserCertificateOrderBody {
  readonly RequestId: string;
  readonly CertificateOrderList: readonly CertificateOrderItem[];
  readonly TotalCount: number;
  readonly CurrentPage: number;
  readonly ShowSize: number;
}
