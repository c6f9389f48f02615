/**
 * What the live listener allows, in one place: every check of a declared set against the listener, with
 * its message, used alike by `check` and `diff` (a preview fails where the apply would) and by the apply
 * itself (the listener may have changed since the preview). The checks are pure functions of what was
 * read; {@link LiveValidator} does the reading and the `DryRun=true` association for a preview.
 */
import { ErrorCode, isTransitionalStatus, ListenerProtocol, ListenerStatus } from "../../contract/alb-contract";
import type { ListenerAttribute, ListenerCertificate } from "../transport/alb-client";
import { ASSOCIATE_BATCH_MAX, CONFIG_NAMESPACE } from "../base/defaults";
import { AlbApiError, classify, CredentialsRejectedError, EndpointError, CaCertificateError, CertificateQuotaError, DefaultCertificateError, HttpListenerError, InvalidInputError, StoppedListenerError } from "../base/errors";
import type { ListenerSession } from "./listener-session";
import { chunk, isPresentStatus, type LiveCertificate } from "./plan";

/** The listener's additional certificates (the default certificate excluded). */
export function additionalOnly(rows: readonly ListenerCertificate[]): LiveCertificate[] {
  return rows.filter((r) => !r.isDefault).map((r) => ({ certificateId: r.certificateId, status: r.status }));
}

/** The IDs of the listener's additional certificates that are served or being associated. */
export function presentIds(rows: readonly ListenerCertificate[]): Set<string> {
  return new Set(additionalOnly(rows).filter((c) => isPresentStatus(c.status)).map((c) => c.certificateId));
}

/** The listener's default certificates: the rows marked default, and the ones GetListenerAttribute names. */
export function defaultCertificates(rows: readonly ListenerCertificate[], attribute?: ListenerAttribute): Set<string> {
  return new Set([...rows.filter((r) => r.isDefault).map((r) => r.certificateId), ...(attribute?.defaultCertificateIds ?? [])]);
}

/** The listener's protocol refuses certificates: an HTTP listener. */
export function protocolProblem(listenerId: string, attribute: ListenerAttribute): HttpListenerError | undefined {
  return attribute.protocol === ListenerProtocol.http ? new HttpListenerError(listenerId) : undefined;
}

/** The listener is stopped: a change would be refused until it is started. */
export function stoppedProblem(listenerId: string, attribute: ListenerAttribute): StoppedListenerError | undefined {
  return attribute.status === ListenerStatus.stopped ? new StoppedListenerError(listenerId) : undefined;
}

/** The declared set names a CA certificate of the (mutual-TLS) listener. */
export function caCertificateProblem(listenerId: string, declared: Iterable<string>, attribute: ListenerAttribute): CaCertificateError | undefined {
  const ca = new Set(attribute.caCertificateIds);
  const clash = [...declared].filter((id) => ca.has(id));
  return clash.length > 0 ? new CaCertificateError(listenerId, clash) : undefined;
}

/**
 * What the listener's state refuses whatever is declared: an HTTP listener (no certificates at all), or a
 * stopped one (no change until it is started). The first that applies.
 */
export function listenerStateProblem(listenerId: string, attribute: ListenerAttribute): HttpListenerError | StoppedListenerError | undefined {
  return protocolProblem(listenerId, attribute) ?? stoppedProblem(listenerId, attribute);
}

/** What the declared set asks that this listener refuses: one of its default certificates, or one of its CA certificates. */
export function declarationProblems(listenerId: string, attribute: ListenerAttribute, rows: readonly ListenerCertificate[], declared: readonly string[]): InvalidInputError[] {
  const problems: (InvalidInputError | undefined)[] = [
    defaultCertificateProblem(listenerId, declared, defaultCertificates(rows, attribute)),
    caCertificateProblem(listenerId, declared, attribute),
  ];
  return problems.filter((p): p is InvalidInputError => p !== undefined);
}

/** The declared set names a default certificate of the listener. */
export function defaultCertificateProblem(listenerId: string, declared: Iterable<string>, defaults: ReadonlySet<string>): DefaultCertificateError | undefined {
  const clash = [...declared].filter((id) => defaults.has(id));
  return clash.length > 0 ? new DefaultCertificateError(listenerId, clash) : undefined;
}

/** Whether the listener is running a job: it is `Configuring`, or a row is mid-job. */
export function isBusy(attribute: ListenerAttribute | undefined, rows: readonly ListenerCertificate[]): boolean {
  return attribute?.status === ListenerStatus.configuring || rows.some((r) => isTransitionalStatus(r.status));
}

/** What {@link LiveValidator} needs. */
export interface LiveValidatorDeps {
  /** The listener, under the validate policy and the validation's deadline. */
  readonly session: ListenerSession;
  readonly newToken: () => string;
  readonly warn: (line: string) => void;
  /**
   * Whether this provider process is applying changes (an update run, not a preview). The dry run is then
   * left out: it would only repeat what the apply's own call validates, and spend the account's mutation
   * quota (dry runs count against the rate limit) that the apply needs.
   */
  readonly applying: () => boolean;
}

/** What to validate on the session's listener: the declared set, and what an apply would add. */
export interface ValidationRequest {
  readonly declared: readonly string[];
  readonly toAdd: readonly string[];
  /** The listener's rows, when the caller has just read them. */
  readonly rows?: readonly ListenerCertificate[];
  /** Told what the validation read of the listener (when it read both its attribute and its rows). */
  readonly observe?: (attribute: ListenerAttribute, rows: readonly ListenerCertificate[]) => void;
}

/**
 * Read-only checks against the live listener (does it exist, does it take certificates, is a declared
 * certificate its default one), plus a `DryRun=true` association of what would be added (unknown
 * certificate, quota), so a preview fails where the apply would. Transient errors only warn: a preview is
 * not failed for an API hiccup.
 */
export class LiveValidator {
  constructor(private readonly deps: LiveValidatorDeps) {}

  /** The problems found; empty when the declared set can be applied as far as a preview can tell. */
  async validate(request: ValidationRequest): Promise<InvalidInputError[]> {
    const { session } = this.deps;
    const { listenerId } = session;
    const problems: InvalidInputError[] = [];
    try {
      const attribute = await session.attribute();
      const httpProblem = protocolProblem(listenerId, attribute);
      if (httpProblem) return [httpProblem];
      const rows = request.rows ?? (await session.rows());
      request.observe?.(attribute, rows);
      const stopped = stoppedProblem(listenerId, attribute);
      problems.push(...(stopped ? [stopped] : []), ...declarationProblems(listenerId, attribute, rows, request.declared));
      // A stopped listener refuses the dry run too; its problem says all there is to say.
      if (stopped) return problems;
      // The default and CA certificates already have their problem; the dry run is for the rest.
      const refused = new Set([...defaultCertificates(rows, attribute), ...attribute.caCertificateIds]);
      const present = presentIds(rows);
      const adding = request.toAdd.filter((id) => !present.has(id) && !refused.has(id));
      problems.push(...(await this.dryRun(attribute.loadBalancerId, adding, isBusy(attribute, rows))));
    } catch (error) {
      // A wrong or stopped endpoint, or refused credentials, is no property's problem and no passing fault:
      // the preview fails with it.
      if (error instanceof EndpointError || error instanceof CredentialsRejectedError) throw error;
      const gone = session.gone(error);
      if (gone) return [gone];
      if (error instanceof AlbApiError && classify(error).retry === "never") {
        problems.push(new InvalidInputError("listenerId", error.message));
      } else {
        this.deps.warn(`warning: ${CONFIG_NAMESPACE}: could not validate listener ${listenerId} now: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return problems;
  }

  /**
   * Dry-run associations of `adding`, in batches. A dry run on a listener that is running a job is refused
   * as busy; rather than retry (and add load to a listener another writer is changing), it is skipped with
   * a note.
   */
  private async dryRun(loadBalancerId: string, adding: readonly string[], busy: boolean): Promise<InvalidInputError[]> {
    const { listenerId } = this.deps.session;
    const applying = this.deps.applying();
    if (busy && adding.length > 0 && !applying) {
      this.deps.warn(`warning: ${CONFIG_NAMESPACE}: listener ${listenerId} is applying another change; the dry run of ${adding.join(", ")} was skipped`);
    }
    if (busy || applying) return [];
    const problems: InvalidInputError[] = [];
    for (const batch of chunk(adding, ASSOCIATE_BATCH_MAX)) {
      const outcome = await this.dryRunBatch(batch);
      if (outcome === "busy") break;
      if (outcome === "validated") continue;
      if (outcome.code === ErrorCode.loadBalancerQuotaExceeded) {
        problems.push(new CertificateQuotaError(listenerId, loadBalancerId, batch, outcome.apiMessage));
      } else if (outcome.code === ErrorCode.certificateNotFound) {
        problems.push(...(await this.unknownCertificates(batch, outcome)));
      } else {
        problems.push(new InvalidInputError(outcome.code === ErrorCode.listenerNotFound ? "listenerId" : "certificateIds", outcome.message));
      }
    }
    return problems;
  }

  /** One dry run: validated, the listener busy, or the service's refusal (a transient error is retried, then thrown). */
  private async dryRunBatch(batch: readonly string[]): Promise<"validated" | "busy" | AlbApiError> {
    const { session } = this.deps;
    try {
      return await session.call(`dry run on ${session.listenerId}`, async () => {
        try {
          await session.api.associateAdditionalCertificates(session.listenerId, batch, { clientToken: this.deps.newToken(), dryRun: true });
          return "validated" as const;
        } catch (error) {
          if (classify(error).meaning === "listenerBusy") return "busy" as const;
          throw error;
        }
      });
    } catch (error) {
      if (!(error instanceof AlbApiError) || classify(error).retry !== "never") throw error;
      return error;
    }
  }

  /**
   * The certificates of a batch the service refused as unknown, each named: the batch is halved and each half
   * dry-run again (dry runs change nothing) until every refused certificate stands alone. If a narrowing dry
   * run cannot tell (busy, another refusal), the batch's own refusal is reported as it was.
   */
  private async unknownCertificates(batch: readonly string[], refusal: AlbApiError): Promise<InvalidInputError[]> {
    if (batch.length === 1) return [unknownCertificate(batch[0]!, this.deps.session.region)];
    const middle = Math.ceil(batch.length / 2);
    const culprits: InvalidInputError[] = [];
    for (const half of [batch.slice(0, middle), batch.slice(middle)]) {
      const outcome = await this.dryRunBatch(half);
      if (outcome === "validated") continue;
      if (outcome === "busy" || outcome.code !== ErrorCode.certificateNotFound) return [new InvalidInputError("certificateIds", refusal.message)];
      culprits.push(...(await this.unknownCertificates(half, outcome)));
    }
    return culprits.length > 0 ? culprits : [new InvalidInputError("certificateIds", refusal.message)];
  }
}

/** A certificate the service does not know, named, with the likeliest cause: the wrong region suffix, or a wrong ID. */
function unknownCertificate(certificateId: string, region: string): InvalidInputError {
  const suffix = /^[0-9]+-(.+)$/.exec(certificateId)?.[1];
  const why = suffix !== undefined && suffix !== region
    ? `its region suffix ${suffix} is not the listener's region ${region}: use the certificate's ID in ${region} (upload or copy the certificate there first)`
    : `check the ID in the certificate service (it includes the region suffix, e.g. 23759533-${region}) and that it is a server certificate`;
  return new InvalidInputError("certificateIds", `certificate ${certificateId} does not exist in region ${region} or is not a server certificate; ${why}.`);
}
