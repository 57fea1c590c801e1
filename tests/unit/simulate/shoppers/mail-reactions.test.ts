import { describe, expect, it } from 'vitest';
import type { MailReaction, SentMail } from '#local/simulate/shoppers/mail-reactions.ts';
import type { PlannedEvent } from '#local/simulate/shoppers/planned-event.ts';
import { SyntheticShoppers } from '#local/simulate/shoppers/shopper-model.ts';

const START = Date.parse('2026-03-02T00:00:00Z');
const TICK = 60_000;
const HOUR = 60 * 60_000;

const shoppers = (seed: string | number = 7, customers = 400) =>
  new SyntheticShoppers({ customers, days: 30, seed, start: START, tickMs: TICK });

interface Run {
  events: PlannedEvent[];
  reactions: { mail: SentMail; reaction: MailReaction }[];
}

/**
 * A stand-in for the runtime's journeys, hour by hour: a cart reminder one hour after a cart's last change
 * while it is not ordered, and an order confirmation for every order.
 */
function driveWithJourneys(simulation: SyntheticShoppers): Run {
  const run: Run = { events: [], reactions: [] };
  const emailOf = new Map<string, string>();
  const lastCartChange = new Map<string, { at: number; email: string }>();
  const orderedCarts = new Set<string>();
  const outbox: SentMail[] = [];
  for (let now = START; now <= simulation.end; now += HOUR) {
    for (const planned of simulation.eventsDue(now)) {
      run.events.push(planned);
      const { event } = planned;
      emailOf.set(planned.customerId, event.identity.email ?? '');
      if (event.type === 'cart.updated') {
        lastCartChange.set(event.data.cartId, { at: planned.at, email: event.identity.email ?? '' });
      }
      if (event.type === 'order.placed') {
        orderedCarts.add(event.data.cartId ?? '');
        const recipient = event.identity.email ?? '';
        outbox.push({
          recipient,
          journey: 'post-purchase',
          step: 'orderConfirmation',
          sentAt: planned.at + TICK,
        });
      }
    }
    for (const [cartId, change] of lastCartChange) {
      if (orderedCarts.has(cartId) || change.at + HOUR > now) continue;
      outbox.push({ recipient: change.email, journey: 'cart-abandonment', step: 'reminder1', sentAt: now });
      lastCartChange.delete(cartId);
    }
    outbox.sort((a, b) => a.sentAt - b.sentAt || (a.recipient < b.recipient ? -1 : 1));
    while (outbox[0] !== undefined && outbox[0].sentAt <= now) {
      const mail = outbox.shift() as SentMail;
      run.reactions.push({ mail, reaction: simulation.onMail(mail) });
    }
  }
  return run;
}

describe('Function: SyntheticShoppers.onMail', () => {
  it('reacts the same way to the same mails, and the shoppers then do the same', () => {
    // Act
    const first = driveWithJourneys(shoppers());
    const second = driveWithJourneys(shoppers());

    // Assess
    expect(first.reactions.length).toBeGreaterThan(100);
    expect(second.reactions).toEqual(first.reactions);
    expect(second.events).toEqual(first.events);
  });

  it('opens and clicks some mails, on the tick grid, after the mail was sent', () => {
    // Act
    const { reactions } = driveWithJourneys(shoppers());

    // Assess
    const opened = reactions.filter(({ reaction }) => reaction.openAt !== undefined);
    const clicked = reactions.filter(({ reaction }) => reaction.clickAt !== undefined);
    expect(opened.length).toBeGreaterThan(0.2 * reactions.length);
    expect(opened.length).toBeLessThan(0.8 * reactions.length);
    expect(clicked.length).toBeGreaterThan(0);
    expect(clicked.length).toBeLessThan(opened.length);
    for (const { mail, reaction } of opened) {
      expect(reaction.openAt).toBeGreaterThan(mail.sentAt);
      expect(((reaction.openAt ?? 0) - START) % TICK).toBe(0);
      if (reaction.clickAt !== undefined) expect(reaction.clickAt).toBeGreaterThan(reaction.openAt ?? 0);
    }
  });

  it('orders the reminded cart soon after some clicks on a cart reminder, and never orders a cart twice', () => {
    // Prepare
    const simulation = shoppers();

    // Act
    const { events, reactions } = driveWithJourneys(simulation);

    // Assess
    const clicks = reactions.filter(
      ({ mail, reaction }) => mail.journey === 'cart-abandonment' && reaction.clickAt !== undefined,
    );
    const orders = events.flatMap(({ event, at }) => (event.type === 'order.placed' ? [{ event, at }] : []));
    const orderedSoonAfterClick = clicks.filter(({ mail, reaction }) =>
      orders.some(
        ({ event, at }) =>
          event.identity.email === mail.recipient &&
          at > (reaction.clickAt ?? 0) &&
          at < (reaction.clickAt ?? 0) + HOUR,
      ),
    );
    const afterClicks = simulation.groundTruth().ordersAfterMailClick['cart-abandonment']?.orders ?? 0;
    expect(afterClicks).toBeGreaterThan(0);
    expect(afterClicks).toBeLessThanOrEqual(orderedSoonAfterClick.length);
    expect(orderedSoonAfterClick.length).toBeLessThan(clicks.length);
    const cartIds = orders.map(({ event }) => event.data.cartId);
    expect(new Set(cartIds).size).toBe(cartIds.length);
  });

  it('keeps events of a shopper on distinct ticks and after those already handed out when mail adds visits', () => {
    // Act
    const { events } = driveWithJourneys(shoppers());

    // Assess
    const seen = new Set<string>();
    const lastAt = new Map<string, number>();
    for (const { customerId, at } of events) {
      expect(seen.has(`${customerId}@${at}`)).toBe(false);
      seen.add(`${customerId}@${at}`);
      expect(at).toBeGreaterThan(lastAt.get(customerId) ?? -1);
      lastAt.set(customerId, at);
    }
  });

  it('does not react to mail for SES simulator addresses or for unknown recipients', () => {
    // Prepare
    const simulation = shoppers(7, 2000);
    const bouncing = Array.from({ length: 2000 }, (_, index) =>
      simulation.shopper(`sim-${String(index + 1).padStart(6, '0')}`),
    ).find((shopper) => shopper?.mailbox === 'bounce');
    const mail = (recipient: string) => ({
      recipient,
      journey: 'replenishment',
      step: 'reorderReminder',
      sentAt: START,
    });

    // Act
    const reactions = [
      ...Array.from({ length: 20 }, () => simulation.onMail(mail(bouncing?.email ?? 'missing'))),
      simulation.onMail(mail('someone@elsewhere.example')),
      simulation.onMail(mail('sim-999999@shoppers.example')),
      simulation.onMail(mail('bounce+sim-000001@shoppers.example')),
    ];

    // Assess
    expect(bouncing).toBeDefined();
    expect(
      reactions.every((reaction) => reaction.openAt === undefined && reaction.clickAt === undefined),
    ).toBe(true);
  });

  it('finds the shopper behind a display-name recipient', () => {
    // Prepare
    const simulation = shoppers(7, 50);
    const shopper = simulation.shopper('sim-000002');
    const mails = Array.from({ length: 40 }, (_, index) => ({
      recipient: `${shopper?.firstName} <${shopper?.email?.toUpperCase()}>`,
      journey: 'welcome',
      step: 'welcome',
      sentAt: START + index * HOUR,
    }));

    // Act
    const reactions = mails.map((mail) => simulation.onMail(mail));

    // Assess
    expect(shopper?.mailbox).toBe('inbox');
    expect(reactions.some((reaction) => reaction.openAt !== undefined)).toBe(true);
  });
});
