/**
 * A provider and a simulator on one fake clock, with a fresh home directory and real files, for credential
 * scenarios: the provider decides the source from the given stack config, environment and files, and
 * `@alicloud/credentials` calls the simulator's STS over HTTPS (its port; `alicloud:stsEndpoint` is preset).
 * Every credential the API client was handed is recorded, so tests can look for it where it must not be.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach } from "vitest";
import { createAlbClient } from "../../provider/transport/alb-client";
import { ListenerCoordinator } from "../../provider/core/coordinator";
import { createDefaultProvider, type ListenerCertificatesProvider } from "../../provider/lifecycle/provider";
import { startSimulator, type FaultRule, type RequestLogEntry, type RunningSimulator, type StsFixture } from "../../simulator";
import { VirtualClock } from "./clock";
import { EngineStack } from "./engine";

const STS_ACTIONS = new Set(["AssumeRole", "AssumeRoleWithOIDC"]);

export interface CredentialsWorld {
  readonly clock: VirtualClock;
  readonly sim: RunningSimulator;
  readonly provider: ListenerCertificatesProvider;
  readonly stack: EngineStack;
  /** The fresh home directory; `$HOME` in options is replaced by it. */
  readonly home: string;
  readonly logs: string[];
  readonly warnings: string[];
  /** Every access key secret and security token the API client was handed. */
  readonly handedOut: Set<string>;
  /** Requests of STS actions, in order. */
  sts(): RequestLogEntry[];
  /** Requests of ALB actions, in order. */
  alb(): RequestLogEntry[];
}

export interface CredentialsWorldOptions {
  readonly config?: Record<string, string>;
  readonly env?: Record<string, string>;
  /** Files to create under the home directory (paths relative to it), written before the provider starts. */
  readonly files?: Record<string, string>;
  readonly sts?: StsFixture;
  readonly jobMs?: number;
  readonly clock?: VirtualClock;
  readonly faults?: readonly FaultRule[];
  /** Read timeout of each ALB request, real ms. @default the client's */
  readonly requestTimeoutMs?: number;
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Registers the afterEach that closes what {@link credentialsWorld} started; call once per test file. */
export function useCredentialsWorlds(): void {
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
}

export async function credentialsWorld(options: CredentialsWorldOptions = {}): Promise<CredentialsWorld> {
  const clock = options.clock ?? new VirtualClock(Date.now());
  const sim = await startSimulator({ clock, jobMs: options.jobMs ?? 1000, sts: options.sts, faults: options.faults, timestampSkewMs: Number.MAX_SAFE_INTEGER, seed: 7 });
  cleanups.push(() => sim.close());
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "alb-credentials-home-"));
  cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
  const withHome = (text: string): string => text.replaceAll("$HOME", home);
  for (const [file, text] of Object.entries(options.files ?? {})) {
    const full = path.join(home, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, withHome(text));
  }
  const config: Record<string, string> = {
    "alicloud:region": "cn-hangzhou",
    "alb-listener-certificates:endpoint": sim.endpoint,
    "alicloud:stsEndpoint": new URL(sim.endpoint).host,
    ...Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [k, withHome(v)])),
  };
  const env = Object.fromEntries(Object.entries(options.env ?? {}).map(([k, v]) => [k, withHome(v)]));
  const logs: string[] = [];
  const warnings: string[] = [];
  const handedOut = new Set<string>();
  let tokens = 0;
  const provider = createDefaultProvider({
    clock,
    random: () => 0.5,
    newToken: () => `token-${++tokens}`,
    log: (line) => logs.push(line),
    warn: (line) => warnings.push(line),
    environment: (cfg) => ({
      env,
      config: cfg,
      readFile: (file) => {
        try {
          return fs.readFileSync(file, "utf8");
        } catch {
          return undefined;
        }
      },
      homeDir: home,
    }),
    coordinator: new ListenerCoordinator(),
    createApi: (endpoint, credentials) =>
      createAlbClient({
        endpoint,
        timeoutMs: options.requestTimeoutMs,
        credentials: async () => {
          const c = await credentials();
          handedOut.add(c.accessKeySecret);
          if (c.securityToken) handedOut.add(c.securityToken);
          return c;
        },
      }),
  });
  await provider.configure({ config: { get: (k: string) => config[k], require: (k: string) => config[k]! } });
  return {
    clock, sim, provider, stack: new EngineStack(provider), home, logs, warnings, handedOut,
    sts: () => sim.backend.requestLog().filter((e) => STS_ACTIONS.has(e.action ?? "")),
    alb: () => sim.backend.requestLog().filter((e) => !STS_ACTIONS.has(e.action ?? "")),
  };
}
