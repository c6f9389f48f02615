/**
 * One operation's conversation with one listener: the API client, the clock, the operation's deadline and
 * one retry policy, chosen once by the lifecycle (a preview's `check` and `diff` validate, a create, update,
 * delete or read applies). The reconciler, the validator, `diff` and `read` all call the listener through
 * a session, so every read is retried the same way within the same deadline, and "the listener does not
 * exist" becomes the user's error in one place.
 */
import type { Clock } from "../base/clock";
import { RETRY_MAX_DELAY_MS, RETRY_MIN_DELAY_MS, VALIDATION_RETRY_MAX_DELAY_MS, VALIDATION_RETRY_MIN_DELAY_MS } from "../base/defaults";
import { classify, ListenerNotFoundError } from "../base/errors";
import type { AlbApi, ListenerAttribute, ListenerCertificate } from "../transport/alb-client";
import { withRetry, type BackoffOptions } from "./retry";

/** How a session backs off between attempts of one call. */
export interface RetryPolicy extends BackoffOptions {
  readonly name: "validate" | "apply";
}

/**
 * Preview-time reads and dry runs (`check`, `diff`): short backoff, since a preview only reports and a
 * transient error there is a warning, not a failure.
 */
export const VALIDATE_POLICY: RetryPolicy = Object.freeze({ name: "validate", minDelayMs: VALIDATION_RETRY_MIN_DELAY_MS, maxDelayMs: VALIDATION_RETRY_MAX_DELAY_MS });

/** Create, update, delete and read: the full backoff, within the resource's own deadline. */
export const APPLY_POLICY: RetryPolicy = Object.freeze({ name: "apply", minDelayMs: RETRY_MIN_DELAY_MS, maxDelayMs: RETRY_MAX_DELAY_MS });

/** What a session talks through. */
export interface SessionDeps {
  readonly api: AlbApi;
  readonly clock: Clock;
  readonly random: () => number;
}

/** The listener an operation works on, its region, the operation's deadline and its retry policy. */
export interface SessionTarget {
  readonly listenerId: string;
  readonly region: string;
  /** Absolute deadline (clock ms) of every call and wait of the operation. */
  readonly deadlineAt: number;
  readonly policy: RetryPolicy;
}

export class ListenerSession implements SessionTarget {
  readonly listenerId: string;
  readonly region: string;
  readonly deadlineAt: number;
  readonly policy: RetryPolicy;

  constructor(
    private readonly deps: SessionDeps,
    target: SessionTarget,
  ) {
    ({ listenerId: this.listenerId, region: this.region, deadlineAt: this.deadlineAt, policy: this.policy } = target);
  }

  /** The API client (for calls whose retries the caller shapes itself, such as a mutation and its polls). */
  get api(): AlbApi {
    return this.deps.api;
  }

  get clock(): Clock {
    return this.deps.clock;
  }

  get random(): () => number {
    return this.deps.random;
  }

  /** Runs `call` under the session's retry policy until it succeeds, fails for good, or the deadline comes. */
  call<T>(what: string, call: () => Promise<T>): Promise<T> {
    const { clock, random } = this.deps;
    return withRetry(call, { clock, random, deadlineAt: this.deadlineAt, what, minDelayMs: this.policy.minDelayMs, maxDelayMs: this.policy.maxDelayMs });
  }

  /** Every certificate row of the listener (default, additional and CA rows). */
  rows(): Promise<ListenerCertificate[]> {
    return this.call(`the certificates of listener ${this.listenerId}`, () => this.deps.api.listListenerCertificates(this.listenerId));
  }

  /** The listener's protocol, status, load balancer and default and CA certificates. */
  attribute(): Promise<ListenerAttribute> {
    return this.call(`listener ${this.listenerId}`, () => this.deps.api.getListenerAttribute(this.listenerId));
  }

  /** The user's error for an API error that means this listener does not exist; undefined for any other error. */
  gone(error: unknown): ListenerNotFoundError | undefined {
    return listenerGone(error, this);
  }
}

/** The user's error for an API error that means the listener does not exist; undefined for any other error. */
export function listenerGone(error: unknown, listener: { readonly listenerId: string; readonly region: string }): ListenerNotFoundError | undefined {
  return classify(error).meaning === "listenerNotFound" ? new ListenerNotFoundError(listener.listenerId, listener.region) : undefined;
}
