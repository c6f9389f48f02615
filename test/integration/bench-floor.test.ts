/**
 * The benchmark's targets can fail: the floor comes from the simulator (its batch limits and job model),
 * so a provider that batches fewer certificates than the service accepts, polls twice as often, or adds a
 * second validation dry run misses named targets of `npm run bench` (its provider-direct mode). Each mutant
 * is the real provider with one module replaced, run through the bench's own direct rotation and targets.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

type Defaults = typeof import("../../provider/base/defaults");
type Client = typeof import("../../provider/transport/alb-client");

/** Runs the bench's direct rotation of K certificates (T = 10 s, virtual time) and returns its failed targets. */
async function failedTargets(k: number): Promise<string[]> {
  const { directRotation } = await import("../../bench/bench-direct");
  const { directChecks } = await import("../../bench/targets");
  const result = await directRotation(k, 10_000);
  return directChecks(result, "T=10.0 s virtual").filter((c) => !c.pass).map((c) => c.name);
}

function mockDefaults(change: (actual: Defaults) => Record<string, number>): void {
  vi.doMock("../../provider/base/defaults", async (importOriginal) => {
    const actual = await importOriginal<Defaults>();
    return { ...actual, ...change(actual) };
  });
}

afterEach(() => {
  vi.doUnmock("../../provider/base/defaults");
  vi.doUnmock("../../provider/transport/alb-client");
  vi.resetModules();
});

describe("the benchmark's floor is the service's, not the provider's", () => {
  it("the provider as it is meets every target at K = 1 and K = 20", async () => {
    vi.resetModules();
    expect(await failedTargets(1)).toEqual([]);
    expect(await failedTargets(20)).toEqual([]);
  });

  it("5 certificates per call instead of 15 misses the mutation-call minimum and the wall target", async () => {
    vi.resetModules();
    mockDefaults(() => ({ ASSOCIATE_BATCH_MAX: 5, DISSOCIATE_BATCH_MAX: 5 }));
    expect(await failedTargets(20)).toEqual([
      "one listener, K=20, provider direct (T=10.0 s virtual): wall ≤ 1.10 × floor + 1.0 s",
      "one listener, K=20, provider direct: mutation calls = minimum",
      "one listener, K=20, provider direct: validation dry runs ≤ one per Associate batch",
    ]);
  });

  it("polling twice as often misses the poll budget", async () => {
    vi.resetModules();
    mockDefaults((d) => ({
      POLL_MIN_DELAY_MS: d.POLL_MIN_DELAY_MS / 2,
      POLL_MAX_DELAY_MS: d.POLL_MAX_DELAY_MS / 2,
      POLL_STEP_FRACTION: d.POLL_STEP_FRACTION / 2,
      POLL_STEP_MIN_MS: d.POLL_STEP_MIN_MS / 2,
      POLL_STEP_MAX_MS: d.POLL_STEP_MAX_MS / 2,
    }));
    expect(await failedTargets(1)).toEqual(["one listener, K=1, provider direct: polls per job ≤ 8"]);
  });

  it("a second validation dry run misses the dry-run target", async () => {
    vi.resetModules();
    vi.doMock("../../provider/transport/alb-client", async (importOriginal) => {
      const actual = await importOriginal<Client>();
      const createAlbClient: Client["createAlbClient"] = (options) => {
        const api = actual.createAlbClient(options);
        return {
          ...api,
          associateAdditionalCertificates: async (listenerId, ids, opts) => {
            if (opts.dryRun) await api.associateAdditionalCertificates(listenerId, ids, opts);
            return api.associateAdditionalCertificates(listenerId, ids, opts);
          },
        };
      };
      return { ...actual, createAlbClient };
    });
    expect(await failedTargets(20)).toEqual(["one listener, K=20, provider direct: validation dry runs ≤ one per Associate batch"]);
  });
});
