/**
 * Applies a desired certificate set to one listener: settle, read the live set, plan, then run the
 * associate batches and the dissociate batches one at a time, each retried within the deadline and
 * waited on until the listener really serves the result.
 */
import { Action, ErrorCode, isListenerBusy } from "../contract/alb-contract";
import type { AlbApi, ListenerCertificate } from "./alb-client";
import type { Clock } from "./clock";
import { POLL_MAX_DELAY_MS, POLL_MIN_DELAY_MS, RETRY_MAX_DELAY_MS, RETRY_MIN_DELAY_MS } from "./defaults";
import { AlbApiError, AlbProviderError, JobFailedError } from "./errors";
import { COLD_SCHEDULE, type JobTimings, type PollSchedule } from "./job-timing";
import { computePlan, isPresentStatus, isTransitionalStatus, type LiveCertificate, type Plan } from "./plan";
import { withRetry } from "./retry";
import type { ThrottleGate } from "./throttle-gate";
import { waitFor, type CheckOutcome } from "./waiter";

/** What reconciliation needs from the outside world. */
export interface ReconcileDeps {
  readonly api: AlbApi;
  readonly clock: Clock;
  readonly random: () => number;
  /** A fresh idempotency token per logical mutation. */
  readonly newToken: () => string;
  /** One line of progress for the user. */
  readonly log: (line: string) => void;
  /**
   * Job durations learned by this provider process; waits for a job then sleep until its expected
   * end before polling. Without it every wait uses the cold schedule.
   */
  readonly jobTimings?: JobTimings;
  /**
   * The process's queue for mutations while the account is throttled; without it a throttled call
   * retries on its own backoff.
   */
  readonly throttleGate?: ThrottleGate;
}

export interface ReconcileRequest {
  readonly listenerId: string;
  readonly desired: readonly string[];
  readonly previouslyDeclared: readonly string[];
  readonly exclusive: boolean;
  readonly protectedIds: ReadonlySet<string>;
  /** Absolute deadline (clock milliseconds) for the whole operation. */
  readonly deadlineAt: number;
  /**
   * Called once just before the first mutation is sent (its response may be lost while it still takes
   * effect), so that a failure later can report a partial apply.
   */
  readonly onMutated?: () => void;
}

export interface ReconcileResult {
  readonly plan: Plan;
  /** The listener's additional certificates after the operation. */
  readonly live: readonly LiveCertificate[];
}

/** The listener's additional certificates (the default certificate excluded). */
export function additionalOnly(rows: readonly ListenerCertificate[]): LiveCertificate[] {
  return rows.filter((r) => !r.isDefault).map((r) => ({ certificateId: r.certificateId, status: r.status }));
}

type Direction = "associate" | "dissociate";

const ACTION: Readonly<Record<Direction, string>> = {
  associate: Action.associate,
  dissociate: Action.dissociate,
};

/** The error code meaning "this part of the batch is already done". */
const ALREADY_DONE: Readonly<Record<Direction, string>> = {
  associate: ErrorCode.alreadyAssociated,
  dissociate: ErrorCode.notAssociated,
};

/** Formats milliseconds as seconds with one decimal. */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export class Reconciler {
  constructor(private readonly deps: ReconcileDeps) {}

  private pollOptions(deadlineAt: number, schedule?: PollSchedule) {
    if (schedule) return { clock: this.deps.clock, random: this.deps.random, deadlineAt, ...schedule };
    return { clock: this.deps.clock, random: this.deps.random, deadlineAt, minDelayMs: POLL_MIN_DELAY_MS, maxDelayMs: POLL_MAX_DELAY_MS };
  }

  private retry<T>(what: string, deadlineAt: number, call: () => Promise<T>): Promise<T> {
    return withRetry(call, {
      clock: this.deps.clock,
      random: this.deps.random,
      deadlineAt,
      what,
      minDelayMs: RETRY_MIN_DELAY_MS,
      maxDelayMs: RETRY_MAX_DELAY_MS,
    });
  }

  /** Reads every certificate row of the listener, retrying transient errors. */
  readAll(listenerId: string, deadlineAt: number): Promise<ListenerCertificate[]> {
    return this.retry(`the certificates of listener ${listenerId}`, deadlineAt, () => this.deps.api.listListenerCertificates(listenerId));
  }

  /**
   * Waits until no certificate of the listener is mid-job and the listener is not `Configuring`,
   * then returns its certificate rows. A job left running by an interrupted earlier run, or by
   * another writer, is waited out instead of fought.
   */
  async settle(listenerId: string, deadlineAt: number): Promise<ListenerCertificate[]> {
    const { value } = await waitFor(
      `listener ${listenerId} to finish its running jobs`,
      async (): Promise<CheckOutcome<ListenerCertificate[]>> => {
        const rows = await this.readAll(listenerId, deadlineAt);
        const busy = rows.filter((r) => isTransitionalStatus(r.status));
        if (busy.length > 0) return { state: "retry", observed: busy.map((r) => `${r.certificateId} ${r.status}`).join(", ") };
        const attribute = await this.retry(`listener ${listenerId}`, deadlineAt, () => this.deps.api.getListenerAttribute(listenerId));
        if (attribute.status === "Configuring" || attribute.status === "Provisioning") {
          return { state: "retry", observed: `listener ${attribute.status}` };
        }
        if (attribute.protocol === "HTTP") {
          return {
            state: "failure",
            error: new AlbProviderError(
              `Listener ${listenerId} is an HTTP listener; additional certificates need an HTTPS or QUIC listener. Fix listenerId.`,
            ),
          };
        }
        return { state: "success", value: rows };
      },
      this.pollOptions(deadlineAt),
    );
    return value;
  }

  /** Brings the listener to the requested set. The caller holds the listener's queue. */
  async apply(request: ReconcileRequest): Promise<ReconcileResult> {
    const { listenerId, deadlineAt } = request;
    const rows = await this.settle(listenerId, deadlineAt);
    const defaults = new Set(rows.filter((r) => r.isDefault).map((r) => r.certificateId));
    const clash = request.desired.filter((id) => defaults.has(id));
    if (clash.length > 0) {
      throw new AlbProviderError(
        `certificateIds contains ${clash.join(", ")}, the default certificate of listener ${listenerId}. ` +
          `Remove it from certificateIds: the default certificate is managed on the listener itself.`,
      );
    }
    const plan = computePlan({
      desired: request.desired,
      previouslyDeclared: request.previouslyDeclared,
      live: additionalOnly(rows),
      exclusive: request.exclusive,
      protectedIds: request.protectedIds,
    });
    if (plan.keptForOthers.length > 0) {
      this.deps.log(`${listenerId}: keeping ${plan.keptForOthers.join(", ")}: declared by another resource of this stack`);
    }
    let mutated = false;
    const markMutated = () => {
      if (!mutated) {
        mutated = true;
        request.onMutated?.();
      }
    };
    for (const batch of plan.associate) await this.runBatch("associate", listenerId, batch, deadlineAt, markMutated);
    for (const batch of plan.dissociate) await this.runBatch("dissociate", listenerId, batch, deadlineAt, markMutated);
    const live = mutated ? additionalOnly(await this.readAll(listenerId, deadlineAt)) : additionalOnly(rows);
    return { plan, live };
  }

  /**
   * One logical mutation: send it (one ClientToken across its retries), then wait until it settled.
   * A batch partly done already (the service answers "already associated" / "not associated") is
   * re-read and re-sent for the remainder under a new token, since its parameters changed.
   */
  private async runBatch(direction: Direction, listenerId: string, batch: readonly string[], deadlineAt: number, onMutated: () => void): Promise<void> {
    const startedAt = this.deps.clock.now();
    let remaining = [...batch];
    while (remaining.length > 0) {
      const token = this.deps.newToken();
      const ids = remaining;
      let jobId: string;
      onMutated();
      try {
        const send = direction === "associate" ? this.deps.api.associateAdditionalCertificates : this.deps.api.dissociateAdditionalCertificates;
        const call = () => send.call(this.deps.api, listenerId, ids, { clientToken: token });
        const gate = this.deps.throttleGate;
        const sendOnce = gate ? () => gate.run(call, deadlineAt) : call;
        ({ jobId } = await this.retry(`${ACTION[direction]} on ${listenerId}`, deadlineAt, () => this.sendWhenIdle(listenerId, deadlineAt, sendOnce)));
      } catch (error) {
        if (error instanceof AlbApiError && error.code === ALREADY_DONE[direction]) {
          const live = additionalOnly(await this.readAll(listenerId, deadlineAt));
          const present = new Set(live.filter((c) => isPresentStatus(c.status)).map((c) => c.certificateId));
          const next = ids.filter((id) => (direction === "associate" ? !present.has(id) : present.has(id)));
          if (next.length === ids.length) throw error; // the service and the listing disagree: surface it
          remaining = next;
          continue;
        }
        throw error;
      }
      const { attempts } = await this.waitForBatch(direction, listenerId, ids, jobId, deadlineAt, this.deps.clock.now());
      this.deps.log(
        `${listenerId}: ${direction === "associate" ? "associated" : "dissociated"} ${ids.length} certificate(s) ` +
          `[${ids.join(", ")}], job ${jobId || "(none)"}, ${seconds(this.deps.clock.now() - startedAt)}, ${attempts} poll(s)`,
      );
      remaining = [];
    }
  }

  /**
   * Sends a mutation. When the listener refuses it as busy (another writer's job, or a listener stuck
   * `Configuring`), waits with reads until the listener is idle and sends it once more at once, with the
   * same ClientToken, rather than re-sending it blindly on the retry backoff: every refused call costs
   * mutation quota. A second refusal goes back to the retry loop and its backoff.
   */
  private async sendWhenIdle<T>(listenerId: string, deadlineAt: number, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof AlbApiError) || !isListenerBusy(error.code)) throw error;
      await this.settle(listenerId, deadlineAt);
      return send();
    }
  }

  /**
   * Polls the job (ListAsynJobs), the batch's certificate rows and the listener status until the
   * batch settled: every certificate `Associated` (or gone / `Dissociated`) and the listener no
   * longer `Configuring`. A `Failed` job, or rows that fell back while no job is reported, fail.
   * The first look is at the job's expected end once this process has seen jobs finish (see
   * `job-timing.ts`); what the wait saw is recorded for the next one.
   */
  private async waitForBatch(direction: Direction, listenerId: string, ids: readonly string[], jobId: string, deadlineAt: number, acceptedAt: number) {
    const api = this.deps.api;
    const schedule = this.deps.jobTimings?.schedule(listenerId) ?? COLD_SCHEDULE;
    // The last look that saw the batch still running (ms after acceptance): with the look that saw it
    // done, it brackets the job's end. A look counts from when it started (its reads' own latency is
    // not the job's). Transient API errors say nothing about the job.
    let lookAt = acceptedAt;
    let lastRunningMs: number | undefined;
    // When the service reports the job, its own end is what is learned: a listener that stays
    // `Configuring` after the job (a stall) must not teach the next wait to oversleep.
    let lastJobRunningMs: number | undefined;
    let jobDoneMs: number | undefined;
    const running = (observed: string): CheckOutcome<void> => {
      lastRunningMs = lookAt - acceptedAt;
      return { state: "retry", observed };
    };
    const result = await waitFor(
      `${direction === "associate" ? "association" : "dissociation"} of [${ids.join(", ")}] on ${listenerId} (job ${jobId})`,
      async (): Promise<CheckOutcome<void>> => {
        lookAt = this.deps.clock.now();
        let job: { status: string; errorCode?: string; errorMessage?: string } | undefined;
        if (jobId) {
          try {
            job = (await api.listAsyncJobs([jobId])).find((j) => j.id === jobId);
          } catch (error) {
            if (!(error instanceof AlbApiError) || !error.retryable) throw error;
            return { state: "retry", observed: `job lookup: ${error.code}` };
          }
        }
        if (job?.status === "Failed") {
          return {
            state: "failure",
            error: new JobFailedError(jobId, ACTION[direction], listenerId, ids, job.errorCode ?? "Failed", job.errorMessage ?? ""),
          };
        }
        if (job?.status === "Processing") {
          lastJobRunningMs = lookAt - acceptedAt;
          return running(`job ${jobId} Processing`);
        }
        if (job && jobDoneMs === undefined) jobDoneMs = lookAt - acceptedAt;
        let rows: ListenerCertificate[];
        try {
          rows = await api.listListenerCertificates(listenerId, ids);
        } catch (error) {
          if (error instanceof AlbApiError && error.retryable) return { state: "retry", observed: `listing: ${error.code}` };
          throw error;
        }
        const status = new Map(rows.filter((r) => !r.isDefault).map((r) => [r.certificateId, r.status]));
        const unsettled = ids.filter((id) => {
          const s = status.get(id);
          return direction === "associate" ? s !== "Associated" : s !== undefined && s !== "Dissociated";
        });
        if (unsettled.length > 0) {
          const fellBack = unsettled.filter((id) => {
            const s = status.get(id);
            return direction === "associate" ? s === undefined : s === "Associated";
          });
          if (!job && fellBack.length === unsettled.length && fellBack.length > 0) {
            // No job to ask (the service did not list it), and the rows went back to where they were.
            return {
              state: "failure",
              error: new JobFailedError(jobId, ACTION[direction], listenerId, ids, "JobFailed", `certificates fell back: ${fellBack.join(", ")}`),
            };
          }
          return running(unsettled.map((id) => `${id} ${status.get(id) ?? "absent"}`).join(", "));
        }
        let attribute;
        try {
          attribute = await api.getListenerAttribute(listenerId);
        } catch (error) {
          if (error instanceof AlbApiError && error.retryable) return { state: "retry", observed: `listener: ${error.code}` };
          throw error;
        }
        if (attribute.status === "Configuring") return running("listener Configuring");
        return { state: "success", value: undefined };
      },
      this.pollOptions(deadlineAt, schedule),
    );
    const observation =
      jobDoneMs !== undefined ? { lastRunningMs: lastJobRunningMs, doneMs: jobDoneMs, schedule } : { lastRunningMs, doneMs: lookAt - acceptedAt, schedule };
    this.deps.jobTimings?.record(listenerId, observation);
    return result;
  }
}
