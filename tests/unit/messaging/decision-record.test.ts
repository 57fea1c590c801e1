import { describe, expect, it } from 'vitest';
import { type DecisionRecord, decisionRecord, describeDecision } from '#messaging/domain/decision-record.ts';

const request = { journey: 'cart-abandonment', step: 'reminder-1', subjectKey: 'cart-1' };
const decidedAt = new Date('2026-03-01T21:30:00Z');

const record = (overrides: Partial<DecisionRecord>): DecisionRecord => ({
  at: '2026-03-01T21:30:00.000Z',
  ...request,
  outcome: 'skipped',
  ...overrides,
});

describe('Function: decisionRecord', () => {
  it('records a send as sent, with its message id and template', () => {
    // Prepare
    const details = {
      at: decidedAt,
      messageId: 'ses-1',
      template: 'cart-reminder',
      timeZone: 'Europe/Berlin',
    };

    // Act
    const result = decisionRecord(request, { outcome: 'send' }, details);

    // Assess
    expect(result).toEqual({
      at: '2026-03-01T21:30:00.000Z',
      journey: 'cart-abandonment',
      step: 'reminder-1',
      subjectKey: 'cart-1',
      outcome: 'sent',
      messageId: 'ses-1',
      template: 'cart-reminder',
      timeZone: 'Europe/Berlin',
    });
  });

  it('records a deferral with its reason and until', () => {
    // Prepare
    const decision = {
      outcome: 'defer',
      until: new Date('2026-03-02T07:00:00Z'),
      reason: 'quiet-hours',
    } as const;

    // Act
    const result = decisionRecord(request, decision, { at: decidedAt, timeZone: 'Europe/Berlin' });

    // Assess
    expect(result).toEqual(
      record({
        outcome: 'deferred',
        reason: 'quiet-hours',
        until: '2026-03-02T07:00:00.000Z',
        timeZone: 'Europe/Berlin',
      }),
    );
  });

  it('records which suppression stopped a message', () => {
    // Prepare
    const decision = { outcome: 'skip', reason: 'suppressed' } as const;

    // Act
    const result = decisionRecord(request, decision, { at: decidedAt, suppression: 'hard-bounce' });

    // Assess
    expect(result).toEqual(record({ outcome: 'skipped', reason: 'suppressed', suppression: 'hard-bounce' }));
  });

  it('leaves the suppression out of skips for other reasons', () => {
    // Prepare
    const decision = { outcome: 'skip', reason: 'no-consent' } as const;

    // Act
    const result = decisionRecord(request, decision, { at: decidedAt, suppression: 'unsubscribed' });

    // Assess
    expect(result).toEqual(record({ outcome: 'skipped', reason: 'no-consent' }));
  });

  it('writes no keys for details it was not given', () => {
    // Prepare
    const decision = { outcome: 'skip', reason: 'holdout' } as const;

    // Act
    const result = decisionRecord(request, decision, { at: decidedAt });

    // Assess
    expect(Object.keys(result).sort()).toEqual(['at', 'journey', 'outcome', 'reason', 'step', 'subjectKey']);
  });
});

describe('Function: describeDecision', () => {
  it("describes a quiet-hours deferral in the customer's local time", () => {
    // Prepare
    const deferred = record({
      outcome: 'deferred',
      reason: 'quiet-hours',
      until: '2026-03-02T07:00:00.000Z',
      timeZone: 'Europe/Berlin',
    });

    // Act
    const sentence = describeDecision(deferred);

    // Assess
    expect(sentence).toBe(
      'Deferred cart-abandonment reminder-1 until 2026-03-02 08:00 (quiet hours in Europe/Berlin)',
    );
  });

  it('describes a capped deferral and names the zone of the time', () => {
    // Prepare
    const deferred = record({
      outcome: 'deferred',
      reason: 'capped',
      until: '2026-03-03T08:12:00.000Z',
      timeZone: 'Asia/Kolkata',
    });

    // Act
    const sentence = describeDecision(deferred);

    // Assess
    expect(sentence).toBe(
      'Deferred cart-abandonment reminder-1 until 2026-03-03 13:42 Asia/Kolkata (frequency cap reached)',
    );
  });

  it('shows UTC when the record has no time zone', () => {
    // Prepare
    const deferred = record({
      outcome: 'deferred',
      reason: 'quiet-hours',
      until: '2026-03-02T07:00:00.000Z',
    });

    // Act
    const sentence = describeDecision(deferred);

    // Assess
    expect(sentence).toBe('Deferred cart-abandonment reminder-1 until 2026-03-02 07:00 UTC (quiet hours)');
  });

  it('describes a send with its time, template and message id', () => {
    // Prepare
    const sent = record({
      outcome: 'sent',
      messageId: 'ses-1',
      template: 'cart-reminder',
      timeZone: 'Europe/Berlin',
    });

    // Act
    const sentence = describeDecision(sent);

    // Assess
    expect(sentence).toBe(
      'Sent cart-abandonment reminder-1 at 2026-03-01 22:30 Europe/Berlin with template cart-reminder (message ses-1)',
    );
  });

  it('describes a send without details', () => {
    // Prepare
    const sent = record({ outcome: 'sent' });

    // Act
    const sentence = describeDecision(sent);

    // Assess
    expect(sentence).toBe('Sent cart-abandonment reminder-1 at 2026-03-01 21:30 UTC');
  });

  it.each([
    { reason: 'duplicate', why: 'already sent for cart-1' },
    { reason: 'no-email', why: 'no email address on the profile' },
    { reason: 'no-consent', why: 'no marketing consent' },
    { reason: 'suppressed', why: 'the address is suppressed' },
    { reason: 'capped', why: 'frequency cap reached' },
    { reason: 'holdout', why: 'the customer is in the holdout group' },
  ])('explains a skip for $reason', ({ reason, why }) => {
    // Prepare
    const skipped = record({ outcome: 'skipped', reason });

    // Act
    const sentence = describeDecision(skipped);

    // Assess
    expect(sentence).toBe(`Skipped cart-abandonment reminder-1 at 2026-03-01 21:30 UTC: ${why}`);
  });

  it.each([
    { consent: 'none', why: 'no marketing consent: no source has sent consent for this address' },
    { consent: 'revoked', why: 'no marketing consent: it was withdrawn' },
  ] as const)('says whether consent was withdrawn or never sent: $consent', ({ consent, why }) => {
    // Prepare
    const decided = decisionRecord(
      request,
      { outcome: 'skip', reason: 'no-consent' },
      { at: decidedAt, consent },
    );

    // Act
    const sentence = describeDecision(decided);

    // Assess
    expect(decided.consent).toBe(consent);
    expect(sentence).toBe(`Skipped cart-abandonment reminder-1 at 2026-03-01 21:30 UTC: ${why}`);
  });

  it.each([
    { suppression: 'unsubscribed', label: 'unsubscribed' },
    { suppression: 'hard-bounce', label: 'hard bounce' },
    { suppression: 'complaint', label: 'spam complaint' },
    { suppression: 'soft-bounces', label: 'repeated soft bounces' },
  ] as const)('names the suppression: $suppression', ({ suppression, label }) => {
    // Prepare
    const skipped = record({ outcome: 'skipped', reason: 'suppressed', suppression });

    // Act
    const sentence = describeDecision(skipped);

    // Assess
    expect(sentence).toBe(
      `Skipped cart-abandonment reminder-1 at 2026-03-01 21:30 UTC: the address is suppressed (${label})`,
    );
  });

  it('passes on a reason it does not know, from a later version', () => {
    // Prepare
    const skipped = record({ outcome: 'skipped', reason: 'journey-exited' });

    // Act
    const sentence = describeDecision(skipped);

    // Assess
    expect(sentence).toBe('Skipped cart-abandonment reminder-1 at 2026-03-01 21:30 UTC: journey-exited');
  });

  it('explains a deferral behind an earlier attempt that holds the send', () => {
    // Prepare
    const deferred = record({
      outcome: 'deferred',
      reason: 'send-in-progress',
      until: '2026-03-01T21:31:00.000Z',
    });

    // Act
    const sentence = describeDecision(deferred);

    // Assess
    expect(sentence).toBe(
      'Deferred cart-abandonment reminder-1 until 2026-03-01 21:31 UTC (an earlier attempt holds the send)',
    );
  });

  it('says so when no reason was recorded', () => {
    // Prepare
    const deferred = record({ outcome: 'deferred' });

    // Act
    const sentence = describeDecision(deferred);

    // Assess
    expect(sentence).toBe('Deferred cart-abandonment reminder-1 (no reason recorded)');
  });

  it('shows a stored time it cannot read as it is, rather than failing', () => {
    // Prepare
    const skipped = record({ outcome: 'skipped', reason: 'capped', at: 'yesterday' });

    // Act
    const sentence = describeDecision(skipped);

    // Assess
    expect(sentence).toBe('Skipped cart-abandonment reminder-1 at yesterday: frequency cap reached');
  });

  it('falls back to UTC for a time zone the runtime does not know', () => {
    // Prepare
    const deferred = record({
      outcome: 'deferred',
      reason: 'quiet-hours',
      until: '2026-03-02T07:00:00.000Z',
      timeZone: 'Mars/Olympus_Mons',
    });

    // Act
    const sentence = describeDecision(deferred);

    // Assess
    expect(sentence).toBe('Deferred cart-abandonment reminder-1 until 2026-03-02 07:00 UTC (quiet hours)');
  });

  it('describes what decideSend decided, end to end through the record', () => {
    // Prepare
    const decision = {
      outcome: 'defer',
      until: new Date('2026-03-29T06:00:00Z'),
      reason: 'quiet-hours',
    } as const;
    const stored = decisionRecord(request, decision, {
      at: new Date('2026-03-28T21:00:00Z'),
      timeZone: 'Europe/Berlin',
    });

    // Act
    const sentence = describeDecision(stored);

    // Assess: the night clocks spring forward, 08:00 CEST
    expect(sentence).toBe(
      'Deferred cart-abandonment reminder-1 until 2026-03-29 08:00 (quiet hours in Europe/Berlin)',
    );
  });
});
