// The team's own records, as typed lists: which certificates exist (and when they expire), and which
// listener serves which domains in which environment. Kept in code here; they could as well be read from a
// JSON or YAML file that a renewal job updates.

/** A certificate of the certificate service. */
export interface CertificateRecord {
  /** Certificate-service ID with its region suffix, as the ALB API lists it. */
  readonly id: string;
  /** The domain it is issued for. */
  readonly domain: string;
  /** End of validity, ISO 8601 in UTC. */
  readonly notAfter: string;
}

export type Environment = "production" | "staging";

/** An HTTPS or QUIC listener and the domains it serves with additional (SNI) certificates. */
export interface ListenerRecord {
  /** Logical name of its ListenerAdditionalCertificates resource. */
  readonly name: string;
  readonly listenerId: string;
  readonly environment: Environment;
  readonly domains: readonly string[];
}

// IDs of the simulator's demo world, so that `pulumi up` runs against it unchanged.
export const CERTIFICATES: readonly CertificateRecord[] = [
  { id: "25112233-cn-hangzhou", domain: "api.example.com", notAfter: "2027-03-01T00:00:00Z" },
  { id: "25209871-cn-hangzhou", domain: "www.example.com", notAfter: "2027-01-15T00:00:00Z" },
  { id: "25346102-cn-hangzhou", domain: "staging.example.com", notAfter: "2026-12-10T00:00:00Z" },
];

export const LISTENERS: readonly ListenerRecord[] = [
  { name: "production-https", listenerId: "lsn-demo-https-443", environment: "production", domains: ["api.example.com", "www.example.com"] },
  { name: "staging-quic", listenerId: "lsn-demo-quic-443", environment: "staging", domains: ["staging.example.com"] },
];
