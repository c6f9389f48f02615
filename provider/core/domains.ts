/**
 * Which host names a certificate serves, by the rules TLS clients apply to a certificate's names: a name
 * covers itself, and a wildcard `*.example.com` covers exactly one more label in front of `example.com`
 * (`api.example.com`), neither the apex `example.com` nor `a.b.example.com`. Every comparison is on
 * normalized names ({@link normalizeDomain}): case, a trailing dot and IDN spelling (Unicode or punycode)
 * make no difference. Pure.
 */
import { normalizeDomain } from "../base/domain-name";

export { normalizeDomain } from "../base/domain-name";

/**
 * Whether a certificate name (`certificateDomain`, possibly a wildcard) covers `host`. A wildcard `host`
 * (`*.example.com`) is covered only by the same wildcard: a certificate for `api.example.com` does not serve
 * every name `*.example.com` stands for. Anything that is no domain name covers, and is covered by, nothing.
 */
export function covers(certificateDomain: string, host: string): boolean {
  const name = normalizeDomain(certificateDomain);
  const target = normalizeDomain(host);
  if (name === "" || target === "") return false;
  if (name === target) return true;
  if (!name.startsWith("*.") || target.startsWith("*.")) return false;
  const base = name.slice(2);
  if (!target.endsWith(`.${base}`)) return false;
  const label = target.slice(0, -(base.length + 1));
  return label.length > 0 && !label.includes(".");
}

/** Whether any of a certificate's names covers `host` (see {@link covers}). */
export function certificateCovers(domains: readonly string[], host: string): boolean {
  return domains.some((domain) => covers(domain, host));
}

/** A certificate as the coverage rules see it: its ID and the names it serves. */
export interface CertificateDomains {
  readonly certificateId: string;
  readonly domains: readonly string[];
}

/** A domain nothing serves any more, with the certificates that served it. */
export interface UncoveredDomain {
  /** Normalized; a wildcard stays a wildcard (`*.example.com`). */
  readonly domain: string;
  /** The removed certificates that name it, sorted. */
  readonly certificateIds: readonly string[];
}

/** A remaining certificate: its names, or an object holding them (a {@link CertificateDomains}, say). */
export type RemainingCertificate = readonly string[] | { readonly domains: readonly string[] };

/**
 * The domains the `removed` certificates serve that none of the `remaining` ones covers, each with the
 * removed certificates it came from; sorted by domain, each domain once. A removed wildcard counts as covered
 * only by a remaining certificate with the same wildcard (see {@link covers}).
 */
export function uncoveredDomains(removed: readonly CertificateDomains[], remaining: readonly RemainingCertificate[]): UncoveredDomain[] {
  const remainingNames = remaining.map((certificate) => (isNameList(certificate) ? certificate : certificate.domains));
  const sources = new Map<string, Set<string>>();
  for (const certificate of removed) {
    for (const raw of certificate.domains) {
      const domain = normalizeDomain(raw);
      if (domain === "") continue;
      let ids = sources.get(domain);
      if (ids === undefined) sources.set(domain, (ids = new Set()));
      ids.add(certificate.certificateId);
    }
  }
  const out: UncoveredDomain[] = [];
  for (const [domain, ids] of sources) {
    if (remainingNames.some((names) => certificateCovers(names, domain))) continue;
    out.push({ domain, certificateIds: [...ids].sort(compareText) });
  }
  return out.sort((a, b) => compareText(a.domain, b.domain));
}

function isNameList(certificate: RemainingCertificate): certificate is readonly string[] {
  return Array.isArray(certificate);
}

/** Code-point order, the same on every machine (no locale). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
