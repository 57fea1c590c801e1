import { describe, expect, it } from 'vitest';
import {
  attributionFor,
  conversionsFor,
  DEFAULT_ATTRIBUTION_WINDOWS,
  lastTouch,
  type PlacedOrder,
} from '#engagement/domain/attribution-rules.ts';
import type { Touch } from '#engagement/domain/engagement-summary.ts';
import { usd } from '#tests/helpers/events.ts';

const ORDER_AT = '2026-03-10T12:00:00.000Z';
const order: PlacedOrder = { orderId: 'o-1', at: ORDER_AT, revenue: usd('80.00') };
const DAY = 24 * 60 * 60 * 1000;
const ago = (ms: number) => new Date(Date.parse(ORDER_AT) - ms).toISOString();

function touch(kind: Touch['kind'], at: string, messageId = `ses-${kind}-${at}`): Touch {
  return { messageId, journey: 'cart-abandonment', step: 'reminder-1', variant: 'v1', kind, at };
}

describe('Function: lastTouch', () => {
  it('credits a click over a more recent open', () => {
    // Prepare
    const click = touch('click', ago(2 * DAY));
    const open = touch('open', ago(60_000));

    // Act
    const credited = lastTouch([open, click], ORDER_AT, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(credited).toEqual(click);
  });

  it('credits the most recent of several clicks', () => {
    // Prepare
    const older = touch('click', ago(3 * DAY));
    const newer = touch('click', ago(DAY));

    // Act
    const credited = lastTouch([newer, older], ORDER_AT, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(credited).toEqual(newer);
  });

  it('falls back to the most recent open when no click is in its window', () => {
    // Prepare
    const staleClick = touch('click', ago(6 * DAY));
    const open = touch('open', ago(DAY));

    // Act
    const credited = lastTouch([staleClick, open], ORDER_AT, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(credited).toEqual(open);
  });

  it('counts a click exactly five days before the order (the window start is inclusive)', () => {
    // Act
    const credited = lastTouch([touch('click', ago(5 * DAY))], ORDER_AT, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(credited?.kind).toBe('click');
  });

  it('does not count a click a millisecond more than five days before the order', () => {
    // Act
    const credited = lastTouch([touch('click', ago(5 * DAY + 1))], ORDER_AT, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(credited).toBeUndefined();
  });

  it('counts a click at the very instant of the order (the window end is inclusive)', () => {
    // Act
    const credited = lastTouch([touch('click', ORDER_AT)], ORDER_AT, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(credited?.at).toBe(ORDER_AT);
  });

  it('never credits a touch after the order', () => {
    // Prepare
    const after = new Date(Date.parse(ORDER_AT) + 1).toISOString();

    // Act
    const credited = lastTouch(
      [touch('click', after), touch('open', after)],
      ORDER_AT,
      DEFAULT_ATTRIBUTION_WINDOWS,
    );

    // Assess
    expect(credited).toBeUndefined();
  });

  it('uses configured windows: a one-day click window lets a two-day-old open win', () => {
    // Prepare
    const windows = { ...DEFAULT_ATTRIBUTION_WINDOWS, clickMs: DAY };
    const click = touch('click', ago(2 * DAY));
    const open = touch('open', ago(2 * DAY + 60_000));

    // Act
    const credited = lastTouch([click, open], ORDER_AT, windows);

    // Assess
    expect(credited).toEqual(open);
  });
});

describe('Function: attributionFor', () => {
  it('records journey, step, variant, message and touch of the credited mail', () => {
    // Prepare
    const click = touch('click', ago(DAY), 'ses-7');

    // Act
    const record = attributionFor(order, [click], DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(record).toEqual({
      orderId: 'o-1',
      at: ORDER_AT,
      revenue: usd('80.00'),
      journey: 'cart-abandonment',
      step: 'reminder-1',
      variant: 'v1',
      messageId: 'ses-7',
      touch: 'click',
      touchAt: ago(DAY),
    });
  });

  it('records an order without a touch in its windows as unattributed', () => {
    // Act
    const record = attributionFor(order, [touch('open', ago(6 * DAY))], DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(record).toEqual({ orderId: 'o-1', at: ORDER_AT, revenue: usd('80.00'), unattributed: true });
  });
});

describe('Function: conversionsFor', () => {
  it('converts every journey entered within seven days, in the group of its entry', () => {
    // Prepare
    const entries = [
      { journey: 'cart-abandonment', subjectKey: 'cart-1', at: ago(DAY), heldOut: false },
      { journey: 'browse-abandonment', subjectKey: 'c-1:2026-03-05', at: ago(5 * DAY), heldOut: true },
    ];

    // Act
    const conversions = conversionsFor(order, entries, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(conversions).toEqual([
      {
        orderId: 'o-1',
        journey: 'browse-abandonment',
        subjectKey: 'c-1:2026-03-05',
        group: 'heldout',
        revenue: usd('80.00'),
        at: ORDER_AT,
        enteredAt: ago(5 * DAY),
      },
      {
        orderId: 'o-1',
        journey: 'cart-abandonment',
        subjectKey: 'cart-1',
        group: 'treated',
        revenue: usd('80.00'),
        at: ORDER_AT,
        enteredAt: ago(DAY),
      },
    ]);
  });

  it('does not count the runs the order itself started as its conversions', () => {
    // Prepare
    const entries = [
      { journey: 'post-purchase', subjectKey: 'o-1', at: ORDER_AT, heldOut: false },
      { journey: 'replenishment', subjectKey: 'o-1', at: ORDER_AT, heldOut: false },
      { journey: 'cart-abandonment', subjectKey: 'cart-1', at: ago(DAY), heldOut: false },
    ];

    // Act
    const conversions = conversionsFor(order, entries, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(conversions.map((conversion) => conversion.journey)).toEqual(['cart-abandonment']);
  });

  it("counts no entry made at the order's own instant, which may be stored before or after the order is attributed", () => {
    // Prepare
    const entries = [
      { journey: 'browse-abandonment', subjectKey: 'c-1:2026-03-10', at: ORDER_AT, heldOut: false },
      { journey: 'cart-abandonment', subjectKey: 'cart-1', at: ago(1), heldOut: false },
    ];

    // Act
    const conversions = conversionsFor(order, entries, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(conversions.map((conversion) => conversion.journey)).toEqual(['cart-abandonment']);
  });

  it('converts a journey once, with its latest entry, when it was entered twice', () => {
    // Prepare
    const entries = [
      { journey: 'browse-abandonment', subjectKey: 'c-1:2026-03-05', at: ago(5 * DAY), heldOut: false },
      { journey: 'browse-abandonment', subjectKey: 'c-1:2026-03-09', at: ago(DAY), heldOut: false },
    ];

    // Act
    const conversions = conversionsFor(order, entries, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(conversions.map((conversion) => conversion.subjectKey)).toEqual(['c-1:2026-03-09']);
  });

  it('counts an entry exactly seven days before the order but not one a millisecond earlier, nor one after', () => {
    // Prepare
    const entries = [
      { journey: 'welcome', subjectKey: 'c-1', at: ago(7 * DAY), heldOut: false },
      { journey: 'win-back', subjectKey: 'c-1:2026-03-03', at: ago(7 * DAY + 1), heldOut: false },
      { journey: 'post-purchase', subjectKey: 'o-1', at: ago(-1000), heldOut: false },
    ];

    // Act
    const conversions = conversionsFor(order, entries, DEFAULT_ATTRIBUTION_WINDOWS);

    // Assess
    expect(conversions.map((conversion) => conversion.journey)).toEqual(['welcome']);
  });
});
