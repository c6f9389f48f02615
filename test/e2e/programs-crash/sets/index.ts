// Any number of ListenerAdditionalCertificates resources, all from stack config, so that every crash,
// concurrency and engine-flow scenario is a `pulumi config set` away:
//   resources   a JSON list of { "name": "...", "listenerId": "lsn-...", "certificateIds": ["..."],
//               "exclusive"?: true, "aliases"?: ["<an earlier name>"],
//               "registerAfterMs"?: 3000,   (declared that much later, as one built from another
//                                            resource's outputs would be: registered after the others)
//               "dependsOn"?: ["<name>"] }   (Pulumi `dependsOn`: applied after those resources)
import * as pulumi from "@pulumi/pulumi";
import { ListenerAdditionalCertificates } from "alb-listener-certificates";

interface Declared {
  name: string;
  listenerId: string;
  certificateIds: string[];
  exclusive?: boolean;
  aliases?: string[];
  registerAfterMs?: number;
  dependsOn?: string[];
}

const config = new pulumi.Config();
const declared = config.requireObject<Declared[]>("resources");

const declare = (d: Declared, dependsOn: pulumi.Resource[]) =>
  new ListenerAdditionalCertificates(
    d.name,
    { listenerId: d.listenerId, certificateIds: d.certificateIds, exclusive: d.exclusive },
    { ...(d.aliases ? { aliases: d.aliases.map((name) => ({ name })) } : {}), ...(dependsOn.length ? { dependsOn } : {}) },
  );

const byName = new Map<string, Promise<ListenerAdditionalCertificates>>();
for (const d of declared) {
  byName.set(
    d.name,
    (async () => {
      await Promise.resolve(); // every name is in the map before any resource looks another one up
      const dependsOn = await Promise.all((d.dependsOn ?? []).map((name) => byName.get(name)!));
      if (d.registerAfterMs) await new Promise((resolve) => setTimeout(resolve, d.registerAfterMs));
      return declare(d, dependsOn);
    })(),
  );
}
const resources = declared.map((d) => pulumi.output(byName.get(d.name)!));

/** name → { certificate ID → live status } */
export const certificates = pulumi
  .all(resources.map((r) => r.apply((resource) => resource.certificates)))
  .apply((maps) => Object.fromEntries(maps.map((m, i) => [declared[i]!.name, m])));
