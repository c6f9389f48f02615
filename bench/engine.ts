/**
 * A stand-in for the Pulumi engine driving one stack's dynamic resources, as it does at its default
 * parallelism: every declared resource runs check → diff → create/update concurrently with the others;
 * once they all finished, resources no longer declared (and the old halves of replacements) are deleted,
 * unless a step failed (then the deployment stops before its deletes, as `pulumi up` does).
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

/** One stack: its state and the provider process that serves it. */
export class EngineStack {
  readonly state = new Map<string, ResourceState>();

  constructor(private readonly provider: pulumi.dynamic.ResourceProvider) {}

  private async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result = await this.provider.check!(olds, news);
    if (result.failures && result.failures.length > 0) {
      throw new CheckFailedError(result.failures.map((f) => ({ property: f.property, reason: f.reason })));
    }
    return (result.inputs ?? news) as Record<string, unknown>;
  }

  /** Like `pulumi up` (resources in parallel, deletes last). Never throws: failures are returned. */
  async up(declared: readonly Declared[]): Promise<UpResult> {
    const ops: Record<string, StepOp> = {};
    const failures: StepFailure[] = [];
    const replaced: ResourceState[] = [];

    await Promise.all(declared.map(async (resource) => {
      const news = { ...resource.args, resourceName: resource.name };
      const old = this.state.get(resource.name);
      let checked: Record<string, unknown>;
      try {
        checked = await this.check(old?.inputs ?? {}, news);
      } catch (error) {
        failures.push({ name: resource.name, op: "check", error });
        return;
      }
      if (!old) {
        try {
          const created = await this.provider.create(checked);
          this.state.set(resource.name, { id: created.id, inputs: checked, outputs: created.outs ?? {} });
          ops[resource.name] = "create";
        } catch (error) {
          const partial = initFailureState(error, checked);
          if (partial) this.state.set(resource.name, partial);
          failures.push({ name: resource.name, op: "create", error });
        }
        return;
      }
      let diff: pulumi.dynamic.DiffResult;
      try {
        diff = await this.provider.diff!(old.id, old.outputs, checked);
      } catch (error) {
        failures.push({ name: resource.name, op: "diff", error });
        return;
      }
      if (diff.replaces && diff.replaces.length > 0) {
        try {
          const created = await this.provider.create(checked);
          replaced.push(old);
          this.state.set(resource.name, { id: created.id, inputs: checked, outputs: created.outs ?? {} });
          ops[resource.name] = "replace";
        } catch (error) {
          failures.push({ name: resource.name, op: "replace", error });
        }
      } else if (diff.changes === false) {
        ops[resource.name] = "same";
      } else {
        try {
          const updated = await this.provider.update!(old.id, old.outputs, checked);
          this.state.set(resource.name, { id: old.id, inputs: checked, outputs: updated.outs ?? {} });
          ops[resource.name] = "update";
        } catch (error) {
          const partial = initFailureState(error, checked);
          if (partial) this.state.set(resource.name, partial);
          failures.push({ name: resource.name, op: "update", error });
        }
      }
    }));
    if (failures.length > 0) return { ops, failures };

    const doomed: { name?: string; state: ResourceState }[] = [
      ...replaced.map((state) => ({ state })),
      ...[...this.state].filter(([name]) => !declared.some((d) => d.name === name)).map(([name, state]) => ({ name, state })),
    ];
    await Promise.all(doomed.map(async ({ name, state }) => {
      try {
        await this.provider.delete!(state.id, state.outputs);
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
    const failures: StepFailure[] = [];
    await Promise.all([...this.state].map(async ([name, current]) => {
      try {
        const result = await this.provider.read!(current.id, current.outputs);
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
