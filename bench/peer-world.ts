/**
 * The side-by-side benchmark's world, shared by the real runs (bench/peer-bench.ts) and the model's
 * (bench/peer-model.ts); both read the request log with test/kit/request-log.ts (`callsByAction`, `apiSpan`).
 */
import type { Fixture } from "../simulator";
import { benchCertificates, benchFixture } from "./bench-fixture";

/** One listener, no additional certificate; the catalogue holds the two generations the phases declare. */
export function peerFixture(k: number): Fixture {
  const base = benchFixture({ listeners: 1, certificates: k });
  const { behaviour: _benchProfile, ...rest } = base;
  return { ...rest, listeners: (base.listeners ?? []).map((listener) => ({ ...listener, additionalCertificateIds: [] })) };
}

/** The sets of listener 0: generation 0 (created), generation 1 (rotated to); domain i is served by certificate i of each. */
export function peerSets(k: number): [string[], string[]] {
  return [benchCertificates(0, 0, k), benchCertificates(0, 1, k)];
}
