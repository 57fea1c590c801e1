import { describe, expect, it } from 'vitest';
import { fromMinorUnits } from '#events/money.ts';
import { productSchema } from '#events/schemas.ts';
import { CATALOG, reorderIntervalDays } from '#journeys/config/catalog-config.ts';
import {
  formatCents,
  parseCents,
  REPLENISHABLE_PRODUCTS,
  SYNTHETIC_CATALOG,
} from '#local/simulate/shoppers/synthetic-store.ts';

describe('Function: SYNTHETIC_CATALOG', () => {
  it('has about thirty products with unique ids, each a valid canonical product', () => {
    // Act
    const ids = new Set(SYNTHETIC_CATALOG.map((product) => product.productId));

    // Assess
    expect(SYNTHETIC_CATALOG.length).toBeGreaterThanOrEqual(25);
    expect(SYNTHETIC_CATALOG.length).toBeLessThanOrEqual(35);
    expect(ids.size).toBe(SYNTHETIC_CATALOG.length);
    for (const product of SYNTHETIC_CATALOG) {
      expect(productSchema.parse(product.event)).toEqual(product.event);
      expect(parseCents(product.event.price?.amount ?? '')).toBe(product.priceCents);
    }
  });

  it('makes tea and coffee replenishable through the journeys catalog and nothing else', () => {
    // Act
    const categories = new Set(REPLENISHABLE_PRODUCTS.map((product) => product.category));
    const beans = SYNTHETIC_CATALOG.find((product) => product.productId === 'coffee-beans-1kg');

    // Assess
    expect([...categories].sort()).toEqual(['coffee', 'tea']);
    expect(beans?.reorderIntervalDays).toBe(CATALOG.reorderIntervalDays.byProductId['coffee-beans-1kg']);
    for (const product of SYNTHETIC_CATALOG) {
      expect(product.reorderIntervalDays).toBe(reorderIntervalDays(CATALOG, product.event));
    }
    expect(SYNTHETIC_CATALOG.some((product) => product.reorderIntervalDays === undefined)).toBe(true);
  });
});

describe('Function: formatCents', () => {
  it('renders cents as the decimal strings of the events money module', () => {
    // Prepare
    const amounts = [0, 5, 99, 100, 1250, 123_456_789, -5, -1250];

    // Act
    const rendered = amounts.map(formatCents);

    // Assess
    expect(rendered).toEqual(amounts.map((cents) => fromMinorUnits(BigInt(cents), 'USD')));
    expect(rendered.map(parseCents)).toEqual(amounts);
  });

  it('fails for a fraction of a cent', () => {
    // Act
    const act = () => formatCents(12.5);

    // Assess
    expect(act).toThrow(RangeError);
  });
});
