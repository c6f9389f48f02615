// Any number of ListenerAdditionalCertificates resources, all from stack config, so that every crash and
// concurrency scenario is a `pulumi config set` away:
//   resources   a JSON list of { "name": "...", "listenerId": "lsn-...", "certificateIds": ["..."] }
import * as pulumi from "@pulumi/pulumi";
import { ListenerAdditionalCertificates } from "alb-listener-certificates";

interface Declared {
  name: string;
  listenerId: string;
  certificateIds: string[];
}

const config = new pulumi.Config();
const declared = config.requireObject<Declared[]>("resources");

const resources = declared.map(
  (d) => new ListenerAdditionalCertificates(d.name, { listenerId: d.listenerId, certificateIds: d.certificateIds }),
);

/** name → { certificate ID → live status } */
export const certificates = pulumi
  .all(resources.map((r) => r.certificates))
  .apply((maps) => Object.fromEntries(maps.map((m, i) => [declared[i]!.name, m])));
