/**
 * A small seeded generator (mulberry32): the same seed gives the same run, so a failure found by a
 * reliability run can be replayed exactly with `--seed`.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, below). */
  int(below: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[int(items.length)] as T;
    },
  };
}

/**
 * Moves every item by less than `window` places: each is sorted by its index plus a random offset
 * below `window`, so two items further apart than the window keep their order.
 */
export function shuffleWithinWindow<T>(items: readonly T[], window: number, random: SeededRandom): T[] {
  return items
    .map((item, index) => ({ item, key: index + random.next() * window }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}
