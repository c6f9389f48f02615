/**
 * The readings of the real ALB API that the suites run under: the simulator's default, each behaviour switch
 * on its own, and all of them at once. Derived from the registry of switches (`BEHAVIOUR_SWITCHES`,
 * simulator/behaviour-registry.ts; the table in simulator/README.md), so a new switch is played here too.
 */
import { BEHAVIOUR_SWITCHES, DEFAULT_JOB_DURATION, describeBehaviour, resolveBehaviour, type BehaviourInput, type BehaviourSwitch } from "../../simulator";
import { kindRules } from "../../simulator/behaviour";

/** One reading: a name for test titles and the behaviour that plays it. */
export interface ApiReading {
  readonly name: string;
  readonly behaviour: BehaviourInput;
}

/** A switch's value under `all` as a fixture writes it: `jobDuration: true` for the default job duration. */
function allValue(entry: BehaviourSwitch): unknown {
  return entry.kind === "jobDuration" && entry.all === DEFAULT_JOB_DURATION ? true : entry.all;
}

/**
 * A switch on its own: its value under `all`, or, for a flag that `all` leaves at its default
 * (`loadBalancerQuota`), the flag's other value.
 */
function alone(entry: BehaviourSwitch): BehaviourInput {
  if (!kindRules(entry).same(entry.all, entry.default)) return { [entry.name]: allValue(entry) };
  if (entry.kind === "boolean") return { [entry.name]: entry.default !== true };
  throw new Error(`the behaviour switch ${entry.name} has its default under all, and no other value to play`);
}

/** The readings, named in `--behaviour` syntax (`dissociateLimit15`, `readLagMs=3000`, `loadBalancerQuota=off`). */
export const API_READINGS: readonly ApiReading[] = [
  { name: "the default reading", behaviour: {} },
  ...BEHAVIOUR_SWITCHES.map((entry): ApiReading => {
    const behaviour = alone(entry);
    return { name: describeBehaviour(resolveBehaviour(behaviour)).join(","), behaviour };
  }),
  { name: "all of them at once", behaviour: Object.fromEntries(BEHAVIOUR_SWITCHES.map((entry) => [entry.name, allValue(entry)])) },
];
