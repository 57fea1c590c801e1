import { describe, expect, it } from 'vitest';
import {
  assignVariant,
  decideWinner,
  probabilityToBeBest,
  sampleBeta,
  sampleGamma,
  seededRandom,
  summarize,
  type VariantResult,
} from '#journeys/definition/experiments.ts';

/** ln Γ(x) by Lanczos (g = 7, nine terms; Numerical Recipes), about 15 significant digits. */
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  const t = shifted + 7.5;
  let series = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i += 1) series += LANCZOS[i]! / (shifted + i);
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}
const logBeta = (a: number, b: number) => logGamma(a) + logGamma(b) - logGamma(a + b);

/**
 * The reference for two variants, independent of the module's numerical integration: the exact
 * finite sum for P(p_B > p_A) with Beta posteriors (E. Miller, "Formulas for Bayesian A/B Testing",
 * 2015; D. Cook, "Exact calculation of inequality probabilities", 2005):
 * Σ_{i=0}^{α_B−1} B(α_A+i, β_A+β_B) / ((β_B+i) · B(1+i, β_B) · B(α_A, β_A)).
 */
function exactProbabilityBBeatsA(
  a: { recipients: number; conversions: number },
  b: { recipients: number; conversions: number },
): number {
  const [alphaA, betaA] = [1 + a.conversions, 1 + a.recipients - a.conversions];
  const [alphaB, betaB] = [1 + b.conversions, 1 + b.recipients - b.conversions];
  let sum = 0;
  for (let i = 0; i < alphaB; i += 1) {
    sum += Math.exp(
      logBeta(alphaA + i, betaA + betaB) -
        Math.log(betaB + i) -
        logBeta(1 + i, betaB) -
        logBeta(alphaA, betaA),
    );
  }
  return sum;
}

const customers = Array.from({ length: 10_000 }, (_, index) => `customer-${index}@example.com`);

describe('Function: assignVariant', () => {
  const variants = [
    { id: 'ten-off', weight: 50 },
    { id: 'free-ship', weight: 30 },
    { id: 'control', weight: 20 },
  ];

  it('gives the same customer the same variant on every call', () => {
    // Prepare
    const key = 'cart-abandonment/last-chance';

    // Act
    const first = customers.slice(0, 500).map((customer) => assignVariant(key, customer, variants));
    const second = customers.slice(0, 500).map((customer) => assignVariant(key, customer, variants));

    // Assess
    expect(second).toEqual(first);
    expect(assignVariant(key, 'ann@example.com', variants)).toBe(
      assignVariant(key, 'ann@example.com', variants),
    );
  });

  it('splits 10,000 customers in proportion to the weights', () => {
    // Prepare
    const counts: Record<string, number> = { 'ten-off': 0, 'free-ship': 0, control: 0 };

    // Act
    for (const customer of customers) {
      const id = assignVariant('cart-abandonment/last-chance', customer, variants);
      counts[id] = (counts[id] ?? 0) + 1;
    }

    // Assess: the binomial standard deviation is at most 50, so ±200 is four of them.
    expect(counts['ten-off']).toBeGreaterThan(5_000 - 200);
    expect(counts['ten-off']).toBeLessThan(5_000 + 200);
    expect(counts['free-ship']).toBeGreaterThan(3_000 - 200);
    expect(counts['free-ship']).toBeLessThan(3_000 + 200);
    expect(counts.control).toBeGreaterThan(2_000 - 200);
    expect(counts.control).toBeLessThan(2_000 + 200);
  });

  it('moves only the customers between the old and the new boundary when the weights change', () => {
    // Prepare
    const key = 'win-back/offer';
    const before = [
      { id: 'a', weight: 50 },
      { id: 'b', weight: 50 },
    ];
    const after = [
      { id: 'a', weight: 60 },
      { id: 'b', weight: 40 },
    ];

    // Act
    const moves = customers.map(
      (customer) => `${assignVariant(key, customer, before)}→${assignVariant(key, customer, after)}`,
    );

    // Assess: a tenth move from b to a, nobody from a to b.
    const moved = moves.filter((move) => move === 'b→a').length;
    expect(moves.filter((move) => move === 'a→b')).toEqual([]);
    expect(moved).toBeGreaterThan(1_000 - 150);
    expect(moved).toBeLessThan(1_000 + 150);
  });

  it('splits customers independently in two experiments', () => {
    // Prepare
    const split = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
    ];

    // Act
    const same = customers.filter(
      (customer) =>
        assignVariant('journey-1/step', customer, split) === assignVariant('journey-2/step', customer, split),
    ).length;

    // Assess: about half agree, as for two independent coins.
    expect(same).toBeGreaterThan(5_000 - 200);
    expect(same).toBeLessThan(5_000 + 200);
  });

  it('fails for no variants or a weight that is not positive', () => {
    // Prepare / Act / Assess
    expect(() => assignVariant('key', 'ann', [])).toThrow(RangeError);
    expect(() => assignVariant('key', 'ann', [{ id: 'a', weight: 0 }])).toThrow('weights must be positive');
    expect(() => assignVariant('key', 'ann', [{ id: 'a', weight: Number.NaN }])).toThrow(RangeError);
  });
});

describe('Function: probabilityToBeBest (rate metrics)', () => {
  it('gives B ≈ 0.9996 for 100/1000 against 150/1000 conversions, as the exact sum does', () => {
    // Prepare
    const a = { id: 'a', recipients: 1000, conversions: 100 };
    const b = { id: 'b', recipients: 1000, conversions: 150 };

    // Act
    const probabilities = probabilityToBeBest([a, b], 'conversion');

    // Assess: the exact sum gives 0.99964236290068 (mpmath's quad agrees to 25 digits).
    expect(exactProbabilityBBeatsA(a, b)).toBeCloseTo(0.9996423629, 9);
    expect(probabilities.b).toBeCloseTo(0.9996, 4);
    expect(Math.abs(probabilities.b! - exactProbabilityBBeatsA(a, b))).toBeLessThan(1e-5);
    expect(probabilities.a! + probabilities.b!).toBeCloseTo(1, 12);
  });

  it.each([
    ['a close race', { recipients: 1000, conversions: 100 }, { recipients: 1000, conversions: 110 }],
    ['unequal audiences', { recipients: 200, conversions: 20 }, { recipients: 210, conversions: 30 }],
    [
      'a posterior piled against zero',
      { recipients: 1000, conversions: 0 },
      { recipients: 1000, conversions: 1 },
    ],
    ['small samples', { recipients: 12, conversions: 3 }, { recipients: 9, conversions: 1 }],
    [
      'large samples',
      { recipients: 200_000, conversions: 2_000 },
      { recipients: 200_000, conversions: 2_080 },
    ],
  ])('agrees with the exact sum for two variants: %s', (_, a, b) => {
    // Prepare
    const results = [
      { id: 'a', ...a },
      { id: 'b', ...b },
    ];

    // Act
    const probabilities = probabilityToBeBest(results, 'conversion');

    // Assess
    expect(Math.abs(probabilities.b! - exactProbabilityBBeatsA(a, b))).toBeLessThan(1e-5);
  });

  it('agrees with high-precision integration for three and four variants', () => {
    // Prepare: references by mpmath (30 digits) as Σ quad(f_i · Π_{j≠i} betainc_j) over [0, 1].
    const three = [
      { id: 'a', recipients: 1000, conversions: 100 },
      { id: 'b', recipients: 1000, conversions: 120 },
      { id: 'c', recipients: 1000, conversions: 130 },
    ];
    const four = [
      { id: 'a', recipients: 200, conversions: 20 },
      { id: 'b', recipients: 200, conversions: 25 },
      { id: 'c', recipients: 200, conversions: 30 },
      { id: 'd', recipients: 180, conversions: 22 },
    ];

    // Act
    const ofThree = probabilityToBeBest(three, 'conversion');
    const ofFour = probabilityToBeBest(four, 'conversion');

    // Assess
    const references: [Record<string, number>, Record<string, number>][] = [
      [ofThree, { a: 0.00763740220917, b: 0.247195164352, c: 0.745167433438 }],
      [ofFour, { a: 0.0288183802104, b: 0.178332212521, c: 0.630465760374, d: 0.162383646895 }],
    ];
    for (const [actual, reference] of references) {
      for (const [id, value] of Object.entries(reference))
        expect(Math.abs(actual[id]! - value)).toBeLessThan(1e-5);
    }
  });

  it('agrees with Beta sampling for four variants', () => {
    // Prepare: an independent estimate from 20,000 draws of each posterior.
    const results = [
      { id: 'a', recipients: 300, conversions: 31 },
      { id: 'b', recipients: 310, conversions: 36 },
      { id: 'c', recipients: 290, conversions: 35 },
      { id: 'd', recipients: 305, conversions: 29 },
    ];
    const random = seededRandom(42);
    const wins = [0, 0, 0, 0];
    for (let draw = 0; draw < 20_000; draw += 1) {
      const rates = results.map((r) =>
        sampleBeta(1 + r.conversions, 1 + r.recipients - r.conversions, random),
      );
      const best = rates.indexOf(Math.max(...rates));
      wins[best] = wins[best]! + 1;
    }

    // Act
    const probabilities = probabilityToBeBest(results, 'conversion');

    // Assess: the sampling error is at most 0.0035, so 0.015 is four of it.
    results.forEach((result, index) => {
      expect(Math.abs(probabilities[result.id]! - wins[index]! / 20_000)).toBeLessThan(0.015);
    });
  });

  it('gives equal results equal chances', () => {
    // Prepare
    const same = { recipients: 500, conversions: 40, clicks: 90, opens: 200 };

    // Act
    const two = probabilityToBeBest(
      [
        { id: 'a', ...same },
        { id: 'b', ...same },
      ],
      'conversion',
    );
    const three = probabilityToBeBest(
      [
        { id: 'a', ...same },
        { id: 'b', ...same },
        { id: 'c', ...same },
      ],
      'click',
    );
    const unsent = probabilityToBeBest(
      [
        { id: 'a', recipients: 0 },
        { id: 'b', recipients: 0 },
      ],
      'open',
    );

    // Assess
    expect(two.a).toBeCloseTo(0.5, 9);
    expect(two.b).toBeCloseTo(0.5, 9);
    for (const id of ['a', 'b', 'c']) expect(three[id]).toBeCloseTo(1 / 3, 9);
    expect(unsent).toEqual({ a: 0.5, b: 0.5 });
  });

  it('reads the count the metric names', () => {
    // Prepare: a wins on opens, b on clicks, c on conversions.
    const results = [
      { id: 'a', recipients: 1000, opens: 600, clicks: 50, conversions: 10 },
      { id: 'b', recipients: 1000, opens: 400, clicks: 120, conversions: 10 },
      { id: 'c', recipients: 1000, opens: 400, clicks: 50, conversions: 40 },
    ];

    // Act
    const leader = (metric: 'open' | 'click' | 'conversion') => {
      const probabilities = probabilityToBeBest(results, metric);
      return Object.keys(probabilities).find((id) => probabilities[id]! > 0.99);
    };

    // Assess
    expect(leader('open')).toBe('a');
    expect(leader('click')).toBe('b');
    expect(leader('conversion')).toBe('c');
  });

  it('gives the same figures whatever the order of the results', () => {
    // Prepare
    const results = [
      { id: 'a', recipients: 400, conversions: 30 },
      { id: 'b', recipients: 380, conversions: 35 },
      { id: 'c', recipients: 410, conversions: 33 },
    ];

    // Act
    const forward = probabilityToBeBest(results, 'conversion');
    const backward = probabilityToBeBest([...results].reverse(), 'conversion');

    // Assess
    for (const id of ['a', 'b', 'c']) expect(backward[id]).toBeCloseTo(forward[id]!, 12);
  });

  it.each<[string, VariantResult[], string]>([
    ['more conversions than recipients', [{ id: 'a', recipients: 10, conversions: 11 }], 'conversions'],
    [
      'a variant listed twice',
      [
        { id: 'a', recipients: 10 },
        { id: 'a', recipients: 12 },
      ],
      'listed twice',
    ],
    ['no results', [], '(all)'],
    ['a negative count', [{ id: 'a', recipients: -1 }], 'recipients'],
  ])('fails for %s', (_, results, message) => {
    // Prepare / Act / Assess
    expect(() => probabilityToBeBest(results, 'conversion')).toThrow(message);
  });
});

describe('Function: probabilityToBeBest (revenuePerRecipient)', () => {
  const results: VariantResult[] = [
    { id: 'ten-off', recipients: 1000, conversions: 100, revenue: { USD: '5000.00' } },
    { id: 'free-ship', recipients: 1000, conversions: 150, revenue: { USD: '7500.00' } },
  ];

  it('favours the variant that earns more per recipient', () => {
    // Prepare: the same average order value, half as many more orders.

    // Act
    const probabilities = probabilityToBeBest(results, 'revenuePerRecipient');

    // Assess
    expect(probabilities['free-ship']).toBeGreaterThan(0.97);
    expect(probabilities['ten-off']! + probabilities['free-ship']!).toBeCloseTo(1, 12);
  });

  it('favours larger orders when the conversions are equal', () => {
    // Prepare
    const orders = [
      { id: 'a', recipients: 2000, conversions: 200, revenue: { EUR: '8000.00' } },
      { id: 'b', recipients: 2000, conversions: 200, revenue: { EUR: '12000.00' } },
    ];

    // Act
    const probabilities = probabilityToBeBest(orders, 'revenuePerRecipient');

    // Assess
    expect(probabilities.b).toBeGreaterThan(0.95);
  });

  it('gives equal results about equal chances', () => {
    // Prepare
    const same = { recipients: 1000, conversions: 100, revenue: { USD: '5000.00' } };

    // Act
    const probabilities = probabilityToBeBest(
      [
        { id: 'a', ...same },
        { id: 'b', ...same },
      ],
      'revenuePerRecipient',
    );

    // Assess: 20,000 draws have a standard error of 0.0035.
    expect(Math.abs(probabilities.a! - 0.5)).toBeLessThan(0.015);
  });

  it('gives the same figures run to run and whatever the order of the results', () => {
    // Prepare / Act
    const first = probabilityToBeBest(results, 'revenuePerRecipient');
    const again = probabilityToBeBest(results, 'revenuePerRecipient');
    const reversed = probabilityToBeBest([...results].reverse(), 'revenuePerRecipient');

    // Assess
    expect(again).toEqual(first);
    expect(reversed).toEqual(first);
  });

  it('compares the named currency and fails to guess between several', () => {
    // Prepare
    const mixed = [
      { id: 'a', recipients: 500, conversions: 50, revenue: { USD: '2500.00', EUR: '100.00' } },
      { id: 'b', recipients: 500, conversions: 50, revenue: { USD: '1000.00', EUR: '4000.00' } },
    ];

    // Act
    const inEuros = probabilityToBeBest(mixed, 'revenuePerRecipient', { currency: 'EUR' });
    const inDollars = probabilityToBeBest(mixed, 'revenuePerRecipient', { currency: 'USD' });

    // Assess
    expect(inEuros.b).toBeGreaterThan(0.99);
    expect(inDollars.a).toBeGreaterThan(0.99);
    expect(() => probabilityToBeBest(mixed, 'revenuePerRecipient')).toThrow('name the currency');
  });

  it('fails for revenue without conversions', () => {
    // Prepare
    const impossible = [{ id: 'a', recipients: 10, conversions: 0, revenue: { USD: '5.00' } }];

    // Act / Assess
    expect(() => probabilityToBeBest(impossible, 'revenuePerRecipient')).toThrow(
      'revenue without conversions',
    );
  });
});

describe('Function: sampleGamma', () => {
  it.each([0.5, 3, 250])('draws Gamma(%d, 1) with its mean and variance', (shape) => {
    // Prepare
    const random = seededRandom(7);

    // Act
    const draws = Array.from({ length: 20_000 }, () => sampleGamma(shape, random));

    // Assess: mean and variance of Gamma(k, 1) are both k.
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (draws.length - 1);
    expect(Math.abs(mean - shape)).toBeLessThan(4 * Math.sqrt(shape / draws.length));
    expect(Math.abs(variance / shape - 1)).toBeLessThan(0.06);
  });

  it('repeats its draws for the same seed', () => {
    // Prepare
    const drawFive = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => sampleBeta(3, 7, random));
    };

    // Act
    const first = drawFive(1);
    const second = drawFive(1);

    // Assess
    expect(second).toEqual(first);
    for (const value of first) {
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('Function: decideWinner', () => {
  const rule = { metric: 'conversion', minPerVariant: 200, probability: 0.95 } as const;

  it('keeps running while a variant has fewer recipients than minPerVariant, however clear the lead', () => {
    // Prepare
    const results = [
      { id: 'ten-off', recipients: 1000, conversions: 100 },
      { id: 'free-ship', recipients: 150, conversions: 60 },
    ];

    // Act
    const decision = decideWinner(results, rule);

    // Assess
    expect(decision.status).toBe('running');
    expect(decision.probabilities['free-ship']).toBeGreaterThan(0.999);
    expect(decision.reason).toBe('waiting for 200 recipients per variant: free-ship has 150');
    expect('winner' in decision).toBe(false);
  });

  it('declares the variant best with at least the stated probability once every variant has enough', () => {
    // Prepare
    const results = [
      { id: 'ten-off', recipients: 1000, conversions: 100 },
      { id: 'free-ship', recipients: 1000, conversions: 150 },
    ];

    // Act
    const decision = decideWinner(results, rule);

    // Assess
    expect(decision).toMatchObject({ status: 'winner', winner: 'free-ship' });
    expect(decision.reason).toBe('free-ship is best on conversion with probability 0.9996, at least 0.95');
  });

  it('keeps running while no variant reaches the probability', () => {
    // Prepare: b leads with 0.767.
    const results = [
      { id: 'a', recipients: 1000, conversions: 100 },
      { id: 'b', recipients: 1000, conversions: 110 },
    ];

    // Act
    const decision = decideWinner(results, rule);

    // Assess
    expect(decision.status).toBe('running');
    expect(decision.reason).toBe(
      'no variant is best on conversion with probability 0.95 yet; b leads with 0.7666',
    );
    expect(decideWinner(results, { ...rule, probability: 0.75 })).toMatchObject({
      status: 'winner',
      winner: 'b',
    });
  });

  it('decides on revenue per recipient the same way run to run', () => {
    // Prepare
    const results = [
      { id: 'a', recipients: 1000, conversions: 100, revenue: { USD: '5000.00' } },
      { id: 'b', recipients: 1000, conversions: 150, revenue: { USD: '7500.00' } },
    ];
    const revenueRule = { metric: 'revenuePerRecipient', minPerVariant: 200, probability: 0.95 } as const;

    // Act
    const first = decideWinner(results, revenueRule);
    const second = decideWinner(results, revenueRule);

    // Assess
    expect(first).toMatchObject({ status: 'winner', winner: 'b' });
    expect(second).toEqual(first);
  });
});

describe('Function: summarize', () => {
  it('gives each variant its counts, rates and exact revenue per currency', () => {
    // Prepare
    const results: VariantResult[] = [
      { id: 'a', recipients: 3, opens: 2, clicks: 1, conversions: 1, revenue: { USD: '10.00' } },
      { id: 'b', recipients: 8, opens: 4, clicks: 2, conversions: 2, revenue: { USD: '0.1', JPY: '1500' } },
      { id: 'c', recipients: 0 },
    ];

    // Act
    const summary = summarize(results);

    // Assess
    expect(summary).toEqual([
      {
        id: 'a',
        recipients: 3,
        opens: 2,
        clicks: 1,
        conversions: 1,
        openRate: 2 / 3,
        clickRate: 1 / 3,
        conversionRate: 1 / 3,
        revenue: { JPY: '0', USD: '10.00' },
        revenuePerRecipient: { JPY: '0', USD: '3.33' },
      },
      {
        id: 'b',
        recipients: 8,
        opens: 4,
        clicks: 2,
        conversions: 2,
        openRate: 0.5,
        clickRate: 0.25,
        conversionRate: 0.25,
        revenue: { JPY: '1500', USD: '0.10' },
        // 10 cents over 8 recipients is 1.25 cents: half up gives 0.01; 1500 yen over 8 is 187.5: 188.
        revenuePerRecipient: { JPY: '188', USD: '0.01' },
      },
      {
        id: 'c',
        recipients: 0,
        opens: 0,
        clicks: 0,
        conversions: 0,
        openRate: 0,
        clickRate: 0,
        conversionRate: 0,
        revenue: { JPY: '0', USD: '0.00' },
        revenuePerRecipient: { JPY: '0', USD: '0.00' },
      },
    ]);
  });

  it('fails for an amount finer than the currency allows', () => {
    // Prepare / Act / Assess
    expect(() => summarize([{ id: 'a', recipients: 1, conversions: 1, revenue: { JPY: '10.5' } }])).toThrow(
      'revenue.JPY',
    );
  });
});
