/**
 * Scenario 4: a model of the per-certificate tools (terraform-provider-alicloud's
 * `alicloud_alb_listener_additional_certificate_attachment` and pulumi-alicloud's bridged
 * `alicloud.alb.ListenerAdditionalCertificateAttachment`), as docs/per-certificate-tools.md describes them,
 * run against the same simulator on the same virtual clock:
 *
 * - one resource, hence one API call, per certificate: `Associate…` / `Dissociate…` with exactly one
 *   certificate and a ClientToken fixed per create/delete;
 * - a retryable error (listener busy, throttling, 5xx) sleeps 5 s (`incrementalWait(5s, 5s)`), then the
 *   SDK's `resource.Retry` waits again, 0.5 s doubling to a 10 s cap, before the next attempt;
 * - the JobId is ignored; the wait polls `ListListenerCertificates` (MaxResults 50, every page): first
 *   after a 5 s delay, then every 3 s doubling to a 10 s cap, until the certificate is `Associated`
 *   (create) or gone (delete); a create then reads the resource once more;
 * - a rotation of K certificates is K replacements, in one of two orders:
 *   - `engine` (Pulumi's engine with the bridged provider): it creates the K new attachments, at most
 *     `parallelism` at a time, and deletes the K replaced ones at the end, again `parallelism` at a time;
 *   - `concurrent` (OpenTofu or Terraform with `for_each` over the set): the K old keys' destroys and the K
 *     new keys' creates do not depend on each other, so they all start together, at most `parallelism`
 *     (OpenTofu's default: 10) at a time, a destroy and a create alternating; the old certificate's
 *     Dissociate often reaches the listener before its replacement's Associate, which is what leaves the
 *     domain unserved (bench/serving-gap.ts measures it from the simulator's jobs);
 * - with `refresh` (OpenTofu's plan), each attachment that exists before the run is read once first, at most
 *   `parallelism` at a time.
 * Attachments on one listener race: the listener runs one job at a time and refuses the others with
 * `ResourceInConfiguring.Listener`, which the retry loop above absorbs.
 */
import { randomUUID } from "node:crypto";
import { Action, ALB_API_VERSION, CertificateStatus } from "../contract/alb-contract";
import { toApiError } from "../provider/transport/alb-client";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from "../simulator";
import { seededRandom, type VirtualClock } from "../test/kit/clock";

/** The documented timings of the per-certificate tools, in ms. */
export const PER_CERTIFICATE_TIMINGS = Object.freeze({
  /** Fixed sleep before each retry of a refused call (incrementalWait(5s, 5s)). */
  retrySleepMs: 5_000,
  /** resource.Retry's own wait between attempts: MinTimeout 0.5 s, doubling, 10 s cap. */
  retryMinMs: 500,
  retryMaxMs: 10_000,
  /** StateChangeConf of the wait: Delay 5 s, MinTimeout 3 s, doubling, 10 s cap. */
  waitDelayMs: 5_000,
  pollMinMs: 3_000,
  pollMaxMs: 10_000,
  /** Page size of the listing (PageSizeLarge). */
  pageSize: 50,
  /** Create/delete timeout (the code's 5 min), ms. */
  timeoutMs: 5 * 60_000,
});

export interface PerCertificateOptions {
  readonly endpoint: string;
  readonly clock: VirtualClock;
  readonly listenerId: string;
  /** Certificates to attach (new attachments). */
  readonly add: readonly string[];
  /** Certificates to detach (replaced attachments, deleted at the end). */
  readonly remove: readonly string[];
  /** Resources the engine applies at once. */
  readonly parallelism: number;
  /** Which operations wait for which. @default "engine" */
  readonly order?: "engine" | "concurrent";
  /** Read each attachment that exists before the run (`remove`) once, before anything changes. @default false */
  readonly refresh?: boolean;
  /** After those reads, wait this long before the first change (the tool's own plan-to-apply time), ms. @default 0 */
  readonly refreshPauseMs?: number;
  /**
   * Each retry waits up to this much longer, drawn from a generator seeded with `seed`: on virtual time the
   * retries of attachments refused together would otherwise reach the listener in the order they were first
   * sent, every time; real processes race, and which one the listener takes next is open. @default 0
   */
  readonly raceJitterMs?: number;
  readonly seed?: number;
}

export interface PerCertificateResult {
  /** Virtual ms of the whole rotation. */
  readonly wallMs: number;
  /** Looks at the listing while waiting for a job (each of one or more pages). */
  readonly polls: number;
  /** Resources that failed (timeout or non-retryable error). */
  readonly failures: number;
}

interface RpcClient {
  request<T>(action: string, params: object, options?: object): Promise<T>;
}

type Row = { CertificateId?: string; Status?: string };

/** Runs the model; every request is tracked on the virtual clock. */
export async function runPerCertificateModel(options: PerCertificateOptions): Promise<PerCertificateResult> {
  const { clock, listenerId } = options;
  const t = PER_CERTIFICATE_TIMINGS;
  const RPCClient = require("@alicloud/pop-core") as new (config: object) => RpcClient;
  const client = new RPCClient({
    endpoint: options.endpoint,
    apiVersion: ALB_API_VERSION,
    accessKeyId: DEMO_ACCESS_KEY_ID,
    accessKeySecret: DEMO_ACCESS_KEY_SECRET,
  });
  const call = <T>(action: string, params: object): Promise<T> =>
    clock.track(() => client.request<T>(action, params, { method: "POST", timeout: 15_000 }));
  let polls = 0;
  let failures = 0;
  const random = seededRandom(options.seed ?? 1);

  /** The attachment's status, or undefined when the certificate is not listed (Describe… in the TF code). */
  const describe = async (certificateId: string): Promise<string | undefined> => {
    let nextToken: string | undefined;
    let found: string | undefined;
    do {
      const body = await call<{ Certificates?: Row[]; NextToken?: string }>(Action.listListenerCertificates, {
        ListenerId: listenerId,
        MaxResults: t.pageSize,
        ...(nextToken ? { NextToken: nextToken } : {}),
      });
      for (const row of body.Certificates ?? []) if (row.CertificateId === certificateId) found = row.Status;
      nextToken = body.NextToken || undefined;
    } while (nextToken);
    return found;
  };

  /** resource.Retry around one mutation, with its ClientToken fixed before the loop. */
  const mutate = async (action: string, certificateId: string, deadline: number): Promise<void> => {
    const token = `TF-${action}-${Math.floor(clock.now() / 1000)}-${randomUUID()}`.slice(0, 64);
    let sdkWait: number = t.retryMinMs;
    for (;;) {
      try {
        await call(action, { ListenerId: listenerId, Certificates: [{ CertificateId: certificateId }], ClientToken: token, RegionId: "cn-hangzhou" });
        return;
      } catch (error) {
        const apiError = toApiError(error, action, { listenerId });
        if (!apiError.retryable) throw apiError;
        await clock.sleep(t.retrySleepMs);
        if (clock.now() + sdkWait > deadline) throw apiError;
        await clock.sleep(sdkWait + (options.raceJitterMs ? Math.floor(random() * options.raceJitterMs) : 0));
        sdkWait = Math.min(t.retryMaxMs, sdkWait * 2);
      }
    }
  };

  /** BuildStateConf(delay 5 s, MinTimeout 3 s) until `done(status)`. */
  const waitFor = async (certificateId: string, done: (status: string | undefined) => boolean, deadline: number): Promise<void> => {
    await clock.sleep(t.waitDelayMs);
    let wait: number = t.pollMinMs;
    for (;;) {
      polls++;
      if (done(await describe(certificateId))) return;
      if (clock.now() >= deadline) throw new Error(`timeout waiting for ${certificateId}`);
      await clock.sleep(wait);
      wait = Math.min(t.pollMaxMs, wait * 2);
    }
  };

  const create = async (certificateId: string) => {
    const deadline = clock.now() + t.timeoutMs;
    await mutate(Action.associate, certificateId, deadline);
    await waitFor(certificateId, (s) => s === CertificateStatus.associated, deadline);
    await describe(certificateId); // Read after Create
  };
  const destroy = async (certificateId: string) => {
    const deadline = clock.now() + t.timeoutMs;
    await mutate(Action.dissociate, certificateId, deadline);
    await waitFor(certificateId, (s) => s === undefined, deadline);
  };

  /** Runs `work` over `items` in order, at most `parallelism` at a time; a failed item counts and the rest go on. */
  const pool = async <T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++]!;
        try {
          await work(item);
        } catch {
          failures++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallelism, items.length)) }, worker));
  };

  const start = clock.now();
  if (options.refresh && options.remove.length > 0) {
    await pool(options.remove, async (certificateId) => {
      await describe(certificateId);
    });
    await clock.sleep(options.refreshPauseMs ?? 0);
  }
  if (options.order === "concurrent") {
    // The old keys' destroys and the new keys' creates, alternating: nothing orders one before another.
    const steps: (() => Promise<void>)[] = [];
    for (let i = 0; i < Math.max(options.add.length, options.remove.length); i++) {
      const removed = options.remove[i];
      const added = options.add[i];
      if (removed !== undefined) steps.push(() => destroy(removed));
      if (added !== undefined) steps.push(() => create(added));
    }
    await pool(steps, (step) => step());
  } else {
    await pool(options.add, create);
    await pool(options.remove, destroy);
  }
  return { wallMs: clock.now() - start, polls, failures };
}
