import { describe, expect, it } from 'vitest';
import type { SegmentDefinition } from '#segments/definition/segment.ts';
import { previewSegment } from '#segments/domain/preview.ts';

async function* profiles(...orderCounts: number[]) {
  for (const [index, count] of orderCounts.entries()) {
    yield { key: `customer:c${index}`, profile: { orderSummary: { count } } };
  }
}

const repeatBuyers: SegmentDefinition = {
  id: 'repeat-buyers',
  name: 'Repeat buyers',
  where: { 'profile.orderSummary.count': { gte: 2 } },
};

describe('Function: previewSegment', () => {
  it('counts members and keeps the first few as a sample', async () => {
    const preview = await previewSegment(repeatBuyers, profiles(1, 2, 5, 0, 3), {
      now: new Date('2026-03-01T00:00:00Z'),
      sampleSize: 2,
    });

    expect(preview).toEqual({ customers: 5, members: 3, sample: ['customer:c1', 'customer:c2'] });
  });

  it('refuses a segment on mail history, which only the segment function can read per customer', async () => {
    const mailed: SegmentDefinition = {
      id: 'mailed',
      name: 'Mailed',
      where: { 'messages.welcome.sent': { gte: 1 } },
    };

    await expect(previewSegment(mailed, profiles(1), { now: new Date(), sampleSize: 1 })).rejects.toThrow(
      'segment mailed reads mail history (messages.…); the preview reads profiles only',
    );
  });
});
