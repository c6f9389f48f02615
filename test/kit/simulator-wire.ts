/**
 * Wire-level helpers for simulator tests: raw HTTP requests (for inputs no client would send), a V1
 * signer that builds pop-core-identical requests with arbitrary parameters, an in-path proxy that
 * tampers with or replays what a real client sends, and a front through which a server sees its clients
 * as coming from another address.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from "../../simulator";

/** A raw HTTP response. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed body, or undefined when it is not JSON. */
  readonly json: Record<string, unknown> | undefined;
}

/** Sends one HTTP request and reads the whole response. */
export function rawRequest(endpoint: string, options: {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** The local address to send from (e.g. another loopback address than 127.0.0.1). @default the system's choice */
  readonly localAddress?: string;
} = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(options.path ?? "/", endpoint);
    const body = options.body ?? "";
    const req = httpRequest(url, {
      method: options.method ?? "GET",
      headers: { "content-length": Buffer.byteLength(body).toString(), ...options.headers },
      agent: false,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** pop-core's percent-encoder. */
export function pct(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Builds a V1-signed form body exactly as pop-core would for `POST /`, with any (flat) parameters.
 * Common parameters can be overridden through `params`.
 */
export function signedV1Body(action: string, params: Record<string, string>, options: {
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  readonly nowMs?: number;
  readonly method?: string;
} = {}): string {
  const all: Record<string, string> = {
    Action: action,
    Format: "JSON",
    Version: "2020-06-16",
    Timestamp: timestamp(options.nowMs ?? Date.now()),
    SignatureMethod: "HMAC-SHA1",
    SignatureVersion: "1.0",
    SignatureNonce: randomBytes(16).toString("hex"),
    AccessKeyId: options.accessKeyId ?? DEMO_ACCESS_KEY_ID,
    ...params,
  };
  const canonical = Object.keys(all).sort().map((key) => `${pct(key)}=${pct(all[key] ?? "")}`).join("&");
  const stringToSign = `${options.method ?? "POST"}&${pct("/")}&${pct(canonical)}`;
  const signature = createHmac("sha1", `${options.accessKeySecret ?? DEMO_ACCESS_KEY_SECRET}&`).update(stringToSign).digest("base64");
  return `${canonical}&Signature=${pct(signature)}`;
}

/** Sends a V1-signed form POST (see {@link signedV1Body}). */
export function postSignedV1(endpoint: string, action: string, params: Record<string, string>): Promise<RawResponse> {
  return rawRequest(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: signedV1Body(action, params),
  });
}

/** A proxy between a client and the simulator. */
export interface Proxy {
  /** `http://127.0.0.1:PORT` of the proxy. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts a proxy that forwards every request to `target` unchanged except for `rewrite`, applied to the
 * URL and to the body (the Host header is kept, so signatures over it stay valid). With `replay`, each
 * request is forwarded twice and the client gets the second answer.
 */
export async function startProxy(target: string, options: {
  readonly rewrite?: (text: string) => string;
  readonly replay?: boolean;
}): Promise<Proxy> {
  const rewrite = options.rewrite ?? ((text: string) => text);
  const targetUrl = new URL(target);
  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({
        host: targetUrl.hostname, port: targetUrl.port, method, path,
        headers: { ...headers, "content-length": body.length.toString() }, agent: false,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.from(rewrite(Buffer.concat(chunks).toString("utf8")), "utf8");
      const path = rewrite(req.url ?? "/");
      const headers = { ...req.headers };
      delete headers.connection;
      void (async () => {
        let answer = await forward(req.method ?? "GET", path, headers, body);
        if (options.replay === true) answer = await forward(req.method ?? "GET", path, headers, body);
        const outHeaders = { ...answer.headers };
        delete outHeaders.connection;
        delete outHeaders["keep-alive"];
        res.writeHead(answer.status, outHeaders);
        res.end(answer.body);
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * A loopback endpoint whose every connection `server` (an HTTP server, not listening itself) receives as
 * coming from `remoteAddress`: each accepted socket is handed to the server (its `connection` event, which
 * takes any socket) with its `remoteAddress` replaced. This is how a test plays a client on another host
 * on a machine whose only address is loopback; the bytes still go through a real socket and the server's
 * own request handling.
 */
export async function startFrontAs(server: Server, remoteAddress: string): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const front = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    Object.defineProperty(socket, "remoteAddress", { value: remoteAddress, configurable: true });
    server.emit("connection", socket);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      front.close(() => resolve());
    }),
  };
}
