/**
 * Every tunable number of the provider, with its unit. Limits that come from the ALB API live in the
 * API contract (`contract/alb-contract.ts`); the rest are this project's choices, documented in the
 * README.
 */
import { Limits } from "../../contract/alb-contract";

/** Most certificates per AssociateAdditionalCertificatesWithListener call (the API's limit). */
export const ASSOCIATE_BATCH_MAX = Limits.associateCertificatesMax;

/**
 * Most certificates per DissociateAdditionalCertificatesFromListener call: the stricter of the two
 * published limits (the API metadata's 15, not the document text's 20).
 */
export const DISSOCIATE_BATCH_MAX = Limits.dissociateCertificatesMaxMetadata;

/**
 * Default most additional certificates one resource may declare: the Standard-edition quota of
 * additional certificates. Raise it with the stack config key
 * `alb-listener-certificates:maxCertificatesPerListener` after a quota increase.
 */
export const DEFAULT_MAX_CERTIFICATES_PER_LISTENER = Limits.loadBalancerCertificatesStandard;

/** Hard ceiling for `maxCertificatesPerListener` (the largest quota ALB grants). */
export const MAX_CERTIFICATES_PER_LISTENER_CEILING = Limits.loadBalancerCertificatesCeiling;

/** Default deadline of one operation (create, update or delete of one resource), in seconds. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 600;

/** Bounds accepted for `waitTimeoutSeconds`. */
export const MIN_WAIT_TIMEOUT_SECONDS = 1;
export const MAX_WAIT_TIMEOUT_SECONDS = 24 * 60 * 60;

/** Page size used when listing a listener's certificates (the API maximum). */
export const LIST_PAGE_SIZE = Limits.maxResultsMax;

/** First delay between two polls of a running job, in milliseconds. */
export const POLL_MIN_DELAY_MS = 250;

/** Largest delay between two polls of a running job, in milliseconds. */
export const POLL_MAX_DELAY_MS = 2_000;

/**
 * Once the provider process has seen jobs finish, a wait sleeps until the job's expected end and
 * then polls every "step": this fraction of the expected duration, within the bounds below
 * (see `job-timing.ts`).
 */
export const POLL_STEP_FRACTION = 0.05;

/** Smallest poll step after the expected end of a job, in milliseconds. */
export const POLL_STEP_MIN_MS = 100;

/** Largest poll step after the expected end of a job, in milliseconds. */
export const POLL_STEP_MAX_MS = 1_000;

/**
 * Until a listener has shown how much its job durations vary (three jobs), a wait first looks this fraction
 * of the expected duration before the expected end.
 */
export const JOB_TIMING_PRIOR_SPREAD = 0.2;

/** Job durations remembered per listener (their median is the estimate). */
export const JOB_TIMING_SAMPLES = 5;

/** Listeners whose job durations one provider process remembers (least recently used forgotten first). */
export const JOB_TIMING_LISTENERS_MAX = 1_000;

/**
 * Pause after a throttled mutation before the process's next try, in milliseconds: full jitter from
 * the first value, doubling to the second (see `throttle-gate.ts`). Short, because only one call at a
 * time probes while the account is throttled.
 */
export const THROTTLE_PROBE_MIN_DELAY_MS = 250;
export const THROTTLE_PROBE_MAX_DELAY_MS = 1_000;

/** First delay before retrying a transient API error, in milliseconds. */
export const RETRY_MIN_DELAY_MS = 500;

/** Largest delay before retrying a transient API error, in milliseconds. */
export const RETRY_MAX_DELAY_MS = 10_000;

/** Read and connect timeout of one HTTP request to the ALB API, in milliseconds. */
export const REQUEST_TIMEOUT_MS = 15_000;

/**
 * How long the program's registrations (the engine's `check` and `diff` calls) must have been quiet
 * before a create or update starts changing its listener, in milliseconds: another resource of the
 * program may be registered after this one's update began (the engine runs updates as soon as they are
 * planned), and its claim must be known first.
 */
export const REGISTRATION_QUIET_MS = 500;

/** Stack-config namespace of this package's own settings. */
export const CONFIG_NAMESPACE = "alb-listener-certificates";

/**
 * Preview-time reads and dry runs (validation in `check` and `diff`): how long they may retry transient
 * errors, in milliseconds, and their backoff. Shorter than an apply's, because a preview only reports.
 */
export const VALIDATION_DEADLINE_MS = 30_000;
export const VALIDATION_RETRY_MIN_DELAY_MS = 250;
export const VALIDATION_RETRY_MAX_DELAY_MS = 2_000;

/** Default of `expiryWarningDays`: a certificate being added that ends within this many days is warned about. */
export const DEFAULT_EXPIRY_WARNING_DAYS = 30;

/** Largest `expiryWarningDays` accepted (ten years: longer than any certificate is issued for). */
export const MAX_EXPIRY_WARNING_DAYS = 3650;
