// Certificates that follow their renewals. Each entry of the set is the newest certificate in the
// Certificate Management Service that is valid now and covers the host (exactly, or by a wildcard one label
// up), looked up at every preview and update. When a renewal is uploaded, the next `pulumi up` associates it,
// waits until the listener serves it, then dissociates the old one: run `pulumi up` on a schedule (see
// examples/github-actions/renew-certificates.yml) and renewals reach the listener with no change to the code.
//
//   pulumi config set alicloud:region cn-hangzhou
//   pulumi up
//
// The lookup needs the RAM actions yundun-cert:ListUserCertificateOrder and yundun-cert:GetCertificateDetail
// besides the listener's; docs/renewals.md says what is listed and how the newest is chosen.
import * as pulumi from "@pulumi/pulumi";
import { latestCertificate, ListenerAdditionalCertificates } from "alb-listener-certificates";

const config = new pulumi.Config();
// Optional: the Certificate Management Service site that holds the certificates ("cn-hangzhou" or
// "ap-southeast-1"); by default the one of the region (cn-… regions: cn-hangzhou).
const site = config.get("site") as "cn-hangzhou" | "ap-southeast-1" | undefined;

const sni = new ListenerAdditionalCertificates("shop-sni", {
  listenerId: config.get("listenerId") ?? "lsn-demo-https-443",
  certificateIds: [latestCertificate({ domain: "shop.example.com", site }), latestCertificate({ domain: "api.example.com", site })],
});

export const listenerId = sni.listenerId;
// Keyed by ID: a renewal shows as "+ new-id" and "- old-id".
export const certificates = sni.certificates;
