import { describe, expect, it } from 'vitest';
import { createRandom, forkRandom, seedTag } from '#local/simulate/shoppers/random.ts';

const draw = (random: ReturnType<typeof createRandom>, count = 20) =>
  Array.from({ length: count }, () => random.float());

describe('Function: forkRandom', () => {
  it('gives the same stream for the same seed and keys', () => {
    // Prepare
    const first = forkRandom(7, 'shopper', 42);
    const second = forkRandom(7, 'shopper', 42);

    // Act
    const a = draw(first);
    const b = draw(second);

    // Assess
    expect(a).toEqual(b);
  });

  it('gives different streams for different seeds or keys', () => {
    // Prepare
    const base = draw(forkRandom(7, 'shopper', 42));

    // Act
    const otherSeed = draw(forkRandom(8, 'shopper', 42));
    const otherKey = draw(forkRandom(7, 'shopper', 43));
    const stringKey = draw(forkRandom(7, 'shopper', '42'));

    // Assess
    expect(otherSeed).not.toEqual(base);
    expect(otherKey).not.toEqual(base);
    expect(stringKey).not.toEqual(base);
  });

  it('does not depend on how much another stream was used', () => {
    // Prepare
    const busy = forkRandom('s', 'a');
    draw(busy, 1000);

    // Act
    const b = draw(forkRandom('s', 'b'));

    // Assess
    expect(b).toEqual(draw(forkRandom('s', 'b')));
  });
});

describe('Function: createRandom', () => {
  it('keeps floats in [0, 1) with a mean near one half', () => {
    // Prepare
    const random = createRandom('uniform');

    // Act
    const values = draw(random, 20_000);

    // Assess
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('draws integers within both bounds and reaches each of them', () => {
    // Prepare
    const random = createRandom('int');

    // Act
    const values = new Set(Array.from({ length: 2000 }, () => random.int(3, 6)));

    // Assess
    expect([...values].sort()).toEqual([3, 4, 5, 6]);
  });

  it('never picks an item of weight zero and follows the weights', () => {
    // Prepare
    const random = createRandom('weighted');
    const counts = { a: 0, b: 0, never: 0 };

    // Act
    for (let i = 0; i < 10_000; i += 1) counts[random.weightedKey({ a: 3, b: 1, never: 0 })] += 1;

    // Assess
    expect(counts.never).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.6);
    expect(counts.a / counts.b).toBeLessThan(3.4);
  });

  it('draws exponential and log-normal delays around their mean and median', () => {
    // Prepare
    const random = createRandom('delays');

    // Act
    const exponential = Array.from({ length: 20_000 }, () => random.exponential(10));
    const logNormal = Array.from({ length: 20_000 }, () => random.logNormal(5, 0.8)).sort((a, b) => a - b);

    // Assess
    const mean = exponential.reduce((sum, value) => sum + value, 0) / exponential.length;
    expect(mean).toBeGreaterThan(9.5);
    expect(mean).toBeLessThan(10.5);
    const median = logNormal[logNormal.length / 2] ?? 0;
    expect(median).toBeGreaterThan(4.7);
    expect(median).toBeLessThan(5.3);
  });

  it('fails to pick from an empty list', () => {
    // Prepare
    const random = createRandom('empty');

    // Act
    const act = () => random.pick([]);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('Function: seedTag', () => {
  it('gives a short stable tag that differs between seeds', () => {
    // Act
    const tags = [seedTag(7), seedTag(7), seedTag(8), seedTag('7')];

    // Assess
    expect(tags[0]).toMatch(/^[0-9a-z]{8}$/);
    expect(tags[0]).toBe(tags[1]);
    expect(new Set(tags).size).toBe(3);
  });
});
