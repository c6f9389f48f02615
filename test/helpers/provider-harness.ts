/**
 * Integration harness: a simulator on 127.0.0.1 and a provider that talks to it over HTTP through
 * the real `@alicloud/pop-core`, both on one fake clock, so asynchronous jobs progress exactly as
 * the provider waits and no test sleeps.
 */
import { ListenerCoordinator } from "../../provider/coordinator";
import { createDefaultProvider, type ListenerCertificatesProvider } from "../../provider/provider";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, startSimulator, type BehaviourInput, type Fixture } from "../../simulator";
import { FakeClock } from "./fake-clock";

export const MUTATIONS = new Set(["AssociateAdditionalCertificatesWithListener", "DissociateAdditionalCertificatesFromListener"]);

export interface Harness {
  readonly clock: FakeClock;
  readonly sim: Awaited<ReturnType<typeof startSimulator>>;
  readonly provider: ListenerCertificatesProvider;
  readonly config: Record<string, string>;
  readonly env: Record<string, string>;
  readonly logs: string[];
  readonly warnings: string[];
  readonly coordinator: ListenerCoordinator;
  /** A second provider process (its own coordinator), e.g. another stack. */
  newProvider(): ListenerCertificatesProvider;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly fixture?: Fixture;
  readonly jobMs?: number;
  /** Stack config visible to the provider's `configure`. */
  readonly config?: Record<string, string>;
  readonly credentials?: "env" | "config" | "none";
  /** Which reading of the ALB API the simulator plays. @default the simulator's default */
  readonly behaviour?: BehaviourInput;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  // Starts at the real time: pop-core stamps requests with the wall clock, and the simulator
  // checks the timestamp against its (fake) clock.
  const clock = new FakeClock(Date.now());
  const sim = await startSimulator({ clock, jobMs: options.jobMs ?? 1000, fixture: options.fixture, behaviour: options.behaviour, timestampSkewMs: Number.MAX_SAFE_INTEGER });
  const config: Record<string, string> = { "alicloud:region": "cn-hangzhou", "alb-listener-certificates:endpoint": sim.endpoint, ...options.config };
  const env: Record<string, string> = {};
  const mode = options.credentials ?? "env";
  if (mode === "env") {
    env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEMO_ACCESS_KEY_ID;
    env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEMO_ACCESS_KEY_SECRET;
  } else if (mode === "config") {
    config["alicloud:accessKey"] = DEMO_ACCESS_KEY_ID;
    config["alicloud:secretKey"] = DEMO_ACCESS_KEY_SECRET;
  }
  const logs: string[] = [];
  const warnings: string[] = [];
  let tokens = 0;
  const coordinator = new ListenerCoordinator();
  const make = (c: ListenerCoordinator) => {
    const provider = createDefaultProvider({
      clock,
      random: () => 0.5,
      newToken: () => `token-${++tokens}`,
      log: (line) => logs.push(line),
      warn: (line) => warnings.push(line),
      environment: (cfg) => ({ env, config: cfg, readFile: () => undefined, homeDir: "/nonexistent-home" }),
      coordinator: c,
    });
    void provider.configure({ config: { get: (k: string) => config[k], require: (k: string) => config[k]! } });
    return provider;
  };
  return {
    clock,
    sim,
    provider: make(coordinator),
    config,
    env,
    logs,
    warnings,
    coordinator,
    newProvider: () => make(new ListenerCoordinator()),
    close: () => sim.close(),
  };
}

/** Certificate IDs of a request's `Certificates.N.CertificateId` parameters, in N order. */
export function certificateParams(params: Readonly<Record<string, string>>): string[] {
  return Object.entries(params)
    .map(([k, v]) => [/^Certificates\.(\d+)\.CertificateId$/.exec(k)?.[1], v] as const)
    .filter((e): e is readonly [string, string] => e[0] !== undefined)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, v]) => v);
}

/** The mutation calls in the request log, compactly: `associate a,b`, `dry-associate c`, `dissociate x`. */
export function mutationLog(sim: Harness["sim"]): string[] {
  return sim.backend
    .requestLog()
    .filter((e) => e.action !== null && MUTATIONS.has(e.action))
    .map((e) => {
      const verb = e.action === "AssociateAdditionalCertificatesWithListener" ? "associate" : "dissociate";
      const dry = e.params.DryRun === "true" ? "dry-" : "";
      const failed = e.code && e.code !== "DryRunOperation" ? ` !${e.code}` : "";
      return `${dry}${verb} ${certificateParams(e.params).join(",")}${failed}`;
    });
}

/** Actions in the request log, consecutive repeats folded (`ListAsynJobs×3`). */
export function actionLog(sim: Harness["sim"]): string[] {
  const out: string[] = [];
  let last = "";
  let count = 0;
  const flush = () => {
    if (count > 0) out.push(count > 1 ? `${last}×${count}` : last);
  };
  for (const e of sim.backend.requestLog()) {
    const action = e.action ?? "?";
    if (action === last) count++;
    else {
      flush();
      last = action;
      count = 1;
    }
  }
  flush();
  return out;
}

/** The listener's additional certificates as `id:status`. */
export function liveSet(sim: Harness["sim"], listenerId: string): string[] {
  return sim.backend.listenerView(listenerId).additional.map((c) => `${c.certificateId}:${c.status}`);
}
