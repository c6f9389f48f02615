/**
 * `--state` persistence: the whole world (listeners, certificates, jobs with their clock times, ClientTokens
 * and the ID generator) as one JSON file, written atomically (temporary file, then rename) after every
 * change, and read back on start. A file that cannot be read back is never overwritten.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { AccessKey, FixtureCertificate, Limits, ListenerProtocol, ListenerStatus } from "./fixture";
import type { RandomState } from "./random";
import type { AdditionalCertificateStatus, JobRecord } from "./transitions";

/** The `format` marker of a state file. */
export const STATE_FORMAT = "alb-simulator-state";
/** The version of the state file layout. */
export const STATE_VERSION = 1;

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
  readonly certificates: readonly FixtureCertificate[];
  readonly listeners: readonly PersistedListener[];
  readonly jobs: readonly JobRecord[];
  readonly clientTokens: readonly PersistedClientToken[];
  readonly random: RandomState;
  readonly nextJobSeq: number;
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
 * @returns the state, or `undefined` when the file does not exist.
 * @throws StateFileError when the file is unreadable, not JSON, or not a version-1 state.
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
  check(state.version === STATE_VERSION, path, `field "version" is not ${STATE_VERSION}`);
  check(typeof state.regionId === "string", path, `field "regionId" is not a string`);
  for (const field of ["accessKeys", "certificates", "listeners", "jobs", "clientTokens"]) {
    check(Array.isArray(state[field]), path, `field "${field}" is not an array`);
  }
  check(isObject(state.limits), path, `field "limits" is not an object`);
  check(Array.isArray(state.random) && state.random.length === 4 && state.random.every((word) => Number.isInteger(word)),
    path, `field "random" is not four integers`);
  check(Number.isInteger(state.nextJobSeq), path, `field "nextJobSeq" is not an integer`);
  (state.listeners as unknown[]).forEach((listener, i) => {
    check(isObject(listener) && typeof listener.listenerId === "string" && Array.isArray(listener.additional)
      && typeof listener.configuringUntilMs === "number", path, `listeners[${i}] is malformed`);
  });
  (state.jobs as unknown[]).forEach((job, i) => {
    check(isObject(job) && typeof job.jobId === "string" && typeof job.endTimeMs === "number"
      && Array.isArray(job.certificateIds), path, `jobs[${i}] is malformed`);
  });
  return parsed as PersistedState;
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
