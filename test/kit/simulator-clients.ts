/**
 * Test helpers for the simulator: a per-test simulator factory (on a virtual clock tests move by hand) that
 * closes what it started, and both official clients (pop-core and the Tea SDK `@alicloud/alb20200616`) behind one `call` that
 * normalizes their very different success and error shapes.
 */
import RPCClient from "@alicloud/pop-core";
import AlbClient, * as $Alb from "@alicloud/alb20200616";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import { afterEach } from "vitest";
import {
  DEMO_ACCESS_KEY_ID,
  DEMO_ACCESS_KEY_SECRET,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from "../../simulator";
import { VirtualClock } from "./clock";

export const HTTPS_LISTENER = "lsn-demo-https-443";
export const QUIC_LISTENER = "lsn-demo-quic-443";
export const HTTP_LISTENER = "lsn-demo-http-80";
export const DEFAULT_CERT = "23759533-cn-hangzhou";
export const DEMO_ADDITIONAL_CERT = "24664588-cn-hangzhou";
export const CA_CERT = "139a00604bd-cn-east-hangzhou";
/** Server certificates of the demo catalogue that no demo listener carries. */
export const FREE_CERTS = [
  "25112233-cn-hangzhou", "25209871-cn-hangzhou", "25346102-cn-hangzhou", "25481937-cn-hangzhou",
] as const;

/** A started simulator with its clock and two clients. */
export interface TestSimulator {
  readonly simulator: RunningSimulator;
  readonly clock: VirtualClock;
  readonly clients: Clients;
}

/**
 * Registers an afterEach that closes every simulator the returned function started in that test.
 * Call once per describe block (or file).
 */
export function useSimulators(): (options?: SimulatorOptions & { clock?: VirtualClock }) => Promise<TestSimulator> {
  const started: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((simulator) => simulator.close()));
  });
  return async (options = {}) => {
    const clock = options.clock ?? new VirtualClock();
    const simulator = await startSimulator({ host: "127.0.0.1", port: 0, ...options, clock });
    started.push(simulator);
    return { simulator, clock, clients: createClients(simulator.endpoint) };
  };
}

/** Credentials for {@link createClients}. */
export interface ClientCredentials {
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  readonly securityToken?: string;
  /** pop-core's apiVersion. @default "2020-06-16" */
  readonly apiVersion?: string;
}

/** Both official clients pointed at one endpoint. */
export interface Clients {
  /** pop-core in verbose mode, so successes carry the HTTP status too. */
  readonly pop: RPCClient;
  readonly tea: AlbClient;
}

export type ClientName = "pop-core" | "alb20200616";
export const CLIENT_NAMES: readonly ClientName[] = ["pop-core", "alb20200616"];

/** Creates both clients for `endpoint` (`http://127.0.0.1:PORT`). */
export function createClients(endpoint: string, credentials: ClientCredentials = {}): Clients {
  const accessKeyId = credentials.accessKeyId ?? DEMO_ACCESS_KEY_ID;
  const accessKeySecret = credentials.accessKeySecret ?? DEMO_ACCESS_KEY_SECRET;
  // pop-core's typings omit the constructor's `verbose` flag; it makes request() return [json, entry].
  const VerboseRPCClient = RPCClient as unknown as new (config: RPCClient.Config, verbose: boolean) => RPCClient;
  const pop = new VerboseRPCClient({
    endpoint,
    apiVersion: credentials.apiVersion ?? "2020-06-16",
    accessKeyId,
    accessKeySecret,
    ...(credentials.securityToken === undefined ? {} : { securityToken: credentials.securityToken }),
  }, true);
  const tea = new AlbClient(new $OpenApiUtil.Config({
    accessKeyId,
    accessKeySecret,
    ...(credentials.securityToken === undefined ? {} : { securityToken: credentials.securityToken }),
    endpoint: new URL(endpoint).host,
    protocol: "http",
    regionId: "cn-hangzhou",
  }));
  return { pop, tea };
}

/** A client call's result in one shape for both clients. */
export type Outcome =
  | { readonly ok: true; readonly status: number; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly status: number | undefined; readonly code: string; readonly message: string; readonly data: Record<string, unknown> };

/** Wire-style parameters: PascalCase keys, lists as arrays (`Certificates: [{CertificateId}]`). */
export type WireInput = Record<string, unknown>;

function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function camelize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelize);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [lowerFirst(key), camelize(inner)]));
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Flattens wire input the way both SDKs do (`Certificates.1.CertificateId`). */
export function flatten(input: WireInput): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (prefix: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(`${prefix}.${i + 1}`, item));
    else if (isRecord(value)) Object.entries(value).forEach(([key, inner]) => visit(`${prefix}.${key}`, inner));
    else out[prefix] = String(value);
  };
  Object.entries(input).forEach(([key, value]) => visit(key, value));
  return out;
}

async function callPop(pop: RPCClient, action: string, params: WireInput): Promise<Outcome> {
  try {
    const [json, entry] = await pop.request(action, params, { method: "POST" }) as [Record<string, unknown>, { response: { statusCode: number } }];
    return { ok: true, status: entry.response.statusCode, body: plain(json) };
  } catch (error: unknown) {
    const e = error as { code?: string; message?: string; data?: Record<string, unknown>; entry?: { response?: { statusCode?: number } } };
    if (e.code === undefined || e.data === undefined) throw error;
    return { ok: false, status: e.entry?.response?.statusCode, code: e.code, message: String(e.data.Message), data: plain(e.data) };
  }
}

/** Calls `action` through the Tea SDK: its typed method when the action has one, `callApi` otherwise. */
async function callTea(tea: AlbClient, action: string, params: WireInput, version: string): Promise<Outcome> {
  try {
    const models = $Alb as unknown as Record<string, new (map: unknown) => unknown>;
    const methods = tea as unknown as Record<string, (request: unknown) => Promise<{ statusCode: number; body: { toMap(): Record<string, unknown> } }>>;
    const Request = models[`${action}Request`];
    const method = methods[lowerFirst(action)];
    if (Request !== undefined && method !== undefined && version === "2020-06-16") {
      const response = await method.call(tea, new Request(camelize(params)));
      return { ok: true, status: response.statusCode, body: plain(response.body.toMap()) };
    }
    const response = await tea.callApi(
      new $OpenApiUtil.Params({
        action, version, protocol: "HTTPS", pathname: "/", method: "POST", authType: "AK", style: "RPC",
        reqBodyType: "formData", bodyType: "json",
      }),
      new $OpenApiUtil.OpenApiRequest({ query: flatten(params) }),
      new $dara.RuntimeOptions({}),
    ) as { statusCode: number; body: Record<string, unknown> };
    return { ok: true, status: response.statusCode, body: plain(response.body) };
  } catch (error: unknown) {
    const e = error as { code?: string; statusCode?: number; data?: Record<string, unknown> };
    if (e.code === undefined || e.data === undefined) throw error;
    return { ok: false, status: e.statusCode, code: e.code, message: String(e.data.Message), data: plain(e.data) };
  }
}

/**
 * Calls an action through one of the two clients with wire-style parameters.
 *
 * @param version the API version (Tea falls back to `callApi` for anything but 2020-06-16; pop-core uses
 *   the client's own apiVersion).
 */
export function call(clients: Clients, client: ClientName, action: string, params: WireInput = {}, version = "2020-06-16"): Promise<Outcome> {
  return client === "pop-core" ? callPop(clients.pop, action, params) : callTea(clients.tea, action, params, version);
}

/** Like {@link call}, but fails the test unless the call succeeded; returns the body. */
export async function ok(clients: Clients, client: ClientName, action: string, params: WireInput = {}): Promise<Record<string, unknown>> {
  const outcome = await call(clients, client, action, params);
  if (!outcome.ok) throw new Error(`${action} failed with ${outcome.code} (${String(outcome.status)}): ${outcome.message}`);
  return outcome.body;
}

/** `Certificates: [{CertificateId}]` for a list of IDs. */
export function certificates(ids: readonly string[]): { CertificateId: string }[] {
  return ids.map((id) => ({ CertificateId: id }));
}
