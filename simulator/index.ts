/**
 * A local, faithful ALB OpenAPI (2020-06-16) simulator for the listener additional-certificate actions, with
 * the Certificate Management Service (CAS, 2020-04-07) read actions on the same port. Official clients
 * (`@alicloud/pop-core`, `@alicloud/alb20200616`, `@alicloud/cas20200407`) work against it unchanged.
 *
 * @example
 * const sim = await startSimulator({ clock: fakeClock });
 * // point a client at sim.endpoint with DEMO_ACCESS_KEY_ID / DEMO_ACCESS_KEY_SECRET
 * sim.backend.listenerView("lsn-demo-https-443");
 * await sim.close();
 */
export { startSimulator, type RunningSimulator, type SimulatorOptions } from "./start";
export {
  AlbBackend,
  DEFAULT_JOB_MS,
  REQUEST_LOG_CAPACITY,
  systemClock,
  type AlbBackendOptions,
  type CasCertificate,
  type Clock,
  type JobView,
  type ListenerAttributes,
  type ListenerCertificateRow,
  type ListenerView,
  type MutationRequest,
  type MutationResult,
  type RequestLogEntry,
  type WorldSnapshot,
} from "./backend";
export {
  CERTIFICATE_TYPES,
  DEFAULT_CERTIFICATE_ISSUER,
  DEFAULT_LIMITS,
  DEMO_ACCESS_KEY_ID,
  DEMO_ACCESS_KEY_SECRET,
  DEMO_FIXTURE,
  DEMO_REGION_ID,
  FixtureFileError,
  LISTENER_PROTOCOLS,
  LISTENER_STATUSES,
  resolveFixture,
  type AccessKey,
  type CertificateDetails,
  type CertificateDetailsInput,
  type CertificateType,
  type Fixture,
  type FixtureCertificate,
  type FixtureBehaviourContext,
  type FixtureListener,
  type Limits,
  type ListenerProtocol,
  type ListenerStatus,
  type ResolvedCertificateDetailsInput,
  type ResolvedFixture,
  type ResolvedFixtureCertificate,
} from "./fixture";
export { CAS_HANDLERS, CAS_MAX_SHOW_SIZE, CAS_WILL_EXPIRE_MS, casCertificateStatus, PLACEHOLDER_CERT, PLACEHOLDER_KEY } from "./cas-handlers";
export {
  ALL_BEHAVIOUR,
  BEHAVIOUR_NAMES,
  BEHAVIOUR_SWITCHES,
  DEFAULT_BEHAVIOUR,
  DEFAULT_JOB_DURATION,
  DEFAULT_LINGERING_ROWS_MS,
  DEFAULT_READ_LAG_MS,
  describeBehaviour,
  LEGACY_BEHAVIOUR,
  parseBehaviourList,
  resolveBehaviour,
  type Behaviour,
  type BehaviourInput,
  type BehaviourSwitch,
  type JobDuration,
  type SwitchKind,
} from "./behaviour";
export { FAULT_KINDS, FaultFileError, loadFaultFile, parseFaultRules, type FaultKind, type FaultRule, type FaultRuleState } from "./faults";
export { StateFileError } from "./state";
export {
  DEMO_ACCOUNT_ID,
  DEMO_OIDC_CLIENT_ID,
  DEMO_OIDC_ISSUER,
  DEMO_OIDC_PROVIDER_ARN,
  DEMO_OIDC_TOKEN,
  DEMO_ROLE_ARN,
  DEMO_STS_FIXTURE,
  StsService,
  unsignedJwt,
  type IssuedSession,
  type OidcProviderFixture,
  type ResolvedStsFixture,
  type StsFixture,
  type StsRoleFixture,
} from "./sts";
export { SIMULATOR_TLS_CERTIFICATE } from "./tls";
export { ALB_ACTIONS, ALB_API_VERSION as API_VERSION, type AlbAction } from "../contract/alb-contract";
export type { AdditionalCertificateStatus, JobStatus, PreviousRowStatus } from "./transitions";
export { DEFAULT_TIMESTAMP_SKEW_MS, MAX_BODY_BYTES } from "./server";
export * from "./errors";
