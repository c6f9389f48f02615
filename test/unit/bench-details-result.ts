/**
 * A synthetic result of the certificate-details scenario (bench/details-types.ts), for the tests of its
 * targets and its rendering: K = 1 and 10, three rounds, every run within its bound unless told otherwise.
 */
import type { DetailsCommand, DetailsResult, DetailsRun, DetailsVariant } from "../../bench/details-types";
import { DETAILS_COMMANDS, DETAILS_VARIANTS } from "../../bench/details-types";
import type { CallCounts } from "../kit/request-log";

const ALB: Omit<CallCounts, "firstAt" | "lastAt"> = {
  associate: 0,
  dissociate: 0,
  accepted: 0,
  dryRun: 1,
  listAsynJobs: 0,
  listListenerCertificates: 1,
  getListenerAttribute: 1,
  other: 0,
  total: 3,
  throttled: 0,
  busy: 0,
  failed: 0,
  jobs: 0,
};

/** Base wall of a command, ms: a preview 5 s, an up 7 s, 0.1 s more per certificate; details add 0.4 s. */
function wallOf(k: number, variant: DetailsVariant, command: DetailsCommand, repetition: number): number {
  return (command === "pulumi preview" ? 5_000 : 7_000) + 100 * k + (variant === "details" ? 400 : 0) + 10 * repetition;
}

export function detailsRun(k: number, variant: DetailsVariant, command: DetailsCommand, repetition: number, change: Partial<DetailsRun> = {}): DetailsRun {
  const bound = 2 * k + 1;
  const details = variant === "details";
  return {
    k,
    variant,
    command,
    repetition,
    from: repetition % 2,
    to: 1 - (repetition % 2),
    exitCode: 0,
    wallMs: wallOf(k, variant, command, repetition),
    spanMs: 1_000 + (details ? 50 * k : 0),
    casSpanMs: details ? 20 * k : 0,
    cas: details ? { GetCertificateDetail: bound } : {},
    alb: command === "pulumi preview" ? ALB : { ...ALB, associate: 1, dissociate: 1, accepted: 2, dryRun: 0, listAsynJobs: 2, jobs: 2, total: 6 },
    detailReads: { bound, asked: details ? bound : 0, distinct: details ? bound : 0, twice: [], outside: [] },
    readSet: { touched: 2 * k, defaults: 1, others: 0 },
    ...change,
  };
}

/** Three rounds of K = 1 and 10; `change` replaces the run it names. */
export function detailsResult(change?: { k: number; variant: DetailsVariant; command: DetailsCommand; repetition: number; run: Partial<DetailsRun> }): DetailsResult {
  const runs: DetailsRun[] = [];
  for (let repetition = 1; repetition <= 3; repetition++) {
    for (const k of [1, 10]) {
      for (const variant of repetition % 2 === 1 ? DETAILS_VARIANTS : [...DETAILS_VARIANTS].reverse()) {
        for (const command of DETAILS_COMMANDS) {
          const hit = change && change.k === k && change.variant === variant && change.command === command && change.repetition === repetition;
          runs.push(detailsRun(k, variant, command, repetition, hit ? change.run : {}));
        }
      }
    }
  }
  return { program: "bench/programs/fleet", jobMs: 1_000, repetitions: 3, ks: [1, 10], runs };
}
