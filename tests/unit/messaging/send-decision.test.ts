import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FREQUENCY_POLICY, frequencyDecision } from '#messaging/domain/frequency-policy.ts';
import { DEFAULT_QUIET_HOURS, quietHoursDecision } from '#messaging/domain/quiet-hours.ts';
import {
  decideSend,
  quietHoursRelease,
  quietHoursTimeZone,
  type Recipient,
  type SendContext,
  type SendRequest,
} from '#messaging/domain/send-decision.ts';

// 10 March 2026: Berlin is on CET (+01:00), New York on EDT (-04:00).
const NOON_IN_BERLIN = new Date('2026-03-10T11:00:00Z');
/** A deferred mail asks again 100 ms later per priority point below the top (1000), so ties cannot race. */
const staggerMs = (priority: number) => (1000 - priority) * 100;
const askAgainAt = (iso: string, priority = 10) => new Date(Date.parse(iso) + staggerMs(priority));

const marketing = (overrides: Partial<SendRequest> = {}): SendRequest => ({
  journey: 'cart-abandonment',
  step: 'reminder-1',
  subjectKey: 'cart-1',
  kind: 'marketing',
  priority: 10,
  whenCapped: 'defer',
  ...overrides,
});
const transactional = (overrides: Partial<SendRequest> = {}): SendRequest =>
  marketing({ journey: 'order-confirmation', step: 'confirmation', kind: 'transactional', ...overrides });

const customer = (overrides: Partial<Recipient> = {}): Recipient => ({
  email: 'ann@example.com',
  emailConsent: 'granted',
  timeZone: 'Europe/Berlin',
  ...overrides,
});

const context = (overrides: Partial<SendContext> = {}): SendContext => ({
  now: NOON_IN_BERLIN,
  storeTimeZone: 'America/New_York',
  quietHours: DEFAULT_QUIET_HOURS,
  policy: DEFAULT_FREQUENCY_POLICY,
  marketingSentAt: [],
  alreadySent: false,
  heldOut: false,
  ...overrides,
});

const at = (iso: string) => new Date(iso);
const suppressed = (reason: NonNullable<Recipient['suppression']>['reason']) => ({
  reason,
  at: '2026-03-01T10:00:00Z',
});

describe('Function: decideSend', () => {
  it('sends marketing mail to a consenting customer at noon', () => {
    // Prepare
    const request = marketing();

    // Act
    const decision = decideSend(request, customer(), context());

    // Assess
    expect(decision).toEqual({ outcome: 'send' });
  });

  describe('duplicates', () => {
    it('skips a message already sent for this journey, subject and step', () => {
      // Prepare
      const sendContext = context({ alreadySent: true });

      // Act
      const decision = decideSend(marketing(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'duplicate' });
    });

    it('skips a transactional duplicate too', () => {
      // Prepare
      const sendContext = context({ alreadySent: true });

      // Act
      const decision = decideSend(transactional(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'duplicate' });
    });

    it('answers duplicate before any other rule, so a retried step is answered the same way', () => {
      // Prepare: its own send now fills the cap, and everything else is wrong as well
      const recipient: Recipient = { suppression: suppressed('complaint') };
      const sendContext = context({
        alreadySent: true,
        heldOut: true,
        now: at('2026-03-10T22:00:00Z'),
        marketingSentAt: [at('2026-03-10T21:59:00Z')],
      });

      // Act
      const decision = decideSend(marketing(), recipient, sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'duplicate' });
    });
  });

  describe('e-mail address', () => {
    it.each([
      { name: 'missing', email: undefined },
      { name: 'empty', email: '' },
      { name: 'blank', email: '   ' },
    ])('skips when the address is $name', ({ email }) => {
      // Prepare
      const recipient = customer({ email });

      // Act
      const decision = decideSend(marketing(), recipient, context());

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'no-email' });
    });

    it('skips transactional mail without an address', () => {
      // Prepare
      const recipient = customer({ email: undefined });

      // Act
      const decision = decideSend(transactional(), recipient, context());

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'no-email' });
    });

    it('answers no-email before suppression and consent', () => {
      // Prepare
      const recipient: Recipient = { suppression: suppressed('hard-bounce'), emailConsent: 'revoked' };

      // Act
      const decision = decideSend(marketing(), recipient, context());

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'no-email' });
    });
  });

  describe('suppression', () => {
    it.each(['hard-bounce', 'complaint'] as const)('stops marketing mail after a %s', (reason) => {
      // Prepare
      const recipient = customer({ suppression: suppressed(reason) });

      // Act
      const decision = decideSend(marketing(), recipient, context());

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'suppressed' });
    });

    it.each(['hard-bounce', 'complaint'] as const)('stops transactional mail after a %s', (reason) => {
      // Prepare
      const recipient = customer({ suppression: suppressed(reason) });

      // Act
      const decision = decideSend(transactional(), recipient, context());

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'suppressed' });
    });

    it.each(['unsubscribed', 'soft-bounces'] as const)('stops marketing mail when %s', (reason) => {
      // Prepare
      const recipient = customer({ suppression: suppressed(reason) });

      // Act
      const decision = decideSend(marketing(), recipient, context());

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'suppressed' });
    });

    it.each(['unsubscribed', 'soft-bounces'] as const)('still sends transactional mail when %s', (reason) => {
      // Prepare
      const recipient = customer({ suppression: suppressed(reason), emailConsent: 'revoked' });

      // Act
      const decision = decideSend(transactional(), recipient, context());

      // Assess
      expect(decision).toEqual({ outcome: 'send' });
    });

    it('answers suppressed before missing consent', () => {
      // Prepare
      const recipient = customer({ suppression: suppressed('unsubscribed'), emailConsent: 'revoked' });

      // Act
      const decision = decideSend(marketing(), recipient, context());

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'suppressed' });
    });
  });

  describe('consent', () => {
    it.each([
      { name: 'revoked', emailConsent: 'revoked' as const },
      { name: 'never given', emailConsent: undefined },
    ])('skips marketing mail when consent was $name', ({ emailConsent }) => {
      // Prepare
      const recipient = customer({ emailConsent });

      // Act
      const decision = decideSend(marketing(), recipient, context());

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'no-consent' });
    });

    it('sends transactional mail without marketing consent', () => {
      // Prepare
      const recipient = customer({ emailConsent: undefined });

      // Act
      const decision = decideSend(transactional(), recipient, context());

      // Assess
      expect(decision).toEqual({ outcome: 'send' });
    });

    it('answers no-consent before holdout, so the holdout group only holds people we could mail', () => {
      // Prepare
      const recipient = customer({ emailConsent: 'revoked' });

      // Act
      const decision = decideSend(marketing(), recipient, context({ heldOut: true }));

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'no-consent' });
    });
  });

  describe('holdout', () => {
    it('skips marketing mail for a held-out customer', () => {
      // Prepare
      const sendContext = context({ heldOut: true });

      // Act
      const decision = decideSend(marketing(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'holdout' });
    });

    it('sends transactional mail to a held-out customer', () => {
      // Prepare
      const sendContext = context({ heldOut: true });

      // Act
      const decision = decideSend(transactional(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'send' });
    });

    it('answers holdout before quiet hours and caps', () => {
      // Prepare: 23:00 in Berlin with the cap full
      const sendContext = context({
        heldOut: true,
        now: at('2026-03-10T22:00:00Z'),
        marketingSentAt: [at('2026-03-10T21:00:00Z')],
      });

      // Act
      const decision = decideSend(marketing(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'holdout' });
    });
  });

  describe('transactional timing', () => {
    it('sends transactional mail during quiet hours', () => {
      // Prepare: 23:00 in Berlin
      const sendContext = context({ now: at('2026-03-10T22:00:00Z') });

      // Act
      const decision = decideSend(transactional(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'send' });
    });

    it('sends transactional mail when the marketing cap is full', () => {
      // Prepare
      const sendContext = context({
        marketingSentAt: [at('2026-03-10T10:00:00Z')],
        policy: DEFAULT_FREQUENCY_POLICY,
      });

      // Act
      const decision = decideSend(transactional({ whenCapped: 'skip' }), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'send' });
    });
  });

  describe('quiet hours', () => {
    it("defers marketing mail until 08:00 in the customer's time zone", () => {
      // Prepare: 23:00 in Berlin
      const sendContext = context({ now: at('2026-03-10T22:00:00Z') });

      // Act
      const decision = decideSend(marketing(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-11T07:00:00Z'),
        reason: 'quiet-hours',
      });
    });

    it("uses the store's time zone when the customer has none", () => {
      // Prepare: 23:00 in New York, 04:00 in Berlin
      const sendContext = context({ now: at('2026-03-11T03:00:00Z') });

      // Act
      const decision = decideSend(marketing(), customer({ timeZone: undefined }), sendContext);

      // Assess: 08:00 EDT
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-11T12:00:00Z'),
        reason: 'quiet-hours',
      });
    });

    it("uses the store's time zone when the customer's is unknown to the runtime", () => {
      // Prepare: 23:00 in New York
      const sendContext = context({ now: at('2026-03-11T03:00:00Z') });

      // Act
      const decision = decideSend(marketing(), customer({ timeZone: 'Europe/Atlantis' }), sendContext);

      // Assess
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-11T12:00:00Z'),
        reason: 'quiet-hours',
      });
    });

    it('sends when it is night for the store but day for the customer', () => {
      // Prepare: 09:00 in Berlin, 04:00 in New York
      const sendContext = context({ now: at('2026-03-10T08:00:00Z') });

      // Act
      const decision = decideSend(marketing(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'send' });
    });

    it('uses the quiet hours of the context', () => {
      // Prepare: 12:30 in Berlin, inside a lunchtime window
      const sendContext = context({
        now: at('2026-03-10T11:30:00Z'),
        quietHours: { start: '12:00', end: '14:00' },
      });

      // Act
      const decision = decideSend(marketing(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-10T13:00:00Z'),
        reason: 'quiet-hours',
      });
    });

    it('still holds high-priority marketing mail for quiet hours', () => {
      // Prepare
      const sendContext = context({
        now: at('2026-03-10T22:00:00Z'),
        policy: { ...DEFAULT_FREQUENCY_POLICY, bypassPriority: 100 },
      });

      // Act
      const decision = decideSend(marketing({ priority: 100 }), customer(), sendContext);

      // Assess
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-11T07:00:00Z', 100),
        reason: 'quiet-hours',
      });
    });
  });

  describe('frequency caps', () => {
    it('defers a capped message until the cap opens', () => {
      // Prepare: one send 4 h ago fills the 16 h window for another 12 h
      const sendContext = context({
        now: at('2026-03-10T07:00:00Z'),
        marketingSentAt: [at('2026-03-10T03:00:00Z')],
      });

      // Act
      const decision = decideSend(marketing(), customer({ timeZone: 'UTC' }), sendContext);

      // Assess: opens 19:00 UTC, before quiet hours start
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-10T19:00:00Z'),
        reason: 'capped',
      });
    });

    it('skips a capped message that asks to be skipped', () => {
      // Prepare
      const sendContext = context({ marketingSentAt: [at('2026-03-10T10:00:00Z')] });

      // Act
      const decision = decideSend(marketing({ whenCapped: 'skip' }), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'capped' });
    });

    it('defers the fourth mail of the week until the oldest of the three ages out', () => {
      // Prepare: sends 6, 4 and 1 days ago (all at noon Berlin)
      const sendContext = context({
        marketingSentAt: [at('2026-03-04T11:00:00Z'), at('2026-03-06T11:00:00Z'), at('2026-03-09T11:00:00Z')],
      });

      // Act
      const decision = decideSend(marketing(), customer(), sendContext);

      // Assess: 7 days after 4 March, 12:00 in Berlin
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-11T11:00:00Z'),
        reason: 'capped',
      });
    });

    it('sends a message at the bypass priority despite a full cap', () => {
      // Prepare
      const sendContext = context({
        marketingSentAt: [at('2026-03-10T10:00:00Z')],
        policy: { ...DEFAULT_FREQUENCY_POLICY, bypassPriority: 100 },
      });

      // Act
      const decision = decideSend(marketing({ priority: 100 }), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'send' });
    });

    it('caps a message below the bypass priority like any other', () => {
      // Prepare
      const sendContext = context({
        marketingSentAt: [at('2026-03-10T10:00:00Z')],
        policy: { ...DEFAULT_FREQUENCY_POLICY, bypassPriority: 100 },
      });

      // Act
      const decision = decideSend(marketing({ priority: 99, whenCapped: 'skip' }), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'capped' });
    });

    it('lets the higher priority ask again first when both wait for the same cap', () => {
      // Prepare
      const sendContext = context({ marketingSentAt: [at('2026-03-10T10:00:00Z')] });

      // Act
      const low = decideSend(marketing({ priority: 1 }), customer(), sendContext);
      const high = decideSend(marketing({ priority: 90 }), customer(), sendContext);

      // Assess
      expect(low.outcome === 'defer' && high.outcome === 'defer').toBe(true);
      if (low.outcome !== 'defer' || high.outcome !== 'defer') return;
      expect(high.until.getTime()).toBeLessThan(low.until.getTime());
      expect(low.until.getTime() - high.until.getTime()).toBe(staggerMs(1) - staggerMs(90));
    });
  });

  describe('quiet hours and caps together', () => {
    it('defers to the next morning when the cap opens inside quiet hours', () => {
      // Prepare: 15:00 in Berlin; the cap opens at 22:00 Berlin (21:00 UTC)
      const sendContext = context({
        now: at('2026-03-10T14:00:00Z'),
        marketingSentAt: [at('2026-03-10T05:00:00Z')],
      });

      // Act
      const decision = decideSend(marketing(), customer(), sendContext);

      // Assess: 08:00 Berlin the next day
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-11T07:00:00Z'),
        reason: 'quiet-hours',
      });
    });

    it('defers past the end of quiet hours when the cap opens later', () => {
      // Prepare: 23:00 in Berlin; the cap opens at 10:00 Berlin
      const sendContext = context({
        now: at('2026-03-10T22:00:00Z'),
        marketingSentAt: [at('2026-03-10T17:00:00Z')],
      });

      // Act
      const decision = decideSend(marketing(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-11T09:00:00Z'),
        reason: 'capped',
      });
    });

    it('defers for quiet hours only when the cap has opened by morning', () => {
      // Prepare: 23:00 in Berlin; the cap opens at 07:00 Berlin
      const sendContext = context({
        now: at('2026-03-10T22:00:00Z'),
        marketingSentAt: [at('2026-03-10T14:00:00Z')],
      });

      // Act
      const decision = decideSend(marketing(), customer(), sendContext);

      // Assess
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-11T07:00:00Z'),
        reason: 'quiet-hours',
      });
    });

    it('does not skip a skip-when-capped message whose cap opens before quiet hours end', () => {
      // Prepare: capped now, open by 08:00 Berlin
      const sendContext = context({
        now: at('2026-03-10T22:00:00Z'),
        marketingSentAt: [at('2026-03-10T14:00:00Z')],
      });

      // Act
      const decision = decideSend(marketing({ whenCapped: 'skip' }), customer(), sendContext);

      // Assess
      expect(decision).toEqual({
        outcome: 'defer',
        until: askAgainAt('2026-03-11T07:00:00Z'),
        reason: 'quiet-hours',
      });
    });

    it('skips a skip-when-capped message whose cap is still full when quiet hours end', () => {
      // Prepare: cap opens at 10:00 Berlin
      const sendContext = context({
        now: at('2026-03-10T22:00:00Z'),
        marketingSentAt: [at('2026-03-10T17:00:00Z')],
      });

      // Act
      const decision = decideSend(marketing({ whenCapped: 'skip' }), customer(), sendContext);

      // Assess
      expect(decision).toEqual({ outcome: 'skip', reason: 'capped' });
    });
  });

  describe('properties', () => {
    const HOUR = 3_600_000;
    const base = Date.parse('2026-03-01T00:00:00Z');
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'Pacific/Chatham',
    ];
    const nows = fc.integer({ min: 0, max: 300 * 24 * HOUR }).map((offset) => new Date(base + offset));
    const cases = fc.tuple(
      nows,
      fc.array(fc.integer({ min: -240 * HOUR, max: 0 }), { maxLength: 6 }),
      fc.constantFrom(...zones),
    );

    it('defers to an instant that both quiet hours and the caps allow, and no earlier', () => {
      // Prepare
      const request = marketing();

      // Act & Assess
      fc.assert(
        fc.property(cases, ([now, offsets, zone]) => {
          const history = offsets.map((offset) => new Date(now.getTime() + offset));
          const sendContext = context({ now, marketingSentAt: history });
          const decision = decideSend(request, customer({ timeZone: zone }), sendContext);
          const allowedAt = (instant: Date) =>
            !quietHoursDecision(instant, zone, DEFAULT_QUIET_HOURS).quiet &&
            frequencyDecision(history, instant, DEFAULT_FREQUENCY_POLICY).allowed;
          expect(decision.outcome).not.toBe('skip');
          if (decision.outcome === 'send') {
            expect(allowedAt(now)).toBe(true);
          } else if (decision.outcome === 'defer') {
            // The earliest allowed instant, or that plus the priority's stagger when still allowed then.
            const until = decision.until.getTime();
            const staggeredFrom = until - staggerMs(request.priority);
            const earliest =
              allowedAt(new Date(staggeredFrom)) && !allowedAt(new Date(staggeredFrom - 1))
                ? staggeredFrom
                : until;
            expect(earliest).toBeGreaterThan(now.getTime());
            expect(allowedAt(decision.until)).toBe(true);
            expect(allowedAt(new Date(earliest - 1))).toBe(false);
          }
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('Function: quietHoursTimeZone', () => {
  it("prefers the customer's zone", () => {
    // Prepare
    const recipient = { timeZone: 'Asia/Kolkata' };

    // Act
    const zone = quietHoursTimeZone(recipient, 'Europe/Berlin');

    // Assess
    expect(zone).toBe('Asia/Kolkata');
  });

  it("falls back to the store's zone for a missing or unknown one", () => {
    // Prepare
    const recipients = [{}, { timeZone: '' }, { timeZone: 'Not/A_Zone' }];

    // Act
    const zones = recipients.map((recipient) => quietHoursTimeZone(recipient, 'Europe/Berlin'));

    // Assess
    expect(zones).toEqual(['Europe/Berlin', 'Europe/Berlin', 'Europe/Berlin']);
  });
});

describe('Function: quietHoursRelease', () => {
  it('is the instant an uncapped marketing mail due then goes out: at once, or where its quiet-hours deferral asks again', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'];
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2027-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 1000 }),
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        (due, timeZone, priority, spreadKey) => {
          // Act
          const released = quietHoursRelease(due, timeZone, DEFAULT_QUIET_HOURS, priority, spreadKey);
          const at = (now: Date) => context({ now, ...(spreadKey !== undefined && { spreadKey }) });
          const decision = decideSend(marketing({ priority }), customer({ timeZone }), at(due));

          // Assess
          if (decision.outcome === 'send') expect(released).toEqual(due);
          else expect(decision).toEqual({ outcome: 'defer', until: released, reason: 'quiet-hours' });
          expect(decideSend(marketing({ priority }), customer({ timeZone }), at(released))).toEqual({
            outcome: 'send',
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('Quiet hours release, spread per customer', () => {
  it("lets a night's held-back mails go out over the half hour after quiet hours end, each customer at a fixed moment", () => {
    // Prepare: 03:00 in Berlin, quiet until 08:00 (07:00 UTC)
    const night = new Date('2026-03-10T02:00:00Z');
    const end = Date.parse('2026-03-10T07:00:00Z');
    const keys = Array.from({ length: 200 }, (_, index) => `customer:c-${index}`);

    // Act
    const offsets = keys.map(
      (key) => quietHoursRelease(night, 'Europe/Berlin', DEFAULT_QUIET_HOURS, 1000, key).getTime() - end,
    );
    const again = quietHoursRelease(night, 'Europe/Berlin', DEFAULT_QUIET_HOURS, 1000, 'customer:c-0');

    // Assess: within the half hour, spread over it, and the same for the same customer
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(30 * 60_000);
    expect(new Set(offsets.map((offset) => Math.floor(offset / (5 * 60_000)))).size).toBe(6);
    expect(again.getTime() - end).toBe(offsets[0]);
  });
});
