// One ListenerAdditionalCertificates resource, configured entirely from stack config so that every
// end-to-end scenario is a `pulumi config set` away:
//   listenerId       the listener (required)
//   certificateIds   the set, as a JSON list (required; may be [])
//   resourceName     the resource's logical name (default "sni"; the rename scenario changes it)
//   exclusive        optional boolean
//   secretSet        optional boolean: declare the set as a secret
import * as pulumi from "@pulumi/pulumi";
import { ListenerAdditionalCertificates } from "alb-listener-certificates";

const config = new pulumi.Config();

const sni = new ListenerAdditionalCertificates(config.get("resourceName") ?? "sni", {
  listenerId: config.require("listenerId"),
  certificateIds: config.getBoolean("secretSet")
    ? pulumi.secret(config.requireObject<string[]>("certificateIds"))
    : config.requireObject<string[]>("certificateIds"),
  exclusive: config.getBoolean("exclusive"),
});

export const listenerId = sni.listenerId;
export const certificates = sni.certificates;
export const certificateIds = sni.certificateIds;
