import { describe, expect, it } from 'vitest';
import { CATALOG } from '#journeys/config/catalog-config.ts';
import { sendTemplateData } from '#journeys/step/template-data.ts';
import type { StoreRecord } from '#stores/store-record.ts';
import { canonical } from '#tests/helpers/events.ts';

const store: StoreRecord = {
  storeId: 'demo',
  name: 'Demo Store',
  defaultCurrency: 'USD',
  timeZone: 'UTC',
  unsubscribeSigningKey: 'store-signing-key-1',
};
const trigger = canonical({
  id: 'reg',
  type: 'customer.registered',
  occurredAt: '2026-03-01T08:00:00Z',
  identity: { customerId: 'c-1', email: 'ann@example.com' },
  data: { attributes: {} },
});
const contextFor = (overrides: { store?: StoreRecord; subjectKey?: string } = {}) => ({
  journeyId: 'cart-abandonment',
  subjectKey: overrides.subjectKey ?? 'cart-1',
  kind: 'marketing' as const,
  store: overrides.store ?? store,
  profile: undefined,
  email: 'ann@example.com',
  trigger,
  now: new Date('2026-03-04T09:00:00Z'),
  catalog: CATALOG,
  data: [],
  discount: { percentOff: 10, validityDays: 3 },
});

describe('Function: sendTemplateData (discount codes)', () => {
  it('gives a run the same code on every send, a code per subject, and one only the store can compute', () => {
    // Act
    const code = (context: ReturnType<typeof contextFor>) => sendTemplateData(context).discount?.code;
    const first = code(contextFor());
    const retried = code(contextFor());
    const otherCart = code(contextFor({ subjectKey: 'cart-2' }));
    const otherKey = code(contextFor({ store: { ...store, unsubscribeSigningKey: 'another-key' } }));

    // Assess
    expect(first).toMatch(/^CART-[0-9A-F]{10}$/);
    expect(retried).toBe(first);
    expect(otherCart).not.toBe(first);
    expect(otherKey).not.toBe(first);
    expect(sendTemplateData(contextFor()).discount).toMatchObject({
      percentOff: 10,
      expiresAt: '2026-03-07T09:00:00.000Z',
    });
  });
});
