// A trivial dynamic resource: enough to prove program execution, provider serialization, the
// dynamic-provider plugin and state round-trips with the real CLI, without any cloud API.
import * as pulumi from "@pulumi/pulumi";

interface SmokeInputs {
  message: pulumi.Input<string>;
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Record<string, unknown>) {
    return { id: "x", outs: inputs };
  },
};

class Smoke extends pulumi.dynamic.Resource {
  // `declare`, not `message!:` — with target ES2022 (useDefineForClassFields) a plain field declaration is
  // re-initialised to undefined after super() and hides the output the Resource constructor installed.
  declare public readonly message: pulumi.Output<string>;

  constructor(name: string, args: SmokeInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args }, opts);
  }
}

const smoke = new Smoke("smoke", { message: "hello from the cli-smoke program" });

export const message = smoke.message;
export const id = smoke.id;
