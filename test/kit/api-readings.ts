/**
 * The readings of the real ALB API that the suites run under: the simulator's default, each behaviour switch
 * on its own, and all of them at once (see simulator/behaviour.ts and the table in simulator/README.md).
 */
import type { BehaviourInput } from "../../simulator";

export interface ApiReading {
  readonly name: string;
  readonly behaviour: BehaviourInput;
}

export const API_READINGS: readonly ApiReading[] = [
  { name: "the default reading", behaviour: {} },
  { name: "dissociate limit 15", behaviour: { dissociateLimit15: true } },
  { name: "request limits", behaviour: { requestLimits: true } },
  { name: "unlisted jobs", behaviour: { unlistedJobs: true } },
  { name: "read lag", behaviour: { readLagMs: 3_000 } },
  { name: "lingering rows", behaviour: { lingeringRowsMs: 60_000 } },
  { name: "metadata spelling", behaviour: { metadataSpelling: true } },
  { name: "busy code IncorrectStatus.Listener", behaviour: { busyIncorrectStatus: true } },
  { name: "size-dependent jittered job duration", behaviour: { jobDuration: true } },
  { name: "quota per listener (not per load balancer)", behaviour: { loadBalancerQuota: false } },
  { name: "mutual TLS", behaviour: { mutualTls: true } },
  {
    name: "all of them at once",
    behaviour: {
      dissociateLimit15: true,
      requestLimits: true,
      unlistedJobs: true,
      readLagMs: 3_000,
      lingeringRowsMs: 60_000,
      metadataSpelling: true,
      busyIncorrectStatus: true,
      jobDuration: true,
      mutualTls: true,
    },
  },
];
