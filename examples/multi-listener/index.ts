// One resource per listener: the HTTPS listener and its QUIC twin serve the same SNI set. The
// resources run in parallel; changes to one listener are queued so they never collide.
import * as pulumi from "@pulumi/pulumi";
import { ListenerAdditionalCertificates } from "alb-listener-certificates";

const config = new pulumi.Config();
const listenerIds = config.getObject<string[]>("listenerIds") ?? ["lsn-demo-https-443", "lsn-demo-quic-443"];
const certificateIds = config.getObject<string[]>("certificateIds") ?? ["25481937-cn-hangzhou", "25590214-cn-hangzhou", "25677345-cn-hangzhou"];

const sets = listenerIds.map(
  (listenerId) => new ListenerAdditionalCertificates(`sni-${listenerId}`, { listenerId, certificateIds }),
);

// Each listener's `certificates` map, not its `certificateIds` array: keyed by ID, a diff reads "+ id" / "- id", not "[0]: a => b".
export const listeners = pulumi
  .all(sets.map((s) => pulumi.all([s.listenerId, s.certificates])))
  .apply((rows) => Object.fromEntries(rows.map(([listenerId, certificates]) => [listenerId, certificates])));
