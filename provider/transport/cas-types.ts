/**
 * The Certificate Management Service operations this provider needs, in domain types (the client that
 * speaks the wire is `cas-client.ts`). Read-only; nothing here can carry key material.
 */

/** What a certificate is: the parts a reviewer needs to judge a change. */
export interface CertificateDetail {
  /** The ALB certificate ID (CAS `CertIdentifier`), e.g. `23759533-cn-hangzhou`. */
  readonly certificateId: string;
  readonly commonName: string;
  /**
   * Every domain the certificate serves (common name and subject alternative names), normalized (lower case,
   * no trailing dot, IDNs in punycode), without duplicates, in the order the service gave them.
   */
  readonly domains: readonly string[];
  readonly issuer: string;
  /** Validity, epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
}

/** One certificate of a keyword search: its CAS ID and the same facts as a detail. */
export interface CertificateSummary {
  readonly casId: number;
  readonly commonName: string;
  readonly domains: readonly string[];
  readonly notBefore: number;
  readonly notAfter: number;
}

/** The CAS reads of this package. Failures are `AlbApiError`s (code, HTTP status, retry kind), like the ALB client's. */
export interface CasApi {
  /** GetCertificateDetail of one certificate (by its numeric CAS ID). */
  getCertificateDetail(casId: number): Promise<CertificateDetail>;
  /** Every page of ListUserCertificateOrder (`OrderType=CERT`, no status: valid certificates only) for a keyword. */
  listCertificates(keyword: string): Promise<CertificateSummary[]>;
}
