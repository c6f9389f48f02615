/**
 * A stand-in for the Pulumi engine driving one stack's dynamic resources: resources are checked and
 * diffed one after another in program order (the step generator), their creates and updates run in
 * parallel as soon as they are planned (the step executor at its default parallelism), and once they all
 * finished, resources no longer declared (and the old halves of replacements) are deleted, unless a step
 * failed (then the deployment stops scheduling, as `pulumi up` does).
 *
 * State follows the engine's rules: a create that fails with the "created but failed to initialize"
 * shape (`id` + `properties`) or an update that does (partial failure) is recorded with those properties;
 * any other failed create leaves nothing, any other failed update or delete leaves the old state.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A resource as the program declares it. */
export interface Declared {
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** A resource as the stack's state holds it. */
export interface ResourceState {
  readonly id: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
}

export type StepOp = "create" | "update" | "same" | "replace" | "delete";

/** One failed step of an `up`. */
export interface StepFailure {
  readonly name: string;
  readonly op: "check" | "diff" | "refresh" | StepOp;
  readonly error: unknown;
}

/** What an `up` did. */
export interface UpResult {
  readonly ops: Readonly<Record<string, StepOp>>;
  readonly failures: readonly StepFailure[];
}

/** A check that returned failures. */
export class CheckFailedError extends Error {
  override name = "CheckFailedError";
  constructor(readonly failures: readonly { readonly property: string; readonly reason: string }[]) {
    super(failures.map((f) => `${f.property}: ${f.reason}`).join("\n"));
  }
}

interface InitFailure {
  readonly id?: unknown;
  readonly properties?: unknown;
}

function initFailureState(error: unknown, inputs: Record<string, unknown>): ResourceState | undefined {
  const e = error as InitFailure | null;
  if (e === null || typeof e !== "object" || typeof e.id !== "string" || e.id === "") return undefined;
  const outputs = typeof e.properties === "object" && e.properties !== null ? (e.properties as Record<string, unknown>) : {};
  return { id: e.id, inputs, outputs };
}

/**
 * One stack: its state, and the provider that serves it. Given a factory, every deployment (`up`,
 * `refresh`) gets a fresh provider, as the engine starts a fresh provider process for each; given an
 * instance, that one provider serves every deployment.
 */
export class EngineStack {
  readonly state = new Map<string, ResourceState>();

  constructor(private readonly providers: pulumi.dynamic.ResourceProvider | (() => pulumi.dynamic.ResourceProvider)) {}

  private provider(): pulumi.dynamic.ResourceProvider {
    return typeof this.providers === "function" ? this.providers() : this.providers;
  }

  private static async check(provider: pulumi.dynamic.ResourceProvider, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result = await provider.check!(olds, news);
    if (result.failures && result.failures.length > 0) {
      throw new CheckFailedError(result.failures.map((f) => ({ property: f.property, reason: f.reason })));
    }
    return (result.inputs ?? news) as Record<string, unknown>;
  }

  /**
   * Like `pulumi up`, in the engine's order: resources are registered in program order, each checked
   * and diffed in turn (the step generator), and its create or update starts right away and runs in
   * parallel with the others; once all finished, resources no longer declared are deleted (in
   * parallel). After a failure no new step starts and nothing is deleted. Never throws: failures are
   * returned.
   */
  async up(declared: readonly Declared[]): Promise<UpResult> {
    const provider = this.provider();
    const ops: Record<string, StepOp> = {};
    const failures: StepFailure[] = [];
    const replaced: ResourceState[] = [];
    const steps: Promise<void>[] = [];
    const step = async (name: string, op: StepOp, run: () => Promise<void>, checked: Record<string, unknown>): Promise<void> => {
      try {
        await run();
        ops[name] = op;
      } catch (error) {
        if (op !== "replace") {
          const partial = initFailureState(error, checked);
          if (partial) this.state.set(name, partial);
        }
        failures.push({ name, op, error });
      }
    };

    for (const resource of declared) {
      // The next registration reaches the engine (over gRPC) after the steps already planned have started.
      if (steps.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (failures.length > 0) break; // the engine schedules nothing more after an error
      const news = { ...resource.args, resourceName: resource.name };
      const old = this.state.get(resource.name);
      let checked: Record<string, unknown>;
      try {
        checked = await EngineStack.check(provider, old?.inputs ?? {}, news);
      } catch (error) {
        failures.push({ name: resource.name, op: "check", error });
        break;
      }
      if (!old) {
        steps.push(step(resource.name, "create", async () => {
          const created = await provider.create(checked);
          this.state.set(resource.name, { id: created.id, inputs: checked, outputs: created.outs ?? {} });
        }, checked));
        continue;
      }
      let diff: pulumi.dynamic.DiffResult;
      try {
        diff = await provider.diff!(old.id, old.outputs, checked);
      } catch (error) {
        failures.push({ name: resource.name, op: "diff", error });
        break;
      }
      if (diff.replaces && diff.replaces.length > 0) {
        steps.push(step(resource.name, "replace", async () => {
          const created = await provider.create(checked);
          replaced.push(old);
          this.state.set(resource.name, { id: created.id, inputs: checked, outputs: created.outs ?? {} });
        }, checked));
      } else if (diff.changes === false) {
        ops[resource.name] = "same";
      } else {
        steps.push(step(resource.name, "update", async () => {
          const updated = await provider.update!(old.id, old.outputs, checked);
          this.state.set(resource.name, { id: old.id, inputs: checked, outputs: updated.outs ?? {} });
        }, checked));
      }
    }
    await Promise.all(steps);
    if (failures.length > 0) return { ops, failures };

    const doomed: { name?: string; state: ResourceState }[] = [
      ...replaced.map((state) => ({ state })),
      ...[...this.state].filter(([name]) => !declared.some((d) => d.name === name)).map(([name, state]) => ({ name, state })),
    ];
    await Promise.all(doomed.map(async ({ name, state }) => {
      try {
        await provider.delete!(state.id, state.outputs);
        if (name !== undefined) {
          this.state.delete(name);
          ops[name] = "delete";
        }
      } catch (error) {
        failures.push({ name: name ?? `${state.id} (replaced)`, op: "delete", error });
      }
    }));
    return { ops, failures };
  }

  /**
   * Like `pulumi refresh`: reads every resource, in parallel. A resource whose read returns no ID is
   * dropped; returned inputs replace the stored ones. Failures are returned and leave the state as it was.
   */
  async refresh(): Promise<UpResult> {
    const provider = this.provider();
    const failures: StepFailure[] = [];
    await Promise.all([...this.state].map(async ([name, current]) => {
      try {
        const result = await provider.read!(current.id, current.outputs);
        if (!result.id) {
          this.state.delete(name);
          return;
        }
        this.state.set(name, {
          id: result.id,
          inputs: (result.inputs ?? current.inputs) as Record<string, unknown>,
          outputs: (result.props ?? {}) as Record<string, unknown>,
        });
      } catch (error) {
        failures.push({ name, op: "refresh", error });
      }
    }));
    return { ops: {}, failures };
  }

  /** Like `pulumi destroy`. */
  async destroy(): Promise<UpResult> {
    return this.up([]);
  }
}
