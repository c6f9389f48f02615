/**
 * Drives a dynamic provider the way the engine does for a stack: for each declared resource
 * check → create, or check → diff → update (or create + delete on replacement); resources no
 * longer declared are deleted last. State (ids, inputs, outputs) is kept between `up`s.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface Declared {
  readonly name: string;
  readonly args: Record<string, unknown>;
}

export interface ResourceState {
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export type StepOp = "create" | "update" | "same" | "replace" | "delete";

export class LifecycleStack {
  readonly state = new Map<string, ResourceState>();

  constructor(private readonly provider: pulumi.dynamic.ResourceProvider) {}

  /** Like `pulumi preview`: check and diff only. Returns the planned operation per resource. */
  async preview(declared: readonly Declared[]): Promise<Record<string, StepOp>> {
    const ops: Record<string, StepOp> = {};
    for (const resource of declared) {
      const news = { ...resource.args, resourceName: resource.name };
      const old = this.state.get(resource.name);
      const checked = await this.check(old?.inputs ?? {}, news);
      if (!old) {
        ops[resource.name] = "create";
        continue;
      }
      const diff = await this.provider.diff!(old.id, old.outputs, checked);
      ops[resource.name] = diff.replaces?.length ? "replace" : diff.changes === false ? "same" : "update";
    }
    for (const name of this.state.keys()) if (!declared.some((d) => d.name === name)) ops[name] = "delete";
    return ops;
  }

  private async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result = await this.provider.check!(olds, news);
    if (result.failures && result.failures.length > 0) {
      throw new CheckFailedError(result.failures.map((f) => ({ property: f.property, reason: f.reason })));
    }
    return (result.inputs ?? news) as Record<string, unknown>;
  }

  /** Like `pulumi up`. Returns the operation applied per resource. */
  async up(declared: readonly Declared[]): Promise<Record<string, StepOp>> {
    const ops: Record<string, StepOp> = {};
    const replaced: ResourceState[] = [];
    for (const resource of declared) {
      const news = { ...resource.args, resourceName: resource.name };
      const old = this.state.get(resource.name);
      const checked = await this.check(old?.inputs ?? {}, news);
      if (!old) {
        const created = await this.provider.create(checked);
        this.state.set(resource.name, { id: created.id, inputs: checked, outputs: created.outs ?? {} });
        ops[resource.name] = "create";
        continue;
      }
      const diff = await this.provider.diff!(old.id, old.outputs, checked);
      if (diff.replaces && diff.replaces.length > 0) {
        const created = await this.provider.create(checked);
        replaced.push(old);
        this.state.set(resource.name, { id: created.id, inputs: checked, outputs: created.outs ?? {} });
        ops[resource.name] = "replace";
      } else if (diff.changes === false) {
        ops[resource.name] = "same";
      } else {
        const updated = await this.provider.update!(old.id, old.outputs, checked);
        this.state.set(resource.name, { id: old.id, inputs: checked, outputs: updated.outs ?? {} });
        ops[resource.name] = "update";
      }
    }
    for (const old of replaced) await this.provider.delete!(old.id, old.outputs);
    for (const [name, old] of [...this.state].reverse()) {
      if (declared.some((d) => d.name === name)) continue;
      await this.provider.delete!(old.id, old.outputs);
      this.state.delete(name);
      ops[name] = "delete";
    }
    return ops;
  }

  /** Like `pulumi refresh`. */
  async refresh(): Promise<void> {
    for (const [name, current] of this.state) {
      const result = await this.provider.read!(current.id, current.outputs);
      if (!result.id) {
        this.state.delete(name);
        continue;
      }
      this.state.set(name, { id: result.id, inputs: (result.inputs ?? current.inputs) as Record<string, unknown>, outputs: (result.props ?? {}) as Record<string, unknown> });
    }
  }

  /** Like `pulumi destroy`. */
  async destroy(): Promise<void> {
    for (const [name, old] of [...this.state].reverse()) {
      await this.provider.delete!(old.id, old.outputs);
      this.state.delete(name);
    }
  }
}

export class CheckFailedError extends Error {
  override name = "CheckFailedError";
  constructor(readonly failures: readonly { property: string; reason: string }[]) {
    super(failures.map((f) => `${f.property}: ${f.reason}`).join("\n"));
  }
}
