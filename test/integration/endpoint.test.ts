/**
 * A wrong or stopped endpoint fails at the first contact, in seconds, with one message that names the
 * endpoint, where it came from, what happened and what to check; nothing retries it. Once the endpoint has
 * answered the process, the same failures are passing ones and are retried.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createAlbClient } from "../../provider/transport/alb-client";
import { closedPort, notTheApi, type NotTheApi } from "../kit/endpoints";
import { startWorldWithProcess, type World } from "../kit/world";

const L = "lsn-demo-https-443";
const A = "25112233-cn-hangzhou";
const credentials = async () => ({ accessKeyId: "LTAI5tSimulatorDemoKey", accessKeySecret: "SimulatorDemoSecret000000000000" });

let world: World | undefined;
const servers: NotTheApi[] = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const server of servers.splice(0)) await server.close();
});

/** Something on 127.0.0.1 that is not the ALB API: an HTML 404 for every request. */
async function notTheApiEndpoint(): Promise<string> {
  const server = await notTheApi();
  servers.push(server);
  return server.endpoint;
}

describe("a wrong or stopped endpoint", () => {
  it("fails a preview's check at once, from the stack config, with nothing retried", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const started = await startWorldWithProcess({ providers: { config: { "alb-listener-certificates:endpoint": endpoint } } });
    world = started.world;
    const before = world.clock.now();
    await expect(started.proc.provider.check({}, { listenerId: L, certificateIds: [A], resourceName: "sni" })).rejects.toThrow(
      `Cannot reach the ALB API at ${endpoint} (from the stack config alb-listener-certificates:endpoint): the connection was refused; ` +
        "check that the endpoint is right and that the simulator is running (npx alb-simulator).",
    );
    expect(world.clock.now() - before).toBe(0);
    expect(started.proc.calls.count).toBe(1);
    expect(world.sim.backend.requestLog()).toEqual([]);
  });

  it("fails an apply at once too, and names something that is not the ALB API, from the resource's input", async () => {
    const endpoint = await notTheApiEndpoint();
    const started = await startWorldWithProcess();
    world = started.world;
    // The world's stack config names the simulator: the resource's own input is only used without an override.
    const proc = world.newProcess("p-input", { config: { "alb-listener-certificates:endpoint": "" } });
    const before = world.clock.now();
    await expect(proc.provider.create({ listenerId: L, certificates: { [A]: "Associated" }, region: "cn-hangzhou", endpoint, resourceName: "sni" })).rejects.toThrow(
      `Cannot reach the ALB API at ${endpoint} (from the resource's endpoint input): what answered is not the ALB API (the answer is not an API response); ` +
        "check that the endpoint is right and that the simulator is running (npx alb-simulator).",
    );
    expect(world.clock.now() - before).toBe(0);
    expect(world.sim.backend.requestLog()).toEqual([]);
  });

  it("fails at once when https:// is spoken to a plain-HTTP server (the TLS handshake fails)", async () => {
    const server = await notTheApi();
    servers.push(server);
    const endpoint = `https://127.0.0.1:${server.port}`;
    const api = createAlbClient({ endpoint, credentials, endpointSource: "from a test", contact: { answered: false } });
    await expect(api.getListenerAttribute(L)).rejects.toMatchObject({
      name: "EndpointError",
      message: `Cannot reach the ALB API at ${endpoint} (from a test): the TLS handshake failed (EPROTO); check that the endpoint is right and that the simulator is running (npx alb-simulator).`,
    });
    expect(server.requests()).toBe(0);
  });

  it("after the endpoint has answered, a refused connection is a passing network error, retried", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const contact = { answered: false };
    const api = createAlbClient({ endpoint, credentials, endpointSource: "from a test", contact });
    await expect(api.getListenerAttribute(L)).rejects.toMatchObject({ name: "EndpointError", endpoint, source: "from a test", what: "the connection was refused" });
    contact.answered = true;
    // pop-core's "POST <url> failed." is not glued to the network library's message.
    const port = new URL(endpoint).port;
    await expect(api.getListenerAttribute(L)).rejects.toMatchObject({
      name: "AlbApiError",
      code: "NetworkError",
      retryable: true,
      message: `GetListenerAttribute on listener ${L} failed: NetworkError: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it("an unknown host name is named as such", async () => {
    const endpoint = "http://alb-endpoint.invalid";
    const api = createAlbClient({ endpoint, credentials, endpointSource: "from a test" });
    await expect(api.getListenerAttribute(L)).rejects.toThrow(
      "Cannot reach the ALB API at http://alb-endpoint.invalid (from a test): its host name does not resolve; check that the endpoint is right and reachable from this machine.",
    );
  });
});
