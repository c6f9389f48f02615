/**
 * The lifecycle methods (check · diff · create · read · update · delete) of the dynamic provider.
 * The engine runs them through the thin serialized shim in `resource.ts`, which loads this module
 * from the installed package at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ErrorCode, isListenerBusy } from "../contract/alb-contract";
import { createAlbClient, defaultEndpoint, type AlbApi, type ListenerCertificate } from "./alb-client";
import type { Clock } from "./clock";
import { ListenerCoordinator } from "./coordinator";
import {
  CredentialChain,
  endpointOverride,
  processEnvironment,
  resolveRegion,
  type ConfigReader,
  type Credentials,
  type Environment,
} from "./credentials";
import {
  ASSOCIATE_BATCH_MAX,
  CONFIG_NAMESPACE,
  DEFAULT_MAX_CERTIFICATES_PER_LISTENER,
  MAX_CERTIFICATES_PER_LISTENER_CEILING,
} from "./defaults";
import { AlbApiError, AlbProviderError, MissingCredentialsError, redact } from "./errors";
import { canonicalize, declaredIds, isHttpUrl, sameIds, UNKNOWN, type InputFailure, type StoredProps } from "./inputs";
import { JobTimings } from "./job-timing";
import { chunk, isPresentStatus, isTransitionalStatus, type LiveCertificate } from "./plan";
import { additionalOnly, Reconciler } from "./reconcile";
import { withRetry } from "./retry";
import { ThrottleGate } from "./throttle-gate";

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
  readonly createApi: (endpoint: string, credentials: () => Promise<Credentials>) => AlbApi;
  /** Decides where credentials come from and fetches (and caches) them; see `credentials.ts`. */
  readonly credentials: CredentialChain;
  readonly coordinator: ListenerCoordinator;
  /** Job durations learned by this process (see `job-timing.ts`); without it, waits poll on the cold schedule. */
  readonly jobTimings?: JobTimings;
  /** Mutations of this process queue here while the account is throttled (see `throttle-gate.ts`). */
  readonly throttleGate?: ThrottleGate;
}

/** Stored properties, as the engine hands them back (untyped, possibly from an older build). */
type Props = Record<string, unknown>;

/** How long preview-time validation may retry transient errors, in milliseconds. */
const VALIDATION_DEADLINE_MS = 30_000;

/** The dynamic provider implementation. One instance serves every resource of a provider process. */
export class ListenerCertificatesProvider implements pulumi.dynamic.ResourceProvider {
  private config?: ConfigReader;
  private warnedNoCredentials = false;
  /**
   * Creates, updates and deletes this process runs right now. Only an update run calls them (a
   * preview never does), so while one runs, the diffs and checks of the same deployment skip their
   * validation dry runs: see {@link validateLive}.
   */
  private applying = 0;

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
  private api(props: Props): AlbApi {
    const env = this.environment();
    const override = endpointOverride(env);
    if (override !== undefined && !isHttpUrl(override)) {
      throw new AlbProviderError(`The endpoint override ${JSON.stringify(override)} is not an http:// or https:// URL. Fix the stack config ${CONFIG_NAMESPACE}:endpoint or ALB_LISTENER_CERTIFICATES_ENDPOINT.`);
    }
    const region = typeof props.region === "string" && props.region ? props.region : resolveRegion(undefined, env);
    const endpoint = override ?? (typeof props.endpoint === "string" && props.endpoint ? props.endpoint : undefined) ?? (region ? defaultEndpoint(region) : undefined);
    if (!endpoint) throw new AlbProviderError("No region: set the resource's region input or the stack config alicloud:region.");
    return this.deps.createApi(endpoint.replace(/\/+$/, ""), this.deps.credentials.provider(env));
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

  private owner(props: Props): string {
    const name = typeof props.resourceName === "string" && props.resourceName ? props.resourceName : "(unnamed)";
    return `${name}|${String(props.region ?? "")}`;
  }

  private deadline(props: Props): number {
    const seconds = typeof props.waitTimeoutSeconds === "number" ? props.waitTimeoutSeconds : 600;
    return this.deps.clock.now() + seconds * 1000;
  }

  async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const env = this.environment();
    const result = canonicalize(news, { maxCertificates: this.maxCertificates(), defaultRegion: resolveRegion(undefined, env) });
    if (!result.props) return { inputs: news, failures: [...result.failures] };
    const props = result.props;
    if (result.certificatesUnknown) return { inputs: { ...props, certificates: UNKNOWN } };
    if (props.listenerId === UNKNOWN) return { inputs: props };
    this.deps.coordinator.claim(props.listenerId, this.owner(props as unknown as Props), Object.keys(props.certificates));
    const isCreate = typeof olds?.listenerId !== "string";
    if (isCreate && this.hasCredentials()) {
      const failures = await this.validateLive(props, Object.keys(props.certificates));
      if (failures.length > 0) return { inputs: props, failures };
    }
    return { inputs: props };
  }

  /**
   * Read-only checks against the live listener, plus `DryRun=true` association of what would be
   * added, so a preview fails where the apply would. Transient errors only warn. The dry run is left
   * out while this process applies changes (an update run, not a preview): there it would only repeat
   * what the apply's own call validates, and spend the account's mutation quota (dry runs count
   * against the rate limit) that the apply needs.
   */
  private async validateLive(props: StoredProps, toAdd: readonly string[], rows?: readonly ListenerCertificate[]): Promise<InputFailure[]> {
    const api = this.api(props as unknown as Props);
    const deadlineAt = this.deps.clock.now() + VALIDATION_DEADLINE_MS;
    const retry = <T>(what: string, call: () => Promise<T>) =>
      withRetry(call, { clock: this.deps.clock, random: this.deps.random, deadlineAt, what, minDelayMs: 250, maxDelayMs: 2_000 });
    const failures: InputFailure[] = [];
    try {
      const attribute = await retry(`listener ${props.listenerId}`, () => api.getListenerAttribute(props.listenerId));
      if (attribute.protocol === "HTTP") {
        return [
          {
            property: "listenerId",
            reason: `Listener ${props.listenerId} is an HTTP listener; additional certificates need an HTTPS or QUIC listener. Point listenerId at an HTTPS or QUIC listener.`,
          },
        ];
      }
      const live = rows ?? (await retry(`certificates of ${props.listenerId}`, () => api.listListenerCertificates(props.listenerId)));
      const defaults = new Set(live.filter((r) => r.isDefault).map((r) => r.certificateId).concat(attribute.defaultCertificateIds));
      const clash = Object.keys(props.certificates).filter((id) => defaults.has(id));
      if (clash.length > 0) {
        failures.push({
          property: "certificateIds",
          reason: `${clash.join(", ")} is the default certificate of listener ${props.listenerId}. Remove it from certificateIds: the default certificate is managed on the listener itself.`,
        });
      }
      const present = new Set(additionalOnly(live).filter((c) => isPresentStatus(c.status)).map((c) => c.certificateId));
      const adding = toAdd.filter((id) => !present.has(id) && !defaults.has(id));
      // A dry run on a listener that is running a job is refused as busy; rather than retry (and
      // add load to a listener another writer is changing), the dry run is skipped with a note.
      const busy = attribute.status === "Configuring" || live.some((r) => isTransitionalStatus(r.status));
      const applying = this.applying > 0;
      if (busy && adding.length > 0 && !applying) {
        this.deps.warn(`warning: ${CONFIG_NAMESPACE}: listener ${props.listenerId} is applying another change; the dry run of ${adding.join(", ")} was skipped`);
      }
      for (const batch of busy || applying ? [] : chunk(adding, ASSOCIATE_BATCH_MAX)) {
        try {
          const outcome = await retry(`dry run on ${props.listenerId}`, async () => {
            try {
              await api.associateAdditionalCertificates(props.listenerId, batch, { clientToken: this.deps.newToken(), dryRun: true });
              return "validated";
            } catch (error) {
              if (error instanceof AlbApiError && isListenerBusy(error.code)) return "busy";
              throw error;
            }
          });
          if (outcome === "busy") break;
        } catch (error) {
          if (error instanceof AlbApiError && !error.retryable) {
            failures.push({ property: error.code === ErrorCode.listenerNotFound ? "listenerId" : "certificateIds", reason: error.message });
          } else {
            throw error;
          }
        }
      }
    } catch (error) {
      if (error instanceof AlbApiError && error.code === ErrorCode.listenerNotFound) {
        return [{ property: "listenerId", reason: `Listener ${props.listenerId} does not exist in region ${props.region}. Check listenerId and region.` }];
      }
      if (error instanceof AlbApiError && !error.retryable) {
        failures.push({ property: "listenerId", reason: error.message });
      } else {
        this.deps.warn(`warning: ${CONFIG_NAMESPACE}: could not validate listener ${props.listenerId} now: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const replaces: string[] = [];
    if (olds.listenerId !== news.listenerId) replaces.push("listenerId");
    if ((olds.region ?? "") !== (news.region ?? "")) replaces.push("region");
    if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
    if (news.certificates === UNKNOWN || news.listenerId === UNKNOWN) return { changes: true };
    const oldIds = declaredIds(olds);
    const newIds = declaredIds(news);
    const setChanged = !sameIds(oldIds, newIds);
    const exclusiveChanged = (olds.exclusive === true) !== (news.exclusive === true);
    const props = news as unknown as StoredProps;
    if (!this.hasCredentials()) return { changes: setChanged || exclusiveChanged };

    // Drift: the stored state may be stale (an out-of-band change). One read per resource shows it,
    // so `up` repairs drift even without a refresh.
    const api = this.api(news);
    const deadlineAt = this.deps.clock.now() + VALIDATION_DEADLINE_MS;
    let rows: ListenerCertificate[];
    try {
      rows = await withRetry(() => api.listListenerCertificates(props.listenerId), {
        clock: this.deps.clock,
        random: this.deps.random,
        deadlineAt,
        what: `certificates of ${props.listenerId}`,
        minDelayMs: 250,
        maxDelayMs: 2_000,
      });
    } catch (error) {
      if (error instanceof AlbApiError && error.code === ErrorCode.listenerNotFound) {
        throw new AlbProviderError(`Listener ${props.listenerId} does not exist in region ${props.region}. Check listenerId and region.`);
      }
      throw error;
    }
    const live = additionalOnly(rows);
    const present = new Set(live.filter((c) => isPresentStatus(c.status)).map((c) => c.certificateId));
    const missing = newIds.filter((id) => !present.has(id));
    const protectedIds = this.deps.coordinator.claimedByOthers(props.listenerId, this.owner(news));
    const unexpected = props.exclusive ? [...present].filter((id) => !newIds.includes(id) && !protectedIds.has(id)).sort() : [];
    const drift = setChanged ? false : missing.length > 0 || unexpected.length > 0;
    if (drift) {
      this.deps.log(
        `${props.listenerId}: live certificates differ from the last apply` +
          (missing.length ? `; missing: ${missing.join(", ")}` : "") +
          (unexpected.length ? `; not declared (exclusive): ${unexpected.join(", ")}` : "") +
          `; this update repairs it`,
      );
    }
    if (setChanged || drift) {
      const failures = await this.validateLive(props, missing, rows);
      if (failures.length > 0) throw new AlbProviderError(failures.map((f) => `${f.property}: ${f.reason}`).join("\n"));
    }
    // An input change is answered "unknown" so that the engine computes the property diff itself:
    // previews and `preview --json` then name each added and removed certificate ID
    // (detailedDiff `certificates["<id>"]: add|delete`). Drift alone has no input change, so it
    // must be a definite "changes".
    if (setChanged || exclusiveChanged) return {};
    return { changes: drift };
  }

  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const props = inputs as unknown as StoredProps;
    const live = await this.whileApplying(() => this.apply(props, []));
    return { id: props.listenerId, outs: this.outputs(props, live) };
  }

  async update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const props = news as unknown as StoredProps;
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
   * Reconciles the listener under its queue. A create or update that fails once a mutation was sent
   * is reported in the engine's "failed to initialize" shape (`id` + `properties`, honoured for create
   * and update alike): the resource is kept in state with the certificates of the old and the new set
   * that are live now, so the next `up` finishes the job and also removes what this attempt associated
   * if the program no longer declares it.
   */
  private async apply(props: StoredProps, previouslyDeclared: readonly string[]): Promise<LiveCertificate[]> {
    this.requireCredentials();
    const owner = this.owner(props as unknown as Props);
    const desired = Object.keys(props.certificates);
    this.deps.coordinator.claim(props.listenerId, owner, desired);
    const reconciler = new Reconciler({ ...this.deps, api: this.api(props as unknown as Props) });
    let mutated = false;
    try {
      const result = await this.deps.coordinator.withListener(props.listenerId, () =>
        reconciler.apply({
          listenerId: props.listenerId,
          desired,
          previouslyDeclared,
          exclusive: props.exclusive,
          protectedIds: this.deps.coordinator.claimedByOthers(props.listenerId, owner),
          deadlineAt: this.deadline(props as unknown as Props),
          onMutated: () => (mutated = true),
        }),
      );
      // Certificates kept because another resource of the stack declares them (the old name of a renamed
      // resource, until its delete runs) are that resource's, not part of an exclusive resource's outputs.
      const keptForOthers = new Set(result.plan.keptForOthers);
      return result.live.filter((c) => !keptForOthers.has(c.certificateId));
    } catch (error) {
      const message = redact(error instanceof Error ? error.message : String(error));
      if (mutated) {
        // Shape read by @pulumi/pulumi's dynamic provider host (grpcResponseFromError): id + properties + reasons.
        throw Object.assign(new Error(message), {
          id: props.listenerId,
          properties: await this.partialOutputs(reconciler, props, [...previouslyDeclared, ...desired]),
          reasons: [message],
        });
      }
      throw error;
    }
  }

  /**
   * Outputs after a failed apply: of the certificates this resource declared before or declares now, the
   * ones live on the listener (one read). Stored in state, they are what the next update treats as
   * "previously declared", so nothing this attempt associated is left behind if the program changes.
   * If the listener cannot be read, every such certificate is kept with status `Unknown`.
   */
  private async partialOutputs(reconciler: Reconciler, props: StoredProps, ids: readonly string[]): Promise<StoredProps> {
    const ours = [...new Set(ids)].sort();
    let certificates: Record<string, string>;
    try {
      const rows = await reconciler.readAll(props.listenerId, this.deps.clock.now() + VALIDATION_DEADLINE_MS);
      const status = new Map(additionalOnly(rows).map((c) => [c.certificateId, c.status]));
      certificates = Object.fromEntries(ours.filter((id) => status.has(id)).map((id) => [id, status.get(id)!]));
    } catch {
      certificates = Object.fromEntries(ours.map((id) => [id, "Unknown"]));
    }
    return { ...props, certificates };
  }

  /** Outputs: the stored inputs with the certificate map carrying live statuses. */
  private outputs(props: StoredProps, live: readonly LiveCertificate[]): StoredProps {
    const status = new Map(live.map((c) => [c.certificateId, c.status]));
    const certificates: Record<string, string> = {};
    const ids = props.exclusive ? [...new Set([...Object.keys(props.certificates), ...live.filter((c) => isPresentStatus(c.status)).map((c) => c.certificateId)])] : Object.keys(props.certificates);
    for (const id of ids.sort()) {
      const s = status.get(id);
      if (s !== undefined) certificates[id] = s;
    }
    return { ...props, certificates };
  }

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const listenerId = typeof props.listenerId === "string" && props.listenerId ? props.listenerId : id;
    const api = this.api(props);
    const deadlineAt = this.deadline(props);
    let rows: ListenerCertificate[];
    try {
      rows = await new Reconciler({ ...this.deps, api }).readAll(listenerId, deadlineAt);
    } catch (error) {
      if (error instanceof AlbApiError && error.code === ErrorCode.listenerNotFound) {
        this.deps.log(`${listenerId}: listener no longer exists; dropping it from state`);
        return {};
      }
      throw error;
    }
    const live = additionalOnly(rows).filter((c) => isPresentStatus(c.status));
    const declared = new Set(declaredIds(props));
    const exclusive = props.exclusive === true;
    const kept = live.filter((c) => exclusive || declared.has(c.certificateId)).sort((a, b) => (a.certificateId < b.certificateId ? -1 : 1));
    const base: Props = {};
    for (const key of ["listenerId", "exclusive", "region", "endpoint", "waitTimeoutSeconds", "resourceName"]) {
      if (props[key] !== undefined) base[key] = props[key];
    }
    base.listenerId = listenerId;
    base.exclusive = exclusive;
    const outputs = { ...base, certificates: Object.fromEntries(kept.map((c) => [c.certificateId, c.status])) };
    const inputs = { ...base, certificates: Object.fromEntries(kept.map((c) => [c.certificateId, "Associated"])) };
    return { id: listenerId, props: outputs, inputs };
  }

  async delete(id: string, props: Props): Promise<void> {
    const listenerId = typeof props.listenerId === "string" && props.listenerId ? props.listenerId : id;
    this.requireCredentials();
    const owner = this.owner(props);
    this.deps.coordinator.release(listenerId, owner);
    const reconciler = new Reconciler({ ...this.deps, api: this.api(props) });
    try {
      await this.whileApplying(() => this.deps.coordinator.withListener(listenerId, () =>
        reconciler.apply({
          listenerId,
          desired: [],
          previouslyDeclared: declaredIds(props),
          exclusive: false,
          protectedIds: this.deps.coordinator.claimedByOthers(listenerId, owner),
          deadlineAt: this.deadline(props),
        }),
      ));
    } catch (error) {
      if (error instanceof AlbApiError && error.code === ErrorCode.listenerNotFound) {
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
  const clock: Clock = overrides.clock ?? require("./clock").systemClock;
  const random = overrides.random ?? Math.random;
  return new ListenerCertificatesProvider({
    clock,
    random,
    newToken: overrides.newToken ?? (() => randomUUID()),
    log: overrides.log ?? ((line) => process.stdout.write(`${CONFIG_NAMESPACE}: ${line}\n`)),
    warn: overrides.warn ?? ((line) => process.stderr.write(`${line}\n`)),
    environment: overrides.environment ?? processEnvironment,
    createApi: overrides.createApi ?? ((endpoint, credentials) => createAlbClient({ endpoint, credentials })),
    coordinator: overrides.coordinator ?? new ListenerCoordinator(),
    credentials: overrides.credentials ?? new CredentialChain({ clock }),
    jobTimings: overrides.jobTimings ?? new JobTimings(),
    throttleGate: overrides.throttleGate ?? new ThrottleGate(clock, random),
  });
}
