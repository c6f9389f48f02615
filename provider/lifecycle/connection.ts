/**
 * Where a resource's calls go and who signs them: the stack configuration the engine handed over, the
 * endpoint (override, the resource's input, or the region's default), the credential chain, and the
 * listener sessions built from them. One instance per provider process.
 */
import { defaultEndpoint, type AlbApi, type EndpointContact } from "../transport/alb-client";
import type { CasApi } from "../transport/cas-types";
import type { CasSite } from "../../contract/cas-contract";
import type { Clock } from "../base/clock";
import {
  describeCredentialSource,
  findEndpointOverride,
  resolveRegion,
  type ConfigReader,
  type CredentialChain,
  type Credentials,
  type Environment,
} from "../credentials/credentials";
import { CONFIG_NAMESPACE, DEFAULT_MAX_CERTIFICATES_PER_LISTENER, MAX_CERTIFICATES_PER_LISTENER_CEILING, VALIDATION_DEADLINE_MS } from "../base/defaults";
import { AlbProviderError, MissingCredentialsError } from "../base/errors";
import { APPLY_POLICY, ListenerSession, VALIDATE_POLICY, type RetryPolicy } from "../core/listener-session";
import { isHttpUrl } from "./inputs";
import { casEndpoint } from "./cas-lookup";
import { storedWaitTimeoutSeconds, type RawProps, type StoredProps } from "./state";

/** What the connection takes from the outside world. */
export interface ConnectionDeps {
  readonly clock: Clock;
  readonly random: () => number;
  /** Warnings. */
  readonly warn: (line: string) => void;
  readonly environment: (config?: ConfigReader) => Environment;
  readonly createApi: (
    endpoint: string,
    credentials: () => Promise<Credentials>,
    info?: { readonly source: string; readonly contact: EndpointContact; readonly credentialSource: string },
  ) => AlbApi;
  /**
   * The Certificate Management Service client of an endpoint (same arguments as `createApi`). Without it,
   * certificate details are not read at all.
   */
  readonly createCasApi?: (
    endpoint: string,
    credentials: () => Promise<Credentials>,
    info?: { readonly source: string; readonly contact: EndpointContact; readonly credentialSource: string },
  ) => CasApi;
  /** Decides where credentials come from and fetches (and caches) them; see `credentials.ts`. */
  readonly credentials: CredentialChain;
}

export class Connection {
  private config?: ConfigReader;
  /** Whether each endpoint has answered this process yet (see `EndpointContact`). */
  private readonly contacts = new Map<string, EndpointContact>();
  private warnedNoCredentials = false;

  constructor(private readonly deps: ConnectionDeps) {}

  /** Takes the stack configuration (credentials, region, endpoint override) from the engine's `configure`. */
  configure(config: ConfigReader): void {
    this.config = config;
  }

  environment(): Environment {
    return this.deps.environment(this.config);
  }

  /** The stack config `maxCertificatesPerListener`, checked. */
  maxCertificates(): number {
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
  api(props: RawProps): AlbApi {
    const env = this.environment();
    const { endpoint, source, region } = endpointOf(props, env);
    const url = endpoint ?? (region ? defaultEndpoint(region) : undefined);
    if (!url) throw new AlbProviderError("No region: set the resource's region input or the stack config alicloud:region.");
    return this.client(url, endpoint !== undefined ? source : `the default endpoint of region ${region}`, env, this.deps.createApi);
  }

  /** The Certificate Management Service client of a site for a resource (the endpoint: `casEndpoint`'s rule). */
  casApi(props: RawProps, site: CasSite, create: NonNullable<ConnectionDeps["createCasApi"]>): CasApi {
    const env = this.environment();
    const { endpoint, source } = endpointOf(props, env);
    const target = casEndpoint(site, endpoint === undefined ? undefined : { url: endpoint, source });
    return this.client(target.endpoint, target.endpointSource, env, create);
  }

  /** A client of `endpoint`, sharing the process's record of whether it has answered, with the credential session. */
  private client<T>(
    endpoint: string,
    source: string,
    env: Environment,
    create: (endpoint: string, credentials: () => Promise<Credentials>, info: { source: string; contact: EndpointContact; credentialSource: string }) => T,
  ): T {
    const url = endpoint.replace(/\/+$/, "");
    let contact = this.contacts.get(url);
    if (contact === undefined) this.contacts.set(url, (contact = { answered: false }));
    const session = this.deps.credentials.session(env);
    return create(url, session.credentials, { source, contact, credentialSource: describeCredentialSource(session.source) });
  }

  /**
   * A create, update, delete or read's session with `listenerId`: the apply policy, until the resource's own
   * deadline (`waitTimeoutSeconds` from now) unless `deadlineAt` says otherwise.
   */
  applySession(props: RawProps, listenerId: string, deadlineAt = this.deps.clock.now() + storedWaitTimeoutSeconds(props) * 1000): ListenerSession {
    return this.session(props, listenerId, APPLY_POLICY, deadlineAt);
  }

  /** A check or diff's session with the resource's listener: the validate policy, until `deadlineAt` (see {@link validationDeadline}). */
  validateSession(props: StoredProps, deadlineAt: number): ListenerSession {
    return this.session(props, props.listenerId, VALIDATE_POLICY, deadlineAt);
  }

  /** Deadline of a validation starting now: VALIDATION_DEADLINE_MS, never past the resource's own deadline. */
  validationDeadline(props: RawProps): number {
    return this.deps.clock.now() + Math.min(VALIDATION_DEADLINE_MS, storedWaitTimeoutSeconds(props) * 1000);
  }

  private session(props: RawProps, listenerId: string, policy: RetryPolicy, deadlineAt: number): ListenerSession {
    const { clock, random } = this.deps;
    return new ListenerSession({ api: this.api(props), clock, random }, { listenerId, region: String(props.region ?? ""), deadlineAt, policy });
  }

  /** Throws MissingCredentialsError or CredentialsConfigError early, before any request is built. */
  requireCredentials(): void {
    this.deps.credentials.validate(this.environment());
  }

  /** Whether credentials are configured; without them, warns once per process that live validation is skipped. */
  hasCredentials(): boolean {
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
}

/**
 * The endpoint override of a resource (the stack config's or the environment's, else the resource's
 * `endpoint` input) and where it came from, and the resource's region (its input, else the stack's).
 *
 * @throws AlbProviderError when the configured override is not an http(s) URL
 */
function endpointOf(props: RawProps, env: Environment): { endpoint?: string; source: string; region: string } {
  const found = findEndpointOverride(env);
  const fromConfig = found?.value;
  if (fromConfig !== undefined && !isHttpUrl(fromConfig)) {
    throw new AlbProviderError(`The endpoint override ${JSON.stringify(fromConfig)} is not an http:// or https:// URL. Fix the stack config ${CONFIG_NAMESPACE}:endpoint or ALB_LISTENER_CERTIFICATES_ENDPOINT.`);
  }
  const region = typeof props.region === "string" && props.region ? props.region : (resolveRegion(undefined, env) ?? "");
  const input = typeof props.endpoint === "string" && props.endpoint ? props.endpoint : undefined;
  const endpoint = fromConfig ?? input;
  const source = found !== undefined ? `from ${found.from}` : "from the resource's endpoint input";
  return { endpoint, source, region };
}
