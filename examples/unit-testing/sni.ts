// Declares one ListenerAdditionalCertificates per listener, with the certificates of the domains it serves.
import * as pulumi from "@pulumi/pulumi";
import { ListenerAdditionalCertificates } from "alb-listener-certificates";
import type { CertificateRecord, ListenerRecord } from "./catalogue";

export function declareSni(listeners: readonly ListenerRecord[], certificates: readonly CertificateRecord[]): ListenerAdditionalCertificates[] {
  return listeners.map(
    (listener) =>
      new ListenerAdditionalCertificates(listener.name, {
        listenerId: listener.listenerId,
        certificateIds: certificates.filter((c) => listener.domains.includes(c.domain)).map((c) => c.id),
      }),
  );
}

/** Listener ID → the certificate IDs its resource declares (sorted). */
export function certificateIdsByListener(resources: readonly ListenerAdditionalCertificates[]): pulumi.Output<Record<string, string[]>> {
  return pulumi
    .all(resources.map((r) => pulumi.all([r.listenerId, r.certificateIds])))
    .apply((rows) => Object.fromEntries(rows));
}
