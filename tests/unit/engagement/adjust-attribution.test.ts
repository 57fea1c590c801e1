import { describe, expect, it } from 'vitest';
import { adjustAttribution } from '#engagement/domain/adjust-attribution.ts';
import { attributeOrder } from '#engagement/domain/attribute-order.ts';
import { recordEngagement } from '#engagement/domain/record-engagement.ts';
import { AttributionNotRecordedYetError } from '#engagement/errors.ts';
import type { CanonicalEventOf } from '#events/schemas.ts';
import { applyEvent } from '#profiles/domain/apply-event.ts';
import { emptyProfile } from '#profiles/domain/profile.ts';
import { canonical, usd } from '#tests/helpers/events.ts';
import { InMemoryProfileStore } from '#tests/helpers/in-memory-profile-store.ts';
import { clicked, customer, sentMessage } from './engagement-events.ts';
import { InMemoryEngagementStore } from './in-memory-engagement-store.ts';

const NOW = new Date('2026-03-20T00:00:00Z');
const who = { customerId: 'c-1', email: 'ann@example.com' };

const placed = canonical({
  id: 'evt-order-1',
  type: 'order.placed',
  occurredAt: '2026-03-02T12:00:00Z',
  identity: who,
  data: { orderId: 'o-1', lines: [], total: usd('80.00') },
}) as CanonicalEventOf<'order.placed'>;

const refund = (refundId: string, amount: string) =>
  canonical({
    id: `evt-${refundId}`,
    type: 'order.refunded',
    occurredAt: '2026-03-05T12:00:00Z',
    identity: { orderId: 'o-1' },
    data: { orderId: 'o-1', refundId, amount: usd(amount) },
  }) as CanonicalEventOf<'order.refunded'>;

const cancelled = canonical({
  id: 'evt-cancel',
  type: 'order.cancelled',
  occurredAt: '2026-03-06T12:00:00Z',
  identity: who,
  data: { orderId: 'o-1' },
}) as CanonicalEventOf<'order.cancelled'>;

/** A customer whose profile has the order (its key leads there) and a click on a cart reminder. */
async function world({ attributed = true } = {}) {
  const profiles = new InMemoryProfileStore();
  const profile = applyEvent(emptyProfile('demo', 'customer:c-1'), placed).profile;
  await profiles.save({ ...profile, aliasKeys: ['order:o-1'] }, undefined);
  await profiles.save({ ...emptyProfile('demo', 'order:o-1'), mergedInto: 'customer:c-1' }, undefined);
  const store = new InMemoryEngagementStore();
  store.addSentMessage(sentMessage({ messageId: 'ses-1', journey: 'cart-abandonment', step: 'reminder-1' }));
  await recordEngagement(store, clicked('2026-03-01T11:00:00Z', { messageId: 'ses-1' }), NOW);
  const deps = { profiles, store };
  if (attributed) await attributeOrder(deps, placed);
  return { store, deps };
}

describe('Function: adjustAttribution', () => {
  it('reduces the attributed revenue by a refund that names only the order, once however often it comes', async () => {
    // Prepare
    const { store, deps } = await world();

    // Act
    const first = await adjustAttribution(deps, refund('r-1', '30.00'));
    const again = await adjustAttribution(deps, refund('r-1', '30.00'));

    // Assess
    expect(first).toMatchObject({ outcome: 'reduced', reduction: usd('30.00') });
    expect(first.attribution).toMatchObject({ journey: 'cart-abandonment', step: 'reminder-1' });
    expect(again.outcome).toBe('duplicate');
    expect(store.attributionOf(customer, 'o-1')).toMatchObject({
      revenue: usd('80.00'),
      netRevenue: usd('50.00'),
      adjustmentIds: ['refund:r-1'],
    });
  });

  it('takes back what is left at a cancellation after a refund, never more than was attributed', async () => {
    // Prepare
    const { store, deps } = await world();
    await adjustAttribution(deps, refund('r-1', '30.00'));

    // Act
    const cancel = await adjustAttribution(deps, cancelled);
    const lateRefund = await adjustAttribution(deps, refund('r-2', '10.00'));

    // Assess
    expect(cancel).toMatchObject({ outcome: 'reduced', reduction: usd('50.00') });
    expect(lateRefund).toMatchObject({ outcome: 'reduced', reduction: usd('0.00') });
    expect(store.attributionOf(customer, 'o-1')).toMatchObject({ netRevenue: usd('0.00') });
  });

  it('fails a refund of a known order that is not attributed yet, so the queue brings it back', async () => {
    // Prepare
    const { deps } = await world({ attributed: false });

    // Act
    const adjust = adjustAttribution(deps, refund('r-1', '30.00'));

    // Assess
    await expect(adjust).rejects.toBeInstanceOf(AttributionNotRecordedYetError);
  });

  it('changes nothing for a refund of an order nobody here knows', async () => {
    // Prepare
    const { deps } = await world();
    const unknown = canonical({
      id: 'evt-x',
      type: 'order.refunded',
      occurredAt: '2026-03-05T12:00:00Z',
      identity: { orderId: 'o-unknown' },
      data: { orderId: 'o-unknown', refundId: 'r-9', amount: usd('5.00') },
    }) as CanonicalEventOf<'order.refunded'>;

    // Act
    const result = await adjustAttribution(deps, unknown);

    // Assess
    expect(result).toEqual({ outcome: 'not-attributed' });
  });
});
