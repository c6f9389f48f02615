/**
 * The first-hour scenario's part of the benchmark's result document (bench-results/latest.json): written by
 * bench/bench-first-hour.ts, held to its targets by bench/targets.ts, rendered by bench/bench-markdown.ts.
 */

/** The mistakes of the first-hour scenario, in the order they are run and shown. */
export const FIRST_HOUR_MISTAKES = ["stopped-endpoint", "not-the-api", "tls-to-plain-http", "rejected-credentials", "bad-certificates"] as const;
export type FirstHourMistakeKey = (typeof FIRST_HOUR_MISTAKES)[number];

/** A command every mistake is run with, as the result records it. */
export type FirstHourCommand = "pulumi preview" | "pulumi up --yes --skip-preview";

/** One failing CLI command of the first-hour scenario (recorded only when it failed the expected way). */
export interface FirstHourRun {
  readonly mistake: FirstHourMistakeKey;
  readonly command: FirstHourCommand;
  /** 1, 2, 3… */
  readonly repetition: number;
  readonly exitCode: number;
  /** CLI start (spawn) to exit, real ms. */
  readonly wallMs: number;
  /**
   * The provider's first call, as a server saw it, to the command's exit, real ms on the benchmark process's
   * `Date.now()` (the simulator's clock is that one too); null when nothing can see the call (a closed port).
   */
  readonly firstCallToExitMs: number | null;
  /** What the server saw of this command: requests (or, for TLS to plain HTTP, TCP connections). */
  readonly contacts: number;
  /** Every expected message was in the output (a run where one was missing is not recorded: the scenario fails). */
  readonly messageSeen: true;
}

/** One mistake as the result records it. */
export interface FirstHourMistake {
  readonly key: FirstHourMistakeKey;
  readonly label: string;
  /** What saw the provider's first call, or null when nothing can (then only the wall time is measured). */
  readonly firstCallSeenBy: string | null;
  /** The messages each command had to print (the ephemeral ports written `PORT`). */
  readonly expected: readonly string[];
}

/** A no-op run of a one-resource stack of the same program, measured in the same rounds: the wall ceiling's base. */
export interface FirstHourBaselineRun {
  readonly command: FirstHourCommand;
  readonly repetition: number;
  readonly exitCode: number;
  readonly wallMs: number;
}

/** The first-hour scenario's section of the result. */
export interface FirstHourResult {
  /** The Pulumi program every stack runs (relative to the repository). */
  readonly program: string;
  /** The simulator's job duration T, real ms. */
  readonly jobMs: number;
  readonly repetitions: number;
  readonly mistakes: readonly FirstHourMistake[];
  readonly runs: readonly FirstHourRun[];
  readonly baseline: readonly FirstHourBaselineRun[];
}
