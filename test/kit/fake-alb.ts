/**
 * An in-memory ALB listener for unit tests of the Reconciler: jobs take clock time, with switches for the
 * ways the real service may answer (jobs not listed, rows that lag behind the answer, refusals).
 */
import type { AlbApi, AsyncJob, ListenerAttribute, ListenerCertificate, MutationOptions, MutationResult } from "../../provider/transport/alb-client";
import { AlbApiError } from "../../provider/base/errors";
import { APPLY_POLICY, ListenerSession } from "../../provider/core/listener-session";
import { Reconciler, type ReconcileDeps, type ReconcileRequest } from "../../provider/core/reconcile";
import { VirtualClock } from "./clock";

export const L = "lsn-unit";

interface Job {
  id: string;
  action: string;
  ids: string[];
  endsAt: number;
  fail: boolean;
  visibleAt: number;
}

/** An in-memory listener. Jobs take `jobMs`; rows change `lagMs` after acceptance. */
export class FakeAlb implements AlbApi {
  readonly calls: string[] = [];
  readonly rows = new Map<string, string>();
  protocol = "HTTPS";
  status = "Running";
  readonly defaults = ["default-cert"];
  jobMs = 1_000;
  lagMs = 0;
  listJobs = true;
  failNextJob = false;
  /** Most certificates a mutation may carry; more is refused as InvalidParameter. */
  maxPerCall = Infinity;
  readonly caIds: string[] = [];
  /** Errors to throw, in order, before handling the next mutation. */
  readonly refusals: AlbApiError[] = [];
  /** Errors to throw, in order, before answering the next read of each kind. */
  readonly readFailures: { list: AlbApiError[]; attribute: AlbApiError[]; jobs: AlbApiError[] } = { list: [], attribute: [], jobs: [] };
  /** Accepted mutations answer without a JobId (the job itself still runs). */
  omitJobId = false;
  private readonly jobs: Job[] = [];
  private readonly tokens = new Map<string, string>();
  private seq = 0;

  constructor(private readonly clock: VirtualClock) {}

  private settleJobs(): void {
    const now = this.clock.now();
    for (const job of this.jobs) {
      if (job.endsAt > now || job.endsAt < 0) continue;
      const associate = job.action === "associate";
      for (const id of job.ids) {
        if (associate !== job.fail) this.rows.set(id, "Associated");
        else this.rows.delete(id);
      }
      job.endsAt = -1;
    }
  }

  private visible(job: Job): boolean {
    return this.clock.now() >= job.visibleAt;
  }

  private running(): Job | undefined {
    return this.jobs.find((j) => j.endsAt > this.clock.now());
  }

  async listListenerCertificates(listenerId: string, certificateIds?: readonly string[]): Promise<ListenerCertificate[]> {
    this.calls.push(`list ${certificateIds?.join(",") ?? "*"}`);
    const failure = this.readFailures.list.shift();
    if (failure) throw failure;
    this.settleJobs();
    const out: ListenerCertificate[] = this.defaults.map((id) => ({ certificateId: id, certificateType: "Server", isDefault: true, status: "Associated" }));
    for (const [id, status] of this.rows) {
      const job = this.jobs.find((j) => j.endsAt > this.clock.now() && j.ids.includes(id));
      const shown = job && !this.visible(job) ? (job.action === "associate" ? undefined : "Associated") : status;
      if (shown !== undefined) out.push({ certificateId: id, certificateType: "Server", isDefault: false, status: shown as ListenerCertificate["status"] });
    }
    void listenerId;
    return out.filter((r) => !certificateIds || r.isDefault || certificateIds.includes(r.certificateId));
  }

  async getListenerAttribute(listenerId: string): Promise<ListenerAttribute> {
    this.calls.push("attribute");
    const failure = this.readFailures.attribute.shift();
    if (failure) throw failure;
    this.settleJobs();
    const job = this.running();
    const status = job && this.visible(job) ? "Configuring" : this.status;
    return { listenerId, loadBalancerId: "alb-unit", protocol: this.protocol as ListenerAttribute["protocol"], status: status as ListenerAttribute["status"], defaultCertificateIds: this.defaults, caCertificateIds: this.caIds };
  }

  private mutate(action: "associate" | "dissociate", ids: readonly string[], options: MutationOptions): MutationResult {
    this.calls.push(`${action} ${ids.join(",")} token=${options.clientToken}`);
    const refusal = this.refusals.shift();
    if (refusal) throw refusal;
    if (ids.length > this.maxPerCall) throw apiError("InvalidParameter", false);
    if (this.status !== "Running") throw apiError("IncorrectStatus.Listener");
    this.settleJobs();
    const earlier = this.tokens.get(options.clientToken);
    if (earlier) return { jobId: earlier, requestId: "r" };
    if (this.running()) throw apiError("ResourceInConfiguring.Listener");
    const job: Job = { id: `job-${++this.seq}`, action, ids: [...ids], endsAt: this.clock.now() + this.jobMs, fail: this.failNextJob, visibleAt: this.clock.now() + this.lagMs };
    this.failNextJob = false;
    for (const id of ids) this.rows.set(id, action === "associate" ? "Associating" : "Dissociating");
    this.jobs.push(job);
    this.tokens.set(options.clientToken, job.id);
    return { jobId: this.omitJobId ? "" : job.id, requestId: "r" };
  }

  async associateAdditionalCertificates(_l: string, ids: readonly string[], options: MutationOptions): Promise<MutationResult> {
    return this.mutate("associate", ids, options);
  }

  async dissociateAdditionalCertificates(_l: string, ids: readonly string[], options: MutationOptions): Promise<MutationResult> {
    return this.mutate("dissociate", ids, options);
  }

  async listAsyncJobs(jobIds: readonly string[]): Promise<AsyncJob[]> {
    this.calls.push(`jobs ${jobIds.join(",")}`);
    const failure = this.readFailures.jobs.shift();
    if (failure) throw failure;
    this.settleJobs();
    if (!this.listJobs) return [];
    return this.jobs
      .filter((j) => jobIds.includes(j.id))
      .map((j) => ({ id: j.id, status: j.endsAt > this.clock.now() ? "Processing" : j.fail ? "Failed" : "Succeeded", ...(j.fail ? { errorCode: "Cert.Broken", errorMessage: "boom" } : {}) }));
  }
}

export function apiError(code: string, retryable = true): AlbApiError {
  return new AlbApiError({ code, action: "AssociateAdditionalCertificatesWithListener", apiMessage: code, listenerId: L, retryable });
}

/**
 * A Reconciler over a {@link FakeAlb} on a virtual clock. `request` applies a set to listener {@link L}, each
 * in a session of its own (the apply policy; deadline 600 s from now unless `deadlineAt` is given).
 */
export function setup(extra: Partial<Omit<ReconcileDeps, "session">> = {}) {
  const clock = new VirtualClock();
  const api = new FakeAlb(clock);
  let tokens = 0;
  const logs: string[] = [];
  const reconcilerUntil = (deadlineAt: number) =>
    new Reconciler({
      session: new ListenerSession({ api, clock, random: () => 0.5 }, { listenerId: L, region: "cn-hangzhou", deadlineAt, policy: APPLY_POLICY }),
      newToken: () => `t${++tokens}`,
      log: (line) => logs.push(line),
      ...extra,
    });
  const request = (desired: string[], previouslyDeclared: string[] = [], options: Partial<ReconcileRequest> & { readonly deadlineAt?: number } = {}) => {
    const { deadlineAt = clock.now() + 600_000, ...rest } = options;
    return reconcilerUntil(deadlineAt).apply({ desired, previouslyDeclared, exclusive: false, protectedIds: new Set(), ...rest });
  };
  const mutations = () => api.calls.filter((c) => /^(associate|dissociate) /.test(c));
  return { clock, api, logs, request, mutations };
}

