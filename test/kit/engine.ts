/**
 * The test kit's one stand-in for the Pulumi engine driving one stack's dynamic resources, in the engine's
 * order: resources are checked and diffed one after another in program order (the step generator), their
 * creates and updates run in parallel as soon as they are planned (the step executor at its default
 * parallelism), and once they all finished, resources no longer declared (and the old halves of
 * replacements) are deleted, unless a step failed (then the deployment stops scheduling, as `pulumi up`
 * does).
 *
 * State follows the engine's rules: a create that fails with the "created but failed to initialize"
 * shape (`id` + `properties`) or an update that does (partial failure) is recorded with those properties;
 * any other failed create leaves nothing, any other failed update or delete leaves the old state.
 *
 * Operations return what they did and never throw for a provider failure; the `…OrThrow` forms throw the
 * first failure's error instead, for tests where any failure is unexpected.
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

/** One failed step. */
export interface StepFailure {
  readonly name: string;
  readonly op: "check" | "diff" | "refresh" | StepOp;
  readonly error: unknown;
}

/** What an operation did (`preview`: what it would do), per resource, and what failed. */
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

/** A step the step generator planned for a declared resource. */
interface PlannedStep {
  readonly name: string;
  readonly op: Exclude<StepOp, "delete">;
  /** Checked inputs. */
  readonly inputs: Record<string, unknown>;
  /** The state before, for an update, a replacement or no change. */
  readonly old?: ResourceState;
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

function opsOrThrow(result: UpResult): Readonly<Record<string, StepOp>> {
  if (result.failures.length > 0) throw result.failures[0]!.error;
  return result.ops;
}

/**
 * One stack: its state, and the provider that serves it. Given a factory, every operation gets a fresh
 * provider, as the engine starts a fresh provider process for each; given an instance, that one provider
 * serves every operation.
 */
export class EngineStack {
  readonly state = new Map<string, ResourceState>();

  constructor(private readonly providers: pulumi.dynamic.ResourceProvider | (() => pulumi.dynamic.ResourceProvider)) {}

  private provider(): pulumi.dynamic.ResourceProvider {
    return typeof this.providers === "function" ? this.providers() : this.providers;
  }

  /**
   * Like `pulumi preview`: the step generator alone (check, then diff, resource by resource), nothing
   * applied. `ops` holds the planned operation per resource, undeclared resources as `delete`. Stops at
   * the first failure.
   */
  async preview(declared: readonly Declared[]): Promise<UpResult> {
    const provider = this.provider();
    const ops: Record<string, StepOp> = {};
    const failures: StepFailure[] = [];
    await this.generateSteps(provider, declared, failures, (step) => {
      ops[step.name] = step.op;
    });
    if (failures.length === 0) for (const name of this.undeclared(declared)) ops[name] = "delete";
    return { ops, failures };
  }

  /**
   * Like `pulumi up`: resources are registered in program order, each checked and diffed in turn, and its
   * create or update starts right away and runs in parallel with the others; once all finished, resources
   * no longer declared are deleted (in parallel). After a failure no new step starts and nothing is deleted.
   */
  async up(declared: readonly Declared[]): Promise<UpResult> {
    const provider = this.provider();
    const ops: Record<string, StepOp> = {};
    const failures: StepFailure[] = [];
    const replaced: ResourceState[] = [];
    const running: Promise<void>[] = [];
    await this.generateSteps(provider, declared, failures, (step) => {
      if (step.op === "same") ops[step.name] = "same";
      else running.push(this.execute(provider, step, ops, failures, replaced));
    });
    await Promise.all(running);
    if (failures.length > 0) return { ops, failures };
    await this.deleteAll(provider, [
      ...replaced.map((state) => ({ state })),
      ...this.undeclared(declared).map((name) => ({ name, state: this.state.get(name)! })),
    ], ops, failures);
    return { ops, failures };
  }

  /**
   * Like `pulumi refresh`: reads every resource, in parallel. A resource whose read returns no ID is
   * dropped; returned inputs replace the stored ones. A failed read leaves that resource as it was.
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

  /** Like `pulumi destroy`: an `up` of an empty program. */
  async destroy(): Promise<UpResult> {
    return this.up([]);
  }

  /** {@link preview}, throwing the first failure's error. */
  async previewOrThrow(declared: readonly Declared[]): Promise<Readonly<Record<string, StepOp>>> {
    return opsOrThrow(await this.preview(declared));
  }

  /** {@link up}, throwing the first failure's error. */
  async upOrThrow(declared: readonly Declared[]): Promise<Readonly<Record<string, StepOp>>> {
    return opsOrThrow(await this.up(declared));
  }

  /** {@link refresh}, throwing the first failure's error. */
  async refreshOrThrow(): Promise<void> {
    opsOrThrow(await this.refresh());
  }

  /** {@link destroy}, throwing the first failure's error. */
  async destroyOrThrow(): Promise<Readonly<Record<string, StepOp>>> {
    return opsOrThrow(await this.destroy());
  }

  /** Names in state that `declared` no longer holds, in state order. */
  private undeclared(declared: readonly Declared[]): string[] {
    return [...this.state.keys()].filter((name) => !declared.some((d) => d.name === name));
  }

  /**
   * The step generator: checks and diffs each declared resource in program order and hands each planned
   * step to `planned`. Stops at the first failure (its own, or one `failures` received meanwhile).
   */
  private async generateSteps(
    provider: pulumi.dynamic.ResourceProvider,
    declared: readonly Declared[],
    failures: StepFailure[],
    planned: (step: PlannedStep) => void,
  ): Promise<void> {
    let started = 0;
    for (const resource of declared) {
      // The next registration reaches the engine (over gRPC) after the steps already planned have started.
      if (started > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (failures.length > 0) return; // the engine schedules nothing more after an error
      const news = { ...resource.args, resourceName: resource.name };
      const old = this.state.get(resource.name);
      let inputs: Record<string, unknown>;
      try {
        const result = await provider.check!(old?.inputs ?? {}, news);
        if (result.failures && result.failures.length > 0) {
          throw new CheckFailedError(result.failures.map((f) => ({ property: f.property, reason: f.reason })));
        }
        inputs = (result.inputs ?? news) as Record<string, unknown>;
      } catch (error) {
        failures.push({ name: resource.name, op: "check", error });
        return;
      }
      if (!old) {
        started++;
        planned({ name: resource.name, op: "create", inputs });
        continue;
      }
      let diff: pulumi.dynamic.DiffResult;
      try {
        diff = await provider.diff!(old.id, old.outputs, inputs);
      } catch (error) {
        failures.push({ name: resource.name, op: "diff", error });
        return;
      }
      const op = diff.replaces && diff.replaces.length > 0 ? "replace" : diff.changes === false ? "same" : "update";
      if (op !== "same") started++;
      planned({ name: resource.name, op, inputs, old });
    }
  }

  /** Runs a planned create, replacement (its create half) or update, recording the outcome. */
  private async execute(
    provider: pulumi.dynamic.ResourceProvider,
    step: PlannedStep,
    ops: Record<string, StepOp>,
    failures: StepFailure[],
    replaced: ResourceState[],
  ): Promise<void> {
    try {
      if (step.op === "update") {
        const updated = await provider.update!(step.old!.id, step.old!.outputs, step.inputs);
        this.state.set(step.name, { id: step.old!.id, inputs: step.inputs, outputs: updated.outs ?? {} });
      } else {
        const created = await provider.create(step.inputs);
        if (step.op === "replace") replaced.push(step.old!);
        this.state.set(step.name, { id: created.id, inputs: step.inputs, outputs: created.outs ?? {} });
      }
      ops[step.name] = step.op;
    } catch (error) {
      if (step.op !== "replace") {
        const partial = initFailureState(error, step.inputs);
        if (partial) this.state.set(step.name, partial);
      }
      failures.push({ name: step.name, op: step.op, error });
    }
  }

  /** Deletes, in parallel; a named resource leaves state when its delete succeeds. */
  private async deleteAll(
    provider: pulumi.dynamic.ResourceProvider,
    doomed: readonly { readonly name?: string; readonly state: ResourceState }[],
    ops: Record<string, StepOp>,
    failures: StepFailure[],
  ): Promise<void> {
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
  }
}
