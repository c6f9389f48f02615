// End-to-end, real pulumi CLI against the simulator: the mistakes of a user's first hour fail fast and say
// what to fix, with nothing mutated and the state unchanged.
// 1. A stopped endpoint (a closed port, from the stack config) on a new stack, and something that is not the
//    ALB API (an HTML 404 server; then TLS spoken to a plain-HTTP server) on a stack that already holds a
//    resource: `preview` and `up` fail with one message naming the endpoint, where it came from, what happened
//    and what to check; one request per command, no retries.
// 2. Rejected credentials (a wrong access key secret): a credential error naming the credential source, not a
//    property's problem, never the string to sign nor the secret, no retries of a rejected signature.
// 3. Several bad certificates in one declared set: the preview names each of them.
// Every command's wall time is measured against a generous ceiling (the times a machine measures go into
// docs/first-hour.md); the bound that matters is that no command waits for a retry budget.
//
// A CLI that cannot be provisioned FAILS these tests (never skips them): see test/e2e/cli-smoke.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../simulator";
import { closedPort, notTheApi, type NotTheApi } from "../kit/endpoints";
import { CERT, E2eStack, HTTPS_LISTENER, startE2eSimulator, UNKNOWN_CERT } from "../kit/e2e";
import { ensurePulumiCli } from "../kit/pulumi";
import { liveAdditional, logMark, realMutations, requestsOf } from "../kit/request-log";

const { a, b } = CERT;
const TEST_TIMEOUT = 10 * 60_000;
/**
 * A generous ceiling for one failing CLI command, start to exit (CLI start, the program's TypeScript compile
 * and the provider process included: about 8-10 s on a quiet two-core machine). A retry budget would
 * take 30 s (validation) or waitTimeoutSeconds (10 min by default) on top.
 */
const FAIL_FAST_CEILING_MS = 25_000;

/**
 * The output shows the message as the resource's error, once per place the CLI lists errors, and nowhere
 * glued to itself (the host's `${error}: ${error.stack}` print) or with a stack trace.
 */
function expectCleanError(output: string, message: string): void {
  expect(output).toContain(`error: ${message}`);
  expect(output).not.toContain(`${message}:`);
  expect(output).not.toMatch(/Error: .*\.: \w*Error: /);
  expect(output).not.toMatch(/\n.*\bat \S+ \(\S+:\d+:\d+\)/);
}

/** A CLI command's result and wall time. */
async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await run();
  return { result, ms: Date.now() - started };
}

// The scenarios share one simulator and run one at a time, so each one's request-log window is its own.
describe("e2e: a user's first hour fails fast and says what to fix", () => {
  let sim: RunningSimulator;
  let html: NotTheApi;
  const stacks: Promise<E2eStack>[] = [];
  const newStack = (options: Parameters<typeof E2eStack.create>[1]): Promise<E2eStack> => {
    const created = E2eStack.create(sim, options);
    stacks.push(created);
    return created;
  };

  beforeAll(async () => {
    // A provisioning error surfaces in each test (creating a stack provisions the CLI), so they fail.
    await ensurePulumiCli().catch(() => undefined);
    [sim, html] = await Promise.all([startE2eSimulator(), notTheApi()]);
  }, 45 * 60_000);

  afterAll(async () => {
    for (const s of stacks) await (await s.catch(() => undefined))?.cleanup();
    await Promise.all([sim?.close(), html?.close()]);
  });

  it("1a. a stopped endpoint from the stack config: preview and up fail at once, nothing is sent, no state is written", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const s = await newStack({ stack: "stopped", listenerId: HTTPS_LISTENER, certificateIds: [a, b] });
    await s.setConfig({ "alb-listener-certificates:endpoint": endpoint });
    const mark = logMark(sim);
    const message =
      `Cannot reach the ALB API at ${endpoint} (from the stack config alb-listener-certificates:endpoint): the connection was refused; ` +
      "check that the endpoint is right and that the simulator is running (npx alb-simulator).";

    const preview = await timed(() => s.run(["preview"]));
    expect(preview.result.code).not.toBe(0);
    expectCleanError(preview.result.stdout + preview.result.stderr, message);
    expect(preview.result.stdout + preview.result.stderr).not.toMatch(/warning: .*could not validate/);
    expect(preview.ms).toBeLessThan(FAIL_FAST_CEILING_MS);

    const up = await timed(() => s.run(["up", "--yes", "--skip-preview"]));
    expect(up.result.code).not.toBe(0);
    expectCleanError(up.result.stdout + up.result.stderr, message);
    expect(up.result.stdout + up.result.stderr).not.toMatch(/Timed out|Raise waitTimeoutSeconds/);
    expect(up.ms).toBeLessThan(FAIL_FAST_CEILING_MS);

    // Nothing reached the simulator, no resource was recorded.
    expect(requestsOf(sim, mark)).toEqual([]);
    expect(await s.certificateResources()).toEqual([]);
    console.log(`[first-hour] stopped endpoint: preview failed in ${preview.ms} ms, up in ${up.ms} ms`);
  }, TEST_TIMEOUT);

  it("1b. an endpoint that is not the ALB API, on a stack holding a resource: one request per command, state and listener unchanged", async () => {
    const s = await newStack({ stack: "not-the-api", listenerId: HTTPS_LISTENER, certificateIds: [a] });
    await s.up();
    const live = liveAdditional(sim, HTTPS_LISTENER);
    const before = await s.certificateResources();
    await s.setConfig({ "alb-listener-certificates:endpoint": html.endpoint, certificateIds: JSON.stringify([a, b]) });
    const mark = logMark(sim);
    const message =
      `Cannot reach the ALB API at ${html.endpoint} (from the stack config alb-listener-certificates:endpoint): ` +
      "what answered is not the ALB API (the answer is not an API response); check that the endpoint is right and that the simulator is running (npx alb-simulator).";

    let requests = html.requests();
    const preview = await timed(() => s.run(["preview"]));
    expect(preview.result.code).not.toBe(0);
    expectCleanError(preview.result.stdout + preview.result.stderr, message);
    expect(preview.ms).toBeLessThan(FAIL_FAST_CEILING_MS);
    expect(html.requests() - requests).toBe(1);

    requests = html.requests();
    const up = await timed(() => s.run(["up", "--yes", "--skip-preview"]));
    expect(up.result.code).not.toBe(0);
    expectCleanError(up.result.stdout + up.result.stderr, message);
    expect(up.ms).toBeLessThan(FAIL_FAST_CEILING_MS);
    expect(html.requests() - requests).toBe(1);

    // TLS spoken to a plain-HTTP server: the handshake fails, the same way.
    const tlsEndpoint = `https://127.0.0.1:${html.port}`;
    await s.setConfig({ "alb-listener-certificates:endpoint": tlsEndpoint });
    const tls = await timed(() => s.run(["preview"]));
    expect(tls.result.code).not.toBe(0);
    expect(tls.result.stdout + tls.result.stderr).toContain(
      `Cannot reach the ALB API at ${tlsEndpoint} (from the stack config alb-listener-certificates:endpoint): the TLS handshake failed (EPROTO); ` +
        "check that the endpoint is right and that the simulator is running (npx alb-simulator).",
    );
    expect(tls.ms).toBeLessThan(FAIL_FAST_CEILING_MS);

    expect(requestsOf(sim, mark)).toEqual([]);
    expect(liveAdditional(sim, HTTPS_LISTENER)).toEqual(live);
    // The resource's state is as it was (the engine's default provider records the new stack config).
    expect(await s.certificateResources()).toEqual(before);
    console.log(`[first-hour] not the ALB API: preview failed in ${preview.ms} ms, up in ${up.ms} ms; TLS to plain HTTP: preview in ${tls.ms} ms`);
  }, TEST_TIMEOUT);

  it("2. rejected credentials: a credential error naming the source, one refused request per command, nothing mutated", async () => {
    const s = await newStack({ stack: "credentials", listenerId: HTTPS_LISTENER, certificateIds: [a, b] });
    const wrongSecret = "WrongSecretOfTheDemoKey0000000000";
    const mark = logMark(sim);
    const message =
      "The ALB API rejected the credentials (the access key from environment ALIBABA_CLOUD_ACCESS_KEY_ID + environment ALIBABA_CLOUD_ACCESS_KEY_SECRET): " +
      "the access key secret does not match the access key ID (SignatureDoesNotMatch); check the access key secret there (it belongs to the same key pair as the ID).";

    const preview = await timed(() => s.run(["preview"], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: wrongSecret }));
    const previewOut = preview.result.stdout + preview.result.stderr;
    expect(preview.result.code).not.toBe(0);
    expectCleanError(previewOut, message);
    // Not a property's problem, no string to sign, no secret.
    expect(previewOut).not.toMatch(/property \w+ value/);
    expect(previewOut).not.toMatch(/StringToSign|string to sign|POST&%2F&/i);
    expect(previewOut).not.toContain(wrongSecret);
    expect(preview.ms).toBeLessThan(FAIL_FAST_CEILING_MS);
    const afterPreview = requestsOf(sim, mark);
    expect(afterPreview.map((r) => [r.action, r.code])).toEqual([["GetListenerAttribute", "SignatureDoesNotMatch"]]);

    const up = await timed(() => s.run(["up", "--yes", "--skip-preview"], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: wrongSecret }));
    const upOut = up.result.stdout + up.result.stderr;
    expect(up.result.code).not.toBe(0);
    expectCleanError(upOut, message);
    expect(upOut).not.toContain(wrongSecret);
    expect(up.ms).toBeLessThan(FAIL_FAST_CEILING_MS);
    expect(requestsOf(sim, mark).slice(afterPreview.length).map((r) => [r.action, r.code])).toEqual([["GetListenerAttribute", "SignatureDoesNotMatch"]]);

    expect(realMutations(sim, mark)).toEqual([]);
    expect(await s.certificateResources()).toEqual([]);
    console.log(`[first-hour] rejected credentials: preview failed in ${preview.ms} ms, up in ${up.ms} ms`);
  }, TEST_TIMEOUT);

  it("3. several bad certificates: the preview names each one, with its likely cause, and nothing is mutated", async () => {
    const otherRegion = "25112233-cn-shanghai";
    const s = await newStack({ stack: "culprits", listenerId: HTTPS_LISTENER, certificateIds: [a, UNKNOWN_CERT, b, otherRegion] });
    const mark = logMark(sim);
    const preview = await timed(() => s.run(["preview"]));
    const out = preview.result.stdout + preview.result.stderr;
    expect(preview.result.code).not.toBe(0);
    expect(out).toContain(
      `certificate ${UNKNOWN_CERT} does not exist in region cn-hangzhou or is not a server certificate; check the ID in the certificate service ` +
        "(it includes the region suffix, e.g. 23759533-cn-hangzhou) and that it is a server certificate.",
    );
    expect(out).toContain(
      `certificate ${otherRegion} does not exist in region cn-hangzhou or is not a server certificate; its region suffix cn-shanghai is not the listener's region cn-hangzhou: ` +
        "use the certificate's ID in cn-hangzhou (upload or copy the certificate there first).",
    );
    // The good ones are not blamed.
    expect(out).not.toContain(`certificate ${a} does not exist`);
    expect(out).not.toContain(`certificate ${b} does not exist`);
    expect(preview.ms).toBeLessThan(FAIL_FAST_CEILING_MS);
    // Only dry runs: the narrowing changes nothing.
    expect(realMutations(sim, mark)).toEqual([]);
    expect(await s.certificateResources()).toEqual([]);
    console.log(`[first-hour] several bad certificates: preview failed in ${preview.ms} ms`);
  }, TEST_TIMEOUT);
});
