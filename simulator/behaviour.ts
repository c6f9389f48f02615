/**
 * Behaviour profiles: one switch per point where Alibaba's documents are silent or disagree, so the
 * simulator can play each plausible reading of the real ALB API (and of the CAS reads served beside it).
 * Switches combine freely. Each is off by default unless it is the better-documented reading, or the safer
 * one for a client (`casSansEmpty`); `simulator/README.md` has the table of every behaviour, its default and
 * its sources (`docs/alb-api-facts.md`, `docs/cas-api-facts.md`).
 *
 * The switches themselves are the entries of `BEHAVIOUR_SWITCHES` (`behaviour-registry.ts`); this module
 * derives the profiles, the parsers and the descriptions from them. Adding a behaviour switch is one entry
 * there plus its effect (and its tests).
 *
 * A behaviour is set by a fixture's `behaviour` field, `POST /_simulator/reset`, `POST /_simulator/behaviour`,
 * the `behaviour` option of `startSimulator` / `AlbBackend`, and the CLI's `--behaviour NAME[,NAME...]`.
 */
import { invalidBehaviour, type AlbErrorResponse } from "./errors";
import {
  BEHAVIOUR_SWITCHES,
  SWITCH_KINDS,
  type Behaviour,
  type BehaviourSwitch,
  type SwitchKind,
  type SwitchKindRules,
  type SwitchValue,
} from "./behaviour-registry";

export {
  BEHAVIOUR_SWITCHES,
  DEFAULT_JOB_DURATION,
  DEFAULT_LINGERING_ROWS_MS,
  DEFAULT_READ_LAG_MS,
  SWITCH_KINDS,
  type Behaviour,
  type BehaviourInput,
  type BehaviourSwitch,
  type JobDuration,
  type SwitchKind,
} from "./behaviour-registry";

/** The switch names, in the order of the README's table. */
export const BEHAVIOUR_NAMES: readonly (keyof Behaviour)[] = Object.freeze(BEHAVIOUR_SWITCHES.map((entry) => entry.name));

/** The registry's entries, each typed as a switch of some kind. */
const SWITCHES: readonly BehaviourSwitch[] = BEHAVIOUR_SWITCHES;

/** A frozen behaviour made of one value per switch, in the registry's order. */
function profile(value: (entry: BehaviourSwitch) => unknown): Behaviour {
  return Object.freeze(Object.fromEntries(SWITCHES.map((entry) => [entry.name, value(entry)]))) as Behaviour;
}

/**
 * The default behaviour: every switch off except the load-balancer quota (the better-documented reading) and
 * CAS's empty `SubjectAlternativeNames` (the reading reported on the real service, the safer one for a client).
 */
export const DEFAULT_BEHAVIOUR: Behaviour = profile((entry) => entry.default);

/** Every switch on (`--behaviour all`), the timed ones with their default values. */
export const ALL_BEHAVIOUR: Behaviour = profile((entry) => entry.all);

/**
 * The behaviour of a state file written before behaviours existed: the simulator of that time counted the
 * quota per listener; everything else was the present default.
 */
export const LEGACY_BEHAVIOUR: Behaviour = Object.freeze({ ...DEFAULT_BEHAVIOUR, loadBalancerQuota: false });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSwitchName(name: string): name is keyof Behaviour {
  return (BEHAVIOUR_NAMES as readonly string[]).includes(name);
}

/** The registry entry of the switch `name`. */
function entryOf(name: keyof Behaviour): BehaviourSwitch {
  return SWITCHES.find((entry) => entry.name === name)!;
}

/** The rules of a switch's kind, over values of every kind (the registry's types pair each switch with its kind's values). */
export function kindRules(entry: BehaviourSwitch): SwitchKindRules<SwitchKind> {
  return SWITCH_KINDS[entry.kind] as unknown as SwitchKindRules<SwitchKind>;
}

/**
 * Validates a behaviour object and fills in the fields it leaves out from `base`. Switches are checked in
 * the registry's order.
 *
 * @param field the name of the object in messages (`behaviour` in a fixture).
 * @param base where absent fields come from. @default DEFAULT_BEHAVIOUR
 * @throws AlbErrorResponse `InvalidBehaviour` naming the offending field (e.g. `behaviour.readLagMs`).
 */
export function resolveBehaviour(input: unknown, field = "behaviour", base: Behaviour = DEFAULT_BEHAVIOUR): Behaviour {
  if (!isRecord(input)) throw invalidBehaviour(field, "must be an object");
  for (const key of Object.keys(input)) {
    if (!isSwitchName(key)) {
      throw invalidBehaviour(`${field}.${key}`, `is not a known behaviour (known: ${BEHAVIOUR_NAMES.join(", ")})`);
    }
  }
  const value = (entry: BehaviourSwitch): unknown => {
    const given = input[entry.name];
    return given === undefined ? base[entry.name as keyof Behaviour] : kindRules(entry).fromInput(given, `${field}.${entry.name}`);
  };
  return Object.fromEntries(SWITCHES.map((entry) => [entry.name, value(entry)])) as Behaviour;
}

/** The error for a name that is neither a switch nor `all` on the command line. */
function unknownName(name: string): AlbErrorResponse {
  return invalidBehaviour(name, `is not a known behaviour (known: all, ${BEHAVIOUR_NAMES.join(", ")})`);
}

/**
 * Parses the CLI's `--behaviour` values, applied left to right from {@link DEFAULT_BEHAVIOUR}. Each value is
 * a comma-separated list of `all`, `NAME` (the switch at its value under `all`: on, timed switches with their
 * default value) or `NAME=VALUE` in its kind's syntax: `on`/`off` for a flag, ms (or `off`) for `readLagMs`
 * and `lingeringRowsMs`, `on`/`off`/`BASE_MS:PER_CERTIFICATE_MS[:JITTER]` for `jobDuration`.
 *
 * @throws AlbErrorResponse `InvalidBehaviour` naming the entry.
 */
export function parseBehaviourList(values: readonly string[]): Behaviour {
  let behaviour: Behaviour = DEFAULT_BEHAVIOUR;
  for (const entry of values.flatMap((value) => value.split(",")).map((entry) => entry.trim())) {
    if (entry === "") throw unknownName("(an empty name)");
    if (entry === "all") {
      behaviour = ALL_BEHAVIOUR;
      continue;
    }
    const equals = entry.indexOf("=");
    const name = equals === -1 ? entry : entry.slice(0, equals);
    if (!isSwitchName(name)) throw unknownName(name);
    const switchEntry = entryOf(name);
    const value = equals === -1 ? switchEntry.all : kindRules(switchEntry).fromText(entry.slice(equals + 1), entry);
    behaviour = { ...behaviour, [name]: value };
  }
  return behaviour;
}

/** A switch's value in `--behaviour` syntax: `NAME` for a flag that is on, otherwise `NAME=VALUE`. */
export function switchSetting(entry: BehaviourSwitch, value: SwitchValue<SwitchKind>): string {
  return value === true ? entry.name : `${entry.name}=${kindRules(entry).toText(value)}`;
}

/**
 * The switches that differ from {@link DEFAULT_BEHAVIOUR}, in `--behaviour` syntax (`readLagMs=3000`,
 * `loadBalancerQuota=off`); empty when the behaviour is the default.
 */
export function describeBehaviour(behaviour: Behaviour): string[] {
  return SWITCHES.flatMap((entry) => {
    const value = behaviour[entry.name as keyof Behaviour];
    return kindRules(entry).same(value, entry.default) ? [] : [switchSetting(entry, value)];
  });
}

/**
 * The VALUEs of `--behaviour NAME=VALUE`, kind by kind, as the CLI help lists them
 * (`on/off; ms for readLagMs and lingeringRowsMs; …`).
 */
export function behaviourValueUsage(): string {
  return (Object.keys(SWITCH_KINDS) as SwitchKind[])
    .map((kind) => ({ kind, names: SWITCHES.filter((entry) => entry.kind === kind).map((entry) => entry.name) }))
    .filter(({ names }) => names.length > 0)
    .map(({ kind, names }) => SWITCH_KINDS[kind].usage(names))
    .join("; ");
}

/** One line per switch for the CLI help: its name, its default and its value under `all`, and its meaning. */
export function behaviourHelpLines(): { readonly name: string; readonly values: string; readonly meaning: string }[] {
  return SWITCHES.map((entry) => ({
    name: entry.name,
    values: `default ${kindRules(entry).toText(entry.default)}, all ${kindRules(entry).toText(entry.all)}`,
    meaning: entry.meaning.replaceAll("`", ""),
  }));
}

/**
 * The duration of a job of `certificateCount` certificates, ms: `jobMs` when the switch is off, otherwise
 * `(baseMs + perCertificateMs × n) × (1 + jitter × (2u − 1))` rounded, with `u` in [0, 1) from `draw`
 * (called only when the switch is on).
 */
export function jobDurationMs(behaviour: Behaviour, jobMs: number, certificateCount: number, draw: () => number): number {
  const duration = behaviour.jobDuration;
  if (duration === null) return jobMs;
  const nominal = nominalJobDurationMs(behaviour, jobMs, certificateCount);
  return Math.max(0, Math.round(nominal * (1 + duration.jitter * (2 * draw() - 1))));
}

/**
 * The duration a job of `certificateCount` certificates takes before jitter, ms: `jobMs` when the
 * `jobDuration` switch is off, otherwise `baseMs + perCertificateMs × n` (the mean over the jitter).
 */
export function nominalJobDurationMs(behaviour: Behaviour, jobMs: number, certificateCount: number): number {
  const duration = behaviour.jobDuration;
  return duration === null ? jobMs : duration.baseMs + duration.perCertificateMs * certificateCount;
}
