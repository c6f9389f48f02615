/**
 * Which Certificate Management Service (CAS) certificate serves a host now: the decision behind
 * `latestCertificate`. It lists the site's certificates by keyword (the host's parent domain, so that
 * `*.example.com` is found for `api.example.com`, and the host itself), keeps those valid now that cover the
 * host, takes the one made for the host (before a wildcard one) valid longest (the newest renewal), and confirms it with the certificate's details
 * before it names it. Throttling and passing failures are retried on the injected clock. How renewals are
 * picked up, for users: `docs/renewals.md`.
 */
import type { Clock } from "../base/clock";
import { AlbApiError, AlbProviderError, InvalidInputError, WaitTimeoutError, withoutFullStop } from "../base/errors";
import { RETRY_MAX_DELAY_MS, RETRY_MIN_DELAY_MS } from "../base/defaults";
import { albCertificateIdOf, CAS_SITES, type CasSite } from "../../contract/cas-contract";
import { casCertificateMissing } from "../../contract/alb-contract";
import type { CasApi, CertificateSummary } from "../transport/cas-types";
import { certificateCovers, normalizeDomain } from "./domains";
import { withRetry } from "./retry";

/** How long one lookup retries throttling and passing failures, by default, in milliseconds. */
export const LATEST_CERTIFICATE_RETRY_MS = 60_000;

/** What the lookup takes from the outside world. */
export interface LatestCertificateDeps {
  readonly clock: Clock;
  readonly random: () => number;
  /** How long throttling and passing failures are retried, in milliseconds. @default LATEST_CERTIFICATE_RETRY_MS */
  readonly retryForMs?: number;
}

/** The certificate chosen: its ALB certificate ID and what its details say. */
export interface LatestCertificate {
  /** The ALB certificate ID (CAS `CertIdentifier`), e.g. `23759533-cn-hangzhou`. */
  readonly certificateId: string;
  readonly casId: number;
  readonly commonName: string;
  readonly domains: readonly string[];
  /** Validity, epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
}

/** A certificate that covers the host but was not chosen, and why. */
export interface UnusableCertificate {
  readonly casId: number;
  readonly commonName: string;
  /** E.g. `expired 2026-01-01T00:00:00Z`. */
  readonly why: string;
}

/** No certificate of the site is valid now and covers the host. */
export class NoValidCertificateError extends AlbProviderError {
  override name = "NoValidCertificateError";
  constructor(
    readonly domain: string,
    readonly site: CasSite,
    /** The certificates seen that cover the host but cannot be used, by CAS ID. */
    readonly unusable: readonly UnusableCertificate[],
  ) {
    const seen =
      unusable.length === 0
        ? ""
        : ` Certificates seen that cover it but cannot be used: ${unusable.map((c) => `${c.casId} (${c.commonName ? `${c.commonName}, ` : ""}${c.why})`).join("; ")}.`;
    super(
      `No valid certificate in the Certificate Management Service (site ${site}) covers ${domain}.${seen} ` +
        `Upload a certificate for ${domain}, or renew the one that served it, in the Certificate Management Service of site ${site} ` +
        `(or name the site that holds it with the site argument), then run again.`,
    );
  }
}

/** The sites `latestCertificate` knows, as a message lists them. */
const SITES = Object.keys(CAS_SITES) as CasSite[];

/**
 * The host `domain` in normalized form, checked: a non-empty host name, not a wildcard.
 *
 * @throws {@link InvalidInputError} naming `domain` and the fix.
 */
export function checkHost(domain: unknown): string {
  if (typeof domain !== "string" || domain.trim() === "") {
    throw new InvalidInputError("domain", `give the host name the certificate must cover, e.g. "shop.example.com"; got ${JSON.stringify(domain ?? null)}.`);
  }
  if (domain.trim().startsWith("*")) {
    throw new InvalidInputError(
      "domain",
      `${JSON.stringify(domain)} is a wildcard; give a host name such as "shop${domain.trim().replace(/^\*+/, "")}": a wildcard certificate is found for every host it covers.`,
    );
  }
  const host = normalizeDomain(domain);
  if (host === "") throw new InvalidInputError("domain", `${JSON.stringify(domain)} is not a domain name; give a host name such as "shop.example.com".`);
  return host;
}

/**
 * The site, checked.
 *
 * @throws {@link InvalidInputError} naming `site` and the fix.
 */
export function checkSite(site: unknown): CasSite {
  if (typeof site === "string" && (SITES as string[]).includes(site)) return site as CasSite;
  throw new InvalidInputError(
    "site",
    `must be ${SITES.map((s) => JSON.stringify(s)).join(" or ")} (the China or the International site of the Certificate Management Service), got ${JSON.stringify(site ?? null)}; ` +
      `give the site that holds the certificate, or leave site out to use the default of the region.`,
  );
}

/**
 * The keywords to list by: the host's parent domain (which finds `*.example.com` for `api.example.com`; for a
 * two-label host, the host itself), and the host itself when different.
 */
export function keywordsFor(host: string): string[] {
  const labels = host.split(".");
  const parent = labels.length >= 3 ? labels.slice(1).join(".") : host;
  return parent === host ? [host] : [parent, host];
}

/** An instant as a message shows it: `2026-01-01T00:00:00Z`. */
function at(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Why a certificate's validity excludes `now`, or undefined when it is valid then. */
function invalidity(notBefore: number, notAfter: number, now: number): string | undefined {
  if (notAfter <= 0) return "no end of validity given";
  if (notAfter <= now) return `expired ${at(notAfter)}`;
  if (notBefore > now) return `valid only from ${at(notBefore)} until ${at(notAfter)}`;
  return undefined;
}

/**
 * The ALB certificate ID of the newest certificate of `site` that is valid now and covers `domain`: listed
 * by {@link keywordsFor}, kept when `notBefore ≤ now < notAfter` and one of its names covers the host; one that
 * names the host itself before one that covers it only by a wildcard, then the latest `notAfter` first (a tie:
 * the greater CAS ID, the later upload); confirmed by its details (that
 * it still exists, covers the host and is valid now); the next one when the confirmation fails.
 *
 * @throws {@link InvalidInputError} for a domain that is empty, a wildcard or no domain name, or an unknown site
 * @throws {@link NoValidCertificateError} when no certificate qualifies
 * @throws the API's error (an `AlbApiError`, …) when it is not retryable; an {@link AlbProviderError} when
 *   retryable failures outlast the retry time
 */
export async function findLatestCertificate(api: CasApi, domain: string, site: CasSite, deps: LatestCertificateDeps): Promise<LatestCertificate> {
  const host = checkHost(domain);
  checkSite(site);
  const { clock } = deps;
  const deadlineAt = clock.now() + (deps.retryForMs ?? LATEST_CERTIFICATE_RETRY_MS);
  const retried = <T>(what: string, call: () => Promise<T>): Promise<T> =>
    withRetry(call, { clock, random: deps.random, deadlineAt, what, minDelayMs: RETRY_MIN_DELAY_MS, maxDelayMs: RETRY_MAX_DELAY_MS }).catch((error: unknown) => {
      if (!(error instanceof WaitTimeoutError)) throw error;
      throw new AlbProviderError(
        `Looking up the certificate for ${host}: the Certificate Management Service (site ${site}) kept failing for ${(error.elapsedMs / 1000).toFixed(1)}s ` +
          `(${error.attempts} attempts) at ${what}; last: ${withoutFullStop(error.observed)}. Run again later.`,
        { cause: error },
      );
    });

  const listed = new Map<number, CertificateSummary>();
  for (const keyword of keywordsFor(host)) {
    for (const summary of await retried(`ListUserCertificateOrder ${keyword}`, () => api.listCertificates(keyword))) {
      if (!listed.has(summary.casId)) listed.set(summary.casId, summary);
    }
  }

  const now = clock.now();
  const unusable: UnusableCertificate[] = [];
  const valid: CertificateSummary[] = [];
  for (const summary of listed.values()) {
    if (!certificateCovers(summary.domains, host)) continue;
    const why = invalidity(summary.notBefore, summary.notAfter, now);
    if (why === undefined) valid.push(summary);
    else unusable.push({ casId: summary.casId, commonName: summary.commonName, why });
  }
  // The certificate made for the host before a wildcard that also covers it (often the listener's default
  // certificate, which the listener refuses as an additional one); then the one valid longest.
  const exact = (c: CertificateSummary) => (c.domains.includes(host) ? 1 : 0);
  valid.sort((a, b) => exact(b) - exact(a) || b.notAfter - a.notAfter || b.casId - a.casId);

  for (const candidate of valid) {
    let detail;
    try {
      detail = await retried(`GetCertificateDetail ${candidate.casId}`, () => api.getCertificateDetail(candidate.casId));
    } catch (error) {
      if (error instanceof AlbApiError && casCertificateMissing(error.code)) {
        unusable.push({ casId: candidate.casId, commonName: candidate.commonName, why: "listed, but its details say it does not exist" });
        continue;
      }
      throw error;
    }
    if (!certificateCovers(detail.domains, host)) {
      unusable.push({ casId: candidate.casId, commonName: candidate.commonName, why: `listed, but its details name only ${detail.domains.join(", ") || "no domain"}` });
      continue;
    }
    // Details without a validity (0) leave the list's word standing.
    const why = detail.notAfter > 0 ? invalidity(detail.notBefore, detail.notAfter, now) : undefined;
    if (why !== undefined) {
      unusable.push({ casId: candidate.casId, commonName: candidate.commonName, why: `listed as valid, but its details say ${why}` });
      continue;
    }
    return {
      certificateId: detail.certificateId || albCertificateIdOf({ casId: candidate.casId, site }),
      casId: candidate.casId,
      commonName: detail.commonName || candidate.commonName,
      domains: detail.domains,
      notBefore: detail.notAfter > 0 ? detail.notBefore : candidate.notBefore,
      notAfter: detail.notAfter > 0 ? detail.notAfter : candidate.notAfter,
    };
  }
  throw new NoValidCertificateError(host, site, unusable.sort((a, b) => a.casId - b.casId));
}
