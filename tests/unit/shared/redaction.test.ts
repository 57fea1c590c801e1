import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { isLoggedField, REDACTED, redactingJsonReplacer } from '#shared/redaction.ts';

const redact = (value: unknown) => JSON.parse(JSON.stringify(value, redactingJsonReplacer));

describe('Function: redactingJsonReplacer', () => {
  it('masks every field that is not on the allow-list, whatever it holds', () => {
    // Act
    const logged = redact({
      email: 'ann@example.com',
      customer: { firstName: 'Ann', last_name: 'Lee', phone: '+49 30 1234' },
      shippingAddress: { city: 'Berlin' },
      customerName: 'Ann Lee',
      headers: { Authorization: 'Bearer sj_x_y' },
      storeId: 'demo',
      journey: 'welcome',
    });

    // Assess
    expect(logged).toEqual({
      email: REDACTED,
      customer: REDACTED,
      shippingAddress: REDACTED,
      customerName: REDACTED,
      headers: REDACTED,
      storeId: 'demo',
      journey: 'welcome',
    });
  });

  it('masks e-mail addresses inside allowed fields, and checks the items of an allowed list by their keys', () => {
    // Act
    const logged = redact({
      reason: 'sent to ann.lee+promo@mail.example.co.uk today',
      conversions: [{ journey: 'welcome', group: 'treated', email: 'ann@example.com' }],
      issues: [{ path: 'identity.email', message: 'Invalid email: bob@example' }],
    });

    // Assess
    expect(logged).toEqual({
      reason: `sent to ${REDACTED} today`,
      conversions: [{ journey: 'welcome', group: 'treated', email: REDACTED }],
      issues: [{ path: 'identity.email', message: 'Invalid email: bob@example' }],
    });
  });

  it('keeps error names, messages, stack locations and the AWS SDK’s request ids readable', () => {
    // Act
    const logged = redact({
      error: {
        name: 'TimeoutError',
        message: 'Task timed out',
        location: 'file:///app/node_modules/@middy/core/index.js:120',
        $metadata: { httpStatusCode: 500, requestId: 'R1', attempts: 3 },
        Item: { email: 'ann@example.com' },
      },
    });

    // Assess
    expect(logged.error).toEqual({
      name: 'TimeoutError',
      message: 'Task timed out',
      location: 'file:///app/node_modules/@middy/core/index.js:120',
      $metadata: { httpStatusCode: 500, requestId: 'R1', attempts: 3 },
      Item: REDACTED,
    });
  });

  it('lets Powertools’ standard keys through in a real log line, and masks an extra field', () => {
    // Prepare
    const lines: string[] = [];
    const logger = new Logger({
      serviceName: 'redaction-test',
      jsonReplacerFn: redactingJsonReplacer,
      logLevel: 'INFO',
    });
    // Powertools writes its lines to stdout through its own console.
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;

    // Act
    try {
      logger.info('order attributed', { orderId: '1001', journey: 'welcome', firstName: 'Ann' });
    } finally {
      process.stdout.write = write;
    }

    // Assess
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'order attributed',
      service: 'redaction-test',
      orderId: '1001',
      journey: 'welcome',
      firstName: REDACTED,
    });
    expect(typeof line.timestamp).toBe('string');
  });
});

describe('Function: isLoggedField', () => {
  it('allows identifiers and outcomes, not personal details', () => {
    expect(['storeId', 'messageId', 'outcome', 'reason', 'level'].every(isLoggedField)).toBe(true);
    expect(['email', 'firstName', 'phone', 'address', 'detail', 'event', 'profile'].some(isLoggedField)).toBe(
      false,
    );
  });
});
