/**
 * The provider process's stderr: the dynamic-provider host prints every error a method throws as
 * `${error}: ${error.stack}`; for the provider's own errors that print (the message twice, glued by ".:", and a
 * stack trace) is dropped, because the engine shows the message on the resource's error line. A bug keeps
 * its print, and nothing else written to stderr is dropped.
 */
import { describe, expect, it } from "vitest";
import { EndpointError } from "../../provider/base/errors";
import { provider, quietOwnErrors } from "../../provider/runtime";

/** What the host does with a method's error (its catch block), on a recording console. */
async function hostCalls(method: () => Promise<unknown>, output: { error: (...args: unknown[]) => void }): Promise<unknown> {
  try {
    return await method();
  } catch (e) {
    output.error(`${String(e)}: ${(e as Error).stack}`);
    return e;
  }
}

function recording(): { error: (...args: unknown[]) => void; lines: unknown[][] } {
  const lines: unknown[][] = [];
  return { lines, error: (...args: unknown[]) => lines.push(args) };
}

describe("quietOwnErrors", () => {
  const endpointError = () => new EndpointError("http://127.0.0.1:9", "from the stack config alb-listener-certificates:endpoint", "the connection was refused");

  it("drops the host's print of the provider's own error, once, and passes the error on unchanged", async () => {
    const output = recording();
    const thrown = endpointError();
    const provider = quietOwnErrors({ check: async () => Promise.reject(thrown) }, output);
    expect(await hostCalls(() => provider.check(), output)).toBe(thrown);
    expect(output.lines).toEqual([]);
    // The same text printed again (not by the host's catch of a wrapped call) is kept.
    output.error(`${String(thrown)}: ${thrown.stack}`);
    expect(output.lines).toEqual([[`${String(thrown)}: ${thrown.stack}`]]);
  });

  it("drops only that exact print, as the host's one argument: the same text with more arguments is kept", async () => {
    const output = recording();
    const thrown = endpointError();
    const provider = quietOwnErrors({ check: async () => Promise.reject(thrown) }, output);
    await provider.check().catch(() => undefined);
    const print = `${String(thrown)}: ${thrown.stack}`;
    output.error(print, "and more");
    output.error(String(thrown));
    output.error({ print });
    expect(output.lines).toEqual([[print, "and more"], [String(thrown)], [{ print }]]);
    // Still expected once: the host's own print is dropped, a second one is not.
    output.error(print);
    output.error(print);
    expect(output.lines.slice(3)).toEqual([[print]]);
  });

  it("keeps the print of anything that is not the provider's own error: a bug keeps its stack trace", async () => {
    const output = recording();
    const bug = new TypeError("cannot read properties of undefined (reading 'x')");
    const provider = quietOwnErrors({ diff: async () => Promise.reject(bug) }, output);
    expect(await hostCalls(() => provider.diff(), output)).toBe(bug);
    expect(output.lines).toEqual([[`TypeError: cannot read properties of undefined (reading 'x'): ${bug.stack}`]]);
  });

  it("keeps every other line, and returns what the methods return", async () => {
    const output = recording();
    const provider = quietOwnErrors({ create: async (x: number) => ({ id: `lsn-${x}` }), name: "p" }, output);
    expect(await provider.create(1)).toEqual({ id: "lsn-1" });
    expect(provider.name).toBe("p");
    output.error("warning: something else");
    output.error("two", "arguments");
    expect(output.lines).toEqual([["warning: something else"], ["two", "arguments"]]);
  });
});

describe("provider()", () => {
  it("is one provider per process, created on first use, with its own errors' prints dropped", async () => {
    const original = console.error;
    try {
      const first = provider();
      expect(first).toBeDefined();
      expect(provider()).toBe(first);
      expect(typeof first.check).toBe("function");
      expect(console.error).not.toBe(original);
    } finally {
      console.error = original;
    }
  });
});
