import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { CheckFailedError, EngineStack } from "../kit/engine";

type Props = Record<string, unknown>;

/**
 * A provider that records what the engine asks, in order. Unless `held` is false, creates and updates wait
 * until the test releases them (`finish(name)`), so the test sees what runs at the same time.
 */
function recordingProvider(options: { failCreate?: Record<string, unknown>; failCheck?: string; held?: boolean } = {}) {
  const events: string[] = [];
  const pending = new Map<string, () => void>();
  const hold = (name: string): Promise<void> =>
    options.held === false ? Promise.resolve() : new Promise<void>((resolve) => pending.set(name, resolve));
  const provider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: Props, news: Props) {
      events.push(`check ${String(news.resourceName)}`);
      if (news.resourceName === options.failCheck) return { failures: [{ property: "certificateIds", reason: "bad" }] };
      return { inputs: { ...news } };
    },
    async diff(_id: string, olds: Props, news: Props) {
      events.push(`diff ${String(news.resourceName)}`);
      if (olds.listenerId !== news.listenerId) return { changes: true, replaces: ["listenerId"] };
      return { changes: JSON.stringify(olds.set) !== JSON.stringify(news.set) };
    },
    async create(inputs: Props) {
      const name = String(inputs.resourceName);
      events.push(`create ${name} starts`);
      await hold(name);
      const failure = options.failCreate?.[name];
      if (failure !== undefined) throw failure;
      events.push(`create ${name} ends`);
      return { id: `id-${name}`, outs: { ...inputs } };
    },
    async update(_id: string, _olds: Props, news: Props) {
      const name = String(news.resourceName);
      events.push(`update ${name} starts`);
      await hold(name);
      events.push(`update ${name} ends`);
      return { outs: { ...news } };
    },
    async delete(id: string) {
      events.push(`delete ${id}`);
    },
    async read(id: string, props: Props) {
      events.push(`read ${id}`);
      return id === "id-gone" ? {} : { id, props: { ...props, read: true } };
    },
  };
  /** Releases the create or update of `name` once it has started. */
  const finish = async (name: string): Promise<void> => {
    while (!pending.has(name)) await new Promise<void>((resolve) => setImmediate(resolve));
    pending.get(name)!();
    pending.delete(name);
  };
  return { provider, events, finish };
}

const declared = (name: string, set: string[], listenerId = "lsn-1") => ({ name, args: { listenerId, set } });

describe("EngineStack (the test kit's engine stand-in)", () => {
  it("checks and diffs in program order, runs the steps in parallel as they are planned, and deletes last", async () => {
    const { provider, events, finish } = recordingProvider();
    const stack = new EngineStack(provider);
    const first = stack.upOrThrow([declared("a", ["x"]), declared("b", ["y"]), declared("gone", [])]);
    await finish("a");
    await finish("b");
    await finish("gone");
    expect(await first).toEqual({ a: "create", b: "create", gone: "create" });
    events.length = 0;

    const second = stack.up([declared("a", ["x", "z"]), declared("b", ["y"]), declared("c", ["w"])]);
    await finish("c");
    await finish("a");
    expect(await second).toEqual({ ops: { a: "update", b: "same", c: "create", gone: "delete" }, failures: [] });
    expect(events).toEqual([
      "check a", "diff a", "update a starts",
      "check b", "diff b",
      "check c", "create c starts",
      "create c ends", "update a ends",
      "delete id-gone",
    ]);
    expect([...stack.state.keys()]).toEqual(["a", "b", "c"]);
  });

  it("replaces by creating first and deleting the old half last", async () => {
    const { provider, events, finish } = recordingProvider();
    const stack = new EngineStack(provider);
    const created = stack.upOrThrow([declared("a", ["x"])]);
    await finish("a");
    await created;
    events.length = 0;
    const moved = stack.up([declared("a", ["x"], "lsn-2")]);
    await finish("a");
    expect(await moved).toEqual({ ops: { a: "replace" }, failures: [] });
    expect(events).toEqual(["check a", "diff a", "create a starts", "create a ends", "delete id-a"]);
  });

  it("after a failed step starts nothing more and deletes nothing; a create failing with id and properties stays in state", async () => {
    const initFailure = Object.assign(new Error("job failed"), { id: "id-a", properties: { set: ["x"] } });
    const { provider, events } = recordingProvider({ failCreate: { a: initFailure }, held: false });
    const stack = new EngineStack(provider);
    stack.state.set("old", { id: "id-old", inputs: {}, outputs: {} });
    const result = await stack.up([declared("a", ["x"]), declared("b", ["y"])]);
    expect(result.ops).toEqual({});
    expect(result.failures).toEqual([{ name: "a", op: "create", error: initFailure }]);
    expect(events).toEqual(["check a", "create a starts"]);
    expect(stack.state.get("a")).toEqual({ id: "id-a", inputs: { listenerId: "lsn-1", set: ["x"], resourceName: "a" }, outputs: { set: ["x"] } });
    expect(stack.state.has("old")).toBe(true);
    await expect(stack.upOrThrow([])).resolves.toEqual({ a: "delete", old: "delete" });
  });

  it("previews without applying, stops at a check failure, and the OrThrow forms throw it", async () => {
    const { provider, events, finish } = recordingProvider({ failCheck: "bad" });
    const stack = new EngineStack(provider);
    const created = stack.upOrThrow([declared("a", ["x"]), declared("old", ["o"])]);
    await finish("a");
    await finish("old");
    await created;
    events.length = 0;
    expect(await stack.preview([declared("a", ["x", "y"]), declared("new", ["n"])])).toEqual({ ops: { a: "update", new: "create", old: "delete" }, failures: [] });
    expect(events).toEqual(["check a", "diff a", "check new"]);
    const failed = await stack.preview([declared("bad", []), declared("a", ["x"])]);
    expect(failed.failures.map((f) => [f.name, f.op, (f.error as Error).message])).toEqual([["bad", "check", "certificateIds: bad"]]);
    const previewRefusal = stack.previewOrThrow([declared("bad", [])]);
    await expect(previewRefusal).rejects.toBeInstanceOf(CheckFailedError);
    await expect(previewRefusal).rejects.toThrow("certificateIds: bad");
    await expect(stack.upOrThrow([declared("bad", [])])).rejects.toThrow("certificateIds: bad");
    expect([...stack.state.keys()]).toEqual(["a", "old"]);
  });

  it("refreshes every resource: read outputs replace the stored ones, a resource read without an ID leaves state", async () => {
    const { provider } = recordingProvider();
    const stack = new EngineStack(provider);
    stack.state.set("kept", { id: "id-kept", inputs: { in: 1 }, outputs: { out: 1 } });
    stack.state.set("gone", { id: "id-gone", inputs: {}, outputs: {} });
    await stack.refreshOrThrow();
    expect([...stack.state]).toEqual([["kept", { id: "id-kept", inputs: { in: 1 }, outputs: { out: 1, read: true } }]]);
  });

  it("gives every operation a fresh provider when given a factory", async () => {
    let made = 0;
    const stack = new EngineStack(() => {
      made++;
      return recordingProvider().provider;
    });
    await stack.preview([]);
    await stack.refresh();
    await stack.destroy();
    expect(made).toBe(3);
  });
});
