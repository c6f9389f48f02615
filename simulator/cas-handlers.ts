/**
 * The Certificate Management Service (CAS, version 2020-04-07) read actions the simulator serves on the same
 * port as ALB: GetCertificateDetail, GetUserCertificateDetail and ListUserCertificateOrder, answered from the
 * world's certificates that exist in CAS (`AlbBackend.casCertificates`: a certificate of the catalogue with
 * `details` and an ID of CAS shape, `<digits>-cn-hangzhou` or `<digits>-ap-southeast-1`). The server
 * authenticates, authorizes, injects faults and logs these requests exactly as it does ALB ones.
 *
 * The wire shapes are the contract's (`contract/cas-contract.ts`); the facts behind them, and the choices made
 * where the documents are silent, are in `docs/cas-api-facts.md`. Two points are behaviour switches:
 * `casSansEmpty` (GetCertificateDetail's `SubjectAlternativeNames` empty, as reported on the real service) and
 * `casSecondsTimestamps` (`NotBefore` / `NotAfter` in seconds).
 */
import { ErrorCode } from "../contract/alb-contract";
import {
  albCertificateIdOf,
  CAS_LIST_PAGE_SIZE,
  CasAction,
  CasListStatus,
  CasOrderType,
  type CasActionName,
  type CasCertificateStatus,
  type CertificateOrderItem,
  type GetCertificateDetailBody,
  type GetUserCertificateDetailBody,
  type ListUserCertificateOrderBody,
} from "../contract/cas-contract";
import type { AlbBackend, CasCertificate } from "./backend";
import { albError, missingParameter } from "./errors";
import type { HandlerResult } from "./handlers";
import type { WireParams } from "./params";

/** What a CAS handler gets. */
export interface CasHandlerContext {
  readonly backend: AlbBackend;
  readonly params: WireParams;
}

/** The signature every CAS handler shares; the server adds `RequestId`. */
export type CasHandler = (context: CasHandlerContext) => HandlerResult;

/** A certificate this close to its end (or closer) is about to expire: `willExpire` / `WILLEXPIRED`. */
export const CAS_WILL_EXPIRE_MS = 30 * 86_400_000;
/** The largest `ShowSize` ListUserCertificateOrder accepts. */
export const CAS_MAX_SHOW_SIZE = 100;

/** The certificate body GetUserCertificateDetail sends without `CertFilter=true`: a placeholder, not a certificate. */
export const PLACEHOLDER_CERT = "-----BEGIN CERTIFICATE-----\nSIMULATOR-PLACEHOLDER-NOT-A-CERTIFICATE\n-----END CERTIFICATE-----";
/** The private key GetUserCertificateDetail sends without `CertFilter=true`: a placeholder, not a key. */
export const PLACEHOLDER_KEY = "-----BEGIN PRIVATE KEY-----\nSIMULATOR-PLACEHOLDER-NOT-A-KEY\n-----END PRIVATE KEY-----";

/** Every `Status` of ListUserCertificateOrder; the order states only ever match orders, which the simulator has none of. */
const LIST_STATUSES = ["PAYED", "CHECKING", "CHECKED_FAIL", "NOTACTIVATED", "REVOKED", ...Object.values(CasListStatus)] as const;
const ORDER_TYPES = Object.values(CasOrderType);

/** The status of a certificate at `nowMs`: expired after its end, `willExpire` within 30 days of it, else issued. */
export function casCertificateStatus(certificate: CasCertificate, nowMs: number): CasCertificateStatus {
  const { notAfterMs } = certificate.details;
  if (nowMs > notAfterMs) return "expired";
  return notAfterMs - nowMs <= CAS_WILL_EXPIRE_MS ? "willExpire" : "issued";
}

/** Every domain of a certificate: the common name first, then the SANs, each once. */
function domainsOf(certificate: CasCertificate): string[] {
  return [...new Set([certificate.details.commonName, ...certificate.details.sans])];
}

/** A date as `YYYY-MM-DD` in UTC. */
function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A validity bound on the wire: epoch ms, or seconds under the `casSecondsTimestamps` behaviour. */
function timestamp(backend: AlbBackend, ms: number): number {
  return backend.behaviour.casSecondsTimestamps ? Math.floor(ms / 1000) : ms;
}

/**
 * The certificate a numeric ID parameter names.
 *
 * @throws AlbErrorResponse `Missing<Name>` (absent or empty), `InvalidParameter` (not a positive integer),
 *   404 `NotFound` (no certificate of the world exists in CAS with that ID).
 */
function requiredCertificate(backend: AlbBackend, params: WireParams, name: string): CasCertificate {
  if (params.optionalString(name) === undefined) throw missingParameter(name);
  const casId = params.optionalInteger(name, 1, Number.MAX_SAFE_INTEGER) ?? 0;
  const certificate = backend.casCertificate(casId);
  if (certificate === undefined) throw albError(ErrorCode.casNotFound, { certificateId: casId });
  return certificate;
}

/** GetCertificateDetail → the certificate's details, never its body or key. */
export function getCertificateDetail({ backend, params }: CasHandlerContext): HandlerResult {
  const certificate = requiredCertificate(backend, params, "CertificateId");
  const { details } = certificate;
  const body: Omit<GetCertificateDetailBody, "RequestId"> = {
    CertificateId: certificate.casId,
    CertIdentifier: albCertificateIdOf(certificate),
    CertificateName: details.name,
    CommonName: details.commonName,
    Domain: domainsOf(certificate).join(","),
    SubjectAlternativeNames: backend.behaviour.casSansEmpty ? [] : [...details.sans],
    NotBefore: timestamp(backend, details.notBeforeMs),
    NotAfter: timestamp(backend, details.notAfterMs),
    CertificateStatus: casCertificateStatus(certificate, backend.now()),
    Issuer: details.issuer,
    Algorithm: "RSA",
    CertificateSource: "UPLOAD",
  };
  return { body: { ...body } };
}

/**
 * GetUserCertificateDetail → the certificate's details and, unless `CertFilter=true`, its body and private
 * key (`Cert`, `Key`: obvious placeholders, so that a test can see a client never asks for them).
 */
export function getUserCertificateDetail({ backend, params }: CasHandlerContext): HandlerResult {
  const certificate = requiredCertificate(backend, params, "CertId");
  const certFilter = params.optionalBoolean("CertFilter") ?? false;
  const { details } = certificate;
  const body: Omit<GetUserCertificateDetailBody, "RequestId"> = {
    Id: certificate.casId,
    Name: details.name,
    CertIdentifier: albCertificateIdOf(certificate),
    Common: details.commonName,
    Sans: details.sans.join(","),
    Issuer: details.issuer,
    StartDate: utcDate(details.notBeforeMs),
    EndDate: utcDate(details.notAfterMs),
    NotBefore: timestamp(backend, details.notBeforeMs),
    NotAfter: timestamp(backend, details.notAfterMs),
    Expired: casCertificateStatus(certificate, backend.now()) === "expired",
  };
  return { body: { ...body, ...(certFilter ? {} : { Cert: PLACEHOLDER_CERT, Key: PLACEHOLDER_KEY }) } };
}

/** Whether a certificate passes ListUserCertificateOrder's `Status` filter (none: every valid one). */
function statusMatches(status: CasCertificateStatus, filter: string | undefined): boolean {
  switch (filter) {
    case undefined: return status !== "expired";
    case CasListStatus.expired: return status === "expired";
    case CasListStatus.issued: return status === "issued";
    case CasListStatus.willExpired: return status === "willExpire";
    default: return false; // an order state: certificates have none
  }
}

/** Whether `keyword` (lower case) is part of the certificate's common name, a SAN, its name or its numeric ID. */
function keywordMatches(certificate: CasCertificate, keyword: string | undefined): boolean {
  if (keyword === undefined) return true;
  const { details } = certificate;
  return [details.commonName, ...details.sans, details.name, String(certificate.casId)].some((text) => text.toLowerCase().includes(keyword));
}

/**
 * ListUserCertificateOrder → `{CertificateOrderList, TotalCount, CurrentPage, ShowSize}`. `OrderType` `CERT`
 * and `UPLOAD` list certificates (every certificate of the simulator is an upload), by CAS ID; `CPACK` (the
 * default) and `BUY` list orders, of which the simulator has none.
 */
export function listUserCertificateOrder({ backend, params }: CasHandlerContext): HandlerResult {
  const keyword = params.optionalString("Keyword")?.toLowerCase();
  const orderType = params.optionalEnum("OrderType", ORDER_TYPES) ?? CasOrderType.cpack;
  const status = params.optionalEnum("Status", LIST_STATUSES);
  const currentPage = params.optionalInteger("CurrentPage", 1, Number.MAX_SAFE_INTEGER) ?? 1;
  const showSize = params.optionalInteger("ShowSize", 1, CAS_MAX_SHOW_SIZE) ?? CAS_LIST_PAGE_SIZE;
  const now = backend.now();
  const listsCertificates = orderType === CasOrderType.cert || orderType === CasOrderType.upload;
  const matching = listsCertificates
    ? backend.casCertificates().filter((certificate) =>
      statusMatches(casCertificateStatus(certificate, now), status) && keywordMatches(certificate, keyword))
    : [];
  const page = matching.slice((currentPage - 1) * showSize, currentPage * showSize);
  const body: Omit<ListUserCertificateOrderBody, "RequestId"> = {
    CertificateOrderList: page.map((certificate): CertificateOrderItem => ({
      CertificateId: certificate.casId,
      Name: certificate.details.name,
      CommonName: certificate.details.commonName,
      Sans: certificate.details.sans.join(","),
      Issuer: certificate.details.issuer,
      StartDate: utcDate(certificate.details.notBeforeMs),
      EndDate: utcDate(certificate.details.notAfterMs),
      Expired: casCertificateStatus(certificate, now) === "expired",
      Upload: true,
    })),
    TotalCount: matching.length,
    CurrentPage: currentPage,
    ShowSize: showSize,
  };
  return { body: { ...body } };
}

/** The handler of each CAS action. */
export const CAS_HANDLERS: Readonly<Record<CasActionName, CasHandler>> = Object.freeze({
  [CasAction.getCertificateDetail]: getCertificateDetail,
  [CasAction.getUserCertificateDetail]: getUserCertificateDetail,
  [CasAction.listUserCertificateOrder]: listUserCertificateOrder,
});
