/**
 * alb-listener-certificates: a Pulumi dynamic provider that owns the set of additional (SNI)
 * certificates on an Alibaba Cloud ALB listener.
 */
export { ListenerAdditionalCertificates, type CertificateInfo, type ListenerAdditionalCertificatesArgs } from "./resource";
export {
  AlbApiError,
  AlbProviderError,
  CredentialsConfigError,
  CredentialsFetchError,
  JobFailedError,
  MissingCredentialsError,
  WaitTimeoutError,
} from "./base/errors";
export { latestCertificate, type LatestCertificateArgs, type LatestCertificateOptions } from "./latest-certificate";
export { NoValidCertificateError } from "./core/latest-certificate";
