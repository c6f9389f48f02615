import { describe, expect, it } from "vitest";
import { AlbApiError, WaitTimeoutError } from "../../provider/base/errors";
import { isRetryable as isRetryableCode } from "../../contract/alb-contract";
import { backoffDelayMs, withRetry } from "../../provider/core/retry";
import { sequenceRandom, VirtualClock } from "../kit/clock";

const apiError = (code: string, httpStatus = 400) =>
  new AlbApiError({ code, action: "AssociateAdditionalCertificatesWithListener", apiMessage: "m", httpStatus, retryable: isRetryableCode(code, httpStatus) });

describe("isRetryableCode", () => {
  it.each(["Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable", "SystemBusy", "IncorrectStatus.Listener", "ResourceInConfiguring.Listener", "NetworkError", "Timeout", "IdempotenceProcessing"])(
    "retries %s",
    (code) => expect(isRetryableCode(code, 400)).toBe(true),
  );
  it.each(["OperationDenied.DefaultCertificateUsed", "OperationDenied.HttpListenerNotSupport", "ResourceNotFound.Listener", "ResourceNotFound.Certificate", "ResourceNotAssociated.Certificate", "SignatureDoesNotMatch", "InvalidParameter"])(
    "does not retry %s",
    (code) => expect(isRetryableCode(code, 400)).toBe(false),
  );
  it("retries any 5xx", () => expect(isRetryableCode("Whatever", 502)).toBe(true));
});

describe("backoffDelayMs", () => {
  it("grows exponentially within [min, cap] with full jitter", () => {
    const opts = { minDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, opts, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelayMs(5, opts, () => 0)).toBe(100);
  });
});

describe("withRetry", () => {
  it("retries transient errors and returns the eventual result", async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw apiError("Throttling.User");
        return "ok";
      },
      { clock, random: sequenceRandom([1]), deadlineAt: clock.now() + 60_000, what: "x", minDelayMs: 500, maxDelayMs: 10_000 },
    );
    expect(result).toBe("ok");
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it("does not retry a permanent error", async () => {
    const clock = new VirtualClock();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw apiError("OperationDenied.DefaultCertificateUsed");
        },
        { clock, random: Math.random, deadlineAt: clock.now() + 60_000, what: "x", minDelayMs: 500, maxDelayMs: 10_000 },
      ),
    ).rejects.toMatchObject({ code: "OperationDenied.DefaultCertificateUsed" });
    expect(calls).toBe(1);
  });

  it("gives up with a WaitTimeoutError before the deadline would be passed", async () => {
    const clock = new VirtualClock();
    const thrown: unknown[] = [];
    const error = await withRetry(
      async () => {
        const refusal = apiError("IncorrectStatus.Listener");
        thrown.push(refusal);
        throw refusal;
      },
      { clock, random: () => 1, deadlineAt: clock.now() + 5_000, what: "the listener", minDelayMs: 1000, maxDelayMs: 1000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).attempts).toBe(6);
    // The last refusal is the timeout's cause (the first five were retried).
    expect(thrown).toHaveLength(6);
    expect((error as Error).cause).toBe(thrown[5]);
    expect((error as Error).message).toMatch(/waiting for the listener/);
    expect(clock.sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
  });
});
