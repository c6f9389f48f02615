/**
 * Loaded with `node --require` into every Node.js process a measured `pulumi up` starts (through
 * NODE_OPTIONS), when ALB_BENCH_TRACE_FILE names a file: appends one JSON line per event, with the real
 * clock in ms, so that bench/breakdown.ts can split the command's wall time. Events: the process's start
 * (its own start time, before Node.js loaded anything), this package's module loaded (the program's
 * `alb-listener-certificates`, the dynamic provider's `alb-listener-certificates/runtime`), and exit.
 * Roles: `provider` (Pulumi's dynamic-provider host), `program` (the language host's run of the user's
 * program), `other` (short helper processes).
 */
import * as fs from "node:fs";
import Module = require("node:module");

const file = process.env.ALB_BENCH_TRACE_FILE;
if (file) {
  const args = process.argv.slice(1).join(" ");
  const role = args.includes("dynamic-provider") && !args.includes("require.resolve") ? "provider" : args.includes("--pwd") ? "program" : "other";
  const write = (event: string, at = Date.now()): void => {
    fs.appendFileSync(file, `${JSON.stringify({ pid: process.pid, role, event, at })}\n`);
  };
  write("start", Math.round(performance.timeOrigin));
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  let loaded = false;
  loader._load = function (this: unknown, request: string, ...rest: unknown[]): unknown {
    const result = original.call(this, request, ...rest);
    if (!loaded && (request === "alb-listener-certificates" || request === "alb-listener-certificates/runtime")) {
      loaded = true;
      write("package-loaded");
    }
    return result;
  };
  process.on("exit", () => write("exit"));
}
