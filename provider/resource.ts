/**
 * The `ListenerAdditionalCertificates` resource. Its dynamic provider is a thin shim: every method
 * loads the implementation from the installed package when it runs, so the code stored in state
 * holds no logic and no credentials, and upgrading the package changes how existing resources are
 * read, updated and deleted (docs/alb-api-facts.md, "The provider is serialized into state").
 */
import * as pulumi from "@pulumi/pulumi";

/** Inputs of {@link ListenerAdditionalCertificates}. */
export interface ListenerAdditionalCertificatesArgs {
  /**
   * ID of the HTTPS or QUIC listener whose additional (SNI) certificates this resource owns,
   * e.g. `lsn-5qnirjhpt1234abcd`. Changing it replaces the resource (the new listener is set up
   * before the old one is cleaned up).
   */
  listenerId: pulumi.Input<string>;
  /**
   * The additional certificates the listener must serve, as certificate-service IDs with their
   * region suffix (e.g. `23759533-cn-hangzhou`). A set: order and duplicates are ignored. May be
   * empty. Must not contain the listener's default certificate. At most 25 by default (the
   * Standard-edition quota; see the `maxCertificatesPerListener` stack config).
   */
  certificateIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * When `true`, this resource is authoritative for the listener: additional certificates it does
   * not declare are dissociated (and shown as drift on refresh). When `false` (the default), it
   * only adds and removes the certificates it declares and leaves others alone.
   * @default false
   */
  exclusive?: pulumi.Input<boolean>;
  /**
   * Region of the listener. Changing it replaces the resource.
   * @default stack config `alicloud:region`, then `ALICLOUD_REGION` / `ALIBABA_CLOUD_REGION`, then the CLI profile's region
   */
  region?: pulumi.Input<string>;
  /**
   * API endpoint override, e.g. the simulator's `http://127.0.0.1:9400`. The stack config
   * `alb-listener-certificates:endpoint` (or `ALB_LISTENER_CERTIFICATES_ENDPOINT`) wins over it.
   * @default `https://alb.<region>.aliyuncs.com`
   */
  endpoint?: pulumi.Input<string>;
  /**
   * Deadline of one create, update or delete of this resource, in seconds, covering every call,
   * retry and wait. Pulumi's `customTimeouts` do not reach dynamic providers, hence this input.
   * @default 600
   */
  waitTimeoutSeconds?: pulumi.Input<number>;
  /**
   * A certificate being added that ends within this many days is a warning in the preview (an expired one is
   * always an error). `0` turns the warning off.
   * @default 30
   */
  expiryWarningDays?: pulumi.Input<number>;
  /**
   * What a change does when a domain that a removed certificate serves is covered by no certificate the
   * listener keeps (additional or default; `*.example.com` covers `api.example.com`, not `example.com`):
   * `"warn"` (a warning in the preview), `"error"` (the preview fails), or `"off"`.
   * @default "warn"
   */
  domainCoverage?: pulumi.Input<"warn" | "error" | "off">;
  /**
   * Whether a change reads each certificate's domains and validity from the Certificate Management Service
   * (RAM action `yundun-cert:GetCertificateDetail`, never the key) to show them in the preview and run the
   * expiry and coverage checks. `false`: no such read at all.
   * @default true
   */
  readCertificateDetails?: pulumi.Input<boolean>;
}

/** What the resource knows of one certificate (output `certificateInfo`). */
export interface CertificateInfo {
  /** The domains the certificate serves (common name and alternative names). */
  readonly domains: string[];
  /** End of validity, ISO 8601 in UTC. */
  readonly notAfter: string;
}

/** Loads the implementation from the program's installation of this package. */
function loadImplementation(): { provider(): pulumi.dynamic.ResourceProvider & { configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> } } {
  const moduleName = "alb-listener-certificates/runtime";
  // Resolve from the program directory (the provider process's working directory); this also covers
  // programs inside this package's own repository, through the package's self-reference.
  const { createRequire } = require("module");
  const path = require("path");
  try {
    return createRequire(path.join(process.cwd(), "index.js"))(moduleName);
  } catch (error) {
    if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
    try {
      return require(moduleName);
    } catch {
      throw new Error(
        `Cannot load ${moduleName} from ${process.cwd()}: install the package in the Pulumi program's project ` +
          `(npm install alb-listener-certificates).`,
      );
    }
  }
}

/**
 * The serialized provider. Only these few lines are stored in state; each call delegates to the
 * package installed where the program runs.
 */
const shimProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    return loadImplementation().provider().configure(req);
  },
  async check(olds, news) {
    return loadImplementation().provider().check!(olds, news);
  },
  async diff(id, olds, news) {
    return loadImplementation().provider().diff!(id, olds, news);
  },
  async create(inputs) {
    return loadImplementation().provider().create(inputs);
  },
  async read(id, props) {
    return loadImplementation().provider().read!(id, props);
  },
  async update(id, olds, news) {
    return loadImplementation().provider().update!(id, olds, news);
  },
  async delete(id, props) {
    return loadImplementation().provider().delete!(id, props);
  },
};

/**
 * The input `certificates`: no value, but the secrecy of `certificateIds`. `check` stores the set as the
 * `certificates` map, and the engine marks an output secret only when the input of the same name is secret
 * (docs/alb-api-facts.md, "Secrets"). A plain set therefore sends no `certificates` input at all; a secret
 * set sends a secret without a value, so the stored map is encrypted in state and masked in previews.
 */
function secrecyOf(certificateIds: pulumi.Input<pulumi.Input<string>[]>): pulumi.Output<undefined> {
  return pulumi.output(certificateIds).apply(() => undefined);
}

/** Exposed for tests that run the serialized copy the engine executes. */
export const serializableProvider: pulumi.dynamic.ResourceProvider = shimProvider;

/**
 * Owns the set of additional (SNI) certificates on one Alibaba Cloud ALB listener.
 *
 * `pulumi up` associates what is missing first, waits until the listener serves it, then
 * dissociates what must go and waits again: a rotation never leaves the listener without the old
 * or the new certificate. `pulumi preview` names every certificate that will be associated or
 * dissociated, and fails on what the apply would fail on.
 *
 * @example
 * ```ts
 * new ListenerAdditionalCertificates("api-sni", {
 *     listenerId: "lsn-5qnirjhpt1234abcd",
 *     certificateIds: ["23759533-cn-hangzhou", "24664588-cn-hangzhou"],
 * });
 * ```
 */
export class ListenerAdditionalCertificates extends pulumi.dynamic.Resource {
  /** The listener ID (also the resource's ID). */
  declare public readonly listenerId: pulumi.Output<string>;
  /** Declared certificate IDs (all live ones with `exclusive`), mapped to their live status (`Associated`, …). */
  declare public readonly certificates: pulumi.Output<Record<string, string>>;
  /**
   * The certificate IDs of {@link certificates}, sorted. Where the engine's answer has no `certificates` map
   * (a unit test's mock that echoes the inputs back), the declared set, sorted and without duplicates.
   */
  public readonly certificateIds: pulumi.Output<string[]>;
  /** Whether the resource is authoritative for the listener. */
  declare public readonly exclusive: pulumi.Output<boolean>;
  /** The resolved region. */
  declare public readonly region: pulumi.Output<string>;
  /** The deadline in seconds of each operation. */
  declare public readonly waitTimeoutSeconds: pulumi.Output<number>;
  /**
   * Per declared certificate, its domains and end of validity, as read from the Certificate Management
   * Service when the set last changed; undefined when the details were not read (no permission, opted out).
   */
  declare public readonly certificateInfo: pulumi.Output<Record<string, CertificateInfo> | undefined>;
  /**
   * The listener's recent jobs (`ms`, batch size `certificates`), oldest first, as the last apply timed
   * them: the next update or delete of this resource waits for its first job on that schedule.
   */
  declare public readonly jobDurations: pulumi.Output<{ ms: number; certificates?: number }[] | undefined>;

  constructor(name: string, args: ListenerAdditionalCertificatesArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      shimProvider,
      name,
      {
        listenerId: args.listenerId,
        certificateIds: args.certificateIds,
        exclusive: args.exclusive,
        region: args.region,
        endpoint: args.endpoint,
        waitTimeoutSeconds: args.waitTimeoutSeconds,
        expiryWarningDays: args.expiryWarningDays,
        domainCoverage: args.domainCoverage,
        readCertificateDetails: args.readCertificateDetails,
        // Names the certificates, so it is as secret as the set (see `secrecyOf`).
        certificateInfo: secrecyOf(args.certificateIds),
        resourceName: name,
        certificates: secrecyOf(args.certificateIds),
        jobDurations: undefined,
      },
      opts,
      "alb",
      "ListenerAdditionalCertificates",
    );
    // `check` stores the set as the `certificates` map (so previews name IDs); the list is derived.
    this.certificateIds = pulumi
      .all([this.certificates, args.certificateIds])
      .apply(([map, declared]) => (map ? Object.keys(map) : [...new Set(declared)]).sort());
  }
}
