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
// A map keyed by certificate ID: a change shows as added and removed IDs, never as shifted positions.
export const certificates = sni.certificates;
