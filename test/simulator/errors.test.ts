import { describe, expect, it } from "vitest";
import type { Fixture, RunningSimulator } from "../../simulator";
import { DEMO_FIXTURE } from "../../simulator";
import {
  CA_CERT,
  call,
  certificates,
  CLIENT_NAMES,
  DEFAULT_CERT,
  DEMO_ADDITIONAL_CERT,
  FREE_CERTS,
  HTTP_LISTENER,
  HTTPS_LISTENER,
  ok,
  useSimulators,
  type WireInput,
} from "../kit/simulator-clients";

const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";

interface Scenario {
  readonly name: string;
  readonly fixture?: Fixture;
  readonly setup?: (simulator: RunningSimulator) => void;
  /** Times the same call is made first (each is admitted and fails for its own reason). */
  readonly callsBefore?: number;
  readonly action: string;
  readonly params: WireInput;
  readonly code: string;
  readonly status: number;
  readonly message?: string;
}

const withLimits = (limits: Fixture["limits"]): Fixture => ({ ...DEMO_FIXTURE, limits });

const SCENARIOS: readonly Scenario[] = [
  {
    name: "a mutation on a Stopped listener",
    setup: (sim) => sim.backend.setListenerStatus(HTTPS_LISTENER, "Stopped"),
    action: ASSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) },
    code: "IncorrectStatus.Listener", status: 400, message: `The status of ${HTTPS_LISTENER} [Stopped] is incorrect.`,
  },
  {
    name: "a mutation on a Provisioning listener (Dissociate)",
    setup: (sim) => sim.backend.setListenerStatus(HTTPS_LISTENER, "Provisioning"),
    action: DISSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) },
    code: "IncorrectStatus.Listener", status: 400, message: `The status of ${HTTPS_LISTENER} [Provisioning] is incorrect.`,
  },
  {
    name: "Associate on an HTTP listener",
    action: ASSOCIATE, params: { ListenerId: HTTP_LISTENER, Certificates: certificates([FREE_CERTS[0]]) },
    code: "OperationDenied.HttpListenerNotSupport", status: 400,
    message: "The operation is not allowed because of HttpListenerNotSupport.",
  },
  {
    name: "ListListenerCertificates on an HTTP listener",
    action: "ListListenerCertificates", params: { ListenerId: HTTP_LISTENER },
    code: "OperationDenied.HttpListenerNotSupport", status: 400,
  },
  {
    name: "Dissociate of the default certificate",
    action: DISSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEFAULT_CERT]) },
    code: "OperationDenied.DefaultCertificateUsed", status: 400,
    message: "The operation is not allowed because of DefaultCertificateUsed.",
  },
  {
    name: "Associate of the default certificate as an additional one",
    action: ASSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0], DEFAULT_CERT]) },
    code: "OperationDenied.DefaultCertificateUsed", status: 400,
  },
  {
    name: "Dissociate of a certificate the listener does not carry",
    action: DISSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) },
    code: "ResourceNotAssociated.Certificate", status: 400, message: `The specified resource ${FREE_CERTS[0]} is not associated.`,
  },
  {
    name: "Dissociate of a bare CAS number (no region suffix)",
    action: DISSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates(["24664588"]) },
    code: "ResourceNotAssociated.Certificate", status: 400, message: "The specified resource 24664588 is not associated.",
  },
  {
    name: "a mutation while another writer's job runs",
    setup: (sim) => sim.backend.associateOutOfBand(HTTPS_LISTENER, [FREE_CERTS[1]]),
    action: DISSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) },
    code: "ResourceInConfiguring.Listener", status: 400,
    message: `The specified resource of listener ${HTTPS_LISTENER} is being configured, please try again later.`,
  },
  {
    name: "Dissociate on an unknown listener",
    action: DISSOCIATE, params: { ListenerId: "lsn-nope", Certificates: certificates([DEMO_ADDITIONAL_CERT]) },
    code: "ResourceNotFound.Listener", status: 404, message: "The specified resource lsn-nope is not found.",
  },
  {
    name: "GetListenerAttribute of an unknown listener",
    action: "GetListenerAttribute", params: { ListenerId: "lsn-nope" },
    code: "ResourceNotFound.Listener", status: 404,
  },
  {
    name: "Associate of an unknown certificate",
    action: ASSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates(["99999999-cn-hangzhou"]) },
    code: "ResourceNotFound.Certificate", status: 404, message: "The specified resource 99999999-cn-hangzhou is not found.",
  },
  {
    name: "Associate of a CA certificate as a server certificate",
    action: ASSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([CA_CERT]) },
    code: "ResourceNotFound.Certificate", status: 404,
  },
  {
    name: "Associate of a certificate already associated",
    action: ASSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) },
    code: "ResourceAlreadyAssociated.Certificate", status: 400,
    message: `The specified resource ${DEMO_ADDITIONAL_CERT} is already associated.`,
  },
  {
    name: "more mutations than limits.mutationsPerWindow",
    fixture: withLimits({ mutationsPerWindow: 1 }),
    callsBefore: 1,
    action: DISSOCIATE, params: { ListenerId: "lsn-demo-quic-443", Certificates: certificates([FREE_CERTS[0]]) },
    code: "Throttling.User", status: 400, message: "Request was denied due to user flow control.",
  },
  {
    name: "more additional certificates than the per-listener quota",
    fixture: { ...withLimits({ maxAdditionalCertificatesPerListener: 2 }), behaviour: { loadBalancerQuota: false } },
    action: ASSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0], FREE_CERTS[1]]) },
    code: "QuotaExceeded.ListenerCertificate", status: 400,
    message: `The quota of ListenerCertificate is exceeded for ${HTTPS_LISTENER}, usage 3/2.`,
  },
  {
    name: "a missing ListenerId",
    action: ASSOCIATE, params: { Certificates: certificates([FREE_CERTS[0]]) },
    code: "MissingListenerId", status: 400, message: "ListenerId is mandatory for this action.",
  },
  {
    name: "a missing Certificates list",
    action: DISSOCIATE, params: { ListenerId: HTTPS_LISTENER },
    code: "MissingCertificates", status: 400, message: "Certificates is mandatory for this action.",
  },
  {
    name: "16 certificates in one Associate",
    action: ASSOCIATE,
    params: { ListenerId: HTTPS_LISTENER, Certificates: certificates(Array.from({ length: 16 }, (_, i) => `c${i}`)) },
    code: "InvalidParameter", status: 400,
    message: "The specified parameter Certificates is not valid: 16 certificates given, at most 15 are allowed per call.",
  },
  {
    name: "21 certificates in one Dissociate",
    action: DISSOCIATE,
    params: { ListenerId: HTTPS_LISTENER, Certificates: certificates(Array.from({ length: 21 }, (_, i) => `c${i}`)) },
    code: "InvalidParameter", status: 400,
    message: "The specified parameter Certificates is not valid: 21 certificates given, at most 20 are allowed per call.",
  },
  {
    name: "a certificate twice in one call",
    action: ASSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0], FREE_CERTS[0]]) },
    code: "InvalidParameter", status: 400,
  },
  {
    name: "MaxResults 0",
    action: "ListListenerCertificates", params: { ListenerId: HTTPS_LISTENER, MaxResults: 0 },
    code: "InvalidParameter", status: 400, message: "The specified parameter MaxResults is not valid: it must be an integer from 1 to 100.",
  },
  {
    name: "MaxResults 101",
    action: "ListListeners", params: { MaxResults: 101 },
    code: "InvalidParameter", status: 400,
  },
  {
    name: "an unknown NextToken",
    action: "ListListenerCertificates", params: { ListenerId: HTTPS_LISTENER, NextToken: "FFmyTO70tTpLG6I3FmYAXGKPd" },
    code: "InvalidParameter", status: 400,
    message: "The specified parameter NextToken is not valid: it is not a token returned by this action for these filters.",
  },
  {
    name: "a non-ASCII ClientToken",
    action: ASSOCIATE, params: { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]), ClientToken: "tökén" },
    code: "InvalidParameter", status: 400,
  },
  {
    name: "an unknown CertificateType",
    action: "ListListenerCertificates", params: { ListenerId: HTTPS_LISTENER, CertificateType: "Client" },
    code: "InvalidParameter", status: 400,
  },
  {
    name: "21 ListenerIds",
    action: "ListListeners", params: { ListenerIds: Array.from({ length: 21 }, (_, i) => `lsn-${i}`) },
    code: "InvalidParameter", status: 400,
  },
];

describe.each(CLIENT_NAMES)("simulator error codes through %s", (client) => {
  const start = useSimulators();

  it.each(SCENARIOS)("answers $code ($status) for $name", async (scenario) => {
    const { simulator, clients } = await start({ fixture: scenario.fixture });
    scenario.setup?.(simulator);
    for (let i = 0; i < (scenario.callsBefore ?? 0); i++) await call(clients, client, scenario.action, scenario.params);
    const outcome = await call(clients, client, scenario.action, scenario.params);
    expect(outcome).toMatchObject({ ok: false, code: scenario.code, status: scenario.status });
    if (scenario.message !== undefined) expect(outcome).toMatchObject({ message: scenario.message });
    expect(simulator.backend.requestLog().at(-1)).toMatchObject({ action: scenario.action, status: scenario.status, code: scenario.code });
  });

  it("answers InvalidParameter for a DryRun that is not a boolean", async () => {
    const { simulator, clients } = await start();
    // The Tea SDK types DryRun as boolean but sends whatever it is given.
    const outcome = await call(clients, client, ASSOCIATE, {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]), DryRun: "maybe",
    });
    expect(outcome).toMatchObject({ ok: false, status: 400, code: "InvalidParameter", message: "The specified parameter DryRun is not valid: it must be true or false." });
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toHaveLength(1);
  });

  it("throttles over a sliding window on the injected clock", async () => {
    const { clients, clock } = await start({ fixture: withLimits({ mutationsPerWindow: 2, rateWindowMs: 10_000 }), jobMs: 0 });
    const associate = (id: string): Promise<unknown> => call(clients, client, ASSOCIATE, { ListenerId: HTTPS_LISTENER, Certificates: certificates([id]) });
    expect(await associate(FREE_CERTS[0])).toMatchObject({ ok: true });
    clock.advance(6_000);
    expect(await associate(FREE_CERTS[1])).toMatchObject({ ok: true });
    clock.advance(3_999);
    expect(await associate(FREE_CERTS[2])).toMatchObject({ ok: false, code: "Throttling.User", status: 400 });
    clock.advance(1); // the first mutation leaves the window
    expect(await associate(FREE_CERTS[2])).toMatchObject({ ok: true });
    // Reads are never throttled.
    await ok(clients, client, "ListListeners", {});
  });
});
