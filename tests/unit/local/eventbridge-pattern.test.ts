import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE, EVENT_TYPES } from '#events/schemas.ts';
import {
  compileEventPattern,
  InvalidEventPatternError,
  matchesEventPattern,
} from '#local/eventbridge/pattern/index.ts';

interface MatchCase {
  name: string;
  pattern: unknown;
  /** Present when the case relies on a duplicate key; only the raw text keeps both occurrences. */
  pattern_raw?: string;
  event: unknown;
  matches: boolean;
}

interface InvalidCase {
  name: string;
  pattern: unknown;
  pattern_raw?: string;
  error_code: string;
  error_message: string;
}

function fixture<T>(file: string): T[] {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/eventbridge/${file}`, import.meta.url), 'utf8'),
  ) as T[];
}

const matchCases = fixture<MatchCase>('eventbridge-patterns.json');
const invalidCases = fixture<InvalidCase>('eventbridge-invalid-patterns.json');

function envelope(detailType: string, detail: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': detailType,
    source: EVENT_SOURCE,
    account: '123456789012',
    time: '2026-03-01T09:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

function compileInvalid(pattern: unknown): unknown {
  try {
    compileEventPattern(pattern);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Function: matchesEventPattern', () => {
  it.each(matchCases)('$name', ({ pattern, pattern_raw, event, matches }) => {
    // Prepare
    const compiled = compileEventPattern(pattern_raw ?? pattern);

    // Act
    const result = matchesEventPattern(compiled, event);

    // Assess
    expect(result).toBe(matches);
  });

  it('matches our cart updates by source and detail type', () => {
    // Prepare
    const compiled = compileEventPattern({ source: [EVENT_SOURCE], 'detail-type': ['cart.updated'] });

    // Act
    const result = matchesEventPattern(compiled, envelope('cart.updated', { storeId: 'demo' }));

    // Assess
    expect(result).toBe(true);
  });

  it('fails other detail types against a cart.updated rule', () => {
    // Prepare
    const compiled = compileEventPattern({ source: [EVENT_SOURCE], 'detail-type': ['cart.updated'] });

    // Act
    const results = EVENT_TYPES.filter((type) => type !== 'cart.updated').map((type) =>
      matchesEventPattern(compiled, envelope(type)),
    );

    // Assess
    expect(results).not.toContain(true);
  });

  it('matches every one of our detail types with a source-only rule', () => {
    // Prepare
    const compiled = compileEventPattern(`{"source":["${EVENT_SOURCE}"]}`);

    // Act
    const results = EVENT_TYPES.map((type) => matchesEventPattern(compiled, envelope(type)));

    // Assess
    expect(results).toEqual(EVENT_TYPES.map(() => true));
  });

  it('fails events from another source', () => {
    // Prepare
    const compiled = compileEventPattern({ source: [EVENT_SOURCE] });
    const event = { ...envelope('cart.updated'), source: 'storefront-journeys.other' };

    // Act
    const result = matchesEventPattern(compiled, event);

    // Assess
    expect(result).toBe(false);
  });

  it('matches order events by prefix and a numeric detail field, reusing one compiled rule', () => {
    // Prepare
    const compiled = compileEventPattern({
      source: [EVENT_SOURCE],
      'detail-type': [{ prefix: 'order.' }],
      detail: { lineCount: [{ numeric: ['>=', 2] }] },
    });

    // Act
    const results = [
      matchesEventPattern(compiled, envelope('order.placed', { lineCount: 3 })),
      matchesEventPattern(compiled, envelope('order.placed', { lineCount: 1 })),
      matchesEventPattern(compiled, envelope('cart.updated', { lineCount: 3 })),
      matchesEventPattern(compiled, envelope('order.placed', { lineCount: '3' })),
    ];

    // Assess
    expect(results).toEqual([true, false, false, false]);
  });
});

describe('Function: compileEventPattern', () => {
  it.each(invalidCases)('$name', ({ pattern, pattern_raw, error_code, error_message }) => {
    // Prepare
    const input = pattern_raw ?? pattern;

    // Act
    const error = compileInvalid(input);

    // Assess
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect(error).toMatchObject({
      name: 'InvalidEventPatternError',
      code: error_code,
      message: error_message,
    });
  });

  it('fails a pattern that is not JSON', () => {
    // Prepare
    const input = '{"source": [';

    // Act
    const error = compileInvalid(input);

    // Assess
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect((error as Error).message).toMatch(/^Event pattern is not valid\. Reason: /);
  });

  it('fails a pattern that is not an object', () => {
    // Prepare
    const input = ['source'];

    // Act
    const error = compileInvalid(input);

    // Assess
    expect(error).toMatchObject({ message: 'Event pattern is not valid. Reason: Filter is not an object' });
  });

  it('fails an $or with a single alternative', () => {
    // Prepare
    const input = { detail: { $or: [{ state: ['pending'] }] } };

    // Act
    const error = compileInvalid(input);

    // Assess
    expect(error).toMatchObject({
      message: 'Event pattern is not valid. Reason: There must have at least 2 Objects in $or relationship.',
    });
  });

  it('fails an $or that expands to more than 1000 combinations', () => {
    // Prepare
    const pair = (key: string) => [{ [key]: ['a'] }, { [key]: ['b'] }];
    const input = {
      a: { $or: pair('x') },
      b: { $or: pair('x') },
      c: { $or: pair('x') },
      d: { $or: pair('x') },
      e: { $or: pair('x') },
      f: { $or: pair('x') },
      g: { $or: pair('x') },
      h: { $or: pair('x') },
      i: { $or: pair('x') },
      j: { $or: pair('x') },
    };

    // Act
    const error = compileInvalid(input);

    // Assess
    expect(error).toBeInstanceOf(InvalidEventPatternError);
  });

  it('accepts a wildcard with four stars and rejects the same shape with five', () => {
    // Prepare
    const fourStars = { EventBusArn: [{ wildcard: '*:*:*:*:event-bus/*' }] };
    const fiveStars = { EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] };

    // Act
    const accepted = compileInvalid(fourStars);
    const rejected = compileInvalid(fiveStars);

    // Assess
    expect(accepted).toBeUndefined();
    expect(rejected).toBeInstanceOf(InvalidEventPatternError);
  });

  it('fails an invalid escape in a wildcard at its byte position', () => {
    // Prepare
    const input = { file: [{ wildcard: 'a*c\\def' }] };

    // Act
    const error = compileInvalid(input);

    // Assess
    expect(error).toMatchObject({
      message: 'Event pattern is not valid. Reason: Invalid escape character at pos 4',
    });
  });
});
