import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngagementEvent } from '#engagement/domain/engagement-event.ts';
import {
  applyToMessage,
  emptyMessageEngagement,
  MESSAGE_APPLIED_EVENT_IDS,
  type MessageEngagementState,
} from '#engagement/domain/message-engagement.ts';
import {
  bounced,
  clicked,
  complained,
  delayed,
  delivered,
  opened,
  rejected,
  renderingFailed,
  sent,
} from './engagement-events.ts';

function applyAll(events: EngagementEvent[], state = emptyMessageEngagement()): MessageEngagementState {
  return events.reduce((current, event) => applyToMessage(current, event).state, state);
}

describe('Function: applyToMessage', () => {
  it.each([
    [sent('2026-03-01T10:00:00Z'), { send: '2026-03-01T10:00:00.000Z' }, 'sent'],
    [delivered('2026-03-01T10:00:05Z'), { delivery: '2026-03-01T10:00:05.000Z' }, 'delivered'],
    [opened('2026-03-01T11:00:00Z'), { open: '2026-03-01T11:00:00.000Z' }, 'opened'],
    [clicked('2026-03-01T11:01:00Z'), { click: '2026-03-01T11:01:00.000Z' }, 'clicked'],
    [
      bounced('2026-03-01T10:00:07Z', 'Permanent'),
      { bounce: { at: '2026-03-01T10:00:07.000Z', type: 'Permanent' } },
      'bounced',
    ],
    [complained('2026-03-01T12:00:00Z'), { complaint: '2026-03-01T12:00:00.000Z' }, 'complained'],
    [rejected('2026-03-01T10:00:00Z'), { reject: '2026-03-01T10:00:00.000Z' }, 'rejected'],
    [
      renderingFailed('2026-03-01T10:00:00Z'),
      { renderingFailure: '2026-03-01T10:00:00.000Z' },
      'rendering-failed',
    ],
    [delayed('2026-03-01T10:10:00Z'), { deliveryDelay: '2026-03-01T10:10:00.000Z' }, 'delayed'],
  ] as const)('records a %s event and its status', (event, engagement, status) => {
    // Act
    const update = applyToMessage(emptyMessageEngagement(), event);

    // Assess
    expect(update.outcome).toBe('applied');
    expect(update.state.engagement).toEqual(engagement);
    expect(update.state.status).toBe(status);
    expect(update.firsts).toEqual([event.kind]);
  });

  it('counts each distinct open and keeps the first one', () => {
    // Act
    const state = applyAll([
      opened('2026-03-01T12:00:00Z'),
      opened('2026-03-01T11:00:00Z'),
      opened('2026-03-01T13:00:00Z'),
    ]);

    // Assess
    expect(state.opens).toBe(3);
    expect(state.engagement.open).toBe('2026-03-01T11:00:00.000Z');
  });

  it('ignores a redelivered event: no second open counted, nothing first again', () => {
    // Prepare
    const open = opened('2026-03-01T11:00:00Z');
    const once = applyToMessage(emptyMessageEngagement(), open).state;

    // Act
    const again = applyToMessage(once, open);

    // Assess
    expect(again.outcome).toBe('duplicate');
    expect(again.state.opens).toBe(1);
    expect(again.firsts).toEqual([]);
  });

  it('reports a kind as first only once per mail, whatever arrives later', () => {
    // Prepare
    const state = applyAll([clicked('2026-03-01T11:05:00Z')]);

    // Act
    const earlierClick = applyToMessage(state, clicked('2026-03-01T11:00:00Z'));

    // Assess
    expect(earlierClick.firsts).toEqual([]);
    expect(earlierClick.state.engagement.click).toBe('2026-03-01T11:00:00.000Z');
    expect(earlierClick.state.clicks).toBe(2);
  });

  it('keeps a permanent bounce over a transient one whichever arrives first', () => {
    // Prepare
    const transient = bounced('2026-03-01T10:00:05Z', 'Transient');
    const permanent = bounced('2026-03-01T10:30:00Z', 'Permanent');

    // Act
    const one = applyAll([transient, permanent]);
    const other = applyAll([permanent, transient]);

    // Assess
    expect(one.engagement.bounce).toEqual({ at: '2026-03-01T10:30:00.000Z', type: 'Permanent' });
    expect(other.engagement).toEqual(one.engagement);
  });

  it('ranks a complaint above a click, and a click above the delivery', () => {
    // Prepare
    const engaged = applyAll([delivered('2026-03-01T10:00:05Z'), clicked('2026-03-01T11:00:00Z')]);

    // Act
    const complaint = applyToMessage(engaged, complained('2026-03-01T12:00:00Z'));

    // Assess
    expect(engaged.status).toBe('clicked');
    expect(complaint.state.status).toBe('complained');
  });

  it('ranks a delivery above a delay that came before it', () => {
    // Act
    const state = applyAll([delivered('2026-03-01T10:20:00Z'), delayed('2026-03-01T10:10:00Z')]);

    // Assess
    expect(state.status).toBe('delivered');
  });

  it('keeps a bounded window of applied event ids, newest last', () => {
    // Prepare
    const opens = Array.from({ length: MESSAGE_APPLIED_EVENT_IDS + 5 }, (_, index) =>
      opened(new Date(Date.UTC(2026, 2, 1, 11, 0, index)).toISOString()),
    );

    // Act
    const state = applyAll(opens);

    // Assess
    expect(state.appliedEventIds).toHaveLength(MESSAGE_APPLIED_EVENT_IDS);
    expect(state.appliedEventIds.at(-1)).toBe(opens.at(-1)?.eventId);
    expect(state.opens).toBe(MESSAGE_APPLIED_EVENT_IDS + 5);
  });

  it('ends in the same state for every order and duplication of the same events', () => {
    // Prepare
    const story = [
      sent('2026-03-01T10:00:00Z'),
      delayed('2026-03-01T10:01:00Z'),
      delivered('2026-03-01T10:05:00Z'),
      opened('2026-03-01T11:00:00Z'),
      opened('2026-03-01T18:00:00Z'),
      clicked('2026-03-01T11:02:00Z'),
      bounced('2026-03-02T09:00:00Z', 'Transient'),
      complained('2026-03-02T10:00:00Z'),
    ];
    const expected = applyAll(story);
    const withDuplicates = fc
      .array(fc.constantFrom(...story), { maxLength: 8 })
      .chain((extra) =>
        fc.shuffledSubarray([...story, ...extra], { minLength: story.length + extra.length }),
      );

    // Act & Assess
    fc.assert(
      fc.property(withDuplicates, (events) => {
        const state = applyAll(events);
        expect({ ...state, appliedEventIds: [...state.appliedEventIds].sort() }).toEqual({
          ...expected,
          appliedEventIds: [...expected.appliedEventIds].sort(),
        });
      }),
    );
  });
});
