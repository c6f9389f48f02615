/**
 * Endpoints that are not the ALB API, for the fail-fast tests: a port nothing listens on, and a server that
 * answers every request with an HTML 404 (counting the requests it got).
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
  close(): Promise<void>;
}

/** Starts a server that answers every request with an HTML 404. */
export async function notTheApi(): Promise<NotTheApi> {
  let requests = 0;
  const server = http.createServer((_request, response) => {
    requests++;
    response.writeHead(404, { "content-type": "text/html" });
    response.end("<html><body>Not Found</body></html>");
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests: () => requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
