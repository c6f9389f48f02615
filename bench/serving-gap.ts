/**
 * The serving gap of a rotation, read from what the simulator recorded (its jobs, with the clock times the
 * request log also carries), never from what a tool says it did.
 *
 * Each domain is served by one certificate before the rotation (`from`) and one after (`to`). A certificate
 * serves its domain from the end of the job that associated it; it may stop serving as soon as a
 * Dissociate naming it is accepted (the listener is `Configuring` and the row `Dissociating` from then on;
 * the service does not say when during the job traffic stops, so the safe reading is: at once). The domain
 * is unserved from the moment `from` may stop until `to` serves: max(0, to's association end − from's
 * dissociation start). A replacement that never became associated leaves the domain unserved until the end
 * of the observed phase.
 */

/** A finished or running job as the simulator shows it (JobView's fields used here). */
export interface JobRecord {
  readonly apiName: string;
  readonly status: string;
  readonly listenerId: string;
  readonly certificateIds: readonly string[];
  /** ms */
  readonly createTime: number;
  /** ms: the end once finished. */
  readonly modifyTime: number;
}

/** One domain's old and new certificate. */
export interface DomainPair {
  readonly domain: string;
  readonly from: string;
  readonly to: string;
}

export interface DomainGap {
  readonly domain: string;
  /** ms the domain had neither certificate; 0 when the new one served before the old one could stop. */
  readonly gapMs: number;
  /** The replacement never became associated within the phase. */
  readonly unserved: boolean;
}

const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";

/**
 * Gaps per domain on `listenerId`, from the jobs the simulator ran within [phaseStart, phaseEnd] (clock ms).
 * A domain whose old certificate was never dissociated has no gap.
 */
export function servingGaps(jobs: readonly JobRecord[], listenerId: string, pairs: readonly DomainPair[], phaseStart: number, phaseEnd: number): DomainGap[] {
  const inPhase = jobs.filter((job) => job.listenerId === listenerId && job.createTime >= phaseStart && job.createTime <= phaseEnd);
  const firstDissociation = (certificateId: string): number | undefined =>
    min(inPhase.filter((job) => job.apiName === DISSOCIATE && job.certificateIds.includes(certificateId)).map((job) => job.createTime));
  const associatedAt = (certificateId: string): number | undefined =>
    min(
      inPhase
        .filter((job) => job.apiName === ASSOCIATE && job.status === "Succeeded" && job.certificateIds.includes(certificateId) && job.modifyTime <= phaseEnd)
        .map((job) => job.modifyTime),
    );
  return pairs.map(({ domain, from, to }) => {
    const stops = firstDissociation(from);
    if (stops === undefined) return { domain, gapMs: 0, unserved: false };
    const serves = associatedAt(to);
    if (serves === undefined) return { domain, gapMs: Math.max(0, phaseEnd - stops), unserved: true };
    return { domain, gapMs: Math.max(0, serves - stops), unserved: false };
  });
}

function min(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.min(...values);
}
