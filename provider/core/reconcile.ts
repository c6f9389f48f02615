/**
 * Applies a desired certificate set to one listener: wait until it is idle, read the live set, plan, then run the
 * associate batches and the dissociate batches one at a time, each retried within the deadline and
 * waited on until the listener really serves the result.
 */
import { isTransitionalStatus, JobStatus, ListenerStatus } from "../../contract/alb-contract";
import { chunk } from "../base/chunk";
import type { AsyncJob, ListenerAttribute, ListenerCertificate } from "../transport/alb-client";
import { POLL_MAX_DELAY_MS, POLL_MIN_DELAY_MS } from "../base/defaults";
import { AlbApiError, classify, JobFailedError } from "../base/errors";
import { COLD_SCHEDULE, type JobTimings, type PollSchedule } from "./job-timing";
import { additionalOnly, declarationProblems, listenerStateProblem, presentIds } from "./listener-checks";
import type { ListenerSession } from "./listener-session";
import { computePlan, type LiveCertificate, type Plan } from "./plan";
import { ASSOCIATE, DISSOCIATE, judgeBatch, NO_HISTORY, type BatchHistory, type BatchObservation, type Direction } from "./batch-verdict";
import type { ThrottleGate } from "./throttle-gate";
import { waitFor, type CheckOutcome } from "./waiter";

/** What reconciliation needs from the outside world. */
export interface ReconcileDeps {
  /** The listener, under the apply policy and the operation's deadline. */
  readonly session: ListenerSession;
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
  readonly desired: readonly string[];
  readonly previouslyDeclared: readonly string[];
  readonly exclusive: boolean;
  readonly protectedIds: ReadonlySet<string>;
  /** Called with the plan, once it is made (before any mutation). */
  readonly onPlanned?: (plan: Plan) => void;
  /**
   * Called just before each mutation is sent, with its direction and certificates (its response may be lost
   * while it still takes effect), so that a failure later can report a partial apply that keeps every
   * certificate whose association was sent, whether or not the listener shows it yet.
   */
  readonly onMutated?: (direction: Direction["name"], certificateIds: readonly string[]) => void;
}

export interface ReconcileResult {
  readonly plan: Plan;
  /** The listener's additional certificates after the operation. */
  readonly live: readonly LiveCertificate[];
}

/** Formats milliseconds as seconds with one decimal. */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export class Reconciler {
  /**
   * Most certificates per call that the service accepted in this apply, per direction, once it refused a
   * larger batch as invalid (a limit stricter than the published ones): later batches are cut to it.
   */
  private readonly learnedBatchMax = new Map<Direction["name"], number>();

  constructor(private readonly deps: ReconcileDeps) {}

  private get session(): ListenerSession {
    return this.deps.session;
  }

  private pollOptions(schedule?: PollSchedule) {
    const { clock, random, deadlineAt } = this.session;
    return { clock, random, deadlineAt, ...(schedule ?? { minDelayMs: POLL_MIN_DELAY_MS, maxDelayMs: POLL_MAX_DELAY_MS }) };
  }

  /**
   * Waits until no certificate of the listener is mid-job and the listener is not `Configuring`, then
   * returns its certificate rows and attributes. A job left running by an interrupted earlier run, or by
   * another writer, is waited out instead of fought. A listener that cannot take certificates fails.
   */
  async waitUntilIdle(): Promise<{ rows: ListenerCertificate[]; attribute: ListenerAttribute; waited: boolean }> {
    const { listenerId } = this.session;
    const { value, attempts } = await waitFor(
      `listener ${listenerId} to finish its running jobs`,
      async (): Promise<CheckOutcome<{ rows: ListenerCertificate[]; attribute: ListenerAttribute }>> => {
        const rows = await this.session.rows();
        const busy = rows.filter((r) => isTransitionalStatus(r.status));
        if (busy.length > 0) return { state: "retry", observed: busy.map((r) => `${r.certificateId} ${r.status}`).join(", ") };
        const attribute = await this.session.attribute();
        if (attribute.status === ListenerStatus.configuring || attribute.status === ListenerStatus.provisioning) {
          return { state: "retry", observed: `listener ${attribute.status}` };
        }
        const problem = listenerStateProblem(listenerId, attribute);
        if (problem) return { state: "failure", error: problem };
        return { state: "success", value: { rows, attribute } };
      },
      this.pollOptions(),
    );
    return { ...value, waited: attempts > 1 };
  }

  /** Brings the listener to the requested set. The caller holds the listener's queue. */
  async apply(request: ReconcileRequest): Promise<ReconcileResult> {
    const { listenerId } = this.session;
    const { rows, attribute } = await this.waitUntilIdle();
    const [problem] = declarationProblems(listenerId, attribute, rows, request.desired);
    if (problem) throw problem;
    const plan = computePlan({
      desired: request.desired,
      previouslyDeclared: request.previouslyDeclared,
      live: additionalOnly(rows),
      exclusive: request.exclusive,
      protectedIds: request.protectedIds,
    });
    request.onPlanned?.(plan);
    if (plan.keptForOthers.length > 0) {
      this.deps.log(`${listenerId}: keeping ${plan.keptForOthers.join(", ")}: declared by another resource of this stack`);
    }
    let mutated = false;
    const markMutated = (direction: Direction, ids: readonly string[]) => {
      mutated = true;
      request.onMutated?.(direction.name, ids);
    };
    for (const batch of plan.associate) await this.runBatch(ASSOCIATE, batch, markMutated);
    for (const batch of plan.dissociate) await this.runBatch(DISSOCIATE, batch, markMutated);
    const live = mutated ? additionalOnly(await this.session.rows()) : additionalOnly(rows);
    return { plan, live };
  }

  /**
   * One logical mutation: send it (one ClientToken across its retries), then wait until its job is done.
   * A batch partly done already (the service answers "already associated" / "not associated") is
   * re-read and re-sent for the remainder under a new token, since its parameters changed.
   */
  private async runBatch(
    direction: Direction,
    batch: readonly string[],
    onMutated: (direction: Direction, ids: readonly string[]) => void,
  ): Promise<void> {
    const { listenerId, deadlineAt, clock } = this.session;
    const learned = this.learnedBatchMax.get(direction.name);
    if (learned !== undefined && batch.length > learned) {
      for (const part of chunk(batch, learned)) await this.runBatch(direction, part, onMutated);
      return;
    }
    const startedAt = clock.now();
    let remaining = [...batch];
    while (remaining.length > 0) {
      const token = this.deps.newToken();
      const ids = remaining;
      let jobId: string;
      onMutated(direction, ids);
      try {
        const call = () => direction.send(this.session.api, listenerId, ids, { clientToken: token });
        const gate = this.deps.throttleGate;
        const sendOnce = gate ? () => gate.run(call, deadlineAt) : call;
        ({ jobId } = await this.session.call(`${direction.action} on ${listenerId}`, () => this.sendWhenIdle(sendOnce)));
      } catch (error) {
        if (error instanceof AlbApiError && error.code === direction.alreadyDoneCode) {
          const next = direction.stillToSend(ids, presentIds(await this.session.rows()));
          if (next.length === ids.length) throw error; // the service and the listing disagree: surface it
          remaining = next;
          continue;
        }
        if (ids.length > 1 && error instanceof AlbApiError && classify(error).meaning === "invalidRequest") {
          // Refused as invalid with several certificates: the service may take fewer per call than its
          // documents say. Split rather than stop half-way; a single certificate's refusal surfaces as is.
          const half = Math.ceil(ids.length / 2);
          this.learnedBatchMax.set(direction.name, Math.min(half, this.learnedBatchMax.get(direction.name) ?? half));
          this.deps.log(`${listenerId}: the service refused ${ids.length} certificates in one ${direction.action} call (${error.code}); sending at most ${half} per call`);
          for (const part of chunk(ids, half)) await this.runBatch(direction, part, onMutated);
          return;
        }
        throw error;
      }
      const { attempts } = await this.waitForBatch(direction, ids, jobId, clock.now());
      this.deps.log(
        `${listenerId}: ${direction.pastTense} ${ids.length} certificate(s) ` +
          `[${ids.join(", ")}], job ${jobId || "(none)"}, ${seconds(clock.now() - startedAt)}, ${attempts} poll(s)`,
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
  private async sendWhenIdle<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (classify(error).meaning !== "listenerBusy") throw error;
      const { waited } = await this.waitUntilIdle();
      // The reads showed the listener idle although the service refused it as busy: the service's reads
      // lag behind its state. Sending again at once would only be refused again; the retry backoff decides.
      if (!waited) throw error;
      return send();
    }
  }

  /**
   * Polls the job (ListAsynJobs), the batch's certificate rows and the listener status until
   * {@link judgeBatch} says the batch is done or failed. Each look reads only as far as the decision
   * needs. The first look is at the job's expected end once this process has seen jobs finish (see
   * `job-timing.ts`); what the wait saw is recorded for the next one.
   */
  private async waitForBatch(direction: Direction, ids: readonly string[], jobId: string, acceptedAt: number) {
    const { listenerId, clock } = this.session;
    const schedule = this.deps.jobTimings?.schedule(listenerId, ids.length) ?? COLD_SCHEDULE;
    // The last look that saw the batch still running (ms after acceptance): with the look that saw it
    // done, it brackets the job's end. A look counts from when it started (its reads' own latency is
    // not the job's). Transient API errors say nothing about the job.
    let lookAt = acceptedAt;
    let lastRunningMs: number | undefined;
    // When the service reports the job, its own end is what is learned: a listener that stays
    // `Configuring` after the job (a stall) must not teach the next wait to oversleep.
    let lastJobRunningMs: number | undefined;
    let jobDoneMs: number | undefined;
    /** How long the job took by the service's own timestamps, once it reports the job succeeded. */
    let serviceMs: number | undefined;
    let history: BatchHistory = NO_HISTORY;
    const result = await waitFor(
      `${direction.noun} of [${ids.join(", ")}] on ${listenerId} (job ${jobId})`,
      async (): Promise<CheckOutcome<void>> => {
        lookAt = clock.now();
        const look = await this.look(ids, jobId, direction, history);
        if ("transient" in look) return { state: "retry", observed: look.transient };
        history = look.history;
        const { verdict, jobListed } = look;
        if (jobListed && verdict.kind !== "failed" && !(verdict.kind === "wait" && verdict.jobRunning) && jobDoneMs === undefined) {
          jobDoneMs = lookAt - acceptedAt;
          serviceMs = look.jobMs;
        }
        switch (verdict.kind) {
          case "done":
            return { state: "success", value: undefined };
          case "failed":
            return { state: "failure", error: new JobFailedError(jobId, direction.action, listenerId, ids, verdict.code, verdict.message) };
          case "wait":
            lastRunningMs = lookAt - acceptedAt;
            if (verdict.jobRunning) lastJobRunningMs = lastRunningMs;
            return { state: "retry", observed: verdict.observed };
        }
      },
      this.pollOptions(schedule),
    );
    const observation =
      jobDoneMs !== undefined
        ? { lastRunningMs: lastJobRunningMs, doneMs: jobDoneMs, schedule, size: ids.length, ...(serviceMs === undefined ? {} : { serviceMs }) }
        : { lastRunningMs, doneMs: lookAt - acceptedAt, schedule, size: ids.length };
    this.deps.jobTimings?.record(listenerId, observation);
    return result;
  }

  /**
   * One look at a batch: reads the job, then the batch's rows, then the listener, each only when
   * {@link judgeBatch} needs it. A transient API error ends the look without a verdict.
   */
  private async look(
    ids: readonly string[],
    jobId: string,
    direction: Direction,
    history: BatchHistory,
  ): Promise<{ verdict: Exclude<ReturnType<typeof judgeBatch>["verdict"], { kind: "read" }>; history: BatchHistory; jobListed: boolean; jobMs?: number } | { transient: string }> {
    const { api, listenerId } = this.session;
    let observation: BatchObservation = {};
    const transient = (what: string, error: unknown): { transient: string } => {
      if (error instanceof AlbApiError && classify(error).retry !== "never") return { transient: `${what}: ${error.code}` };
      throw error;
    };
    if (jobId) {
      try {
        const job: AsyncJob | undefined = (await api.listAsyncJobs([jobId])).find((j) => j.id === jobId);
        observation = { job: job ?? null };
      } catch (error) {
        return transient("job lookup", error);
      }
    }
    for (;;) {
      const judged = judgeBatch(direction, ids, observation, history);
      const { verdict } = judged;
      if (verdict.kind !== "read") return { verdict, history: judged.history, jobListed: observation.job !== undefined && observation.job !== null, jobMs: serviceJobMs(observation.job) };
      if (verdict.next === "rows") {
        try {
          const rows = await api.listListenerCertificates(listenerId, ids);
          observation = { ...observation, rows: new Map(rows.filter((r) => !r.isDefault).map((r) => [r.certificateId, r.status])) };
        } catch (error) {
          return transient("listing", error);
        }
      } else {
        try {
          observation = { ...observation, listenerStatus: (await api.getListenerAttribute(listenerId)).status };
        } catch (error) {
          return transient("listener", error);
        }
      }
    }
  }
}

/**
 * How long a job the service reports succeeded took, by its own timestamps (ModifyTime − CreateTime); undefined
 * when it gives no usable pair.
 */
export function serviceJobMs(job: AsyncJob | null | undefined): number | undefined {
  if (job?.status !== JobStatus.succeeded || job.createTime === undefined || job.modifyTime === undefined) return undefined;
  const ms = job.modifyTime - job.createTime;
  return ms >= 0 ? ms : undefined;
}
