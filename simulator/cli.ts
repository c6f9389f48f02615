#!/usr/bin/env node
/**
 * `alb-simulator`: runs a simulator until SIGINT/SIGTERM. Prints one line
 * `alb-simulator listening on http://HOST:PORT …` on stdout once it accepts requests.
 * Exit codes: 0 after a signal, 1 when it cannot start, 2 for bad flags.
 */
import { parseArgs } from "node:util";
import { AlbBackend, DEFAULT_JOB_MS } from "./backend";
import { BEHAVIOUR_NAMES, behaviourHelpLines, behaviourValueUsage, describeBehaviour, parseBehaviourList, type Behaviour } from "./behaviour";
import { DEMO_ACCESS_KEY_ID, loadFixtureFile } from "./fixture";
import { loadState } from "./state";
import { startSimulator, type SimulatorOptions } from "./start";
import { worldLines } from "./world-summary";

/** The CLI's default port: fixed, so demos and examples can rely on http://127.0.0.1:9400. */
const DEFAULT_CLI_PORT = 9400;

/** The column where the options' descriptions start in the usage. */
const OPTION_COLUMN = 30;
/** The column where the behaviour switches' descriptions start in the usage. */
const SWITCH_COLUMN = 24;
/** The widest line of the usage's descriptions. */
const USAGE_WIDTH = 110;

/** `text` wrapped at word boundaries into lines of at most {@link USAGE_WIDTH}, every line after the first indented to `column`. */
function wrap(text: string, column: number): string {
  const lines: string[] = [];
  for (const word of text.split(" ")) {
    const last = lines.at(-1);
    if (last !== undefined && column + last.length + 1 + word.length <= USAGE_WIDTH) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join(`\n${" ".repeat(column)}`);
}

const BEHAVIOUR_OPTION =
  "play these readings of the API (repeatable; wins over the state file's and the fixture's). NAME is all, a switch " +
  `(on; timed ones with their default value) or NAME=VALUE: ${behaviourValueUsage()}. Switches:`;

const USAGE = `Usage: alb-simulator [options]

A local ALB OpenAPI (2020-06-16) simulator for listener additional certificates.

Options:
  --host HOST                 interface to listen on (default 127.0.0.1)
  --port N                    TCP port, 0 for any free port (default ${DEFAULT_CLI_PORT})
  --fixture FILE              initial world as JSON (default: the built-in demo world)
  --state FILE                persist the world to FILE and reload it on start
  --access-key-id ID          accepted access key ID (default ${DEMO_ACCESS_KEY_ID}); needs --access-key-secret
  --access-key-secret SECRET  its secret
  --job-ms N                  duration of every asynchronous job in ms (default ${DEFAULT_JOB_MS})
  --faults FILE               fault rules as JSON (an array or {"faults": [...]}); they win over the fixture's
  --seed N                    seed for request IDs, job IDs and fault draws (default random)
  --behaviour NAME[,NAME...]  ${wrap(BEHAVIOUR_OPTION, OPTION_COLUMN)}
${" ".repeat(OPTION_COLUMN)}${BEHAVIOUR_NAMES.join(", ")}
  --allow-remote-inspection   serve /_simulator/ to non-loopback clients
  --list                      print the world's listeners and the certificates free to declare, and exit
  --help                      show this help

Behaviour switches (its default, and its value under all, which naming it alone also gives):
${behaviourHelpLines().map(({ name, values, meaning }) => `  ${name.padEnd(SWITCH_COLUMN - 2)}${wrap(`${values}. ${meaning}`, SWITCH_COLUMN)}`).join("\n")}
`;

class UsageError extends Error {
  override readonly name = "UsageError" as const;
}

function integerFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

function parseOptions(argv: readonly string[]): (SimulatorOptions & { readonly list?: boolean }) | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        fixture: { type: "string" },
        state: { type: "string" },
        "access-key-id": { type: "string" },
        "access-key-secret": { type: "string" },
        "job-ms": { type: "string" },
        seed: { type: "string" },
        faults: { type: "string" },
        behaviour: { type: "string", multiple: true },
        "allow-remote-inspection": { type: "boolean" },
        list: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
  } catch (error: unknown) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help === true) return "help";
  const accessKeyId = values["access-key-id"];
  const accessKeySecret = values["access-key-secret"];
  if ((accessKeyId === undefined) !== (accessKeySecret === undefined)) {
    throw new UsageError("--access-key-id and --access-key-secret must be given together");
  }
  let behaviour: Behaviour | undefined;
  if (values.behaviour !== undefined) {
    try {
      behaviour = parseBehaviourList(values.behaviour);
    } catch (error: unknown) {
      throw new UsageError(`--behaviour: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    host: values.host,
    port: integerFlag("port", values.port, 0, 65_535) ?? DEFAULT_CLI_PORT,
    fixture: values.fixture,
    statePath: values.state,
    jobMs: integerFlag("job-ms", values["job-ms"], 0, 86_400_000),
    seed: integerFlag("seed", values.seed, 0, 2 ** 32 - 1),
    faults: values.faults,
    allowRemoteInspection: values["allow-remote-inspection"],
    list: values.list === true,
    ...(behaviour === undefined ? {} : { behaviour }),
    ...(accessKeyId !== undefined && accessKeySecret !== undefined
      ? { accessKeys: [{ accessKeyId, accessKeySecret }] }
      : {}),
  };
}

async function main(argv: readonly string[]): Promise<void> {
  let options: (SimulatorOptions & { readonly list?: boolean }) | "help";
  try {
    options = parseOptions(argv);
  } catch (error: unknown) {
    process.stderr.write(`alb-simulator: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return;
  }
  let simulator;
  try {
    if (options.list === true) {
      // The world as it would start (the state file, else the fixture), read without serving or writing it.
      const fixture = typeof options.fixture === "string" ? loadFixtureFile(options.fixture) : options.fixture;
      const state = options.statePath === undefined ? undefined : loadState(options.statePath);
      process.stdout.write(`${worldLines(new AlbBackend({ fixture, state }).snapshot()).join("\n")}\n`);
      return;
    }
    simulator = await startSimulator(options);
  } catch (error: unknown) {
    process.stderr.write(`alb-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const running = simulator;
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`alb-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  // Before the listening line: whoever reads it may signal at once, and must get the clean shutdown.
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const keyIds = running.backend.snapshot().accessKeyIds.join(", ");
  const faultCount = running.backend.faultRules().length;
  const faultNote = faultCount > 0 ? `, ${faultCount} fault rule(s)` : "";
  const changed = describeBehaviour(running.backend.behaviour);
  const behaviourNote = changed.length > 0 ? `, behaviour ${changed.join(",")}` : "";
  console.log(`alb-simulator listening on ${running.endpoint} (region ${running.backend.regionId}, access key ${keyIds}, jobs take ${options.jobMs ?? DEFAULT_JOB_MS} ms${faultNote}${behaviourNote})`);
  console.log([...worldLines(running.backend.snapshot()), `inspection: ${running.endpoint}/_simulator/ (its routes), ${running.endpoint}/_simulator/state (the world)`].join("\n"));
}

void main(process.argv.slice(2));
