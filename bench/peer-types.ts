/**
 * The side-by-side benchmark's vocabulary and result document (bench-results/peer.json), shared by the run
 * (bench/peer-bench.ts), the model (bench/peer-model.ts), the Markdown (bench/peer-markdown.ts) and
 * figures/publish.ts; and the recorded run the model is held to (test/fixtures/peer-run.json).
 */
import type { ActionCalls } from "../test/kit/request-log";
import type { BreakdownResult } from "./breakdown";
import type { DomainGap } from "./serving-gap";

export const PEER_TOOLS = ["tofu", "pulumi", "pulumi-skip-preview"] as const;
export type PeerTool = (typeof PEER_TOOLS)[number];
export const PEER_PHASES = ["create", "rotate", "destroy"] as const;
export type PeerPhase = (typeof PEER_PHASES)[number];
export const PEER_PROFILES = ["default", "all"] as const;
export type PeerProfile = (typeof PEER_PROFILES)[number];

export interface PhaseResult {
  readonly tool: PeerTool;
  readonly profile: PeerProfile;
  readonly k: number;
  readonly repetition: number;
  readonly phase: PeerPhase;
  readonly exitCode: number;
  /** Real ms of the command, spawn to exit. */
  readonly wallMs: number;
  /** Real ms from the phase's first API request to its last (the request-log reader's `apiSpan`). */
  readonly apiSpanMs: number;
  readonly calls: number;
  readonly refusedCalls: number;
  readonly byAction: Readonly<Record<string, ActionCalls>>;
  /** The listener holds exactly the declared set, every certificate Associated. */
  readonly converged: boolean;
  /** Rotate only: per domain. */
  readonly gaps?: readonly DomainGap[];
  /** The command's last lines when it failed. */
  readonly failure?: string;
}

/** A cache entry's build.json. */
export interface BuildRecord {
  readonly seconds: number;
  readonly go: string;
  readonly builtAt: string;
  readonly cpus: number;
}

export interface PeerSettings {
  readonly sizes: readonly number[];
  readonly repeat: number;
  /** Repetitions under the `all` profile (its jobs are long and random). */
  readonly repeatAll: number;
  readonly profiles: readonly PeerProfile[];
  readonly tools: readonly PeerTool[];
  readonly jobMs: number;
  /** Also split one-certificate runs of `pulumi up` into their parts (bench/breakdown.ts), `repeat` times. */
  readonly breakdown: boolean;
  readonly outDir: string;
  /** Whether this run is the published one (every default setting). */
  readonly published: boolean;
}

export interface PeerResults {
  readonly schema: 1;
  readonly commit: string;
  readonly sourcesDigest: string;
  readonly command: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly versions: { readonly tofu: string; readonly alicloud: string; readonly pulumi: string; readonly node: string };
  /** How long each peer binary's build took, as its cache entry recorded it (scripts/peer-build.sh). */
  readonly builds?: { readonly tofu?: BuildRecord; readonly alicloud?: BuildRecord };
  readonly settings: Omit<PeerSettings, "outDir" | "published">;
  readonly phases: readonly PhaseResult[];
  readonly breakdowns: readonly BreakdownResult[];
}

/** The recorded run of the real peer the model is held to (test/integration/peer-model.test.ts). */
export const PEER_RUN_FIXTURE = "test/fixtures/peer-run.json";

/** test/fixtures/peer-run.json: the real peer's medians per K and phase, from one recorded run. */
export interface PeerRunFixture {
  readonly commit: string;
  readonly command: string;
  readonly startedAt: string;
  readonly versions: { readonly tofu: string; readonly alicloud: string };
  readonly jobMs: number;
  readonly runs: readonly { readonly k: number; readonly phase: PeerPhase; readonly repetitions: number; readonly apiSpanMs: number; readonly calls: number; readonly refusedCalls: number }[];
}
