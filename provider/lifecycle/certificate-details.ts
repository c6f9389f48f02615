/**
 * Certificates, not opaque IDs: for a change `check` validates, reads what each certificate of the listener
 * is (through the process's {@link CertificateCatalog}), runs the guards of `core/certificate-review.ts`,
 * prints the review as a progress line with its machine-readable copy (for the preview report) and warns
 * where the details could not be read. The outputs of an apply carry each declared certificate's domains and
 * end date from the same lookups.
 */
import type { CasSite } from "../../contract/cas-contract";
import { CONFIG_NAMESPACE, DEFAULT_EXPIRY_WARNING_DAYS } from "../base/defaults";
import type { Clock } from "../base/clock";
import type { CertificateCatalog, CertificateLookup } from "../core/certificate-catalog";
import { reviewChange, type ReviewFailure } from "../core/certificate-review";
import { defaultCertificates, presentIds } from "../core/listener-checks";
import { VALIDATE_POLICY } from "../core/listener-session";
import type { ListenerAttribute, ListenerCertificate } from "../transport/alb-client";
import type { CasApi } from "../transport/cas-types";
import { formatEvent } from "./events";
import type { CertificateInfo, StoredProps } from "./state";

/** The RAM action the details need. */
export const CAS_READ_ACTION = "yundun-cert:GetCertificateDetail";

export interface CertificateDetailsDeps {
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly warn: (line: string) => void;
  readonly catalog: CertificateCatalog;
  /** The CAS client of a site for a resource's props. */
  readonly casApi: (props: StoredProps, site: CasSite) => CasApi;
}

/** The change `check` validated, and the listener as the validation read it. */
export interface DetailsRequest {
  readonly props: StoredProps;
  /** The certificates the resource declared on this listener before (none for a new resource or listener). */
  readonly previous: readonly string[];
  readonly attribute: ListenerAttribute;
  readonly rows: readonly ListenerCertificate[];
  /** Certificates other resources of the program declare on the listener. */
  readonly claimedByOthers: ReadonlySet<string>;
  readonly deadlineAt: number;
}

/** Whether a resource reads certificate details. */
export function readsDetails(props: StoredProps): boolean {
  return props.readCertificateDetails !== false;
}

export class CertificateDetails {
  private warnedDenied = false;
  private readonly warnedIds = new Set<string>();

  constructor(private readonly deps: CertificateDetailsDeps) {}

  /** Reviews a change of the declared set; returns what fails the preview. */
  async review(request: DetailsRequest): Promise<ReviewFailure[]> {
    const { props, previous, attribute, rows } = request;
    const declared = Object.keys(props.certificates).sort();
    const before = new Set(previous);
    const added = declared.filter((id) => !before.has(id));
    const kept = declared.filter((id) => before.has(id));
    // The other additional certificates the listener serves now: they stay, unless this resource is exclusive
    // and no other resource of the program declares them (then the apply dissociates them too).
    const mine = new Set([...declared, ...previous]);
    const others = [...presentIds(rows)].filter((id) => !mine.has(id));
    const othersStaying = others.filter((id) => !props.exclusive || request.claimedByOthers.has(id));
    const removed = [...previous.filter((id) => !declared.includes(id)), ...others.filter((id) => !othersStaying.includes(id))];
    const alsoServed = [...defaultCertificates(rows, attribute), ...othersStaying];

    // One client per site for the whole review (a lookup per certificate must not build a client each).
    const clients = new Map<CasSite, CasApi>();
    const api = (site: CasSite): CasApi => {
      let client = clients.get(site);
      if (client === undefined) clients.set(site, (client = this.deps.casApi(props, site)));
      return client;
    };
    const lookups = await this.deps.catalog.lookupAll([...added, ...removed, ...kept, ...alsoServed], {
      api,
      deadlineAt: request.deadlineAt,
      policy: VALIDATE_POLICY,
    });
    this.warnMissing(lookups, new Set([...added, ...removed, ...kept]));
    const review = reviewChange({
      listenerId: props.listenerId,
      added,
      removed,
      kept,
      alsoServed,
      lookups,
      now: this.deps.clock.now(),
      expiryWarningDays: props.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS,
      domainCoverage: props.domainCoverage ?? "warn",
    });
    for (const warning of review.warnings) this.deps.warn(`warning: ${CONFIG_NAMESPACE}: ${warning}`);
    this.deps.log(formatEvent({ kind: "certificates", listenerId: props.listenerId, added: review.added, removed: review.removed, kept: review.kept, uncovered: review.uncovered }));
    return [...review.failures];
  }

  /** Each declared certificate's domains and end date, for the outputs; undefined when none was read. */
  info(props: StoredProps, ids: readonly string[]): Record<string, CertificateInfo> | undefined {
    if (!readsDetails(props)) return undefined;
    const entries = ids.flatMap((id) => {
      const detail = this.deps.catalog.detail(id);
      return detail ? [[id, { domains: [...detail.domains], notAfter: new Date(detail.notAfter).toISOString() }] as const] : [];
    });
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }

  /**
   * A missing permission once per process (one stack), naming the RAM action; a certificate the service does
   * not know once per certificate; a read that failed for now each time. The deployment goes on either way.
   */
  private warnMissing(lookups: ReadonlyMap<string, CertificateLookup>, changed: ReadonlySet<string>): void {
    const unavailable: string[] = [];
    for (const [id, lookup] of lookups) {
      if (lookup.kind === "denied" && !this.warnedDenied) {
        this.warnedDenied = true;
        this.deps.warn(
          `warning: ${CONFIG_NAMESPACE}: cannot read certificate details from the Certificate Management Service (${lookup.code}): ` +
            `allow ${CAS_READ_ACTION} for these credentials to see each certificate's domains and expiry in previews and to check them; ` +
            `the deployment proceeds without them.`,
        );
      } else if ((lookup.kind === "notFound" || lookup.kind === "notCas") && changed.has(id) && !this.warnedIds.has(id)) {
        this.warnedIds.add(id);
        const why = lookup.kind === "notCas" ? "its ID is not of the <certificate ID>-<region> form" : `the service answered ${lookup.code}`;
        this.deps.warn(
          `warning: ${CONFIG_NAMESPACE}: certificate ${id} is not found in the Certificate Management Service (${why}); its domains and expiry are not shown or checked.`,
        );
      } else if (lookup.kind === "unavailable" && changed.has(id)) {
        unavailable.push(id);
      }
    }
    if (unavailable.length > 0) {
      this.deps.warn(`warning: ${CONFIG_NAMESPACE}: could not read the details of ${unavailable.join(", ")} now; their domains and expiry are not shown or checked.`);
    }
  }
}
