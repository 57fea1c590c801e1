import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageKey, parseMessageKey } from '#messaging/domain/message-key.ts';

describe('Function: messageKey', () => {
  it('joins journey, subject and step', () => {
    // Prepare
    const slot = { journey: 'cart-abandonment', subjectKey: 'cart-1', step: 'reminder-1' };

    // Act
    const key = messageKey(slot);

    // Assess
    expect(key).toBe('cart-abandonment#cart-1#reminder-1');
  });

  it('gives the same key for the same slot every time', () => {
    // Prepare
    const slot = { journey: 'win-back', subjectKey: 'customer:c-1', step: 'offer' };

    // Act
    const keys = [
      messageKey(slot),
      messageKey({ step: 'offer', subjectKey: 'customer:c-1', journey: 'win-back' }),
    ];

    // Assess
    expect(keys[0]).toBe(keys[1]);
  });

  it('keeps slots apart whose parts contain the separator', () => {
    // Prepare
    const first = { journey: 'a#b', subjectKey: 'c', step: 'd' };
    const second = { journey: 'a', subjectKey: 'b#c', step: 'd' };

    // Act
    const keys = [messageKey(first), messageKey(second)];

    // Assess
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('keeps slots apart whose parts look like an escaped separator', () => {
    // Prepare
    const first = { journey: 'a%23b', subjectKey: 'c', step: 'd' };
    const second = { journey: 'a#b', subjectKey: 'c', step: 'd' };

    // Act
    const keys = [messageKey(first), messageKey(second)];

    // Assess
    expect(keys).toEqual(['a%2523b#c#d', 'a%23b#c#d']);
  });

  it.each(['journey', 'subjectKey', 'step'] as const)('fails for an empty %s', (part) => {
    // Prepare
    const slot = { journey: 'j', subjectKey: 's', step: 'p', [part]: '' };

    // Act
    const act = () => messageKey(slot);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it('gives different slots different keys', () => {
    // Prepare
    const part = fc.string({
      minLength: 1,
      maxLength: 6,
      unit: fc.constantFrom('a', '#', '%', '2', '3', '5'),
    });
    const slot = fc.record({ journey: part, subjectKey: part, step: part });

    // Act & Assess
    fc.assert(
      fc.property(slot, slot, (first, second) => {
        const same =
          first.journey === second.journey &&
          first.subjectKey === second.subjectKey &&
          first.step === second.step;
        expect(messageKey(first) === messageKey(second)).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Function: parseMessageKey', () => {
  it('gives back the slot a key was made of, whatever its parts contain', () => {
    // Prepare
    const part = fc.string({
      minLength: 1,
      maxLength: 6,
      unit: fc.constantFrom('a', '#', '%', '2', '3', '5', ':', '@'),
    });
    const slot = fc.record({ journey: part, subjectKey: part, step: part });

    // Act & Assess
    fc.assert(
      fc.property(slot, (original) => {
        expect(parseMessageKey(messageKey(original))).toEqual(original);
      }),
    );
  });

  it.each(['cart-abandonment#cart-1', 'a#b#c#d', 'a##c', ''])(
    'fails for %j, which is no message key',
    (key) => {
      // Act
      const act = () => parseMessageKey(key);

      // Assess
      expect(act).toThrow(RangeError);
    },
  );
});
