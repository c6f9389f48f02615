/**
 * Fault rules beyond the basic kinds: the `concurrentWriter` ("another writer") kind, rules from a
 * fixture's `faults` field and from a `--faults FILE`, and `delay` measured on an injected clock.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_FIXTURE, loadFaultFile, type Fixture } from "../../simulator";
import {
  call,
  certificates,
  DEMO_ADDITIONAL_CERT,
  FREE_CERTS,
  HTTPS_LISTENER,
  ok,
  QUIC_LISTENER,
  useSimulators,
} from "../kit/simulator-clients";
import { rawRequest } from "../kit/simulator-wire";

const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
const ROOT = resolve(__dirname, "../..");
const CLI = join(ROOT, "dist/simulator/cli.js");

/** Builds dist/ when it is missing or older than a simulator source (a plain `vitest run` skips `npm run build`). */
function ensureBuilt(): void {
  const newest = Math.max(...readdirSync(join(ROOT, "simulator")).filter((name) => name.endsWith(".ts")).map((name) => statSync(join(ROOT, "simulator", name)).mtimeMs));
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newest) return;
  spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "ignore" });
}
const WRITER_CERTS = [FREE_CERTS[2], FREE_CERTS[3]];

describe("concurrentWriter faults", () => {
  const start = useSimulators();

  it("starts another writer's job on the request's listener before handling the request", async () => {
    const { simulator, clients, clock } = await start({
      jobMs: 1_000,
      seed: 1,
      faults: [{ kind: "concurrentWriter", listenerId: HTTPS_LISTENER, certificateIds: [FREE_CERTS[2]], count: 1 }],
    });
    // The writer associates its certificate first, so the listener is busy for this Associate.
    expect(await call(clients, "pop-core", ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) }))
      .toMatchObject({ ok: false, code: "ResourceInConfiguring.Listener" });
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toEqual([
      { certificateId: DEMO_ADDITIONAL_CERT, status: "Associated" },
      { certificateId: FREE_CERTS[2], status: "Associating" },
    ]);
    // The writer's job is a real job, listed by ListAsynJobs, but its request is not in the log.
    const jobs = simulator.backend.listAsynJobs({ resourceIds: [HTTPS_LISTENER] });
    expect(jobs).toMatchObject([{ apiName: ASSOCIATE, certificateIds: [FREE_CERTS[2]], status: "Processing" }]);
    expect(simulator.backend.requestLog()).toMatchObject([{ action: ASSOCIATE, code: "ResourceInConfiguring.Listener", fault: "concurrentWriter" }]);
    expect(simulator.backend.faultRules()[0]?.remaining).toBe(0);
    clock.advance(1_000);
    expect(await call(clients, "pop-core", ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) })).toMatchObject({ ok: true });
  });

  it("toggles its certificates: dissociates one that is Associated, and leaves other listeners alone", async () => {
    const { simulator, clients, clock } = await start({
      jobMs: 100,
      faults: [{ kind: "concurrentWriter", action: "GetListenerAttribute", certificateIds: [DEMO_ADDITIONAL_CERT] }],
    });
    await ok(clients, "pop-core", "GetListenerAttribute", { ListenerId: HTTPS_LISTENER });
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toEqual([{ certificateId: DEMO_ADDITIONAL_CERT, status: "Dissociating" }]);
    clock.advance(100);
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toEqual([]);
    await ok(clients, "pop-core", "GetListenerAttribute", { ListenerId: HTTPS_LISTENER });
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toEqual([{ certificateId: DEMO_ADDITIONAL_CERT, status: "Associating" }]);
    // ListListeners carries no ListenerId: the rule does not match it.
    await ok(clients, "pop-core", "ListListeners");
    expect(simulator.backend.requestLog().map((entry) => entry.fault)).toEqual(["concurrentWriter", "concurrentWriter", undefined]);
  });

  it("stays unfired, with its count intact, while the listener is busy", async () => {
    const { simulator, clients } = await start({
      jobMs: 1_000,
      faults: [{ kind: "concurrentWriter", listenerId: HTTPS_LISTENER, action: "ListListenerCertificates", certificateIds: WRITER_CERTS, count: 2 }],
    });
    await ok(clients, "pop-core", "ListListenerCertificates", { ListenerId: HTTPS_LISTENER });
    await ok(clients, "pop-core", "ListListenerCertificates", { ListenerId: HTTPS_LISTENER }); // the first writer job still runs
    expect(simulator.backend.requestLog().map((entry) => entry.fault)).toEqual(["concurrentWriter", undefined]);
    expect(simulator.backend.faultRules()[0]?.remaining).toBe(1);
    expect(simulator.backend.listAsynJobs({})).toHaveLength(1);
  });

  it("picks its certificate reproducibly from the seed", async () => {
    const picks = async (seed: number): Promise<string[]> => {
      const { simulator, clients, clock } = await start({
        jobMs: 10, seed, faults: [{ kind: "concurrentWriter", listenerId: QUIC_LISTENER, certificateIds: [...FREE_CERTS] }],
      });
      for (let i = 0; i < 8; i++) {
        await ok(clients, "pop-core", "GetListenerAttribute", { ListenerId: QUIC_LISTENER });
        clock.advance(10);
      }
      return simulator.backend.listAsynJobs({}).map((job) => `${job.apiName === ASSOCIATE ? "+" : "-"}${job.certificateIds.join()}`);
    };
    const first = await picks(5);
    expect(first).toHaveLength(8);
    expect(await picks(5)).toEqual(first);
  });

  it("validates certificateIds: required for concurrentWriter, refused on other kinds", async () => {
    await expect(start({ faults: [{ kind: "concurrentWriter" }] })).rejects.toThrow(
      "faults[0].certificateIds must be an array of 1 to 100 certificate IDs for kind concurrentWriter",
    );
    await expect(start({ faults: [{ kind: "concurrentWriter", certificateIds: [""] }] })).rejects.toThrow("faults[0].certificateIds[0] must be a non-empty string");
    await expect(start({ faults: [{ kind: "throttle", certificateIds: ["x"] }] })).rejects.toThrow("faults[0].certificateIds is only used by kind concurrentWriter");
  });
});

describe("fault rules from a fixture, a file and the clock", () => {
  const start = useSimulators();
  beforeAll(ensureBuilt, 60_000);
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const withFaults = (faults: unknown): Fixture => ({ ...DEMO_FIXTURE, faults } as Fixture);

  it("takes rules from the fixture's faults field", async () => {
    const { simulator, clients } = await start({ fixture: withFaults([{ kind: "error503", action: "ListListeners", count: 1 }]) });
    expect(await call(clients, "pop-core", "ListListeners")).toMatchObject({ ok: false, status: 503, code: "ServiceUnavailable" });
    expect(await call(clients, "pop-core", "ListListeners")).toMatchObject({ ok: true });
    expect(simulator.backend.faultRules()).toEqual([{ rule: { kind: "error503", action: "ListListeners", count: 1 }, remaining: 0 }]);
  });

  it("lets the faults option win over the fixture's", async () => {
    const { simulator } = await start({ fixture: withFaults([{ kind: "error503" }]), faults: [{ kind: "throttle", count: 3 }] });
    expect(simulator.backend.faultRules()).toEqual([{ rule: { kind: "throttle", count: 3 }, remaining: 3 }]);
  });

  it("names the bad field of a fixture's fault rule", async () => {
    await expect(start({ fixture: withFaults([{ kind: "throttle", probability: 3 }]) })).rejects.toThrow(
      "Invalid fixture: faults[0].probability must be a number from 0 to 1.",
    );
  });

  it("replaces the rules on reset only when the new fixture has a faults field", async () => {
    const { simulator } = await start({ faults: [{ kind: "throttle" }] });
    const post = (body: unknown): ReturnType<typeof rawRequest> =>
      rawRequest(simulator.endpoint, { method: "POST", path: "/_simulator/reset", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post(DEMO_FIXTURE)).status).toBe(200);
    expect(simulator.backend.faultRules().map((state) => state.rule.kind)).toEqual(["throttle"]);
    expect((await post(withFaults([{ kind: "reset", count: 1 }]))).status).toBe(200);
    expect(simulator.backend.faultRules().map((state) => state.rule.kind)).toEqual(["reset"]);
    const invalid = await post(withFaults([{ kind: "nope" }]));
    expect(invalid.json).toMatchObject({ Code: "InvalidFixture", Message: expect.stringContaining("faults[0].kind must be one of") as unknown });
    expect(simulator.backend.faultRules().map((state) => state.rule.kind)).toEqual(["reset"]);
  });

  it("loads a fault file (array or {faults}) and names the file when it is unusable", async () => {
    const folder = mkdtempSync(join(tmpdir(), "alb-faults-"));
    dir = folder;
    const file = join(folder, "faults.json");
    writeFileSync(file, JSON.stringify({ faults: [{ kind: "error500", action: "ListListeners", count: 1 }] }));
    const { clients } = await start({ faults: file });
    expect(await call(clients, "pop-core", "ListListeners")).toMatchObject({ ok: false, status: 500, code: "InternalError" });
    writeFileSync(file, "[{\"kind\": \"lostResponse\"}]");
    expect(loadFaultFile(file)).toEqual([{ kind: "lostResponse" }]);
    writeFileSync(file, "not json");
    expect(() => loadFaultFile(file)).toThrow(`Cannot load fault file ${file}: it is not valid JSON`);
    writeFileSync(file, "[{\"kind\": \"throttle\", \"count\": 0}]");
    await expect(start({ faults: file })).rejects.toThrow(`Cannot load fault file ${file}: Invalid fault rule: faults[0].count must be an integer`);
    expect(() => loadFaultFile(join(folder, "missing.json"))).toThrow(/Cannot load fault file .*missing\.json: ENOENT/);
  });

  it("the CLI takes --faults FILE and refuses an unusable one with exit code 1", () => {
    dir = mkdtempSync(join(tmpdir(), "alb-faults-"));
    const cli = CLI;
    const file = join(dir, "faults.json");
    writeFileSync(file, JSON.stringify([{ kind: "nope" }]));
    const result = spawnSync(process.execPath, [cli, "--port", "0", "--faults", file], { encoding: "utf8", timeout: 10_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`alb-simulator: Cannot load fault file ${file}: Invalid fault rule: faults[0].kind must be one of`);
    const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8", timeout: 10_000 });
    expect(help.stdout).toContain("--faults FILE");
  });

  it("waits a delay on the injected sleep when one is given", async () => {
    const waited: number[] = [];
    const { clients, simulator } = await start({
      faults: [{ kind: "delay", delayMs: 60_000, count: 1 }],
      sleep: async (ms) => {
        waited.push(ms);
      },
    });
    expect(await call(clients, "pop-core", "ListListeners")).toMatchObject({ ok: true });
    expect(waited).toEqual([60_000]);
    expect(simulator.backend.requestLog()[0]).toMatchObject({ status: 200, fault: "delay" });
  });
});
