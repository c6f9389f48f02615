// Zero-downtime rotation. The set comes from stack config, so a rotation is a one-line change
// reviewed in a pull request:
//
//   pulumi config set --path 'certificateIds[0]' 25112233-cn-hangzhou   # the set, once: [0] and [1]
//   pulumi config set --path 'certificateIds[1]' 25209871-cn-hangzhou
//   pulumi up
//   pulumi config set --path 'certificateIds[0]' 25481937-cn-hangzhou   # the renewed certificate
//   pulumi preview --diff   # shows: + 25481937-cn-hangzhou, - 25112233-cn-hangzhou
//   pulumi up               # associates the new one, waits, then dissociates the old one, waits
//
// The provider always associates before it dissociates, so clients are served by either the old
// or the new certificate at every moment.
import * as pulumi from "@pulumi/pulumi";
import { ListenerAdditionalCertificates } from "alb-listener-certificates";

const config = new pulumi.Config();

const sni = new ListenerAdditionalCertificates("www-sni", {
  listenerId: config.get("listenerId") ?? "lsn-demo-https-443",
  certificateIds: config.getObject<string[]>("certificateIds") ?? ["25112233-cn-hangzhou", "25209871-cn-hangzhou"],
  exclusive: config.getBoolean("exclusive") ?? false,
  waitTimeoutSeconds: config.getNumber("waitTimeoutSeconds") ?? 600,
});

export const listenerId = sni.listenerId;
// The `certificates` map, not the `certificateIds` array: keyed by ID, its diff reads "+ id" / "- id", not "[0]: a => b".
export const certificates = sni.certificates;
