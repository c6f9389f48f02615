// N listeners × K certificates, as the benchmark's simulator world holds them (bench/bench-fixture.ts
// computes the same IDs: keep the two in step). Stack config (namespace alb-bench):
//   listeners    N, the listeners lsn-bench-0000 … (one resource each)
//   certificates K, the certificates per listener
//   generation   0 or 1: which of the listener's two certificate sets it declares
//   readCertificateDetails  optional: `false` gives every resource readCertificateDetails: false (no CAS
//                is read); unset, the resources leave the input out (the provider's default: details read)
import * as pulumi from "@pulumi/pulumi";
import { ListenerAdditionalCertificates } from "alb-listener-certificates";

const config = new pulumi.Config();
const listeners = config.requireNumber("listeners");
const certificates = config.requireNumber("certificates");
const generation = config.requireNumber("generation");
const readCertificateDetails = config.getBoolean("readCertificateDetails");

const listenerId = (i: number): string => `lsn-bench-${String(i).padStart(4, "0")}`;
const certificateId = (i: number, g: number, j: number): string => `${31_000_000 + i * 1_000 + g * 500 + j}-cn-hangzhou`;

for (let i = 0; i < listeners; i++) {
  new ListenerAdditionalCertificates(`sni-${i}`, {
    listenerId: listenerId(i),
    certificateIds: Array.from({ length: certificates }, (_, j) => certificateId(i, generation, j)),
    ...(readCertificateDetails === undefined ? {} : { readCertificateDetails }),
  });
}

export const resources = listeners;
