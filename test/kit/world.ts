/**
 * The test kit's one world builder: a simulator on 127.0.0.1 plus any number of provider "processes"
 * (each with its own coordinator, ClientToken sequence, progress lines, warnings and call counter) that talk
 * to it over real HTTP through `@alicloud/pop-core`, all on one {@link VirtualClock}. The integration and
 * reliability tests, the chaos suite and the provider-direct benchmark build their worlds here.
 *
 * A process finds an access key in its environment or stack config (the chaos suite's, the integration
 * tests'), or exactly the credential sources a test gives it: environment variables, stack config and files
 * under a fresh home directory of its own, with the simulator's STS as `alicloud:stsEndpoint` (the credential
 * scenarios: `@alicloud/credentials` then calls that STS over HTTPS).
 *
 * Every API request a process makes is tracked on the clock, so virtual time stands still while one is on
 * the wire. With `serializeRequests` one request is on the wire at a time across the whole world, which
 * makes a run with a given seed replay the same request sequence; a `delay` fault then times the client
 * out at once (the error the real client throws on a read timeout) while the server answers `delayMs` of
 * virtual time later, so no real time decides anything.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Action } from "../../contract/alb-contract";
import { createAlbClient, toApiError, type AlbApi } from "../../provider/transport/alb-client";
import { createCasClient } from "../../provider/transport/cas-client";
import type { CasApi } from "../../provider/transport/cas-types";
import type { Credentials } from "../../provider/credentials/credentials";
import { CasAction } from "../../contract/cas-contract";
import { ListenerCoordinator } from "../../provider/core/coordinator";
import { JobTimings } from "../../provider/core/job-timing";
import { createDefaultProvider, type ListenerCertificatesProvider } from "../../provider/lifecycle/provider";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, startSimulator, type RequestLogEntry, type RunningSimulator, type SimulatorOptions } from "../../simulator";
import { seededRandom, VirtualClock } from "./clock";
import { EngineStack } from "./engine";

/** The region of every world (the demo fixture's). */
export const WORLD_REGION = "cn-hangzhou";

/** The STS actions of the request log (the rest are ALB's). */
const STS_ACTIONS: ReadonlySet<string> = new Set(["AssumeRole", "AssumeRoleWithOIDC"]);

/** An access key a provider process finds. */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/**
 * The credential sources a provider process finds, and nothing else. "$HOME" in any value (and file content)
 * is replaced by the process's fresh home directory.
 */
export interface CredentialSources {
  /** Its environment variables. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Stack config (over the world's and `ProcessOptions.config`). @default none */
  readonly config?: Readonly<Record<string, string>>;
  /** Files to create under the home directory (paths relative to it), written before the process starts. */
  readonly files?: Readonly<Record<string, string>>;
}

/** How one provider process is set up. */
export interface ProcessOptions {
  /** Seeds the process's `random` (backoff jitter). @default 1 */
  readonly seed?: number;
  /** The process's `random`, instead of one seeded with `seed`. */
  readonly random?: () => number;
  /** Learn job durations from the jobs it waited for; `false` polls on the cold schedule throughout. @default true */
  readonly learnJobTimings?: boolean;
  /** Read timeout of each request, real ms. @default 2000 */
  readonly requestTimeoutMs?: number;
  /**
   * Where the process finds its credentials: `accessKey` in its environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`, …)
   * or in stack config (`alicloud:accessKey`, `alicloud:secretKey`, `alicloud:securityToken`); nowhere; or
   * exactly the given {@link CredentialSources} (then it has a fresh home directory, reads real files, and its
   * stack config names the simulator's STS, `alicloud:stsEndpoint`). @default "env"
   */
  readonly credentials?: "env" | "config" | "none" | CredentialSources;
  /** The key it finds in its environment or stack config. @default the demo key */
  readonly accessKey?: AccessKey;
  /** More stack config it sees (the world's region and endpoint are set already). */
  readonly config?: Readonly<Record<string, string>>;
  /**
   * Where its ClientTokens come from: `"sequence"` gives `<name>-1`, `<name>-2`, … (readable call logs);
   * `"provider"` injects nothing, so the provider makes its own (random UUIDs, as in production).
   * @default "sequence"
   */
  readonly clientTokens?: "sequence" | "provider";
  /** Read certificate details from the simulator's CAS (GetCertificateDetail) as production does. @default false */
  readonly details?: boolean;
}

/**
 * Options of {@link startWorld}: any option of `startSimulator` (except `clock` and `sleep`, which the
 * world owns), plus its own.
 */
export interface WorldOptions extends Omit<SimulatorOptions, "clock" | "sleep"> {
  /** The world's clock. @default a new one at the real time */
  readonly clock?: VirtualClock;
  /** One request on the wire at a time, across every process (reproducible runs; the chaos suite's mode). @default false */
  readonly serializeRequests?: boolean;
  /** Defaults for every process ({@link World.newProcess} may override each). */
  readonly providers?: ProcessOptions;
}

/** One provider process of a {@link World}, with what it printed. */
export interface ProviderProcess {
  readonly name: string;
  readonly provider: ListenerCertificatesProvider;
  readonly coordinator: ListenerCoordinator;
  /** Progress lines. */
  readonly logs: string[];
  /** Warnings. */
  readonly warnings: string[];
  /** API calls made (method calls on the client, each possibly several HTTP requests). */
  readonly calls: { count: number };
  /** Every access key secret and security token its API clients were handed (to look for where they must not be). */
  readonly handedOut: Set<string>;
  /** Its home directory: a fresh one when it was given {@link CredentialSources}, else one that does not exist. */
  readonly home: string;
  /** The engine stand-in over this process's provider. */
  readonly stack: EngineStack;
}

/** A simulator plus the means to start provider processes against it. */
export interface World {
  readonly clock: VirtualClock;
  readonly sim: RunningSimulator;
  /** The stack config every process sees: region and the simulator's endpoint. */
  readonly config: Readonly<Record<string, string>>;
  /**
   * A new provider process: its own coordinator, job timings and ClientToken sequence (`<name>-1`,
   * `<name>-2`, …, unless its `clientTokens` is `"provider"`). @param name @default `p1`, `p2`, … in start order
   */
  newProcess(name?: string, options?: ProcessOptions): ProviderProcess;
  /** The ALB requests of the request log, in order. */
  albRequests(): RequestLogEntry[];
  /** The STS requests of the request log (AssumeRole, AssumeRoleWithOIDC), in order. */
  stsRequests(): RequestLogEntry[];
  /** Stops the simulator and removes the processes' home directories. */
  close(): Promise<void>;
}

/** Runs tasks one at a time, in call order. */
export class RequestGate {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}

/** Job timings that never learn: every wait polls on the cold schedule. */
class ColdJobTimings extends JobTimings {
  override record(): void {}
}

/**
 * Starts a simulator on a new virtual clock. Simulator defaults differ from `startSimulator`'s where a
 * test world needs it: 1 s jobs, seed 1, and no timestamp check (clients stamp requests with the wall
 * clock, which virtual time leaves behind).
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const { serializeRequests, providers: defaults = {}, clock: givenClock, ...rest } = options;
  // An option given as `undefined` keeps the world's default.
  const simulatorOptions = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)) as typeof rest;
  const clock = givenClock ?? new VirtualClock(Date.now());
  const gate = serializeRequests === true ? new RequestGate() : undefined;
  /** Serialized mode: times out the one call on the wire (its request is held by a `delay` fault). */
  let stall: (() => void) | undefined;
  const sim = await startSimulator({
    jobMs: 1000,
    seed: 1,
    timestampSkewMs: Number.MAX_SAFE_INTEGER,
    ...simulatorOptions,
    clock,
    sleep: (ms) => {
      const timeOut = stall;
      stall = undefined;
      timeOut?.();
      return clock.sleep(ms);
    },
  });
  const config: Record<string, string> = {
    "alicloud:region": WORLD_REGION,
    "alb-listener-certificates:endpoint": sim.endpoint,
  };

  const homes: string[] = [];

  let started = 0;
  const newProcess = (name = `p${started + 1}`, overrides: ProcessOptions = {}): ProviderProcess => {
    started++;
    const settings: ProcessOptions = { ...defaults, ...overrides, config: { ...defaults.config, ...overrides.config } };
    const key = settings.accessKey ?? { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET };
    let env: Record<string, string> = {};
    let stackConfig: Record<string, string> = { ...config, ...settings.config };
    let home = "/nonexistent-home";
    let readFile = (_file: string): string | undefined => undefined;
    const source = settings.credentials ?? "env";
    if (typeof source === "object") {
      home = fs.mkdtempSync(path.join(os.tmpdir(), "alb-world-home-"));
      homes.push(home);
      const withHome = (text: string): string => text.replaceAll("$HOME", home);
      const substituted = (values: Readonly<Record<string, string>> = {}) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, withHome(v)]));
      for (const [file, text] of Object.entries(source.files ?? {})) {
        const full = path.join(home, file);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, withHome(text));
      }
      env = substituted(source.env);
      stackConfig = { ...config, "alicloud:stsEndpoint": new URL(sim.endpoint).host, ...settings.config, ...substituted(source.config) };
      readFile = (file) => {
        try {
          return fs.readFileSync(file, "utf8");
        } catch {
          return undefined;
        }
      };
    } else if (source === "env") {
      env.ALIBABA_CLOUD_ACCESS_KEY_ID = key.accessKeyId;
      env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = key.accessKeySecret;
      if (key.securityToken !== undefined) env.ALIBABA_CLOUD_SECURITY_TOKEN = key.securityToken;
    } else if (source === "config") {
      stackConfig["alicloud:accessKey"] = key.accessKeyId;
      stackConfig["alicloud:secretKey"] = key.accessKeySecret;
      if (key.securityToken !== undefined) stackConfig["alicloud:securityToken"] = key.securityToken;
    }
    const timeoutMs = settings.requestTimeoutMs ?? 2_000;
    const logs: string[] = [];
    const warnings: string[] = [];
    const calls = { count: 0 };
    const handedOut = new Set<string>();
    const coordinator = new ListenerCoordinator();
    let tokens = 0;
    const recorded = (credentials: () => Promise<Credentials>) => async () => {
      const handed = await credentials();
      handedOut.add(handed.accessKeySecret);
      if (handed.securityToken) handedOut.add(handed.securityToken);
      return handed;
    };
    /** A client method whose calls are counted, tracked by the clock, and (with serialized requests) gated. */
    const wrap = <A extends unknown[], R>(action: string, api: object, method: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        calls.count++;
        if (!gate) return clock.track(() => method.apply(api, args));
        return clock.track(() => gate.run(() => new Promise<R>((resolve, reject) => {
          stall = () => reject(toApiError({ name: "RequestTimeoutError", message: `ReadTimeout(${timeoutMs})` }, action, {}));
          method.apply(api, args).then(resolve, reject);
        }).finally(() => {
          stall = undefined;
        })));
      };
    const provider = createDefaultProvider({
      clock,
      random: settings.random ?? seededRandom(settings.seed ?? 1),
      ...(settings.clientTokens === "provider" ? {} : { newToken: () => `${name}-${++tokens}` }),
      log: (line) => logs.push(line),
      warn: (line) => warnings.push(line),
      environment: (cfg) => ({ env, config: cfg, readFile, homeDir: home }),
      coordinator,
      jobTimings: settings.learnJobTimings === false ? new ColdJobTimings() : new JobTimings(),
      createApi: (endpoint, credentials, info) => {
        const api = createAlbClient({ endpoint, credentials: recorded(credentials), timeoutMs, endpointSource: info?.source, contact: info?.contact, credentialSource: info?.credentialSource });
        const tracked: AlbApi = {
          listListenerCertificates: wrap(Action.listListenerCertificates, api, api.listListenerCertificates),
          getListenerAttribute: wrap(Action.getListenerAttribute, api, api.getListenerAttribute),
          associateAdditionalCertificates: wrap(Action.associate, api, api.associateAdditionalCertificates),
          dissociateAdditionalCertificates: wrap(Action.dissociate, api, api.dissociateAdditionalCertificates),
          listAsyncJobs: wrap(Action.listAsynJobs, api, api.listAsyncJobs),
        };
        return tracked;
      },
      createCasApi: settings.details
        ? (endpoint, credentials, info) => {
            const api = createCasClient({ endpoint, credentials: recorded(credentials), timeoutMs, endpointSource: info?.source, contact: info?.contact, credentialSource: info?.credentialSource });
            const tracked: CasApi = {
              getCertificateDetail: wrap(CasAction.getCertificateDetail, api, api.getCertificateDetail),
              listCertificates: wrap(CasAction.listUserCertificateOrder, api, api.listCertificates),
            };
            return tracked;
          }
        : undefined,
    });
    void provider.configure({ config: { get: (k: string) => stackConfig[k], require: (k: string) => stackConfig[k]! } });
    return { name, provider, coordinator, logs, warnings, calls, handedOut, home, stack: new EngineStack(provider) };
  };

  const requests = (sts: boolean) => sim.backend.requestLog().filter((entry) => STS_ACTIONS.has(entry.action ?? "") === sts);
  return {
    clock,
    sim,
    config,
    newProcess,
    albRequests: () => requests(false),
    stsRequests: () => requests(true),
    close: async () => {
      await sim.close();
      for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * A world with one provider process whose ClientTokens are `token-1`, `token-2`, … and whose backoff has no
 * jitter (a constant `random` of 0.5): the setup of the integration tests that assert exact call sequences,
 * and, with {@link CredentialSources} in `process.credentials`, of the credential scenarios.
 */
export async function startWorldWithProcess(options: WorldOptions = {}, process: ProcessOptions = {}): Promise<{ world: World; proc: ProviderProcess }> {
  const world = await startWorld(options);
  return { world, proc: world.newProcess("token", { random: () => 0.5, ...process }) };
}
