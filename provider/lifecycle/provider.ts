/**
 * The lifecycle methods (check · diff · create · read · update · delete) of the dynamic provider: an adapter
 * between the engine's props and the core. Each method canonicalizes or reads its props (`inputs.ts`,
 * `state.ts`), opens a session with the listener under the right retry policy (`connection.ts`,
 * `core/listener-session.ts`), hands the work to the validator or the reconciler (through the coordinator for
 * a change), and turns what came back into outputs (`outcome.ts`). The engine runs it through the thin
 * serialized shim in `resource.ts`, which loads this module from the installed package at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createAlbClient } from "../transport/alb-client";
import { createCasClient } from "../transport/cas-client";
import { systemClock, type Clock } from "../base/clock";
import { ListenerCoordinator } from "../core/coordinator";
import { CredentialChain, processEnvironment, resolveRegion } from "../credentials/credentials";
import { CONFIG_NAMESPACE, REGISTRATION_QUIET_MS } from "../base/defaults";
import { PartialApplyError, redact, type InvalidInputError } from "../base/errors";
import { liveDrift } from "./drift";
import { canonicalize } from "./inputs";
import { JobTimings } from "../core/job-timing";
import { LiveValidator } from "../core/listener-checks";
import { listenerGone, type ListenerSession } from "../core/listener-session";
import { ownerOf, ownershipProblems } from "./ownership";
import { Reconciler } from "../core/reconcile";
import { Connection, type ConnectionDeps } from "./connection";
import { appliedOutputs, ApplyTracker, partialOutcome, readOutcome } from "./outcome";
import { declaredIds, jobDurationsOf, sameIds, storedJobDurations, storedListenerId, UNKNOWN, unsettledIds, type RawProps, type StoredProps } from "./state";
import { ThrottleGate } from "../core/throttle-gate";
import { CertificateCatalog } from "../core/certificate-catalog";
import type { ListenerAttribute, ListenerCertificate } from "../transport/alb-client";
import { CertificateDetails, readsDetails } from "./certificate-details";

/** Everything the provider takes from the outside world; tests replace any of it. */
export interface ProviderDeps extends ConnectionDeps {
  readonly newToken: () => string;
  /** Progress lines (shown by the engine as the provider's output). */
  readonly log: (line: string) => void;
  readonly coordinator: ListenerCoordinator;
  /** Job durations learned by this process (see `job-timing.ts`); without it, waits poll on the cold schedule. */
  readonly jobTimings?: JobTimings;
  /** Mutations of this process queue here while the account is throttled (see `throttle-gate.ts`). */
  readonly throttleGate?: ThrottleGate;
  /** What each certificate is, read once per process (see `certificate-catalog.ts`). @default a new one */
  readonly catalog?: CertificateCatalog;
}

/** The stored props of a resource this provider's `check` produced (the engine hands them back untyped). */
function stored(props: RawProps): StoredProps {
  return props as unknown as StoredProps;
}

/** A check failure, as the engine takes it. */
function failure(problem: InvalidInputError): pulumi.dynamic.CheckFailure {
  return { property: problem.property, reason: problem.reason };
}

/** The dynamic provider implementation. One instance serves every resource of a provider process. */
export class ListenerCertificatesProvider implements pulumi.dynamic.ResourceProvider {
  private readonly connection: Connection;
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

  /** Certificate details (domains, expiry) and their guards; absent when no CAS client is given. */
  private readonly details?: CertificateDetails;

  constructor(private readonly deps: ProviderDeps) {
    this.connection = new Connection(deps);
    const createCasApi = deps.createCasApi;
    if (createCasApi) {
      this.details = new CertificateDetails({
        ...deps,
        catalog: deps.catalog ?? new CertificateCatalog(deps),
        casApi: (props, site) => this.connection.casApi(props, site, createCasApi),
      });
    }
  }

  /** Receives the stack configuration (credentials, region, endpoint override). */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.connection.configure(req.config);
  }

  private validator(session: ListenerSession): LiveValidator {
    return new LiveValidator({ ...this.deps, session, applying: () => this.applying > 0 });
  }

  private reconciler(session: ListenerSession): Reconciler {
    return new Reconciler({ ...this.deps, session });
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
    const result = canonicalize(news, { maxCertificates: this.connection.maxCertificates(), defaultRegion: resolveRegion(undefined, this.connection.environment()) });
    if (!result.props) return { inputs: news, failures: [...result.failures] };
    const props = result.props;
    if (result.certificatesUnknown) return { inputs: { ...props, certificates: UNKNOWN } };
    if (props.listenerId === UNKNOWN) return { inputs: props };
    const declared = Object.keys(props.certificates);
    const conflicts = this.deps.coordinator.claim(props.listenerId, ownerOf(props), declared);
    if (conflicts.length > 0) return { inputs: props, failures: ownershipProblems(props, conflicts).map(failure) };
    const isNew = typeof olds?.listenerId !== "string" || olds.listenerId !== props.listenerId || (olds.region ?? props.region) !== props.region;
    const setChanged = !sameIds(declaredIds(olds), declared);
    const deadlineAt = this.connection.validationDeadline(props);
    this.validations.set(ownerOf(props), deadlineAt);
    if ((isNew || setChanged) && this.connection.hasCredentials()) {
      let live: { attribute: ListenerAttribute; rows: readonly ListenerCertificate[] } | undefined;
      const observe = (attribute: ListenerAttribute, rows: readonly ListenerCertificate[]) => (live = { attribute, rows });
      const problems = await this.validator(this.connection.validateSession(props, deadlineAt)).validate({ declared, toAdd: declared, observe });
      if (problems.length > 0) return { inputs: props, failures: problems.map(failure) };
      if (live && this.details && readsDetails(props)) {
        const previous = isNew ? [] : declaredIds(olds);
        const claimedByOthers = this.deps.coordinator.claimedByOthers(props.listenerId, ownerOf(props));
        const failures = await this.details.review({ props, previous, ...live, claimedByOthers, deadlineAt });
        if (failures.length > 0) return { inputs: props, failures };
      }
    }
    return { inputs: props };
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
    const deadlineAt = this.validations.get(ownerOf(news)) ?? this.connection.validationDeadline(news);
    this.validations.delete(ownerOf(news));
    if (!this.connection.hasCredentials()) return { changes: setChanged || exclusiveChanged || unsettled };

    const session = this.connection.validateSession(props, deadlineAt);
    const claimedByOthers = () => this.deps.coordinator.claimedByOthers(props.listenerId, ownerOf(news));
    const drifted = await liveDrift(session, this.validator(session), { declared: newIds, exclusive: props.exclusive, claimedByOthers, setChanged }, this.deps);
    // An input change is answered "unknown" so that the engine computes the property diff itself:
    // previews and \`preview --json\` then name each added and removed certificate ID
    // (detailedDiff \`certificates["<id>"]: add|delete\`). Drift alone has no input change, so it
    // must be a definite "changes".
    if (setChanged || exclusiveChanged) return {};
    return { changes: drifted || unsettled };
  }

  async create(inputs: RawProps): Promise<pulumi.dynamic.CreateResult> {
    const props = stored(inputs);
    return { id: props.listenerId, outs: await this.whileApplying(() => this.apply(props, [])) };
  }

  async update(_id: string, olds: RawProps, news: RawProps): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: await this.whileApplying(() => this.apply(stored(news), declaredIds(olds), olds)) };
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
   * Reconciles the listener through the coordinator (claim, quiet registrations, conflicts, the listener's
   * queue), so a certificate another resource declares is refused before anything is sent, and one this
   * resource gave up to another is kept. A create or update that fails once a mutation was sent throws a
   * {@link PartialApplyError} (the engine's "failed to initialize" shape, honoured for create and update
   * alike) carrying {@link partialOutcome}, so the next `up` finishes the job.
   */
  private async apply(props: StoredProps, previouslyDeclared: readonly string[], olds?: RawProps): Promise<StoredProps> {
    this.connection.requireCredentials();
    this.deps.jobTimings?.seed(props.listenerId, storedJobDurations(olds));
    const owner = ownerOf(props);
    // A create follows its check without a diff: the check's validation budget ends here.
    this.validations.delete(owner);
    const desired = Object.keys(props.certificates);
    const session = this.connection.applySession(props, props.listenerId);
    const tracker = new ApplyTracker();
    const request = { desired, previouslyDeclared, exclusive: props.exclusive, onPlanned: tracker.onPlanned, onMutated: tracker.onMutated };
    const ticket = {
      listenerId: props.listenerId,
      owner,
      desired,
      clock: this.deps.clock,
      quietMs: REGISTRATION_QUIET_MS,
      deadlineAt: session.deadlineAt,
      refuse: (conflicts: Parameters<typeof ownershipProblems>[1]) => ownershipProblems(props, conflicts)[0]!,
    };
    try {
      const result = await this.deps.coordinator.forApply(ticket, (protectedIds) =>
        this.reconciler(session).apply({ ...request, protectedIds }),
      );
      const outputs = appliedOutputs(props, result);
      const certificateInfo = this.details?.info(props, Object.keys(outputs.certificates));
      return this.withJobDurations(certificateInfo ? { ...outputs, certificateInfo } : outputs);
    } catch (error) {
      if (!tracker.mutated) throw error;
      const message = redact(error instanceof Error ? error.message : String(error));
      // The rows as they are now, within the validation budget (the apply's own deadline may have passed).
      const rows = await this.connection.applySession(props, props.listenerId, this.connection.validationDeadline(props)).rows().catch(() => undefined);
      const { outputs, progress } = partialOutcome(props, tracker.failed([...previouslyDeclared, ...desired]), rows);
      throw new PartialApplyError(props.listenerId, progress, message, this.withJobDurations(outputs), { cause: error });
    }
  }

  /** `outputs` with their listener's recent job durations, when this process knows any (timed or seeded). */
  private withJobDurations(outputs: StoredProps): StoredProps {
    const samples = this.deps.jobTimings?.samplesOf(outputs.listenerId) ?? [];
    return samples.length > 0 ? { ...outputs, jobDurations: jobDurationsOf(samples) } : outputs;
  }

  async read(id: string, props: RawProps): Promise<pulumi.dynamic.ReadResult> {
    const session = this.connection.applySession(props, storedListenerId(id, props));
    try {
      return readOutcome(session.listenerId, props, await session.rows());
    } catch (error) {
      if (!session.gone(error)) throw error;
      this.deps.log(`${session.listenerId}: listener no longer exists; dropping it from state`);
      return {};
    }
  }

  async delete(id: string, props: RawProps): Promise<void> {
    this.connection.requireCredentials();
    const listener = { listenerId: storedListenerId(id, props), region: String(props.region ?? "") };
    const request = { desired: [], previouslyDeclared: declaredIds(props), exclusive: false };
    this.deps.jobTimings?.seed(listener.listenerId, storedJobDurations(props));
    try {
      // The deadline starts when the listener's turn comes, not while earlier work on it runs.
      await this.whileApplying(() =>
        this.deps.coordinator.forDelete(listener.listenerId, ownerOf(props), (protectedIds) =>
          this.reconciler(this.connection.applySession(props, listener.listenerId)).apply({ ...request, protectedIds }),
        ),
      );
    } catch (error) {
      if (!listenerGone(error, listener)) throw error;
      this.deps.log(`${listener.listenerId}: listener no longer exists; nothing to dissociate`);
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
    // A caller that replaces the ALB API (a test, a tool) and not this one reads no certificate details.
    createCasApi: overrides.createCasApi ?? (overrides.createApi ? undefined : (endpoint, credentials, info) => createCasClient({ endpoint, credentials, endpointSource: info?.source, contact: info?.contact, credentialSource: info?.credentialSource })),
    coordinator: overrides.coordinator ?? new ListenerCoordinator(),
    credentials: overrides.credentials ?? new CredentialChain({ clock }),
    jobTimings: overrides.jobTimings ?? new JobTimings(),
    throttleGate: overrides.throttleGate ?? new ThrottleGate(clock, random),
    catalog: overrides.catalog ?? new CertificateCatalog({ clock, random }),
  });
}

