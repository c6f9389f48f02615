/**
 * `latestCertificate`: the ALB certificate ID of the newest valid Certificate Management Service certificate
 * for a host, for a program's `certificateIds`, so that a renewal uploaded to the service is picked up by the
 * next `pulumi up` (how: `docs/renewals.md`). It runs in the program, not in the provider: the stack config it
 * reads is the program's (`pulumi.runtime.getConfig`, the same fully qualified keys the engine hands the
 * provider's `configure`), and it goes through the provider's own resolution of region, endpoint and
 * credentials (`lifecycle/cas-lookup.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { systemClock } from "./base/clock";
import { CredentialChain, processEnvironment, type ConfigReader } from "./credentials/credentials";
import type { EndpointContact } from "./transport/alb-client";
import { LATEST_CERTIFICATE_RETRY_MS } from "./core/latest-certificate";
import { checkLatestCertificateArgs, lookupLatestCertificate, type LatestCertificateArgs } from "./lifecycle/cas-lookup";

export type { LatestCertificateArgs } from "./lifecycle/cas-lookup";

/** Options of {@link latestCertificate}. */
export interface LatestCertificateOptions {
  /**
   * How long the lookup retries throttling and passing failures of the Certificate Management Service, in seconds.
   * @default 60
   */
  readonly timeoutSeconds?: number;
}

/** One credential chain (and its cached sessions) and one record of answered endpoints per program. */
let chain: CredentialChain | undefined;
const contacts = new Map<string, EndpointContact>();

/** The program's stack config, read as the provider's `configure` reads it: by fully qualified key. */
const programConfig: ConfigReader = { get: (key) => pulumi.runtime.getConfig(key) };

/**
 * The ALB certificate ID (`<CAS ID>-<site>`, e.g. `23759533-cn-hangzhou`) of the newest certificate in the
 * Certificate Management Service that is valid now and covers `domain` (exactly, or by a wildcard one label
 * up), for `ListenerAdditionalCertificates`' `certificateIds`. Looked up at every preview and update: when a
 * renewal is uploaded, the next `pulumi up` associates it and then dissociates the old one.
 *
 * Needs the RAM actions `yundun-cert:ListUserCertificateOrder` and `yundun-cert:GetCertificateDetail`; the
 * credentials, region and endpoint override are the provider's (`alicloud:*` stack config, environment,
 * credential files; `alb-listener-certificates:endpoint`).
 *
 * @example
 * ```ts
 * new ListenerAdditionalCertificates("shop-sni", {
 *     listenerId: "lsn-5qnirjhpt1234abcd",
 *     certificateIds: [latestCertificate({ domain: "shop.example.com" }), latestCertificate({ domain: "api.example.com" })],
 * });
 * ```
 *
 * @throws an `InvalidInputError` at once for an empty or wildcard `domain`, an unknown `site`, a `region` or
 *   `endpoint` that is none; the returned output fails with an `AlbProviderError` (a `NoValidCertificateError`
 *   naming the certificates seen when none is valid) for anything the lookup finds, which fails the program's
 *   run before the resource changes the listener.
 */
export function latestCertificate(args: LatestCertificateArgs, opts: LatestCertificateOptions = {}): pulumi.Output<string> {
  checkLatestCertificateArgs(args);
  const timeoutSeconds = opts.timeoutSeconds ?? LATEST_CERTIFICATE_RETRY_MS / 1000;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) {
    throw new RangeError(`timeoutSeconds must be a number of seconds from 0 up, got ${opts.timeoutSeconds}`);
  }
  chain ??= new CredentialChain({ clock: systemClock });
  const found = lookupLatestCertificate(args, {
    environment: processEnvironment(programConfig),
    credentials: chain,
    clock: systemClock,
    random: Math.random,
    retryForMs: timeoutSeconds * 1000,
    contacts,
  });
  return pulumi.output(found.then((certificate) => certificate.certificateId));
}
