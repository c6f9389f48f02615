import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, StateFileError } from "../../simulator";
import { VirtualClock } from "../kit/clock";
import { call, certificates, FREE_CERTS, HTTPS_LISTENER, ok, useSimulators } from "../kit/simulator-clients";

describe("simulator --state persistence", () => {
  let dir: string;
  let statePath: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "alb-sim-state-"));
    statePath = join(dir, "state.json");
  });
  // Registered before useSimulators so it runs after the simulators (which write on close) are closed.
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const start = useSimulators();

  it("writes the world on start and after every mutation, atomically", async () => {
    const { clients } = await start({ statePath, seed: 1 });
    expect(JSON.parse(readFileSync(statePath, "utf8"))).toMatchObject({ format: "alb-simulator-state", version: 2, jobs: [] });
    const { JobId } = await ok(clients, "pop-core", "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]),
    });
    const saved = JSON.parse(readFileSync(statePath, "utf8")) as { jobs: { jobId: string; status: string }[]; listeners: { listenerId: string; additional: unknown[] }[] };
    expect(saved.jobs).toMatchObject([{ jobId: JobId, status: "Processing" }]);
    expect(saved.listeners.find((listener) => listener.listenerId === HTTPS_LISTENER)?.additional)
      .toContainEqual({ certificateId: FREE_CERTS[0], status: "Associating" });
    expect(readdirSync(dir)).toEqual(["state.json"]); // no temporary file left behind
  });

  it("keeps the job-duration jitter's own generator across a restart, and reads a file written before it had one", async () => {
    const behaviour = { jobDuration: { baseMs: 4_000, perCertificateMs: 3_000 } };
    const first = await start({ statePath, seed: 3, behaviour });
    await ok(first.clients, "pop-core", "AssociateAdditionalCertificatesWithListener", { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
    const next = first.simulator.backend.forecastJobsMs([1, 1]);
    await first.simulator.close();
    const saved = JSON.parse(readFileSync(statePath, "utf8")) as Record<string, unknown>;
    expect(saved.jobRandom).toEqual(expect.arrayContaining([expect.any(Number)]));
    const second = await start({ statePath });
    expect(second.simulator.backend.forecastJobsMs([1, 1])).toEqual(next);
    await second.simulator.close();
    // A file without the field (written before it existed) still loads.
    const older = JSON.parse(readFileSync(statePath, "utf8")) as Record<string, unknown>;
    delete older.jobRandom;
    writeFileSync(statePath, JSON.stringify(older));
    const third = await start({ statePath });
    expect(third.simulator.backend.forecastJobsMs([1])).toHaveLength(1);
    // A malformed one is refused, naming the field.
    await third.simulator.close();
    writeFileSync(statePath, JSON.stringify({ ...older, jobRandom: [1, 2] }));
    await expect(startSimulator({ statePath })).rejects.toThrow(/field "jobRandom" is not four integers/);
  });

  it("restores listeners, jobs in flight, ClientTokens and job timing after a restart", async () => {
    const clock = new VirtualClock();
    const first = await start({ statePath, clock, jobMs: 5_000 });
    await ok(first.clients, "alb20200616", "DissociateAdditionalCertificatesFromListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates(["24664588-cn-hangzhou"]),
    });
    clock.advance(5_000);
    const { JobId } = await ok(first.clients, "pop-core", "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0], FREE_CERTS[1]]), ClientToken: "restart-token",
    });
    first.simulator.backend.setListenerStatus("lsn-demo-quic-443", "Stopped");
    clock.advance(2_000);
    await first.simulator.close();

    // A fresh process: its own clock, at the same time, and a fixture that must be ignored.
    const second = await start({ statePath, clock: new VirtualClock(clock.now()), jobMs: 5_000, fixture: { listeners: [] } });
    const backend = second.simulator.backend;
    expect(backend.listenerView(HTTPS_LISTENER)).toEqual({
      listenerId: HTTPS_LISTENER, protocol: "HTTPS", status: "Configuring", defaultCertificateId: "23759533-cn-hangzhou",
      additional: [{ certificateId: FREE_CERTS[0], status: "Associating" }, { certificateId: FREE_CERTS[1], status: "Associating" }],
    });
    expect(backend.listenerView("lsn-demo-quic-443").status).toBe("Stopped");
    expect(await call(second.clients, "pop-core", "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[1], FREE_CERTS[0]]), ClientToken: "restart-token",
    })).toMatchObject({ ok: true, body: { JobId } });

    second.clock.advance(2_999);
    expect(backend.listenerView(HTTPS_LISTENER).status).toBe("Configuring");
    second.clock.advance(1);
    expect(backend.listenerView(HTTPS_LISTENER)).toMatchObject({
      status: "Running",
      additional: [{ certificateId: FREE_CERTS[0], status: "Associated" }, { certificateId: FREE_CERTS[1], status: "Associated" }],
    });
    const jobs = await ok(second.clients, "alb20200616", "ListAsynJobs", {});
    expect((jobs.Jobs as { Status: string }[]).map((job) => job.Status)).toEqual(["Succeeded", "Succeeded"]);
    // The finished transition was persisted too.
    expect(readFileSync(statePath, "utf8")).not.toContain("Processing");

    // New job IDs never collide with restored ones.
    const next = await ok(second.clients, "pop-core", "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[2]]),
    });
    expect(next.JobId).not.toBe(JobId);
  });

  it("finishes jobs that ended while the simulator was down", async () => {
    const clock = new VirtualClock();
    const first = await start({ statePath, clock, jobMs: 2_000 });
    await ok(first.clients, "pop-core", "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]),
    });
    await first.simulator.close();
    const second = await start({ statePath, clock: new VirtualClock(clock.now() + 60_000) });
    expect(second.simulator.backend.listenerView(HTTPS_LISTENER)).toMatchObject({
      status: "Running",
      additional: [{ certificateId: "24664588-cn-hangzhou", status: "Associated" }, { certificateId: FREE_CERTS[0], status: "Associated" }],
    });
  });

  it.each([
    ["not JSON", "{ this is not json"],
    ["not a state file", JSON.stringify({ regionId: "cn-hangzhou", listeners: [] })],
    ["a state file with a malformed job", JSON.stringify({
      format: "alb-simulator-state", version: 1, regionId: "cn-hangzhou", accessKeys: [], certificates: [], listeners: [],
      jobs: [{ jobId: 1 }], clientTokens: [], limits: {}, random: [1, 2, 3, 4], nextJobSeq: 1,
    })],
  ])("rejects a state file that is %s, naming it and leaving it untouched", async (_, content) => {
    writeFileSync(statePath, content);
    const failure = startSimulator({ statePath, port: 0 });
    await expect(failure).rejects.toBeInstanceOf(StateFileError);
    await expect(failure).rejects.toThrow(`Cannot load simulator state file ${statePath}:`);
    expect(readFileSync(statePath, "utf8")).toBe(content);
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });
});
