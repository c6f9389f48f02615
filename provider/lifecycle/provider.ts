/**
 * The lifecycle methods (check · diff · create · read · update · delete) of the dynamic provider: each
 * maps an engine call onto the domain (input canonicalization in `inputs.ts`, the stored format in
 * `state.ts`, live checks in `listener-checks.ts`, planning and settling in `plan.ts`, `reconcile.ts` and
 * `settle.ts`). The engine runs them through the thin serialized shim in `resource.ts`, which loads this
 * module from the installed package at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createAlbClient, defaultEndpoint, type AlbApi, type EndpointContact, type ListenerCertificate } from "../transport/alb-client";
import { systemClock, type Clock } from "../base/clock";
import { ListenerCoordinator, type ClaimConflict } from "../core/coordinator";
import {
  CredentialChain,
  describeCredentialSource,
  findEndpointOverride,
  processEnvironment,
  resolveRegion,
  type ConfigReader,
  type Credentials,
  type Environment,
} from "../credentials/credentials";
import {
  CONFIG_NAMESPACE,
  DEFAULT_MAX_CERTIFICATES_PER_LISTENER,
  MAX_CERTIFICATES_PER_LISTENER_CEILING,
  REGISTRATION_QUIET_MS,
  VALIDATION_DEADLINE_MS,
  VALIDATION_RETRY_MAX_DELAY_MS,
  VALIDATION_RETRY_MIN_DELAY_MS,
} from "../base/defaults";
import { AlbProviderError, MissingCredentialsError, OwnershipConflictError, PartialApplyError, redact, type ApplyProgress, type InvalidInputError } from "../base/errors";
import { formatEvent } from "./events";
import { canonicalize, isHttpUrl } from "./inputs";
import { JobTimings } from "../core/job-timing";
import { additionalOnly, listenerGone, LiveValidator, presentIds } from "../core/listener-checks";
import { detectDrift, isPresentStatus, type LiveCertificate, type Plan } from "../core/plan";
import { Reconciler } from "../core/reconcile";
import { withRetry } from "../core/retry";
import {
  certificateMap,
  declaredIds,
  sameIds,
  storedListenerId,
  storedResourceName,
  storedWaitTimeoutSeconds,
  UNKNOWN,
  unsettledIds,
  upgradeStored,
  withCertificates,
  type RawProps,
  type StoredProps,
} from "./state";
import { ThrottleGate } from "../core/throttle-gate";

/** Everything the provider takes from the outside world; tests replace any of it. */
export interface ProviderDeps {
  readonly clock: Clock;
  readonly random: () => number;
  readonly newToken: () => string;
  /** Progress lines (shown by the engine as the provider's output). */
  readonly log: (line: string) => void;
  /** Warnings. */
  readonly warn: (line: string) => void;
  readonly environment: (config?: ConfigReader) => Environment;
  readonly createApi: (
    endpoint: string,
    credentials: () => Promise<Credentials>,
    info?: { readonly source: string; readonly contact: EndpointContact; readonly credentialSource: string },
  ) => AlbApi;
  /** Decides where credentials come from and fetches (and caches) them; see `credentials.ts`. */
  readonly credentials: CredentialChain;
  readonly coordinator: ListenerCoordinator;
  /** Job durations learned by this process (see `job-timing.ts`); without it, waits poll on the cold schedule. */
  readonly jobTimings?: JobTimings;
  /** Mutations of this process queue here while the account is throttled (see `throttle-gate.ts`). */
  readonly throttleGate?: ThrottleGate;
}

/** The stored props of a resource this provider's `check` produced (the engine hands them back untyped). */
function stored(props: RawProps): StoredProps {
  return props as unknown as StoredProps;
}

/** A check failure, as the engine takes it. */
function failure(problem: InvalidInputError): pulumi.dynamic.CheckFailure {
  return { property: problem.property, reason: problem.reason };
}

/** The resource name of an owner key (`name|region`). */
function ownerName(owner: string): string {
  return owner.slice(0, owner.lastIndexOf("|"));
}

/** The dynamic provider implementation. One instance serves every resource of a provider process. */
export class ListenerCertificatesProvider implements pulumi.dynamic.ResourceProvider {
  private config?: ConfigReader;
  /** Whether each endpoint has answered this process yet (see `EndpointContact`). */
  private readonly contacts = new Map<string, EndpointContact>();
  private warnedNoCredentials = false;
  /**
   * Creates, updates and deletes this process runs right now. Only an update run calls them (a preview
   * never does), so while one runs, the diffs and checks of the same deployment skip their validation dry
   * runs (see `LiveValidatorDeps.applying`).
   */
  private applying = 0;
  /**
   * The validation deadline each resource's check started (by owner): its diff, which the engine calls right
   * after, reads the live listener within what is left of it instead of starting a budget of its own.
   */
  private readonly validations = new Map<string, number>();

  constructor(private readonly deps: ProviderDeps) {}

  /** Receives the stack configuration (credentials, region, endpoint override). */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = req.config;
  }

  private environment(): Environment {
    return this.deps.environment(this.config);
  }

  private maxCertificates(): number {
    const raw = this.config?.get(`${CONFIG_NAMESPACE}:maxCertificatesPerListener`);
    const n = raw === undefined ? DEFAULT_MAX_CERTIFICATES_PER_LISTENER : Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > MAX_CERTIFICATES_PER_LISTENER_CEILING) {
      throw new AlbProviderError(
        `Stack config ${CONFIG_NAMESPACE}:maxCertificatesPerListener must be a whole number from 1 to ${MAX_CERTIFICATES_PER_LISTENER_CEILING}, got ${JSON.stringify(raw)}.`,
      );
    }
    return n;
  }

  /** The API client for a resource's stored or new properties; credentials are looked up per request. */
  private api(props: RawProps): AlbApi {
    const env = this.environment();
    const found = findEndpointOverride(env);
    const override = found?.value;
    if (override !== undefined && !isHttpUrl(override)) {
      throw new AlbProviderError(`The endpoint override ${JSON.stringify(override)} is not an http:// or https:// URL. Fix the stack config ${CONFIG_NAMESPACE}:endpoint or ALB_LISTENER_CERTIFICATES_ENDPOINT.`);
    }
    const region = typeof props.region === "string" && props.region ? props.region : resolveRegion(undefined, env);
    const input = typeof props.endpoint === "string" && props.endpoint ? props.endpoint : undefined;
    const endpoint = override ?? input ?? (region ? defaultEndpoint(region) : undefined);
    if (!endpoint) throw new AlbProviderError("No region: set the resource's region input or the stack config alicloud:region.");
    const source = found !== undefined ? `from ${found.from}` : input !== undefined ? "from the resource's endpoint input" : `the default endpoint of region ${region}`;
    const url = endpoint.replace(/\/+$/, "");
    let contact = this.contacts.get(url);
    if (contact === undefined) this.contacts.set(url, (contact = { answered: false }));
    const session = this.deps.credentials.session(env);
    return this.deps.createApi(url, session.credentials, { source, contact, credentialSource: describeCredentialSource(session.source) });
  }

  /** Throws MissingCredentialsError or CredentialsConfigError early, before any request is built. */
  private requireCredentials(): void {
    this.deps.credentials.validate(this.environment());
  }

  private hasCredentials(): boolean {
    try {
      this.requireCredentials();
      return true;
    } catch (error) {
      if (!(error instanceof MissingCredentialsError)) throw error;
      if (!this.warnedNoCredentials) {
        this.warnedNoCredentials = true;
        this.deps.warn(`warning: ${CONFIG_NAMESPACE}: skipping validation against the live listeners: ${error.message}`);
      }
      return false;
    }
  }

  private owner(props: RawProps): string {
    return `${storedResourceName(props) ?? "(unnamed)"}|${String(props.region ?? "")}`;
  }

  private deadline(props: RawProps): number {
    return this.deps.clock.now() + storedWaitTimeoutSeconds(props) * 1000;
  }

  /** Deadline of a validation starting now: VALIDATION_DEADLINE_MS, never past the resource's own deadline. */
  private validationDeadline(props: RawProps): number {
    return this.deps.clock.now() + Math.min(VALIDATION_DEADLINE_MS, storedWaitTimeoutSeconds(props) * 1000);
  }

  private reconciler(props: RawProps): Reconciler {
    return new Reconciler({ ...this.deps, api: this.api(props) });
  }

  private validator(props: StoredProps): LiveValidator {
    return new LiveValidator({ ...this.deps, api: this.api(props), applying: () => this.applying > 0 });
  }

  check(olds: RawProps, news: RawProps): Promise<pulumi.dynamic.CheckResult> {
    return this.deps.coordinator.registering(this.deps.clock, () => this.checkInputs(olds, news));
  }

  /**
   * Canonicalizes the declared inputs, records this resource's claim on the listener (refusing a certificate
   * another resource of the program declares on it), and, for a new resource or a changed set, validates
   * against the live listener so that a preview fails where the apply would. The live state is not
   * validated otherwise: a refresh (which runs no check) never fails because the world changed.
   */
  private async checkInputs(olds: RawProps, news: RawProps): Promise<pulumi.dynamic.CheckResult> {
    const env = this.environment();
    const result = canonicalize(news, { maxCertificates: this.maxCertificates(), defaultRegion: resolveRegion(undefined, env) });
    if (!result.props) return { inputs: news, failures: [...result.failures] };
    const props = result.props;
    if (result.certificatesUnknown) return { inputs: { ...props, certificates: UNKNOWN } };
    if (props.listenerId === UNKNOWN) return { inputs: props };
    const declared = Object.keys(props.certificates);
    const conflicts = this.deps.coordinator.claim(props.listenerId, this.owner(props), declared);
    if (conflicts.length > 0) return { inputs: props, failures: this.ownershipProblems(props, conflicts).map(failure) };
    const isNew = typeof olds?.listenerId !== "string" || olds.listenerId !== props.listenerId || (olds.region ?? props.region) !== props.region;
    const setChanged = !sameIds(declaredIds(olds), declared);
    const deadlineAt = this.validationDeadline(props);
    this.validations.set(this.owner(props), deadlineAt);
    if ((isNew || setChanged) && this.hasCredentials()) {
      const problems = await this.validator(props).validate({
        listenerId: props.listenerId,
        region: props.region,
        declared,
        toAdd: declared,
        deadlineAt,
      });
      if (problems.length > 0) return { inputs: props, failures: problems.map(failure) };
    }
    return { inputs: props };
  }

  private ownershipProblems(props: StoredProps, conflicts: readonly ClaimConflict[]): OwnershipConflictError[] {
    return conflicts.map((c) => new OwnershipConflictError(props.listenerId, c.certificateId, props.resourceName ?? "(unnamed)", ownerName(c.otherOwner)));
  }

  diff(id: string, olds: RawProps, news: RawProps): Promise<pulumi.dynamic.DiffResult> {
    return this.deps.coordinator.registering(this.deps.clock, () => this.diffInputs(id, olds, news));
  }

  /**
   * Replacement only for a new listener or region; otherwise an input change is answered "unknown" so the
   * engine names each added and removed certificate. Reads the live set once, so that `up` repairs drift
   * even without a refresh. Never fails because the live listener changed (the engine also diffs during
   * `refresh`): a repair that cannot succeed is a warning here and an error at apply.
   */
  private async diffInputs(_id: string, olds: RawProps, news: RawProps): Promise<pulumi.dynamic.DiffResult> {
    const replaces: string[] = [];
    if (olds.listenerId !== news.listenerId) replaces.push("listenerId");
    if ((olds.region ?? "") !== (news.region ?? "")) replaces.push("region");
    if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
    if (news.certificates === UNKNOWN || news.listenerId === UNKNOWN) return { changes: true };
    const newIds = declaredIds(news);
    const setChanged = !sameIds(declaredIds(olds), newIds);
    const exclusiveChanged = (olds.exclusive === true) !== (news.exclusive === true);
    // A failed apply recorded some certificates mid-change or with an unknown outcome: update, so that the
    // state records what the listener holds, even when it already holds exactly the declared set.
    const unsettled = unsettledIds(olds).length > 0;
    const props = stored(news);
    // What is left of the validation budget this resource's check started (one budget for both).
    const deadlineAt = this.validations.get(this.owner(news)) ?? this.validationDeadline(news);
    this.validations.delete(this.owner(news));
    if (!this.hasCredentials()) return { changes: setChanged || exclusiveChanged || unsettled };

    // Drift: the stored state may be stale (an out-of-band change). One read per resource shows it,
    // so `up` repairs drift even without a refresh.
    const api = this.api(news);
    let rows: ListenerCertificate[];
    try {
      rows = await withRetry(() => api.listListenerCertificates(props.listenerId), {
        clock: this.deps.clock,
        random: this.deps.random,
        deadlineAt,
        what: `certificates of ${props.listenerId}`,
        minDelayMs: VALIDATION_RETRY_MIN_DELAY_MS,
        maxDelayMs: VALIDATION_RETRY_MAX_DELAY_MS,
      });
    } catch (error) {
      throw listenerGone(error, props.listenerId, props.region) ?? error;
    }
    const drift = detectDrift({
      declared: newIds,
      present: presentIds(rows),
      exclusive: props.exclusive,
      protectedIds: this.deps.coordinator.claimedByOthers(props.listenerId, this.owner(news)),
    });
    const drifted = !setChanged && (drift.missing.length > 0 || drift.undeclared.length > 0);
    if (drifted) {
      this.deps.log(formatEvent({ kind: "drift", listenerId: props.listenerId, missing: drift.missing, undeclared: drift.undeclared }));
      const problems = await this.validator(props).validate({
        listenerId: props.listenerId,
        region: props.region,
        declared: newIds,
        toAdd: drift.missing,
        rows,
        deadlineAt,
      });
      for (const problem of problems) this.deps.warn(`warning: ${CONFIG_NAMESPACE}: repairing listener ${props.listenerId} will fail: ${problem.message}`);
    }
    // An input change is answered "unknown" so that the engine computes the property diff itself:
    // previews and `preview --json` then name each added and removed certificate ID
    // (detailedDiff `certificates["<id>"]: add|delete`). Drift alone has no input change, so it
    // must be a definite "changes".
    if (setChanged || exclusiveChanged) return {};
    return { changes: drifted || unsettled };
  }

  async create(inputs: RawProps): Promise<pulumi.dynamic.CreateResult> {
    const props = stored(inputs);
    const live = await this.whileApplying(() => this.apply(props, []));
    return { id: props.listenerId, outs: this.outputs(props, live) };
  }

  async update(_id: string, olds: RawProps, news: RawProps): Promise<pulumi.dynamic.UpdateResult> {
    const props = stored(news);
    const live = await this.whileApplying(() => this.apply(props, declaredIds(olds)));
    return { outs: this.outputs(props, live) };
  }

  private async whileApplying<T>(work: () => Promise<T>): Promise<T> {
    this.applying++;
    try {
      return await work();
    } finally {
      this.applying--;
    }
  }

  /**
   * Reconciles the listener under its queue, once the program's registrations are quiet: by then every
   * resource of the program has made its claim (in any registration order), so a certificate another
   * resource declares is refused before anything is sent, and one this resource gave up to another is kept.
   * A create or update that fails once a mutation was sent
   * throws a {@link PartialApplyError} (the engine's "failed to initialize" shape, honoured for create and
   * update alike): the resource is kept in state with the certificates of the old and the new set that
   * are live now, so the next `up` finishes the job and also removes what this attempt associated if the
   * program no longer declares it.
   */
  private async apply(props: StoredProps, previouslyDeclared: readonly string[]): Promise<LiveCertificate[]> {
    this.requireCredentials();
    const owner = this.owner(props);
    // A create follows its check without a diff: the check's validation budget ends here.
    this.validations.delete(owner);
    const desired = Object.keys(props.certificates);
    this.deps.coordinator.claim(props.listenerId, owner, desired);
    const reconciler = this.reconciler(props);
    const deadlineAt = this.deadline(props);
    await this.deps.coordinator.registrationsQuiet(this.deps.clock, REGISTRATION_QUIET_MS, deadlineAt);
    const [conflict] = this.ownershipProblems(props, this.deps.coordinator.conflicts(props.listenerId, owner, desired));
    if (conflict) throw conflict;
    let mutated = false;
    /** Certificates whose association was sent: the listener may not show them yet (read lag, a lost answer). */
    const sentAssociations = new Set<string>();
    let plan: Plan | undefined;
    try {
      const result = await this.deps.coordinator.withListener(props.listenerId, () =>
        reconciler.apply({
          listenerId: props.listenerId,
          desired,
          previouslyDeclared,
          exclusive: props.exclusive,
          protectedIds: this.deps.coordinator.claimedByOthers(props.listenerId, owner),
          deadlineAt,
          onPlanned: (p) => (plan = p),
          onMutated: (direction, ids) => {
            mutated = true;
            if (direction === "associate") ids.forEach((id) => sentAssociations.add(id));
          },
        }),
      );
      // Certificates kept because another resource of the stack declares them (the old name of a renamed
      // resource, until its delete runs) are that resource's, not part of an exclusive resource's outputs.
      const keptForOthers = new Set(result.plan.keptForOthers);
      return result.live.filter((c) => !keptForOthers.has(c.certificateId));
    } catch (error) {
      if (!mutated) throw error;
      const message = redact(error instanceof Error ? error.message : String(error));
      const { outputs, progress } = await this.partialResult(reconciler, props, [...previouslyDeclared, ...desired], plan, sentAssociations);
      throw new PartialApplyError(props.listenerId, progress, message, outputs, { cause: error });
    }
  }

  /**
   * After a failed apply: of the certificates this resource declared before or declares now, the ones live
   * on the listener (one read), and how far the plan got. Stored in state, they are what the next update
   * treats as "previously declared", so nothing this attempt associated is left behind if the program
   * changes. A certificate whose association was sent but that the listener does not show (yet: its answer
   * may have been lost, or the rows lag behind the call) is kept with status `Unknown`, since the job may
   * still put it there; the next update or delete reads the listener before acting on it. If the listener
   * cannot be read, every such certificate is kept with status `Unknown`.
   */
  private async partialResult(
    reconciler: Reconciler,
    props: StoredProps,
    ids: readonly string[],
    plan: Plan | undefined,
    sentAssociations: ReadonlySet<string>,
  ): Promise<{ outputs: StoredProps; progress?: ApplyProgress }> {
    const ours = [...new Set(ids)].sort();
    try {
      const rows = await reconciler.readAll(props.listenerId, this.validationDeadline(props));
      const status = new Map(additionalOnly(rows).map((c) => [c.certificateId, c.status]));
      for (const id of sentAssociations) if (!status.has(id)) status.set(id, "Unknown");
      const certificates = Object.fromEntries(ours.filter((id) => status.has(id)).map((id) => [id, status.get(id)!]));
      const present = presentIds(rows);
      const toAdd = plan?.associate.flat() ?? [];
      const toRemove = plan?.dissociate.flat() ?? [];
      const progress: ApplyProgress | undefined = plan && {
        associated: toAdd.filter((id) => present.has(id)),
        notAssociated: toAdd.filter((id) => !present.has(id)),
        dissociated: toRemove.filter((id) => !present.has(id)),
        notDissociated: toRemove.filter((id) => present.has(id)),
      };
      return { outputs: withCertificates(props, certificates), progress };
    } catch {
      return { outputs: withCertificates(props, certificateMap(ours, "Unknown")) };
    }
  }

  /** Outputs: the stored inputs with the certificate map carrying live statuses. */
  private outputs(props: StoredProps, live: readonly LiveCertificate[]): StoredProps {
    const status = new Map(live.map((c) => [c.certificateId, c.status]));
    const present = live.filter((c) => isPresentStatus(c.status)).map((c) => c.certificateId);
    const ids = props.exclusive ? new Set([...Object.keys(props.certificates), ...present]) : new Set(Object.keys(props.certificates));
    const certificates: Record<string, string> = {};
    for (const id of [...ids].sort()) {
      const s = status.get(id);
      if (s !== undefined) certificates[id] = s;
    }
    return withCertificates(props, certificates);
  }

  async read(id: string, props: RawProps): Promise<pulumi.dynamic.ReadResult> {
    const listenerId = storedListenerId(id, props);
    let rows: ListenerCertificate[];
    try {
      rows = await this.reconciler(props).readAll(listenerId, this.deadline(props));
    } catch (error) {
      if (listenerGone(error, listenerId, String(props.region ?? ""))) {
        this.deps.log(`${listenerId}: listener no longer exists; dropping it from state`);
        return {};
      }
      throw error;
    }
    const declared = new Set(declaredIds(props));
    const kept = additionalOnly(rows)
      .filter((c) => isPresentStatus(c.status) && (props.exclusive === true || declared.has(c.certificateId)))
      .sort((a, b) => (a.certificateId < b.certificateId ? -1 : 1));
    const outputs = upgradeStored(listenerId, props, Object.fromEntries(kept.map((c) => [c.certificateId, c.status])));
    const inputs = upgradeStored(listenerId, props, certificateMap(kept.map((c) => c.certificateId)));
    return { id: listenerId, props: outputs, inputs };
  }

  async delete(id: string, props: RawProps): Promise<void> {
    const listenerId = storedListenerId(id, props);
    this.requireCredentials();
    const owner = this.owner(props);
    this.deps.coordinator.release(listenerId, owner);
    const reconciler = this.reconciler(props);
    try {
      await this.whileApplying(() =>
        this.deps.coordinator.withListener(listenerId, () =>
          reconciler.apply({
            listenerId,
            desired: [],
            previouslyDeclared: declaredIds(props),
            exclusive: false,
            protectedIds: this.deps.coordinator.claimedByOthers(listenerId, owner),
            deadlineAt: this.deadline(props),
          }),
        ),
      );
    } catch (error) {
      if (listenerGone(error, listenerId, String(props.region ?? ""))) {
        this.deps.log(`${listenerId}: listener no longer exists; nothing to dissociate`);
        return;
      }
      throw error;
    }
  }
}

/** The provider with real time, randomness, output and network. */
export function createDefaultProvider(overrides: Partial<ProviderDeps> = {}): ListenerCertificatesProvider {
  const { randomUUID } = require("node:crypto") as typeof import("node:crypto");
  const clock: Clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? Math.random;
  return new ListenerCertificatesProvider({
    clock,
    random,
    newToken: overrides.newToken ?? (() => randomUUID()),
    log: overrides.log ?? ((line) => process.stdout.write(`${CONFIG_NAMESPACE}: ${line}\n`)),
    warn: overrides.warn ?? ((line) => process.stderr.write(`${line}\n`)),
    environment: overrides.environment ?? processEnvironment,
    createApi: overrides.createApi ?? ((endpoint, credentials, info) => createAlbClient({ endpoint, credentials, endpointSource: info?.source, contact: info?.contact, credentialSource: info?.credentialSource })),
    coordinator: overrides.coordinator ?? new ListenerCoordinator(),
    credentials: overrides.credentials ?? new CredentialChain({ clock }),
    jobTimings: overrides.jobTimings ?? new JobTimings(),
    throttleGate: overrides.throttleGate ?? new ThrottleGate(clock, random),
  });
}

