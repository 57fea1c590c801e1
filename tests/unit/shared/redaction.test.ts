import { describe, expect, it } from 'vitest';
import { REDACTED, redactingJsonReplacer } from '#shared/redaction.ts';

const redact = (value: unknown) => JSON.parse(JSON.stringify(value, redactingJsonReplacer));

describe('Function: redactingJsonReplacer', () => {
  it('masks personal data and credentials wherever they are in a logged object', () => {
    // Act
    const logged = redact({
      email: 'ann@example.com',
      customer: { firstName: 'Ann', last_name: 'Lee', phone: '+49 30 1234' },
      note: 'sent to ann.lee+promo@mail.example.co.uk today',
      headers: { Authorization: 'Bearer sj_x_y' },
      count: 3,
    });

    // Assess
    expect(logged).toEqual({
      email: REDACTED,
      customer: { firstName: REDACTED, last_name: REDACTED, phone: REDACTED },
      note: `sent to ${REDACTED} today`,
      headers: { Authorization: REDACTED },
      count: 3,
    });
  });

  it('keeps error names and stack locations readable', () => {
    // Act
    const logged = redact({
      error: { name: 'TimeoutError', location: 'file:///app/node_modules/@middy/core/index.js:120' },
    });

    // Assess
    expect(logged.error).toEqual({
      name: 'TimeoutError',
      location: 'file:///app/node_modules/@middy/core/index.js:120',
    });
  });
});
