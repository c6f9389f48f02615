/**
 * `latestCertificate`'s connection: its arguments checked, then the Certificate Management Service site,
 * endpoint and credentials resolved the way the provider resolves the ALB's (`connection.ts`): region from
 * the argument, else stack config `alicloud:region` or the environment; endpoint from the argument, else the
 * provider's endpoint override (stack config `alb-listener-certificates:endpoint` or
 * `ALB_LISTENER_CERTIFICATES_ENDPOINT`: the simulator serves ALB and CAS on one URL) unless it is one of the
 * cloud's own hosts (an ALB endpoint), else the site's public endpoint; credentials from the same {@link CredentialChain}, read from an {@link Environment} over the
 * program's stack config. The decision itself is `core/latest-certificate.ts`.
 */
import type { Clock } from "../base/clock";
import { AlbProviderError, InvalidInputError } from "../base/errors";
import { CONFIG_NAMESPACE } from "../base/defaults";
import { CAS_SITES, defaultCasSite, type CasSite } from "../../contract/cas-contract";
import { describeCredentialSource, findEndpointOverride, resolveRegion, type CredentialChain, type Environment } from "../credentials/credentials";
import { createCasClient, type CasClientOptions } from "../transport/cas-client";
import type { EndpointContact } from "../transport/alb-client";
import type { CasApi } from "../transport/cas-types";
import { checkHost, checkSite, findLatestCertificate, type LatestCertificate } from "../core/latest-certificate";
import { isHttpUrl } from "./inputs";

/** The arguments of `latestCertificate`. */
export interface LatestCertificateArgs {
  /** The host the certificate must cover, e.g. `shop.example.com` (a wildcard certificate covering it counts). */
  readonly domain: string;
  /** The region whose default site to ask. @default stack config `alicloud:region`, then the environment */
  readonly region?: string;
  /** The Certificate Management Service site that holds the certificate. @default `cn-hangzhou` for `cn-…` regions, else `ap-southeast-1` */
  readonly site?: CasSite;
  /** The CAS API endpoint, e.g. the simulator's. @default the provider's endpoint override, else the site's public endpoint */
  readonly endpoint?: string;
}

/** Where the lookup goes. */
export interface CasTarget {
  readonly site: CasSite;
  readonly endpoint: string;
  /** Where the endpoint came from, for an `EndpointError`. */
  readonly endpointSource: string;
}

/**
 * The arguments, checked before anything is read or sent.
 *
 * @throws {@link InvalidInputError} naming the argument and the fix.
 */
export function checkLatestCertificateArgs(args: LatestCertificateArgs): void {
  checkHost(args?.domain);
  if (args.site !== undefined) checkSite(args.site);
  if (args.region !== undefined && (typeof args.region !== "string" || args.region.trim() === "")) {
    throw new InvalidInputError("region", `give a region ID such as "cn-hangzhou", or leave region out to use the stack config alicloud:region; got ${JSON.stringify(args.region)}.`);
  }
  if (args.endpoint !== undefined && (typeof args.endpoint !== "string" || !isHttpUrl(args.endpoint))) {
    throw new InvalidInputError("endpoint", `must be an http:// or https:// URL such as "http://127.0.0.1:9400", got ${JSON.stringify(args.endpoint)}; or leave endpoint out.`);
  }
}

/**
 * The site and endpoint of a lookup (see the module's comment for the precedence).
 *
 * @throws {@link AlbProviderError} when neither a site nor a region is known, or the override is no URL.
 */
export function casTarget(args: LatestCertificateArgs, env: Environment): CasTarget {
  const region = resolveRegion(args.region, env);
  if (args.site === undefined && region === undefined) {
    throw new AlbProviderError(
      `latestCertificate(${JSON.stringify(args.domain)}): no region to choose the Certificate Management Service site by. ` +
        `Pass site ("cn-hangzhou" or "ap-southeast-1") or region, or set the stack config alicloud:region.`,
    );
  }
  const site = args.site ?? defaultCasSite(region!);
  if (args.endpoint !== undefined) return { site, endpoint: trim(args.endpoint), endpointSource: "from latestCertificate's endpoint argument" };
  const override = findEndpointOverride(env);
  if (override !== undefined && !isHttpUrl(override.value)) {
    throw new AlbProviderError(`The endpoint override ${JSON.stringify(override.value)} is not an http:// or https:// URL. Fix the stack config ${CONFIG_NAMESPACE}:endpoint or ALB_LISTENER_CERTIFICATES_ENDPOINT.`);
  }
  return { site, ...casEndpoint(site, override && { url: override.value, source: `from ${override.from}` }) };
}

/**
 * The Certificate Management Service endpoint of `site`, given the endpoint override in force (from stack
 * config, the environment or a resource's input), if any: the override serves both APIs, as the simulator
 * does, unless it is one of the cloud's own hosts (a VPC endpoint of ALB, say): then, like without one, the
 * site's public endpoint. The one rule of both the provider's reads and `latestCertificate`.
 */
export function casEndpoint(site: CasSite, override: { readonly url: string; readonly source: string } | undefined): { endpoint: string; endpointSource: string } {
  if (override !== undefined && !isCloudHost(override.url)) return { endpoint: trim(override.url), endpointSource: override.source };
  return { endpoint: CAS_SITES[site], endpointSource: `the public endpoint of site ${site}` };
}

/** Whether a URL is on one of Alibaba Cloud's own hosts (`*.aliyuncs.com`). */
export function isCloudHost(url: string): boolean {
  return /(^|\.)aliyuncs\.com$/i.test(new URL(url).hostname);
}

function trim(url: string): string {
  return url.replace(/\/+$/, "");
}

/** What a lookup takes from the outside world. */
export interface CasLookupDeps {
  /** Stack config, environment and credential files. */
  readonly environment: Environment;
  readonly credentials: CredentialChain;
  readonly clock: Clock;
  readonly random: () => number;
  /** How long throttling and passing failures are retried, in milliseconds. */
  readonly retryForMs?: number;
  /** Whether each endpoint has answered this process yet, shared by the lookups of a process. */
  readonly contacts?: Map<string, EndpointContact>;
  /** @default createCasClient */
  readonly createApi?: (options: CasClientOptions) => CasApi;
}

/**
 * The newest certificate valid now that covers `args.domain` (see `findLatestCertificate`), asked of the
 * site and endpoint {@link casTarget} resolves, with the provider's credential chain.
 *
 * @throws {@link InvalidInputError} for bad arguments; a credential error (`MissingCredentialsError`,
 *   `CredentialsConfigError`) before anything is sent; else what `findLatestCertificate` throws.
 */
export async function lookupLatestCertificate(args: LatestCertificateArgs, deps: CasLookupDeps): Promise<LatestCertificate> {
  checkLatestCertificateArgs(args);
  const target = casTarget(args, deps.environment);
  const session = deps.credentials.session(deps.environment);
  let contact = deps.contacts?.get(target.endpoint);
  if (contact === undefined) {
    contact = { answered: false };
    deps.contacts?.set(target.endpoint, contact);
  }
  const api = (deps.createApi ?? createCasClient)({
    endpoint: target.endpoint,
    credentials: session.credentials,
    endpointSource: target.endpointSource,
    contact,
    credentialSource: describeCredentialSource(session.source),
  });
  return findLatestCertificate(api, args.domain, target.site, { clock: deps.clock, random: deps.random, retryForMs: deps.retryForMs });
}
