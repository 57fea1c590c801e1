import { describe, expect, it } from 'vitest';
import { runTriggerOf } from '#journeys/domain/run-trigger.ts';
import { canonical } from '#tests/helpers/events.ts';

describe('Function: runTriggerOf', () => {
  it("leaves a customer's name and phone out of the trigger a run carries, and keeps the rest", () => {
    // Prepare
    const signup = canonical({
      id: 'reg',
      type: 'customer.registered',
      occurredAt: '2026-03-01T08:00:00Z',
      identity: { customerId: 'c-1', email: 'ann@example.com' },
      data: {
        attributes: { firstName: 'Ann', lastName: 'Lee', phone: '+81 3 1234 5678', timeZone: 'Asia/Tokyo' },
        consent: [
          { channel: 'email', status: 'granted', source: 'signup', recordedAt: '2026-03-01T08:00:00Z' },
        ],
      },
    });
    const view = canonical({
      id: 'view',
      type: 'product.viewed',
      occurredAt: '2026-03-01T08:00:00Z',
      identity: { customerId: 'c-1' },
      data: { product: { productId: 'tea', name: 'Sencha' } },
    });

    // Act
    const carried = runTriggerOf(signup);

    // Assess
    expect(carried).toEqual({ ...signup, data: { ...signup.data, attributes: { timeZone: 'Asia/Tokyo' } } });
    expect(JSON.stringify(carried)).not.toMatch(/Ann"|Lee|1234/);
    expect(runTriggerOf(view)).toBe(view);
  });
});
