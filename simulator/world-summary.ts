/**
 * What a person needs to start using a simulator: its listeners (ID, protocol, status, default certificate,
 * what they carry) and the certificates free to declare, as the CLI prints them on start and with `--list`;
 * and the inspection routes, as `GET /_simulator/` lists them.
 */
import type { WorldSnapshot } from "./backend";

/** Every inspection route the server answers, with what it does. */
export const INSPECTION_ROUTES: readonly { readonly method: string; readonly path: string; readonly what: string }[] = Object.freeze([
  { method: "GET", path: "/_simulator/", what: "this list, and the listeners and certificates of the world" },
  { method: "GET", path: "/_simulator/state", what: "the whole world: listeners, certificates, jobs, limits, behaviour" },
  { method: "GET", path: "/_simulator/requests", what: "the request log (no secrets)" },
  { method: "DELETE", path: "/_simulator/requests", what: "clear the request log" },
  { method: "POST", path: "/_simulator/reset", what: "replace the world with the fixture in the body" },
  { method: "GET", path: "/_simulator/faults", what: "the fault rules" },
  { method: "POST", path: "/_simulator/faults", what: "replace the fault rules with the array in the body" },
  { method: "DELETE", path: "/_simulator/faults", what: "remove every fault rule" },
  { method: "GET", path: "/_simulator/behaviour", what: "the active behaviour (which reading of the API it plays)" },
  { method: "POST", path: "/_simulator/behaviour", what: "set the behaviour from the body" },
  { method: "POST", path: "/_simulator/listeners/<listenerId>/status", what: "set a listener's status from the body ({\"status\": \"Stopped\"})" },
]);

/**
 * Server certificates of the catalogue that no listener uses (neither as its default nor as an additional
 * certificate): the ones a first program can declare. Sorted.
 */
export function freeCertificates(world: Pick<WorldSnapshot, "certificates" | "listeners">): string[] {
  const used = new Set<string>();
  for (const listener of world.listeners) {
    if (listener.defaultCertificateId !== null) used.add(listener.defaultCertificateId);
    for (const row of listener.additional) used.add(row.certificateId);
  }
  return world.certificates.filter((c) => c.type === "Server" && !used.has(c.certificateId)).map((c) => c.certificateId).sort();
}

/** The world in a few lines: one per listener, then the certificates free to declare. */
export function worldLines(world: Pick<WorldSnapshot, "certificates" | "listeners">): string[] {
  const lines = ["listeners:"];
  if (world.listeners.length === 0) lines.push("  (none)");
  for (const l of world.listeners) {
    const additional = l.additional.length === 0 ? "no additional certificates" : `additional ${l.additional.map((r) => r.certificateId).join(", ")}`;
    const certificates = l.defaultCertificateId === null ? `no certificates (${l.protocol})` : `default ${l.defaultCertificateId}, ${additional}`;
    lines.push(`  ${l.listenerId}  ${l.protocol}:${l.port}  ${l.status}  ${certificates}`);
  }
  const free = freeCertificates(world);
  lines.push(`certificates free to declare: ${free.length === 0 ? "(none)" : free.join(", ")}`);
  return lines;
}
