import { describe, expect, it } from 'vitest';
import { MAX_SLOT_TAGS, slotFromTags, slotTags, type TaggedSlot } from '#messaging/domain/slot-tags.ts';

const slot: TaggedSlot = {
  storeId: 'demo',
  customerKey: 'customer:c-1',
  messageKey: 'cart-abandonment#cart-1#reminder-1',
  variant: 'cart-abandonment.reminder-1',
};

/** SES reports each tag of a mail as a list of values. */
const asReported = (tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).map(([name, value]) => [name, [value]]));

describe('Function: slotTags', () => {
  it('names the slot in one tag value SES accepts, and reads it back', () => {
    // Act
    const tags = slotTags(slot);

    // Assess
    expect(Object.keys(tags)).toEqual(['slot']);
    expect(tags.slot).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(slotFromTags(asReported(tags))).toEqual(slot);
  });

  it('splits a long slot over several tags, none longer than SES allows', () => {
    // Prepare: the longest e-mail address the canonical event allows, in the customer key and the subject
    const email = `${'a'.repeat(64)}@${'b'.repeat(250)}.example`;
    const long: TaggedSlot = {
      storeId: 's'.repeat(128),
      customerKey: `email:${email}`,
      messageKey: `browse-abandonment#${email}:2026-03-01#reminder`,
      variant: 'browse-abandonment.reminder',
    };

    // Act
    const tags = slotTags(long);

    // Assess
    expect(Object.keys(tags)).toEqual(['slot', 'slot-2', 'slot-3', 'slot-4', 'slot-5']);
    for (const value of Object.values(tags)) expect(value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(slotFromTags(asReported(tags))).toEqual(long);
  });

  it('gives no tags for a slot that would need more than it may use', () => {
    // Prepare
    const huge = { ...slot, customerKey: `customer:${'x'.repeat(256 * MAX_SLOT_TAGS)}` };

    // Act
    const tags = slotTags(huge);

    // Assess
    expect(tags).toEqual({});
  });
});

describe('Function: slotFromTags', () => {
  it.each([
    { case: 'no slot tags', tags: { journey: ['cart-abandonment'], store: ['demo'] } },
    { case: 'not base64url', tags: { slot: ['bm90IGpzb24.'] } },
    { case: 'not JSON', tags: { slot: [Buffer.from('not json').toString('base64url')] } },
    {
      case: 'a later version',
      tags: { slot: [Buffer.from(JSON.stringify({ ...slot, v: 2 })).toString('base64url')] },
    },
    {
      case: 'no message key',
      tags: {
        slot: [Buffer.from(JSON.stringify({ ...slot, v: 1, messageKey: 'a#b' })).toString('base64url')],
      },
    },
  ])('reads no slot from $case', ({ tags }) => {
    // Act
    const found = slotFromTags(tags);

    // Assess
    expect(found).toBeUndefined();
  });

  it('reads no slot from tags cut short', () => {
    // Prepare
    const tags = slotTags({ ...slot, customerKey: `email:${'a'.repeat(300)}@example.com` });
    const { 'slot-2': _second, ...cut } = tags;

    // Act
    const found = slotFromTags(asReported(cut));

    // Assess
    expect(Object.keys(tags).length).toBeGreaterThan(1);
    expect(found).toBeUndefined();
  });
});
