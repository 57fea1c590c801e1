/**
 * A small seeded PRNG (sfc32, seeded through the cyrb128 string hash) for the simulation. `Math.random`
 * cannot be seeded, and a simulation has to give the same shoppers for the same seed on every machine.
 */

export type Seed = string | number;

export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One item with probability proportional to its weight (weights ≥ 0, not all 0). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** A key of the record with probability proportional to its value. */
  weightedKey<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** Exponentially distributed with the given mean (waiting times of a Poisson process). */
  exponential(mean: number): number;
  /** Log-normally distributed: `median · e^(sigma·N(0,1))`; right-skewed delays such as "opened after …". */
  logNormal(median: number, sigma: number): number;
}

/** A stream from a seed alone. */
export function createRandom(seed: Seed): Random {
  return forkRandom(seed);
}

/**
 * An independent stream for (seed, ...keys). Deriving a stream per customer (or per mail) from its keys,
 * rather than drawing from one shared stream, keeps a customer's behaviour the same however many other
 * customers there are and in whatever order they are asked.
 */
export function forkRandom(seed: Seed, ...keys: readonly Seed[]): Random {
  // JSON keeps 1 and "1" apart and cannot be confused by a separator inside a key.
  return new Sfc32(cyrb128(JSON.stringify([seed, ...keys])));
}

/** A short, stable tag for a seed (8 base-36 characters) to keep ids of different seeds apart. */
export function seedTag(seed: Seed): string {
  const [a = 0, b = 0] = cyrb128(JSON.stringify(['tag', seed]));
  return (a.toString(36).padStart(7, '0') + b.toString(36)).slice(0, 8);
}

/** Keys and weights of the (constant) records `weightedKey` was given, to pick without allocating. */
const KEY_TABLES = new WeakMap<object, { keys: string[]; weights: number[] }>();

class Sfc32 implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor([a, b, c, d]: readonly [number, number, number, number]) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    // The first outputs still echo the seed's structure; the reference implementation discards them.
    for (let i = 0; i < 12; i += 1) this.float();
  }

  float(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  }

  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}) needs integers with min ≤ max`);
    }
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs at least one item');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    if (items.length === 0 || items.length !== weights.length) {
      throw new RangeError('weighted() needs as many weights as items, at least one');
    }
    let total = 0;
    for (const weight of weights) total += weight;
    if (!(total > 0)) throw new RangeError('weighted() needs a positive total weight');
    let remaining = this.float() * total;
    for (let i = 0; i < items.length; i += 1) {
      remaining -= weights[i] ?? 0;
      if (remaining < 0 && (weights[i] ?? 0) > 0) return items[i] as T;
    }
    // Rounding can leave a sliver at the end: the last item with weight takes it.
    const last = weights.findLastIndex((weight) => weight > 0);
    return items[last] as T;
  }

  weightedKey<K extends string>(weights: Readonly<Record<K, number>>): K {
    let table = KEY_TABLES.get(weights);
    if (table === undefined) {
      const keys = Object.keys(weights);
      table = { keys, weights: keys.map((key) => (weights as Record<string, number>)[key] ?? 0) };
      KEY_TABLES.set(weights, table);
    }
    return this.weighted(table.keys, table.weights) as K;
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  logNormal(median: number, sigma: number): number {
    // Box–Muller; 1 − u keeps the logarithm away from 0.
    const normal = Math.sqrt(-2 * Math.log(1 - this.float())) * Math.cos(2 * Math.PI * this.float());
    return median * Math.exp(sigma * normal);
  }
}

/** cyrb128: a fast 128-bit string hash, good enough to seed a PRNG (not cryptographic). */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1_779_033_703;
  let h2 = 3_144_134_277;
  let h3 = 1_013_904_242;
  let h4 = 2_773_480_762;
  for (let i = 0; i < text.length; i += 1) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597_399_067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2_869_860_233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951_274_213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2_716_044_179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597_399_067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2_869_860_233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951_274_213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2_716_044_179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
