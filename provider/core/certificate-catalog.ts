/**
 * What each certificate is, from the Certificate Management Service: one lookup per certificate per
 * process, at most a few at a time, each under the caller's retry policy and deadline. A lookup never
 * throws: a certificate is found, has no CAS counterpart, is unknown to CAS, cannot be read for lack of a
 * permission, or could not be read now. Only the last is asked again by a later lookup.
 */
import { casCertificateMissing } from "../../contract/alb-contract";
import { casReferenceOf, type CasSite } from "../../contract/cas-contract";
import { AlbApiError, classify, redact } from "../base/errors";
import type { Clock } from "../base/clock";
import type { CasApi, CertificateDetail } from "../transport/cas-types";
import type { RetryPolicy } from "./listener-session";
import { withRetry } from "./retry";

/** What a lookup found out about one certificate ID. */
export type CertificateLookup =
  | { readonly kind: "found"; readonly detail: CertificateDetail }
  /** The ID is not of the `<CAS ID>-<site>` shape: no CAS certificate to ask about. */
  | { readonly kind: "notCas" }
  /** CAS does not know the certificate (a `NotFound…` answer). */
  | { readonly kind: "notFound"; readonly code: string }
  /** The credentials may not read CAS (a permission error): `code` as the service gave it. */
  | { readonly kind: "denied"; readonly code: string; readonly message: string }
  /** The read failed for now (retries outlasted the deadline, or an unexpected error). */
  | { readonly kind: "unavailable"; readonly message: string };

/** Where and how one round of lookups reads: a client per CAS site, the deadline and the retry policy. */
export interface LookupSource {
  readonly api: (site: CasSite) => CasApi;
  readonly deadlineAt: number;
  readonly policy: RetryPolicy;
}

export interface CatalogDeps {
  readonly clock: Clock;
  readonly random: () => number;
  /** Lookups in flight at once, across the process. @default CAS_LOOKUPS_IN_FLIGHT */
  readonly maxInFlight?: number;
}

/**
 * Lookups one process runs at once. The service allows 100 detail reads a second per account (its document);
 * four at a time keeps a preview of a full listener (25 certificates) to about seven round trips while leaving
 * nearly all of that allowance to anything else the account runs.
 */
export const CAS_LOOKUPS_IN_FLIGHT = 4;

export class CertificateCatalog {
  /** Lookups started, by certificate ID; a settled `unavailable` one is dropped so a later round asks again. */
  private readonly lookups = new Map<string, Promise<CertificateLookup>>();
  /** Settled lookups, for synchronous reads. */
  private readonly settled = new Map<string, CertificateLookup>();
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly deps: CatalogDeps) {}

  /** The lookup of every ID (each asked once per process), in the order given. */
  async lookupAll(ids: readonly string[], source: LookupSource): Promise<Map<string, CertificateLookup>> {
    const unique = [...new Set(ids)];
    const results = await Promise.all(unique.map((id) => this.lookup(id, source)));
    return new Map(unique.map((id, i) => [id, results[i]!]));
  }

  /** A certificate's detail when a lookup of it has found it. */
  detail(id: string): CertificateDetail | undefined {
    const known = this.settled.get(id);
    return known?.kind === "found" ? known.detail : undefined;
  }

  private lookup(id: string, source: LookupSource): Promise<CertificateLookup> {
    const started = this.lookups.get(id);
    if (started) return started;
    const promise = this.read(id, source).then((result) => {
      this.settled.set(id, result);
      if (result.kind === "unavailable") this.lookups.delete(id);
      return result;
    });
    this.lookups.set(id, promise);
    return promise;
  }

  private async read(id: string, source: LookupSource): Promise<CertificateLookup> {
    const reference = casReferenceOf(id);
    if (reference === undefined) return { kind: "notCas" };
    await this.acquire();
    try {
      const { clock, random } = this.deps;
      const api = source.api(reference.site);
      const detail = await withRetry(() => api.getCertificateDetail(reference.casId), {
        clock,
        random,
        deadlineAt: source.deadlineAt,
        what: `the details of certificate ${id}`,
        minDelayMs: source.policy.minDelayMs,
        maxDelayMs: source.policy.maxDelayMs,
      });
      // The service names the certificate by its own identifier; the ID the listener uses is the one asked for.
      return { kind: "found", detail: { ...detail, certificateId: id } };
    } catch (error) {
      return lookupFailure(error);
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    const max = this.deps.maxInFlight ?? CAS_LOOKUPS_IN_FLIGHT;
    while (this.inFlight >= max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }
}

/** What a failed detail read means for the lookup. */
function lookupFailure(error: unknown): CertificateLookup {
  if (error instanceof AlbApiError) {
    if (casCertificateMissing(error.code)) return { kind: "notFound", code: error.code };
    if (classify(error).meaning === "permission" || error.httpStatus === 403) return { kind: "denied", code: error.code, message: error.message };
  }
  return { kind: "unavailable", message: redact(error instanceof Error ? error.message : String(error)) };
}
