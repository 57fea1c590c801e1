import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngagementEvent } from '#engagement/domain/engagement-event.ts';
import {
  applyToSummary,
  type EngagementSummary,
  emptyEngagementSummary,
  type MessageOrigin,
  SUMMARY_LIMITS,
} from '#engagement/domain/engagement-summary.ts';
import {
  bounced,
  clicked,
  complained,
  delayed,
  delivered,
  opened,
  rejected,
  sent,
} from './engagement-events.ts';

const origin: MessageOrigin = {
  messageId: 'ses-1',
  journey: 'cart-abandonment',
  step: 'reminder-1',
  variant: 'cart-abandonment.reminder-1',
};

function applyAll(events: EngagementEvent[], summary = emptyEngagementSummary()): EngagementSummary {
  return events.reduce((current, event) => applyToSummary(current, event, origin).summary, summary);
}

describe('Function: applyToSummary', () => {
  it('counts deliveries, opens, clicks, bounces and complaints, with the latest times', () => {
    // Act
    const summary = applyAll([
      delivered('2026-03-01T10:00:05Z'),
      opened('2026-03-01T12:00:00Z'),
      opened('2026-03-01T11:00:00Z'),
      clicked('2026-03-01T11:01:00Z'),
      bounced('2026-03-02T10:00:00Z', 'Permanent'),
      complained('2026-03-03T10:00:00Z'),
    ]);

    // Assess
    expect(summary).toMatchObject({
      deliveries: 1,
      opens: 2,
      clicks: 1,
      bounces: 1,
      complaints: 1,
      lastOpenAt: '2026-03-01T12:00:00.000Z',
      lastClickAt: '2026-03-01T11:01:00.000Z',
      lastDeliveryAt: '2026-03-01T10:00:05.000Z',
    });
  });

  it('leaves the summary alone for sends, rejects and delays', () => {
    // Prepare
    const events = [
      sent('2026-03-01T10:00:00Z'),
      rejected('2026-03-01T10:00:00Z'),
      delayed('2026-03-01T10:01:00Z'),
    ];

    // Act
    const outcomes = events.map((event) => applyToSummary(emptyEngagementSummary(), event, origin).outcome);

    // Assess
    expect(outcomes).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('ignores a redelivered open', () => {
    // Prepare
    const open = opened('2026-03-01T11:00:00Z');
    const once = applyAll([open]);

    // Act
    const again = applyToSummary(once, open, origin);

    // Assess
    expect(again.outcome).toBe('duplicate');
    expect(again.summary.opens).toBe(1);
    expect(again.summary.touches).toHaveLength(1);
  });

  it('records opens and clicks as touches, most recent first, with the mail they came from', () => {
    // Act
    const summary = applyAll([opened('2026-03-01T11:00:00Z'), clicked('2026-03-01T11:01:00Z')]);

    // Assess
    expect(summary.touches).toEqual([
      { ...origin, kind: 'click', at: '2026-03-01T11:01:00.000Z' },
      { ...origin, kind: 'open', at: '2026-03-01T11:00:00.000Z' },
    ]);
  });

  it('keeps only the 50 most recent touches, even when an older one arrives last', () => {
    // Prepare
    const recent = Array.from({ length: SUMMARY_LIMITS.touches }, (_, index) =>
      opened(new Date(Date.UTC(2026, 2, 2, 0, index)).toISOString()),
    );
    const old = opened('2026-03-01T00:00:00Z');

    // Act
    const summary = applyAll([...recent, old]);

    // Assess
    expect(summary.touches).toHaveLength(SUMMARY_LIMITS.touches);
    expect(summary.touches.map((touch) => touch.at)).not.toContain('2026-03-01T00:00:00.000Z');
    expect(summary.opens).toBe(SUMMARY_LIMITS.touches + 1);
  });

  it('counts soft bounces in a row and starts again after a delivery', () => {
    // Act
    const streak = applyAll([
      bounced('2026-03-01T10:00:00Z', 'Transient'),
      bounced('2026-03-02T10:00:00Z', 'Undetermined'),
      bounced('2026-03-03T10:00:00Z', 'Transient'),
    ]);
    const afterDelivery = applyAll([delivered('2026-03-04T10:00:00Z')], streak);
    const again = applyAll([bounced('2026-03-05T10:00:00Z', 'Transient')], afterDelivery);

    // Assess
    expect(streak.softBounceStreak).toBe(3);
    expect(afterDelivery.softBounceStreak).toBe(0);
    expect(again.softBounceStreak).toBe(1);
    expect(again.bounces).toBe(4);
  });

  it('ends the streak by timestamp when the delivery arrives after later bounces', () => {
    // Act: the delivery of Mar 2 arrives last; only the bounce after it still counts
    const summary = applyAll([
      bounced('2026-03-01T10:00:00Z', 'Transient'),
      bounced('2026-03-03T10:00:00Z', 'Transient'),
      delivered('2026-03-02T10:00:00Z'),
    ]);

    // Assess
    expect(summary.softBounceStreak).toBe(1);
    expect(summary.softBouncesSinceDelivery).toEqual(['2026-03-03T10:00:00.000Z']);
  });

  it('does not count a hard bounce in the soft-bounce streak', () => {
    // Act
    const summary = applyAll([bounced('2026-03-01T10:00:00Z', 'Permanent')]);

    // Assess
    expect(summary.softBounceStreak).toBe(0);
    expect(summary.bounces).toBe(1);
  });

  it('ends in the same summary for every order and duplication of the same events', () => {
    // Prepare
    const story = [
      bounced('2026-03-01T10:00:00Z', 'Transient'),
      delivered('2026-03-02T10:00:00Z'),
      opened('2026-03-02T11:00:00Z'),
      clicked('2026-03-02T11:05:00Z'),
      bounced('2026-03-03T10:00:00Z', 'Transient'),
      bounced('2026-03-04T10:00:00Z', 'Undetermined'),
      opened('2026-03-04T12:00:00Z'),
      complained('2026-03-05T10:00:00Z'),
    ];
    const canonical = (summary: EngagementSummary) => ({
      ...summary,
      appliedEventIds: [...summary.appliedEventIds].sort(),
    });
    const expected = canonical(applyAll(story));
    const withDuplicates = fc
      .array(fc.constantFrom(...story), { maxLength: 8 })
      .chain((extra) =>
        fc.shuffledSubarray([...story, ...extra], { minLength: story.length + extra.length }),
      );

    // Act & Assess
    expect(expected.softBounceStreak).toBe(2);
    fc.assert(
      fc.property(withDuplicates, (events) => {
        expect(canonical(applyAll(events))).toEqual(expected);
      }),
    );
  });
});
