/**
 * Seeded randomness for everything the simulator invents (request IDs, job IDs, fault draws), so a run
 * with a given `seed` is reproducible. The generator is sfc32: small, fast, and its whole state is four
 * 32-bit words, which `state.ts` persists so IDs never repeat across a restart.
 */

/** The serializable state of a {@link SeededRandom}. */
export type RandomState = readonly [number, number, number, number];

/** A deterministic pseudo-random generator (sfc32). Not for cryptography. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any integer; the same seed gives the same sequence. */
  constructor(seed: number) {
    // splitmix32 spreads a small integer seed over four independent words.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Rebuilds a generator from {@link state}. */
  static fromState(state: RandomState): SeededRandom {
    const random = new SeededRandom(0);
    [random.a, random.b, random.c, random.d] = state.map((word) => word >>> 0) as [number, number, number, number];
    return random;
  }

  /** The current state, for persistence. */
  state(): RandomState {
    return [this.a, this.b, this.c, this.d];
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** A version-4-shaped UUID in lower case, e.g. `72dcd26b-f12d-4c27-b3af-18f6aed5c0de`. */
  uuid(): string {
    const hex = Array.from({ length: 4 }, () => this.nextUint32().toString(16).padStart(8, "0")).join("");
    const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

/** Turns a `seed` option (number or string) into a 32-bit integer. */
export function seedToInt(seed: number | string): number {
  if (typeof seed === "number") return Math.trunc(seed) >>> 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The draws a seeded scenario generator offers (the chaos suite's): what the behaviour switches' and the fault
 * kinds' chaos draws (`behaviour-registry.ts`, `faults.ts`) may call.
 */
export interface ScenarioDraws {
  /** A float in [0, 1). */
  next(): number;
  /** An integer from `min` to `max`, both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One of `items`. */
  pick<T>(items: readonly T[]): T;
}
