/**
 * What a change of a listener's certificate set does to its domains, as a pure function of the certificates'
 * details: an expired certificate added is a failure, one expiring soon or not yet valid a warning, a domain
 * left without any certificate a warning or a failure (`domainCoverage`), and every certificate added, removed
 * or kept is described with its domains and end date for the preview. No calls, no clock.
 */
import type { CertificateDetail } from "../transport/cas-types";
import type { CertificateLookup } from "./certificate-catalog";
import { uncoveredDomains, type UncoveredDomain } from "./domains";

export type { UncoveredDomain } from "./domains";

/** How a domain left without a certificate is treated. */
export type DomainCoverage = "warn" | "error" | "off";

export const DOMAIN_COVERAGE_MODES: readonly DomainCoverage[] = ["warn", "error", "off"];

/** One certificate as the preview shows it. */
export interface CertificateFacts {
  readonly id: string;
  /** Its domains, when CAS told them. */
  readonly domains?: readonly string[];
  /** End of validity (ISO 8601, UTC), when CAS told it. */
  readonly notAfter?: string;
  /** Why there are no details: `notCas`, `notFound`, `denied` or `unavailable`. */
  readonly missing?: Exclude<CertificateLookup["kind"], "found">;
}

/** The change to review: the listener, the certificates on each side, and the guards' settings. */
export interface ReviewRequest {
  readonly listenerId: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly kept: readonly string[];
  /** Certificates the listener keeps serving besides the declared ones: its default and others' additional ones. */
  readonly alsoServed: readonly string[];
  readonly lookups: ReadonlyMap<string, CertificateLookup>;
  /** Now, epoch ms. */
  readonly now: number;
  readonly expiryWarningDays: number;
  readonly domainCoverage: DomainCoverage;
}

/** A problem of the declared set that fails the preview (property `certificateIds`). */
export interface ReviewFailure {
  readonly property: "certificateIds";
  readonly reason: string;
}

export interface Review {
  readonly added: readonly CertificateFacts[];
  readonly removed: readonly CertificateFacts[];
  readonly kept: readonly CertificateFacts[];
  readonly uncovered: readonly UncoveredDomain[];
  readonly failures: readonly ReviewFailure[];
  /** Warnings, each one sentence (the caller adds the prefix). */
  readonly warnings: readonly string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` (UTC) of an epoch-ms time. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A certificate named for a person: its ID and, when known, its domains. */
export function nameCertificate(id: string, detail: CertificateDetail | undefined): string {
  return detail && detail.domains.length > 0 ? `${id} (${detail.domains.join(", ")})` : id;
}

function facts(id: string, lookup: CertificateLookup | undefined): CertificateFacts {
  if (lookup?.kind === "found") return { id, domains: lookup.detail.domains, notAfter: new Date(lookup.detail.notAfter).toISOString() };
  return { id, missing: lookup?.kind ?? "unavailable" };
}

function detailOf(lookups: ReadonlyMap<string, CertificateLookup>, id: string): CertificateDetail | undefined {
  const lookup = lookups.get(id);
  return lookup?.kind === "found" ? lookup.detail : undefined;
}

/** Reviews a change. Coverage is judged only when every certificate that stays was read (otherwise it is unknown). */
export function reviewChange(request: ReviewRequest): Review {
  const { lookups, now, listenerId } = request;
  const failures: ReviewFailure[] = [];
  const warnings: string[] = [];
  const sorted = (ids: readonly string[]) => [...new Set(ids)].sort();

  for (const id of sorted(request.added)) {
    const detail = detailOf(lookups, id);
    if (!detail) continue;
    const name = nameCertificate(id, detail);
    if (detail.notAfter <= now) {
      failures.push({
        property: "certificateIds",
        reason:
          `Certificate ${name} expired on ${isoDate(detail.notAfter)}: listener ${listenerId} would serve an expired certificate. ` +
          `Renew or replace it in the Certificate Management Service and declare the new certificate's ID, or remove this one from certificateIds.`,
      });
    } else if (detail.notBefore > now) {
      warnings.push(`certificate ${name} added to listener ${listenerId} is not valid until ${isoDate(detail.notBefore)}; clients reject it before then.`);
    } else if (detail.notAfter - now <= request.expiryWarningDays * DAY_MS) {
      const days = Math.ceil((detail.notAfter - now) / DAY_MS);
      warnings.push(
        `certificate ${name} added to listener ${listenerId} expires on ${isoDate(detail.notAfter)}, in ${days} day${days === 1 ? "" : "s"} ` +
          `(expiryWarningDays is ${request.expiryWarningDays}); renew it before then.`,
      );
    }
  }

  let uncovered: UncoveredDomain[] = [];
  const staying = sorted([...request.added, ...request.kept, ...request.alsoServed]).filter((id) => !request.removed.includes(id));
  const removedRead = sorted(request.removed).flatMap((id) => {
    const detail = detailOf(lookups, id);
    return detail ? [{ certificateId: id, domains: detail.domains }] : [];
  });
  const stayingRead = staying.map((id) => detailOf(lookups, id));
  // A certificate that stays but could not be read may cover anything: no verdict rather than a false alarm.
  if (request.domainCoverage !== "off" && removedRead.length > 0 && stayingRead.every((d) => d !== undefined)) {
    uncovered = uncoveredDomains(removedRead, stayingRead.map((d) => d!.domains));
    for (const { domain, certificateIds } of uncovered) {
      const sentence =
        `after this change listener ${listenerId} serves no certificate for ${domain} (served until now by ${certificateIds.join(", ")}, which the change removes). ` +
        `Declare a certificate that covers ${domain}, or set domainCoverage to "off" if the domain is retired.`;
      if (request.domainCoverage === "error") failures.push({ property: "certificateIds", reason: sentence.charAt(0).toUpperCase() + sentence.slice(1) });
      else warnings.push(sentence);
    }
  }

  return {
    added: sorted(request.added).map((id) => facts(id, lookups.get(id))),
    removed: sorted(request.removed).map((id) => facts(id, lookups.get(id))),
    kept: sorted(request.kept).map((id) => facts(id, lookups.get(id))),
    uncovered,
    failures,
    warnings,
  };
}
