/**
 * The stored state format: what the engine keeps as this resource's inputs and outputs, and how state
 * written by any earlier build of this package is read. The provider and the preview report read state
 * only through this module.
 *
 * Format (current): `{ listenerId, certificates: { "<id>": "<status>" }, exclusive, region, endpoint?,
 * waitTimeoutSeconds, expiryWarningDays?, domainCoverage?, readCertificateDetails?, resourceName? }`, and in the
 * outputs `certificateInfo?` (each certificate's domains and end date, when they were read) and `jobDurations?` (the
 * listener's recent jobs: `[{ ms, certificates }]`, oldest first, from which the next process times its first
 * wait). The certificate set is a map keyed by certificate ID so that the
 * engine's own diff names each added and removed ID (an array would show shifted positions). Values are
 * `Associated` in the desired inputs and the live status in the outputs.
 *
 * Upgrades: builds before the map stored the set as a `certificateIds` array; it is still read.
 */
import { CertificateStatus } from "../../contract/alb-contract";
import { DEFAULT_WAIT_TIMEOUT_SECONDS } from "../base/defaults";
import type { DomainCoverage } from "../core/certificate-review";
import type { JobSample } from "../core/job-timing";

/**
 * The value the engine uses for "not known until apply" (`pulumi.runtime.unknownValue`); inputs
 * computed from other resources arrive as this string during preview.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The resource's inputs and outputs as stored in state (the current format). */
export type StoredProps = {
  readonly listenerId: string;
  readonly certificates: Readonly<Record<string, string>>;
  readonly exclusive: boolean;
  readonly region: string;
  readonly endpoint?: string;
  readonly waitTimeoutSeconds: number;
  /** Days before its end at which a certificate being added is warned about (set only when declared). */
  readonly expiryWarningDays?: number;
  /** What a domain left without a certificate does (set only when declared). */
  readonly domainCoverage?: DomainCoverage;
  /** `false` when the resource opts out of reading certificate details (set only then). */
  readonly readCertificateDetails?: false;
  /** Outputs only: what each certificate is, when its details were read (see {@link CertificateInfo}). */
  readonly certificateInfo?: Readonly<Record<string, CertificateInfo>>;
  /** Logical name of the declaring resource, for ownership between resources of one stack. */
  readonly resourceName?: string;
  /** Outputs only: the listener's recent jobs as this package timed them (see {@link StoredJobDuration}). */
  readonly jobDurations?: readonly StoredJobDuration[];
};

/**
 * One recent job of the listener: how long it took, ms (the service's own timestamps when it gave them),
 * and how many certificates its batch had, when known.
 */
export interface StoredJobDuration {
  readonly ms: number;
  readonly certificates?: number;
}

/** An output entry per certificate: its domains and end of validity (ISO 8601, UTC). */
export interface CertificateInfo {
  readonly domains: readonly string[];
  readonly notAfter: string;
}

/** Stored properties as the engine hands them back: untyped, possibly written by an older build. */
export type RawProps = Readonly<Record<string, unknown>>;

/** The settings kept beside the certificate map, in the order they are stored. */
const SETTING_KEYS = [
  "listenerId",
  "exclusive",
  "region",
  "endpoint",
  "waitTimeoutSeconds",
  "expiryWarningDays",
  "domainCoverage",
  "readCertificateDetails",
  "resourceName",
] as const;

/** A certificate set read from stored or planned props. */
export interface DeclaredSet {
  /** The certificate IDs, sorted, without duplicates (known ones only). */
  readonly ids: readonly string[];
  /** Some of the set is not known yet (a preview of a value computed by another resource). */
  readonly unknown: boolean;
}

/** The `certificates` map (ID to recorded status) of stored or planned props, when they have one. */
function certificateStatuses(props: RawProps | undefined): Readonly<Record<string, unknown>> | undefined {
  const map = props?.certificates;
  return map && typeof map === "object" && !Array.isArray(map) ? (map as Record<string, unknown>) : undefined;
}

/**
 * The certificate set of stored or planned props, from any build: the `certificates` map, or the
 * `certificateIds` array older builds stored.
 */
export function declaredSet(props: RawProps | undefined): DeclaredSet {
  if (!props) return { ids: [], unknown: false };
  if (props.certificates === UNKNOWN) return { ids: [], unknown: true };
  const map = certificateStatuses(props);
  if (map) return { ids: Object.keys(map).sort(), unknown: false };
  const list = props.certificateIds;
  if (list === UNKNOWN) return { ids: [], unknown: true };
  if (Array.isArray(list)) {
    const ids = list.filter((x): x is string => typeof x === "string" && x !== UNKNOWN).map((x) => x.trim());
    return { ids: [...new Set(ids)].sort(), unknown: list.some((x) => x === UNKNOWN) };
  }
  return { ids: [], unknown: false };
}

/**
 * The certificates of stored outputs whose recorded status is not `Associated`: a failed apply recorded
 * them mid-change, or with status `Unknown` (an association sent whose outcome it could not see). The
 * next update must run to record what the listener really holds.
 */
export function unsettledIds(props: RawProps | undefined): string[] {
  return Object.entries(certificateStatuses(props) ?? {})
    .filter(([, status]) => status !== CertificateStatus.associated)
    .map(([id]) => id)
    .sort();
}

/** The known certificate IDs of stored props, sorted. */
export function declaredIds(props: RawProps | undefined): string[] {
  return [...declaredSet(props).ids];
}

/** Whether two sorted ID lists are equal. */
export function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** The listener of stored props (older builds always stored it; the resource ID is the fallback). */
export function storedListenerId(id: string, props: RawProps): string {
  return typeof props.listenerId === "string" && props.listenerId ? props.listenerId : id;
}

/** The operation deadline stored with the resource, in seconds. */
export function storedWaitTimeoutSeconds(props: RawProps): number {
  return typeof props.waitTimeoutSeconds === "number" ? props.waitTimeoutSeconds : DEFAULT_WAIT_TIMEOUT_SECONDS;
}

/**
 * The recent job durations stored with the resource, as job-timing samples; entries that are not a
 * duration (any build may have written the state, or a hand edit) are left out.
 */
export function storedJobDurations(props: RawProps | undefined): JobSample[] {
  const list = props?.jobDurations;
  if (!Array.isArray(list)) return [];
  const samples: JobSample[] = [];
  for (const entry of list as unknown[]) {
    if (entry === null || typeof entry !== "object") continue;
    const { ms, certificates } = entry as Record<string, unknown>;
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) continue;
    samples.push(typeof certificates === "number" && Number.isInteger(certificates) && certificates > 0 ? { ms, size: certificates } : { ms });
  }
  return samples;
}

/** Job-timing samples as stored in the outputs (`jobDurations`), ms rounded to whole milliseconds. */
export function jobDurationsOf(samples: readonly JobSample[]): StoredJobDuration[] {
  return samples.map((s) => (s.size === undefined ? { ms: Math.round(s.ms) } : { ms: Math.round(s.ms), certificates: s.size }));
}

/** The logical name stored with the resource, if any. */
export function storedResourceName(props: RawProps): string | undefined {
  return typeof props.resourceName === "string" && props.resourceName ? props.resourceName : undefined;
}

/** A certificate map with every ID set to `status`, keys in sorted order. */
export function certificateMap(ids: Iterable<string>, status: string = CertificateStatus.associated): Record<string, string> {
  return Object.fromEntries([...new Set(ids)].sort().map((id) => [id, status]));
}

/** `props` with its certificate map replaced. */
export function withCertificates(props: StoredProps, certificates: Readonly<Record<string, string>>): StoredProps {
  return { ...props, certificates };
}

/**
 * The current format of stored props written by any build: the settings it has, `listenerId` from the
 * resource ID when missing, `exclusive` as a boolean, and the given certificate map in place of whatever
 * set it stored. Used by `read` to rewrite both inputs and outputs.
 */
export function upgradeStored(id: string, props: RawProps, certificates: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (props[key] !== undefined) out[key] = props[key];
  out.listenerId = storedListenerId(id, props);
  out.exclusive = props.exclusive === true;
  out.certificates = certificates;
  return out;
}
