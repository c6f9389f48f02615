// One ListenerAdditionalCertificates resource, configured entirely from stack config so that every
// end-to-end scenario is a `pulumi config set` away:
//   listenerId       the listener (required)
//   certificateIds   the set, as a JSON list (required; may be [])
//   resourceName     the resource's logical name (default "sni"; the rename scenario changes it)
//   exclusive        optional boolean
//   secretSet        optional boolean: declare the set as a secret
//   latestFor        optional JSON list of domains: each adds latestCertificate({ domain }) to the set
//   domainCoverage   optional "warn" | "error" | "off"
//   expiryWarningDays optional number
import * as pulumi from "@pulumi/pulumi";
import { latestCertificate, ListenerAdditionalCertificates } from "alb-listener-certificates";

const config = new pulumi.Config();
const declared = config.requireObject<string[]>("certificateIds");
const latest = (config.getObject<string[]>("latestFor") ?? []).map((domain) => latestCertificate({ domain }));
const ids: pulumi.Input<pulumi.Input<string>[]> = latest.length > 0 ? [...declared, ...latest] : declared;

const sni = new ListenerAdditionalCertificates(config.get("resourceName") ?? "sni", {
  listenerId: config.require("listenerId"),
  certificateIds: config.getBoolean("secretSet") ? pulumi.secret(ids) : ids,
  exclusive: config.getBoolean("exclusive"),
  domainCoverage: config.get("domainCoverage") as "warn" | "error" | "off" | undefined,
  expiryWarningDays: config.getNumber("expiryWarningDays"),
});

export const listenerId = sni.listenerId;
export const certificates = sni.certificates;
export const certificateIds = sni.certificateIds;
export const certificateInfo = sni.certificateInfo;
