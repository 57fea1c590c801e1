import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyShopifyHmac } from '#ingest/domain/shopify/signature.ts';
import { shopifyRawFixture } from '../fixtures.ts';

const secret = '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';

/** What Shopify puts in X-Shopify-Hmac-Sha256. */
function shopifySignature(body: Buffer | string, key = secret): string {
  return createHmac('sha256', key).update(body).digest('base64');
}

describe('Function: verifyShopifyHmac', () => {
  const rawBody = Buffer.from(shopifyRawFixture('orders/create'), 'utf8');

  it('accepts the signature Shopify computes over the raw bytes', () => {
    // Prepare
    const header = shopifySignature(rawBody);

    // Act
    const valid = verifyShopifyHmac(rawBody, header, secret);

    // Assess
    expect(valid).toBe(true);
  });

  it('accepts the raw body given as a string', () => {
    // Prepare
    const text = '{"id":7382450393366231553,"note":"crème brûlée"}';
    const header = shopifySignature(Buffer.from(text, 'utf8'));

    // Act
    const valid = verifyShopifyHmac(text, header, secret);

    // Assess
    expect(valid).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    // Prepare
    const header = shopifySignature(rawBody, 'shpss_someone_else');

    // Act
    const valid = verifyShopifyHmac(rawBody, header, secret);

    // Assess
    expect(valid).toBe(false);
  });

  it('rejects a body with one byte changed', () => {
    // Prepare
    const header = shopifySignature(rawBody);
    const tampered = Buffer.from(rawBody);
    const index = tampered.indexOf('27.50');
    tampered[index] = '1'.charCodeAt(0);

    // Act
    const valid = verifyShopifyHmac(tampered, header, secret);

    // Assess
    expect(tampered.equals(rawBody)).toBe(false);
    expect(valid).toBe(false);
  });

  it('rejects the same JSON re-serialised, since only the bytes as sent are signed', () => {
    // Prepare
    const text = '{ "id": 1, "email": "bob@example.com" }';
    const header = shopifySignature(text);

    // Act
    const valid = verifyShopifyHmac(JSON.stringify(JSON.parse(text)), header, secret);

    // Assess
    expect(valid).toBe(false);
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['non-base64 garbage', 'not base64 at all!!'],
    ['a digest of a different length', createHmac('sha1', secret).update(rawBody).digest('base64')],
    ['a truncated signature', shopifySignature(rawBody).slice(0, 40)],
    [
      'a signature with bytes appended',
      Buffer.concat([Buffer.from(shopifySignature(rawBody), 'base64'), Buffer.from([0])]).toString('base64'),
    ],
    ['the right digest in hex', createHmac('sha256', secret).update(rawBody).digest('hex')],
    [
      'the right signature with characters base64 would skip',
      `${shopifySignature(rawBody).slice(0, 10)}$$${shopifySignature(rawBody).slice(10)}`,
    ],
    ['the right signature with surrounding spaces', ` ${shopifySignature(rawBody)} `],
  ])('rejects %s', (_, header) => {
    // Prepare: the header is given per case.

    // Act
    const valid = verifyShopifyHmac(rawBody, header, secret);

    // Assess
    expect(valid).toBe(false);
  });

  it('rejects everything when the secret is empty, even a signature made with the empty secret', () => {
    // Prepare
    const header = shopifySignature(rawBody, '');

    // Act
    const valid = verifyShopifyHmac(rawBody, header, '');

    // Assess
    expect(valid).toBe(false);
  });
});
