// Two additional (SNI) certificates on one HTTPS listener. The listener's default certificate is
// managed on the listener itself and must not be listed here.
import * as pulumi from "@pulumi/pulumi";
import { ListenerAdditionalCertificates } from "alb-listener-certificates";

const config = new pulumi.Config();

const sni = new ListenerAdditionalCertificates("api-sni", {
  listenerId: config.get("listenerId") ?? "lsn-demo-https-443",
  certificateIds: config.getObject<string[]>("certificateIds") ?? ["25112233-cn-hangzhou", "25209871-cn-hangzhou"],
});

export const listenerId = sni.listenerId;
// The `certificates` map, not the `certificateIds` array: keyed by ID, its diff reads "+ id" / "- id", not "[0]: a => b".
export const certificates = sni.certificates;
