/**
 * `--state` persistence: the whole world (listeners, certificates, jobs with their clock times, ClientTokens,
 * the ID generator and the behaviour) as one JSON file, written atomically (temporary file, then rename) after
 * every change, and read back on start. A file that cannot be read back is never overwritten.
 *
 * Version 2 added the behaviour, lingering `Dissociated` rows, CA certificates of listeners, the load-balancer
 * limit and the read-lag fields of jobs. A version-1 file still loads: it gets {@link LEGACY_BEHAVIOUR} (the
 * per-listener quota it was written under) and the defaults of the new fields.
 *
 * Certificates may carry their CAS details (`details`, dates as epoch ms) and access keys the actions their
 * RAM policy denies (`deniedActions`): optional fields of the version-2 layout, so files written before them
 * still load (their certificates have no CAS details, their keys deny nothing).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { SimulatorErrorCode } from "../contract/alb-contract";
import { LEGACY_BEHAVIOUR, resolveBehaviour, type Behaviour } from "./behaviour";
import { isAlbError } from "./errors";
import { CAS_ACTIONS } from "../contract/cas-contract";
import { ALB_ACTIONS } from "../contract/alb-contract";
import { DEFAULT_LIMITS, type AccessKey, type CertificateDetails, type CertificateType, type Limits, type ListenerProtocol, type ListenerStatus } from "./fixture";
import type { RandomState } from "./random";
import type { AdditionalCertificateStatus, JobRecord } from "./transitions";

/** The `format` marker of a state file. */
export const STATE_FORMAT = "alb-simulator-state";
/** The version of the state file layout this simulator writes. */
export const STATE_VERSION = 2;
/** The versions it reads. */
export const READABLE_STATE_VERSIONS: readonly number[] = [1, 2];

/** A listener in a state file. */
export interface PersistedListener {
  readonly listenerId: string;
  readonly loadBalancerId: string;
  readonly protocol: ListenerProtocol;
  readonly port: number;
  readonly status: ListenerStatus;
  readonly defaultCertificateId: string | null;
  readonly additional: readonly { readonly certificateId: string; readonly status: AdditionalCertificateStatus }[];
  readonly configuringUntilMs: number;
  /** Lingering `Dissociated` rows and the clock time (ms) each vanishes. */
  readonly lingering: readonly { readonly certificateId: string; readonly vanishAtMs: number }[];
  readonly caCertificateId: string | null;
}

/** A certificate of the catalogue in a state file, with its CAS details when it has any. */
export interface PersistedCertificate {
  readonly certificateId: string;
  readonly type: CertificateType;
  readonly details?: CertificateDetails;
}

/** An idempotency record in a state file. */
export interface PersistedClientToken {
  readonly clientToken: string;
  readonly fingerprint: string;
  readonly jobId: string;
}

/** The content of a state file. */
export interface PersistedState {
  readonly format: typeof STATE_FORMAT;
  readonly version: typeof STATE_VERSION;
  readonly regionId: string;
  readonly accessKeys: readonly AccessKey[];
  readonly limits: Limits;
  readonly certificates: readonly PersistedCertificate[];
  readonly listeners: readonly PersistedListener[];
  readonly jobs: readonly JobRecord[];
  readonly clientTokens: readonly PersistedClientToken[];
  readonly random: RandomState;
  /** The job-duration jitter's own generator (absent in files written before it had one). */
  readonly jobRandom?: RandomState;
  readonly nextJobSeq: number;
  readonly behaviour: Behaviour;
}

/** Thrown when a state file exists but cannot be used. The file is left as it is. */
export class StateFileError extends Error {
  override readonly name = "StateFileError" as const;
  constructor(readonly path: string, reason: string, options?: { cause?: unknown }) {
    super(`Cannot load simulator state file ${path}: ${reason}. The file was left untouched; fix or remove it.`, options);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function check(condition: boolean, path: string, reason: string): void {
  if (!condition) throw new StateFileError(path, reason);
}

/**
 * Reads a state file.
 *
 * @returns the state in the current layout (a version-1 file is upgraded in memory; the file is rewritten in
 *   the current layout at the next change), or `undefined` when the file does not exist.
 * @throws StateFileError when the file is unreadable, not JSON, or not a version-1 or version-2 state.
 */
export function loadState(path: string): PersistedState | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error: unknown) {
    if (isObject(error) && error.code === "ENOENT") return undefined;
    throw new StateFileError(path, "it cannot be read", { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    throw new StateFileError(path, `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  check(isObject(parsed), path, "the top level is not an object");
  const state = parsed as Record<string, unknown>;
  check(state.format === STATE_FORMAT, path, `field "format" is not "${STATE_FORMAT}"`);
  check(READABLE_STATE_VERSIONS.includes(state.version as number), path, `field "version" is not one of ${READABLE_STATE_VERSIONS.join(", ")}`);
  check(typeof state.regionId === "string", path, `field "regionId" is not a string`);
  for (const field of ["accessKeys", "certificates", "listeners", "jobs", "clientTokens"]) {
    check(Array.isArray(state[field]), path, `field "${field}" is not an array`);
  }
  check(isObject(state.limits), path, `field "limits" is not an object`);
  check(Array.isArray(state.random) && state.random.length === 4 && state.random.every((word) => Number.isInteger(word)),
    path, `field "random" is not four integers`);
  check(state.jobRandom === undefined || (Array.isArray(state.jobRandom) && state.jobRandom.length === 4 && state.jobRandom.every((word) => Number.isInteger(word))),
    path, `field "jobRandom" is not four integers`);
  check(Number.isInteger(state.nextJobSeq), path, `field "nextJobSeq" is not an integer`);
  (state.certificates as unknown[]).forEach((certificate, i) => {
    check(isObject(certificate) && typeof certificate.certificateId === "string" && typeof certificate.type === "string"
      && (certificate.details === undefined || wellFormedDetails(certificate.details)), path, `certificates[${i}] is malformed`);
  });
  (state.accessKeys as unknown[]).forEach((key, i) => {
    check(isObject(key) && typeof key.accessKeyId === "string" && typeof key.accessKeySecret === "string"
      && (key.deniedActions === undefined || (Array.isArray(key.deniedActions)
        && key.deniedActions.every((action) => (DENIABLE_ACTIONS as readonly unknown[]).includes(action)))), path, `accessKeys[${i}] is malformed`);
  });
  (state.listeners as unknown[]).forEach((listener, i) => {
    check(isObject(listener) && typeof listener.listenerId === "string" && Array.isArray(listener.additional)
      && typeof listener.configuringUntilMs === "number", path, `listeners[${i}] is malformed`);
  });
  (state.jobs as unknown[]).forEach((job, i) => {
    check(isObject(job) && typeof job.jobId === "string" && typeof job.endTimeMs === "number"
      && Array.isArray(job.certificateIds), path, `jobs[${i}] is malformed`);
  });
  if (state.version === 1) return upgradeVersion1(state);
  (state.listeners as Record<string, unknown>[]).forEach((listener, i) => {
    check(Array.isArray(listener.lingering) && (listener.caCertificateId === null || typeof listener.caCertificateId === "string"),
      path, `listeners[${i}] is malformed`);
  });
  let behaviour: Behaviour;
  try {
    behaviour = resolveBehaviour(state.behaviour);
  } catch (error: unknown) {
    if (isAlbError(error, SimulatorErrorCode.invalidBehaviour)) throw new StateFileError(path, `field ${error.params.field} ${error.params.reason}`, { cause: error });
    throw error;
  }
  return { ...(parsed as PersistedState), limits: { ...DEFAULT_LIMITS, ...(state.limits as Partial<Limits>) }, behaviour };
}

/** The actions an access key's `deniedActions` may name. */
const DENIABLE_ACTIONS: readonly string[] = [...ALB_ACTIONS, ...CAS_ACTIONS];

/** Whether `value` is a certificate's CAS details as {@link persistState} writes them. */
function wellFormedDetails(value: unknown): boolean {
  if (!isObject(value)) return false;
  const text = (field: unknown): boolean => typeof field === "string" && field !== "";
  return text(value.commonName) && text(value.issuer) && text(value.name)
    && Array.isArray(value.sans) && value.sans.every(text)
    && Number.isSafeInteger(value.notBeforeMs) && Number.isSafeInteger(value.notAfterMs)
    && (value.notAfterMs as number) > (value.notBeforeMs as number);
}

/** A version-1 state in the current layout: the behaviour it was written under, no lingering rows, no CA certificates. */
function upgradeVersion1(state: Record<string, unknown>): PersistedState {
  const listeners = (state.listeners as Record<string, unknown>[]).map((listener) => ({ ...listener, lingering: [], caCertificateId: null }));
  return {
    ...(state as unknown as PersistedState),
    version: STATE_VERSION,
    limits: { ...DEFAULT_LIMITS, ...(state.limits as Partial<Limits>) },
    listeners: listeners as unknown as PersistedListener[],
    behaviour: LEGACY_BEHAVIOUR,
  };
}

/**
 * Writes a state file atomically: a sibling temporary file (mode 0600, the file holds access key secrets)
 * is written in full and then renamed over `path`.
 */
export function saveState(path: string, state: PersistedState): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
