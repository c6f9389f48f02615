/**
 * The request log of one simulator: every ALB (and STS) request as the server saw it, in arrival order,
 * bounded to the last {@link REQUEST_LOG_CAPACITY} entries. The server records; tests and the inspection
 * route `GET /_simulator/requests` read it through `AlbBackend.requestLog()`. Not persisted.
 */
import type { FaultKind } from "./faults";

/** How many request-log entries are kept; older ones are dropped (their `seq` is not reused). */
export const REQUEST_LOG_CAPACITY = 10_000;

/** One ALB request as the server saw it. Never holds a secret, signature or security token. */
export interface RequestLogEntry {
  /** 1, 2, 3… in arrival order; not reset by clearRequestLog. */
  readonly seq: number;
  /** Clock time of arrival, ms. */
  readonly time: number;
  /** The action, or null when the request failed before one was known. */
  readonly action: string | null;
  /** Business parameters in wire form (`Certificates.1.CertificateId`), protocol and auth parameters removed. */
  readonly params: Readonly<Record<string, string>>;
  /**
   * The certificate IDs the request names, in N order: `Certificates.N.CertificateId` (Associate,
   * Dissociate), then `CertificateIds.N` (ListListenerCertificates). Absent when it names none.
   */
  readonly certificateIds?: readonly string[];
  /** HTTP status sent; null when no response was sent (`reset`, `lostResponse` faults). */
  readonly status: number | null;
  /** The error `Code` sent, or null on success. */
  readonly code: string | null;
  readonly requestId: string;
  /** The job the request started or (ClientToken replay) returned. */
  readonly jobId?: string;
  /** The fault that fired on this request. */
  readonly fault?: FaultKind;
}

/** The bounded, append-only log; sequence numbers continue across {@link RequestLogStore.clear}. */
export class RequestLogStore {
  private log: RequestLogEntry[] = [];
  private nextSeq = 1;

  /** The entries, oldest first (a copy). */
  entries(): RequestLogEntry[] {
    return [...this.log];
  }

  /** Empties the log. Sequence numbers continue. */
  clear(): void {
    this.log = [];
  }

  /** Appends an entry, numbered and frozen; drops the oldest beyond the capacity. */
  record(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const recorded: RequestLogEntry = Object.freeze({ seq: this.nextSeq++, ...entry });
    this.log.push(recorded);
    if (this.log.length > REQUEST_LOG_CAPACITY) this.log.splice(0, this.log.length - REQUEST_LOG_CAPACITY);
    return recorded;
  }
}
