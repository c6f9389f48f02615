/**
 * What the provider reports beside its results, as structured data: each event is printed as one line a
 * person reads, ending with a machine-readable copy (`event={...}`) that the preview report parses with
 * {@link parseEvents}. The engine shows a dynamic provider's output lines as diagnostics, the only channel
 * it offers, so this module is the one place that writes and reads that format.
 */

/** The live listener differs from the last apply; the update repairs it. */
export interface DriftEvent {
  readonly kind: "drift";
  readonly listenerId: string;
  /** Declared certificates the listener does not serve. */
  readonly missing: readonly string[];
  /** Undeclared certificates an exclusive resource will dissociate. */
  readonly undeclared: readonly string[];
}

/** Every event the provider reports. */
export type ProviderEvent = DriftEvent;

/** Version of the machine-readable copy; a parser ignores versions it does not know. */
const EVENT_VERSION = 1;
const MARKER = " event=";

/** The human-readable text of an event. */
export function describeEvent(event: ProviderEvent): string {
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
  }
  return events;
}
