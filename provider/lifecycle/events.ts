/**
 * What the provider reports beside its results, as structured data: each event is printed as one line a
 * person reads, ending with a machine-readable copy (`event={...}`) that the preview report parses with
 * {@link parseEvents}. The engine shows a dynamic provider's output lines as diagnostics, the only channel
 * it offers, so this module is the one place that writes and reads that format.
 */

import type { CertificateFacts, UncoveredDomain } from "../core/certificate-review";

/** The live listener differs from the last apply; the update repairs it. */
export interface DriftEvent {
  readonly kind: "drift";
  readonly listenerId: string;
  /** Declared certificates the listener does not serve. */
  readonly missing: readonly string[];
  /** Undeclared certificates an exclusive resource will dissociate. */
  readonly undeclared: readonly string[];
}

/** What a change does to a listener's certificates: each one added, removed and kept, with its domains and end date. */
export interface CertificatesEvent {
  readonly kind: "certificates";
  readonly listenerId: string;
  readonly added: readonly CertificateFacts[];
  readonly removed: readonly CertificateFacts[];
  readonly kept: readonly CertificateFacts[];
  /** Domains the change leaves without a certificate. */
  readonly uncovered: readonly UncoveredDomain[];
}

/** Every event the provider reports. */
export type ProviderEvent = DriftEvent | CertificatesEvent;

/** Version of the machine-readable copy; a parser ignores versions it does not know. */
const EVENT_VERSION = 1;
const MARKER = " event=";

/** A certificate in one line: `ID (domain, domain; until YYYY-MM-DD)`, or why its details are missing. */
export function describeCertificate(c: CertificateFacts): string {
  if (c.domains === undefined) return `${c.id} (${MISSING_DETAILS[c.missing ?? "unavailable"]})`;
  return `${c.id} (${c.domains.join(", ")}${c.notAfter ? `; until ${c.notAfter.slice(0, 10)}` : ""})`;
}

/** Why a certificate shows no details, for a person. */
export const MISSING_DETAILS: Readonly<Record<NonNullable<CertificateFacts["missing"]>, string>> = {
  notCas: "not a Certificate Management Service ID",
  notFound: "unknown to the Certificate Management Service",
  denied: "details not readable with these credentials",
  unavailable: "details not available now",
};

/** The human-readable text of an event. */
export function describeEvent(event: ProviderEvent): string {
  if (event.kind === "certificates") {
    const list = (label: string, items: readonly CertificateFacts[]) => (items.length ? [`${label} ${items.map(describeCertificate).join(", ")}`] : []);
    const parts = [...list("adds", event.added), ...list("removes", event.removed), ...list("keeps", event.kept)];
    const gaps = event.uncovered.length ? `; leaves without a certificate: ${event.uncovered.map((u) => u.domain).join(", ")}` : "";
    return `${event.listenerId}: ${parts.length ? parts.join("; ") : "no certificates"}${gaps}`;
  }
  return (
    `${event.listenerId}: live certificates differ from the last apply` +
    (event.missing.length ? `; missing: ${event.missing.join(", ")}` : "") +
    (event.undeclared.length ? `; not declared (exclusive): ${event.undeclared.join(", ")}` : "") +
    `; this update repairs it`
  );
}

/** One output line: the text, then the machine-readable copy. */
export function formatEvent(event: ProviderEvent): string {
  return `${describeEvent(event)}.${MARKER}${JSON.stringify({ v: EVENT_VERSION, ...event })}`;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((x) => typeof x === "string");
}

const MISSING_KINDS = new Set(Object.keys(MISSING_DETAILS));

/** A parsed list of certificate facts, or undefined when any entry is malformed. */
function factsList(value: unknown): CertificateFacts[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: CertificateFacts[] = [];
  for (const item of value) {
    const c = item as Record<string, unknown> | null;
    if (c === null || typeof c !== "object" || typeof c.id !== "string") return undefined;
    if (c.domains !== undefined && !isStringList(c.domains)) return undefined;
    if (c.notAfter !== undefined && typeof c.notAfter !== "string") return undefined;
    if (c.missing !== undefined && !(typeof c.missing === "string" && MISSING_KINDS.has(c.missing))) return undefined;
    out.push({
      id: c.id,
      ...(c.domains !== undefined ? { domains: c.domains as string[] } : {}),
      ...(c.notAfter !== undefined ? { notAfter: c.notAfter as string } : {}),
      ...(c.missing !== undefined ? { missing: c.missing as CertificateFacts["missing"] } : {}),
    });
  }
  return out;
}

function uncoveredList(value: unknown): UncoveredDomain[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: UncoveredDomain[] = [];
  for (const item of value) {
    const u = item as Record<string, unknown> | null;
    if (u === null || typeof u !== "object" || typeof u.domain !== "string" || !isStringList(u.certificateIds)) return undefined;
    out.push({ domain: u.domain, certificateIds: u.certificateIds });
  }
  return out;
}

/** The events in a block of provider output (a diagnostic's message, say); lines without one are skipped. */
export function parseEvents(text: string): ProviderEvent[] {
  const events: ProviderEvent[] = [];
  for (const line of text.split(/\r?\n/)) {
    const at = line.lastIndexOf(MARKER);
    if (at < 0) continue;
    let data: unknown;
    try {
      data = JSON.parse(line.slice(at + MARKER.length));
    } catch {
      continue;
    }
    const e = data as Record<string, unknown>;
    if (e === null || typeof e !== "object" || e.v !== EVENT_VERSION) continue;
    if (e.kind === "drift" && typeof e.listenerId === "string" && isStringList(e.missing) && isStringList(e.undeclared)) {
      events.push({ kind: "drift", listenerId: e.listenerId, missing: e.missing, undeclared: e.undeclared });
    }
    if (e.kind === "certificates" && typeof e.listenerId === "string") {
      const added = factsList(e.added);
      const removed = factsList(e.removed);
      const kept = factsList(e.kept);
      const uncovered = uncoveredList(e.uncovered);
      if (added && removed && kept && uncovered) events.push({ kind: "certificates", listenerId: e.listenerId, added, removed, kept, uncovered });
    }
  }
  return events;
}
