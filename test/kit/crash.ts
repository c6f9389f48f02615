// The crash, interruption and concurrency end-to-end suites (test/e2e/crash-*.test.ts,
// test/e2e/concurrency-*.test.ts): their world of listeners, stacks of test/e2e/programs-crash/sets driven by
// the real CLI (./cli-stack.ts; background runs to kill in ./processes.ts), and the "never neither" watch of
// a rotation. The request log is read with ./request-log.ts, the simulator as a process is
// ./simulator-process.ts.
//
// Kill points are chosen from the simulator's request log and job list, never from wall-clock sleeps, so a
// slow machine changes how long a scenario takes but not what it tests.
import * as path from "node:path";
import type { Fixture, ListenerView } from "../../simulator";
import { CliStack, providerEnv } from "./cli-stack";
import type { SpawnedCli } from "./processes";
import { REPO_ROOT } from "./paths";
import { serving } from "./request-log";

/** The program every crash and concurrency scenario runs. */
export const CRASH_PROGRAM = path.join(REPO_ROOT, "test", "e2e", "programs-crash", "sets");

// ---------------------------------------------------------------------------------------------------------
// The world

/** `lsn-crash-01`, `lsn-crash-02`, … */
export function listenerId(index: number): string {
  return `lsn-crash-${String(index).padStart(2, "0")}`;
}

/**
 * Certificate `n` of listener `index`: `3<index:2><n:3>0-cn-hangzhou` (n = 0 is the listener's default
 * certificate, n = 1 the "foreign" additional certificate it carries before any stack exists).
 */
export function cert(index: number, n: number): string {
  return `3${String(index).padStart(2, "0")}${String(n).padStart(3, "0")}0-cn-hangzhou`;
}

/** The additional certificate every listener of {@link crashFixture} carries that no stack declares. */
export function foreignCert(index: number): string {
  return cert(index, 1);
}

/**
 * A world of `listeners` HTTPS listeners (`lsn-crash-01…`), each with default certificate `cert(i, 0)`, the
 * foreign additional certificate `cert(i, 1)`, and `certificatesPerListener` more server certificates
 * `cert(i, 2…)` in the catalogue.
 */
export function crashFixture(listeners: number, certificatesPerListener = 8): Fixture {
  const certificates: { certificateId: string; type: "Server" }[] = [];
  const list = [];
  for (let i = 1; i <= listeners; i++) {
    for (let n = 0; n < certificatesPerListener + 2; n++) certificates.push({ certificateId: cert(i, n), type: "Server" });
    list.push({
      listenerId: listenerId(i),
      loadBalancerId: "alb-crash0000000000001",
      protocol: "HTTPS" as const,
      port: 443 + i,
      status: "Running" as const,
      defaultCertificateId: cert(i, 0),
      additionalCertificateIds: [foreignCert(i)],
    });
  }
  // Every listener is on one load balancer: its additional-certificate quota (per load balancer) must hold them all.
  return { regionId: "cn-hangzhou", certificates, listeners: list, limits: { maxAdditionalCertificatesPerLoadBalancer: 1000 } };
}

// ---------------------------------------------------------------------------------------------------------
// Stacks

/** One resource of the program (stack config `resources`). */
export interface DeclaredResource {
  readonly name: string;
  readonly listenerId: string;
  readonly certificateIds: readonly string[];
  readonly exclusive?: boolean;
  /** Earlier names of the resource (Pulumi `aliases`). */
  readonly aliases?: readonly string[];
  /** The resource is declared this many milliseconds late, so the engine registers it after the others. */
  readonly registerAfterMs?: number;
  /** Names of resources this one depends on (Pulumi `dependsOn`). */
  readonly dependsOn?: readonly string[];
}

/** A stack of {@link CRASH_PROGRAM} in its own isolated workspace (CLI home, file backend, program copy). */
export class CrashStack extends CliStack {
  /** Creates the workspace and the stack; credentials come from the environment, the endpoint from config. */
  static async create(endpoint: string, resources: readonly DeclaredResource[], name = "crash"): Promise<CrashStack> {
    const env = {
      ...providerEnv(),
      // The program is type-checked by `npm run typecheck`; skipping ts-node's check saves seconds per run.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    const stack = new CrashStack(await CliStack.open(CRASH_PROGRAM, env, name), name);
    try {
      await stack.setConfig({
        "alicloud:region": "cn-hangzhou",
        "alb-listener-certificates:endpoint": endpoint,
        resources: JSON.stringify(resources),
      });
    } catch (error) {
      await stack.cleanup();
      throw error;
    }
    return stack;
  }

  /** Declares a new program (the `resources` config). */
  async setResources(resources: readonly DeclaredResource[]): Promise<void> {
    await this.runOrThrow(["config", "set", "resources", JSON.stringify(resources)]);
  }

  /** `pulumi up --yes --skip-preview` in the background, killable at any moment. */
  startUp(): SpawnedCli {
    return this.spawn(["up", "--yes", "--skip-preview"]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The "never neither" watch

/**
 * Samples a listener every `intervalMs` while a rotation from `before` to `after` is in flight (including
 * kills and recoveries), and records every sample in which the listener served neither the whole old set
 * nor the whole new set, or no longer served one of `foreign`. `read` may fail (a simulator being
 * restarted): such samples are skipped.
 */
export function watchRotation(
  read: () => ListenerView | Promise<ListenerView>,
  rotation: { before: readonly string[]; after: readonly string[]; foreign: readonly string[] },
  intervalMs = 25,
): { stop(): Promise<{ samples: number; violations: string[] }> } {
  let running = true;
  let samples = 0;
  const violations: string[] = [];
  const loop = (async () => {
    while (running) {
      let view: ListenerView | undefined;
      try {
        view = await read();
      } catch {
        view = undefined;
      }
      if (view) {
        samples++;
        const live = new Set(serving(view));
        const all = (ids: readonly string[]) => ids.every((id) => live.has(id));
        if (!all(rotation.before) && !all(rotation.after)) violations.push(`serving neither set: [${[...live].join(", ")}]`);
        const lost = rotation.foreign.filter((id) => !live.has(id));
        if (lost.length > 0) violations.push(`foreign certificate(s) not served: ${lost.join(", ")}`);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { samples, violations: [...new Set(violations)] };
    },
  };
}

