import { describe, expect, it } from 'vitest';
import { activityLine } from '#local/terminal/activity.ts';

/** Lines as Powertools writes them: a log entry, or an EMF metrics blob. */
const log = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 'INFO', timestamp: '2026-03-01T09:00:00.000Z', service: 'journeys', ...fields });
const emf = (dimensions: Record<string, string>, metrics: Record<string, number>) =>
  JSON.stringify({
    _aws: {
      Timestamp: 1772355600000,
      CloudWatchMetrics: [
        {
          Namespace: 'StorefrontJourneys',
          Dimensions: [['service', ...Object.keys(dimensions)]],
          Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    service: 'journeys',
    ...dimensions,
    ...metrics,
  });

describe('Function: activityLine', () => {
  it('turns what happened into one readable line each: events in, entries, mails sent or held back, exits, credited orders', () => {
    // Act
    const lines = [
      activityLine('OwnEventsFunction', emf({}, { eventIngested: 3, eventRejected: 0 })),
      activityLine(
        'JourneyEntryFunction',
        emf({ journey: 'welcome', step: 'enter', group: 'treated' }, { journeyEntered: 1 }),
      ),
      activityLine(
        'JourneyEntryFunction',
        emf({ journey: 'welcome', step: 'enter', group: 'heldout' }, { journeyEntered: 1 }),
      ),
      activityLine(
        'JourneyStepFunction',
        log({
          message: 'journey step answered',
          journey: 'welcome',
          step: 'welcome',
          outcome: 'sent',
          reason: 'sent',
        }),
      ),
      activityLine(
        'JourneyStepFunction',
        log({
          message: 'journey step answered',
          journey: 'cart-abandonment',
          step: 'reminder-1',
          outcome: 'deferred',
          reason: 'quiet-hours',
        }),
      ),
      activityLine(
        'JourneyStepFunction',
        log({
          message: 'journey step answered',
          journey: 'cart-abandonment',
          step: 'reminder-2',
          outcome: 'skipped',
          reason: 'frequency-cap',
        }),
      ),
      activityLine(
        'JourneyStepFunction',
        log({
          message: 'journey step answered',
          journey: 'cart-abandonment',
          step: 'reminder-2',
          outcome: 'exited',
          reason: 'ordered',
        }),
      ),
      activityLine(
        'AttributeOrdersFunction',
        log({ message: 'order attributed', journey: 'cart-abandonment' }),
      ),
      activityLine('OwnEventsFunction', emf({}, { eventIngested: 0, eventRejected: 2 })),
    ];

    // Assess
    expect(lines).toEqual([
      '→ 3 events in',
      '◆ welcome: entered',
      '◆ welcome: entered (held out: no mails)',
      '✉ welcome · welcome: mail sent',
      '… cart-abandonment · reminder-1: mail held back (quiet-hours)',
      '– cart-abandonment · reminder-2: no mail (frequency-cap)',
      '◇ cart-abandonment: left at reminder-2 (ordered)',
      '$ order credited to cart-abandonment',
      '✗ 2 events rejected',
    ]);
  });

  it('shows warnings and errors with their function, and hides the rest', () => {
    // Act
    const problem = activityLine(
      'JourneyStepFunction-A1B2C3D4E5',
      log({ level: 'ERROR', message: 'step failed', error: { name: 'ConfigError', message: 'no sender' } }),
    );
    const hidden = [
      activityLine('ProfileEventsFunction', log({ level: 'DEBUG', message: 'event recorded' })),
      activityLine(
        'JourneyStepFunction',
        log({ message: 'journey step answered', journey: 'welcome', step: 'wait', outcome: 'continue' }),
      ),
      activityLine(
        'JourneyStepFunction',
        log({
          message: 'journey step answered',
          journey: 'welcome',
          step: 'welcome',
          outcome: 'deferred',
          reason: 'waiting-for-profile',
        }),
      ),
      activityLine('OwnEventsFunction', emf({}, { eventIngested: 0, eventRejected: 0 })),
      activityLine('OwnEventsFunction', 'START RequestId: 1 Version: $LATEST'),
    ];

    // Assess
    expect(problem).toBe('! JourneyStepFunction: step failed (ConfigError: no sender)');
    expect(hidden).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
