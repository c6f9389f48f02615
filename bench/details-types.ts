/**
 * The certificate-details scenario's part of the benchmark's result document (bench-results/latest.json):
 * written by bench/bench-details.ts, held to its targets by bench/targets.ts, rendered by
 * bench/bench-markdown.ts.
 */
import type { CallCounts } from "../test/kit/request-log";

/** The commands each rotation runs, in order: its preview, then its update (one provider process each). */
export const DETAILS_COMMANDS = ["pulumi preview", "pulumi up --yes --skip-preview"] as const;
export type DetailsCommand = (typeof DETAILS_COMMANDS)[number];

/**
 * The two ways the resource is declared: `details`, the input left out (the provider's default: it reads
 * certificate details), and `no-details`, `readCertificateDetails: false`.
 */
export const DETAILS_VARIANTS = ["details", "no-details"] as const;
export type DetailsVariant = (typeof DETAILS_VARIANTS)[number];

/**
 * The certificates whose details one provider process may read for a change on one listener, from the world
 * alone (the declared sets before and after, the listener as the simulator holds it before the command).
 * Each list is sorted and holds certificate IDs as the listener names them; no ID is in two lists.
 */
export interface DetailReadSet {
  /** The certificates the change adds, removes or keeps: the resource's declared sets before and after. */
  readonly touched: readonly string[];
  /** The listener's default certificate(s) not among them. */
  readonly defaults: readonly string[];
  /** The other additional certificates the listener serves (and keeps serving). */
  readonly others: readonly string[];
}

/** What one command's GetCertificateDetail requests asked for, against its {@link DetailReadSet}. */
export interface DetailReadAudit {
  /** The bound: how many certificates the read set holds. */
  readonly bound: number;
  /** GetCertificateDetail requests. */
  readonly asked: number;
  /** Distinct certificates asked for. */
  readonly distinct: number;
  /** CAS IDs asked for more than once, sorted. */
  readonly twice: readonly string[];
  /** CAS IDs asked for that name no certificate of the read set, sorted. */
  readonly outside: readonly string[];
}

/** One measured command of the details scenario (recorded only when it went the expected way). */
export interface DetailsRun {
  /** Certificates replaced on the listener. */
  readonly k: number;
  readonly variant: DetailsVariant;
  readonly command: DetailsCommand;
  /** 1, 2, 3… */
  readonly repetition: number;
  /** The generation the stack declared before the change, and the one it declares (0 → 1 or 1 → 0). */
  readonly from: number;
  readonly to: number;
  readonly exitCode: number;
  /** CLI spawn to exit, real ms. */
  readonly wallMs: number;
  /** First to last API request of the command (ALB and CAS), real ms. */
  readonly spanMs: number;
  /** First to last CAS request of the command, real ms (0 for fewer than two). */
  readonly casSpanMs: number;
  /** CAS requests by action (actions never called left out). */
  readonly cas: Readonly<Record<string, number>>;
  /** The ALB API's requests (every request that is not a CAS action), by kind. */
  readonly alb: Omit<CallCounts, "firstAt" | "lastAt">;
  /** The GetCertificateDetail requests against what the world allows. */
  readonly detailReads: DetailReadAudit;
  /** The read set's parts, by size: certificates the change touches, default certificates, other served ones. */
  readonly readSet: { readonly touched: number; readonly defaults: number; readonly others: number };
}

/** The details scenario's section of the result. */
export interface DetailsResult {
  /** The Pulumi program every stack runs (relative to the repository). */
  readonly program: string;
  /** The simulator's job duration T, real ms. */
  readonly jobMs: number;
  /** Rounds: in each, every K rotates once per variant (preview, then up). */
  readonly repetitions: number;
  readonly ks: readonly number[];
  readonly runs: readonly DetailsRun[];
}
