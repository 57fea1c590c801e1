import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseShopifyJson } from '#ingest/domain/shopify/parse-shopify-json.ts';
import { redactionKeysOf } from '#ingest/domain/shopify/shopify-redaction.ts';

const fixture = readFileSync(
  new URL('../../../fixtures/shopify/customers/redact.json', import.meta.url),
  'utf8',
);

describe('Function: redactionKeysOf', () => {
  it("names the customer of Shopify's customers/redact by id (exact above 2^53) and by e-mail", () => {
    // Act
    const result = redactionKeysOf(parseShopifyJson(fixture));

    // Assess
    expect(result).toEqual({
      valid: true,
      keys: ['customer:7382450393366231553', 'email:bob.norman@example.com'],
    });
  });

  it.each([
    [{ customer: { email: ' Bob.Norman@Example.com ' } }, ['email:bob.norman@example.com']],
    [{ customer: { id: 42, email: null } }, ['customer:42']],
  ])('erases by what there is: %j', (payload, keys) => {
    // Act & Assess
    expect(redactionKeysOf(payload)).toEqual({ valid: true, keys });
  });

  it.each([
    [{ customer: {} }, 'customer: names neither an id nor an email'],
    [{ shop_id: 1 }, 'customer: '],
    [{ customer: { id: 1.5 } }, 'customer.id: must be a whole number'],
  ])('refuses %j, saying what is wrong', (payload, problem) => {
    // Act
    const result = redactionKeysOf(payload);

    // Assess
    expect(result.valid).toBe(false);
    expect(result.valid ? [] : result.problems.join('; ')).toContain(problem);
  });
});
