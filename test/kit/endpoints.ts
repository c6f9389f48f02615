/**
 * Endpoints that are not the ALB API, for the fail-fast tests and the benchmark's first-hour scenario: a port
 * nothing listens on, and a server that answers every request with an HTML 404 (counting the requests it got
 * and noting when each request and each TCP connection arrived, on this process's `Date.now()`).
 */
import * as http from "node:http";
import * as net from "node:net";

/** A port on 127.0.0.1 that nothing listens on (taken, then freed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** Something on 127.0.0.1 that is not the ALB API. */
export interface NotTheApi {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly port: number;
  /** Requests it has answered. */
  readonly requests: () => number;
  /** When each request arrived, `Date.now()` ms, oldest first. */
  readonly requestTimes: () => readonly number[];
  /**
   * When each TCP connection was accepted, `Date.now()` ms, oldest first: also the connections that never
   * became a request (a TLS ClientHello sent to this plain-HTTP server).
   */
  readonly connectionTimes: () => readonly number[];
  close(): Promise<void>;
}

/** Starts a server that answers every request with an HTML 404. */
export async function notTheApi(): Promise<NotTheApi> {
  const requestTimes: number[] = [];
  const connectionTimes: number[] = [];
  const server = http.createServer((_request, response) => {
    requestTimes.push(Date.now());
    response.writeHead(404, { "content-type": "text/html" });
    response.end("<html><body>Not Found</body></html>");
  });
  server.on("connection", () => connectionTimes.push(Date.now()));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests: () => requestTimes.length,
    requestTimes: () => [...requestTimes],
    connectionTimes: () => [...connectionTimes],
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
