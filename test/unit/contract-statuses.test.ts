/**
 * The certificate statuses of the API contract: which mean a job is still running on a certificate, in both
 * spellings of "dissociating" (the Dissociate document's `Dissociating`, the API metadata's `Diassociating`),
 * and what the provider does with a row in each. Status values are spelled literally: they are what the
 * service sends, not the contract module's names for them.
 */
import { describe, expect, it } from "vitest";
import { isDissociatingStatus, isPresentStatus, isTransitionalStatus } from "../../contract/alb-contract";
import { WaitTimeoutError } from "../../provider/base/errors";
import { setup } from "../kit/fake-alb";

describe("certificate statuses", () => {
  it.each([
    // status, job running, dissociating, served (or about to be)
    ["Associating", true, false, true],
    ["Associated", false, false, true],
    ["Dissociating", true, true, false],
    ["Diassociating", true, true, false],
    ["Dissociated", false, false, false],
    ["", false, false, false],
    ["Something new", false, false, false],
  ] as const)("%j: job running %s, dissociating %s, present %s", (status, transitional, dissociating, present) => {
    expect(isTransitionalStatus(status)).toBe(transitional);
    expect(isDissociatingStatus(status)).toBe(dissociating);
    expect(isPresentStatus(status)).toBe(present);
  });

  it.each([
    // status shown, the row as the service holds it, the metadataSpelling behaviour
    ["Dissociating", "Dissociating", false],
    ["Diassociating", "Dissociating", true],
    ["Associating", "Associating", false],
  ] as const)("an apply waits while another writer's row is %s, and does not send anything", async (status, held, metadataSpelling) => {
    const { api, clock, request, mutations } = setup();
    api.backend.setBehaviour({ ...api.backend.behaviour, metadataSpelling });
    api.rows.set("other-writer", held);
    const started = clock.now();
    const error = await request(["cert-a"], [], { deadlineAt: started + 5_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain(`other-writer ${status}`);
    expect(mutations()).toEqual([]);
  });

  it.each(["Associated", "Dissociated"] as const)("an apply does not wait for a row that is %s", async (status) => {
    const { api, request, mutations } = setup();
    api.rows.set("other-writer", status);
    await request(["cert-a"]);
    expect(mutations()).toEqual(["associate cert-a token=t1"]);
  });
});
