/**
 * `startSimulator`: builds a backend (from a state file, a fixture, or the demo world), wires `--state`
 * persistence, and listens. One call, one independent simulator.
 */
import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { AlbBackend, systemClock, type Clock } from "./backend";
import { resolveBehaviour, type BehaviourInput } from "./behaviour";
import { loadFaultFile, type FaultRule } from "./faults";
import { loadFixtureFile, type AccessKey, type Fixture } from "./fixture";
import { createAlbServer } from "./server";
import { loadState, saveState } from "./state";
import { resolveStsFixture, StsService, type StsFixture } from "./sts";
import { acceptTlsOnSamePort } from "./tls";

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** Interface to listen on. @default "127.0.0.1" */
  readonly host?: string;
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** The initial world, as an object or a JSON file path. Ignored when `statePath` exists. @default DEMO_FIXTURE */
  readonly fixture?: Fixture | string;
  /** Persist the world to this JSON file after every change, and reload it on start. */
  readonly statePath?: string;
  /** The keys accepted, replacing the fixture's. @default the fixture's keys (the demo key) */
  readonly accessKeys?: readonly AccessKey[];
  /** How long every asynchronous job takes, ms of clock time. @default 2000 */
  readonly jobMs?: number;
  /** Source of "now" for jobs, throttling, timestamps and logs. @default Date.now */
  readonly clock?: Clock;
  /** Serve `/_simulator/` to non-loopback clients. @default false */
  readonly allowRemoteInspection?: boolean;
  /** Largest accepted |clock − request timestamp|, ms. @default 900000 */
  readonly timestampSkewMs?: number;
  /** Seeds request IDs, job IDs and fault draws. @default random */
  readonly seed?: number | string;
  /**
   * Initial fault rules, as an array or a JSON file path (`--faults FILE`: an array or `{ "faults": [...] }`).
   * They win over the fixture's `faults`. @default the fixture's `faults`, else none
   */
  readonly faults?: readonly FaultRule[] | string;
  /**
   * How a `delay` fault waits. A fake clock passes its own `sleep` so that a slow answer takes clock time.
   * @default real time
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Roles and OIDC providers of the STS actions, replacing the fixture's `sts` section. @default the fixture's, else the demo one */
  readonly sts?: StsFixture;
  /**
   * Which reading of the API to play (see `behaviour.ts`; absent fields take their defaults). Wins over the
   * state file's and the fixture's `behaviour`. @default the state file's, else the fixture's, else the default
   */
  readonly behaviour?: BehaviourInput;
}

/** A listening simulator. */
export interface RunningSimulator {
  /** `http://127.0.0.1:PORT` (the host as given, loopback for a wildcard host). */
  readonly endpoint: string;
  /** The port actually bound. */
  readonly port: number;
  /** The world, for direct inspection and out-of-band changes. */
  readonly backend: AlbBackend;
  /** The STS actions: the sessions issued so far ({@link StsService.issued}). */
  readonly sts: StsService;
  /** Stops listening, ends open connections, writes the state file once more. Idempotent. */
  close(): Promise<void>;
}

function endpointHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts a simulator.
 *
 * @throws TypeError for an invalid option (named); AlbErrorResponse `InvalidBehaviour` naming the field of a bad
 *   `behaviour`; FixtureFileError / AlbErrorResponse `InvalidFixture` for a bad fixture;
 *   FaultFileError / AlbErrorResponse `InvalidFaultRule` for bad fault rules;
 *   StateFileError for an unusable state file (which is left untouched); the listen error (EADDRINUSE…).
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TypeError(`\`port\` must be an integer from 0 to 65535, got ${port}`);
  const timestampSkewMs = options.timestampSkewMs;
  if (timestampSkewMs !== undefined && !(timestampSkewMs >= 0)) {
    throw new TypeError(`\`timestampSkewMs\` must be a non-negative number of ms, got ${timestampSkewMs}`);
  }
  const statePath = options.statePath;
  const state = statePath === undefined ? undefined : loadState(statePath);
  const behaviour = options.behaviour === undefined ? undefined : resolveBehaviour(options.behaviour);
  const fixture = typeof options.fixture === "string"
    ? loadFixtureFile(options.fixture, { override: behaviour, nowMs: (options.clock ?? systemClock).now() })
    : options.fixture;
  const faults = typeof options.faults === "string" ? loadFaultFile(options.faults) : options.faults;

  const persist = (): void => {
    if (statePath !== undefined) saveState(statePath, backend.exportState());
  };
  const backend: AlbBackend = new AlbBackend({
    fixture,
    state,
    clock: options.clock,
    jobMs: options.jobMs,
    seed: options.seed,
    accessKeys: options.accessKeys,
    faults,
    behaviour,
    onChange: persist,
  });
  if (state === undefined) persist();

  const sts = new StsService(resolveStsFixture(options.sts ?? fixture?.sts), () => backend.now());
  const server = createAlbServer({ backend, timestampSkewMs, allowRemoteInspection: options.allowRemoteInspection, sleep: options.sleep, sts });
  // The credentials library calls STS over HTTPS only; the same port answers both (see tls.ts).
  acceptTlsOnSamePort(server);
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const boundPort = await listen(server, port, host);

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${endpointHost(host)}:${boundPort}`,
    port: boundPort,
    backend,
    sts,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        for (const socket of sockets) socket.destroy();
      }).then(persist);
      return closing;
    },
  };
}
