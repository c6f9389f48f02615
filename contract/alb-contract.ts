/**
 * The ALB (2020-06-16) API contract this package relies on, in one place: action names, the error
 * catalogue (every code with its HTTP status, what it means to a client, how it is retried, the server's
 * message and the user's fix: `error-catalogue.ts`, re-exported here), the status values of listeners,
 * certificate rows and jobs, and the request limits. The provider, the simulator, the benchmark and the
 * preview report import it; no product code spells a wire code or action name of its own.
 *
 * Where Alibaba's documents disagree, both readings are recorded here and the choice is named: see
 * `docs/alb-api-facts.md` for the sources of every value.
 *
 * Tests that check what goes over the wire spell codes and names literally instead of importing this
 * module: they are the independent oracle, and must not pass merely because this module and the code
 * agree with each other.
 */

/** The API version every call speaks. */
export const ALB_API_VERSION = "2020-06-16";

// ------------------------------------------------------------------------------------------ actions

/** The ALB actions this package calls or serves, by role. */
export const Action = Object.freeze({
  associate: "AssociateAdditionalCertificatesWithListener",
  dissociate: "DissociateAdditionalCertificatesFromListener",
  listListenerCertificates: "ListListenerCertificates",
  getListenerAttribute: "GetListenerAttribute",
  listListeners: "ListListeners",
  listAsynJobs: "ListAsynJobs",
} as const);

/** One of the ALB actions of {@link Action}. */
export type AlbAction = (typeof Action)[keyof typeof Action];

/** The two actions that start an asynchronous job (and are the job's `ApiName`). */
export type MutationAction = typeof Action.associate | typeof Action.dissociate;

/** Every action of {@link Action}. */
export const ALB_ACTIONS: readonly AlbAction[] = Object.freeze(Object.values(Action));

/** The actions that start a job and change the world. */
export const MUTATION_ACTIONS: ReadonlySet<string> = new Set<MutationAction>([Action.associate, Action.dissociate]);

/** Narrows a wire action name to one of {@link ALB_ACTIONS}. */
export function isAlbAction(action: string): action is AlbAction {
  return (ALB_ACTIONS as readonly string[]).includes(action);
}

/** Narrows a wire action name to a mutation. */
export function isMutationAction(action: string | null | undefined): action is MutationAction {
  return action !== null && action !== undefined && MUTATION_ACTIONS.has(action);
}

// ------------------------------------------------------------------------------------------ STS

/**
 * The STS API version the official credentials library calls to turn a RAM role (or an OIDC token) into
 * temporary credentials. The simulator serves these actions on its one port, routed by action and version.
 * The STS and security-token error codes below (and which of their HTTP statuses are unverified) are
 * sourced in `docs/credentials.md`.
 */
export const STS_API_VERSION = "2015-04-01";

/** The STS actions the credential chain calls. */
export const StsAction = Object.freeze({
  assumeRole: "AssumeRole",
  assumeRoleWithOidc: "AssumeRoleWithOIDC",
} as const);

/** One of the STS actions of {@link StsAction}. */
export type StsActionName = (typeof StsAction)[keyof typeof StsAction];

/** Whether a request names an STS action of {@link StsAction} at {@link STS_API_VERSION}. */
export function isStsRequest(action: string | null | undefined, version: string | null | undefined): action is StsActionName {
  return version === STS_API_VERSION && (Object.values(StsAction) as readonly string[]).includes(action ?? "");
}

// ------------------------------------------------------------------------------------------ statuses

/**
 * Status of a row of ListListenerCertificates. The Dissociate document spells the transitional status
 * `Dissociating`; the API metadata's enum spells it `Diassociating`. Both mean the same.
 */
export type CertificateStatus = "Associating" | "Associated" | "Dissociating" | "Diassociating" | "Dissociated";

/** The certificate statuses by meaning. */
export const CertificateStatus = Object.freeze({
  associating: "Associating",
  associated: "Associated",
  dissociating: "Dissociating",
  /** The API metadata's spelling of `Dissociating`. */
  dissociatingMetadataSpelling: "Diassociating",
  dissociated: "Dissociated",
} as const satisfies Record<string, CertificateStatus>);

/** Whether a certificate with this status is served, or about to be (an association in progress). */
export function isPresentStatus(status: string): boolean {
  return status === CertificateStatus.associated || status === CertificateStatus.associating;
}

/** Whether a job is still running on a certificate with this status (either spelling of dissociating). */
export function isTransitionalStatus(status: string): boolean {
  return (
    status === CertificateStatus.associating ||
    status === CertificateStatus.dissociating ||
    status === CertificateStatus.dissociatingMetadataSpelling
  );
}

/** Whether a dissociation is in progress on a certificate with this status (either spelling). */
export function isDissociatingStatus(status: string): boolean {
  return status === CertificateStatus.dissociating || status === CertificateStatus.dissociatingMetadataSpelling;
}

/** Status of a listener (`GetListenerAttribute.ListenerStatus`). */
export type ListenerStatus = "Provisioning" | "Running" | "Configuring" | "Stopped";

/** The listener statuses by meaning. */
export const ListenerStatus = Object.freeze({
  provisioning: "Provisioning",
  running: "Running",
  configuring: "Configuring",
  stopped: "Stopped",
} as const satisfies Record<string, ListenerStatus>);

/** Every {@link ListenerStatus}. */
export const LISTENER_STATUSES: readonly ListenerStatus[] = Object.freeze(Object.values(ListenerStatus));

/** Protocol of a listener. Only HTTPS and QUIC listeners take certificates. */
export type ListenerProtocol = "HTTP" | "HTTPS" | "QUIC";

/** The listener protocols by name. */
export const ListenerProtocol = Object.freeze({ http: "HTTP", https: "HTTPS", quic: "QUIC" } as const satisfies Record<string, ListenerProtocol>);

/** Every {@link ListenerProtocol}. */
export const LISTENER_PROTOCOLS: readonly ListenerProtocol[] = Object.freeze(Object.values(ListenerProtocol));

/** Type of a certificate row: a server certificate, or the CA certificate of a mutual-TLS listener. */
export type CertificateType = "Server" | "Ca";

/** The certificate types by name. */
export const CertificateType = Object.freeze({ server: "Server", ca: "Ca" } as const satisfies Record<string, CertificateType>);

/** Every {@link CertificateType}. */
export const CERTIFICATE_TYPES: readonly CertificateType[] = Object.freeze(Object.values(CertificateType));

/** Status of a job in ListAsynJobs. */
export type JobStatus = "Processing" | "Succeeded" | "Failed";

/** The job statuses by name. */
export const JobStatus = Object.freeze({ processing: "Processing", succeeded: "Succeeded", failed: "Failed" } as const satisfies Record<string, JobStatus>);

// ------------------------------------------------------------------------------------------ error codes

// The error catalogue: codes, their HTTP status, meaning, retry kind, message template and fix, and the
// functions that decide retries. It lives in its own file for its length; importers use this module.
export * from "./error-catalogue";

// ------------------------------------------------------------------------------------------ limits

/**
 * Request limits and quotas. The provider keeps within the strictest published reading of each; the
 * simulator enforces a configurable one (its fixture's `limits` and behaviour profiles).
 */
export const Limits = Object.freeze({
  /** Certificates per AssociateAdditionalCertificatesWithListener call (API metadata: 1..15). */
  associateCertificatesMax: 15,
  /** Certificates per DissociateAdditionalCertificatesFromListener call, as the API metadata gives it (1..15). */
  dissociateCertificatesMaxMetadata: 15,
  /** Certificates per DissociateAdditionalCertificatesFromListener call, as the Dissociate document's text gives it. */
  dissociateCertificatesMaxDocumented: 20,
  /** `CertificateIds` filter entries per ListListenerCertificates call (API metadata). */
  listCertificateIdsMax: 20,
  /** `JobIds` (and `ResourceIds`) filter entries per ListAsynJobs call (API metadata). */
  listJobIdsMax: 10,
  /** Largest `MaxResults` of a list call. */
  maxResultsMax: 100,
  /** Default `MaxResults` of a list call. */
  maxResultsDefault: 20,
  /** Longest `ClientToken`, in characters (older English documents). */
  clientTokenMaxLength: 64,
  /** Associate / Dissociate calls per account per window (each action separately). */
  mutationsPerWindow: 200,
  /** The window of {@link mutationsPerWindow}, in milliseconds. */
  rateWindowMs: 60_000,
  /** Additional certificates per load balancer, default quota of the Standard (and WAF-enabled) edition. */
  loadBalancerCertificatesStandard: 25,
  /** Additional certificates per load balancer, default quota of the Basic edition. */
  loadBalancerCertificatesBasic: 10,
  /** The largest additional-certificate quota ALB grants after an increase. */
  loadBalancerCertificatesCeiling: 300,
} as const);
